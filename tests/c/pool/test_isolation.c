/* Isolation across slot reuse: a guest writes a secret into its memory
 * (beyond its initial data) and into its table, and is deleted; the next
 * instance in the same slot (a pool of one slot makes it the same) sees
 * none of it: for the same module (affine reuse) and for another module
 * (LRU reuse with N = 0), with keep-resident 0 and > 0, with memory
 * protection keys off and, where the host has them, on. */
#include "check.h"

/* What both modules export to look at their slot: the number of non-zero
 * bytes in their 2 pages, and whether table element 3 is null. */
#define PROBES                                                                          \
  "  (func (export \"dirty\") (result i32) (local i32 i32)"                              \
  "    (loop (local.set 1 (i32.add (local.get 1) (i32.ne (i32.load8_u (local.get 0)) (i32.const 0))))" \
  "      (local.set 0 (i32.add (local.get 0) (i32.const 1)))"                            \
  "      (br_if 0 (i32.lt_u (local.get 0) (i32.const 131072))))"                        \
  "    (local.get 1))"                                                                  \
  "  (func (export \"table_null\") (result i32) (ref.is_null (table.get (i32.const 3))))"

static const char *WRITER =
    "(module (memory (export \"memory\") 2) (table 4 funcref)"
    "  (data (i32.const 0) \"AAAA\")"
    "  (func $f) (elem declare func $f)"
    "  (func (export \"leak\")"
    "    (i64.store (i32.const 1000) (i64.const 0x5345435245543432))"
    "    (i64.store (i32.const 70000) (i64.const 0x5345435245543432))"
    "    (table.set (i32.const 3) (ref.func $f)))"
    PROBES ")";

static const char *READER =
    "(module (memory (export \"memory\") 2) (table 4 funcref)"
    "  (data (i32.const 0) \"BB\")"
    PROBES ")";

static int32_t call_i32(wasmpool_instance_t *inst, const char *name) {
  wasmpool_val_t r;
  OK(wasmpool_instance_call(inst, name, NULL, 0, &r, 1));
  return r.of.i32;
}

static void scenario(bool mpk, size_t keep, bool same_module) {
  wasmpool_config_t *cfg = small_pool(1);
  OK(wasmpool_config_max_unused_warm_slots_set(cfg, 0));
  OK(wasmpool_config_linear_memory_keep_resident_set(cfg, keep));
  OK(wasmpool_config_table_keep_resident_set(cfg, keep));
  if (mpk) {
    OK(wasmpool_config_memory_protection_keys_set(cfg, WASMPOOL_ENABLED_YES));
  }
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *writer = compile_wat(engine, WRITER);
  wasmpool_module_t *reader = compile_wat(engine, READER);

  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, writer, &inst));
  OK(wasmpool_instance_call(inst, "leak", NULL, 0, NULL, 0));
  CHECK(call_i32(inst, "dirty") == 4 + 8 + 8);
  CHECK(call_i32(inst, "table_null") == 0);
  wasmpool_store_delete(store);

  wasmpool_module_t *next = same_module ? writer : reader;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, next, &inst)); /* the only slot: the one just freed */
  int32_t dirty = call_i32(inst, "dirty");
  CHECK(dirty == (same_module ? 4 : 2)); /* only the module's own data */
  CHECK(call_i32(inst, "table_null") == 1);
  uint8_t *data;
  size_t size;
  OK(wasmpool_instance_memory(inst, "memory", &data, &size));
  CHECK(data[1000] == 0 && data[70000] == 0);
  wasmpool_store_delete(store);

  wasmpool_module_delete(writer);
  wasmpool_module_delete(reader);
  wasmpool_engine_delete(engine);
  printf("isolation: %s module, keep-resident %zu, MPK %s: nothing of the previous instance\n",
         same_module ? "same" : "other", keep, mpk ? "on" : "off");
}

int main(void) {
  size_t keeps[] = {0, 64u << 10};
  bool mpk_modes[] = {false, true};
  for (int m = 0; m < 2; m++) {
    if (mpk_modes[m] && !wasmpool_memory_protection_keys_available()) {
      printf("SKIP: memory protection keys are not available on this host; the MPK-on "
             "isolation cases did not run\n");
      continue;
    }
    for (int k = 0; k < 2; k++) {
      scenario(mpk_modes[m], keeps[k], true);
      scenario(mpk_modes[m], keeps[k], false);
    }
  }
  return 0;
}
