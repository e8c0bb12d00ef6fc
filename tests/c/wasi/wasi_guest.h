/* What the WASI tests share: the built guests (WASMPOOL_GUESTS_DIR, see tests/guests/README.md),
 * a runner that pre-links one guest as a module (preview 1, "wasip1") or as a component
 * (preview 2, "wasip2") once, and one request: a fresh store with its own WASI configuration,
 * instantiate through the pre, run, copy the captured stdout and stderr, delete the store. */
#ifndef WASMPOOL_TESTS_WASI_GUEST_H
#define WASMPOOL_TESTS_WASI_GUEST_H

#include "check.h"
#include "guests.h"

/* "<guests>/<flavour>/<name>.wasm"; a missing guest fails the test. */
static inline void guest_path(char *buf, size_t cap, const char *flavour, const char *name) {
  char relative[256];
  snprintf(relative, sizeof relative, "%s/%s.wasm", flavour, name);
  guest_file(buf, cap, relative);
}

/* The engine every WASI test uses: the server preset for 4 instances (the tests hold at most
 * two at once), which must pool, with 64 MiB memories reserved without the preset's large
 * guard regions, so that the pool also fits in valgrind's address space, and without the
 * pagemap scan: a warm slot is then reset by clearing its kept-resident bytes whole, not the
 * dirty pages the PAGEMAP_SCAN ioctl lists, whose output valgrind's memcheck does not model
 * (it reports the reset as reading uninitialised memory). Synchronous, unlike the preset, except
 * in the tests' `_async` variants. */
static inline wasmpool_engine_t *wasi_engine(void) {
  wasmpool_config_t *cfg = wasmpool_config_new_server(4);
  CHECK(cfg != NULL);
  OK(wasmpool_config_max_memory_size_set(cfg, 64u << 20));
  OK(wasmpool_config_memory_reservation_set(cfg, 64u << 20));
  OK(wasmpool_config_memory_guard_size_set(cfg, 64u << 10));
  OK(wasmpool_config_pagemap_scan_set(cfg, WASMPOOL_ENABLED_NO));
  OK(wasmpool_config_async_support_set(cfg, async_variant())); /* the preset's is true */
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  if (wasmpool_engine_strategy(engine) != WASMPOOL_STRATEGY_POOLING) {
    fprintf(stderr, "the server preset did not pool: %s\n", wasmpool_engine_fallback_reason(engine));
    exit(1);
  }
  return engine;
}

typedef struct runner {
  int component;
  wasmpool_instance_pre_t *pre;
  wasmpool_component_pre_t *cpre;
} runner_t;

/* `flavour` "wasip1" (a module, WASI preview 1) or "wasip2" (a component, preview 2). */
static inline runner_t runner_new(const wasmpool_engine_t *engine, const char *flavour,
                                  const char *name) {
  char path[1024];
  guest_path(path, sizeof path, flavour, name);
  runner_t r = {0};
  r.component = strcmp(flavour, "wasip2") == 0;
  if (r.component) {
    wasmpool_component_t *c = NULL;
    wasmpool_component_linker_t *l = NULL;
    OK(wasmpool_component_new_file(engine, path, &c));
    OK(wasmpool_component_linker_new(engine, &l));
    OK(wasmpool_component_linker_define_wasi(l));
    OK(wasmpool_component_linker_instantiate_pre(l, c, &r.cpre));
    wasmpool_component_linker_delete(l);
    wasmpool_component_delete(c);
  } else {
    wasmpool_module_t *m = NULL;
    wasmpool_linker_t *l = NULL;
    OK(wasmpool_module_new_file(engine, path, &m));
    OK(wasmpool_linker_new(engine, &l));
    OK(wasmpool_linker_define_wasi(l));
    OK(wasmpool_linker_instantiate_pre(l, m, &r.pre));
    wasmpool_linker_delete(l);
    wasmpool_module_delete(m);
  }
  return r;
}

static inline void runner_delete(runner_t *r) {
  wasmpool_instance_pre_delete(r->pre);
  wasmpool_component_pre_delete(r->cpre);
}

/* Instantiates the runner's guest in `store` and runs it; the exit code, or an error. */
static inline wasmpool_error_t *runner_run_in(const runner_t *r, wasmpool_store_t *store,
                                              int32_t *code) {
  wasmpool_error_t *err;
  if (r->component) {
    wasmpool_component_instance_t *inst = NULL;
    err = wasmpool_component_pre_instantiate(r->cpre, store, &inst);
    if (err == NULL) err = wasmpool_component_instance_run(inst, code);
  } else {
    wasmpool_instance_t *inst = NULL;
    err = wasmpool_instance_pre_instantiate(r->pre, store, &inst);
    if (err == NULL) err = wasmpool_instance_run(inst, code);
  }
  return err;
}

/* A NUL-terminated copy of captured output. */
static inline char *captured(const wasmpool_store_t *store, int err_stream) {
  const uint8_t *data = NULL;
  size_t len = 0;
  OK(err_stream ? wasmpool_store_wasi_stderr(store, &data, &len)
                : wasmpool_store_wasi_stdout(store, &data, &len));
  char *s = malloc(len + 1);
  CHECK(s != NULL);
  if (len > 0) memcpy(s, data, len);
  s[len] = '\0';
  return s;
}

typedef struct result {
  int32_t code;
  char *out, *err;
} result_t;

/* One request: a fresh store with `cfg` (which must capture stdout and stderr), run, outputs
 * copied, store deleted. */
static inline result_t request(const wasmpool_engine_t *engine, const runner_t *r,
                               const wasmpool_wasi_config_t *cfg) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_store_wasi_set(store, cfg));
  result_t res = {-1, NULL, NULL};
  OK(runner_run_in(r, store, &res.code));
  res.out = captured(store, 0);
  res.err = captured(store, 1);
  wasmpool_store_delete(store);
  return res;
}

static inline void result_free(result_t *res) {
  free(res->out);
  free(res->err);
}

/* A config capturing stdout and stderr (64 KiB each) with the given arguments. */
static inline wasmpool_wasi_config_t *capture_config(const char *const *argv, size_t argc) {
  wasmpool_wasi_config_t *cfg = wasmpool_wasi_config_new();
  CHECK(cfg != NULL);
  OK(wasmpool_wasi_config_args_set(cfg, argv, argc));
  OK(wasmpool_wasi_config_stdout_capture(cfg, 64 << 10));
  OK(wasmpool_wasi_config_stderr_capture(cfg, 64 << 10));
  return cfg;
}

#define CHECK_STREQ(got, want)                                                               \
  do {                                                                                       \
    const char *g_ = (got), *w_ = (want);                                                    \
    if (strcmp(g_, w_) != 0) {                                                               \
      fprintf(stderr, "%s:%d: got\n---\n%s---\nwanted\n---\n%s---\n", __FILE__, __LINE__, g_, \
              w_);                                                                           \
      exit(1);                                                                               \
    }                                                                                        \
  } while (0)

#endif
