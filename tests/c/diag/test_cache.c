/* The compilation cache (wasmpool_config_cache_dir_set): a module compiled in one process is
 * loaded from the cache directory by the next process (this program runs itself twice, each
 * child compiling the same module with a fresh engine): the first child misses and writes
 * files, the second hits, by Wasmtime's own counters (wasmpool_engine_cache_stats), and
 * compiles faster (both times printed). Also: the setter, getter and environment override, a
 * bad directory as an IO error naming the path at engine creation, statistics refused for an
 * engine without a cache. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A module with enough code that compiling it takes a while: 400 functions of arithmetic in
 * loops, and `run` calling the last. */
static char *big_module(void) {
  size_t cap = 1 << 20, len = 0;
  char *wat = malloc(cap);
  CHECK(wat != NULL);
  len += (size_t)snprintf(wat + len, cap - len, "(module $cached");
  for (int i = 0; i < 400; i++) {
    len += (size_t)snprintf(
        wat + len, cap - len,
        " (func $f%d (param i32) (result i32) (local i32)"
        "  (loop $l local.get 1 local.get 0 i32.const %d i32.mul i32.add i32.const 7 i32.rotl"
        "   local.set 1 local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)"
        "  local.get 1 %s)",
        i, i + 3, i > 0 ? "i32.const 3 call $f0 i32.xor" : "");
    CHECK(len < cap - 1024);
  }
  snprintf(wat + len, cap - len, " (func (export \"run\") (result i32) i32.const 10 call $f399))");
  return wat;
}

/* Child: compile the module with a cache in `dir`, print "hits misses microseconds result". */
static int child(const char *dir) {
  wasmpool_config_t *cfg = small_pool(2);
  OK(wasmpool_config_cache_dir_set(cfg, dir));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  char *wat = big_module();
  double t0 = now_s();
  wasmpool_module_t *module = compile_wat(engine, wat);
  double took = now_s() - t0;
  free(wat);
  wasmpool_cache_stats_t stats;
  OK(wasmpool_engine_cache_stats(engine, &stats));
  /* The loaded code runs like the compiled one. */
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t r;
  OK(wasmpool_instance_call(inst, "run", NULL, 0, &r, 1));
  printf("%zu %zu %.0f %d\n", stats.hits, stats.misses, took * 1e6, r.of.i32);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  return 0;
}

typedef struct {
  size_t hits, misses;
  double us;
  int result;
} run_t;

/* Runs this program as a new process in child mode and reads what it printed. The path comes
 * from readlink (which valgrind answers with the program's own path, not its launcher's). */
static run_t run_child(const char *dir) {
  char self[4096];
  ssize_t self_len = readlink("/proc/self/exe", self, sizeof self - 1);
  CHECK(self_len > 0);
  self[self_len] = '\0';
  int fds[2];
  CHECK(pipe(fds) == 0);
  fflush(stdout);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl(self, "test_cache", "--child", dir, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char buf[256];
  size_t len = 0;
  ssize_t n;
  while ((n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0) len += (size_t)n;
  buf[len] = '\0';
  close(fds[0]);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  run_t r;
  CHECK(sscanf(buf, "%zu %zu %lf %d", &r.hits, &r.misses, &r.us, &r.result) == 4);
  return r;
}

static int files_seen;
static int count_file(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)path, (void)ftw;
  if (type == FTW_F && st->st_size > 0) files_seen++;
  return 0;
}
static int count_files(const char *dir) {
  files_seen = 0;
  CHECK(nftw(dir, count_file, 16, FTW_PHYS) == 0);
  return files_seen;
}
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st, (void)type, (void)ftw;
  return remove(path);
}

static void across_processes(const char *dir) {
  struct stat st;
  CHECK(stat(dir, &st) != 0 && errno == ENOENT);
  run_t first = run_child(dir);
  int files = count_files(dir);
  run_t second = run_child(dir);
  printf("first process:  %zu hits, %zu misses, compiled in %8.0f us; %d file(s) in the cache\n",
         first.hits, first.misses, first.us, files);
  printf("second process: %zu hits, %zu misses, compiled in %8.0f us (%.1fx faster)\n", second.hits,
         second.misses, second.us, first.us / second.us);
  CHECK(first.hits == 0 && first.misses == 1);
  CHECK(files >= 1);
  CHECK(second.hits == 1 && second.misses == 0);
  CHECK(second.result == first.result);
  CHECK(second.us < first.us);
}

