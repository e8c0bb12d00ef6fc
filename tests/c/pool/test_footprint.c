/* The footprint computed from a config matches the real growth of the
 * process's virtual size when the engine is created (within 5%), for three
 * different configs. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

static unsigned long long vm_size_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  CHECK(f != NULL);
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "VmSize: %llu kB", &kb) == 1) break;
  }
  fclose(f);
  CHECK(kb > 0);
  return kb * 1024;
}

static void compare(const char *name, wasmpool_config_t *cfg) {
  wasmpool_footprint_t fp;
  OK(wasmpool_config_footprint(cfg, &fp));
  CHECK(fp.total_reserved == fp.memories_reserved + fp.tables_reserved + fp.stacks_reserved +
                                 fp.instances_reserved + fp.gc_heaps_reserved);
  unsigned long long before = vm_size_bytes();
  wasmpool_engine_t *engine = engine_from(cfg);
  unsigned long long after = vm_size_bytes();
  double grown = (double)(after - before);
  double ratio = grown / (double)fp.total_reserved;
  printf("%-28s predicted %14llu B (mem %llu, tables %llu, stacks %llu), VmSize grew %14.0f B, "
         "ratio %.4f\n",
         name, (unsigned long long)fp.total_reserved, (unsigned long long)fp.memories_reserved,
         (unsigned long long)fp.tables_reserved, (unsigned long long)fp.stacks_reserved, grown,
         ratio);
  CHECK(ratio > 0.95 && ratio < 1.05);
  wasmpool_engine_delete(engine);
  CHECK(vm_size_bytes() < after); /* and it is given back */
}

int main(void) {
  /* Warm up what any engine maps once per process (signal stacks, code). */
  wasmpool_config_t *warm = small_pool(1);
  wasmpool_engine_delete(engine_from(warm));
  wasmpool_config_delete(warm);

  wasmpool_config_t *cfg = wasmpool_config_new();
  compare("Wasmtime defaults", cfg);
  wasmpool_config_delete(cfg);

  cfg = wasmpool_config_new();
  OK(wasmpool_config_total_memories_set(cfg, 64));
  OK(wasmpool_config_memory_reservation_set(cfg, (uint64_t)1 << 30));
  OK(wasmpool_config_max_memory_size_set(cfg, (size_t)256 << 20));
  OK(wasmpool_config_memory_guard_size_set(cfg, (uint64_t)8 << 20));
  OK(wasmpool_config_total_stacks_set(cfg, 50));
  compare("64 x 1 GiB memories", cfg);
  wasmpool_config_delete(cfg);

  cfg = wasmpool_config_new();
  OK(wasmpool_config_total_memories_set(cfg, 500));
  OK(wasmpool_config_memory_reservation_set(cfg, (uint64_t)16 << 20));
  OK(wasmpool_config_max_memory_size_set(cfg, (size_t)16 << 20));
  OK(wasmpool_config_memory_guard_size_set(cfg, 65536));
  OK(wasmpool_config_total_tables_set(cfg, 4000));
  OK(wasmpool_config_table_elements_set(cfg, 100000));
  OK(wasmpool_config_total_stacks_set(cfg, 10));
  compare("tables-heavy, small memories", cfg);
  wasmpool_config_delete(cfg);

  /* Warm-slot residency bound. */
  cfg = wasmpool_config_new_server(100);
  wasmpool_footprint_t fp;
  OK(wasmpool_config_footprint(cfg, &fp));
  CHECK(fp.resident_per_warm_slot == (1u << 20) + (64u << 10) + (64u << 10));
  CHECK(fp.warm_resident_max == 10 * fp.resident_per_warm_slot);
  CHECK(fp.instances_max > 0 && fp.instances_reserved == 0 && fp.gc_heaps_reserved == 0);
  /* Overflow is an error, not a wrap. */
  OK(wasmpool_config_total_memories_set(cfg, 1u << 24));
  OK(wasmpool_config_memory_reservation_set(cfg, UINT64_MAX / 2));
  EXPECT_ERR(wasmpool_config_footprint(cfg, &fp), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_config_delete(cfg);
  return 0;
}
