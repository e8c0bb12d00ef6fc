/* What the profiling tests share (test_profiling.c, test_jitdump.c): a module whose functions
 * have names a profiler must show, compiled and run once, and a file reader. */
#ifndef WASMPOOL_TESTS_DIAG_PROFILED_H
#define WASMPOOL_TESTS_DIAG_PROFILED_H

#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static const char NAMED[] =
    "(module $profiled"
    "  (func $wasmpool_profiled_function (export \"run\") (param i32) (result i32)"
    "    local.get 0 i32.const 3 i32.mul)"
    "  (func $crash (export \"crash\") unreachable))";

/* Compiles NAMED in `engine` and checks that `run` runs. */
static inline void compile_and_run(wasmpool_engine_t *engine) {
  wasmpool_module_t *module = compile_wat(engine, NAMED);
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t a = val_i32(14), r;
  OK(wasmpool_instance_call(inst, "run", &a, 1, &r, 1));
  CHECK(r.of.i32 == 42);
  wasmpool_error_t *err = wasmpool_instance_call(inst, "crash", NULL, 0, NULL, 0);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trace_count(err) == 1);
  wasmpool_trace_frame_t f;
  OK(wasmpool_error_trace_frame(err, 0, &f));
  CHECK(f.func_name != NULL && strcmp(f.func_name, "crash") == 0);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
}

static inline char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16, len = 0, n;
  char *buf = malloc(cap + 1);
  CHECK(buf != NULL);
  while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
      CHECK(buf != NULL);
    }
  }
  fclose(f);
  buf[len] = '\0';
  return buf;
}

#endif
