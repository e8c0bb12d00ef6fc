/* WebAssembly backtraces on errors (wasmpool_error_trace_count / _frame): the frames of a trap
 * with function indices, names, module names and offsets, innermost first; a host function's
 * error, a deadline and a trap in a start function carry them too; the wasm_backtrace knobs
 * turn them off and cap them; components' traps have their core frames; an index past the end
 * is an INVALID_ARGUMENT error naming `index`. */
#include <stdint.h>

#include "check.h"

/* outer -> middle -> inner, which traps; `deep` recurses until the stack overflows. */
static const char TRAPS[] =
    "(module $traps"
    "  (import \"env\" \"fail\" (func $fail))"
    "  (func $inner (export \"inner\") unreachable)"
    "  (func $middle call $inner)"
    "  (func $outer (export \"outer\") call $middle)"
    "  (func $via_host (export \"via_host\") nop call $fail)"
    "  (func $deep (export \"deep\") call $deep)"
    "  (func $spin (export \"spin\") (loop br 0)))";

static wasmpool_error_t *fail(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                              size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
  return wasmpool_trap_new("the host says no");
}

static int name_is(const char *p, size_t len, const char *want) {
  return p != NULL && len == strlen(want) && memcmp(p, want, len) == 0 && p[len] == '\0';
}

static wasmpool_trace_frame_t frame_of(const wasmpool_error_t *err, size_t i) {
  wasmpool_trace_frame_t f;
  memset(&f, 0xAB, sizeof f);
  OK(wasmpool_error_trace_frame(err, i, &f));
  return f;
}

/* Frame `i` of `err` is function `index` named `name` of the module `traps`, with offsets. */
static void check_frame(const wasmpool_error_t *err, size_t i, uint32_t index, const char *name) {
  wasmpool_trace_frame_t f = frame_of(err, i);
  printf("  frame %zu: func %u %.*s in %.*s, module offset %zu, function offset %zu\n", i,
         f.func_index, (int)f.func_name_len, f.func_name ? f.func_name : "?",
         (int)f.module_name_len, f.module_name ? f.module_name : "?", f.module_offset,
         f.func_offset);
  CHECK(f.func_index == index);
  CHECK(name_is(f.func_name, f.func_name_len, name));
  CHECK(name_is(f.module_name, f.module_name_len, "traps"));
  CHECK(f.module_offset != SIZE_MAX && f.func_offset != SIZE_MAX);
  CHECK(f.func_offset < f.module_offset); /* a function body starts inside the module */
  CHECK(f.file == NULL && f.file_len == 0 && f.line == 0 && f.column == 0); /* no DWARF */
}

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_module_t *module;
  wasmpool_linker_t *linker;
  wasmpool_instance_pre_t *pre;
} fixture_t;

static fixture_t setup(wasmpool_config_t *cfg) {
  fixture_t fx;
  fx.engine = engine_from(cfg);
  fx.module = compile_wat(fx.engine, TRAPS);
  OK(wasmpool_linker_new(fx.engine, &fx.linker));
  OK(wasmpool_linker_define_func(fx.linker, "env", "fail", NULL, 0, NULL, 0, fail, NULL, NULL));
  OK(wasmpool_linker_instantiate_pre(fx.linker, fx.module, &fx.pre));
  return fx;
}

static void teardown(fixture_t *fx) {
  wasmpool_instance_pre_delete(fx->pre);
  wasmpool_linker_delete(fx->linker);
  wasmpool_module_delete(fx->module);
  wasmpool_engine_delete(fx->engine);
}

/* Calls `name` in a fresh store and returns its error (which must exist). */
static wasmpool_error_t *call_err(const fixture_t *fx, const char *name, wasmpool_error_kind_t kind) {
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(fx->engine, &store));
  OK(wasmpool_instance_pre_instantiate(fx->pre, store, &inst));
  wasmpool_error_t *err = wasmpool_instance_call(inst, name, NULL, 0, NULL, 0);
  CHECK(err != NULL);
  if (wasmpool_error_kind(err) != kind) {
    fprintf(stderr, "%s: kind %d, expected %d: %s\n", name, (int)wasmpool_error_kind(err), (int)kind,
            wasmpool_error_message(err));
    exit(1);
  }
  wasmpool_store_delete(store); /* the error outlives the store and its module's instances */
  return err;
}

