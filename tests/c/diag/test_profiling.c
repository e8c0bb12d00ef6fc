/* Profiling and native debug info: `profiling` = PERFMAP writes /tmp/perf-<pid>.map with a
 * line naming each compiled guest function (JITDUMP: test_jitdump.c); `debug_info` builds an
 * engine whose modules compile and run, with traces intact. */
#define _GNU_SOURCE
#include "profiled.h"

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
