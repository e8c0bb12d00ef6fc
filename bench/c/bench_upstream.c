/*
 * bench_upstream.c: the upstream path of the benchmark, a C host of Wasmtime's own C API
 * (built from the wasmtime-c-api-impl crate by bench/upstream/, same Wasmtime version and
 * features as wasmpool). It never loads libwasmpool.
 *
 *   bench_upstream round   modules=DIR large=CWASM [pool_total=1000 target_ms=200 warmup=200
 *                          conc_ms=500 loop=1000]
 *   bench_upstream compile wasm=FILE out=CWASM [trials=3 dtrials=10]
 *
 * `round` options: only=instantiate,calls,concurrency,metrics  cases=empty,mem1,mem17data,large
 * strategies=pooling,ondemand  calls=<call names>  iters=N (fixed batches, for profiling)
 * large=none (skip the large module)  mem_keep= table_keep= (keep-resident bytes)  label=NAME.
 *
 * Same measurements, configuration and output as bench_wasmpool.c's commands of the same name.
 */
#include "bench_common.h"

#include <wasm.h>
#include <wasmtime.h>

static void check(wasmtime_error_t *err, wasm_trap_t *trap, const char *what) {
  if (err == NULL && trap == NULL) return;
  wasm_byte_vec_t msg;
  if (err != NULL) {
    wasmtime_error_message(err, &msg);
    wasmtime_error_delete(err);
  } else {
    wasm_trap_message(trap, &msg);
    wasm_trap_delete(trap);
  }
  fprintf(stderr, "bench_upstream: %s failed: %.*s\n", what, (int)msg.size, msg.data);
  wasm_byte_vec_delete(&msg);
  exit(2);
}

/* Wasmtime's defaults, with each pool total set to `total` (as bench_wasmpool.c does). */
static wasm_engine_t *new_engine(bool pooling, uint32_t total, bool epochs) {
  wasm_config_t *cfg = wasm_config_new();
  if (epochs) wasmtime_config_epoch_interruption_set(cfg, true);
  if (pooling) {
    wasmtime_pooling_allocation_config_t *p = wasmtime_pooling_allocation_config_new();
    wasmtime_pooling_allocation_config_total_core_instances_set(p, total);
    wasmtime_pooling_allocation_config_total_memories_set(p, total);
    wasmtime_pooling_allocation_config_total_tables_set(p, total);
    wasmtime_pooling_allocation_config_total_stacks_set(p, total);
    wasmtime_pooling_allocation_config_total_component_instances_set(p, total);
    wasmtime_pooling_allocation_config_total_gc_heaps_set(p, total);
    wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(p, (size_t)arg_u64("mem_keep", 0));
    wasmtime_pooling_allocation_config_table_keep_resident_set(p, (size_t)arg_u64("table_keep", 0));
    wasmtime_pooling_allocation_strategy_set(cfg, p);
    wasmtime_pooling_allocation_config_delete(p);
  }
  wasm_engine_t *engine = wasm_engine_new_with_config(cfg); /* takes cfg */
  if (engine == NULL) die("engine creation failed");
  return engine;
}

static wasmtime_module_t *load_wat(wasm_engine_t *engine, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wat", dir, name);
  size_t len;
  uint8_t *text = read_file(path, &len);
  wasm_byte_vec_t wasm;
  check(wasmtime_wat2wasm((const char *)text, len, &wasm), NULL, path);
  wasmtime_module_t *module;
  check(wasmtime_module_new(engine, (const uint8_t *)wasm.data, wasm.size, &module), NULL, path);
  wasm_byte_vec_delete(&wasm);
  free(text);
  return module;
}

/* ---- host functions for the wasm->host loop: host.inc(i32) -> i32 ----------------------- */

static wasm_trap_t *host_inc(void *env, wasmtime_caller_t *caller, const wasmtime_val_t *args, size_t nargs,
                             wasmtime_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)nargs, (void)nresults;
  results[0].kind = WASMTIME_I32;
  results[0].of.i32 = args[0].of.i32 + 1;
  return NULL;
}

static wasm_trap_t *host_inc_unchecked(void *env, wasmtime_caller_t *caller, wasmtime_val_raw_t *args_and_results,
                                       size_t n) {
  (void)env, (void)caller, (void)n;
  args_and_results[0].i32 = args_and_results[0].i32 + 1;
  return NULL;
}

