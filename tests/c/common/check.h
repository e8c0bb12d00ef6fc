/* Small assertion helpers shared by the C tests. Each test is its own
 * program; a failed check prints where and why and exits non-zero. */
#ifndef WASMPOOL_TESTS_CHECK_H
#define WASMPOOL_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasmpool.h>

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* The call must succeed. */
#define OK(expr)                                                                 \
  do {                                                                           \
    wasmpool_error_t *ok_err_ = (expr);                                          \
    if (ok_err_ != NULL) {                                                       \
      fprintf(stderr, "%s:%d: %s failed (kind %d): %s\n", __FILE__, __LINE__,    \
              #expr, (int)wasmpool_error_kind(ok_err_),                          \
              wasmpool_error_message(ok_err_));                                  \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* The call must fail with `kind`; the error is released. */
#define EXPECT_ERR(expr, kind) expect_err_((expr), (kind), #expr, __FILE__, __LINE__)

static inline void expect_err_(wasmpool_error_t *err, wasmpool_error_kind_t kind,
                               const char *what, const char *file, int line) {
  if (err == NULL) {
    fprintf(stderr, "%s:%d: %s succeeded, expected error kind %d\n", file, line, what,
            (int)kind);
    exit(1);
  }
  const char *msg = wasmpool_error_message(err);
  if (wasmpool_error_kind(err) != kind) {
    fprintf(stderr, "%s:%d: %s: kind %d, expected %d: %s\n", file, line, what,
            (int)wasmpool_error_kind(err), (int)kind, msg);
    exit(1);
  }
  if (msg == NULL || msg[0] == '\0') {
    fprintf(stderr, "%s:%d: %s: empty error message\n", file, line, what);
    exit(1);
  }
  wasmpool_error_delete(err);
}

/* WASMPOOL_TEST_ASYNC=1 (the `_async` variants of the WASI and HTTP tests,
 * cmake/WasmpoolTests.cmake): their engines are async, guests on pooled fiber stacks with WASI's
 * async host functions. */
static inline bool async_variant(void) {
  const char *v = getenv("WASMPOOL_TEST_ASYNC");
  return v != NULL && strcmp(v, "1") == 0;
}

/* A pool of `n` slots of every kind with small per-slot reservations, so
 * tests can fill it quickly. */
static inline wasmpool_config_t *small_pool(uint32_t n) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  CHECK(cfg != NULL);
  OK(wasmpool_config_total_memories_set(cfg, n));
  OK(wasmpool_config_total_tables_set(cfg, n));
  OK(wasmpool_config_total_core_instances_set(cfg, n));
  OK(wasmpool_config_total_component_instances_set(cfg, n));
  OK(wasmpool_config_total_stacks_set(cfg, n));
  OK(wasmpool_config_total_gc_heaps_set(cfg, n));
  OK(wasmpool_config_max_memory_size_set(cfg, 16u << 20));
  OK(wasmpool_config_memory_reservation_set(cfg, 16u << 20));
  OK(wasmpool_config_memory_guard_size_set(cfg, 64u << 10));
  return cfg;
}

static inline wasmpool_engine_t *engine_from(wasmpool_config_t *cfg) {
  wasmpool_engine_t *engine = NULL;
  OK(wasmpool_engine_new(cfg, &engine));
  CHECK(engine != NULL);
  return engine;
}

static inline wasmpool_module_t *compile_wat(const wasmpool_engine_t *engine, const char *wat) {
  wasmpool_module_t *module = NULL;
  OK(wasmpool_module_new(engine, (const uint8_t *)wat, strlen(wat), &module));
  CHECK(module != NULL);
  return module;
}

static inline wasmpool_error_t *compile_wat_err(const wasmpool_engine_t *engine,
                                                const char *wat) {
  wasmpool_module_t *module = NULL;
  wasmpool_error_t *err =
      wasmpool_module_new(engine, (const uint8_t *)wat, strlen(wat), &module);
  CHECK((err == NULL) == (module != NULL));
  wasmpool_module_delete(module);
  return err;
}

static inline wasmpool_metrics_t metrics_of(const wasmpool_engine_t *engine) {
  wasmpool_metrics_t m;
  memset(&m, 0xAB, sizeof m);
  m.struct_size = sizeof m;
  OK(wasmpool_engine_metrics(engine, &m));
  return m;
}

static inline wasmpool_val_t val_i32(int32_t v) {
  wasmpool_val_t x;
  memset(&x, 0, sizeof x);
  x.kind = WASMPOOL_VALKIND_I32;
  x.of.i32 = v;
  return x;
}

#endif
