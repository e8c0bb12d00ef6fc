/*
 * bench_wasmpool_wasi.c: the WASI measurement of bench_wasmpool (the same as
 * bench/native/src/wasi.rs's, with the same JSON lines).
 *
 *   bench_wasmpool wasi p1=WASM p2=WASM [pool_total=1000 target_ms=200 warmup=200 cap=65536]
 *
 * Options: cases=p1,p2  strategies=pooling,ondemand  iters=N (fixed batches, for profiling).
 * `p1` is the test guests' `hello` as a wasm32-wasip1 module, `p2` the same program as a
 * preview-2 command component (tests/guests: wasip1/hello.wasm, wasip2/hello.wasm).
 *
 * One request, as a per-request host writes it against the C API: a new WASI configuration
 * with the request's arguments and stdout captured with a cap of `cap` bytes, a new store, the
 * configuration set into it (wasmpool_store_wasi_set), an instance from the pre-instantiated
 * program, its run (wasmpool_instance_run / wasmpool_component_instance_run), the captured
 * stdout read (wasmpool_store_wasi_stdout) and checked, the store and the configuration
 * deleted. A request whose exit code or output differs is fatal: a broken run is never timed.
 */
#include "bench_wasmpool.h"

/* What `hello` prints (tests/guests/c/hello.c). */
static const char EXPECTED[] = "hello from a wasm32-wasip1 guest\n";
/* The guest's arguments, the same on every path: program name and one argument. */
static const char *const ARGS[] = {"hello", "request"};

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_instance_pre_t *p1;   /* the module's pre, or NULL */
  wasmpool_component_pre_t *p2;  /* the component's pre, or NULL */
  size_t cap;
} wasi_ctx;

static wasmpool_wasi_config_t *request_config(const wasi_ctx *c) {
  wasmpool_wasi_config_t *cfg = wasmpool_wasi_config_new();
  check(wasmpool_wasi_config_args_set(cfg, ARGS, 2), "wasi args");
  check(wasmpool_wasi_config_stdout_capture(cfg, c->cap), "wasi stdout capture");
  return cfg;
}

static void check_output(const char *kase, int32_t code, const wasmpool_store_t *store) {
  const uint8_t *data;
  size_t len;
  if (code != 0) die("%s: hello exited with %d", kase, (int)code);
  check(wasmpool_store_wasi_stdout(store, &data, &len), "wasi stdout");
  if (len != sizeof EXPECTED - 1 || memcmp(data, EXPECTED, len) != 0)
    die("%s: hello printed \"%.*s\"", kase, (int)len, (const char *)data);
}

static void p1_batch(void *p, uint64_t n) {
  const wasi_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) {
    wasmpool_wasi_config_t *cfg = request_config(c);
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    int32_t code;
    check(wasmpool_store_new(c->engine, &store), "store");
    check(wasmpool_store_wasi_set(store, cfg), "wasi set");
    check(wasmpool_instance_pre_instantiate(c->p1, store, &inst), "p1 instantiate");
    check(wasmpool_instance_run(inst, &code), "p1 run");
    check_output("p1", code, store);
    wasmpool_store_delete(store);
    wasmpool_wasi_config_delete(cfg);
  }
}

static void p2_batch(void *p, uint64_t n) {
  const wasi_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) {
    wasmpool_wasi_config_t *cfg = request_config(c);
    wasmpool_store_t *store;
    wasmpool_component_instance_t *inst;
    int32_t code;
    check(wasmpool_store_new(c->engine, &store), "store");
    check(wasmpool_store_wasi_set(store, cfg), "wasi set");
    check(wasmpool_component_pre_instantiate(c->p2, store, &inst), "p2 instantiate");
    check(wasmpool_component_instance_run(inst, &code), "p2 run");
    check_output("p2", code, store);
    wasmpool_store_delete(store);
    wasmpool_wasi_config_delete(cfg);
  }
}

static wasmpool_instance_pre_t *p1_pre(wasmpool_engine_t *engine, const char *file) {
  wasmpool_module_t *module;
  wasmpool_linker_t *linker;
  wasmpool_instance_pre_t *pre;
  check(wasmpool_module_new_file(engine, file, &module), file);
  check(wasmpool_linker_new(engine, &linker), "linker");
  check(wasmpool_linker_define_wasi(linker), "define wasi");
  check(wasmpool_linker_instantiate_pre(linker, module, &pre), "instantiate_pre");
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(module);
  return pre;
}

static int cmd_wasi(void) {
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  uint64_t target = arg_u64("target_ms", 200) * 1000000u;
  uint64_t warmup = arg_u64("warmup", 200);
  size_t cap = (size_t)arg_u64("cap", 65536);
  bool pooling;
  const char *strategy;
  for (int s = 0; next_strategy(&s, &pooling, &strategy);) {
    wasi_ctx c = {.engine = new_engine(bench_config(pooling, total), pooling), .cap = cap};
    if (arg_selects("cases", "p1")) {
      c.p1 = p1_pre(c.engine, arg_required("p1"));
      measured_t m = measure(p1_batch, &c, warmup, target);
      emit("wasi_request", "p1", strategy, "", 1, m.ns_per_op, "ns/request", m.iters, NULL);
      wasmpool_instance_pre_delete(c.p1);
    }
    if (arg_selects("cases", "p2")) {
      c.p2 = component_pre_file(c.engine, arg_required("p2"), wasmpool_component_linker_define_wasi);
      measured_t m = measure(p2_batch, &c, warmup, target);
      emit("wasi_request", "p2", strategy, "", 1, m.ns_per_op, "ns/request", m.iters, NULL);
      wasmpool_component_pre_delete(c.p2);
    }
    wasmpool_engine_delete(c.engine);
  }
  return 0;
}

int wasi_main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  g_path = BENCH_PATH;
  return cmd_wasi();
}
