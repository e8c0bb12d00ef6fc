/* Environment overrides: every knob reachable by name, suffixes, bad values
 * rejected with the variable named, all or nothing. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

static int applied_count(wasmpool_config_t *cfg, const char *prefix) {
  size_t applied = 0;
  OK(wasmpool_config_apply_env(cfg, prefix, &applied));
  return (int)applied;
}

int main(void) {
  static const char *vars[][2] = {
      {"T_MAX_UNUSED_WARM_SLOTS", "7"},       {"T_DECOMMIT_BATCH_SIZE", "4"},
      {"T_ASYNC_STACK_KEEP_RESIDENT", "8K"},  {"T_LINEAR_MEMORY_KEEP_RESIDENT", "2MiB"},
      {"T_TABLE_KEEP_RESIDENT", "16KiB"},     {"T_TOTAL_COMPONENT_INSTANCES", "11"},
      {"T_MAX_COMPONENT_INSTANCE_SIZE", "3M"}, {"T_MAX_CORE_INSTANCES_PER_COMPONENT", "12"},
      {"T_MAX_MEMORIES_PER_COMPONENT", "13"}, {"T_MAX_TABLES_PER_COMPONENT", "max"},
      {"T_TOTAL_MEMORIES", "15"},             {"T_TOTAL_TABLES", "16"},
      {"T_TOTAL_STACKS", "17"},               {"T_TOTAL_CORE_INSTANCES", "18"},
      {"T_MAX_CORE_INSTANCE_SIZE", "512KB"},  {"T_MAX_TABLES_PER_MODULE", "2"},
      {"T_TABLE_ELEMENTS", "30000"},          {"T_MAX_MEMORIES_PER_MODULE", "3"},
      {"T_MAX_MEMORY_SIZE", "64MiB"},         {"T_MEMORY_PROTECTION_KEYS", "auto"},
      {"T_MAX_MEMORY_PROTECTION_KEYS", "4"},  {"T_TOTAL_GC_HEAPS", "19"},
      {"T_PAGEMAP_SCAN", "yes"},              {"T_STRATEGY", "on-demand"},
      {"T_EPOCH_INTERRUPTION", "true"},       {"T_EPOCH_TICK_INTERVAL_MS", "5"},
      {"T_CONSUME_FUEL", "on"},               {"T_MAX_WASM_STACK", "1M"},
      {"T_MEMORY_RESERVATION", "4G"},         {"T_MEMORY_GUARD_SIZE", "64k"},
      {"T_MEMORY_INIT_COW", "0"},             {"T_OPT_LEVEL", "none"},
      {"T_SLOT_WAIT_TIMEOUT_MS", "250"},
  };
  size_t n = sizeof vars / sizeof vars[0];
  for (size_t i = 0; i < n; i++) CHECK(setenv(vars[i][0], vars[i][1], 1) == 0);

  wasmpool_config_t *cfg = wasmpool_config_new();
  CHECK(applied_count(cfg, "T_") == (int)n);
  CHECK(wasmpool_config_max_unused_warm_slots_get(cfg) == 7);
  CHECK(wasmpool_config_decommit_batch_size_get(cfg) == 4);
  CHECK(wasmpool_config_async_stack_keep_resident_get(cfg) == 8192);
  CHECK(wasmpool_config_linear_memory_keep_resident_get(cfg) == 2u << 20);
  CHECK(wasmpool_config_table_keep_resident_get(cfg) == 16384);
  CHECK(wasmpool_config_total_component_instances_get(cfg) == 11);
  CHECK(wasmpool_config_max_component_instance_size_get(cfg) == 3u << 20);
  CHECK(wasmpool_config_max_core_instances_per_component_get(cfg) == 12);
  CHECK(wasmpool_config_max_memories_per_component_get(cfg) == 13);
  CHECK(wasmpool_config_max_tables_per_component_get(cfg) == UINT32_MAX);
  CHECK(wasmpool_config_total_memories_get(cfg) == 15);
  CHECK(wasmpool_config_total_tables_get(cfg) == 16);
  CHECK(wasmpool_config_total_stacks_get(cfg) == 17);
  CHECK(wasmpool_config_total_core_instances_get(cfg) == 18);
  CHECK(wasmpool_config_max_core_instance_size_get(cfg) == 512u << 10);
  CHECK(wasmpool_config_max_tables_per_module_get(cfg) == 2);
  CHECK(wasmpool_config_table_elements_get(cfg) == 30000);
  CHECK(wasmpool_config_max_memories_per_module_get(cfg) == 3);
  CHECK(wasmpool_config_max_memory_size_get(cfg) == 64u << 20);
  CHECK(wasmpool_config_memory_protection_keys_get(cfg) == WASMPOOL_ENABLED_AUTO);
  CHECK(wasmpool_config_max_memory_protection_keys_get(cfg) == 4);
  CHECK(wasmpool_config_total_gc_heaps_get(cfg) == 19);
  CHECK(wasmpool_config_pagemap_scan_get(cfg) == WASMPOOL_ENABLED_YES);
  CHECK(wasmpool_config_strategy_get(cfg) == WASMPOOL_STRATEGY_ON_DEMAND);
  CHECK(wasmpool_config_epoch_interruption_get(cfg));
  CHECK(wasmpool_config_epoch_tick_interval_ms_get(cfg) == 5);
  CHECK(wasmpool_config_consume_fuel_get(cfg));
  CHECK(wasmpool_config_max_wasm_stack_get(cfg) == 1u << 20);
  CHECK(wasmpool_config_memory_reservation_get(cfg) == (uint64_t)4 << 30);
  CHECK(wasmpool_config_memory_guard_size_get(cfg) == 65536);
  CHECK(!wasmpool_config_memory_init_cow_get(cfg));
  CHECK(wasmpool_config_opt_level_get(cfg) == WASMPOOL_OPT_LEVEL_NONE);
  CHECK(wasmpool_config_slot_wait_timeout_ms_get(cfg) == 250);
  wasmpool_config_delete(cfg);

  /* Another prefix sees none of them; NULL `applied` is fine. */
  cfg = wasmpool_config_new();
  CHECK(applied_count(cfg, "NOPE_") == 0);
  OK(wasmpool_config_apply_env(cfg, "NOPE_", NULL));
  CHECK(wasmpool_config_total_memories_get(cfg) == 1000);

  /* One bad value: an error naming the variable and value, nothing applied. */
  static const char *bad[][2] = {
      {"T_TOTAL_MEMORIES", "12x"},     {"T_TOTAL_MEMORIES", "-1"},
      {"T_MAX_MEMORY_SIZE", "4 parsecs"}, {"T_STRATEGY", "fastest"},
      {"T_PAGEMAP_SCAN", "maybe"},     {"T_CONSUME_FUEL", "2"},
      {"T_DECOMMIT_BATCH_SIZE", "0"},  {"T_MEMORY_RESERVATION", "99999999999T"},
      {"T_TOTAL_TABLES", "4294967296"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK(setenv(bad[i][0], bad[i][1], 1) == 0);
    wasmpool_error_t *err = wasmpool_config_apply_env(cfg, "T_", NULL);
    CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
    const char *msg = wasmpool_error_message(err);
    CHECK(strstr(msg, bad[i][0]) != NULL && strstr(msg, bad[i][1]) != NULL);
    if (i == 0) printf("rejected: %s\n", msg);
    wasmpool_error_delete(err);
    CHECK(wasmpool_config_total_memories_get(cfg) == 1000); /* all or nothing */
    CHECK(wasmpool_config_max_unused_warm_slots_get(cfg) == 100);
    /* restore the good value */
    for (size_t j = 0; j < n; j++) {
      if (strcmp(vars[j][0], bad[i][0]) == 0) CHECK(setenv(vars[j][0], vars[j][1], 1) == 0);
    }
  }
  EXPECT_ERR(wasmpool_config_apply_env(NULL, "T_", NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_config_apply_env(cfg, NULL, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_config_delete(cfg);
  printf("test_env: %zu knobs reachable by name, %zu bad values rejected\n", n,
         sizeof bad / sizeof bad[0]);
  return 0;
}
