/*
 * bench_wasmpool_component.c: the component measurements of bench_wasmpool (the same as
 * bench/native/src/component.rs's, with the same JSON lines).
 *
 *   bench_wasmpool component_compile wasm=FILE out=CWASM case=NAME [trials=1]
 *   bench_wasmpool components modules=DIR [js=CWASM py=CWASM pool_total=1000 target_ms=200
 *                             warmup=200 arg=wasmpool]
 *
 * `components` options: only=instantiate,calls  cases=wat,js,py  strategies=pooling,ondemand
 * calls=<variant names: wasmpool_component_instance_call,wasmpool_component_func_call>
 * iters=N (fixed batches, for profiling) core_total=N (total_core_instances, default pool_total:
 * a Python component has 14 core instances). A case whose file is `none` (or not given) is left
 * out. `wat` is the text component `component.wat` of the modules directory
 * (bench/harness/modules.py); js and py are the componentize-js and componentize-py `hello`
 * components, precompiled by `component_compile`. Every import is defined as a trap
 * (wasmpool_component_linker_define_unknown_imports_as_traps): the toolchains' components import
 * WASI. A first call that traps on such an import is reported (component_call_refused, with the
 * import's name) instead of timed.
 */
#include "bench_wasmpool.h"

/* The cases and the export each is called through, `func(string) -> string` in all three. */
static const char *const CASES[] = {"wat", "js", "py"};
static const char *const EXPORTS[] = {"echo", "hello", "hello"};
#define NCASES 3

static wasmpool_component_t *load(wasmpool_engine_t *engine, const char *dir, int k, const char *file) {
  wasmpool_component_t *component;
  if (k == 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/component.wat", dir);
    check(wasmpool_component_new_file(engine, path, &component), path);
  } else {
    check(wasmpool_component_deserialize_file(engine, file, &component), file);
  }
  return component;
}

static wasmpool_component_pre_t *make_pre(wasmpool_engine_t *engine, wasmpool_component_t *component) {
  wasmpool_component_linker_t *linker;
  check(wasmpool_component_linker_new(engine, &linker), "component linker");
  check(wasmpool_component_linker_define_unknown_imports_as_traps(linker, component), "unknown imports");
  wasmpool_component_pre_t *pre;
  check(wasmpool_component_linker_instantiate_pre(linker, component, &pre), "component instantiate_pre");
  wasmpool_component_linker_delete(linker);
  return pre;
}

/* ---- instantiation: store_new + component_pre_instantiate + store_delete ----------------- */

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_component_pre_t *pre;
} inst_ctx;

static void inst_batch(void *p, uint64_t n) {
  const inst_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) {
    wasmpool_store_t *store;
    wasmpool_component_instance_t *inst;
    check(wasmpool_store_new(c->engine, &store), "store");
    check(wasmpool_component_pre_instantiate(c->pre, store, &inst), "component instantiate");
    wasmpool_store_delete(store);
  }
}

/* ---- calls: a string argument, a string result ---------------------------------------------- */

typedef struct {
  wasmpool_component_instance_t *inst;
  wasmpool_component_func_t *func;
  const char *export_name;
  wasmpool_component_val_t arg; /* the caller's, on the stack: never deleted */
  const char *want;
  size_t want_len;
} call_ctx;

static void expect(const call_ctx *c, wasmpool_component_val_t *res) {
  if (res->kind != WASMPOOL_COMPONENT_VALKIND_STRING || res->of.string.len != c->want_len ||
      memcmp(res->of.string.data, c->want, c->want_len) != 0)
    die("%s returned something else than \"%s\"", c->export_name, c->want);
  wasmpool_component_val_delete(res);
}

static void call_by_name(void *p, uint64_t n) {
  const call_ctx *c = p;
  wasmpool_component_val_t res;
  for (uint64_t i = 0; i < n; i++) {
    check(wasmpool_component_instance_call(c->inst, c->export_name, &c->arg, 1, &res, 1), c->export_name);
    expect(c, &res);
  }
}

static void call_func(void *p, uint64_t n) {
  const call_ctx *c = p;
  wasmpool_component_val_t res;
  for (uint64_t i = 0; i < n; i++) {
    check(wasmpool_component_func_call(c->func, &c->arg, 1, &res, 1), c->export_name);
    expect(c, &res);
  }
}

/* A call the guest cannot complete without WASI: the toolchains' `hello` reaches an import that
 * is defined as a trap. Prints which one (bench "component_call_refused"); any other failure is
 * fatal. */
static void refused(const char *kase, wasmpool_error_t *err) {
  wasmpool_trap_code_t code;
  const char *msg = wasmpool_error_message(err);
  const char *from = strstr(msg, "unknown import: `");
  const char *to = from ? strchr(from + 17, '`') : NULL;
  if (wasmpool_error_kind(err) != WASMPOOL_ERROR_TRAP || !wasmpool_error_trap_code(err, &code) ||
      code != WASMPOOL_TRAP_UNKNOWN_IMPORT || to == NULL || to - from > 200)
    check(err, kase);
  char extra[256];
  snprintf(extra, sizeof extra, "\"import\":\"%.*s\"", (int)(to - from - 17), from + 17);
  emit("component_call_refused", kase, "pooling", "", 1, 0, "", 0, extra);
  wasmpool_error_delete(err);
}

