/* Uncaught WebAssembly exceptions (exception-handling proposal) as errors of kind
 * WASMPOOL_ERROR_EXCEPTION: payloads of each number type read back with
 * wasmpool_error_exception_payload, the tag identified with wasmpool_error_exception_tag_is,
 * the backtrace kept; an exception caught inside the guest is no error; one thrown by a nested
 * call from a host function crosses the host function when it returns the error (and can be
 * caught there by the outer guest), or is dropped when it returns something else; a host
 * function throws one of its own with wasmpool_caller_throw; the
 * accessors' bad input (NULL, wrong kind, index past the end, a reference payload, an unknown
 * tag) is INVALID_ARGUMENT or LINK. Under pooling and on-demand; and from a component. A GC
 * heap without room for the exception object is LIMIT_EXCEEDED. */
#include <math.h>
#include <stdint.h>

#include "check.h"

static const char EXN[] =
    "(module $exn"
    "  (import \"env\" \"reenter\" (func $reenter (param i32) (result i32)))"
    "  (import \"env\" \"host_throw\" (func $host_throw (param i32)))"
    "  (tag $e32 (export \"e32\") (param i32))"
    "  (tag $e64 (export \"e64\") (param i64))"
    "  (tag $ef32 (export \"ef32\") (param f32))"
    "  (tag $ef64 (export \"ef64\") (param f64))"
    "  (tag $pair (export \"pair\") (param i32 f64))"
    "  (tag $other (export \"other\") (param i32))"
    "  (tag $fref (export \"fref\") (param funcref))"
    "  (func $throw_i32 (export \"throw_i32\") (param i32) local.get 0 throw $e32)"
    "  (func (export \"throw_i64\") (param i64) local.get 0 throw $e64)"
    "  (func (export \"throw_f32\") (param f32) local.get 0 throw $ef32)"
    "  (func (export \"throw_f64\") (param f64) local.get 0 throw $ef64)"
    "  (func $deeper (param i32 f64) local.get 0 local.get 1 throw $pair)"
    "  (func (export \"throw_pair\") (param i32 f64) local.get 0 local.get 1 call $deeper)"
    "  (func (export \"throw_ref\") ref.null func throw $fref)"
    /* Caught in the guest: the payload plus one. */
    "  (func (export \"catch_i32\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e32 $h) local.get 0 call $throw_i32)"
    "      i32.const -1 return)"
    "    i32.const 1 i32.add)"
    /* Through the host function `reenter`, which calls `throw_i32` back. */
    "  (func (export \"via_host\") (param i32) (result i32) local.get 0 call $reenter)"
    /* The host function throws (wasmpool_caller_throw): uncaught, and caught (payload + 2000). */
    "  (func (export \"host_throws\") (param i32) local.get 0 call $host_throw)"
    "  (func (export \"host_throws_caught\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e32 $h) local.get 0 call $host_throw)"
    "      i32.const -1 return)"
    "    i32.const 2000 i32.add)"
    /* The same, caught by the guest on the far side of the host function: payload + 1000. */
    "  (func (export \"via_host_caught\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (result i32) (catch $e32 $h) local.get 0 call $reenter)"
    "      return)"
    "    i32.const 1000 i32.add))";

/* What `reenter` does with the EXCEPTION error of its nested call. */
typedef enum { RETURN_IT, SWALLOW, OWN_TRAP } reenter_mode_t;

typedef struct {
  reenter_mode_t mode;
  int calls;
  int saw_payload; /* the payload the host read from the nested error */
} reenter_env_t;

static wasmpool_error_t *reenter(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                 size_t nargs, wasmpool_val_t *results, size_t nresults) {
  reenter_env_t *e = env;
  CHECK(nargs == 1 && nresults == 1);
  e->calls++;
  wasmpool_error_t *err = wasmpool_caller_call(caller, "throw_i32", args, 1, NULL, 0);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_EXCEPTION);
  wasmpool_val_t v;
  OK(wasmpool_error_exception_payload(err, 0, &v));
  CHECK(v.kind == WASMPOOL_VALKIND_I32);
  e->saw_payload = v.of.i32;
  switch (e->mode) {
    case RETURN_IT:
      return err; /* rethrows the same exception into the guest */
    case SWALLOW:
      wasmpool_error_delete(err);
      results[0].of.i32 = -7;
      return NULL;
    case OWN_TRAP:
      wasmpool_error_delete(err);
      return wasmpool_trap_new("the host replaced the exception");
  }
  return NULL;
}

