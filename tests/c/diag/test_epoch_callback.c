/* The epoch deadline callback (wasmpool_store_epoch_deadline_callback): Spin-style time
 * slicing — a looping guest whose callback extends the deadline three times, then interrupts
 * it (INTERRUPTED, exactly three extensions) — on a plain and on an async engine (where the
 * callback may also yield); the store's data reaches the callback; the finalizer runs exactly
 * once (on store deletion, on replacement, on removal) and never when the call fails; errors
 * returned by the callback end the call with their kind and message; bad actions trap. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "check.h"

static const char SPIN[] =
    "(module (func (export \"spin\") (loop br 0))"
    "  (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))";

typedef struct {
  int calls;        /* times the callback ran */
  int extensions;   /* times it let the guest go on */
  int finalized;    /* times the finalizer ran */
  int slices;       /* extensions before it stops the guest */
  uint64_t ticks;   /* ticks per extension */
  wasmpool_epoch_action_t go_on; /* CONTINUE or YIELD */
  wasmpool_epoch_action_t stop;  /* what it does after `slices` extensions */
  wasmpool_error_t *(*stop_error)(void); /* or an error to return instead */
  void *seen_data;  /* the store data it was given */
} slicer_t;

static wasmpool_error_t *slicer(void *env, void *store_data, uint64_t *delta,
                                wasmpool_epoch_action_t *action) {
  slicer_t *s = env;
  CHECK(*delta == 1 && *action == WASMPOOL_EPOCH_ACTION_CONTINUE); /* the documented defaults */
  s->calls++;
  s->seen_data = store_data;
  if (s->extensions < s->slices) {
    s->extensions++;
    *delta = s->ticks;
    *action = s->go_on;
    return NULL;
  }
  if (s->stop_error) return s->stop_error();
  *action = s->stop;
  return NULL;
}

static void finalize(void *env) { ((slicer_t *)env)->finalized++; }

static slicer_t slicer_of(int slices, wasmpool_epoch_action_t go_on) {
  slicer_t s;
  memset(&s, 0, sizeof s);
  s.slices = slices;
  s.ticks = 2;
  s.go_on = go_on;
  s.stop = WASMPOOL_EPOCH_ACTION_INTERRUPT;
  return s;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An engine with epochs and a 1 ms ticker (async or not). */
static wasmpool_engine_t *epoch_engine(bool async) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  OK(wasmpool_config_epoch_tick_interval_ms_set(cfg, 1));
  OK(wasmpool_config_async_support_set(cfg, async));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  return engine;
}

static wasmpool_instance_t *instance_in(wasmpool_store_t *store, const wasmpool_module_t *module) {
  wasmpool_instance_t *inst;
  OK(wasmpool_instantiate(store, module, &inst));
  return inst;
}

/* Three slices of 2 ticks, then INTERRUPTED; the store's data reaches the callback; the
 * finalizer runs once, when the store is deleted. */
static void time_slicing(bool async, wasmpool_epoch_action_t go_on) {
  wasmpool_engine_t *engine = epoch_engine(async);
  wasmpool_module_t *module = compile_wat(engine, SPIN);
  int marker = 0;
  wasmpool_store_t *store;
  OK(wasmpool_store_new_with_data(engine, &marker, NULL, &store));
  wasmpool_instance_t *inst = instance_in(store, module);
  slicer_t s = slicer_of(3, go_on);
  OK(wasmpool_store_epoch_deadline_callback(store, slicer, &s, finalize));
  OK(wasmpool_store_epoch_deadline_set(store, 2));
  double t0 = now_s();
  wasmpool_error_t *err = wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0);
  double elapsed = now_s() - t0;
  CHECK(err != NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_INTERRUPTED);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_INTERRUPT);
  wasmpool_error_delete(err);
  printf("%s engine, %s: %d extensions, %d callbacks, interrupted after %.1f ms (4 deadlines of 2 "
         "ticks of 1 ms)\n",
         async ? "async" : "plain", go_on == WASMPOOL_EPOCH_ACTION_YIELD ? "yield" : "continue",
         s.extensions, s.calls, elapsed * 1e3);
  CHECK(s.extensions == 3);
  CHECK(s.calls == 4);
  CHECK(s.seen_data == &marker);
  CHECK(elapsed >= 0.006 && elapsed < 5.0); /* at least 3 x 2 ticks after the first deadline */
  /* The store stays usable: a call that ends before the deadline does not call back. */
  OK(wasmpool_store_epoch_deadline_set(store, 1000000));
  wasmpool_val_t args[2] = {val_i32(40), val_i32(2)}, r;
  OK(wasmpool_instance_call(inst, "add", args, 2, &r, 1));
  CHECK(r.of.i32 == 42 && s.calls == 4);
  CHECK(s.finalized == 0);
  wasmpool_store_delete(store);
  CHECK(s.finalized == 1);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

static wasmpool_error_t *host_trap(void) { return wasmpool_trap_new("time slice budget exhausted"); }
static wasmpool_error_t *interrupt_trap(void) {
  return wasmpool_trap_new_with_code(WASMPOOL_TRAP_INTERRUPT, "over budget");
}

