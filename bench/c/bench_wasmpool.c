/*
 * bench_wasmpool.c: the wasmpool path of the benchmark, a C host of the installed libwasmpool.
 *
 *   bench_wasmpool round     modules=DIR large=CWASM [pool_total=1000 target_ms=200 warmup=200
 *                            conc_ms=500 loop=1000]
 *   bench_wasmpool compile   wasm=FILE out=CWASM [trials=3 dtrials=10]
 *   bench_wasmpool footprint modules=DIR n=N|max c=C [k=100 passes=3 keep=1048576 total=120]
 *   bench_wasmpool deadline  tick=MS [deadline_ms=20 trials=20]
 *   bench_wasmpool mechanism [trials=20 warmup=10]
 *   bench_wasmpool control   [conc_ms=500]      (2-thread scaling of a CPU loop and of madvise)
 *   bench_wasmpool components | component_compile ...   (bench_wasmpool_component.c)
 *   bench_wasmpool wasi ...                             (bench_wasmpool_wasi.c)
 *   bench_wasmpool http ...                             (bench_wasmpool_http.c)
 *
 * `round` options: only=instantiate,calls,concurrency,metrics  cases=empty,mem1,mem17data,large
 * strategies=pooling,ondemand  calls=<call names>  iters=N (fixed batches, for profiling)
 * large=none (skip the large module)  mem_keep= table_keep= (keep-resident bytes)  label=NAME.
 * pagemap=1 (pagemap_scan YES) is wasmpool-only among the C paths.
 *
 * `round` is one trial of the instantiation, call, concurrency and metrics measurements; the
 * driver runs it repeatedly, interleaved with the other paths' processes. Every result is a
 * JSON line (see bench_common.h). The module files are written by bench/harness/modules.py.
 */
#include "bench_wasmpool.h"

static wasmpool_module_t *load_wat(wasmpool_engine_t *engine, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wat", dir, name);
  size_t len;
  uint8_t *text = read_file(path, &len);
  wasmpool_module_t *module;
  check(wasmpool_module_new(engine, text, len, &module), path);
  free(text);
  return module;
}

/* ---- host function for the wasm->host loop: host.inc(i32) -> i32 ------------------------ */

static wasmpool_error_t *host_inc(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                  size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)nargs, (void)nresults;
  results[0].of.i32 = args[0].of.i32 + 1;
  return NULL;
}

static wasmpool_instance_pre_t *make_pre(wasmpool_engine_t *engine, wasmpool_module_t *module,
                                         bool traps, bool host) {
  wasmpool_linker_t *linker;
  check(wasmpool_linker_new(engine, &linker), "linker");
  if (host) {
    wasmpool_valkind_t i32 = WASMPOOL_VALKIND_I32;
    check(wasmpool_linker_define_func(linker, "host", "inc", &i32, 1, &i32, 1, host_inc, NULL, NULL),
          "define host.inc");
  }
  if (traps) check(wasmpool_linker_define_unknown_imports_as_traps(linker, module), "unknown imports");
  wasmpool_instance_pre_t *pre;
  check(wasmpool_linker_instantiate_pre(linker, module, &pre), "instantiate_pre");
  wasmpool_linker_delete(linker);
  return pre;
}

/* ---- instantiation: store_new + instance_pre_instantiate + store_delete ------------------- */

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_instance_pre_t *pre;
  atomic_bool *stop;
} inst_ctx;

static inline void instantiate_once(const inst_ctx *c) {
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  check(wasmpool_store_new(c->engine, &store), "store");
  check(wasmpool_instance_pre_instantiate(c->pre, store, &inst), "instantiate");
  wasmpool_store_delete(store);
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
  wasmpool_instance_t *inst;
  int32_t loop;
  wasmpool_func_t *nop, *mix; /* looked up once, for wasmpool_func_call */
} call_ctx;

static void call_nop(void *p, uint64_t n) {
  call_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) check(wasmpool_instance_call(c->inst, "nop", NULL, 0, NULL, 0), "nop");
}

static void call_mix(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmpool_val_t args[2] = {{.kind = WASMPOOL_VALKIND_I32, .of.i32 = 7}, {.kind = WASMPOOL_VALKIND_I64, .of.i64 = 9}};
  wasmpool_val_t res;
  for (uint64_t i = 0; i < n; i++) {
    check(wasmpool_instance_call(c->inst, "mix", args, 2, &res, 1), "mix");
    if (res.of.f32 != 16.0f) die("mix returned %f", (double)res.of.f32);
  }
}

