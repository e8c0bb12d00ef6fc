/* Components under pooling: compile (text, binary via serialize), listings
 * with WIT signatures, a linker with a C host function, pre-instantiation per
 * request, calls by name and through a function handle, nested interface
 * exports, traps, unknown imports, and every per-component knob reaching
 * Wasmtime (POOL_EXHAUSTED at total_component_instances, LIMIT_EXCEEDED
 * naming the knob for the four per-component limits). */
#include "check.h"

static const char *ADD =
    "(component"
    "  (core module $m (func (export \"add\") (param i32 i32) (result i32)"
    "    local.get 0 local.get 1 i32.add)"
    "    (func (export \"double\") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)"
    "    (func (export \"boom\") unreachable))"
    "  (core instance $i (instantiate $m))"
    "  (func (export \"add\") (param \"a\" u32) (param \"b\" u32) (result u32)"
    "    (canon lift (core func $i \"add\")))"
    "  (func (export \"boom\") (canon lift (core func $i \"boom\")))"
    "  (func $get (param \"k\" u32) (result u32) (canon lift (core func $i \"double\")))"
    "  (instance $store (export \"get\" (func $get)))"
    "  (export \"example:kv/store@0.1.0\" (instance $store)))";

/* Imports `scale` from an interface; `run(x)` = scale(x) + 1. */
static const char *USES_HOST =
    "(component"
    "  (import \"example:test/host@0.1.0\" (instance $h"
    "    (export \"scale\" (func (param \"x\" u32) (result u32)))))"
    "  (alias export $h \"scale\" (func $scale))"
    "  (core func $scale_lowered (canon lower (func $scale)))"
    "  (core module $m"
    "    (import \"host\" \"scale\" (func $s (param i32) (result i32)))"
    "    (func (export \"run\") (param i32) (result i32)"
    "      local.get 0 call $s i32.const 1 i32.add))"
    "  (core instance $hi (export \"scale\" (func $scale_lowered)))"
    "  (core instance $i (instantiate $m (with \"host\" (instance $hi))))"
    "  (func (export \"run\") (param \"x\" u32) (result u32)"
    "    (canon lift (core func $i \"run\"))))";

/* Two core instances, each with a memory and a table. */
static const char *TWO_INSTANCES =
    "(component"
    "  (core module $m (memory 1) (table 1 funcref))"
    "  (core instance $a (instantiate $m))"
    "  (core instance $b (instantiate $m)))";

static wasmpool_component_t *component_of(const wasmpool_engine_t *engine, const char *wat) {
  wasmpool_component_t *c = NULL;
  OK(wasmpool_component_new(engine, (const uint8_t *)wat, strlen(wat), &c));
  CHECK(c != NULL);
  return c;
}

static wasmpool_component_val_t u32v(uint32_t x) {
  wasmpool_component_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMPOOL_COMPONENT_VALKIND_U32;
  v.of.u32 = x;
  return v;
}

static wasmpool_component_pre_t *pre_of(const wasmpool_engine_t *engine, const wasmpool_component_t *c) {
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, c, &pre));
  wasmpool_component_linker_delete(linker);
  return pre;
}

static uint32_t call_u32(wasmpool_component_instance_t *inst, const char *name, uint32_t a, uint32_t b,
                         size_t nargs) {
  wasmpool_component_val_t args[2] = {u32v(a), u32v(b)};
  wasmpool_component_val_t result;
  OK(wasmpool_component_instance_call(inst, name, args, nargs, &result, 1));
  CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32);
  uint32_t r = result.of.u32;
  wasmpool_component_val_delete(&result);
  return r;
}