static void calls(wasmpool_engine_t *engine, wasmpool_component_pre_t *pre, int k, uint64_t target) {
  const char *arg = arg_str("arg", "wasmpool");
  char want[256];
  /* the text component echoes; the toolchains' `hello` greets */
  snprintf(want, sizeof want, k == 0 ? "%s" : "Hello, %s!", arg);
  wasmpool_store_t *store;
  call_ctx c = {.export_name = EXPORTS[k], .want = want, .want_len = strlen(want)};
  c.arg.kind = WASMPOOL_COMPONENT_VALKIND_STRING;
  c.arg.of.string.data = (char *)arg;
  c.arg.of.string.len = strlen(arg);
  check(wasmpool_store_new(engine, &store), "store");
  check(wasmpool_component_pre_instantiate(pre, store, &c.inst), "component instantiate");
  check(wasmpool_component_instance_func(c.inst, c.export_name, &c.func), "component func");
  wasmpool_component_val_t res;
  wasmpool_error_t *err = wasmpool_component_func_call(c.func, &c.arg, 1, &res, 1);
  if (err != NULL) {
    refused(CASES[k], err);
    wasmpool_store_delete(store);
    return;
  }
  expect(&c, &res);
  measured_t m;
  /* The looked-up call first: in lockstep (harness/lockstep.py) it takes turns with the native
   * program's first measurement, `Func::call`, the figure it is compared with. */
  if (arg_selects("calls", "wasmpool_component_func_call")) {
    m = measure(call_func, &c, 1000, target);
    emit("component_calls", CASES[k], "pooling", "wasmpool_component_func_call", 1, m.ns_per_op, "ns/call",
         m.iters, NULL);
  }
  if (arg_selects("calls", "wasmpool_component_instance_call")) {
    m = measure(call_by_name, &c, 1000, target);
    emit("component_calls", CASES[k], "pooling", "wasmpool_component_instance_call", 1, m.ns_per_op, "ns/call",
         m.iters, NULL);
  }
  wasmpool_store_delete(store);
}

static int cmd_components(void) {
  const char *dir = arg_required("modules");
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  uint64_t target = arg_u64("target_ms", 200) * 1000000u;
  uint64_t warmup = arg_u64("warmup", 200);
  bool pooling;
  const char *strategy;
  for (int s = 0; next_strategy(&s, &pooling, &strategy);) {
    wasmpool_engine_t *engine = new_engine(bench_config(pooling, total), pooling);
    for (int k = 0; k < NCASES; k++) {
      const char *file = arg_str(CASES[k], "none");
      if (!arg_selects("cases", CASES[k]) || (k > 0 && strcmp(file, "none") == 0)) continue;
      wasmpool_component_t *component = load(engine, dir, k, file);
      wasmpool_component_pre_t *pre = make_pre(engine, component);
      wasmpool_component_delete(component); /* the pre keeps what it needs */
      if (arg_selects("only", "instantiate")) {
        inst_ctx c = {engine, pre};
        measured_t m = measure(inst_batch, &c, warmup, target);
        emit("component_instantiate", CASES[k], strategy, "", 1, m.ns_per_op, "ns/op", m.iters, NULL);
      }
      if (pooling && arg_selects("only", "calls")) calls(engine, pre, k, target);
      wasmpool_component_pre_delete(pre);
    }
    wasmpool_engine_delete(engine);
  }
  return 0;
}

/* Compiles a component once and serialises it to `out` for `components`. */
static int cmd_component_compile(void) {
  const char *wasm = arg_required("wasm");
  const char *out = arg_required("out");
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  uint64_t trials = arg_u64("trials", 1);
  size_t len;
  uint8_t *bytes = read_file(wasm, &len);
  wasmpool_engine_t *engine = new_engine(bench_config(true, total), true);
  wasmpool_component_t *component = NULL;
  for (uint64_t t = 0; t < trials; t++) {
    wasmpool_component_delete(component);
    uint64_t t0 = now_ns();
    check(wasmpool_component_new(engine, bytes, len, &component), wasm);
    emit("component_compile", arg_required("case"), "pooling", "compile", 1, (double)(now_ns() - t0) / 1e6, "ms", 1,
         NULL);
  }
  wasmpool_bytes_t *ser;
  check(wasmpool_component_serialize(component, &ser), "serialize");
  write_file(out, wasmpool_bytes_data(ser), wasmpool_bytes_len(ser));
  wasmpool_bytes_delete(ser);
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
  /* the artifact must load in the on-demand engine too (`components` uses it for both) */
  engine = new_engine(bench_config(false, total), false);
  check(wasmpool_component_deserialize_file(engine, out, &component), "deserialize_file on-demand");
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
  free(bytes);
  return 0;
}

int component_main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  g_path = BENCH_PATH;
  if (strcmp(argv[1], "components") == 0) return cmd_components();
  if (strcmp(argv[1], "component_compile") == 0) return cmd_component_compile();
  die("unknown command %s", argv[1]);
  return 2;
}
