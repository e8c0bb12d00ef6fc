/* NULL in every pointer argument of every function: an INVALID_ARGUMENT
 * error, or the documented default for functions without an error. */
#include "check.h"

#define NULL_ARG(expr) EXPECT_ERR((expr), WASMPOOL_ERROR_INVALID_ARGUMENT)

static int cases = 0;
#define CASE(stmt) \
  do {             \
    stmt;          \
    cases++;       \
  } while (0)

int main(void) {
  /* Errors. */
  CASE(CHECK(wasmpool_error_kind(NULL) == WASMPOOL_ERROR_INVALID_ARGUMENT));
  CASE(CHECK(wasmpool_error_message(NULL) != NULL));
  wasmpool_trap_code_t code = WASMPOOL_TRAP_OTHER;
  CASE(CHECK(!wasmpool_error_trap_code(NULL, &code) && code == WASMPOOL_TRAP_OTHER));
  CASE(wasmpool_error_delete(NULL));

  /* Config: every setter and getter with a NULL config. */
  CASE(wasmpool_config_delete(NULL));
  CASE(NULL_ARG(wasmpool_config_strategy_set(NULL, WASMPOOL_STRATEGY_AUTO)));
  CASE(CHECK(wasmpool_config_strategy_get(NULL) == WASMPOOL_STRATEGY_POOLING));
  CASE(NULL_ARG(wasmpool_config_epoch_interruption_set(NULL, true)));
  CASE(CHECK(!wasmpool_config_epoch_interruption_get(NULL)));
  CASE(NULL_ARG(wasmpool_config_consume_fuel_set(NULL, true)));
  CASE(CHECK(!wasmpool_config_consume_fuel_get(NULL)));
  CASE(NULL_ARG(wasmpool_config_max_wasm_stack_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_max_wasm_stack_get(NULL) == 0));
  CASE(NULL_ARG(wasmpool_config_memory_reservation_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_memory_reservation_get(NULL) == 0));
  CASE(NULL_ARG(wasmpool_config_memory_guard_size_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_memory_guard_size_get(NULL) == 0));
  CASE(NULL_ARG(wasmpool_config_memory_init_cow_set(NULL, true)));
  CASE(CHECK(!wasmpool_config_memory_init_cow_get(NULL)));
  CASE(NULL_ARG(wasmpool_config_opt_level_set(NULL, WASMPOOL_OPT_LEVEL_NONE)));
  CASE(CHECK(wasmpool_config_opt_level_get(NULL) == WASMPOOL_OPT_LEVEL_SPEED));
  CASE(NULL_ARG(wasmpool_config_memory_protection_keys_set(NULL, WASMPOOL_ENABLED_YES)));
  CASE(CHECK(wasmpool_config_memory_protection_keys_get(NULL) == WASMPOOL_ENABLED_NO));
  CASE(NULL_ARG(wasmpool_config_pagemap_scan_set(NULL, WASMPOOL_ENABLED_YES)));
  CASE(CHECK(wasmpool_config_pagemap_scan_get(NULL) == WASMPOOL_ENABLED_NO));
  /* (the 21 numeric pooling knobs are swept with NULL in test_config) */

  /* Engine. */
  wasmpool_config_t *cfg = small_pool(2);
  wasmpool_engine_t *engine = NULL;
  CASE(NULL_ARG(wasmpool_engine_new(NULL, &engine)));
  CASE(NULL_ARG(wasmpool_engine_new(cfg, NULL)));
  CHECK(engine == NULL);
  engine = engine_from(cfg);
  CASE(wasmpool_engine_delete(NULL));
  CASE(CHECK(wasmpool_engine_strategy(NULL) == WASMPOOL_STRATEGY_AUTO));
  CASE(CHECK(wasmpool_engine_fallback_reason(NULL) == NULL));
  CASE(wasmpool_engine_increment_epoch(NULL));
  wasmpool_metrics_t m;
  m.struct_size = sizeof m;
  CASE(NULL_ARG(wasmpool_engine_metrics(NULL, &m)));
  CASE(NULL_ARG(wasmpool_engine_metrics(engine, NULL)));
  m.struct_size = 3;
  CASE(NULL_ARG(wasmpool_engine_metrics(engine, &m)));

  /* Module. */
  const char *wat = "(module (func (export \"f\") (param i32) (result i32) local.get 0))";
  wasmpool_module_t *module = NULL;
  CASE(NULL_ARG(wasmpool_module_new(NULL, (const uint8_t *)wat, strlen(wat), &module)));
  CASE(NULL_ARG(wasmpool_module_new(engine, NULL, strlen(wat), &module)));
  CASE(NULL_ARG(wasmpool_module_new(engine, (const uint8_t *)wat, strlen(wat), NULL)));
  CASE(NULL_ARG(wasmpool_module_new_file(NULL, "x.wat", &module)));
  CASE(NULL_ARG(wasmpool_module_new_file(engine, NULL, &module)));
  CASE(NULL_ARG(wasmpool_module_new_file(engine, "x.wat", NULL)));
  CASE(wasmpool_module_delete(NULL));
  CHECK(module == NULL);
  module = compile_wat(engine, wat);

  /* Store and instance. */
  wasmpool_store_t *store = NULL;
  CASE(NULL_ARG(wasmpool_store_new(NULL, &store)));
  CASE(NULL_ARG(wasmpool_store_new(engine, NULL)));
  CASE(wasmpool_store_delete(NULL));
  CHECK(store == NULL);
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  CASE(NULL_ARG(wasmpool_instantiate(NULL, module, &inst)));
  CASE(NULL_ARG(wasmpool_instantiate(store, NULL, &inst)));
  CASE(NULL_ARG(wasmpool_instantiate(store, module, NULL)));
  CHECK(inst == NULL);
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t arg = val_i32(7), res;
  CASE(NULL_ARG(wasmpool_instance_call(NULL, "f", &arg, 1, &res, 1)));
  CASE(NULL_ARG(wasmpool_instance_call(inst, NULL, &arg, 1, &res, 1)));
  CASE(NULL_ARG(wasmpool_instance_call(inst, "f", NULL, 1, &res, 1)));
  CASE(NULL_ARG(wasmpool_instance_call(inst, "f", &arg, 1, NULL, 1)));
  OK(wasmpool_instance_call(inst, "f", &arg, 1, &res, 1));
  CHECK(res.of.i32 == 7);
  /* The pool holds nothing after a failed call with NULLs: one instance. */
  CHECK(metrics_of(engine).core_instances == 1);

  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("test_null: %d NULL cases, all rejected or ignored as documented\n", cases);
  return 0;
}
