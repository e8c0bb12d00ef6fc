/* The server preset derives every total from one number, and builds an
 * engine that serves guests. */
#include "check.h"

int main(void) {
  CHECK(wasmpool_config_new_server(0) == NULL);
  wasmpool_config_t *cfg = wasmpool_config_new_server(50);
  CHECK(cfg != NULL);
  CHECK(wasmpool_config_total_component_instances_get(cfg) == 50);
  CHECK(wasmpool_config_total_core_instances_get(cfg) == 800);
  CHECK(wasmpool_config_total_memories_get(cfg) == 50);
  CHECK(wasmpool_config_total_tables_get(cfg) == 200);
  CHECK(wasmpool_config_total_stacks_get(cfg) == 50);
  CHECK(wasmpool_config_total_gc_heaps_get(cfg) == 50);
  CHECK(wasmpool_config_max_unused_warm_slots_get(cfg) == 5);
  CHECK(wasmpool_config_linear_memory_keep_resident_get(cfg) > 0);
  CHECK(wasmpool_config_table_keep_resident_get(cfg) > 0);
  CHECK(wasmpool_config_async_stack_keep_resident_get(cfg) > 0);
  CHECK(wasmpool_config_max_core_instances_per_component_get(cfg) == 64);
  CHECK(wasmpool_config_max_memories_per_component_get(cfg) == 8);
  CHECK(wasmpool_config_max_tables_per_component_get(cfg) == 16);
  CHECK(wasmpool_config_strategy_get(cfg) == WASMPOOL_STRATEGY_AUTO);
  CHECK(wasmpool_config_pagemap_scan_get(cfg) == WASMPOOL_ENABLED_AUTO);
  CHECK(wasmpool_config_async_support_get(cfg));
  wasmpool_engine_t *engine = engine_from(cfg);
  CHECK(wasmpool_engine_strategy(engine) == WASMPOOL_STRATEGY_POOLING);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.total_core_instances == 800 && m.total_memories == 50 && m.total_tables == 200);
  wasmpool_module_t *module = compile_wat(
      engine, "(module (memory 1) (func (export \"f\") (result i32) (i32.const 9)))");
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t r;
  OK(wasmpool_instance_call(inst, "f", NULL, 0, &r, 1));
  CHECK(r.of.i32 == 9);
  CHECK(metrics_of(engine).stacks == 1); /* the call ran on a pooled fiber stack */
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);

  /* Totals are capped at the largest accepted pool count, never wrapped. */
  cfg = wasmpool_config_new_server(UINT32_MAX / 2);
  CHECK(wasmpool_config_total_core_instances_get(cfg) == 16777216);
  CHECK(wasmpool_config_total_memories_get(cfg) == 16777216);
  wasmpool_config_delete(cfg);
  printf("test_preset: derived totals and a working engine\n");
  return 0;
}