static void func_nop(void *p, uint64_t n) {
  call_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) check(wasmpool_func_call(c->nop, NULL, 0, NULL, 0), "nop");
}

static void func_mix(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmpool_val_t args[2] = {{.kind = WASMPOOL_VALKIND_I32, .of.i32 = 7}, {.kind = WASMPOOL_VALKIND_I64, .of.i64 = 9}};
  wasmpool_val_t res;
  for (uint64_t i = 0; i < n; i++) {
    check(wasmpool_func_call(c->mix, args, 2, &res, 1), "mix");
    if (res.of.f32 != 16.0f) die("mix returned %f", (double)res.of.f32);
  }
}

static void call_loop(void *p, uint64_t n) {
  call_ctx *c = p;
  wasmpool_val_t arg = {.kind = WASMPOOL_VALKIND_I32, .of.i32 = c->loop}, res;
  for (uint64_t i = 0; i < n; i++) {
    check(wasmpool_instance_call(c->inst, "loop", &arg, 1, &res, 1), "loop");
    if (res.of.i32 != c->loop) die("loop returned %d", res.of.i32);
  }
}

/* ---- metrics snapshot -------------------------------------------------------------------- */

static void metrics_batch(void *p, uint64_t n) {
  wasmpool_engine_t *engine = p;
  wasmpool_metrics_t m;
  for (uint64_t i = 0; i < n; i++) {
    m.struct_size = sizeof m;
    check(wasmpool_engine_metrics(engine, &m), "metrics");
  }
  if (!m.pooling) die("metrics: not pooling");
}

/* ---- round ------------------------------------------------------------------------------- */

static const char *const CASES[] = {"empty", "mem1", "mem17data", "large"};

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
    wasmpool_engine_t *engine = new_engine(bench_config(pooling, total), pooling);
    wasmpool_instance_pre_t *pres[4];
    for (int k = 0; k < 4; k++) {
      wasmpool_module_t *module;
      bool is_large = strcmp(CASES[k], "large") == 0;
      pres[k] = NULL;
      if (is_large && strcmp(large, "none") == 0) continue;
      if (is_large)
        check(wasmpool_module_deserialize_file(engine, large, &module), "deserialize large");
      else
        module = load_wat(engine, dir, CASES[k]);
      pres[k] = make_pre(engine, module, is_large, false);
      wasmpool_module_delete(module); /* the pre keeps what it needs */
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
      for (int k = 1; k < 4; k += 2) { /* mem1 and large */
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
    if (pooling && arg_selects("only", "metrics")) {
      /* with one live instance, as a server polling between requests would see */
      wasmpool_store_t *store;
      wasmpool_instance_t *inst;
      check(wasmpool_store_new(engine, &store), "store");
      check(wasmpool_instance_pre_instantiate(pres[2], store, &inst), "instantiate");
      measured_t m = measure(metrics_batch, engine, 1000, target);
      emit("metrics", "snapshot", strategy, "wasmpool_engine_metrics", 1, m.ns_per_op, "ns/op", m.iters, NULL);
      wasmpool_store_delete(store);
    }
    if (pooling && arg_selects("only", "calls")) {
      wasmpool_module_t *module = load_wat(engine, dir, "calls");
      wasmpool_instance_pre_t *pre = make_pre(engine, module, false, true);
      wasmpool_store_t *store;
      wasmpool_instance_t *inst;
      check(wasmpool_store_new(engine, &store), "store");
      check(wasmpool_instance_pre_instantiate(pre, store, &inst), "instantiate calls");
      call_ctx c = {inst, loop, NULL, NULL};
      check(wasmpool_instance_func(inst, "nop", &c.nop), "func nop");
      check(wasmpool_instance_func(inst, "mix", &c.mix), "func mix");
      measured_t m;
      if (arg_selects("calls", "nop")) {
        m = measure(call_nop, &c, 10000, target);
        emit("calls", "nop", "", "wasmpool_instance_call", 1, m.ns_per_op, "ns/call", m.iters, NULL);
      }
      if (arg_selects("calls", "i32_i64_to_f32")) {
        m = measure(call_mix, &c, 10000, target);
        emit("calls", "i32_i64_to_f32", "", "wasmpool_instance_call", 1, m.ns_per_op, "ns/call", m.iters, NULL);
      }
      if (arg_selects("calls", "nop_func")) {
        m = measure(func_nop, &c, 10000, target);
        emit("calls", "nop", "", "wasmpool_func_call", 1, m.ns_per_op, "ns/call", m.iters, NULL);
      }
      if (arg_selects("calls", "i32_i64_to_f32_func")) {
        m = measure(func_mix, &c, 10000, target);
        emit("calls", "i32_i64_to_f32", "", "wasmpool_func_call", 1, m.ns_per_op, "ns/call", m.iters, NULL);
      }
      if (arg_selects("calls", "wasm_to_host")) {
        m = measure(call_loop, &c, 10, target);
        emit("calls", "wasm_to_host", "", "wasmpool_linker_define_func", 1, m.ns_per_op / loop, "ns/call",
             m.iters * (uint64_t)loop, NULL);
      }
      wasmpool_store_delete(store);
      wasmpool_instance_pre_delete(pre);
      wasmpool_module_delete(module);
    }
    for (int k = 0; k < 4; k++) wasmpool_instance_pre_delete(pres[k]);
    wasmpool_engine_delete(engine);
  }
  return 0;
}

