/*
 * host_func.c: a guest calls a C function.
 *
 * The host defines env.print(ptr, len), which reads a string out of the
 * calling instance's exported memory, and env.add_tax(cents) -> cents. The
 * module is pre-linked once and instantiated per "request" in a fresh store,
 * the way a server would. A finalizer shows when the host state is released.
 */
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) return;
  fprintf(stderr, "host_func: %s failed (kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(1);
}

typedef struct {
  int printed;
  int tax_percent;
} host_state_t;

/* env.print(ptr: i32, len: i32) */
static wasmpool_error_t *print_string(void *env, wasmpool_caller_t *caller,
                                      const wasmpool_val_t *args, size_t nargs,
                                      wasmpool_val_t *results, size_t nresults) {
  (void)nargs, (void)results, (void)nresults;
  host_state_t *state = env;
  uint8_t *memory;
  size_t size;
  wasmpool_error_t *err = wasmpool_caller_memory(caller, "memory", &memory, &size);
  if (err != NULL) return err;
  uint32_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
  if ((size_t)ptr + len > size) return wasmpool_trap_new("print: string outside memory");
  printf("guest says: %.*s\n", (int)len, (const char *)memory + ptr);
  state->printed++;
  return NULL;
}

/* env.add_tax(cents: i64) -> i64 */
static wasmpool_error_t *add_tax(void *env, wasmpool_caller_t *caller,
                                 const wasmpool_val_t *args, size_t nargs,
                                 wasmpool_val_t *results, size_t nresults) {
  (void)caller, (void)nargs, (void)nresults;
  host_state_t *state = env;
  if (args[0].of.i64 < 0) return wasmpool_trap_new("add_tax: negative amount");
  results[0].of.i64 = args[0].of.i64 + args[0].of.i64 * state->tax_percent / 100;
  return NULL;
}

static void release_state(void *env) {
  host_state_t *state = env;
  printf("host state released after %d prints\n", state->printed);
  free(state);
}

static const char WAT[] =
    "(module\n"
    "  (import \"env\" \"print\" (func $print (param i32 i32)))\n"
    "  (import \"env\" \"add_tax\" (func $add_tax (param i64) (result i64)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 0) \"hello from the guest\")\n"
    "  (func (export \"handle\") (param i64) (result i64)\n"
    "    (call $print (i32.const 0) (i32.const 20))\n"
    "    (call $add_tax (local.get 0))))\n";

int main(void) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  check(wasmpool_config_total_memories_set(cfg, 8), "total_memories");
  check(wasmpool_config_total_core_instances_set(cfg, 8), "total_core_instances");
  check(wasmpool_config_total_tables_set(cfg, 8), "total_tables");
  wasmpool_engine_t *engine;
  check(wasmpool_engine_new(cfg, &engine), "engine");
  wasmpool_config_delete(cfg);

  wasmpool_module_t *module;
  check(wasmpool_module_new(engine, (const uint8_t *)WAT, strlen(WAT), &module), "compile");

  host_state_t *state = calloc(1, sizeof *state);
  state->tax_percent = 20;
  wasmpool_linker_t *linker;
  check(wasmpool_linker_new(engine, &linker), "linker");
  wasmpool_valkind_t print_params[] = {WASMPOOL_VALKIND_I32, WASMPOOL_VALKIND_I32};
  wasmpool_valkind_t i64 = WASMPOOL_VALKIND_I64;
  /* Only one of the two definitions owns the state's release. */
  check(wasmpool_linker_define_func(linker, "env", "print", print_params, 2, NULL, 0,
                                    print_string, state, release_state),
        "define print");
  check(wasmpool_linker_define_func(linker, "env", "add_tax", &i64, 1, &i64, 1, add_tax, state,
                                    NULL),
        "define add_tax");
  wasmpool_instance_pre_t *pre;
  check(wasmpool_linker_instantiate_pre(linker, module, &pre), "pre-link");
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(module);

  for (int request = 1; request <= 3; request++) {
    wasmpool_store_t *store;
    check(wasmpool_store_new(engine, &store), "store");
    wasmpool_instance_t *inst;
    check(wasmpool_instance_pre_instantiate(pre, store, &inst), "instantiate");
    wasmpool_val_t arg = {.kind = WASMPOOL_VALKIND_I64, .of.i64 = 1000 * request};
    wasmpool_val_t result;
    check(wasmpool_instance_call(inst, "handle", &arg, 1, &result, 1), "handle");
    printf("request %d: %lld cents with tax\n", request, (long long)result.of.i64);
    if (result.of.i64 != 1200 * request) {
      fprintf(stderr, "host_func: wrong result\n");
      return 1;
    }
    wasmpool_store_delete(store);
  }
  int printed = state->printed;
  wasmpool_instance_pre_delete(pre); /* last user of the definitions: finalizer runs */
  wasmpool_engine_delete(engine);
  return printed == 3 ? 0 : 1;
}
