/* Per-store user data and what a host function reaches through its caller:
 * the store's data (wasmpool_store_new_with_data, finalized once, after the
 * store's instances are gone), the caller's exported globals, and calls back
 * into the caller's own store (the guest's malloc, to hand it a string of
 * any size), with their errors: a missing export, wrong arity, a trap in the
 * nested call, recursion through the guest until the stack limit (a TRAP,
 * not a crash), and async engines, where a nested call is refused. */
#include <stdbool.h>

#include "check.h"

typedef struct {
  int finalized;
  int host_calls;
  const wasmpool_engine_t *engine;
  uint64_t instances_at_finalize;
} user_t;

static void user_finalizer(void *data) {
  user_t *u = data;
  u->finalized++;
  wasmpool_metrics_t m = metrics_of(u->engine);
  u->instances_at_finalize = m.core_instances;
}

static const char *last_message_kind_ok;

/* env.greet(len) -> ptr: allocates `len` bytes in the guest with its own
 * malloc, through the caller, and fills them. */
static wasmpool_error_t *host_greet(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                    size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env;
  CHECK(nargs == 1 && nresults == 1);
  user_t *u = wasmpool_caller_store_data(caller);
  if (u != NULL) u->host_calls++;
  wasmpool_val_t len = args[0], ptr;
  wasmpool_error_t *err = wasmpool_caller_call(caller, "malloc", &len, 1, &ptr, 1);
  if (err) return err;
  CHECK(ptr.kind == WASMPOOL_VALKIND_I32);
  /* Taken after the nested call: the guest may have grown its memory. */
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_caller_memory(caller, "memory", &data, &size));
  CHECK((size_t)ptr.of.i32 + (size_t)len.of.i32 <= size);
  for (int32_t i = 0; i < len.of.i32; i++) data[ptr.of.i32 + i] = (uint8_t)('a' + i % 26);
  /* The guest's heap pointer moved past the allocation. */
  wasmpool_val_t heap;
  OK(wasmpool_caller_global_get(caller, "heap", &heap));
  CHECK(heap.kind == WASMPOOL_VALKIND_I32 && heap.of.i32 == ptr.of.i32 + len.of.i32);
  results[0] = ptr;
  return NULL;
}

/* env.probe(which) -> 0: nested calls that must fail, each with its kind. */
static wasmpool_error_t *host_probe(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                    size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)nargs, (void)nresults;
  wasmpool_val_t one = val_i32(1), out;
  switch (args[0].of.i32) {
    case 0:
      EXPECT_ERR(wasmpool_caller_call(caller, "nope", NULL, 0, NULL, 0), WASMPOOL_ERROR_LINK);
      EXPECT_ERR(wasmpool_caller_call(caller, "memory", NULL, 0, NULL, 0), WASMPOOL_ERROR_LINK);
      EXPECT_ERR(wasmpool_caller_call(caller, "malloc", NULL, 0, &out, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
      EXPECT_ERR(wasmpool_caller_call(caller, "malloc", &one, 1, NULL, 0), WASMPOOL_ERROR_INVALID_ARGUMENT);
      EXPECT_ERR(wasmpool_caller_global_get(caller, "nope", &out), WASMPOOL_ERROR_LINK);
      results[0] = val_i32(0);
      return NULL;
    case 1: {
      /* A trap in the nested call: returned as is, it traps the outer call. */
      wasmpool_error_t *err = wasmpool_caller_call(caller, "boom", NULL, 0, NULL, 0);
      CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
      wasmpool_trap_code_t code;
      CHECK(wasmpool_error_trap_code(err, &code));
      CHECK(code == WASMPOOL_TRAP_UNREACHABLE);
      return err;
    }
    default: {
      /* Async engines: refused with INVALID_ARGUMENT, reported by a result. */
      wasmpool_error_t *err = wasmpool_caller_call(caller, "malloc", &one, 1, &out, 1);
      results[0] = val_i32(err != NULL ? (int32_t)wasmpool_error_kind(err) + 100 : -1);
      last_message_kind_ok = err != NULL ? "refused" : NULL;
      wasmpool_error_delete(err);
      return NULL;
    }
  }
}

/* env.recurse(): calls the guest's `down`, which calls env.recurse again. */
static int depth;
static wasmpool_error_t *host_recurse(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                      size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)args, (void)nargs, (void)results, (void)nresults;
  depth++;
  return wasmpool_caller_call(caller, "down", NULL, 0, NULL, 0);
}

