/* The WASI sandbox and the per-store state, for modules (preview 1) and components
 * (preview 2), under pooling:
 *  - the escape guest (tests/guests/c/escape.c) cannot leave its preopens: `..`, absolute
 *    paths, symlinks pointing out (to a directory, to a file) are refused; a read-only preopen
 *    refuses create, write, unlink and mkdir and still reads; the read-write one writes;
 *  - a missing preopen directory is an IO error naming its path, when preopened and when a
 *    store opens it;
 *  - captured output is capped: the first max_bytes kept, the rest counted as dropped;
 *    output not captured cannot be read;
 *  - one store's output never appears in another's: two stores at once, and a store reusing
 *    the pool slot of the previous one;
 *  - a guest that calls WASI in a store without a WASI configuration gets a clear error. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_guest.h"

static const char *const FLAVOURS[] = {"wasip1", "wasip2"};

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  CHECK(fputs(text, f) >= 0);
  CHECK(fclose(f) == 0);
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return NULL;
  char *buf = calloc(1, 256);
  CHECK(buf != NULL);
  CHECK(fread(buf, 1, 255, f) < 255);
  fclose(f);
  return buf;
}

static void escapes(const wasmpool_engine_t *engine, const char *flavour) {
  char root[] = "/tmp/wasmpool-wasi-escape-XXXXXX";
  CHECK(mkdtemp(root) != NULL);
  char inside[64], ro[64], secret[64], link_dir[128], link_file[128], ro_file[128], p[160];
  snprintf(inside, sizeof inside, "%s/inside", root);
  snprintf(ro, sizeof ro, "%s/ro", root);
  snprintf(secret, sizeof secret, "%s/secret.txt", root);
  snprintf(link_dir, sizeof link_dir, "%s/link-dir", inside);
  snprintf(link_file, sizeof link_file, "%s/link-file", inside);
  snprintf(ro_file, sizeof ro_file, "%s/ro.txt", ro);
  CHECK(mkdir(inside, 0755) == 0 && mkdir(ro, 0755) == 0);
  write_file(secret, "secret");
  write_file(ro_file, "readonly");
  CHECK(symlink("..", link_dir) == 0);      /* relative, pointing out */
  CHECK(symlink(secret, link_file) == 0);   /* absolute, pointing out */

  runner_t r = runner_new(engine, flavour, "escape");
  const char *argv[] = {"escape", "/data", "/ro", secret};
  wasmpool_wasi_config_t *cfg = capture_config(argv, 4);
  OK(wasmpool_wasi_config_preopen_dir(cfg, inside, "/data", WASMPOOL_WASI_PERMS_READ_WRITE));
  OK(wasmpool_wasi_config_preopen_dir(cfg, ro, "/ro", WASMPOOL_WASI_PERMS_READ_ONLY));
  result_t res = request(engine, &r, cfg);
  CHECK_STREQ(res.out,
              "refused dotdot\nrefused dotdot-nested\nrefused absolute\nrefused absolute-etc\n"
              "refused symlink-dir\nrefused symlink-file\n"
              "refused ro-create\nrefused ro-write\nrefused ro-unlink\nrefused ro-mkdir\n"
              "read-ok readonly\nwrite-ok\n");
  CHECK(res.code == 0);
  result_free(&res);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);

  /* The host's view agrees: nothing changed outside or in the read-only directory. */
  char *s = read_text(secret), *o = read_text(ro_file), *w;
  CHECK(s != NULL && strcmp(s, "secret") == 0);
  CHECK(o != NULL && strcmp(o, "readonly") == 0);
  snprintf(p, sizeof p, "%s/new.txt", ro);
  CHECK(access(p, F_OK) != 0);
  snprintf(p, sizeof p, "%s/dir", ro);
  CHECK(access(p, F_OK) != 0);
  snprintf(p, sizeof p, "%s/written.txt", inside);
  w = read_text(p);
  CHECK(w != NULL && strcmp(w, "ok") == 0);
  free(s);
  free(o);
  free(w);
  CHECK(unlink(p) == 0 && unlink(link_dir) == 0 && unlink(link_file) == 0);
  CHECK(unlink(ro_file) == 0 && unlink(secret) == 0);
  CHECK(rmdir(inside) == 0 && rmdir(ro) == 0 && rmdir(root) == 0);
  printf("%s: escapes refused, read-only preopen refuses writes\n", flavour);
}

