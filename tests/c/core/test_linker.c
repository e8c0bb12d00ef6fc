/* Host functions: a guest calls C, the callback reads the caller's memory,
 * returns values or a trap; finalizers run exactly once whatever the order
 * of deletes; link errors name the import; pre-linked instances are shared
 * by two threads. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <pthread.h>

static int finalized = 0;
static char last_string[64];

static void count_finalizer(void *env) {
  CHECK(env == &finalized);
  finalized++;
}

/* env.log(ptr, len): copies the guest's string. */
static wasmpool_error_t *host_log(void *env, wasmpool_caller_t *caller,
                                  const wasmpool_val_t *args, size_t nargs,
                                  wasmpool_val_t *results, size_t nresults) {
  (void)env;
  (void)results;
  CHECK(nargs == 2 && nresults == 0);
  CHECK(args[0].kind == WASMPOOL_VALKIND_I32 && args[1].kind == WASMPOOL_VALKIND_I32);
  uint8_t *data = NULL;
  size_t size = 0;
  wasmpool_error_t *err = wasmpool_caller_memory(caller, "memory", &data, &size);
  if (err) return err;
  size_t ptr = (size_t)(uint32_t)args[0].of.i32, len = (size_t)(uint32_t)args[1].of.i32;
  if (ptr + len > size || len >= sizeof last_string) return wasmpool_trap_new("string out of bounds");
  memcpy(last_string, data + ptr, len);
  last_string[len] = '\0';
  return NULL;
}

/* env.twice(x) -> 2x, or a trap when x < 0. */
static wasmpool_error_t *host_twice(void *env, wasmpool_caller_t *caller,
                                    const wasmpool_val_t *args, size_t nargs,
                                    wasmpool_val_t *results, size_t nresults) {
  (void)env;
  (void)caller;
  CHECK(nargs == 1 && nresults == 1 && results[0].kind == WASMPOOL_VALKIND_I64);
  if (args[0].of.i64 < 0) return wasmpool_trap_new_with_code(WASMPOOL_TRAP_UNREACHABLE, "negative");
  results[0].of.i64 = args[0].of.i64 * 2;
  return NULL;
}

/* env.wide(20 x i32) -> 18 x i64: each result twice its argument (more
 * values than fit in the inline buffers). */
static wasmpool_error_t *host_wide(void *env, wasmpool_caller_t *caller,
                                   const wasmpool_val_t *args, size_t nargs,
                                   wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)caller;
  CHECK(nargs == 20 && nresults == 18);
  for (size_t i = 0; i < nresults; i++) {
    CHECK(results[i].kind == WASMPOOL_VALKIND_I64 && args[i].kind == WASMPOOL_VALKIND_I32);
    results[i].of.i64 = 2 * (int64_t)args[i].of.i32;
  }
  return NULL;
}

/* env.reenter(): calls back into the caller's own store, which is refused. */
static wasmpool_instance_t *reenter_target;
static wasmpool_error_t *host_reenter(void *env, wasmpool_caller_t *caller,
                                      const wasmpool_val_t *args, size_t nargs,
                                      wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
  return wasmpool_instance_call(reenter_target, "noop", NULL, 0, NULL, 0);
}

static const char *GUEST =
    "(module"
    "  (import \"env\" \"log\" (func $log (param i32 i32)))"
    "  (import \"env\" \"twice\" (func $twice (param i64) (result i64)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 16) \"hello from wasm\")"
    "  (func (export \"run\") (call $log (i32.const 16) (i32.const 15)))"
    "  (func (export \"quad\") (param i64) (result i64) (call $twice (call $twice (local.get 0)))))";

static wasmpool_linker_t *make_linker(wasmpool_engine_t *engine) {
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  wasmpool_valkind_t log_params[2] = {WASMPOOL_VALKIND_I32, WASMPOOL_VALKIND_I32};
  OK(wasmpool_linker_define_func(linker, "env", "log", log_params, 2, NULL, 0, host_log,
                                 &finalized, count_finalizer));
  wasmpool_valkind_t i64 = WASMPOOL_VALKIND_I64;
  OK(wasmpool_linker_define_func(linker, "env", "twice", &i64, 1, &i64, 1, host_twice,
                                 &finalized, count_finalizer));
  return linker;
}

