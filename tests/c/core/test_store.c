/* Per-store limits, memory consumed, fuel, epoch deadlines (by ticks and in
 * ms with the engine's ticker), and the ticker thread's lifetime. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <dirent.h>
#include <time.h>

static const char *GROWER =
    "(module (memory (export \"memory\") 1)"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    "  (func (export \"spin\") (loop br 0))"
    "  (func (export \"count\") (param i32) (result i32)"
    "    (loop (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if 0 (local.get 0)))"
    "    (local.get 0)))";

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int thread_count(void) {
  DIR *d = opendir("/proc/self/task");
  CHECK(d != NULL);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

/* Waits (up to 2 s) for the thread count to reach `n` and returns the last count: pthread_join
 * returns once the thread has cleared its tid, a moment before the kernel drops its task entry,
 * so a joined thread can still be listed briefly on a loaded machine. */
static int settled_thread_count(int n) {
  int now = thread_count();
  for (int i = 0; i < 200 && now != n; i++) {
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
    now = thread_count();
  }
  return now;
}

static wasmpool_instance_t *instantiate(wasmpool_store_t *store, wasmpool_module_t *module) {
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  return inst;
}

static int32_t grow(wasmpool_instance_t *inst, int32_t pages) {
  wasmpool_val_t a = val_i32(pages), r;
  OK(wasmpool_instance_call(inst, "grow", &a, 1, &r, 1));
  return r.of.i32;
}

