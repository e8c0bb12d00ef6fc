/*
 * deadline.c: stop a runaway guest with a deadline, then keep using the store.
 *
 * The engine runs its own epoch ticker (1 ms). A guest spins forever; a
 * 50 ms deadline interrupts it with WASMPOOL_ERROR_INTERRUPTED. The same
 * store then serves a normal call after a new deadline is set.
 */
#define _POSIX_C_SOURCE 200809L
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) return;
  fprintf(stderr, "deadline: %s failed (kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(1);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char WAT[] =
    "(module\n"
    "  (func (export \"forever\") (loop (br 0)))\n"
    "  (func (export \"answer\") (result i32) (i32.const 42)))\n";

int main(void) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  check(wasmpool_config_total_memories_set(cfg, 4), "total_memories");
  check(wasmpool_config_total_core_instances_set(cfg, 4), "total_core_instances");
  check(wasmpool_config_epoch_interruption_set(cfg, true), "epoch_interruption");
  check(wasmpool_config_epoch_tick_interval_ms_set(cfg, 1), "epoch_tick_interval_ms");
  wasmpool_engine_t *engine;
  check(wasmpool_engine_new(cfg, &engine), "engine");
  wasmpool_config_delete(cfg);

  wasmpool_module_t *module;
  check(wasmpool_module_new(engine, (const uint8_t *)WAT, strlen(WAT), &module), "compile");
  wasmpool_store_t *store;
  check(wasmpool_store_new(engine, &store), "store");
  wasmpool_instance_t *inst;
  check(wasmpool_instantiate(store, module, &inst), "instantiate");

  check(wasmpool_store_deadline_ms_set(store, 50), "deadline");
  double start = now_ms();
  wasmpool_error_t *err = wasmpool_instance_call(inst, "forever", NULL, 0, NULL, 0);
  double took = now_ms() - start;
  if (err == NULL || wasmpool_error_kind(err) != WASMPOOL_ERROR_INTERRUPTED) {
    fprintf(stderr, "deadline: expected INTERRUPTED\n");
    return 1;
  }
  printf("runaway guest interrupted after %.1f ms\n", took);
  wasmpool_error_delete(err);

  check(wasmpool_store_deadline_ms_set(store, 1000), "new deadline");
  wasmpool_val_t result;
  check(wasmpool_instance_call(inst, "answer", NULL, 0, &result, 1), "answer");
  printf("same store afterwards: answer() = %d\n", result.of.i32);

  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine); /* stops and joins the ticker thread */
  return result.of.i32 == 42 && took < 2000.0 ? 0 : 1;
}