static const char *GUEST =
    "(module"
    "  (import \"env\" \"greet\" (func $greet (param i32) (result i32)))"
    "  (import \"env\" \"probe\" (func $probe (param i32) (result i32)))"
    "  (import \"env\" \"recurse\" (func $recurse))"
    "  (memory (export \"memory\") 1)"
    "  (global $heap (export \"heap\") (mut i32) (i32.const 1024))"
    "  (func (export \"malloc\") (param $n i32) (result i32) (local $p i32)"
    "    (local.set $p (global.get $heap))"
    "    (global.set $heap (i32.add (local.get $p) (local.get $n)))"
    "    (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))"
    "      (then (drop (memory.grow (i32.const 1)))))"
    "    (local.get $p))"
    "  (func (export \"boom\") unreachable)"
    "  (func $down (export \"down\") call $recurse)"
    "  (func (export \"greet\") (param i32) (result i32) (call $greet (local.get 0)))"
    "  (func (export \"probe\") (param i32) (result i32) (call $probe (local.get 0))))";

static wasmpool_linker_t *linker_for(wasmpool_engine_t *engine) {
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  wasmpool_valkind_t i32 = WASMPOOL_VALKIND_I32;
  OK(wasmpool_linker_define_func(linker, "env", "greet", &i32, 1, &i32, 1, host_greet, NULL, NULL));
  OK(wasmpool_linker_define_func(linker, "env", "probe", &i32, 1, &i32, 1, host_probe, NULL, NULL));
  OK(wasmpool_linker_define_func(linker, "env", "recurse", NULL, 0, NULL, 0, host_recurse, NULL, NULL));
  return linker;
}

static wasmpool_instance_t *instantiate(wasmpool_linker_t *linker, wasmpool_module_t *module,
                                        wasmpool_store_t *store) {
  wasmpool_instance_pre_t *pre = NULL;
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instance_pre_instantiate(pre, store, &inst));
  wasmpool_instance_pre_delete(pre);
  return inst;
}