static void limits(void) {
  wasmpool_config_t *cfg = small_pool(8);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(engine, GROWER);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_store_limits_t lim = wasmpool_store_limits_unlimited();
  CHECK(lim.memory_size == SIZE_MAX && lim.instances == SIZE_MAX);
  lim.memory_size = 1u << 20; /* 16 pages */
  lim.instances = 2;
  OK(wasmpool_store_limits_set(store, &lim));
  wasmpool_store_limits_t back;
  OK(wasmpool_store_limits_get(store, &back));
  CHECK(back.memory_size == 1u << 20 && back.instances == 2 && back.tables == SIZE_MAX);

  CHECK(wasmpool_store_memory_consumed(store) == 0);
  wasmpool_instance_t *inst = instantiate(store, module);
  CHECK(wasmpool_store_memory_consumed(store) == 65536);
  CHECK(grow(inst, 10) == 1);
  CHECK(wasmpool_store_memory_consumed(store) == 11 * 65536);
  CHECK(grow(inst, 6) == -1); /* 17 pages > 1 MiB */
  CHECK(grow(inst, 5) == 11);
  CHECK(grow(inst, 1) == -1);
  CHECK(wasmpool_store_memory_consumed(store) == 16 * 65536);
  uint8_t *data;
  size_t size;
  OK(wasmpool_instance_memory(inst, "memory", &data, &size));
  CHECK(size == 16 * 65536);

  instantiate(store, module);
  wasmpool_instance_t *third = NULL;
  EXPECT_ERR(wasmpool_instantiate(store, module, &third), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  CHECK(third == NULL);
  wasmpool_store_delete(store);

  /* A module whose initial memory is over the limit, and a table limit. */
  OK(wasmpool_store_new(engine, &store));
  lim = wasmpool_store_limits_unlimited();
  lim.memory_size = 65536;
  lim.tables = 0;
  OK(wasmpool_store_limits_set(store, &lim));
  wasmpool_module_t *big = compile_wat(engine, "(module (memory 2))");
  EXPECT_ERR(wasmpool_instantiate(store, big, &third), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_module_t *tabled = compile_wat(engine, "(module (table 1 funcref))");
  EXPECT_ERR(wasmpool_instantiate(store, tabled, &third), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  /* The store is still fine for what fits. */
  instantiate(store, module);
  wasmpool_store_delete(store);
  CHECK(metrics_of(engine).memories == 0);
  wasmpool_module_delete(big);
  wasmpool_module_delete(tabled);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  printf("store limits: memory.grow -1 at 1 MiB, consumed bytes exact, LIMIT_EXCEEDED beyond\n");
}

static void fuel(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_consume_fuel_set(cfg, true));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(engine, GROWER);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_store_fuel_set(store, 1000000));
  wasmpool_instance_t *inst = instantiate(store, module);
  uint64_t before, after100, after200;
  OK(wasmpool_store_fuel_get(store, &before));
  wasmpool_val_t a = val_i32(100), r;
  OK(wasmpool_instance_call(inst, "count", &a, 1, &r, 1));
  OK(wasmpool_store_fuel_get(store, &after100));
  a = val_i32(200);
  OK(wasmpool_instance_call(inst, "count", &a, 1, &r, 1));
  OK(wasmpool_store_fuel_get(store, &after200));
  uint64_t c100 = before - after100, c200 = after100 - after200;
  /* The loop body costs the same each iteration: 100 more iterations cost
   * exactly 100 x the per-iteration fuel. */
  uint64_t per_iteration = (c200 - c100) / 100;
  CHECK(per_iteration > 0 && c200 - c100 == 100 * per_iteration);
  CHECK(c100 >= 100 * per_iteration);
  printf("fuel: count(100) used %llu, count(200) used %llu (%llu per iteration)\n",
         (unsigned long long)c100, (unsigned long long)c200, (unsigned long long)per_iteration);
  OK(wasmpool_store_fuel_set(store, 50));
  a = val_i32(1000);
  EXPECT_ERR(wasmpool_instance_call(inst, "count", &a, 1, &r, 1), WASMPOOL_ERROR_OUT_OF_FUEL);
  OK(wasmpool_store_fuel_set(store, 1000000));
  a = val_i32(10);
  OK(wasmpool_instance_call(inst, "count", &a, 1, &r, 1));
  wasmpool_store_delete(store);

  /* Fuel on an engine without metering is an error, not a crash. */
  cfg = small_pool(2);
  wasmpool_engine_t *plain = engine_from(cfg);
  wasmpool_config_delete(cfg);
  OK(wasmpool_store_new(plain, &store));
  EXPECT_ERR(wasmpool_store_fuel_set(store, 5), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_store_fuel_get(store, &before), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_store_epoch_deadline_set(store, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_store_deadline_ms_set(store, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_store_delete(store);
  wasmpool_engine_delete(plain);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

static void deadlines(void) {
  int threads_before = thread_count();
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  OK(wasmpool_config_epoch_tick_interval_ms_set(cfg, 1));
  wasmpool_engine_t *engine = engine_from(cfg);
  CHECK(thread_count() == threads_before + 1);
  wasmpool_module_t *module = compile_wat(engine, GROWER);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instantiate(store, module);
  /* No deadline set: calls run normally even though the epoch advances. */
  wasmpool_val_t a = val_i32(1000), r;
  OK(wasmpool_instance_call(inst, "count", &a, 1, &r, 1));

  OK(wasmpool_store_deadline_ms_set(store, 50));
  double t0 = now_s();
  wasmpool_error_t *err = wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0);
  double elapsed = now_s() - t0;
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INTERRUPTED);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_INTERRUPT);
  wasmpool_error_delete(err);
  printf("deadline 50 ms: INTERRUPTED after %.1f ms\n", elapsed * 1e3);
  CHECK(elapsed >= 0.045 && elapsed < 2.0);
  /* The store stays usable with a new deadline. */
  OK(wasmpool_store_deadline_ms_set(store, 10000));
  OK(wasmpool_instance_call(inst, "count", &a, 1, &r, 1));
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  CHECK(settled_thread_count(threads_before) == threads_before); /* the ticker was joined */

  /* Host-driven ticks: an engine without a ticker. */
  OK(wasmpool_config_epoch_tick_interval_ms_set(cfg, 0));
  engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  CHECK(settled_thread_count(threads_before) == threads_before);
  module = compile_wat(engine, GROWER);
  OK(wasmpool_store_new(engine, &store));
  inst = instantiate(store, module);
  EXPECT_ERR(wasmpool_store_deadline_ms_set(store, 5), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_store_epoch_deadline_set(store, 1));
  wasmpool_engine_increment_epoch(engine);
  EXPECT_ERR(wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0), WASMPOOL_ERROR_INTERRUPTED);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

int main(void) {
  limits();
  fuel();
  deadlines();
  return 0;
}
