/* Memories, tables and globals as handles: made by the host, taken from an
 * instance's exports, read, written and grown; defined in a linker for
 * modules to import (a whole instance too); a real toolchain's
 * --import-memory --import-table guest run on host-made ones; and the bad
 * input: a wrong extern type (LINK naming both types), limits that do not
 * match, handles of another store or engine (INVALID_ARGUMENT), growth past
 * a maximum or a store limit (LIMIT_EXCEEDED), shared memories with the
 * threads proposal on and off. Under pooling and on-demand. */
#include "check.h"
#include "guests.h"

static wasmpool_store_t *new_store(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  return store;
}

static wasmpool_memory_t *new_memory(wasmpool_store_t *store, uint64_t min, uint64_t max) {
  wasmpool_memorytype_t ty = {.minimum = min, .maximum = max, .has_maximum = max != 0};
  wasmpool_memory_t *memory = NULL;
  OK(wasmpool_memory_new(store, &ty, &memory));
  CHECK(memory != NULL);
  return memory;
}

static wasmpool_table_t *new_table(wasmpool_store_t *store, uint64_t min, uint64_t max) {
  wasmpool_tabletype_t ty = {.element = WASMPOOL_REFTYPE_FUNCREF, .minimum = min, .maximum = max,
                             .has_maximum = max != 0};
  wasmpool_table_t *table = NULL;
  OK(wasmpool_table_new(store, &ty, &table));
  CHECK(table != NULL);
  return table;
}

static void expect_message(wasmpool_error_t *err, wasmpool_error_kind_t kind, const char *a,
                           const char *b) {
  CHECK(err != NULL);
  const char *msg = wasmpool_error_message(err);
  if (wasmpool_error_kind(err) != kind || strstr(msg, a) == NULL || (b && strstr(msg, b) == NULL)) {
    fprintf(stderr, "kind %d (want %d), message must name `%s` and `%s`: %s\n",
            (int)wasmpool_error_kind(err), (int)kind, a, b ? b : "", msg);
    exit(1);
  }
  wasmpool_error_delete(err);
}

