/* Waiting for a free slot: a pool of 4 with 3 slots held by the main
 * thread leaves one slot for two worker threads doing 2000 instantiate-
 * call-delete cycles each. With a 1 s wait every cycle succeeds; with no
 * wait some fail with POOL_EXHAUSTED and none fail any other way. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <pthread.h>
#include <time.h>

enum { CYCLES = 2000 };

static pthread_barrier_t start_together;

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_module_t *module;
  int ok, exhausted, other;
} worker_t;

static void *worker(void *arg) {
  worker_t *w = arg;
  pthread_barrier_wait(&start_together);
  for (int i = 0; i < CYCLES; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(w->engine, &store));
    wasmpool_instance_t *inst = NULL;
    wasmpool_error_t *err = wasmpool_instantiate(store, w->module, &inst);
    if (err == NULL) {
      /* Hold the slot a little while (a short guest loop), so that the two
       * threads overlap. */
      wasmpool_val_t a = val_i32(i), r;
      err = wasmpool_instance_call(inst, "id", &a, 1, &r, 1);
      if (err == NULL && r.of.i32 == i) w->ok++;
    }
    if (err != NULL) {
      if (wasmpool_error_kind(err) == WASMPOOL_ERROR_POOL_EXHAUSTED) {
        w->exhausted++;
      } else {
        fprintf(stderr, "unexpected: %s\n", wasmpool_error_message(err));
        w->other++;
      }
      wasmpool_error_delete(err);
    }
    wasmpool_store_delete(store);
  }
  return NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void contend(uint64_t wait_ms, int *ok, int *exhausted, int *other) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_slot_wait_timeout_ms_set(cfg, wait_ms));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(
      engine, "(module (memory 1) (func (export \"id\") (param i32) (result i32) (local i32)"
              "  (loop (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
              "    (br_if 0 (i32.lt_u (local.get 1) (i32.const 5000))))"
              "  local.get 0))");
  wasmpool_store_t *held[3];
  for (int i = 0; i < 3; i++) {
    wasmpool_instance_t *inst;
    OK(wasmpool_store_new(engine, &held[i]));
    OK(wasmpool_instantiate(held[i], module, &inst));
  }
  worker_t w[2] = {{engine, module, 0, 0, 0}, {engine, module, 0, 0, 0}};
  pthread_t t[2];
  CHECK(pthread_barrier_init(&start_together, NULL, 2) == 0);
  double t0 = now_s();
  for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
  for (int i = 0; i < 2; i++) CHECK(pthread_join(t[i], NULL) == 0);
  double took = now_s() - t0;
  pthread_barrier_destroy(&start_together);
  for (int i = 0; i < 3; i++) wasmpool_store_delete(held[i]);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.core_instances == 0 && m.memories == 0);
  *ok = w[0].ok + w[1].ok;
  *exhausted = w[0].exhausted + w[1].exhausted;
  *other = w[0].other + w[1].other;
  printf("wait %4llu ms: %d ok, %d POOL_EXHAUSTED, %d other, in %.2f s; then 0 live\n",
         (unsigned long long)wait_ms, *ok, *exhausted, *other, took);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

static void times_out(void) {
  /* Nobody frees a slot: the wait ends at the timeout with POOL_EXHAUSTED. */
  wasmpool_config_t *cfg = small_pool(1);
  OK(wasmpool_config_slot_wait_timeout_ms_set(cfg, 100));
  CHECK(wasmpool_config_slot_wait_timeout_ms_get(cfg) == 100);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(engine, "(module (memory 1))");
  wasmpool_store_t *a, *b;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &a));
  OK(wasmpool_instantiate(a, module, &inst));
  OK(wasmpool_store_new(engine, &b));
  double t0 = now_s();
  EXPECT_ERR(wasmpool_instantiate(b, module, &inst), WASMPOOL_ERROR_POOL_EXHAUSTED);
  double took = now_s() - t0;
  printf("no release: POOL_EXHAUSTED after %.0f ms of a 100 ms wait\n", took * 1e3);
  CHECK(took >= 0.095 && took < 2.0);
  wasmpool_store_delete(a);
  OK(wasmpool_instantiate(b, module, &inst));
  wasmpool_store_delete(b);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

int main(void) {
  int ok, exhausted, other;
  contend(1000, &ok, &exhausted, &other);
  CHECK(ok == 2 * CYCLES && exhausted == 0 && other == 0);
  /* Without waiting, overlapping threads collide on the one free slot. The
   * scheduler decides how often; retry a few times on a loaded machine. */
  for (int attempt = 0; attempt < 5; attempt++) {
    contend(0, &ok, &exhausted, &other);
    CHECK(other == 0 && ok + exhausted == 2 * CYCLES);
    if (exhausted > 0) break;
  }
  CHECK(exhausted > 0);
  times_out();
  return 0;
}