static void expect_io_naming(wasmpool_error_t *err, const char *path) {
  CHECK(err != NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_IO);
  if (strstr(wasmpool_error_message(err), path) == NULL) {
    fprintf(stderr, "error does not name %s: %s\n", path, wasmpool_error_message(err));
    exit(1);
  }
  printf("  %s\n", wasmpool_error_message(err));
  wasmpool_error_delete(err);
}

static void missing_dir(const wasmpool_engine_t *engine) {
  char dir[] = "/tmp/wasmpool-wasi-gone-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char missing[300];
  snprintf(missing, sizeof missing, "%s/missing", dir);
  wasmpool_wasi_config_t *cfg = wasmpool_wasi_config_new();
  expect_io_naming(wasmpool_wasi_config_preopen_dir(cfg, missing, "/data",
                                                    WASMPOOL_WASI_PERMS_READ_ONLY), missing);
  /* A file is not a directory. */
  char file[300];
  snprintf(file, sizeof file, "%s/file", dir);
  write_file(file, "x");
  expect_io_naming(wasmpool_wasi_config_preopen_dir(cfg, file, "/data",
                                                    WASMPOOL_WASI_PERMS_READ_ONLY), file);
  CHECK(unlink(file) == 0);
  /* There when preopened, gone when a store opens it. */
  OK(wasmpool_wasi_config_preopen_dir(cfg, dir, "/data", WASMPOOL_WASI_PERMS_READ_ONLY));
  CHECK(rmdir(dir) == 0);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  expect_io_naming(wasmpool_store_wasi_set(store, cfg), dir);
  wasmpool_store_delete(store);
  wasmpool_wasi_config_delete(cfg);
  EXPECT_ERR(wasmpool_wasi_config_preopen_dir(NULL, "/tmp", "/t", WASMPOOL_WASI_PERMS_READ_ONLY),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  cfg = wasmpool_wasi_config_new();
  EXPECT_ERR(wasmpool_wasi_config_preopen_dir(cfg, "/tmp", "/t", 7), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_wasi_config_preopen_dir(cfg, "/tmp", "", WASMPOOL_WASI_PERMS_READ_ONLY),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_wasi_config_env_set(cfg, "A=B", "c"), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_wasi_config_env_set(cfg, "", "c"), WASMPOOL_ERROR_INVALID_ARGUMENT);
  const char *bad[] = {"ok", NULL};
  EXPECT_ERR(wasmpool_wasi_config_args_set(cfg, bad, 2), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_wasi_config_delete(cfg);
  printf("missing preopen directories: IO errors naming the path\n");
}

static void capped(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "hello");
  const char *line = "hello from a wasm32-wasip1 guest\n";
  const size_t caps[] = {0, 1, 10, 33, 34, 1 << 20};
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    wasmpool_wasi_config_t *cfg = capture_config(NULL, 0);
    OK(wasmpool_wasi_config_stdout_capture(cfg, caps[i]));
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_store_wasi_set(store, cfg));
    int32_t code = -1;
    OK(runner_run_in(&r, store, &code));
    CHECK(code == 0);
    size_t keep = caps[i] < strlen(line) ? caps[i] : strlen(line);
    const uint8_t *data = NULL;
    size_t len = 99;
    uint64_t dropped = 99;
    OK(wasmpool_store_wasi_stdout(store, &data, &len));
    OK(wasmpool_store_wasi_stdout_dropped(store, &dropped));
    CHECK(len == keep && (len == 0 || memcmp(data, line, len) == 0));
    CHECK(dropped == strlen(line) - keep);
    OK(wasmpool_store_wasi_stderr_dropped(store, &dropped));
    CHECK(dropped == 0);
    wasmpool_store_delete(store);
    wasmpool_wasi_config_delete(cfg);
  }
  /* Not captured (discarded by default, or inherited): nothing to read. */
  wasmpool_wasi_config_t *cfg = wasmpool_wasi_config_new();
  OK(wasmpool_wasi_config_stderr_capture(cfg, 100));
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  const uint8_t *data = NULL;
  size_t len = 0;
  EXPECT_ERR(wasmpool_store_wasi_stdout(store, &data, &len), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_store_wasi_set(store, cfg));
  int32_t code = -1;
  OK(runner_run_in(&r, store, &code));
  CHECK(code == 0);
  EXPECT_ERR(wasmpool_store_wasi_stdout(store, &data, &len), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_store_wasi_stderr(store, &data, &len));
  CHECK(len == 0);
  wasmpool_store_delete(store);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
  printf("%s: captured output capped, the excess counted\n", flavour);
}