/* Host-made externs: types, data, growth, limits. */
static void host_externs(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = new_store(engine);
  wasmpool_memory_t *memory = new_memory(store, 1, 3);
  CHECK(wasmpool_memory_size(memory) == 1);
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_memory_data(memory, &data, &size));
  CHECK(size == 65536 && data[0] == 0 && data[65535] == 0);
  data[100] = 42;
  uint64_t previous = 99;
  OK(wasmpool_memory_grow(memory, 1, &previous));
  CHECK(previous == 1 && wasmpool_memory_size(memory) == 2);
  OK(wasmpool_memory_data(memory, &data, &size));
  CHECK(size == 2 * 65536 && data[100] == 42);
  OK(wasmpool_memory_grow(memory, 0, NULL));
  expect_message(wasmpool_memory_grow(memory, 2, &previous), WASMPOOL_ERROR_LIMIT_EXCEEDED,
                 "maximum is 3 pages", NULL);
  CHECK(wasmpool_memory_size(memory) == 2);
  wasmpool_memorytype_t mty;
  OK(wasmpool_memory_type(memory, &mty));
  CHECK(mty.minimum == 2 && mty.maximum == 3 && mty.has_maximum && !mty.is_64 && !mty.shared);

  /* Invalid types. */
  wasmpool_memorytype_t bad = {.minimum = 4, .maximum = 2, .has_maximum = true};
  wasmpool_memory_t *none = NULL;
  EXPECT_ERR(wasmpool_memory_new(store, &bad, &none), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(none == NULL);
  wasmpool_tabletype_t tbad = {.element = 7, .minimum = 1};
  wasmpool_table_t *tnone = NULL;
  EXPECT_ERR(wasmpool_table_new(store, &tbad, &tnone), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_globaltype_t gbad = {.kind = WASMPOOL_VALKIND_REF, .is_mutable = false};
  wasmpool_val_t zero = val_i32(0);
  wasmpool_global_t *gnone = NULL;
  EXPECT_ERR(wasmpool_global_new(store, &gbad, &zero, &gnone), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_globaltype_t gi64 = {.kind = WASMPOOL_VALKIND_I64, .is_mutable = false};
  EXPECT_ERR(wasmpool_global_new(store, &gi64, &zero, &gnone), WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* Tables: null elements, growth within the maximum. */
  wasmpool_table_t *table = new_table(store, 2, 4);
  CHECK(wasmpool_table_size(table) == 2);
  wasmpool_func_t *elem = (wasmpool_func_t *)1;
  OK(wasmpool_table_get(table, 1, &elem));
  CHECK(elem == NULL);
  EXPECT_ERR(wasmpool_table_get(table, 2, &elem), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_table_set(table, 2, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_table_grow(table, 2, NULL, &previous));
  CHECK(previous == 2 && wasmpool_table_size(table) == 4);
  expect_message(wasmpool_table_grow(table, 1, NULL, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED,
                 "maximum is 4 elements", NULL);
  wasmpool_tabletype_t tty;
  OK(wasmpool_table_type(table, &tty));
  CHECK(tty.element == WASMPOOL_REFTYPE_FUNCREF && tty.minimum == 4 && tty.maximum == 4);
  wasmpool_tabletype_t ext = {.element = WASMPOOL_REFTYPE_EXTERNREF, .minimum = 1};
  wasmpool_table_t *etable = NULL;
  OK(wasmpool_table_new(store, &ext, &etable));
  OK(wasmpool_table_get(etable, 0, &elem));
  CHECK(elem == NULL);

  /* Globals: get, set, immutability, kinds. */
  wasmpool_globaltype_t gty = {.kind = WASMPOOL_VALKIND_I32, .is_mutable = true};
  wasmpool_val_t seven = val_i32(7);
  wasmpool_global_t *global = NULL;
  OK(wasmpool_global_new(store, &gty, &seven, &global));
  wasmpool_val_t got;
  OK(wasmpool_global_get(global, &got));
  CHECK(got.kind == WASMPOOL_VALKIND_I32 && got.of.i32 == 7);
  wasmpool_val_t eight = val_i32(8);
  OK(wasmpool_global_set(global, &eight));
  OK(wasmpool_global_get(global, &got));
  CHECK(got.of.i32 == 8);
  wasmpool_val_t wide = {.kind = WASMPOOL_VALKIND_I64, .of = {.i64 = 1}};
  EXPECT_ERR(wasmpool_global_set(global, &wide), WASMPOOL_ERROR_INVALID_ARGUMENT);
  gty.is_mutable = false;
  wasmpool_global_t *constant = NULL;
  OK(wasmpool_global_new(store, &gty, &seven, &constant));
  expect_message(wasmpool_global_set(constant, &eight), WASMPOOL_ERROR_INVALID_ARGUMENT, "immutable", NULL);
  wasmpool_globaltype_t got_ty;
  OK(wasmpool_global_type(constant, &got_ty));
  CHECK(got_ty.kind == WASMPOOL_VALKIND_I32 && !got_ty.is_mutable);

  /* The store's memory_size limit applies to host memories. */
  wasmpool_store_limits_t limits = wasmpool_store_limits_unlimited();
  limits.memory_size = 3 * 65536;
  OK(wasmpool_store_limits_set(store, &limits));
  wasmpool_memory_t *capped = new_memory(store, 1, 0);
  OK(wasmpool_memory_grow(capped, 2, NULL));
  expect_message(wasmpool_memory_grow(capped, 1, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED, "memory_size limit", NULL);
  wasmpool_memorytype_t big = {.minimum = 4};
  EXPECT_ERR(wasmpool_memory_new(store, &big, &none), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_store_delete(store);
}

static const char *EXPORTER =
    "(module"
    "  (memory (export \"mem\") 1 2)"
    "  (table (export \"tab\") 2 funcref)"
    "  (global (export \"g\") (mut i32) (i32.const 5))"
    "  (func $nine (export \"nine\") (result i32) (i32.const 9))"
    "  (elem (i32.const 1) $nine)"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    "  (func (export \"peek\") (param i32) (result i32) (i32.load8_u (local.get 0))))";

static const char *IMPORTER =
    "(module"
    "  (import \"host\" \"memory\" (memory 1))"
    "  (import \"host\" \"table\" (table 2 funcref))"
    "  (import \"host\" \"counter\" (global $c (mut i32)))"
    "  (type $v2i (func (result i32)))"
    "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))"
    "  (func (export \"call\") (param i32) (result i32) (call_indirect (type $v2i) (local.get 0)))"
    "  (func (export \"bump\") (result i32)"
    "    (global.set $c (i32.add (global.get $c) (i32.const 1))) (global.get $c)))";

/* Exported externs as handles, and host externs imported through a linker. */
static void exports_and_linking(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = new_store(engine);
  wasmpool_module_t *exporter = compile_wat(engine, EXPORTER);
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, exporter, &inst));

  wasmpool_memory_t *mem = NULL;
  OK(wasmpool_instance_export_memory(inst, "mem", &mem));
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_memory_data(mem, &data, &size));
  data[3] = 77;
  wasmpool_val_t arg = val_i32(3), res;
  OK(wasmpool_instance_call(inst, "peek", &arg, 1, &res, 1));
  CHECK(res.of.i32 == 77);
  uint64_t previous = 0;
  OK(wasmpool_memory_grow(mem, 1, &previous));
  CHECK(previous == 1);
  arg = val_i32(0);
  OK(wasmpool_instance_call(inst, "grow", &arg, 1, &res, 1));
  CHECK(res.of.i32 == 2); /* the guest sees the host's growth */
  EXPECT_ERR(wasmpool_memory_grow(mem, 1, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  EXPECT_ERR(wasmpool_instance_export_memory(inst, "tab", &mem), WASMPOOL_ERROR_LINK);

  wasmpool_table_t *tab = NULL;
  OK(wasmpool_instance_export_table(inst, "tab", &tab));
  wasmpool_func_t *nine = NULL;
  OK(wasmpool_table_get(tab, 1, &nine));
  CHECK(nine != NULL);
  OK(wasmpool_func_call(nine, NULL, 0, &res, 1));
  CHECK(res.kind == WASMPOOL_VALKIND_I32 && res.of.i32 == 9);
  OK(wasmpool_table_set(tab, 0, nine));
  OK(wasmpool_table_set(tab, 1, NULL));
  wasmpool_func_t *elem = NULL;
  OK(wasmpool_table_get(tab, 1, &elem));
  CHECK(elem == NULL);
  wasmpool_global_t *g = NULL;
  OK(wasmpool_instance_export_global_n(inst, "g", 1, &g));
  wasmpool_val_t got;
  OK(wasmpool_global_get(g, &got));
  CHECK(got.of.i32 == 5);

  /* Host externs defined in a linker. */
  wasmpool_memory_t *hmem = new_memory(store, 1, 0);
  wasmpool_table_t *htab = new_table(store, 2, 0);
  wasmpool_globaltype_t gty = {.kind = WASMPOOL_VALKIND_I32, .is_mutable = true};
  wasmpool_val_t forty = val_i32(40);
  wasmpool_global_t *hg = NULL;
  OK(wasmpool_global_new(store, &gty, &forty, &hg));
  OK(wasmpool_table_set(htab, 1, nine)); /* a function of the exporter, in the host's table */
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  OK(wasmpool_linker_define_memory(linker, store, "host", "memory", hmem));
  OK(wasmpool_linker_define_table_n(linker, store, "host", 4, "table", 5, htab));
  OK(wasmpool_linker_define_global(linker, store, "host", "counter", hg));
  EXPECT_ERR(wasmpool_linker_define_global(linker, store, "host", "counter", hg), WASMPOOL_ERROR_LINK);
  wasmpool_module_t *importer = compile_wat(engine, IMPORTER);
  wasmpool_instance_t *user = NULL;
  OK(wasmpool_linker_instantiate(linker, store, importer, &user));
  wasmpool_val_t two[2] = {val_i32(10), val_i32(123)};
  OK(wasmpool_instance_call(user, "store", two, 2, NULL, 0));
  OK(wasmpool_memory_data(hmem, &data, &size));
  CHECK(size == 65536 && data[10] == 123); /* the host reads what the guest wrote */
  arg = val_i32(1);
  OK(wasmpool_instance_call(user, "call", &arg, 1, &res, 1));
  CHECK(res.of.i32 == 9);
  OK(wasmpool_instance_call(user, "bump", NULL, 0, &res, 1));
  CHECK(res.of.i32 == 41);
  OK(wasmpool_global_get(hg, &got));
  CHECK(got.of.i32 == 41); /* the guest's write is the host's global */

  /* A pre-linked instance from a linker holding the store's externs works in that store only. */
  wasmpool_instance_pre_t *pre = NULL;
  OK(wasmpool_linker_instantiate_pre(linker, importer, &pre));
  OK(wasmpool_instance_pre_instantiate(pre, store, &user));
  wasmpool_store_t *other = new_store(engine);
  expect_message(wasmpool_instance_pre_instantiate(pre, other, &user), WASMPOOL_ERROR_INVALID_ARGUMENT,
                 "another store", NULL);
  expect_message(wasmpool_linker_instantiate(linker, other, importer, &user),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "another store", NULL);
  wasmpool_instance_pre_delete(pre);

  /* Handles of another store are refused. */
  wasmpool_memory_t *foreign = new_memory(other, 1, 0);
  expect_message(wasmpool_linker_define_memory(linker, store, "x", "m", foreign),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "another store", NULL);
  expect_message(wasmpool_linker_define_instance(linker, other, "x", inst),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "another store", NULL);
  wasmpool_linker_t *linker2 = NULL;
  OK(wasmpool_linker_new(engine, &linker2));
  OK(wasmpool_linker_define_memory(linker2, other, "x", "m", foreign));
  expect_message(wasmpool_linker_define_memory(linker2, store, "x", "m2", hmem),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "another store", NULL);
  wasmpool_table_t *ftab = new_table(other, 1, 0);
  expect_message(wasmpool_table_set(ftab, 0, nine), WASMPOOL_ERROR_INVALID_ARGUMENT, "another store", NULL);
  wasmpool_linker_delete(linker2);
  wasmpool_store_delete(other);

  /* A whole instance registered under a module name. */
  OK(wasmpool_linker_define_instance(linker, store, "exp", inst));
  wasmpool_module_t *reg = compile_wat(engine,
      "(module (import \"exp\" \"nine\" (func $n (result i32))) (import \"exp\" \"mem\" (memory 2))"
      "  (func (export \"run\") (result i32) (i32.add (call $n) (i32.load8_u (i32.const 3)))))");
  wasmpool_instance_t *reg_inst = NULL;
  OK(wasmpool_linker_instantiate(linker, store, reg, &reg_inst));
  OK(wasmpool_instance_call(reg_inst, "run", NULL, 0, &res, 1));
  CHECK(res.of.i32 == 9 + 77);

  /* Wrong extern types surface at instantiation as LINK naming both types. */
  wasmpool_module_t *wrong = compile_wat(engine, "(module (import \"host\" \"memory\" (table 1 funcref)))");
  expect_message(wasmpool_linker_instantiate(linker, store, wrong, &user), WASMPOOL_ERROR_LINK,
                 "expected table", "found memory");
  wasmpool_instance_pre_t *wrong_pre = NULL;
  expect_message(wasmpool_linker_instantiate_pre(linker, wrong, &wrong_pre), WASMPOOL_ERROR_LINK,
                 "expected table", "found memory");
  wasmpool_module_delete(wrong);
  wrong = compile_wat(engine, "(module (import \"host\" \"table\" (global i32)))");
  expect_message(wasmpool_linker_instantiate(linker, store, wrong, &user), WASMPOOL_ERROR_LINK,
                 "expected global", "found table");
  wasmpool_module_delete(wrong);
  wrong = compile_wat(engine, "(module (import \"host\" \"memory\" (memory 5)))");
  expect_message(wasmpool_linker_instantiate(linker, store, wrong, &user), WASMPOOL_ERROR_LINK,
                 "host::memory", "limits");
  wasmpool_module_delete(wrong);
  wrong = compile_wat(engine, "(module (import \"host\" \"counter\" (global i32)))");
  expect_message(wasmpool_linker_instantiate(linker, store, wrong, &user), WASMPOOL_ERROR_LINK,
                 "host::counter", "mutable");
  wasmpool_module_delete(wrong);

  wasmpool_module_delete(reg);
  wasmpool_module_delete(importer);
  wasmpool_module_delete(exporter);
  wasmpool_linker_delete(linker);
  wasmpool_store_delete(store);
}

/* Under pooling, an instance's memory and table cannot grow past the pool's per-slot sizes. */
static void pool_limits(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = new_store(engine);
  wasmpool_module_t *module =
      compile_wat(engine, "(module (memory (export \"m\") 1) (table (export \"t\") 1 funcref))");
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_memory_t *memory = NULL;
  OK(wasmpool_instance_export_memory(inst, "m", &memory));
  /* small_pool: max_memory_size is 16 MiB, 256 pages. */
  expect_message(wasmpool_memory_grow(memory, 300, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED, "max_memory_size", NULL);
  CHECK(wasmpool_memory_size(memory) == 1);
  OK(wasmpool_memory_grow(memory, 255, NULL));
  wasmpool_table_t *table = NULL;
  OK(wasmpool_instance_export_table(inst, "t", &table));
  /* table_elements is the pool's per-table size (its default, 20,000, here). */
  expect_message(wasmpool_table_grow(table, 30000, NULL, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED, "table_elements", NULL);
  CHECK(wasmpool_table_size(table) == 1);
  wasmpool_module_delete(module);
  wasmpool_store_delete(store);
}

/* A host memory of another engine is refused by the linker. */
static void other_engine(wasmpool_engine_t *engine) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  wasmpool_engine_t *engine2 = engine_from(cfg);
  wasmpool_store_t *store2 = new_store(engine2);
  wasmpool_memory_t *memory2 = new_memory(store2, 1, 0);
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  expect_message(wasmpool_linker_define_memory(linker, store2, "env", "memory", memory2),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "another engine", NULL);
  wasmpool_store_t *store = new_store(engine);
  expect_message(wasmpool_linker_define_memory(linker, store, "env", "memory", memory2),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "another store", NULL);
  wasmpool_linker_delete(linker);
  wasmpool_store_delete(store);
  wasmpool_store_delete(store2);
  wasmpool_engine_delete(engine2);
  wasmpool_config_delete(cfg);
}

/* Shared memories: with the threads proposal (the default) and without. */
static void shared_memories(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = new_store(engine);
  wasmpool_memorytype_t ty = {.minimum = 1, .maximum = 2, .has_maximum = true, .shared = true};
  wasmpool_memory_t *shared = NULL;
  OK(wasmpool_memory_new(store, &ty, &shared));
  wasmpool_memorytype_t got;
  OK(wasmpool_memory_type(shared, &got));
  CHECK(got.shared && got.minimum == 1 && got.maximum == 2);
  wasmpool_memorytype_t unbounded = {.minimum = 1, .shared = true};
  wasmpool_memory_t *none = NULL;
  EXPECT_ERR(wasmpool_memory_new(store, &unbounded, &none), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  OK(wasmpool_linker_define_memory(linker, store, "env", "memory", shared));
  wasmpool_module_t *module = compile_wat(engine,
      "(module (import \"env\" \"memory\" (memory 1 2 shared))"
      "  (func (export \"add\") (param i32 i32) (result i32)"
      "    (i32.atomic.rmw.add (local.get 0) (local.get 1))))");
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_linker_instantiate(linker, store, module, &inst));
  wasmpool_val_t args[2] = {val_i32(16), val_i32(5)}, res;
  OK(wasmpool_instance_call(inst, "add", args, 2, &res, 1));
  OK(wasmpool_instance_call(inst, "add", args, 2, &res, 1));
  CHECK(res.of.i32 == 5);
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_memory_data(shared, &data, &size));
  CHECK(size == 65536 && data[16] == 10);
  uint64_t previous = 0;
  OK(wasmpool_memory_grow(shared, 1, &previous));
  CHECK(previous == 1 && wasmpool_memory_size(shared) == 2);
  EXPECT_ERR(wasmpool_memory_grow(shared, 1, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_module_delete(module);
  wasmpool_linker_delete(linker);
  wasmpool_store_delete(store);

  wasmpool_config_t *cfg = wasmpool_config_new();
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  OK(wasmpool_config_wasm_threads_set(cfg, false));
  wasmpool_engine_t *no_threads = engine_from(cfg);
  store = new_store(no_threads);
  expect_message(wasmpool_memory_new(store, &ty, &none), WASMPOOL_ERROR_INVALID_ARGUMENT,
                 "wasm_threads", NULL);
  CHECK(none == NULL);
  wasmpool_store_delete(store);
  wasmpool_engine_delete(no_threads);
  wasmpool_config_delete(cfg);
}

/* A C guest built by clang with --import-memory --import-table, on host-made ones. */
static void toolchain_guest(wasmpool_engine_t *engine) {
  char path[1024];
  guest_file(path, sizeof path, "import_memory.wasm");
  wasmpool_module_t *module = NULL;
  OK(wasmpool_module_new_file(engine, path, &module));
  wasmpool_store_t *store = new_store(engine);
  wasmpool_memory_t *memory = new_memory(store, 2, 0);
  wasmpool_table_t *table = new_table(store, 3, 0);
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  OK(wasmpool_linker_define_memory(linker, store, "env", "memory", memory));
  /* Without the table the link fails naming the import. */
  wasmpool_instance_t *inst = NULL;
  expect_message(wasmpool_linker_instantiate(linker, store, module, &inst), WASMPOOL_ERROR_LINK,
                 "__indirect_function_table", NULL);
  OK(wasmpool_linker_define_table(linker, store, "env", "__indirect_function_table", table));
  OK(wasmpool_linker_instantiate(linker, store, module, &inst));

  wasmpool_val_t arg = val_i32(1234), res;
  OK(wasmpool_instance_call(inst, "greet", &arg, 1, &res, 1));
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_memory_data(memory, &data, &size));
  CHECK((size_t)(uint32_t)res.of.i32 < size);
  const char *text = (const char *)data + (uint32_t)res.of.i32;
  if (strcmp(text, "hello from the guest, call 1234") != 0) {
    fprintf(stderr, "the guest wrote `%s`\n", text);
    exit(1);
  }
  /* The guest's function pointers are indices into the host's table. */
  wasmpool_val_t which = val_i32(1);
  OK(wasmpool_instance_call(inst, "op_index", &which, 1, &res, 1));
  CHECK(res.of.i32 > 0 && (uint64_t)res.of.i32 < wasmpool_table_size(table));
  wasmpool_func_t *mul = NULL;
  OK(wasmpool_table_get(table, (uint64_t)res.of.i32, &mul));
  CHECK(mul != NULL);
  wasmpool_val_t ops[2] = {val_i32(6), val_i32(7)};
  OK(wasmpool_func_call(mul, ops, 2, &res, 1));
  CHECK(res.of.i32 == 42);
  wasmpool_val_t apply[3] = {val_i32(0), val_i32(40), val_i32(2)};
  OK(wasmpool_instance_call(inst, "apply", apply, 3, &res, 1));
  CHECK(res.of.i32 == 42);
  /* The host swaps `add` for `mul` in its table: the guest's call follows. */
  OK(wasmpool_instance_call(inst, "op_index", &apply[0], 1, &res, 1));
  OK(wasmpool_table_set(table, (uint64_t)res.of.i32, mul));
  OK(wasmpool_instance_call(inst, "apply", apply, 3, &res, 1));
  CHECK(res.of.i32 == 80);

  /* A memory smaller than the guest asks for does not link. */
  wasmpool_store_t *small = new_store(engine);
  wasmpool_linker_t *linker2 = NULL;
  OK(wasmpool_linker_new(engine, &linker2));
  OK(wasmpool_linker_define_memory(linker2, small, "env", "memory", new_memory(small, 1, 0)));
  OK(wasmpool_linker_define_table(linker2, small, "env", "__indirect_function_table", new_table(small, 3, 0)));
  expect_message(wasmpool_linker_instantiate(linker2, small, module, &inst), WASMPOOL_ERROR_LINK,
                 "env::memory", "limits");
  wasmpool_linker_delete(linker2);
  wasmpool_store_delete(small);

  wasmpool_linker_delete(linker);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
}

int main(void) {
  for (int pooling = 1; pooling >= 0; pooling--) {
    wasmpool_config_t *cfg = small_pool(8);
    if (!pooling) OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
    wasmpool_engine_t *engine = engine_from(cfg);
    CHECK(wasmpool_engine_strategy(engine) ==
          (pooling ? WASMPOOL_STRATEGY_POOLING : WASMPOOL_STRATEGY_ON_DEMAND));
    host_externs(engine);
    exports_and_linking(engine);
    if (pooling) pool_limits(engine);
    other_engine(engine);
    shared_memories(engine);
    toolchain_guest(engine);
    wasmpool_engine_delete(engine);
    wasmpool_config_delete(cfg);
  }
  printf("externs: ok under pooling and on-demand\n");
  return 0;
}