static void store_data(wasmpool_engine_t *engine, wasmpool_linker_t *linker, wasmpool_module_t *module) {
  user_t u = {0, 0, engine, 99};
  wasmpool_store_t *store = NULL;
  /* A failed creation leaves the data to the caller: no finalizer. */
  EXPECT_ERR(wasmpool_store_new_with_data(NULL, &u, user_finalizer, &store), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_store_new_with_data(engine, &u, user_finalizer, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(u.finalized == 0);
  OK(wasmpool_store_new_with_data(engine, &u, user_finalizer, &store));
  CHECK(wasmpool_store_data(store) == &u);
  CHECK(wasmpool_store_data(NULL) == NULL);
  wasmpool_instance_t *inst = instantiate(linker, module, store);

  /* Two greetings of 10 and 100000 bytes (the second grows memory). */
  int32_t sizes[2] = {10, 100000}, expect_ptr = 1024;
  for (int k = 0; k < 2; k++) {
    wasmpool_val_t arg = val_i32(sizes[k]), ptr;
    OK(wasmpool_instance_call(inst, "greet", &arg, 1, &ptr, 1));
    CHECK(ptr.of.i32 == expect_ptr);
    uint8_t *data = NULL;
    size_t size = 0;
    OK(wasmpool_instance_memory(inst, "memory", &data, &size));
    CHECK(size >= (size_t)(ptr.of.i32 + sizes[k]));
    CHECK(data[ptr.of.i32] == 'a' && data[ptr.of.i32 + sizes[k] - 1] == (uint8_t)('a' + (sizes[k] - 1) % 26));
    expect_ptr += sizes[k];
  }
  CHECK(u.host_calls == 2);
  CHECK(u.finalized == 0);
  bool pooling = wasmpool_engine_strategy(engine) == WASMPOOL_STRATEGY_POOLING;
  if (pooling) CHECK(metrics_of(engine).core_instances == 1);
  wasmpool_store_delete(store);
  CHECK(u.finalized == 1);
  /* The finalizer ran after the store's instance left the pool. */
  if (pooling) CHECK(u.instances_at_finalize == 0);

  /* No finalizer: nothing is called, the pointer is still handed back. */
  OK(wasmpool_store_new_with_data(engine, &u, NULL, &store));
  CHECK(wasmpool_store_data(store) == &u);
  wasmpool_store_delete(store);
  CHECK(u.finalized == 1);

  /* A plain store has no data; host functions see NULL. */
  OK(wasmpool_store_new(engine, &store));
  CHECK(wasmpool_store_data(store) == NULL);
  inst = instantiate(linker, module, store);
  wasmpool_val_t arg = val_i32(3), ptr;
  OK(wasmpool_instance_call(inst, "greet", &arg, 1, &ptr, 1));
  CHECK(u.host_calls == 2);
  wasmpool_store_delete(store);
  CHECK(wasmpool_caller_store_data(NULL) == NULL);
}

static void nested_errors(wasmpool_engine_t *engine, wasmpool_linker_t *linker, wasmpool_module_t *module) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instantiate(linker, module, store);
  wasmpool_val_t arg = val_i32(0), res;
  OK(wasmpool_instance_call(inst, "probe", &arg, 1, &res, 1));
  CHECK(res.of.i32 == 0);
  arg = val_i32(1);
  wasmpool_error_t *err = wasmpool_instance_call(inst, "probe", &arg, 1, &res, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code));
  CHECK(code == WASMPOOL_TRAP_UNREACHABLE);
  wasmpool_error_delete(err);

  /* Unbounded recursion host -> guest -> host ... ends at the stack limit. */
  depth = 0;
  err = wasmpool_instance_call(inst, "down", NULL, 0, NULL, 0);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code));
  CHECK(code == WASMPOOL_TRAP_STACK_OVERFLOW);
  wasmpool_error_delete(err);
  CHECK(depth > 10);
  printf("recursion through the host stopped at depth %d with a stack overflow trap\n", depth);

  /* The store is still usable afterwards. */
  arg = val_i32(4);
  OK(wasmpool_instance_call(inst, "greet", &arg, 1, &res, 1));
  wasmpool_store_delete(store);
}

static void async_refused(void) {
  wasmpool_config_t *cfg = small_pool(2);
  OK(wasmpool_config_async_support_set(cfg, true));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module = compile_wat(engine, GUEST);
  wasmpool_linker_t *linker = linker_for(engine);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instantiate(linker, module, store);
  wasmpool_val_t arg = val_i32(2), res;
  OK(wasmpool_instance_call(inst, "probe", &arg, 1, &res, 1));
  CHECK(res.of.i32 == (int32_t)WASMPOOL_ERROR_INVALID_ARGUMENT + 100);
  CHECK(last_message_kind_ok != NULL);
  wasmpool_store_delete(store);
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

int main(void) {
  for (int pooling = 0; pooling < 2; pooling++) {
    wasmpool_config_t *cfg = small_pool(4);
    OK(wasmpool_config_strategy_set(cfg, pooling ? WASMPOOL_STRATEGY_POOLING : WASMPOOL_STRATEGY_ON_DEMAND));
    wasmpool_engine_t *engine = engine_from(cfg);
    wasmpool_module_t *module = compile_wat(engine, GUEST);
    wasmpool_linker_t *linker = linker_for(engine);
    store_data(engine, linker, module);
    nested_errors(engine, linker, module);
    wasmpool_linker_delete(linker);
    wasmpool_module_delete(module);
    wasmpool_engine_delete(engine);
    wasmpool_config_delete(cfg);
  }
  async_refused();
  printf("caller tests passed\n");
  return 0;
}