/* Runs `spin` with callback `s` and a passed deadline; returns the call's error. */
static wasmpool_error_t *spin_with(wasmpool_engine_t *engine, const wasmpool_module_t *module,
                                   slicer_t *s) {
  wasmpool_store_t *store;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instance_in(store, module);
  OK(wasmpool_store_epoch_deadline_callback(store, slicer, s, finalize));
  OK(wasmpool_store_epoch_deadline_set(store, 1));
  wasmpool_error_t *err = wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0);
  CHECK(err != NULL);
  wasmpool_store_delete(store);
  CHECK(s->finalized == 1);
  return err;
}

static void errors_and_actions(void) {
  wasmpool_engine_t *engine = epoch_engine(false);
  wasmpool_module_t *module = compile_wat(engine, SPIN);
  wasmpool_trap_code_t code;

  /* An error from the callback ends the call with its kind, code and message. */
  slicer_t s = slicer_of(1, WASMPOOL_EPOCH_ACTION_CONTINUE);
  s.stop_error = host_trap;
  wasmpool_error_t *err = spin_with(engine, module, &s);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_HOST);
  CHECK(strstr(wasmpool_error_message(err), "time slice budget exhausted") != NULL);
  CHECK(wasmpool_error_trace_count(err) == 1); /* the guest frame it stopped in */
  wasmpool_error_delete(err);
  CHECK(s.extensions == 1 && s.calls == 2);

  s = slicer_of(0, WASMPOOL_EPOCH_ACTION_CONTINUE);
  s.stop_error = interrupt_trap;
  err = spin_with(engine, module, &s);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_INTERRUPTED);
  CHECK(strstr(wasmpool_error_message(err), "over budget") != NULL);
  wasmpool_error_delete(err);

  /* YIELD needs an async engine: on a plain one the guest traps, saying so. */
  s = slicer_of(1, WASMPOOL_EPOCH_ACTION_YIELD);
  err = spin_with(engine, module, &s);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "async_support") != NULL);
  CHECK(s.calls == 1);
  wasmpool_error_delete(err);

  /* An action outside the enum traps, naming it. */
  s = slicer_of(0, WASMPOOL_EPOCH_ACTION_CONTINUE);
  s.stop = (wasmpool_epoch_action_t)77;
  err = spin_with(engine, module, &s);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_HOST);
  CHECK(strstr(wasmpool_error_message(err), "77") != NULL);
  printf("bad action: %s\n", wasmpool_error_message(err));
  wasmpool_error_delete(err);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

/* Replacing and removing the callback finalize the old one at once; a failed call leaves
 * env to the caller. */
static void ownership(void) {
  wasmpool_engine_t *engine = epoch_engine(false);
  wasmpool_module_t *module = compile_wat(engine, SPIN);
  wasmpool_store_t *store;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instance_in(store, module);
  slicer_t first = slicer_of(0, WASMPOOL_EPOCH_ACTION_CONTINUE);
  slicer_t second = slicer_of(0, WASMPOOL_EPOCH_ACTION_CONTINUE);
  OK(wasmpool_store_epoch_deadline_callback(store, slicer, &first, finalize));
  OK(wasmpool_store_epoch_deadline_callback(store, slicer, &second, finalize));
  CHECK(first.finalized == 1 && second.finalized == 0);
  OK(wasmpool_store_epoch_deadline_set(store, 1));
  EXPECT_ERR(wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0), WASMPOOL_ERROR_INTERRUPTED);
  CHECK(first.calls == 0 && second.calls == 1);
  /* NULL removes it: the next passed deadline interrupts without asking. */
  OK(wasmpool_store_epoch_deadline_callback(store, NULL, NULL, NULL));
  CHECK(second.finalized == 1);
  OK(wasmpool_store_epoch_deadline_set(store, 1));
  EXPECT_ERR(wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0), WASMPOOL_ERROR_INTERRUPTED);
  CHECK(second.calls == 1);
  /* A callback without finalizer, or env, is fine. */
  OK(wasmpool_store_epoch_deadline_callback(store, slicer, &first, NULL));
  wasmpool_store_delete(store);
  CHECK(first.finalized == 1 && second.finalized == 1);

  /* Failures leave env to the caller: NULL store, an engine without epochs. */
  slicer_t kept = slicer_of(0, WASMPOOL_EPOCH_ACTION_CONTINUE);
  EXPECT_ERR(wasmpool_store_epoch_deadline_callback(NULL, slicer, &kept, finalize),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_config_t *cfg = small_pool(2);
  wasmpool_engine_t *plain = engine_from(cfg);
  wasmpool_config_delete(cfg);
  OK(wasmpool_store_new(plain, &store));
  wasmpool_error_t *err = wasmpool_store_epoch_deadline_callback(store, slicer, &kept, finalize);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "epoch") != NULL);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  CHECK(kept.finalized == 0);
  wasmpool_engine_delete(plain);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
}

int main(void) {
  time_slicing(false, WASMPOOL_EPOCH_ACTION_CONTINUE);
  time_slicing(true, WASMPOOL_EPOCH_ACTION_CONTINUE);
  time_slicing(true, WASMPOOL_EPOCH_ACTION_YIELD);
  errors_and_actions();
  ownership();
  printf("epoch callbacks ok\n");
  return 0;
}