/* ---- compile vs deserialize -------------------------------------------------------------- */

static int cmd_compile(void) {
  const char *wasm = arg_required("wasm");
  const char *out = arg_required("out");
  uint64_t trials = arg_u64("trials", 3), dtrials = arg_u64("dtrials", 10);
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  size_t len;
  uint8_t *bytes = read_file(wasm, &len);
  wasmpool_engine_t *engine = new_engine(bench_config(true, total), true);
  wasmpool_module_t *module = NULL;
  for (uint64_t t = 0; t < trials; t++) {
    wasmpool_module_delete(module);
    uint64_t t0 = now_ns();
    check(wasmpool_module_new(engine, bytes, len, &module), "compile large");
    emit("compile", "large", "pooling", "compile", 1, (double)(now_ns() - t0) / 1e6, "ms", 1, NULL);
  }
  wasmpool_bytes_t *ser;
  check(wasmpool_module_serialize(module, &ser), "serialize");
  write_file(out, wasmpool_bytes_data(ser), wasmpool_bytes_len(ser));
  wasmpool_module_delete(module);
  for (uint64_t t = 0; t < dtrials; t++) {
    uint64_t t0 = now_ns();
    check(wasmpool_module_deserialize(engine, wasmpool_bytes_data(ser), wasmpool_bytes_len(ser), &module),
          "deserialize");
    emit("compile", "large", "pooling", "deserialize", 1, (double)(now_ns() - t0) / 1e6, "ms", 1, NULL);
    wasmpool_module_delete(module);
  }
  for (uint64_t t = 0; t < dtrials; t++) {
    uint64_t t0 = now_ns();
    check(wasmpool_module_deserialize_file(engine, out, &module), "deserialize_file");
    emit("compile", "large", "pooling", "deserialize_file", 1, (double)(now_ns() - t0) / 1e6, "ms", 1, NULL);
    wasmpool_module_delete(module);
  }
  wasmpool_bytes_delete(ser);
  wasmpool_engine_delete(engine);
  /* the artifact must load in the on-demand engine too (`round` uses it for both) */
  engine = new_engine(bench_config(false, total), false);
  check(wasmpool_module_deserialize_file(engine, out, &module), "deserialize_file on-demand");
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  free(bytes);
  return 0;
}

/* ---- footprint: churn K modules at concurrency C ----------------------------------------- */

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_instance_pre_t **pres;
  uint64_t k, ops_per_thread;
  pthread_barrier_t *start, *done, *leave;
  uint64_t *lat_inst, *lat_del; /* per thread slices of ops_per_thread */
} churn_ctx;

typedef struct {
  churn_ctx *c;
  int thread;
} churn_arg;

static void *churn_main(void *p) {
  churn_arg *a = p;
  churn_ctx *c = a->c;
  uint64_t rng = 0x5eed0000u + (uint64_t)a->thread;
  uint64_t *li = c->lat_inst + (uint64_t)a->thread * c->ops_per_thread;
  uint64_t *ld = c->lat_del + (uint64_t)a->thread * c->ops_per_thread;
  pthread_barrier_wait(c->start);
  for (uint64_t i = 0; i < c->ops_per_thread; i++) {
    wasmpool_instance_pre_t *pre = c->pres[splitmix64(&rng) % c->k];
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    uint64_t t0 = now_ns();
    check(wasmpool_store_new(c->engine, &store), "store");
    check(wasmpool_instance_pre_instantiate(pre, store, &inst), "instantiate churn");
    uint64_t t1 = now_ns();
    check(wasmpool_instance_call(inst, "touch", NULL, 0, NULL, 0), "touch");
    uint64_t t2 = now_ns();
    wasmpool_store_delete(store);
    uint64_t t3 = now_ns();
    li[i] = t1 - t0;
    ld[i] = t3 - t2;
  }
  pthread_barrier_wait(c->done);  /* the main thread measures now */
  pthread_barrier_wait(c->leave);
  return NULL;
}

