/* Every knob: Wasmtime's default, set then get back, bad values rejected,
 * NULL handled. */
#include "check.h"

#include <stdint.h>

/* name, Wasmtime 48 default */
#define U32_KNOBS(X)                                  \
  X(max_unused_warm_slots, 100u)                      \
  X(total_component_instances, 1000u)                 \
  X(max_core_instances_per_component, UINT32_MAX)     \
  X(max_memories_per_component, UINT32_MAX)           \
  X(max_tables_per_component, UINT32_MAX)             \
  X(total_memories, 1000u)                            \
  X(total_tables, 1000u)                              \
  X(total_stacks, 1000u)                              \
  X(total_core_instances, 1000u)                      \
  X(max_tables_per_module, 1u)                        \
  X(max_memories_per_module, 1u)                      \
  X(total_gc_heaps, 1000u)

#define SIZE_KNOBS(X)                                 \
  X(decommit_batch_size, (size_t)1)                   \
  X(async_stack_keep_resident, (size_t)0)             \
  X(linear_memory_keep_resident, (size_t)0)           \
  X(table_keep_resident, (size_t)0)                   \
  X(max_component_instance_size, (size_t)1 << 20)     \
  X(max_core_instance_size, (size_t)1 << 20)          \
  X(table_elements, (size_t)20000)                    \
  X(max_memory_size, (size_t)1 << 32)                 \
  X(max_memory_protection_keys, (size_t)16)

static int knobs_checked = 0;

#define CHECK_ROUNDTRIP(name, def)                                            \
  do {                                                                        \
    CHECK(wasmpool_config_##name##_get(cfg) == (def));                        \
    OK(wasmpool_config_##name##_set(cfg, value));                             \
    CHECK(wasmpool_config_##name##_get(cfg) == value);                        \
    CHECK(wasmpool_config_##name##_get(NULL) == (def));                       \
    EXPECT_ERR(wasmpool_config_##name##_set(NULL, value),                     \
               WASMPOOL_ERROR_INVALID_ARGUMENT);                              \
    value += 3;                                                               \
    knobs_checked++;                                                          \
  } while (0);

int main(void) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  CHECK(cfg != NULL);

  uint32_t value = 7;
#define U32_ROUNDTRIP(name, def) CHECK_ROUNDTRIP(name, def)
  U32_KNOBS(U32_ROUNDTRIP)
  {
    size_t value = 4096 * 3;
#define SIZE_ROUNDTRIP(name, def) CHECK_ROUNDTRIP(name, def)
    SIZE_KNOBS(SIZE_ROUNDTRIP)
  }

  /* The two three-way switches. */
  CHECK(wasmpool_config_memory_protection_keys_get(cfg) == WASMPOOL_ENABLED_NO);
  CHECK(wasmpool_config_pagemap_scan_get(cfg) == WASMPOOL_ENABLED_NO);
  wasmpool_enabled_t modes[] = {WASMPOOL_ENABLED_YES, WASMPOOL_ENABLED_AUTO, WASMPOOL_ENABLED_NO};
  for (size_t i = 0; i < 3; i++) {
    OK(wasmpool_config_memory_protection_keys_set(cfg, modes[i]));
    CHECK(wasmpool_config_memory_protection_keys_get(cfg) == modes[i]);
    OK(wasmpool_config_pagemap_scan_set(cfg, modes[i]));
    CHECK(wasmpool_config_pagemap_scan_get(cfg) == modes[i]);
  }
  knobs_checked += 2;
  /* Out-of-range enum values from C are rejected, and change nothing. */
  EXPECT_ERR(wasmpool_config_memory_protection_keys_set(cfg, (wasmpool_enabled_t)3),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_config_pagemap_scan_set(cfg, (wasmpool_enabled_t)-1),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_config_pagemap_scan_get(cfg) == WASMPOOL_ENABLED_NO);
  /* Values Wasmtime cannot use. */
  EXPECT_ERR(wasmpool_config_decommit_batch_size_set(cfg, 0), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_config_decommit_batch_size_get(cfg) != 0);
  CHECK(knobs_checked == 23);

  /* Engine-wide knobs. */
  CHECK(wasmpool_config_strategy_get(cfg) == WASMPOOL_STRATEGY_POOLING);
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_AUTO));
  CHECK(wasmpool_config_strategy_get(cfg) == WASMPOOL_STRATEGY_AUTO);
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  CHECK(wasmpool_config_strategy_get(cfg) == WASMPOOL_STRATEGY_ON_DEMAND);
  EXPECT_ERR(wasmpool_config_strategy_set(cfg, (wasmpool_strategy_t)42),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_config_strategy_get(cfg) == WASMPOOL_STRATEGY_ON_DEMAND);

  CHECK(!wasmpool_config_epoch_interruption_get(cfg));
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  CHECK(wasmpool_config_epoch_interruption_get(cfg));

  CHECK(!wasmpool_config_consume_fuel_get(cfg));
  OK(wasmpool_config_consume_fuel_set(cfg, true));
  CHECK(wasmpool_config_consume_fuel_get(cfg));

  CHECK(wasmpool_config_max_wasm_stack_get(cfg) == 512u << 10);
  OK(wasmpool_config_max_wasm_stack_set(cfg, 256u << 10));
  CHECK(wasmpool_config_max_wasm_stack_get(cfg) == 256u << 10);
  EXPECT_ERR(wasmpool_config_max_wasm_stack_set(cfg, 0), WASMPOOL_ERROR_INVALID_ARGUMENT);

  CHECK(wasmpool_config_memory_reservation_get(cfg) == (uint64_t)1 << 32);
  OK(wasmpool_config_memory_reservation_set(cfg, (uint64_t)1 << 30));
  CHECK(wasmpool_config_memory_reservation_get(cfg) == (uint64_t)1 << 30);

  CHECK(wasmpool_config_memory_guard_size_get(cfg) == (uint64_t)32 << 20);
  OK(wasmpool_config_memory_guard_size_set(cfg, 65536));
  CHECK(wasmpool_config_memory_guard_size_get(cfg) == 65536);

  CHECK(wasmpool_config_memory_init_cow_get(cfg));
  OK(wasmpool_config_memory_init_cow_set(cfg, false));
  CHECK(!wasmpool_config_memory_init_cow_get(cfg));

  CHECK(wasmpool_config_opt_level_get(cfg) == WASMPOOL_OPT_LEVEL_SPEED);
  OK(wasmpool_config_opt_level_set(cfg, WASMPOOL_OPT_LEVEL_NONE));
  CHECK(wasmpool_config_opt_level_get(cfg) == WASMPOOL_OPT_LEVEL_NONE);
  EXPECT_ERR(wasmpool_config_opt_level_set(cfg, (wasmpool_opt_level_t)3),
             WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* A config is not consumed by an engine: build two from it, then change
   * and delete it while the engines live. */
  wasmpool_config_t *small = small_pool(2);
  wasmpool_engine_t *a = engine_from(small);
  wasmpool_engine_t *b = engine_from(small);
  OK(wasmpool_config_total_memories_set(small, 5));
  wasmpool_config_delete(small);
  wasmpool_metrics_t m = metrics_of(a);
  CHECK(m.pooling && m.total_memories == 2);
  wasmpool_engine_delete(a);
  wasmpool_engine_delete(b);

  wasmpool_config_delete(cfg);
  wasmpool_config_delete(NULL);
  printf("test_config: %d pooling knobs and 8 engine knobs round-trip\n", knobs_checked);
  return 0;
}