static wasmtime_instance_pre_t *make_pre(wasm_engine_t *engine, wasmtime_module_t *module, bool traps,
                                         int host /* 0 none, 1 checked, 2 unchecked */) {
  wasmtime_linker_t *linker = wasmtime_linker_new(engine);
  if (host) {
    wasm_functype_t *ty = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    if (host == 1)
      check(wasmtime_linker_define_func(linker, "host", 4, "inc", 3, ty, host_inc, NULL, NULL), NULL, "define");
    else
      check(wasmtime_linker_define_func_unchecked(linker, "host", 4, "inc", 3, ty, host_inc_unchecked, NULL, NULL),
            NULL, "define unchecked");
    wasm_functype_delete(ty);
  }
  if (traps) check(wasmtime_linker_define_unknown_imports_as_traps(linker, module), NULL, "unknown imports");
  wasmtime_instance_pre_t *pre;
  check(wasmtime_linker_instantiate_pre(linker, module, &pre), NULL, "instantiate_pre");
  wasmtime_linker_delete(linker);
  return pre;
}

/* ---- instantiation: store_new + instance_pre_instantiate + store_delete ------------------- */

typedef struct {
  wasm_engine_t *engine;
  wasmtime_instance_pre_t *pre;
  atomic_bool *stop;
} inst_ctx;

static inline void instantiate_once(const inst_ctx *c) {
  wasmtime_store_t *store = wasmtime_store_new(c->engine, NULL, NULL);
  wasmtime_instance_t inst;
  wasm_trap_t *trap = NULL;
  wasmtime_error_t *err = wasmtime_instance_pre_instantiate(c->pre, wasmtime_store_context(store), &inst, &trap);
  check(err, trap, "instantiate");
  wasmtime_store_delete(store);
}

static void inst_batch(void *p, uint64_t n) {
  const inst_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) instantiate_once(c);
}

static void inst_loop(void *p, int thread, uint64_t *ops) {
  (void)thread;
  const inst_ctx *c = p;
  while (!atomic_load_explicit(c->stop, memory_order_relaxed)) {
    instantiate_once(c);
    (*ops)++;
  }
}

/* ---- calls ------------------------------------------------------------------------------ */

typedef struct {
  wasmtime_context_t *cx;
  wasmtime_func_t nop, mix, loop;
  int32_t n;
} call_ctx;

static void get_func(wasmtime_context_t *cx, wasmtime_instance_t *inst, const char *name, wasmtime_func_t *out) {
  wasmtime_extern_t item;
  if (!wasmtime_instance_export_get(cx, inst, name, strlen(name), &item) || item.kind != WASMTIME_EXTERN_FUNC)
    die("no export %s", name);
  *out = item.of.func;
}

static void call_nop(void *p, uint64_t n) {
  call_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) {
    wasm_trap_t *trap = NULL;
    check(wasmtime_func_call(c->cx, &c->nop, NULL, 0, NULL, 0, &trap), trap, "nop");
  }
}

static void call_nop_unchecked(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmtime_val_raw_t raw[1];
  for (uint64_t i = 0; i < n; i++) {
    wasm_trap_t *trap = NULL;
    check(wasmtime_func_call_unchecked(c->cx, &c->nop, raw, 1, &trap), trap, "nop unchecked");
  }
}

static void call_mix(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmtime_val_t args[2] = {{.kind = WASMTIME_I32, .of.i32 = 7}, {.kind = WASMTIME_I64, .of.i64 = 9}};
  wasmtime_val_t res;
  for (uint64_t i = 0; i < n; i++) {
    wasm_trap_t *trap = NULL;
    check(wasmtime_func_call(c->cx, &c->mix, args, 2, &res, 1, &trap), trap, "mix");
    if (res.of.f32 != 16.0f) die("mix returned %f", (double)res.of.f32);
  }
}

static void call_mix_unchecked(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmtime_val_raw_t raw[2];
  for (uint64_t i = 0; i < n; i++) {
    raw[0].i32 = 7;
    raw[1].i64 = 9;
    wasm_trap_t *trap = NULL;
    check(wasmtime_func_call_unchecked(c->cx, &c->mix, raw, 2, &trap), trap, "mix unchecked");
    if (raw[0].f32 != 16.0f) die("mix returned %f", (double)raw[0].f32);
  }
}

