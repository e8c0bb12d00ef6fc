/* The WebAssembly proposal switches and wasmpool_module_validate: for each
 * switch, a module that needs its proposal fails validation (and compilation)
 * with the switch off and validates and compiles with it on, under pooling and
 * on-demand allocation. Switches that need one another are refused together
 * at engine creation, with both knobs named; validation reports bad input
 * as COMPILE and does not check the pool's per-module limits. */
#include <stdbool.h>
#include <string.h>

#include "check.h"

typedef wasmpool_error_t *(*switch_set_t)(wasmpool_config_t *, bool);
typedef bool (*switch_get_t)(const wasmpool_config_t *);

typedef struct {
  const char *name;
  switch_set_t set;
  switch_get_t get;
  /* Switches that must go off with this one (they need it). */
  switch_set_t dependent;
  const char *wat;
} proposal_t;

static const proposal_t PROPOSALS[] = {
    {"simd", wasmpool_config_wasm_simd_set, wasmpool_config_wasm_simd_get,
     wasmpool_config_wasm_relaxed_simd_set,
     "(module (func (param v128) (result v128) local.get 0 local.get 0 i8x16.add))"},
    {"relaxed_simd", wasmpool_config_wasm_relaxed_simd_set, wasmpool_config_wasm_relaxed_simd_get, NULL,
     "(module (func (param v128) (result v128) local.get 0 local.get 0 i8x16.relaxed_swizzle))"},
    {"multi_memory", wasmpool_config_wasm_multi_memory_set, wasmpool_config_wasm_multi_memory_get, NULL,
     "(module (memory 1) (memory $b 1) (func (result i32) i32.const 0 i32.load $b))"},
    {"memory64", wasmpool_config_wasm_memory64_set, wasmpool_config_wasm_memory64_get, NULL,
     "(module (memory i64 1) (func (result i32) i64.const 8 i32.load))"},
    {"threads", wasmpool_config_wasm_threads_set, wasmpool_config_wasm_threads_get, NULL,
     "(module (memory 1) (func (result i32) i32.const 0 i32.atomic.load))"},
    {"tail_call", wasmpool_config_wasm_tail_call_set, wasmpool_config_wasm_tail_call_get, NULL,
     "(module (func $f (param i32) (result i32) local.get 0 return_call $f))"},
    {"gc", wasmpool_config_wasm_gc_set, wasmpool_config_wasm_gc_get, NULL,
     "(module (type $p (struct (field i32))) (func (result i32) i32.const 7 struct.new $p struct.get $p 0))"},
    {"function_references", wasmpool_config_wasm_function_references_set,
     wasmpool_config_wasm_function_references_get, wasmpool_config_wasm_gc_set,
     "(module (type $t (func (result i32))) (func $k (result i32) i32.const 1) (elem declare func $k)"
     " (func (result i32) ref.func $k call_ref $t))"},
    {"exceptions", wasmpool_config_wasm_exceptions_set, wasmpool_config_wasm_exceptions_get, NULL,
     "(module (tag $e (param i32)) (func (param i32) local.get 0 throw $e))"},
    {"wide_arithmetic", wasmpool_config_wasm_wide_arithmetic_set, wasmpool_config_wasm_wide_arithmetic_get,
     NULL,
     "(module (func (param i64 i64 i64 i64) (result i64 i64) local.get 0 local.get 1 local.get 2"
     " local.get 3 i64.add128))"},
    {"custom_page_sizes", wasmpool_config_wasm_custom_page_sizes_set,
     wasmpool_config_wasm_custom_page_sizes_get, NULL, "(module (memory 1 (pagesize 1)))"},
};

static wasmpool_config_t *config_for(wasmpool_strategy_t strategy) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_strategy_set(cfg, strategy));
  OK(wasmpool_config_max_memories_per_module_set(cfg, 2));
  return cfg;
}

static wasmpool_error_t *validate(const wasmpool_engine_t *engine, const char *wat) {
  return wasmpool_module_validate(engine, (const uint8_t *)wat, strlen(wat));
}

