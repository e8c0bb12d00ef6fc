/* Thread stress: two threads share one engine and one pre-linked module for
 * 10,000 instantiate-call-delete cycles each while a third polls metrics.
 * No crash, no lost slot: 0 live at the end. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

enum { CYCLES = 10000 };

static wasmpool_engine_t *engine;
static wasmpool_instance_pre_t *pre;
static atomic_int done;
static unsigned long long polls, max_live;

static void *worker(void *arg) {
  int *ok = arg;
  for (int i = 0; i < CYCLES; i++) {
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_instance_pre_instantiate(pre, store, &inst));
    wasmpool_val_t a = val_i32(i), r;
    OK(wasmpool_instance_call(inst, "inc", &a, 1, &r, 1));
    if (r.of.i32 == i + 1) (*ok)++;
    wasmpool_store_delete(store);
  }
  atomic_fetch_add(&done, 1);
  return NULL;
}

static void *poller(void *arg) {
  (void)arg;
  while (atomic_load(&done) < 2) {
    wasmpool_metrics_t m = metrics_of(engine);
    CHECK(m.core_instances <= 2 && m.memories <= 2);
    if (m.core_instances > max_live) max_live = m.core_instances;
    polls++;
  }
  return NULL;
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_linear_memory_keep_resident_set(cfg, 65536));
  engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(
      engine, "(module (memory 1) (func (export \"inc\") (param i32) (result i32)"
              "  (i32.store (i32.const 64) (local.get 0))"
              "  (i32.add (i32.load (i32.const 64)) (i32.const 1))))");
  wasmpool_linker_t *linker;
  OK(wasmpool_linker_new(engine, &linker));
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(module);

  int ok[2] = {0, 0};
  pthread_t t[3];
  CHECK(pthread_create(&t[0], NULL, worker, &ok[0]) == 0);
  CHECK(pthread_create(&t[1], NULL, worker, &ok[1]) == 0);
  CHECK(pthread_create(&t[2], NULL, poller, NULL) == 0);
  for (int i = 0; i < 3; i++) CHECK(pthread_join(t[i], NULL) == 0);
  CHECK(ok[0] == CYCLES && ok[1] == CYCLES);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.core_instances == 0 && m.memories == 0 && m.tables == 0);
  printf("stress: 2 x %d cycles, %llu metric polls (max %llu live), 0 live at the end\n", CYCLES,
         polls, max_live);
  wasmpool_instance_pre_delete(pre);
  wasmpool_engine_delete(engine);
  return 0;
}
