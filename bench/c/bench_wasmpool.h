/*
 * bench_wasmpool.h: what the source files of bench_wasmpool share (bench_wasmpool.c, the core
 * module measurements, bench_wasmpool_component.c, the component ones, bench_wasmpool_wasi.c,
 * the WASI requests, and bench_wasmpool_http.c, the wasi:http requests): the error check and the
 * engine configuration every measurement uses.
 *
 * bench_common.h's argument globals are per source file: each file's entry point sets its own.
 */
#ifndef BENCH_WASMPOOL_H
#define BENCH_WASMPOOL_H

#include "bench_common.h"

#include <wasmpool.h>

/* The path the results are reported under: "wasmpool", or "static" for the same program linked
 * with libwasmpool.a (bench_wasmpool_static, built with -DBENCH_PATH="static"). */
#ifndef BENCH_PATH
#define BENCH_PATH "wasmpool"
#endif

static inline void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) return;
  fprintf(stderr, "bench_wasmpool: %s failed (kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(2);
}

/* The configuration every path uses for the instantiation, call and concurrency
 * measurements: Wasmtime's defaults, with each pool total set to `total`. */
static inline wasmpool_config_t *bench_config(bool pooling, uint32_t total) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  check(wasmpool_config_strategy_set(cfg, pooling ? WASMPOOL_STRATEGY_POOLING : WASMPOOL_STRATEGY_ON_DEMAND),
        "strategy");
  /* core_total: more core instances than other slots (a component has several) */
  check(wasmpool_config_total_core_instances_set(cfg, (uint32_t)arg_u64("core_total", total)), "total_core_instances");
  check(wasmpool_config_total_memories_set(cfg, total), "total_memories");
  check(wasmpool_config_total_tables_set(cfg, total), "total_tables");
  check(wasmpool_config_total_stacks_set(cfg, total), "total_stacks");
  check(wasmpool_config_total_component_instances_set(cfg, total), "total_component_instances");
  check(wasmpool_config_total_gc_heaps_set(cfg, total), "total_gc_heaps");
  /* 0 (Wasmtime's default) unless a measurement asks for keep-resident slots */
  check(wasmpool_config_linear_memory_keep_resident_set(cfg, (size_t)arg_u64("mem_keep", 0)), "mem keep");
  check(wasmpool_config_table_keep_resident_set(cfg, (size_t)arg_u64("table_keep", 0)), "table keep");
  if (arg_u64("pagemap", 0))
    check(wasmpool_config_pagemap_scan_set(cfg, WASMPOOL_ENABLED_YES), "pagemap_scan");
  return cfg;
}

static inline wasmpool_engine_t *new_engine(wasmpool_config_t *cfg, bool pooling) {
  wasmpool_engine_t *engine;
  check(wasmpool_engine_new(cfg, &engine), "engine");
  wasmpool_config_delete(cfg);
  if (wasmpool_engine_strategy(engine) != (pooling ? WASMPOOL_STRATEGY_POOLING : WASMPOOL_STRATEGY_ON_DEMAND))
    die("engine strategy is not the one asked for");
  return engine;
}

/* The component in `file` pre-instantiated with what `define` puts in a new linker
 * (wasmpool_component_linker_define_wasi, _define_http). */
static inline wasmpool_component_pre_t *component_pre_file(wasmpool_engine_t *engine, const char *file,
                                                           wasmpool_error_t *(*define)(wasmpool_component_linker_t *)) {
  wasmpool_component_t *component;
  wasmpool_component_linker_t *linker;
  wasmpool_component_pre_t *pre;
  check(wasmpool_component_new_file(engine, file, &component), file);
  check(wasmpool_component_linker_new(engine, &linker), "component linker");
  check(define(linker), "component linker definitions");
  check(wasmpool_component_linker_instantiate_pre(linker, component, &pre), "component instantiate_pre");
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);
  return pre;
}

/* bench_wasmpool_component.c: `components` and `component_compile` (argv as main's). */
int component_main(int argc, char **argv);
/* bench_wasmpool_wasi.c: `wasi` (argv as main's). */
int wasi_main(int argc, char **argv);
/* bench_wasmpool_http.c: `http` (argv as main's). */
int http_main(int argc, char **argv);

#endif