static void prove(const proposal_t *p, wasmpool_strategy_t strategy) {
  /* Off: the module is invalid; validation and compilation say so. */
  wasmpool_config_t *cfg = config_for(strategy);
  OK(p->set(cfg, false));
  if (p->dependent != NULL) OK(p->dependent(cfg, false));
  CHECK(!p->get(cfg));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_error_t *err = validate(engine, p->wat);
  if (err == NULL) {
    fprintf(stderr, "%s off: the module validated\n", p->name);
    exit(1);
  }
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_COMPILE);
  CHECK(strstr(wasmpool_error_message(err), "invalid module") != NULL);
  wasmpool_error_delete(err);
  EXPECT_ERR(compile_wat_err(engine, p->wat), WASMPOOL_ERROR_COMPILE);
  wasmpool_engine_delete(engine);

  /* On: it validates, compiles and instantiates. */
  OK(p->set(cfg, true));
  CHECK(p->get(cfg));
  engine = engine_from(cfg);
  OK(validate(engine, p->wat));
  wasmpool_module_t *module = compile_wat(engine, p->wat);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  CHECK(inst != NULL);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("%-20s %s: refused off, compiled on\n", p->name,
         strategy == WASMPOOL_STRATEGY_POOLING ? "pooling" : "on-demand");
}

/* `on` turned on with `off` off must fail engine creation naming both. */
static void refused_together(switch_set_t on, switch_set_t off, const char *on_name, const char *off_name) {
  wasmpool_config_t *cfg = config_for(WASMPOOL_STRATEGY_ON_DEMAND);
  OK(on(cfg, true));
  OK(off(cfg, false));
  wasmpool_engine_t *engine = NULL;
  wasmpool_error_t *err = wasmpool_engine_new(cfg, &engine);
  CHECK(err != NULL);
  CHECK(engine == NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_ENGINE);
  CHECK(strstr(wasmpool_error_message(err), on_name) != NULL);
  CHECK(strstr(wasmpool_error_message(err), off_name) != NULL);
  wasmpool_error_delete(err);
  /* Both off is a consistent configuration. */
  OK(on(cfg, false));
  engine = engine_from(cfg);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

/* Shared memories (threads on): on-demand engines instantiate them; the
 * pooling allocator refuses modules that define one, as over its limits. */
static void shared_memories(void) {
  const char *wat = "(module (memory (export \"m\") 1 1 shared)"
                    " (func (export \"add\") (result i32) i32.const 0 i32.const 5 i32.atomic.rmw.add))";
  wasmpool_config_t *cfg = config_for(WASMPOOL_STRATEGY_ON_DEMAND);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module = compile_wat(engine, wat);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t r[1];
  OK(wasmpool_instance_call(inst, "add", NULL, 0, r, 1));
  OK(wasmpool_instance_call(inst, "add", NULL, 0, r, 1));
  CHECK(r[0].kind == WASMPOOL_VALKIND_I32 && r[0].of.i32 == 5);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_POOLING));
  engine = engine_from(cfg);
  OK(validate(engine, wat));
  EXPECT_ERR(compile_wat_err(engine, wat), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

static void validation(void) {
  wasmpool_config_t *cfg = small_pool(2);
  wasmpool_engine_t *engine = engine_from(cfg);
  static const uint8_t empty[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  OK(wasmpool_module_validate(engine, empty, sizeof empty));
  OK(validate(engine, "(module (func (export \"f\") (result i32) i32.const 1))"));
  EXPECT_ERR(validate(engine, "(module (func (result i32)))"), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(validate(engine, "(module (func (bogus)))"), WASMPOOL_ERROR_COMPILE);
  static const uint8_t garbage[] = {0x00, 0x61, 0x73, 0x6d, 0x09, 0x00, 0x00, 0x00};
  EXPECT_ERR(wasmpool_module_validate(engine, garbage, sizeof garbage), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_module_validate(engine, NULL, 0), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_module_validate(NULL, empty, sizeof empty), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_module_validate(engine, NULL, 8), WASMPOOL_ERROR_INVALID_ARGUMENT);
  /* Validation ignores the pool's per-module limits; compilation enforces them. */
  const char *two = "(module (memory 1) (memory 1))";
  OK(validate(engine, two));
  EXPECT_ERR(compile_wat_err(engine, two), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

int main(void) {
  validation();
  shared_memories();
  refused_together(wasmpool_config_wasm_relaxed_simd_set, wasmpool_config_wasm_simd_set,
                   "wasm_relaxed_simd", "wasm_simd");
  refused_together(wasmpool_config_wasm_gc_set, wasmpool_config_wasm_function_references_set, "wasm_gc",
                   "wasm_function_references");
  size_t n = sizeof PROPOSALS / sizeof PROPOSALS[0];
  CHECK(n == 11);
  for (size_t i = 0; i < n; i++) {
    prove(&PROPOSALS[i], WASMPOOL_STRATEGY_POOLING);
    prove(&PROPOSALS[i], WASMPOOL_STRATEGY_ON_DEMAND);
  }
  printf("%zu proposal switches proven\n", n);
  return 0;
}