static void settings(const char *dir) {
  wasmpool_config_t *cfg = small_pool(2);
  CHECK(wasmpool_config_cache_dir_get(cfg) == NULL);
  CHECK(wasmpool_config_cache_dir_get(NULL) == NULL);
  OK(wasmpool_config_cache_dir_set(cfg, dir));
  CHECK(strcmp(wasmpool_config_cache_dir_get(cfg), dir) == 0);
  EXPECT_ERR(wasmpool_config_cache_dir_set(cfg, ""), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(wasmpool_config_cache_dir_get(cfg), dir) == 0); /* unchanged by the refusal */
  EXPECT_ERR(wasmpool_config_cache_dir_set(NULL, dir), WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* Two engines of one process share the directory: the second compile is a hit. */
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *m = compile_wat(engine, "(module (func (export \"f\")))");
  wasmpool_cache_stats_t stats;
  OK(wasmpool_engine_cache_stats(engine, &stats));
  CHECK(stats.hits == 0 && stats.misses == 1);
  wasmpool_module_delete(m);
  wasmpool_engine_delete(engine);
  engine = engine_from(cfg);
  m = compile_wat(engine, "(module (func (export \"f\")))");
  OK(wasmpool_engine_cache_stats(engine, &stats));
  CHECK(stats.hits == 1 && stats.misses == 0);
  wasmpool_module_delete(m);
  EXPECT_ERR(wasmpool_engine_cache_stats(engine, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_engine_cache_stats(NULL, &stats), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_engine_delete(engine);

  /* NULL turns it off: no statistics then. */
  OK(wasmpool_config_cache_dir_set(cfg, NULL));
  CHECK(wasmpool_config_cache_dir_get(cfg) == NULL);
  engine = engine_from(cfg);
  wasmpool_error_t *err = wasmpool_engine_cache_stats(engine, &stats);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "wasmpool_config_cache_dir_set") != NULL);
  wasmpool_error_delete(err);
  wasmpool_engine_delete(engine);

  /* A directory that cannot be made: an IO error naming the path, at engine creation. */
  char file[512], bad[600];
  snprintf(file, sizeof file, "%s/a-file", dir);
  FILE *f = fopen(file, "w");
  CHECK(f != NULL && fclose(f) == 0);
  snprintf(bad, sizeof bad, "%s/below", file);
  OK(wasmpool_config_cache_dir_set(cfg, bad));
  wasmpool_engine_t *none = NULL;
  err = wasmpool_engine_new(cfg, &none);
  CHECK(err != NULL && none == NULL);
  printf("bad directory: %s\n", wasmpool_error_message(err));
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_IO);
  CHECK(strstr(wasmpool_error_message(err), bad) != NULL);
  wasmpool_error_delete(err);
  CHECK(remove(file) == 0);

  /* The environment override: <PREFIX>CACHE_DIR, empty for none. */
  CHECK(setenv("CACHETEST_CACHE_DIR", dir, 1) == 0);
  size_t applied = 0;
  OK(wasmpool_config_apply_env(cfg, "CACHETEST_", &applied));
  CHECK(applied == 1 && strcmp(wasmpool_config_cache_dir_get(cfg), dir) == 0);
  CHECK(setenv("CACHETEST_CACHE_DIR", "", 1) == 0);
  OK(wasmpool_config_apply_env(cfg, "CACHETEST_", &applied));
  CHECK(applied == 1 && wasmpool_config_cache_dir_get(cfg) == NULL);
  CHECK(unsetenv("CACHETEST_CACHE_DIR") == 0);
  wasmpool_config_delete(cfg);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--child") == 0) return child(argv[2]);
  char top[] = "/tmp/wasmpool-cache-test-XXXXXX";
  CHECK(mkdtemp(top) != NULL);
  /* The cache directory does not exist yet: engine creation makes it. */
  char dir[128];
  snprintf(dir, sizeof dir, "%s/cache", top);
  across_processes(dir);
  char other[128];
  snprintf(other, sizeof other, "%s/settings", top);
  CHECK(mkdir(other, 0700) == 0);
  settings(other);
  CHECK(nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
  printf("cache ok\n");
  return 0;
}