static void core_traps(void) {
  wasmpool_config_t *cfg = small_pool(4);
  CHECK(wasmpool_config_wasm_backtrace_get(cfg));
  CHECK(wasmpool_config_wasm_backtrace_max_frames_get(cfg) == 20);
  fixture_t fx = setup(cfg);

  printf("unreachable three calls deep:\n");
  wasmpool_error_t *err = call_err(&fx, "outer", WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_UNREACHABLE);
  CHECK(wasmpool_error_trace_count(err) == 3);
  /* Function indices count the import first. */
  check_frame(err, 0, 1, "inner");
  check_frame(err, 1, 2, "middle");
  check_frame(err, 2, 3, "outer");
  /* The innermost frame is deeper in the module than the call in `outer`... */
  CHECK(frame_of(err, 0).module_offset < frame_of(err, 2).module_offset);
  /* ...and frames are borrowed from the error: the same pointers every time. */
  CHECK(frame_of(err, 0).func_name == frame_of(err, 0).func_name);

  /* Past the end: INVALID_ARGUMENT naming the index, and *out untouched. */
  wasmpool_trace_frame_t untouched;
  memset(&untouched, 0x5A, sizeof untouched);
  wasmpool_error_t *bad = wasmpool_error_trace_frame(err, 3, &untouched);
  CHECK(bad != NULL && wasmpool_error_kind(bad) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(bad), "index 3") != NULL);
  printf("index 3: %s\n", wasmpool_error_message(bad));
  CHECK(wasmpool_error_trace_count(bad) == 0); /* an API error has no trace */
  wasmpool_error_delete(bad);
  CHECK(untouched.func_index == 0x5A5A5A5Au);
  EXPECT_ERR(wasmpool_error_trace_frame(err, SIZE_MAX, &untouched), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_trace_frame(NULL, 0, &untouched), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_error_trace_frame(err, 0, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_error_trace_count(NULL) == 0);
  wasmpool_error_delete(err);

  /* A host function's error: the trace is the guest frames that called it. */
  printf("host function error:\n");
  err = call_err(&fx, "via_host", WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "the host says no") != NULL);
  CHECK(wasmpool_error_trace_count(err) == 1);
  check_frame(err, 0, 4, "via_host");
  wasmpool_error_delete(err);

  /* A stack overflow keeps wasm_backtrace_max_frames (20) frames, all of `deep`. */
  err = call_err(&fx, "deep", WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_STACK_OVERFLOW);
  printf("stack overflow: %zu frames\n", wasmpool_error_trace_count(err));
  CHECK(wasmpool_error_trace_count(err) == 20);
  for (size_t i = 0; i < 20; i++) CHECK(frame_of(err, i).func_index == 5);
  wasmpool_error_delete(err);

  /* Errors that are not the guest's have no trace. */
  err = compile_wat_err(fx.engine, "(module (func (result i32)))");
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_COMPILE);
  CHECK(wasmpool_error_trace_count(err) == 0);
  wasmpool_error_delete(err);
  err = wasmpool_trap_new("made by the host");
  CHECK(wasmpool_error_trace_count(err) == 0);
  wasmpool_error_delete(err);
  teardown(&fx);

  /* wasm_backtrace_max_frames caps the trace at the innermost frames. */
  OK(wasmpool_config_wasm_backtrace_max_frames_set(cfg, 2));
  EXPECT_ERR(wasmpool_config_wasm_backtrace_max_frames_set(cfg, 0), WASMPOOL_ERROR_INVALID_ARGUMENT);
  fx = setup(cfg);
  err = call_err(&fx, "outer", WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trace_count(err) == 2);
  check_frame(err, 0, 1, "inner");
  check_frame(err, 1, 2, "middle");
  wasmpool_error_delete(err);
  teardown(&fx);

  /* wasm_backtrace off: the same trap, no trace. */
  OK(wasmpool_config_wasm_backtrace_set(cfg, false));
  fx = setup(cfg);
  err = call_err(&fx, "outer", WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_UNREACHABLE);
  CHECK(wasmpool_error_trace_count(err) == 0);
  EXPECT_ERR(wasmpool_error_trace_frame(err, 0, &untouched), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_error_delete(err);
  teardown(&fx);

  /* wasm_backtrace_details on, for a guest without DWARF: the same frames, no file. */
  OK(wasmpool_config_wasm_backtrace_set(cfg, true));
  OK(wasmpool_config_wasm_backtrace_max_frames_set(cfg, 20));
  OK(wasmpool_config_wasm_backtrace_details_set(cfg, true));
  fx = setup(cfg);
  err = call_err(&fx, "outer", WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trace_count(err) == 3);
  check_frame(err, 2, 3, "outer");
  wasmpool_error_delete(err);
  teardown(&fx);
  wasmpool_config_delete(cfg);
}