static void call_loop(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmtime_val_t arg = {.kind = WASMTIME_I32, .of.i32 = c->n}, res;
  for (uint64_t i = 0; i < n; i++) {
    wasm_trap_t *trap = NULL;
    check(wasmtime_func_call(c->cx, &c->loop, &arg, 1, &res, 1, &trap), trap, "loop");
    if (res.of.i32 != c->n) die("loop returned %d", res.of.i32);
  }
}

static const char *const CASES[] = {"empty", "mem1", "mem17data", "large"};

static void calls(wasm_engine_t *engine, const char *dir, int host, uint64_t target, int32_t loop) {
  wasmtime_module_t *module = load_wat(engine, dir, "calls");
  wasmtime_instance_pre_t *pre = make_pre(engine, module, false, host);
  wasmtime_store_t *store = wasmtime_store_new(engine, NULL, NULL);
  wasmtime_context_t *cx = wasmtime_store_context(store);
  wasmtime_instance_t inst;
  wasm_trap_t *trap = NULL;
  check(wasmtime_instance_pre_instantiate(pre, cx, &inst, &trap), trap, "instantiate calls");
  call_ctx c = {.cx = cx, .n = loop};
  get_func(cx, &inst, "nop", &c.nop);
  get_func(cx, &inst, "mix", &c.mix);
  get_func(cx, &inst, "loop", &c.loop);
  measured_t m;
  if (host == 1 && arg_selects("calls", "nop")) {
    m = measure(call_nop, &c, 10000, target);
    emit("calls", "nop", "", "wasmtime_func_call", 1, m.ns_per_op, "ns/call", m.iters, NULL);
  }
  if (host == 1 && arg_selects("calls", "nop_unchecked")) {
    m = measure(call_nop_unchecked, &c, 10000, target);
    emit("calls", "nop", "", "wasmtime_func_call_unchecked", 1, m.ns_per_op, "ns/call", m.iters, NULL);
  }
  if (host == 1 && arg_selects("calls", "i32_i64_to_f32")) {
    m = measure(call_mix, &c, 10000, target);
    emit("calls", "i32_i64_to_f32", "", "wasmtime_func_call", 1, m.ns_per_op, "ns/call", m.iters, NULL);
  }
  if (host == 1 && arg_selects("calls", "i32_i64_to_f32_unchecked")) {
    m = measure(call_mix_unchecked, &c, 10000, target);
    emit("calls", "i32_i64_to_f32", "", "wasmtime_func_call_unchecked", 1, m.ns_per_op, "ns/call", m.iters, NULL);
  }
  if (arg_selects("calls", host == 1 ? "wasm_to_host" : "wasm_to_host_unchecked")) {
    m = measure(call_loop, &c, 10, target);
    emit("calls", "wasm_to_host", "",
         host == 1 ? "wasmtime_linker_define_func" : "wasmtime_linker_define_func_unchecked", 1, m.ns_per_op / loop,
         "ns/call", m.iters * (uint64_t)loop, NULL);
  }
  wasmtime_store_delete(store);
  wasmtime_instance_pre_delete(pre);
  wasmtime_module_delete(module);
}