static int cmd_footprint(void) {
  const char *dir = arg_required("modules");
  uint64_t n = arg_u64("n", 0), k = arg_u64("k", 100), passes = arg_u64("passes", 3);
  int c = (int)arg_u64("c", 1);
  uint64_t keep = arg_u64("keep", 1u << 20);
  uint32_t total = (uint32_t)arg_u64("total", 120);
  if (c < 1 || c > 16) die("c must be 1..16");
  uint32_t warm = n >= UINT32_MAX ? UINT32_MAX : (uint32_t)n;

  wasmpool_config_t *cfg = bench_config(true, total);
  check(wasmpool_config_linear_memory_keep_resident_set(cfg, (size_t)keep), "keep_resident");
  check(wasmpool_config_max_unused_warm_slots_set(cfg, warm), "max_unused_warm_slots");
  wasmpool_engine_t *engine = new_engine(cfg, true);
  wasmpool_instance_pre_t **pres = calloc(k, sizeof *pres);
  wasmpool_module_t **modules = calloc(k, sizeof *modules);
  for (uint64_t i = 0; i < k; i++) {
    char name[64];
    snprintf(name, sizeof name, "churn_%03" PRIu64, i);
    /* Modules stay alive during the churn: deleting a module purges its warm slots. */
    modules[i] = load_wat(engine, dir, name);
    pres[i] = make_pre(engine, modules[i], false, false);
  }
  uint64_t ops_per_thread = passes * k / (uint64_t)c;
  pthread_barrier_t start, done, leave;
  pthread_barrier_init(&start, NULL, (unsigned)c + 1);
  pthread_barrier_init(&done, NULL, (unsigned)c + 1);
  pthread_barrier_init(&leave, NULL, (unsigned)c + 1);
  churn_ctx ctx = {engine, pres, k, ops_per_thread, &start, &done, &leave,
                   calloc(ops_per_thread * (uint64_t)c, sizeof(uint64_t)),
                   calloc(ops_per_thread * (uint64_t)c, sizeof(uint64_t))};
  pthread_t tids[16];
  churn_arg args[16];
  for (int t = 0; t < c; t++) {
    args[t] = (churn_arg){&ctx, t};
    if (pthread_create(&tids[t], NULL, churn_main, &args[t]) != 0) die("pthread_create");
  }
  wasmpool_metrics_t m0 = {.struct_size = sizeof m0}, m1 = {.struct_size = sizeof m1};
  sleep_ns(20000000); /* let the threads reach the barrier */
  check(wasmpool_engine_metrics(engine, &m0), "metrics");
  uint64_t rss0 = rss_bytes();
  uint64_t t0 = now_ns();
  pthread_barrier_wait(&start);
  pthread_barrier_wait(&done);
  uint64_t elapsed = now_ns() - t0;
  uint64_t rss1 = rss_bytes();
  check(wasmpool_engine_metrics(engine, &m1), "metrics");
  pthread_barrier_wait(&leave);
  for (int t = 0; t < c; t++) pthread_join(tids[t], NULL);

  uint64_t nops = ops_per_thread * (uint64_t)c;
  uint64_t inst_p50 = quantile_u64(ctx.lat_inst, nops, 0.5), inst_p99 = quantile_u64(ctx.lat_inst, nops, 0.99);
  uint64_t del_p50 = quantile_u64(ctx.lat_del, nops, 0.5);
  char extra[1024];
  snprintf(extra, sizeof extra,
           "\"n\":%" PRIu64 ",\"c\":%d,\"k\":%" PRIu64 ",\"ops\":%" PRIu64 ",\"keep\":%" PRIu64
           ",\"total\":%" PRIu32 ",\"unused_warm_memories\":%" PRIu64 ",\"unused_memory_bytes_resident\":%" PRIu64
           ",\"unused_warm_tables\":%" PRIu64 ",\"unused_table_bytes_resident\":%" PRIu64
           ",\"warm_before\":%" PRIu64 ",\"resident_before\":%" PRIu64
           ",\"rss_before\":%" PRIu64 ",\"rss_after\":%" PRIu64 ",\"rss_growth\":%" PRId64
           ",\"inst_p50_ns\":%" PRIu64 ",\"inst_p99_ns\":%" PRIu64 ",\"delete_p50_ns\":%" PRIu64
           ",\"elapsed_ns\":%" PRIu64,
           n, c, k, nops, keep, total, m1.unused_warm_memories, m1.unused_memory_bytes_resident,
           m1.unused_warm_tables, m1.unused_table_bytes_resident, m0.unused_warm_memories,
           m0.unused_memory_bytes_resident, rss0, rss1, (int64_t)rss1 - (int64_t)rss0, inst_p50, inst_p99,
           del_p50, elapsed);
  emit("footprint", n >= UINT32_MAX ? "unlimited" : "bounded", "pooling", "", c, (double)inst_p50, "ns", nops,
       extra);

  for (uint64_t i = 0; i < k; i++) {
    wasmpool_instance_pre_delete(pres[i]);
    wasmpool_module_delete(modules[i]);
  }
  wasmpool_engine_delete(engine);
  return 0;
}

