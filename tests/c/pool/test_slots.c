/* The slot-selection algorithm observed through metrics: churning K = 50
 * distinct modules at concurrency C keeps unused warm memories bounded by N
 * and C, and their resident bytes by that bound x R; with N >= K every
 * module keeps its slot. Affine reuse, and isolation across reuse.
 *
 * The bound is max(N, 1) + C - 1, not max(N, C): Wasmtime 48 recycles a warm
 * slot once N or more are unused, so in steady state a churn at concurrency
 * C leaves N - 1 warm slots right after an allocation, and the C live
 * instances freed at the end add C more (measured: C = 2, N = 10 -> 11). */
#include "check.h"

enum { K = 50, PAGES = 3 };
static const size_t R = 64u << 10; /* keep-resident per memory slot */

static wasmpool_module_t *modules[K];

static wasmpool_engine_t *pool_engine(uint32_t n) {
  wasmpool_config_t *cfg = small_pool(64);
  OK(wasmpool_config_max_unused_warm_slots_set(cfg, n));
  OK(wasmpool_config_linear_memory_keep_resident_set(cfg, R));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  for (int i = 0; i < K; i++) {
    char wat[512];
    /* touch(): writes every page of its 3-page memory (192 KiB > R). */
    snprintf(wat, sizeof wat,
             "(module (memory (export \"memory\") %d)"
             "  (func (export \"touch\") (local i32)"
             "    (loop (i32.store (local.get 0) (i32.const %d))"
             "      (local.set 0 (i32.add (local.get 0) (i32.const 4096)))"
             "      (br_if 0 (i32.lt_u (local.get 0) (i32.const %d))))))",
             PAGES, i + 1, PAGES * 65536);
    modules[i] = compile_wat(engine, wat);
  }
  return engine;
}

static void drop_engine(wasmpool_engine_t *engine) {
  for (int i = 0; i < K; i++) wasmpool_module_delete(modules[i]);
  wasmpool_engine_delete(engine);
}

static wasmpool_store_t *run(wasmpool_engine_t *engine, wasmpool_module_t *module) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  OK(wasmpool_instance_call(inst, "touch", NULL, 0, NULL, 0));
  return store;
}

/* K modules in turn, C alive at a time (a ring of stores). */
static wasmpool_metrics_t churn(uint32_t n, int c) {
  wasmpool_engine_t *engine = pool_engine(n);
  wasmpool_store_t *live[4] = {0};
  for (int i = 0; i < K; i++) {
    wasmpool_store_delete(live[i % c]);
    live[i % c] = run(engine, modules[i]);
  }
  for (int j = 0; j < c; j++) wasmpool_store_delete(live[j]);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.memories == 0 && m.core_instances == 0);
  drop_engine(engine);
  return m;
}

static void slot_selection(void) {
  uint32_t ns[] = {0, 1, 10, 100};
  for (int c = 1; c <= 2; c++) {
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
      uint32_t n = ns[i];
      wasmpool_metrics_t m = churn(n, c);
      unsigned long long bound = (n > 1 ? n : 1) + (unsigned long long)c - 1;
      printf("C=%d N=%-3u: %3llu unused warm memories, %8llu bytes resident (bound %llu, %llu B)\n",
             c, n, (unsigned long long)m.unused_warm_memories,
             (unsigned long long)m.unused_memory_bytes_resident, bound,
             (unsigned long long)(bound * R));
      if (n < K) {
        CHECK(m.unused_warm_memories <= bound);
        CHECK(m.unused_memory_bytes_resident <= bound * R);
      } else {
        /* Nothing recycled: every module keeps its own warm slot. */
        CHECK(m.unused_warm_memories == K);
        CHECK(m.unused_memory_bytes_resident == K * R);
      }
      CHECK(m.unused_memory_bytes_resident > 0);
    }
  }
}

static void affine_reuse_and_isolation(void) {
  wasmpool_engine_t *engine = pool_engine(10);
  wasmpool_store_t *store = run(engine, modules[0]);
  /* Write a secret beyond the module's data, in the last page. */
  wasmpool_instance_t *inst = NULL;
  wasmpool_store_delete(store);
  wasmpool_metrics_t before = metrics_of(engine);
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, modules[0], &inst));
  uint8_t *data;
  size_t size;
  OK(wasmpool_instance_memory(inst, "memory", &data, &size));
  for (size_t i = 0; i < size; i++) CHECK(data[i] == 0); /* touch() wrote; reset since */
  memcpy(data + size - 100, "secret", 6);
  wasmpool_metrics_t during = metrics_of(engine);
  CHECK(during.unused_warm_memories == before.unused_warm_memories - 1); /* took its own slot */
  wasmpool_store_delete(store);
  wasmpool_metrics_t after = metrics_of(engine);
  CHECK(after.unused_warm_memories == before.unused_warm_memories); /* no growth */
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, modules[0], &inst));
  OK(wasmpool_instance_memory(inst, "memory", &data, &size));
  for (size_t i = 0; i < size; i++) CHECK(data[i] == 0);
  wasmpool_store_delete(store);
  drop_engine(engine);
  printf("affine reuse: same slot, no warm growth, previous data gone\n");
}

int main(void) {
  slot_selection();
  affine_reuse_and_isolation();
  return 0;
}