static wasmpool_instance_t *instance_in(wasmpool_instance_pre_t *pre, wasmpool_store_t *store) {
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instance_pre_instantiate(pre, store, &inst));
  return inst;
}

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_instance_pre_t *pre;
  int ok;
} worker_t;

static void *worker(void *arg) {
  worker_t *w = arg;
  for (int i = 0; i < 200; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(w->engine, &store));
    wasmpool_instance_t *inst = instance_in(w->pre, store);
    wasmpool_val_t x, r;
    x.kind = WASMPOOL_VALKIND_I64;
    x.of.i64 = i;
    OK(wasmpool_instance_call(inst, "quad", &x, 1, &r, 1));
    if (r.of.i64 == 4 * i) w->ok++;
    wasmpool_store_delete(store);
  }
  return NULL;
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(8);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(engine, GUEST);

  /* Order 1: linker deleted before pre, pre before store. */
  wasmpool_linker_t *linker = make_linker(engine);
  wasmpool_instance_pre_t *pre = NULL;
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  wasmpool_linker_delete(linker);
  CHECK(finalized == 0);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instance_in(pre, store);
  OK(wasmpool_instance_call(inst, "run", NULL, 0, NULL, 0));
  CHECK(strcmp(last_string, "hello from wasm") == 0);
  wasmpool_val_t x, r;
  x.kind = WASMPOOL_VALKIND_I64;
  x.of.i64 = 5;
  OK(wasmpool_instance_call(inst, "quad", &x, 1, &r, 1));
  CHECK(r.kind == WASMPOOL_VALKIND_I64 && r.of.i64 == 20);
  /* A host trap reaches the caller with its message and code. */
  x.of.i64 = -1;
  wasmpool_error_t *err = wasmpool_instance_call(inst, "quad", &x, 1, &r, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_UNREACHABLE);
  CHECK(strstr(wasmpool_error_message(err), "negative") != NULL);
  wasmpool_error_delete(err);
  x.of.i64 = 1;
  OK(wasmpool_instance_call(inst, "quad", &x, 1, &r, 1));
  CHECK(r.of.i64 == 4);
  wasmpool_instance_pre_delete(pre);
  CHECK(finalized == 0); /* the store still uses both functions */
  wasmpool_store_delete(store);
  CHECK(finalized == 2);

  /* Order 2: pre deleted before linker. */
  finalized = 0;
  linker = make_linker(engine);
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  wasmpool_instance_pre_delete(pre);
  CHECK(finalized == 0);
  wasmpool_linker_delete(linker);
  CHECK(finalized == 2);

  /* A failed define keeps nothing and finalizes nothing. */
  finalized = 0;
  linker = make_linker(engine);
  wasmpool_valkind_t i32 = WASMPOOL_VALKIND_I32;
  EXPECT_ERR(wasmpool_linker_define_func(linker, "env", "log", &i32, 1, NULL, 0, host_log,
                                         &finalized, count_finalizer),
             WASMPOOL_ERROR_LINK);
  wasmpool_valkind_t bad = (wasmpool_valkind_t)77;
  EXPECT_ERR(wasmpool_linker_define_func(linker, "env", "x", &bad, 1, NULL, 0, host_log,
                                         &finalized, count_finalizer),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_linker_define_func(linker, "env", "x", NULL, 0, NULL, 0, NULL, NULL, NULL),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(finalized == 0);

  /* Link errors name the import. */
  wasmpool_module_t *wrong = compile_wat(
      engine, "(module (import \"env\" \"twice\" (func (param i32) (result i32))))");
  err = wasmpool_linker_instantiate_pre(linker, wrong, &pre);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_LINK);
  CHECK(strstr(wasmpool_error_message(err), "twice") != NULL);
  wasmpool_error_delete(err);
  wasmpool_module_t *missing = compile_wat(engine, "(module (import \"env\" \"nope\" (func)) (func (export \"f\")))");
  err = wasmpool_linker_instantiate_pre(linker, missing, &pre);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_LINK);
  CHECK(strstr(wasmpool_error_message(err), "nope") != NULL);
  wasmpool_error_delete(err);
  /* ...unless unknown imports are defined as traps. */
  OK(wasmpool_linker_define_unknown_imports_as_traps(linker, missing));
  OK(wasmpool_linker_instantiate_pre(linker, missing, &pre));
  OK(wasmpool_store_new(engine, &store));
  inst = instance_in(pre, store);
  OK(wasmpool_instance_call(inst, "f", NULL, 0, NULL, 0));
  wasmpool_store_delete(store);
  wasmpool_instance_pre_delete(pre);
  wasmpool_module_delete(wrong);
  wasmpool_module_delete(missing);

  /* Many parameters and results. */
  {
    wasmpool_valkind_t p20[20], r18[18];
    for (int i = 0; i < 20; i++) p20[i] = WASMPOOL_VALKIND_I32;
    for (int i = 0; i < 18; i++) r18[i] = WASMPOOL_VALKIND_I64;
    OK(wasmpool_linker_define_func(linker, "env", "wide", p20, 20, r18, 18, host_wide, NULL, NULL));
    char wat[4096];
    size_t at = (size_t)snprintf(wat, sizeof wat, "(module (import \"env\" \"wide\" (func $w (param");
    for (int i = 0; i < 20; i++) at += (size_t)snprintf(wat + at, sizeof wat - at, " i32");
    at += (size_t)snprintf(wat + at, sizeof wat - at, ") (result");
    for (int i = 0; i < 18; i++) at += (size_t)snprintf(wat + at, sizeof wat - at, " i64");
    at += (size_t)snprintf(wat + at, sizeof wat - at, ")))\n (func (export \"sum\") (result i64) (call $w");
    for (int i = 0; i < 20; i++) at += (size_t)snprintf(wat + at, sizeof wat - at, " (i32.const %d)", i + 1);
    at += (size_t)snprintf(wat + at, sizeof wat - at, ")");
    for (int i = 0; i < 17; i++) at += (size_t)snprintf(wat + at, sizeof wat - at, " i64.add");
    snprintf(wat + at, sizeof wat - at, "))");
    wasmpool_module_t *wide = compile_wat(engine, wat);
    OK(wasmpool_linker_instantiate_pre(linker, wide, &pre));
    OK(wasmpool_store_new(engine, &store));
    inst = instance_in(pre, store);
    wasmpool_val_t sum;
    OK(wasmpool_instance_call(inst, "sum", NULL, 0, &sum, 1));
    CHECK(sum.of.i64 == 2 * (18 * 19 / 2));
    wasmpool_store_delete(store);
    wasmpool_instance_pre_delete(pre);
    wasmpool_module_delete(wide);
  }

  /* A host function cannot call back into its own store: a clean error. */
  OK(wasmpool_linker_define_func(linker, "env", "reenter", NULL, 0, NULL, 0, host_reenter, NULL,
                                 NULL));
  wasmpool_module_t *reentrant = compile_wat(
      engine, "(module (import \"env\" \"reenter\" (func $r)) (func (export \"noop\"))"
              "  (func (export \"go\") (call $r)))");
  OK(wasmpool_linker_instantiate_pre(linker, reentrant, &pre));
  OK(wasmpool_store_new(engine, &store));
  reenter_target = instance_in(pre, store);
  err = wasmpool_instance_call(reenter_target, "go", NULL, 0, NULL, 0);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "re-entering") != NULL);
  wasmpool_error_delete(err);
  OK(wasmpool_instance_call(reenter_target, "noop", NULL, 0, NULL, 0)); /* still usable */
  wasmpool_store_delete(store);
  wasmpool_instance_pre_delete(pre);
  wasmpool_module_delete(reentrant);

  /* One pre shared by two threads. */
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  worker_t w[2] = {{engine, pre, 0}, {engine, pre, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
  for (int i = 0; i < 2; i++) CHECK(pthread_join(t[i], NULL) == 0);
  CHECK(w[0].ok == 200 && w[1].ok == 200);
  CHECK(metrics_of(engine).core_instances == 0);
  wasmpool_instance_pre_delete(pre);
  wasmpool_linker_delete(linker);
  CHECK(finalized == 2);

  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  printf("test_linker: host calls, host traps, finalizers once in both orders, link errors, "
         "a pre shared by 2 threads\n");
  return 0;
}