/* A deadline's interruption and a trap in a start function carry traces too. */
static void interrupt_and_start(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  fixture_t fx = setup(cfg);
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(fx.engine, &store));
  OK(wasmpool_instance_pre_instantiate(fx.pre, store, &inst));
  OK(wasmpool_store_epoch_deadline_set(store, 1));
  wasmpool_engine_increment_epoch(fx.engine);
  wasmpool_error_t *err = wasmpool_instance_call(inst, "spin", NULL, 0, NULL, 0);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INTERRUPTED);
  printf("deadline:\n");
  CHECK(wasmpool_error_trace_count(err) == 1);
  check_frame(err, 0, 6, "spin");
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);

  wasmpool_module_t *starter = compile_wat(
      fx.engine, "(module $traps (func $boom unreachable) (func $init call $boom) (start $init))");
  OK(wasmpool_store_new(fx.engine, &store));
  err = wasmpool_instantiate(store, starter, &inst);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  printf("start function:\n");
  CHECK(wasmpool_error_trace_count(err) == 2);
  check_frame(err, 0, 0, "boom");
  check_frame(err, 1, 1, "init");
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_module_delete(starter);
  teardown(&fx);
  wasmpool_config_delete(cfg);
}

/* A component's trap: the frames of its core module. */
static const char COMPONENT[] =
    "(component"
    "  (core module $inner_mod"
    "    (func $divide (param i32) (result i32) i32.const 1 local.get 0 i32.div_u)"
    "    (func $run (export \"run\") (param i32) (result i32) local.get 0 call $divide))"
    "  (core instance $i (instantiate $inner_mod))"
    "  (func (export \"run\") (param \"x\" u32) (result u32) (canon lift (core func $i \"run\"))))";

static void component_traps(void) {
  wasmpool_config_t *cfg = small_pool(4);
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
  arg.of.u32 = 0;
  wasmpool_error_t *err = wasmpool_component_instance_call(inst, "run", &arg, 1, &result, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_INTEGER_DIVISION_BY_ZERO);
  printf("component trap: %zu frames\n", wasmpool_error_trace_count(err));
  CHECK(wasmpool_error_trace_count(err) == 2);
  const char *names[2] = {"divide", "run"};
  for (uint32_t i = 0; i < 2; i++) {
    wasmpool_trace_frame_t f = frame_of(err, i);
    printf("  frame %u: func %u %.*s, module offset %zu\n", i, f.func_index, (int)f.func_name_len,
           f.func_name ? f.func_name : "?", f.module_offset);
    CHECK(f.func_index == i);
    CHECK(name_is(f.func_name, f.func_name_len, names[i]));
    CHECK(f.module_offset != SIZE_MAX);
  }
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

/* Names are bytes: a function name holding NUL comes back whole, with its length. */
static void names_with_nul(void) {
  wasmpool_config_t *cfg = small_pool(2);
  wasmpool_engine_t *engine = engine_from(cfg);
  /* Binary: one function named "a\0b" (name section) that traps, exported as "f". */
  static const uint8_t bytes[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,             /* magic, version */
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                         /* type: () -> () */
      0x03, 0x02, 0x01, 0x00,                                     /* func 0: type 0 */
      0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,                    /* export "f" func 0 */
      0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,                   /* code: unreachable */
      0x00, 0x0d, 0x04, 'n', 'a', 'm', 'e',                       /* custom "name" */
      0x01, 0x06, 0x01, 0x00, 0x03, 'a', 0x00, 'b'};              /* function 0: "a\0b" */
  wasmpool_module_t *module;
  OK(wasmpool_module_new(engine, bytes, sizeof bytes, &module));
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_error_t *err = wasmpool_instance_call(inst, "f", NULL, 0, NULL, 0);
  CHECK(err != NULL && wasmpool_error_trace_count(err) == 1);
  wasmpool_trace_frame_t f = frame_of(err, 0);
  CHECK(f.func_name_len == 3 && memcmp(f.func_name, "a\0b", 4) == 0);
  CHECK(f.module_name == NULL && f.module_name_len == 0); /* the module has no name */
  printf("a name with NUL: %zu bytes\n", f.func_name_len);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

int main(void) {
  core_traps();
  interrupt_and_start();
  component_traps();
  names_with_nul();
  printf("traces ok\n");
  return 0;
}
