/* Isolation across slot reuse, for component instances (tests/c/pool/test_isolation.c does the
 * same for core instances): a component whose core module writes a secret into its memory
 * (beyond its initial data), its table and a mutable global is deleted with its store; the next
 * component instance in the same slots (a pool of one slot of every kind makes them the same)
 * sees none of it: for the same component (affine reuse), for another component, and for a
 * component after a plain core module wrote the secret (components' core instances and core
 * instances share the pool's slots), with keep-resident 0 and > 0, with memory protection keys
 * off and, where the host has them, on. */
#include "component_vals.h"

/* The core module's probes of its slot: the number of non-zero bytes in its 2 pages, whether
 * table element 3 is null, the global, and the 8 bytes at an address. */
#define CORE_PROBES                                                                            \
  "    (global $g (mut i64) (i64.const 0))"                                                    \
  "    (func (export \"dirty\") (result i32) (local i32 i32)"                                 \
  "      (loop (local.set 1 (i32.add (local.get 1) (i32.ne (i32.load8_u (local.get 0)) (i32.const 0))))" \
  "        (local.set 0 (i32.add (local.get 0) (i32.const 1)))"                               \
  "        (br_if 0 (i32.lt_u (local.get 0) (i32.const 131072))))"                           \
  "      (local.get 1))"                                                                       \
  "    (func (export \"table-null\") (result i32) (ref.is_null (table.get (i32.const 3))))"   \
  "    (func (export \"global\") (result i64) (global.get $g))"                               \
  "    (func (export \"peek\") (param i32) (result i64) (i64.load (local.get 0)))"

#define LEAK_FUNC                                                                              \
  "    (func $f) (elem declare func $f)"                                                      \
  "    (func (export \"leak\")"                                                               \
  "      (i64.store (i32.const 1000) (i64.const 0x5345435245543432))"                        \
  "      (i64.store (i32.const 70000) (i64.const 0x5345435245543432))"                       \
  "      (table.set (i32.const 3) (ref.func $f))"                                             \
  "      (global.set $g (i64.const 0x5345435245543432)))"

#define LIFTS                                                                                  \
  "  (core instance $i (instantiate $m))"                                                     \
  "  (func (export \"dirty\") (result u32) (canon lift (core func $i \"dirty\")))"           \
  "  (func (export \"table-null\") (result bool) (canon lift (core func $i \"table-null\")))" \
  "  (func (export \"global\") (result u64) (canon lift (core func $i \"global\")))"         \
  "  (func (export \"peek\") (param \"at\" u32) (result u64) (canon lift (core func $i \"peek\")))"

static const char *WRITER =
    "(component"
    "  (core module $m (memory 2) (table 4 funcref)"
    "    (data (i32.const 0) \"AAAA\")"
    CORE_PROBES LEAK_FUNC ")"
    LIFTS
    "  (func (export \"leak\") (canon lift (core func $i \"leak\"))))";

static const char *READER =
    "(component"
    "  (core module $m (memory 2) (table 4 funcref)"
    "    (data (i32.const 0) \"BB\")"
    CORE_PROBES ")"
    LIFTS ")";

/* The writer as a plain core module. */
static const char *CORE_WRITER =
    "(module (memory 2) (table 4 funcref)"
    "  (data (i32.const 0) \"AAAA\")"
    CORE_PROBES LEAK_FUNC ")";

#define SECRET 0x5345435245543432ull

static cval_t call0(wasmpool_component_instance_t *inst, const char *name) {
  cval_t r;
  OK(wasmpool_component_instance_call(inst, name, NULL, 0, &r, 1));
  return r;
}

static uint32_t dirty(wasmpool_component_instance_t *inst) {
  cval_t r = call0(inst, "dirty");
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_U32);
  return r.of.u32;
}

static bool table_null(wasmpool_component_instance_t *inst) {
  cval_t r = call0(inst, "table-null");
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_BOOL);
  return r.of.boolean;
}

static uint64_t global(wasmpool_component_instance_t *inst) {
  cval_t r = call0(inst, "global");
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_U64);
  return r.of.u64;
}

static uint64_t peek(wasmpool_component_instance_t *inst, uint32_t at) {
  cval_t a = cv_u32(at), r;
  OK(wasmpool_component_instance_call(inst, "peek", &a, 1, &r, 1));
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_U64);
  return r.of.u64;
}

