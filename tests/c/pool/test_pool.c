/* The pooling knobs reach Wasmtime: a full pool refuses with
 * POOL_EXHAUSTED and recovers when a store is deleted; per-module limits
 * reject modules with LIMIT_EXCEEDED; N (max_unused_warm_slots) is the
 * engine's. */
#include "check.h"

static const char *MEM_MODULE =
    "(module (memory (export \"mem\") 1)"
    "  (func (export \"get\") (result i32) (i32.load (i32.const 0))))";

/* Instantiates `module` in a new store; returns the store or NULL with the
 * error kind in *kind. */
static wasmpool_store_t *try_instance(wasmpool_engine_t *engine, wasmpool_module_t *module,
                                      wasmpool_error_kind_t *kind) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  wasmpool_error_t *err = wasmpool_instantiate(store, module, &inst);
  if (err != NULL) {
    *kind = wasmpool_error_kind(err);
    CHECK(inst == NULL);
    wasmpool_error_delete(err);
    wasmpool_store_delete(store);
    return NULL;
  }
  CHECK(inst != NULL);
  return store;
}

static void exhaustion(const char *what, wasmpool_config_t *cfg) {
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module = compile_wat(engine, MEM_MODULE);
  wasmpool_error_kind_t kind = WASMPOOL_ERROR_OTHER;
  wasmpool_store_t *s1 = try_instance(engine, module, &kind);
  wasmpool_store_t *s2 = try_instance(engine, module, &kind);
  CHECK(s1 != NULL && s2 != NULL);
  CHECK(metrics_of(engine).core_instances == 2);
  wasmpool_store_t *s3 = try_instance(engine, module, &kind);
  CHECK(s3 == NULL);
  CHECK(kind == WASMPOOL_ERROR_POOL_EXHAUSTED);
  wasmpool_store_delete(s1);
  s3 = try_instance(engine, module, &kind);
  CHECK(s3 != NULL);
  wasmpool_store_delete(s2);
  wasmpool_store_delete(s3);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.core_instances == 0 && m.memories == 0);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  printf("%s = 2: third concurrent instance refused, accepted after a delete\n", what);
}

static void limit(const char *what, wasmpool_config_t *cfg, const char *wat) {
  wasmpool_engine_t *engine = engine_from(cfg);
  EXPECT_ERR(compile_wat_err(engine, wat), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_engine_delete(engine);
  /* The same module is fine for a default on-demand engine. */
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  engine = engine_from(cfg);
  wasmpool_error_t *err = compile_wat_err(engine, wat);
  CHECK(err == NULL || wasmpool_error_kind(err) != WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_error_delete(err);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("%s: module over the limit is LIMIT_EXCEEDED\n", what);
}

/* Churns `k` distinct modules one at a time (all kept alive: deleting a
 * module makes Wasmtime purge the slots affine to it) and returns the pool's
 * metrics afterwards. */
static wasmpool_metrics_t churn(uint32_t n, int k) {
  enum { MAX_K = 16 };
  CHECK(k <= MAX_K);
  wasmpool_config_t *cfg = small_pool(16);
  OK(wasmpool_config_max_unused_warm_slots_set(cfg, n));
  OK(wasmpool_config_linear_memory_keep_resident_set(cfg, 64u << 10));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *modules[MAX_K];
  for (int i = 0; i < k; i++) {
    char wat[256];
    snprintf(wat, sizeof wat,
             "(module (memory 1) (func (export \"touch\") (i32.store (i32.const 0) "
             "(i32.const %d))))",
             i + 1);
    modules[i] = compile_wat(engine, wat);
  }
  for (int i = 0; i < k; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_instance_t *inst = NULL;
    OK(wasmpool_instantiate(store, modules[i], &inst));
    OK(wasmpool_instance_call(inst, "touch", NULL, 0, NULL, 0));
    wasmpool_store_delete(store);
  }
  wasmpool_metrics_t m = metrics_of(engine);
  for (int i = 0; i < k; i++) wasmpool_module_delete(modules[i]);
  /* With the modules gone their warm slots hold nothing resident. */
  CHECK(metrics_of(engine).unused_memory_bytes_resident == 0);
  wasmpool_engine_delete(engine);
  return m;
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(8);
  OK(wasmpool_config_total_core_instances_set(cfg, 2));
  exhaustion("total_core_instances", cfg);
  wasmpool_config_delete(cfg);

  cfg = small_pool(8);
  OK(wasmpool_config_total_memories_set(cfg, 2));
  exhaustion("total_memories", cfg);
  wasmpool_config_delete(cfg);

  cfg = small_pool(4);
  OK(wasmpool_config_max_memories_per_module_set(cfg, 1));
  limit("max_memories_per_module = 1", cfg, "(module (memory 1) (memory 1))");

  cfg = small_pool(4);
  OK(wasmpool_config_max_memory_size_set(cfg, 2 * 65536));
  limit("max_memory_size = 2 pages", cfg, "(module (memory 3))");

  cfg = small_pool(4);
  OK(wasmpool_config_table_elements_set(cfg, 10));
  limit("table_elements = 10", cfg, "(module (table 11 funcref))");

  cfg = small_pool(4);
  OK(wasmpool_config_max_tables_per_module_set(cfg, 1));
  limit("max_tables_per_module = 1", cfg, "(module (table 1 funcref) (table 1 funcref))");

  cfg = small_pool(4);
  OK(wasmpool_config_max_core_instance_size_set(cfg, 64));
  limit("max_core_instance_size = 64", cfg, "(module (global i32 (i32.const 1)) (memory 1))");

  /* N reaches the engine: with N = 0 slots are recycled, with N = 6 up to
   * N slots stay warm (and resident) after 8 distinct modules. */
  wasmpool_metrics_t m0 = churn(0, 8);
  wasmpool_metrics_t m6 = churn(6, 8);
  printf("max_unused_warm_slots: N=0 -> %llu warm (%llu bytes), N=6 -> %llu warm (%llu bytes)\n",
         (unsigned long long)m0.unused_warm_memories,
         (unsigned long long)m0.unused_memory_bytes_resident,
         (unsigned long long)m6.unused_warm_memories,
         (unsigned long long)m6.unused_memory_bytes_resident);
  CHECK(m0.unused_warm_memories <= 1);
  CHECK(m6.unused_warm_memories >= 6);
  CHECK(m0.unused_memory_bytes_resident <= 64u << 10);
  CHECK(m6.unused_memory_bytes_resident >= 6 * (64u << 10));
  CHECK(m0.core_instances == 0 && m6.core_instances == 0);
  return 0;
}