/* ---- deadlines --------------------------------------------------------------------------- */

static wasmpool_engine_t *epoch_engine(uint64_t tick_ms) {
  wasmpool_config_t *cfg = bench_config(true, 4);
  check(wasmpool_config_epoch_interruption_set(cfg, true), "epoch_interruption");
  check(wasmpool_config_epoch_tick_interval_ms_set(cfg, tick_ms), "tick");
  return new_engine(cfg, true);
}

static const char SPIN[] = "(module (func (export \"forever\") (loop (br 0))))";

static wasmpool_instance_t *spin_instance(wasmpool_engine_t *engine, wasmpool_store_t **store,
                                          wasmpool_module_t **module) {
  check(wasmpool_module_new(engine, (const uint8_t *)SPIN, strlen(SPIN), module), "spin module");
  check(wasmpool_store_new(engine, store), "store");
  wasmpool_instance_t *inst;
  check(wasmpool_instantiate(*store, *module, &inst), "instantiate spin");
  return inst;
}

static void expect_interrupted(wasmpool_error_t *err) {
  if (err == NULL || wasmpool_error_kind(err) != WASMPOOL_ERROR_INTERRUPTED)
    die("expected INTERRUPTED, got %s", err ? wasmpool_error_message(err) : "success");
  wasmpool_error_delete(err);
}

/* With the engine's ticker: how long after the requested deadline the call returns. */
static int cmd_deadline(void) {
  uint64_t tick = arg_u64("tick", 1), deadline = arg_u64("deadline_ms", 20), trials = arg_u64("trials", 20);
  wasmpool_engine_t *engine = epoch_engine(tick);
  wasmpool_store_t *store;
  wasmpool_module_t *module;
  wasmpool_instance_t *inst = spin_instance(engine, &store, &module);
  char variant[32];
  snprintf(variant, sizeof variant, "tick_%" PRIu64 "ms", tick);
  for (uint64_t t = 0; t < trials; t++) {
    uint64_t t0 = now_ns();
    check(wasmpool_store_deadline_ms_set(store, deadline), "deadline_ms");
    wasmpool_error_t *err = wasmpool_instance_call(inst, "forever", NULL, 0, NULL, 0);
    uint64_t t1 = now_ns();
    expect_interrupted(err);
    double late_us = ((double)(t1 - t0) - (double)deadline * 1e6) / 1e3;
    char extra[128];
    snprintf(extra, sizeof extra, "\"deadline_ms\":%" PRIu64 ",\"elapsed_us\":%.1f", deadline,
             (double)(t1 - t0) / 1e3);
    emit("deadline", "overshoot", "pooling", variant, 1, late_us, "us", 1, extra);
  }
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  return 0;
}

typedef struct {
  wasmpool_engine_t *engine;
  atomic_int go;            /* 1: tick after 5 ms; -1: exit */
  _Atomic uint64_t ticked_at;
} ticker_arg;

static void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set); /* best effort */
}

static void *tick_once(void *p) {
  ticker_arg *a = p;
  pin_to_cpu(1);
  for (;;) {
    int go;
    while ((go = atomic_load(&a->go)) == 0) sleep_ns(100000);
    if (go < 0) return NULL;
    sleep_ns(5000000);
    atomic_store(&a->ticked_at, now_ns());
    wasmpool_engine_increment_epoch(a->engine);
    atomic_store(&a->go, 0);
  }
}

