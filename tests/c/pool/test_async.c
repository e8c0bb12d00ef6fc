/* Async engines (`async_support`): every instantiation and call runs on a fiber stack from the
 * pool, and the C API stays synchronous. With total_stacks = 2, two calls that are inside the
 * guest at once (each blocked in a host function) hold both stacks: a third call on another
 * thread fails with POOL_EXHAUSTED at once, or, with a slot wait timeout, waits until one of
 * the two returns and then runs. Live stacks show in the metrics; fuel and epoch deadlines keep
 * working on fiber stacks. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* The guest calls the host's `block` (which holds the thread until released), then returns 7;
 * `spin` loops forever (for fuel and deadlines); `add` is a plain call. */
static const char WAT[] =
    "(module (import \"env\" \"block\" (func $block))"
    "  (func (export \"wait\") (result i32) call $block i32.const 7)"
    "  (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)"
    "  (func (export \"spin\") (loop br 0)))";

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int inside;    /* calls currently blocked in the host function */
static bool released; /* lets them return */

static wasmpool_error_t *host_block(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                    size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
  pthread_mutex_lock(&lock);
  inside++;
  pthread_cond_broadcast(&changed);
  while (!released) pthread_cond_wait(&changed, &lock);
  inside--;
  pthread_mutex_unlock(&lock);
  return NULL;
}

typedef struct worker {
  wasmpool_engine_t *engine;
  wasmpool_instance_pre_t *pre;
  const char *func;
  int32_t result;
  wasmpool_error_kind_t kind; /* 0: success */
  double ms;
} worker_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One request: a store, an instance from the pre, one call, the store deleted. */
static void *request(void *arg) {
  worker_t *w = arg;
  double start = now_ms();
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(w->engine, &store));
  wasmpool_instance_t *inst = NULL;
  wasmpool_error_t *err = wasmpool_instance_pre_instantiate(w->pre, store, &inst);
  if (err == NULL) {
    wasmpool_val_t out;
    err = wasmpool_instance_call(inst, w->func, NULL, 0, &out, 1);
    if (err == NULL) w->result = out.of.i32;
  }
  w->kind = err == NULL ? 0 : wasmpool_error_kind(err);
  if (err != NULL && w->kind != WASMPOOL_ERROR_POOL_EXHAUSTED) {
    fprintf(stderr, "request %s: %s\n", w->func, wasmpool_error_message(err));
  }
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  w->ms = now_ms() - start;
  return NULL;
}

static void wait_inside(int n) {
  pthread_mutex_lock(&lock);
  while (inside < n) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
}

static void release_all(bool on) {
  pthread_mutex_lock(&lock);
  released = on;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

static uint64_t live_stacks(const wasmpool_engine_t *engine) {
  wasmpool_metrics_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  OK(wasmpool_engine_metrics(engine, &m));
  return m.stacks;
}

/* Two requests hold both stacks; a third runs on this thread while they do. */
static void third_request(uint64_t wait_ms) {
  wasmpool_config_t *cfg = small_pool(8);
  OK(wasmpool_config_total_stacks_set(cfg, 2));
  OK(wasmpool_config_async_support_set(cfg, true));
  OK(wasmpool_config_slot_wait_timeout_ms_set(cfg, wait_ms));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  OK(wasmpool_linker_define_func(linker, "env", "block", NULL, 0, NULL, 0, host_block, NULL, NULL));
  wasmpool_module_t *module = compile_wat(engine, WAT);
  wasmpool_instance_pre_t *pre = NULL;
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));

  release_all(false);
  worker_t w[3];
  pthread_t t[3];
  for (int i = 0; i < 2; i++) {
    w[i] = (worker_t){.engine = engine, .pre = pre, .func = "wait"};
    CHECK(pthread_create(&t[i], NULL, request, &w[i]) == 0);
  }
  wait_inside(2);
  CHECK(live_stacks(engine) == 2);

  w[2] = (worker_t){.engine = engine, .pre = pre, .func = "wait"};
  if (wait_ms == 0) {
    /* No wait: the third request finds no stack (for its instantiation) at once. */
    request(&w[2]);
    CHECK(w[2].kind == WASMPOOL_ERROR_POOL_EXHAUSTED);
    release_all(true);
  } else {
    /* It waits in line; releasing the two lets it run. */
    CHECK(pthread_create(&t[2], NULL, request, &w[2]) == 0);
    usleep(100 * 1000);
    CHECK(w[2].ms == 0.0); /* still waiting */
    release_all(true);
    CHECK(pthread_join(t[2], NULL) == 0);
    CHECK(w[2].kind == 0 && w[2].result == 7);
    CHECK(w[2].ms >= 90.0);
    printf("async: the third request waited %.0f ms for a stack\n", w[2].ms);
  }
  for (int i = 0; i < 2; i++) {
    CHECK(pthread_join(t[i], NULL) == 0);
    CHECK(w[i].kind == 0 && w[i].result == 7);
  }
  CHECK(live_stacks(engine) == 0);

  wasmpool_instance_pre_delete(pre);
  wasmpool_module_delete(module);
  wasmpool_linker_delete(linker);
  wasmpool_engine_delete(engine);
}

