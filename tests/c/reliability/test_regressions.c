/* Bugs the fuzzer found, each kept from coming back:
 *  1. huge pool counts made Wasmtime abort the process on its per-slot
 *     bookkeeping; they are refused now, by the setters and by
 *     wasmpool_config_apply_env;
 *  2. an unbounded max_memories_per_module made every module deletion take
 *     tens of seconds;
 *  3. define_unknown_imports_as_traps with a module of another engine
 *     panicked inside Wasmtime;
 *  4. calling an import defined as a trap returned OTHER instead of TRAP. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char IMPORTS[] =
    "(module (import \"host\" \"f\" (func (param i32) (result i32)))"
    "  (func (export \"run\") (result i32) (call 0 (i32.const 1))))";

int main(void) {
  /* 1. */
  wasmpool_config_t *cfg = small_pool(2);
  EXPECT_ERR(wasmpool_config_total_gc_heaps_set(cfg, UINT32_MAX), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_config_total_memories_set(cfg, (1u << 24) + 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_config_total_memories_set(cfg, 1u << 24)); /* the largest accepted */
  OK(wasmpool_config_total_memories_set(cfg, 2));
  CHECK(setenv("REG_TOTAL_GC_HEAPS", "4294967295", 1) == 0);
  wasmpool_error_t *err = wasmpool_config_apply_env(cfg, "REG_", NULL);
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "REG_TOTAL_GC_HEAPS") != NULL);
  wasmpool_error_delete(err);
  CHECK(wasmpool_config_total_gc_heaps_get(cfg) == 2);
  printf("1. pool counts above 2^24 refused by setters and env overrides\n");

  /* 2. */
  OK(wasmpool_config_max_memories_per_module_set(cfg, UINT32_MAX));
  CHECK(wasmpool_config_max_memories_per_module_get(cfg) == UINT32_MAX);
  wasmpool_engine_t *engine = engine_from(cfg);
  double t0 = now_s();
  for (int i = 0; i < 3; i++) {
    wasmpool_module_t *m = compile_wat(engine, "(module (memory 1))");
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_instantiate(store, m, &inst));
    wasmpool_store_delete(store);
    wasmpool_module_delete(m); /* purges the module's warm slots */
  }
  double took = now_s() - t0;
  printf("2. three module deletions with max_memories_per_module = UINT32_MAX: %.3f s\n", took);
  CHECK(took < 5.0);

  /* 3. */
  wasmpool_engine_t *other = engine_from(cfg);
  wasmpool_module_t *foreign = compile_wat(other, IMPORTS);
  wasmpool_linker_t *linker;
  OK(wasmpool_linker_new(engine, &linker));
  EXPECT_ERR(wasmpool_linker_define_unknown_imports_as_traps(linker, foreign),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  printf("3. define_unknown_imports_as_traps with another engine's module: INVALID_ARGUMENT\n");

  /* 4. */
  wasmpool_module_t *module = compile_wat(engine, IMPORTS);
  OK(wasmpool_linker_define_unknown_imports_as_traps(linker, module));
  wasmpool_instance_pre_t *pre;
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instance_pre_instantiate(pre, store, &inst));
  wasmpool_val_t r;
  err = wasmpool_instance_call(inst, "run", NULL, 0, &r, 1);
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_UNKNOWN_IMPORT);
  wasmpool_error_delete(err);
  printf("4. calling an import defined as a trap: TRAP, code UNKNOWN_IMPORT\n");

  wasmpool_store_delete(store);
  wasmpool_instance_pre_delete(pre);
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(module);
  wasmpool_module_delete(foreign);
  wasmpool_engine_delete(other);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  return 0;
}