/* Throws $e32 with its argument, after the bad calls of wasmpool_caller_throw. */
static wasmpool_error_t *host_throw(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                    size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)results, (void)nresults;
  CHECK(nargs == 1);
  wasmpool_error_t *bad = wasmpool_caller_throw(caller, "nope", args, 1);
  CHECK(bad != NULL && wasmpool_error_kind(bad) == WASMPOOL_ERROR_LINK);
  wasmpool_error_delete(bad);
  bad = wasmpool_caller_throw(caller, "pair", args, 1); /* takes two values */
  CHECK(bad != NULL && wasmpool_error_kind(bad) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(bad), "2 payload value(s); 1 given") != NULL);
  wasmpool_error_delete(bad);
  bad = wasmpool_caller_throw(caller, "e64", args, 1); /* an i32 for an i64 */
  CHECK(bad != NULL && wasmpool_error_kind(bad) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_error_delete(bad);
  EXPECT_ERR(wasmpool_caller_throw(NULL, "e32", args, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_caller_throw(caller, NULL, args, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_caller_throw(caller, "e32", NULL, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_error_t *exn = wasmpool_caller_throw(caller, "e32", args, 1);
  CHECK(exn != NULL && wasmpool_error_kind(exn) == WASMPOOL_ERROR_EXCEPTION);
  CHECK(wasmpool_error_exception_payload_count(exn) == 1);
  return exn; /* thrown into the guest */
}

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_module_t *module;
  wasmpool_linker_t *linker;
  wasmpool_instance_pre_t *pre;
  reenter_env_t env;
} fixture_t;

static void setup(fixture_t *fx, wasmpool_config_t *cfg) {
  static const wasmpool_valkind_t I32[] = {WASMPOOL_VALKIND_I32};
  memset(fx, 0, sizeof *fx);
  fx->engine = engine_from(cfg);
  fx->module = compile_wat(fx->engine, EXN);
  OK(wasmpool_linker_new(fx->engine, &fx->linker));
  OK(wasmpool_linker_define_func(fx->linker, "env", "reenter", I32, 1, I32, 1, reenter, &fx->env, NULL));
  OK(wasmpool_linker_define_func(fx->linker, "env", "host_throw", I32, 1, NULL, 0, host_throw, NULL, NULL));
  OK(wasmpool_linker_instantiate_pre(fx->linker, fx->module, &fx->pre));
}

static void teardown(fixture_t *fx) {
  wasmpool_instance_pre_delete(fx->pre);
  wasmpool_linker_delete(fx->linker);
  wasmpool_module_delete(fx->module);
  wasmpool_engine_delete(fx->engine);
}

/* Calls `name` with `args` and returns its error, which must be an EXCEPTION. */
static wasmpool_error_t *throws(wasmpool_instance_t *inst, const char *name, const wasmpool_val_t *args,
                                size_t nargs) {
  wasmpool_error_t *err = wasmpool_instance_call(inst, name, args, nargs, NULL, 0);
  CHECK(err != NULL);
  if (wasmpool_error_kind(err) != WASMPOOL_ERROR_EXCEPTION) {
    fprintf(stderr, "%s: kind %d: %s\n", name, (int)wasmpool_error_kind(err), wasmpool_error_message(err));
    exit(1);
  }
  wasmpool_trap_code_t code;
  CHECK(!wasmpool_error_trap_code(err, &code)); /* not a trap */
  return err;
}

static wasmpool_val_t payload(const wasmpool_error_t *err, size_t i) {
  wasmpool_val_t v;
  memset(&v, 0xAB, sizeof v);
  OK(wasmpool_error_exception_payload(err, i, &v));
  return v;
}

static bool tag_is(const wasmpool_error_t *err, const wasmpool_instance_t *inst, const char *tag) {
  bool out = false;
  OK(wasmpool_error_exception_tag_is(err, inst, tag, &out));
  return out;
}

/* Each number type's payload, the tag among the others, the backtrace where it was thrown. */
static void payloads(fixture_t *fx, wasmpool_store_t *store, wasmpool_instance_t *inst) {
  wasmpool_val_t arg = val_i32(-42);
  wasmpool_error_t *err = throws(inst, "throw_i32", &arg, 1);
  printf("i32: %s\n", wasmpool_error_message(err));
  CHECK(strstr(wasmpool_error_message(err), "i32 -42") != NULL);
  CHECK(wasmpool_error_exception_payload_count(err) == 1);
  wasmpool_val_t v = payload(err, 0);
  CHECK(v.kind == WASMPOOL_VALKIND_I32 && v.of.i32 == -42);
  CHECK(tag_is(err, inst, "e32"));
  CHECK(!tag_is(err, inst, "other")); /* same type, another tag */
  CHECK(!tag_is(err, inst, "e64"));
  CHECK(wasmpool_error_trace_count(err) == 1);
  wasmpool_trace_frame_t f;
  OK(wasmpool_error_trace_frame(err, 0, &f));
  CHECK(f.func_index == 2 && f.func_name_len == strlen("throw_i32"));
  CHECK(memcmp(f.func_name, "throw_i32", f.func_name_len) == 0);
  wasmpool_error_delete(err);

  arg.kind = WASMPOOL_VALKIND_I64;
  arg.of.i64 = INT64_MIN + 5;
  err = throws(inst, "throw_i64", &arg, 1);
  v = payload(err, 0);
  CHECK(v.kind == WASMPOOL_VALKIND_I64 && v.of.i64 == INT64_MIN + 5);
  CHECK(tag_is(err, inst, "e64") && !tag_is(err, inst, "e32"));
  wasmpool_error_delete(err);

  arg.kind = WASMPOOL_VALKIND_F32;
  arg.of.f32 = -1.5f;
  err = throws(inst, "throw_f32", &arg, 1);
  v = payload(err, 0);
  CHECK(v.kind == WASMPOOL_VALKIND_F32 && v.of.f32 == -1.5f);
  CHECK(tag_is(err, inst, "ef32"));
  wasmpool_error_delete(err);

  arg.kind = WASMPOOL_VALKIND_F64;
  arg.of.f64 = NAN;
  err = throws(inst, "throw_f64", &arg, 1);
  v = payload(err, 0);
  CHECK(v.kind == WASMPOOL_VALKIND_F64 && isnan(v.of.f64));
  CHECK(tag_is(err, inst, "ef64"));
  wasmpool_error_delete(err);

  /* Two values, thrown two frames deep: both frames are in the trace. */
  wasmpool_val_t two[2] = {val_i32(7), val_i32(0)};
  two[1].kind = WASMPOOL_VALKIND_F64;
  two[1].of.f64 = 2.25;
  err = throws(inst, "throw_pair", two, 2);
  CHECK(wasmpool_error_exception_payload_count(err) == 2);
  CHECK(payload(err, 0).of.i32 == 7 && payload(err, 1).kind == WASMPOOL_VALKIND_F64);
  CHECK(payload(err, 1).of.f64 == 2.25);
  CHECK(tag_is(err, inst, "pair"));
  CHECK(wasmpool_error_trace_count(err) == 2);

  /* Bad input: *out untouched, a message naming what is wrong. */
  wasmpool_val_t untouched;
  memset(&untouched, 0x5A, sizeof untouched);
  wasmpool_error_t *bad = wasmpool_error_exception_payload(err, 2, &untouched);
  CHECK(bad != NULL && wasmpool_error_kind(bad) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(bad), "index 2") != NULL);
  printf("index 2: %s\n", wasmpool_error_message(bad));
  CHECK(wasmpool_error_exception_payload_count(bad) == 0);
  EXPECT_ERR(wasmpool_error_exception_payload(bad, 0, &untouched), WASMPOOL_ERROR_INVALID_ARGUMENT);
  bool answer = true;
  EXPECT_ERR(wasmpool_error_exception_tag_is(bad, inst, "e32", &answer), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_error_delete(bad);
  CHECK(untouched.kind == 0x5A5A5A5Au && answer);
  EXPECT_ERR(wasmpool_error_exception_payload(err, SIZE_MAX, &untouched), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_exception_payload(NULL, 0, &untouched), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_exception_payload(err, 0, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_error_exception_payload_count(NULL) == 0);
  EXPECT_ERR(wasmpool_error_exception_tag_is(err, inst, "nope", &answer), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_error_exception_tag_is(err, inst, "throw_i32", &answer), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_error_exception_tag_is(NULL, inst, "e32", &answer), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_exception_tag_is(err, NULL, "e32", &answer), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_exception_tag_is(err, inst, NULL, &answer), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_exception_tag_is(err, inst, "pair", NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(answer);
  answer = false;
  OK(wasmpool_error_exception_tag_is_n(err, inst, "pair", 4, &answer));
  CHECK(answer);
  EXPECT_ERR(wasmpool_error_exception_tag_is_n(err, inst, "pair\0x", 6, &answer), WASMPOOL_ERROR_LINK);

  /* Another instance of the same module defines tags of its own: not the thrower's, in the
   * same store or another. */
  wasmpool_instance_t *twin;
  OK(wasmpool_instance_pre_instantiate(fx->pre, store, &twin));
  CHECK(!tag_is(err, twin, "pair") && tag_is(err, inst, "pair"));
  wasmpool_store_t *store2;
  wasmpool_instance_t *other;
  OK(wasmpool_store_new(fx->engine, &store2));
  OK(wasmpool_instance_pre_instantiate(fx->pre, store2, &other));
  CHECK(!tag_is(err, other, "pair"));
  wasmpool_error_delete(err);
  err = throws(other, "throw_pair", two, 2);
  CHECK(tag_is(err, other, "pair") && !tag_is(err, inst, "pair"));
  wasmpool_error_delete(err);
  wasmpool_store_delete(store2);

  /* A reference payload: counted, not readable yet (the message says which and why). */
  err = throws(inst, "throw_ref", NULL, 0);
  CHECK(wasmpool_error_exception_payload_count(err) == 1);
  bad = wasmpool_error_exception_payload(err, 0, &untouched);
  CHECK(bad != NULL && wasmpool_error_kind(bad) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  printf("funcref payload: %s\n", wasmpool_error_message(bad));
  CHECK(strstr(wasmpool_error_message(bad), "funcref") != NULL);
  CHECK(strstr(wasmpool_error_message(bad), "payload value 0") != NULL);
  wasmpool_error_delete(bad);
  CHECK(tag_is(err, inst, "fref"));
  wasmpool_error_delete(err);
}

/* Caught in the guest, and thrown across a host function. */
static void caught_and_crossing(fixture_t *fx, wasmpool_instance_t *inst) {
  wasmpool_val_t arg = val_i32(41), out = val_i32(0);
  OK(wasmpool_instance_call(inst, "catch_i32", &arg, 1, &out, 1));
  CHECK(out.of.i32 == 42);

  /* The host returns the nested call's error: the same exception leaves the outer call. */
  fx->env.mode = RETURN_IT;
  fx->env.calls = 0;
  arg = val_i32(5);
  wasmpool_error_t *err = wasmpool_instance_call(inst, "via_host", &arg, 1, &out, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_EXCEPTION);
  CHECK(fx->env.calls == 1 && fx->env.saw_payload == 5);
  CHECK(payload(err, 0).of.i32 == 5 && tag_is(err, inst, "e32"));
  printf("across the host function: %zu frames\n", wasmpool_error_trace_count(err));
  CHECK(wasmpool_error_trace_count(err) >= 1);
  wasmpool_error_delete(err);

  /* ...and the outer guest catches it. */
  arg = val_i32(6);
  OK(wasmpool_instance_call(inst, "via_host_caught", &arg, 1, &out, 1));
  CHECK(out.of.i32 == 1006 && fx->env.saw_payload == 6);

  /* The host swallows it: the outer call returns the host's result, nothing stays pending. */
  fx->env.mode = SWALLOW;
  OK(wasmpool_instance_call(inst, "via_host_caught", &arg, 1, &out, 1));
  CHECK(out.of.i32 == -7);
  OK(wasmpool_instance_call(inst, "catch_i32", &arg, 1, &out, 1));
  CHECK(out.of.i32 == 7);

  /* The host returns its own error: a TRAP, not the exception. */
  fx->env.mode = OWN_TRAP;
  err = wasmpool_instance_call(inst, "via_host_caught", &arg, 1, &out, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "the host replaced the exception") != NULL);
  CHECK(wasmpool_error_exception_payload_count(err) == 0);
  wasmpool_error_delete(err);
  /* A host function throws with wasmpool_caller_throw: uncaught, then caught by the guest. */
  arg = val_i32(31);
  err = throws(inst, "host_throws", &arg, 1);
  CHECK(payload(err, 0).of.i32 == 31 && tag_is(err, inst, "e32"));
  wasmpool_error_delete(err);
  OK(wasmpool_instance_call(inst, "host_throws_caught", &arg, 1, &out, 1));
  CHECK(out.of.i32 == 2031);
  /* The store goes on: a later exception is its own. */
  arg = val_i32(9);
  err = throws(inst, "throw_i32", &arg, 1);
  CHECK(payload(err, 0).of.i32 == 9);
  wasmpool_error_delete(err);
}

static void run(wasmpool_config_t *cfg, const char *what) {
  printf("== %s\n", what);
  fixture_t fx;
  setup(&fx, cfg);
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(fx.engine, &store));
  OK(wasmpool_instance_pre_instantiate(fx.pre, store, &inst));
  payloads(&fx, store, inst);
  caught_and_crossing(&fx, inst);

  /* An error outlives its store; its payload stays readable. */
  wasmpool_val_t arg = val_i32(123);
  wasmpool_error_t *err = throws(inst, "throw_i32", &arg, 1);
  wasmpool_store_delete(store);
  CHECK(payload(err, 0).of.i32 == 123);
  /* A newer store's instance does not have its tag. */
  OK(wasmpool_store_new(fx.engine, &store));
  OK(wasmpool_instance_pre_instantiate(fx.pre, store, &inst));
  CHECK(!tag_is(err, inst, "e32"));
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  teardown(&fx);
}

/* A component whose core module throws and does not catch: the component call fails the same
 * way, with the payload readable. */
static const char COMPONENT[] =
    "(component"
    "  (core module $m"
    "    (tag $t (param i32))"
    "    (func (export \"run\") (param i32) (result i32) local.get 0 throw $t))"
    "  (core instance $i (instantiate $m))"
    "  (func (export \"run\") (param \"x\" u32) (result u32) (canon lift (core func $i \"run\"))))";

static void component_exception(wasmpool_config_t *cfg) {
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_component_t *component;
  OK(wasmpool_component_new(engine, (const uint8_t *)COMPONENT, strlen(COMPONENT), &component));
  wasmpool_component_linker_t *linker;
  OK(wasmpool_component_linker_new(engine, &linker));
  wasmpool_component_pre_t *pre;
  OK(wasmpool_component_linker_instantiate_pre(linker, component, &pre));
  wasmpool_store_t *store;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst;
  OK(wasmpool_component_pre_instantiate(pre, store, &inst));
  wasmpool_component_val_t arg, result;
  memset(&arg, 0, sizeof arg);
  arg.kind = WASMPOOL_COMPONENT_VALKIND_U32;
  arg.of.u32 = 77;
  wasmpool_error_t *err = wasmpool_component_instance_call(inst, "run", &arg, 1, &result, 1);
  CHECK(err != NULL);
  printf("component: kind %d: %s\n", (int)wasmpool_error_kind(err), wasmpool_error_message(err));
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_EXCEPTION);
  CHECK(wasmpool_error_exception_payload_count(err) == 1 && payload(err, 0).of.i32 == 77);
  CHECK(wasmpool_error_trace_count(err) == 1);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
}

/* An exception is a GC object: in a pool whose slots have no room for a GC heap
 * (max_memory_size 0), throwing fails with LIMIT_EXCEEDED (the fuzzer found it was OTHER). */
static void gc_heap_full(void) {
  wasmpool_config_t *cfg = small_pool(2);
  OK(wasmpool_config_max_memory_size_set(cfg, 0));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module =
      compile_wat(engine, "(module (tag $t (param i32)) (func (export \"t\") i32.const 1 throw $t))");
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, module, &inst));
  for (int round = 0; round < 2; round++) { /* and the store stays usable */
    wasmpool_error_t *err = wasmpool_instance_call(inst, "t", NULL, 0, NULL, 0);
    CHECK(err != NULL);
    printf("GC heap full: kind %d: %s\n", (int)wasmpool_error_kind(err), wasmpool_error_message(err));
    CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_LIMIT_EXCEEDED);
    CHECK(strstr(wasmpool_error_message(err), "GC heap") != NULL);
    CHECK(wasmpool_error_exception_payload_count(err) == 0);
    wasmpool_error_delete(err);
  }
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(4);
  CHECK(wasmpool_config_wasm_exceptions_get(cfg));
  run(cfg, "pooling");
  component_exception(cfg);
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  run(cfg, "on-demand");
  gc_heap_full();
  wasmpool_config_delete(cfg);
  return 0;
}
