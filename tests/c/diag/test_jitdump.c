/* `profiling` = JITDUMP: an engine writes jit-<pid>.dump (the jitdump format's magic, a code
 * record per compiled function) in the current directory. A test of its own because valgrind
 * cannot run it (Wasmtime's jitdump writer reads the vDSO, which valgrind does not map). */
#define _GNU_SOURCE
#include "profiled.h"

static void jitdump(void) {
  char dir[] = "/tmp/wasmpool-jitdump-XXXXXX", cwd[4096], path[128];
  CHECK(mkdtemp(dir) != NULL);
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  CHECK(chdir(dir) == 0);
  wasmpool_config_t *cfg = small_pool(2);
  OK(wasmpool_config_profiling_set(cfg, WASMPOOL_PROFILING_JITDUMP));
  wasmpool_engine_t *engine = engine_from(cfg);
  compile_and_run(engine);
  snprintf(path, sizeof path, "jit-%d.dump", (int)getpid());
  struct stat st;
  CHECK(stat(path, &st) == 0);
  printf("jitdump %s/%s: %lld bytes\n", dir, path, (long long)st.st_size);
  CHECK(st.st_size > 40); /* the header and at least one code record */
  char *dump = read_all(path);
  CHECK(dump != NULL && memcmp(dump, "DTiJ", 4) == 0); /* the jitdump magic, little-endian */
  free(dump);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  CHECK(unlink(path) == 0);
  CHECK(chdir(cwd) == 0);
  CHECK(rmdir(dir) == 0);
}

int main(void) {
  jitdump();
  return 0;
}