/* Plain calls, fuel and deadlines on fiber stacks. */
static void calls_fuel_deadlines(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_async_support_set(cfg, true));
  OK(wasmpool_config_consume_fuel_set(cfg, true));
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  OK(wasmpool_config_epoch_tick_interval_ms_set(cfg, 5));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(engine, "(module (func (export \"add\") (param i32 i32) (result i32)"
                                                  " local.get 0 local.get 1 i32.add) (func (export \"spin\") (loop br 0)))");
  for (int i = 0; i < 100; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_store_fuel_set(store, 1000000));
    wasmpool_instance_t *inst = NULL;
    OK(wasmpool_instantiate(store, module, &inst));
    wasmpool_val_t args[2] = {{.kind = WASMPOOL_VALKIND_I32, .of.i32 = i}, {.kind = WASMPOOL_VALKIND_I32, .of.i32 = 2}};
    wasmpool_val_t out;
    OK(wasmpool_instance_call(inst, "add", args, 2, &out, 1));
    CHECK(out.kind == WASMPOOL_VALKIND_I32 && out.of.i32 == i + 2);
    wasmpool_store_delete(store);
  }
  CHECK(live_stacks(engine) == 0);

  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_store_fuel_set(store, 10000));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_error_t *err = wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_OUT_OF_FUEL);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);

  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_store_fuel_set(store, UINT64_MAX / 2));
  OK(wasmpool_instantiate(store, module, &inst));
  OK(wasmpool_store_deadline_ms_set(store, 30));
  double start = now_ms();
  err = wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0);
  double took = now_ms() - start;
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INTERRUPTED);
  wasmpool_error_delete(err);
  CHECK(took >= 25.0 && took < 5000.0);
  wasmpool_store_delete(store);
  CHECK(live_stacks(engine) == 0);

  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

/* Components run on fiber stacks too: instantiation through a pre and calls. */
static void components(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_total_stacks_set(cfg, 1));
  OK(wasmpool_config_async_support_set(cfg, true));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  static const char COMPONENT[] =
      "(component (core module $m (func (export \"f\") (param i32) (result i32)"
      "    local.get 0 i32.const 1 i32.add))"
      "  (core instance $i (instantiate $m))"
      "  (func (export \"inc\") (param \"x\" u32) (result u32) (canon lift (core func $i \"f\"))))";
  wasmpool_component_t *component = NULL;
  OK(wasmpool_component_new(engine, (const uint8_t *)COMPONENT, strlen(COMPONENT), &component));
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, component, &pre));
  for (uint32_t i = 0; i < 50; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_component_instance_t *inst = NULL;
    OK(wasmpool_component_pre_instantiate(pre, store, &inst));
    wasmpool_component_val_t arg = {.kind = WASMPOOL_COMPONENT_VALKIND_U32, .of.u32 = i}, out;
    OK(wasmpool_component_instance_call(inst, "inc", &arg, 1, &out, 1));
    CHECK(out.kind == WASMPOOL_COMPONENT_VALKIND_U32 && out.of.u32 == i + 1);
    /* The store keeps the stack of its first call for the next ones until it is deleted: a
     * pool of 1 stack serves one live store at a time. */
    CHECK(live_stacks(engine) == 1);
    OK(wasmpool_component_instance_call(inst, "inc", &out, 1, &out, 1));
    CHECK(out.of.u32 == i + 2 && live_stacks(engine) == 1);
    wasmpool_store_delete(store);
    CHECK(live_stacks(engine) == 0);
  }
  wasmpool_component_pre_delete(pre);
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
}

/* The stack size is checked against max_wasm_stack when the engine is built. */
static void stack_size_checked(void) {
  wasmpool_config_t *cfg = small_pool(2);
  OK(wasmpool_config_async_support_set(cfg, true));
  OK(wasmpool_config_async_stack_size_set(cfg, 64 << 10));
  OK(wasmpool_config_max_wasm_stack_set(cfg, 128 << 10));
  wasmpool_engine_t *engine = NULL;
  wasmpool_error_t *err = wasmpool_engine_new(cfg, &engine);
  CHECK(err != NULL && engine == NULL);
  printf("async: %s\n", wasmpool_error_message(err));
  wasmpool_error_delete(err);
  wasmpool_config_delete(cfg);
}

int main(void) {
  CHECK(!wasmpool_config_async_support_get(NULL));
  CHECK(wasmpool_config_async_stack_size_get(NULL) == 2u << 20);
  third_request(0);
  third_request(2000);
  calls_fuel_deadlines();
  components();
  stack_size_checked();
  printf("async: ok\n");
  return 0;
}