typedef enum { SAME_COMPONENT, OTHER_COMPONENT, AFTER_CORE_MODULE } reuse_t;

static const char *const REUSE_NAMES[] = {"same component", "other component",
                                          "component after a core module"};

static void scenario(bool mpk, size_t keep, reuse_t reuse) {
  wasmpool_config_t *cfg = small_pool(1);
  OK(wasmpool_config_max_unused_warm_slots_set(cfg, 0));
  OK(wasmpool_config_linear_memory_keep_resident_set(cfg, keep));
  OK(wasmpool_config_table_keep_resident_set(cfg, keep));
  if (mpk) OK(wasmpool_config_memory_protection_keys_set(cfg, WASMPOOL_ENABLED_YES));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_component_t *writer = component_wat(engine, WRITER);
  wasmpool_component_t *reader = component_wat(engine, READER);
  wasmpool_component_pre_t *writer_pre = component_pre_plain(engine, writer);
  wasmpool_component_pre_t *reader_pre = component_pre_plain(engine, reader);

  /* The secret, in the only slot. */
  wasmpool_store_t *store;
  OK(wasmpool_store_new(engine, &store));
  if (reuse == AFTER_CORE_MODULE) {
    wasmpool_module_t *module = compile_wat(engine, CORE_WRITER);
    wasmpool_instance_t *core = NULL;
    OK(wasmpool_instantiate(store, module, &core));
    OK(wasmpool_instance_call(core, "leak", NULL, 0, NULL, 0));
    wasmpool_val_t r;
    OK(wasmpool_instance_call(core, "dirty", NULL, 0, &r, 1));
    CHECK(r.of.i32 == 4 + 8 + 8);
    OK(wasmpool_instance_call(core, "global", NULL, 0, &r, 1));
    CHECK((uint64_t)r.of.i64 == SECRET);
    wasmpool_module_delete(module);
  } else {
    wasmpool_component_instance_t *inst = component_instance(writer_pre, store);
    OK(wasmpool_component_instance_call(inst, "leak", NULL, 0, NULL, 0));
    CHECK(dirty(inst) == 4 + 8 + 8);
    CHECK(!table_null(inst));
    CHECK(global(inst) == SECRET && peek(inst, 1000) == SECRET && peek(inst, 70000) == SECRET);
  }
  CHECK(metrics_of(engine).memories == 1);
  wasmpool_store_delete(store);

  /* The next instance, in the same slots. */
  const wasmpool_component_pre_t *next = reuse == SAME_COMPONENT ? writer_pre : reader_pre;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst = component_instance(next, store);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.component_instances == 1 && m.core_instances == 1 && m.memories == 1 && m.tables == 1);
  CHECK(dirty(inst) == (reuse == SAME_COMPONENT ? 4u : 2u)); /* only the module's own data */
  CHECK(table_null(inst));
  CHECK(global(inst) == 0);
  CHECK(peek(inst, 1000) == 0 && peek(inst, 70000) == 0);
  wasmpool_store_delete(store);

  wasmpool_component_pre_delete(writer_pre);
  wasmpool_component_pre_delete(reader_pre);
  wasmpool_component_delete(writer);
  wasmpool_component_delete(reader);
  wasmpool_engine_delete(engine);
  printf("component isolation: %s, keep-resident %zu, MPK %s: nothing of the previous instance\n",
         REUSE_NAMES[reuse], keep, mpk ? "on" : "off");
}

int main(void) {
  size_t keeps[] = {0, 64u << 10};
  bool mpk_modes[] = {false, true};
  for (int m = 0; m < 2; m++) {
    if (mpk_modes[m] && !wasmpool_memory_protection_keys_available()) {
      printf("SKIP: memory protection keys are not available on this host; the MPK-on "
             "component isolation cases did not run\n");
      continue;
    }
    for (int k = 0; k < 2; k++) {
      scenario(mpk_modes[m], keeps[k], SAME_COMPONENT);
      scenario(mpk_modes[m], keeps[k], OTHER_COMPONENT);
      scenario(mpk_modes[m], keeps[k], AFTER_CORE_MODULE);
    }
  }
  return 0;
}
