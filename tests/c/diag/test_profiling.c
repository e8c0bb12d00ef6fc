/* Profiling and native debug info: `profiling` = PERFMAP writes /tmp/perf-<pid>.map with a
 * line naming each compiled guest function (JITDUMP: test_jitdump.c); `debug_info` builds an
 * engine whose modules compile and run, with traces intact. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static const char NAMED[] =
    "(module $profiled"
    "  (func $wasmpool_profiled_function (export \"run\") (param i32) (result i32)"
    "    local.get 0 i32.const 3 i32.mul)"
    "  (func $crash (export \"crash\") unreachable))";

/* Compiles NAMED in `engine` and checks that `run` runs. */
static void compile_and_run(wasmpool_engine_t *engine) {
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

static char *read_all(const char *path) {
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

static void perfmap(void) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
  unlink(path);
  wasmpool_config_t *cfg = small_pool(2);
  CHECK(wasmpool_config_profiling_get(cfg) == WASMPOOL_PROFILING_NONE);
  OK(wasmpool_config_profiling_set(cfg, WASMPOOL_PROFILING_PERFMAP));
  CHECK(wasmpool_config_profiling_get(cfg) == WASMPOOL_PROFILING_PERFMAP);
  wasmpool_engine_t *engine = engine_from(cfg);
  compile_and_run(engine);
  char *map = read_all(path);
  CHECK(map != NULL);
  /* "<address> <size> <name>" per function, the name including the wasm function's. */
  char *line = strstr(map, "wasmpool_profiled_function");
  CHECK(line != NULL);
  while (line > map && line[-1] != '\n') line--;
  unsigned long long addr = 0, size = 0;
  CHECK(sscanf(line, "%llx %llx", &addr, &size) == 2 && addr != 0 && size != 0);
  printf("perf map %s: %.*s\n", path, (int)strcspn(line, "\n"), line);
  free(map);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  CHECK(unlink(path) == 0);
}

static void debug_info(void) {
  wasmpool_config_t *cfg = small_pool(2);
  CHECK(!wasmpool_config_debug_info_get(cfg));
  OK(wasmpool_config_debug_info_set(cfg, true));
  CHECK(wasmpool_config_debug_info_get(cfg));
  OK(wasmpool_config_opt_level_set(cfg, WASMPOOL_OPT_LEVEL_NONE));
  wasmpool_engine_t *engine = engine_from(cfg);
  compile_and_run(engine);
  wasmpool_engine_delete(engine);
  /* With pooling off and backtrace details too. */
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  OK(wasmpool_config_wasm_backtrace_details_set(cfg, true));
  engine = engine_from(cfg);
  compile_and_run(engine);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("debug_info: compiled and ran\n");
}

int main(void) {
  perfmap();
  debug_info();
  return 0;
}