/* Without a ticker: the time from the epoch increment that reaches the deadline to the
 * INTERRUPTED return (the interruption mechanism itself). The guest runs on CPU 0 and the
 * incrementing thread on CPU 1, so the figure is not a scheduler's wake-up latency. */
static int cmd_mechanism(void) {
  uint64_t trials = arg_u64("trials", 20);
  wasmpool_engine_t *engine = epoch_engine(0);
  wasmpool_store_t *store;
  wasmpool_module_t *module;
  wasmpool_instance_t *inst = spin_instance(engine, &store, &module);
  pin_to_cpu(0);
  ticker_arg a = {engine, 0, 0};
  pthread_t tid;
  if (pthread_create(&tid, NULL, tick_once, &a) != 0) die("pthread_create");
  uint64_t warmup = arg_u64("warmup", 10); /* the first wake-ups of an idle vCPU are slow */
  for (uint64_t t = 0; t < warmup + trials; t++) {
    check(wasmpool_store_epoch_deadline_set(store, 1), "epoch_deadline");
    atomic_store(&a.go, 1);
    wasmpool_error_t *err = wasmpool_instance_call(inst, "forever", NULL, 0, NULL, 0);
    uint64_t t1 = now_ns();
    expect_interrupted(err);
    while (atomic_load(&a.go) != 0) sleep_ns(100000);
    if (t < warmup) continue;
    emit("deadline", "mechanism", "pooling", "manual_tick", 1, (double)(t1 - atomic_load(&a.ticked_at)) / 1e3,
         "us", 1, NULL);
  }
  atomic_store(&a.go, -1);
  pthread_join(tid, NULL);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  return 0;
}

/* ---- machine control: how 2 threads scale on this machine without Wasmtime ---------------- */

#include <sys/mman.h>

typedef struct {
  atomic_bool *stop;
} control_ctx;

static void control_spin(void *p, int thread, uint64_t *ops) {
  control_ctx *c = p;
  uint64_t x = 88172645463325252ull + (uint64_t)thread;
  while (!atomic_load_explicit(c->stop, memory_order_relaxed)) {
    for (int i = 0; i < 1000; i++) x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    (*ops)++;
  }
  if (x == 0) puts("");
}

/* what a pooled slot's reset does with Wasmtime's defaults: dirty a page, madvise it away */
static void control_madvise(void *p, int thread, uint64_t *ops) {
  (void)thread;
  control_ctx *c = p;
  volatile char *m = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) die("mmap");
  while (!atomic_load_explicit(c->stop, memory_order_relaxed)) {
    m[0] = 1;
    madvise((void *)m, 1 << 16, MADV_DONTNEED);
    (*ops)++;
  }
  munmap((void *)m, 1 << 16);
}

static int cmd_control(void) {
  uint64_t dur = arg_u64("conc_ms", 500) * 1000000u;
  atomic_bool stop;
  control_ctx c = {&stop};
  void (*bodies[2])(void *, int, uint64_t *) = {control_spin, control_madvise};
  const char *names[2] = {"cpu_loop", "madvise_dontneed"};
  for (int b = 0; b < 2; b++) {
    for (int threads = 1; threads <= 2; threads++) {
      uint64_t ops;
      double share;
      double rate = run_threads(bodies[b], &c, threads, dur, &stop, &ops, &share);
      char extra[64];
      snprintf(extra, sizeof extra, "\"cpu_share\":%.3f", share);
      g_path = "machine";
      emit("control", names[b], "", "", threads, rate, "ops/s", ops, extra);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  g_path = BENCH_PATH;
  if (argc < 2) die("usage: bench_wasmpool round|compile|footprint|deadline|mechanism|control|components|component_compile|wasi|http "
        "key=value...");
  const char *cmd = argv[1];
  if (strcmp(cmd, "round") == 0) return cmd_round();
  if (strcmp(cmd, "compile") == 0) return cmd_compile();
  if (strcmp(cmd, "footprint") == 0) return cmd_footprint();
  if (strcmp(cmd, "deadline") == 0) return cmd_deadline();
  if (strcmp(cmd, "mechanism") == 0) return cmd_mechanism();
  if (strcmp(cmd, "control") == 0) return cmd_control();
  if (strcmp(cmd, "components") == 0 || strcmp(cmd, "component_compile") == 0) return component_main(argc, argv);
  if (strcmp(cmd, "wasi") == 0) return wasi_main(argc, argv);
  if (strcmp(cmd, "http") == 0) return http_main(argc, argv);
  die("unknown command %s", cmd);
}