static void expect_limit(const char *knob, wasmpool_error_t *(*set)(wasmpool_config_t *, uint32_t)) {
  wasmpool_config_t *cfg = small_pool(8);
  OK(set(cfg, 1));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_component_t *c = NULL;
  wasmpool_error_t *err =
      wasmpool_component_new(engine, (const uint8_t *)TWO_INSTANCES, strlen(TWO_INSTANCES), &c);
  CHECK(err != NULL && c == NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_LIMIT_EXCEEDED);
  if (strstr(wasmpool_error_message(err), knob) == NULL) {
    fprintf(stderr, "message does not name %s: %s\n", knob, wasmpool_error_message(err));
    exit(1);
  }
  wasmpool_error_delete(err);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

static int finalized = 0;
static void finalize(void *env) {
  CHECK(env == &finalized);
  finalized++;
}

static wasmpool_error_t *scale(void *env, wasmpool_component_caller_t *caller,
                               const wasmpool_component_val_t *args, size_t nargs,
                               wasmpool_component_val_t *results, size_t nresults) {
  CHECK(env == &finalized && caller != NULL && nargs == 1 && nresults == 1);
  CHECK(args[0].kind == WASMPOOL_COMPONENT_VALKIND_U32);
  if (args[0].of.u32 == 13) return wasmpool_trap_new("thirteen is refused");
  results[0] = u32v(args[0].of.u32 * 10);
  return NULL;
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(2);
  wasmpool_engine_t *engine = engine_from(cfg);

  /* Listings: root functions and the nested interface, with signatures. */
  wasmpool_component_t *add = component_of(engine, ADD);
  size_t n = wasmpool_component_export_count(add);
  int saw_add = 0, saw_get = 0, saw_iface = 0;
  for (size_t i = 0; i < n; i++) {
    wasmpool_component_item_t item;
    OK(wasmpool_component_export(add, i, &item));
    if (strcmp(item.name, "add") == 0) {
      saw_add = item.kind == WASMPOOL_COMPONENT_ITEM_FUNC && strcmp(item.wit, "func(a: u32, b: u32) -> u32") == 0;
      if (!saw_add) fprintf(stderr, "add: kind %d wit %s\n", (int)item.kind, item.wit);
    }
    if (strcmp(item.name, "example:kv/store@0.1.0") == 0) saw_iface = item.kind == WASMPOOL_COMPONENT_ITEM_INSTANCE;
    if (strcmp(item.name, "example:kv/store@0.1.0#get") == 0) saw_get = item.kind == WASMPOOL_COMPONENT_ITEM_FUNC;
  }
  CHECK(saw_add && saw_get && saw_iface);
  wasmpool_component_item_t item;
  EXPECT_ERR(wasmpool_component_export(add, n, &item), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_component_import_count(add) == 0);

  /* Per request: a fresh store and instance from the pre. */
  wasmpool_component_pre_t *pre = pre_of(engine, add);
  for (int request = 0; request < 50; request++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_component_instance_t *inst = NULL;
    OK(wasmpool_component_pre_instantiate(pre, store, &inst));
    CHECK(call_u32(inst, "add", (uint32_t)request, 1000, 2) == (uint32_t)request + 1000);
    CHECK(call_u32(inst, "example:kv/store@0.1.0#get", 7, 0, 1) == 14);
    wasmpool_store_delete(store);
  }

  /* total_component_instances = 2: a third concurrent instance is refused. */
  wasmpool_store_t *stores[3] = {NULL, NULL, NULL};
  wasmpool_component_instance_t *insts[3] = {NULL, NULL, NULL};
  for (int i = 0; i < 3; i++) OK(wasmpool_store_new(engine, &stores[i]));
  OK(wasmpool_component_pre_instantiate(pre, stores[0], &insts[0]));
  OK(wasmpool_component_pre_instantiate(pre, stores[1], &insts[1]));
  CHECK(metrics_of(engine).component_instances == 2);
  EXPECT_ERR(wasmpool_component_pre_instantiate(pre, stores[2], &insts[2]), WASMPOOL_ERROR_POOL_EXHAUSTED);
  CHECK(insts[2] == NULL);
  wasmpool_store_delete(stores[0]);
  OK(wasmpool_component_pre_instantiate(pre, stores[2], &insts[2]));
  CHECK(metrics_of(engine).component_instances == 2);

  /* A looked-up function handle, wrong counts and kinds, a missing export, a trap. */
  wasmpool_component_func_t *fn = NULL;
  OK(wasmpool_component_instance_func(insts[2], "add", &fn));
  wasmpool_component_val_t args[2] = {u32v(20), u32v(22)};
  wasmpool_component_val_t result;
  OK(wasmpool_component_func_call(fn, args, 2, &result, 1));
  CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32 && result.of.u32 == 42);
  wasmpool_component_val_delete(&result);
  EXPECT_ERR(wasmpool_component_func_call(fn, args, 1, &result, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  args[1].kind = WASMPOOL_COMPONENT_VALKIND_STRING;
  EXPECT_ERR(wasmpool_component_func_call(fn, args, 2, &result, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_component_instance_call(insts[2], "nope", NULL, 0, NULL, 0), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_component_instance_call(insts[2], "example:kv/store@0.1.0#nope", NULL, 0, NULL, 0),
             WASMPOOL_ERROR_LINK);
  wasmpool_error_t *err = wasmpool_component_instance_call(insts[1], "boom", NULL, 0, NULL, 0);
  wasmpool_trap_code_t code;
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_UNREACHABLE);
  wasmpool_error_delete(err);
  wasmpool_store_delete(stores[1]);
  wasmpool_store_delete(stores[2]);
  CHECK(metrics_of(engine).component_instances == 0);

  /* Serialize and deserialize. */
  wasmpool_bytes_t *bytes = NULL;
  OK(wasmpool_component_serialize(add, &bytes));
  wasmpool_component_t *again = NULL;
  OK(wasmpool_component_deserialize(engine, wasmpool_bytes_data(bytes), wasmpool_bytes_len(bytes), &again));
  EXPECT_ERR(wasmpool_component_deserialize(engine, wasmpool_bytes_data(bytes), wasmpool_bytes_len(bytes) / 2,
                                            &again),
             WASMPOOL_ERROR_COMPILE);
  wasmpool_bytes_delete(bytes);
  CHECK(wasmpool_component_export_count(again) == n);
  wasmpool_component_delete(again);

  /* Bad input: malformed bytes and a core module are COMPILE errors. */
  wasmpool_component_t *bad = NULL;
  EXPECT_ERR(wasmpool_component_new(engine, (const uint8_t *)"\0asm\x0d\0\x01\0\x7f\x01\x00", 11, &bad), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_component_new(engine, (const uint8_t *)"(module)", 8, &bad), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_component_new_file(engine, "/nonexistent/x.wasm", &bad), WASMPOOL_ERROR_IO);
  CHECK(bad == NULL);

  /* A C host function in an interface, with env and finalizer. */
  wasmpool_component_t *uses = component_of(engine, USES_HOST);
  CHECK(wasmpool_component_import_count(uses) >= 2);
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  wasmpool_component_pre_t *host_pre = NULL;
  EXPECT_ERR(wasmpool_component_linker_instantiate_pre(linker, uses, &host_pre), WASMPOOL_ERROR_LINK);
  OK(wasmpool_component_linker_define_func(linker, "example:test/host@0.1.0", "scale", scale, &finalized, finalize));
  EXPECT_ERR(wasmpool_component_linker_define_func(linker, "example:test/host@0.1.0", "scale", scale, NULL, NULL),
             WASMPOOL_ERROR_LINK);
  OK(wasmpool_component_linker_instantiate_pre(linker, uses, &host_pre));
  wasmpool_component_linker_delete(linker);
  CHECK(finalized == 0);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst = NULL;
  OK(wasmpool_component_pre_instantiate(host_pre, store, &inst));
  wasmpool_component_val_t x = u32v(4);
  OK(wasmpool_component_instance_call(inst, "run", &x, 1, &result, 1));
  CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32 && result.of.u32 == 41);
  x = u32v(13);
  err = wasmpool_component_instance_call(inst, "run", &x, 1, &result, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "thirteen is refused") != NULL);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(host_pre);
  CHECK(finalized == 1);

  /* Unknown imports as traps. */
  OK(wasmpool_component_linker_new(engine, &linker));
  OK(wasmpool_component_linker_define_unknown_imports_as_traps(linker, uses));
  OK(wasmpool_component_linker_instantiate_pre(linker, uses, &host_pre));
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_component_pre_instantiate(host_pre, store, &inst));
  err = wasmpool_component_instance_call(inst, "run", &x, 1, &result, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_UNKNOWN_IMPORT);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(host_pre);
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(uses);

  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(add);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);

  /* The per-component limits, each named in the LIMIT_EXCEEDED message. */
  expect_limit("max_core_instances_per_component", wasmpool_config_max_core_instances_per_component_set);
  expect_limit("max_memories_per_component", wasmpool_config_max_memories_per_component_set);
  expect_limit("max_tables_per_component", wasmpool_config_max_tables_per_component_set);
  {
    wasmpool_config_t *small = small_pool(8);
    OK(wasmpool_config_max_component_instance_size_set(small, 64));
    wasmpool_engine_t *e = engine_from(small);
    wasmpool_component_t *c = NULL;
    err = wasmpool_component_new(e, (const uint8_t *)ADD, strlen(ADD), &c);
    CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_LIMIT_EXCEEDED);
    CHECK(strstr(wasmpool_error_message(err), "max_component_instance_size") != NULL);
    wasmpool_error_delete(err);
    wasmpool_engine_delete(e);
    wasmpool_config_delete(small);
  }
  printf("components ok\n");
  return 0;
}