static void isolation(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "stdio");
  /* Two stores alive at once, run interleaved. */
  wasmpool_store_t *a = NULL, *b = NULL;
  OK(wasmpool_store_new(engine, &a));
  OK(wasmpool_store_new(engine, &b));
  wasmpool_wasi_config_t *ca = capture_config(NULL, 0), *cb = capture_config(NULL, 0);
  OK(wasmpool_wasi_config_stdin_bytes_set(ca, (const uint8_t *)"AAAA-secret", 11));
  OK(wasmpool_wasi_config_stdin_bytes_set(cb, (const uint8_t *)"BBBB", 4));
  OK(wasmpool_store_wasi_set(a, ca));
  OK(wasmpool_store_wasi_set(b, cb));
  int32_t code = -1;
  OK(runner_run_in(&r, a, &code));
  OK(runner_run_in(&r, b, &code));
  OK(runner_run_in(&r, a, &code)); /* a second instance in a: appends to a's buffer */
  char *oa = captured(a, 0), *ob = captured(b, 0);
  CHECK_STREQ(oa, "argc=0\nstdin=AAAA-secret\nstdin_len=11\nargc=0\nstdin=\nstdin_len=0\n");
  CHECK_STREQ(ob, "argc=0\nstdin=BBBB\nstdin_len=4\n");
  free(oa);
  free(ob);
  wasmpool_store_delete(a);
  wasmpool_store_delete(b);

  /* Slot reuse: the next stores get the slots a and b used; none sees their output. */
  for (int i = 0; i < 4; i++) {
    wasmpool_store_t *s = NULL;
    OK(wasmpool_store_new(engine, &s));
    OK(wasmpool_store_wasi_set(s, cb));
    OK(runner_run_in(&r, s, &code));
    char *o = captured(s, 0), *e = captured(s, 1);
    CHECK_STREQ(o, "argc=0\nstdin=BBBB\nstdin_len=4\n");
    CHECK(strstr(o, "AAAA") == NULL && strstr(e, "AAAA") == NULL);
    free(o);
    free(e);
    wasmpool_store_delete(s);
  }
  wasmpool_wasi_config_delete(ca);
  wasmpool_wasi_config_delete(cb);
  runner_delete(&r);
  printf("%s: outputs stay in their stores\n", flavour);
}

static void without_wasi(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "hello");
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  int32_t code = 12345;
  wasmpool_error_t *err = runner_run_in(&r, store, &code);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "wasmpool_store_wasi_set") != NULL);
  printf("  %s without WASI: %s\n", flavour, wasmpool_error_message(err));
  wasmpool_error_delete(err);
  CHECK(code == 12345);
  /* The store is still usable: configure WASI and run a new instance. */
  wasmpool_wasi_config_t *cfg = capture_config(NULL, 0);
  OK(wasmpool_store_wasi_set(store, cfg));
  OK(runner_run_in(&r, store, &code));
  CHECK(code == 0);
  char *o = captured(store, 0);
  CHECK_STREQ(o, "hello from a wasm32-wasip1 guest\n");
  free(o);
  wasmpool_store_delete(store);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
}

int main(void) {
  wasmpool_engine_t *engine = wasi_engine();
  missing_dir(engine);
  for (size_t f = 0; f < 2; f++) {
    escapes(engine, FLAVOURS[f]);
    capped(engine, FLAVOURS[f]);
    isolation(engine, FLAVOURS[f]);
    without_wasi(engine, FLAVOURS[f]);
  }
  wasmpool_engine_delete(engine);
  return 0;
}