static int cmd_round(void) {
  const char *dir = arg_required("modules");
  const char *large = arg_str("large", "none"); /* "none": skip the large module */
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  uint64_t target = arg_u64("target_ms", 200) * 1000000u;
  uint64_t warmup = arg_u64("warmup", 200);
  uint64_t conc = arg_u64("conc_ms", 500) * 1000000u;
  int32_t loop = (int32_t)arg_u64("loop", 1000);
  atomic_bool stop;

  bool pooling;
  const char *strategy;
  for (int s = 0; next_strategy(&s, &pooling, &strategy);) {
    wasm_engine_t *engine = new_engine(pooling, total, false);
    wasmtime_instance_pre_t *pres[4];
    for (int k = 0; k < 4; k++) {
      wasmtime_module_t *module;
      bool is_large = strcmp(CASES[k], "large") == 0;
      pres[k] = NULL;
      if (is_large && strcmp(large, "none") == 0) continue;
      if (is_large)
        check(wasmtime_module_deserialize_file(engine, large, &module), NULL, "deserialize large");
      else
        module = load_wat(engine, dir, CASES[k]);
      pres[k] = make_pre(engine, module, is_large, 0);
      wasmtime_module_delete(module);
    }
    if (arg_selects("only", "instantiate")) {
      for (int k = 0; k < 4; k++) {
        if (!arg_selects("cases", CASES[k]) || pres[k] == NULL) continue;
        inst_ctx c = {engine, pres[k], &stop};
        measured_t m = measure(inst_batch, &c, warmup, target);
        emit("instantiate", CASES[k], strategy, "", 1, m.ns_per_op, "ns/op", m.iters, NULL);
      }
    }
    if (arg_selects("only", "concurrency")) {
      for (int k = 1; k < 4; k += 2) {
        if (!arg_selects("cases", CASES[k]) || pres[k] == NULL) continue;
        inst_ctx c = {engine, pres[k], &stop};
        inst_batch(&c, warmup);
        for (int threads = 1; threads <= 2; threads++) {
          uint64_t ops;
          double share;
          double rate = run_threads(inst_loop, &c, threads, conc, &stop, &ops, &share);
          char extra[64];
          snprintf(extra, sizeof extra, "\"cpu_share\":%.3f", share);
          emit("concurrency", CASES[k], strategy, arg_str("label", "defaults"), threads, rate, "ops/s", ops, extra);
        }
      }
    }
    if (pooling && arg_selects("only", "calls")) {
      calls(engine, dir, 1, target, loop);
      calls(engine, dir, 2, target, loop);
    }
    for (int k = 0; k < 4; k++)
      if (pres[k] != NULL) wasmtime_instance_pre_delete(pres[k]);
    wasm_engine_delete(engine);
  }
  return 0;
}

static int cmd_compile(void) {
  const char *wasm = arg_required("wasm");
  const char *out = arg_required("out");
  uint64_t trials = arg_u64("trials", 3), dtrials = arg_u64("dtrials", 10);
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  size_t len;
  uint8_t *bytes = read_file(wasm, &len);
  wasm_engine_t *engine = new_engine(true, total, false);
  wasmtime_module_t *module = NULL;
  for (uint64_t t = 0; t < trials; t++) {
    if (module) wasmtime_module_delete(module);
    uint64_t t0 = now_ns();
    check(wasmtime_module_new(engine, bytes, len, &module), NULL, "compile large");
    emit("compile", "large", "pooling", "compile", 1, (double)(now_ns() - t0) / 1e6, "ms", 1, NULL);
  }
  wasm_byte_vec_t ser;
  check(wasmtime_module_serialize(module, &ser), NULL, "serialize");
  write_file(out, (const uint8_t *)ser.data, ser.size);
  wasmtime_module_delete(module);
  for (uint64_t t = 0; t < dtrials; t++) {
    uint64_t t0 = now_ns();
    check(wasmtime_module_deserialize(engine, (const uint8_t *)ser.data, ser.size, &module), NULL, "deserialize");
    emit("compile", "large", "pooling", "deserialize", 1, (double)(now_ns() - t0) / 1e6, "ms", 1, NULL);
    wasmtime_module_delete(module);
  }
  for (uint64_t t = 0; t < dtrials; t++) {
    uint64_t t0 = now_ns();
    check(wasmtime_module_deserialize_file(engine, out, &module), NULL, "deserialize_file");
    emit("compile", "large", "pooling", "deserialize_file", 1, (double)(now_ns() - t0) / 1e6, "ms", 1, NULL);
    wasmtime_module_delete(module);
  }
  wasm_byte_vec_delete(&ser);
  wasm_engine_delete(engine);
  engine = new_engine(false, total, false);
  check(wasmtime_module_deserialize_file(engine, out, &module), NULL, "deserialize_file on-demand");
  wasmtime_module_delete(module);
  wasm_engine_delete(engine);
  free(bytes);
  return 0;
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  g_path = "upstream";
  if (argc < 2) die("usage: bench_upstream round|compile key=value...");
  if (strcmp(argv[1], "round") == 0) return cmd_round();
  if (strcmp(argv[1], "compile") == 0) return cmd_compile();
  die("unknown command %s", argv[1]);
}
