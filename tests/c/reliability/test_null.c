/* NULL in every pointer argument of every function: an INVALID_ARGUMENT
 * error, or the documented default for functions without an error. */
#include "check.h"

#define NULL_ARG(expr) EXPECT_ERR((expr), WASMPOOL_ERROR_INVALID_ARGUMENT)

static int caller_cases = 0;

/* A host function that sweeps wasmpool_caller_memory with NULLs. */
static wasmpool_error_t *sweep_caller(void *env, wasmpool_caller_t *caller,
                                      const wasmpool_val_t *args, size_t nargs,
                                      wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)args, (void)nargs, (void)results, (void)nresults;
  uint8_t *data;
  size_t size;
  NULL_ARG(wasmpool_caller_memory(NULL, "memory", &data, &size));
  NULL_ARG(wasmpool_caller_memory(caller, NULL, &data, &size));
  NULL_ARG(wasmpool_caller_memory(caller, "memory", NULL, &size));
  NULL_ARG(wasmpool_caller_memory(caller, "memory", &data, NULL));
  OK(wasmpool_caller_memory(caller, "memory", &data, &size));
  caller_cases += 4;
  return NULL;
}

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
  CASE(NULL_ARG(wasmpool_trap_new(NULL)));
  CASE(NULL_ARG(wasmpool_trap_new_with_code(WASMPOOL_TRAP_HOST, NULL)));
  CASE(NULL_ARG(wasmpool_trap_new_with_code((wasmpool_trap_code_t)999, "x")));
  CASE(NULL_ARG(wasmpool_config_epoch_tick_interval_ms_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_epoch_tick_interval_ms_get(NULL) == 0));
  CASE(NULL_ARG(wasmpool_config_slot_wait_timeout_ms_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_slot_wait_timeout_ms_get(NULL) == 0));
  CASE(NULL_ARG(wasmpool_config_apply_env(NULL, "X_", NULL)));
  {
    wasmpool_config_t *c = wasmpool_config_new();
    wasmpool_footprint_t fp;
    CASE(NULL_ARG(wasmpool_config_apply_env(c, NULL, NULL)));
    CASE(NULL_ARG(wasmpool_config_footprint(NULL, &fp)));
    CASE(NULL_ARG(wasmpool_config_footprint(c, NULL)));
    wasmpool_config_delete(c);
  }

  /* Config: every setter and getter with a NULL config. */
  CASE(wasmpool_config_delete(NULL));
  CASE(NULL_ARG(wasmpool_config_strategy_set(NULL, WASMPOOL_STRATEGY_AUTO)));
  CASE(CHECK(wasmpool_config_strategy_get(NULL) == WASMPOOL_STRATEGY_POOLING));
  CASE(NULL_ARG(wasmpool_config_epoch_interruption_set(NULL, true)));
  CASE(CHECK(!wasmpool_config_epoch_interruption_get(NULL)));
  CASE(NULL_ARG(wasmpool_config_consume_fuel_set(NULL, true)));
  CASE(CHECK(!wasmpool_config_consume_fuel_get(NULL)));
  CASE(NULL_ARG(wasmpool_config_max_wasm_stack_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_max_wasm_stack_get(NULL) == 512u << 10));
  CASE(NULL_ARG(wasmpool_config_memory_reservation_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_memory_reservation_get(NULL) == (uint64_t)1 << 32));
  CASE(NULL_ARG(wasmpool_config_memory_guard_size_set(NULL, 1)));
  CASE(CHECK(wasmpool_config_memory_guard_size_get(NULL) == 32u << 20));
  CASE(NULL_ARG(wasmpool_config_memory_init_cow_set(NULL, true)));
  CASE(CHECK(wasmpool_config_memory_init_cow_get(NULL)));
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
  /* The failed calls with NULLs left nothing behind: one instance. */
  CHECK(metrics_of(engine).core_instances == 1);


  /* Instance access and types. */
  uint8_t *data;
  size_t size;
  wasmpool_val_t v;
  wasmpool_extern_info_t info;
  CASE(NULL_ARG(wasmpool_instance_memory(NULL, "memory", &data, &size)));
  CASE(NULL_ARG(wasmpool_instance_memory(inst, NULL, &data, &size)));
  CASE(NULL_ARG(wasmpool_instance_memory(inst, "memory", NULL, &size)));
  CASE(NULL_ARG(wasmpool_instance_memory(inst, "memory", &data, NULL)));
  CASE(NULL_ARG(wasmpool_instance_global_get(NULL, "g", &v)));
  CASE(NULL_ARG(wasmpool_instance_global_get(inst, NULL, &v)));
  CASE(NULL_ARG(wasmpool_instance_global_get(inst, "g", NULL)));
  CASE(NULL_ARG(wasmpool_instance_global_set(NULL, "g", &v)));
  CASE(NULL_ARG(wasmpool_instance_global_set(inst, NULL, &v)));
  CASE(NULL_ARG(wasmpool_instance_global_set(inst, "g", NULL)));
  CASE(NULL_ARG(wasmpool_instance_func_type(NULL, "f", &info)));
  CASE(NULL_ARG(wasmpool_instance_func_type(inst, NULL, &info)));
  CASE(NULL_ARG(wasmpool_instance_func_type(inst, "f", NULL)));
  CASE(CHECK(wasmpool_module_import_count(NULL) == 0));
  CASE(CHECK(wasmpool_module_export_count(NULL) == 0));
  CASE(NULL_ARG(wasmpool_module_import(NULL, 0, &info)));
  CASE(NULL_ARG(wasmpool_module_import(module, 0, NULL)));
  CASE(NULL_ARG(wasmpool_module_export(NULL, 0, &info)));
  CASE(NULL_ARG(wasmpool_module_export(module, 0, NULL)));

  /* Store limits, fuel, deadlines. */
  wasmpool_store_limits_t lim = wasmpool_store_limits_unlimited();
  uint64_t fuel;
  CASE(NULL_ARG(wasmpool_store_limits_set(NULL, &lim)));
  CASE(NULL_ARG(wasmpool_store_limits_set(store, NULL)));
  CASE(NULL_ARG(wasmpool_store_limits_get(NULL, &lim)));
  CASE(NULL_ARG(wasmpool_store_limits_get(store, NULL)));
  CASE(CHECK(wasmpool_store_memory_consumed(NULL) == 0));
  CASE(NULL_ARG(wasmpool_store_fuel_set(NULL, 1)));
  CASE(NULL_ARG(wasmpool_store_fuel_get(NULL, &fuel)));
  CASE(NULL_ARG(wasmpool_store_fuel_get(store, NULL)));
  CASE(NULL_ARG(wasmpool_store_epoch_deadline_set(NULL, 1)));
  CASE(NULL_ARG(wasmpool_store_deadline_ms_set(NULL, 1)));

  /* Serialisation. */
  wasmpool_bytes_t *bytes = NULL;
  wasmpool_module_t *loaded = NULL;
  CASE(NULL_ARG(wasmpool_module_serialize(NULL, &bytes)));
  CASE(NULL_ARG(wasmpool_module_serialize(module, NULL)));
  CASE(CHECK(wasmpool_bytes_data(NULL) == NULL));
  CASE(CHECK(wasmpool_bytes_len(NULL) == 0));
  CASE(wasmpool_bytes_delete(NULL));
  OK(wasmpool_module_serialize(module, &bytes));
  const uint8_t *b = wasmpool_bytes_data(bytes);
  size_t blen = wasmpool_bytes_len(bytes);
  CASE(NULL_ARG(wasmpool_module_deserialize(NULL, b, blen, &loaded)));
  CASE(NULL_ARG(wasmpool_module_deserialize(engine, NULL, blen, &loaded)));
  CASE(NULL_ARG(wasmpool_module_deserialize(engine, b, blen, NULL)));
  CASE(NULL_ARG(wasmpool_module_deserialize_file(NULL, "m.cwasm", &loaded)));
  CASE(NULL_ARG(wasmpool_module_deserialize_file(engine, NULL, &loaded)));
  CASE(NULL_ARG(wasmpool_module_deserialize_file(engine, "m.cwasm", NULL)));
  CHECK(loaded == NULL);
  wasmpool_bytes_delete(bytes);

  /* Linker and pre-linked instances. */
  wasmpool_linker_t *linker = NULL;
  CASE(NULL_ARG(wasmpool_linker_new(NULL, &linker)));
  CASE(NULL_ARG(wasmpool_linker_new(engine, NULL)));
  CASE(wasmpool_linker_delete(NULL));
  CHECK(linker == NULL);
  OK(wasmpool_linker_new(engine, &linker));
  CASE(NULL_ARG(wasmpool_linker_define_func(NULL, "env", "h", NULL, 0, NULL, 0, sweep_caller, NULL, NULL)));
  CASE(NULL_ARG(wasmpool_linker_define_func(linker, NULL, "h", NULL, 0, NULL, 0, sweep_caller, NULL, NULL)));
  CASE(NULL_ARG(wasmpool_linker_define_func(linker, "env", NULL, NULL, 0, NULL, 0, sweep_caller, NULL, NULL)));
  CASE(NULL_ARG(wasmpool_linker_define_func(linker, "env", "h", NULL, 1, NULL, 0, sweep_caller, NULL, NULL)));
  CASE(NULL_ARG(wasmpool_linker_define_func(linker, "env", "h", NULL, 0, NULL, 1, sweep_caller, NULL, NULL)));
  CASE(NULL_ARG(wasmpool_linker_define_func(linker, "env", "h", NULL, 0, NULL, 0, NULL, NULL, NULL)));
  OK(wasmpool_linker_define_func(linker, "env", "h", NULL, 0, NULL, 0, sweep_caller, NULL, NULL));
  wasmpool_module_t *hosted = compile_wat(
      engine, "(module (import \"env\" \"h\" (func $h)) (memory (export \"memory\") 1)"
              "  (func (export \"run\") (call $h)))");
  CASE(NULL_ARG(wasmpool_linker_define_unknown_imports_as_traps(NULL, hosted)));
  CASE(NULL_ARG(wasmpool_linker_define_unknown_imports_as_traps(linker, NULL)));
  wasmpool_instance_pre_t *pre = NULL;
  CASE(NULL_ARG(wasmpool_linker_instantiate_pre(NULL, hosted, &pre)));
  CASE(NULL_ARG(wasmpool_linker_instantiate_pre(linker, NULL, &pre)));
  CASE(NULL_ARG(wasmpool_linker_instantiate_pre(linker, hosted, NULL)));
  CASE(wasmpool_instance_pre_delete(NULL));
  CHECK(pre == NULL);
  OK(wasmpool_linker_instantiate_pre(linker, hosted, &pre));
  wasmpool_instance_t *hinst = NULL;
  CASE(NULL_ARG(wasmpool_instance_pre_instantiate(NULL, store, &hinst)));
  CASE(NULL_ARG(wasmpool_instance_pre_instantiate(pre, NULL, &hinst)));
  CASE(NULL_ARG(wasmpool_instance_pre_instantiate(pre, store, NULL)));
  CHECK(hinst == NULL);
  OK(wasmpool_instance_pre_instantiate(pre, store, &hinst));
  OK(wasmpool_instance_call(hinst, "run", NULL, 0, NULL, 0));
  CHECK(caller_cases == 4);
  cases += caller_cases;
  wasmpool_instance_pre_delete(pre);
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(hosted);

  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("test_null: %d NULL cases, all rejected or ignored as documented\n", cases);
  return 0;
}
