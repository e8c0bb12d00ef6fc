/* The WASI test guests (tests/guests/c/, one program each), each as a wasm32-wasip1 module run
 * through WASI preview 1 and as a preview-2 command component (the same program plus the
 * preview-1 adapter), under pooling (the server preset), one fresh store per request through a pre:
 * exact stdout, stderr and exit code of each. Then 1,000 requests in a row per flavour, each
 * store with its own arguments and stdin, every output matched to its request, and the time
 * per request printed. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "wasi_guest.h"

static const char *const FLAVOURS[] = {"wasip1", "wasip2"};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void hello(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "hello");
  const char *argv[] = {"hello"};
  wasmpool_wasi_config_t *cfg = capture_config(argv, 1);
  result_t res = request(engine, &r, cfg);
  CHECK(res.code == 0);
  CHECK_STREQ(res.out, "hello from a wasm32-wasip1 guest\n");
  CHECK_STREQ(res.err, "");
  result_free(&res);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
}

static void stdio(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "stdio");
  const char *argv[] = {"stdio", "one", "two words", ""};
  wasmpool_wasi_config_t *cfg = capture_config(argv, 4);
  OK(wasmpool_wasi_config_env_set(cfg, "WASMPOOL_A", "1"));
  OK(wasmpool_wasi_config_env_set(cfg, "WASMPOOL_B", "x=y"));
  OK(wasmpool_wasi_config_env_set(cfg, "WASMPOOL_A", "replaced"));
  OK(wasmpool_wasi_config_env_set(cfg, "OTHER", "not printed"));
  const char in[] = "line 1\nline 2 \xc3\xa9";
  OK(wasmpool_wasi_config_stdin_bytes_set(cfg, (const uint8_t *)in, strlen(in)));
  result_t res = request(engine, &r, cfg);
  CHECK(res.code == 0);
  CHECK_STREQ(res.out,
              "argc=4\nargv[0]=stdio\nargv[1]=one\nargv[2]=two words\nargv[3]=\n"
              "env WASMPOOL_A=replaced\nenv WASMPOOL_B=x=y\n"
              "stdin=line 1\nline 2 \xc3\xa9\nstdin_len=16\n");
  CHECK_STREQ(res.err, "to stderr: 4 args\n");
  result_free(&res);

  /* The defaults: no arguments, no environment, empty stdin. */
  wasmpool_wasi_config_t *bare = capture_config(NULL, 0);
  res = request(engine, &r, bare);
  CHECK(res.code == 0);
  CHECK_STREQ(res.out, "argc=0\nstdin=\nstdin_len=0\n");
  CHECK_STREQ(res.err, "to stderr: 0 args\n");
  result_free(&res);
  wasmpool_wasi_config_delete(bare);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
}

static void files(const wasmpool_engine_t *engine, const char *flavour) {
  char dir[] = "/tmp/wasmpool-wasi-files-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  runner_t r = runner_new(engine, flavour, "files");
  const char *argv[] = {"files", "/data"};
  wasmpool_wasi_config_t *cfg = capture_config(argv, 2);
  OK(wasmpool_wasi_config_preopen_dir(cfg, dir, "/data", WASMPOOL_WASI_PERMS_READ_WRITE));
  result_t res = request(engine, &r, cfg);
  CHECK_STREQ(res.err, "");
  CHECK(res.code == 0);
  CHECK_STREQ(res.out,
              "created\nentry wasmpool-guest.txt\nread written by the files guest\ndeleted\ngone\n");
  result_free(&res);
  wasmpool_wasi_config_delete(cfg);

  /* The same guest on a read-only preopen: its first write fails, it says so and exits 1. */
  cfg = capture_config(argv, 2);
  OK(wasmpool_wasi_config_preopen_dir(cfg, dir, "/data", WASMPOOL_WASI_PERMS_READ_ONLY));
  res = request(engine, &r, cfg);
  CHECK(res.code == 1);
  CHECK_STREQ(res.out, "");
  CHECK(strncmp(res.err, "create /data/wasmpool-guest.txt: ", 33) == 0);
  result_free(&res);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
  CHECK(rmdir(dir) == 0); /* empty again: the guest deleted its file, the read-only run made none */
}

static int is_hex32(const char *s) {
  for (int i = 0; i < 32; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return s[32] == '\n' && s[33] == '\0';
}

static void clock_random(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "clock_random");
  wasmpool_wasi_config_t *cfg = capture_config(NULL, 0);
  result_t a = request(engine, &r, cfg), b = request(engine, &r, cfg);
  const char *prefix = "realtime_ok\nmonotonic_ok\nrandom ";
  for (result_t *x = &a; x != NULL; x = x == &a ? &b : NULL) {
    CHECK(x->code == 0);
    CHECK_STREQ(x->err, "");
    CHECK(strncmp(x->out, prefix, strlen(prefix)) == 0);
    CHECK(is_hex32(x->out + strlen(prefix)));
  }
  CHECK(strcmp(a.out, b.out) != 0); /* fresh random bytes per request */
  result_free(&a);
  result_free(&b);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
}

static void exit3(const wasmpool_engine_t *engine, const char *flavour) {
  runner_t r = runner_new(engine, flavour, "exit3");
  wasmpool_wasi_config_t *cfg = capture_config(NULL, 0);
  result_t res = request(engine, &r, cfg);
  /* As a module, proc_exit(3) is exit code 3. As a component, the preview-1 adapter turns
   * proc_exit(n != 0) into wasi:cli/exit's `err`, which carries no code: exit code 1 (as with
   * `wasmtime run`). */
  CHECK(res.code == (r.component ? 1 : 3));
  CHECK_STREQ(res.out, "exiting with 3\n");
  result_free(&res);
  wasmpool_wasi_config_delete(cfg);
  runner_delete(&r);
}

/* 1,000 requests, each store with its own arguments and stdin; every output must be the one of
 * its own request. */
static void many(const wasmpool_engine_t *engine, const char *flavour) {
  enum { N = 1000 };
  runner_t r = runner_new(engine, flavour, "stdio");
  double start = now_ms();
  for (int i = 0; i < N; i++) {
    char arg[32], in[64], want[256], want_err[64];
    snprintf(arg, sizeof arg, "request-%d", i);
    snprintf(in, sizeof in, "payload %d", i * 7919);
    const char *argv[] = {"stdio", arg};
    wasmpool_wasi_config_t *cfg = capture_config(argv, 2);
    OK(wasmpool_wasi_config_stdin_bytes_set(cfg, (const uint8_t *)in, strlen(in)));
    result_t res = request(engine, &r, cfg);
    wasmpool_wasi_config_delete(cfg);
    snprintf(want, sizeof want, "argc=2\nargv[0]=stdio\nargv[1]=%s\nstdin=%s\nstdin_len=%zu\n", arg,
             in, strlen(in));
    snprintf(want_err, sizeof want_err, "to stderr: 2 args\n");
    CHECK(res.code == 0);
    CHECK_STREQ(res.out, want);
    CHECK_STREQ(res.err, want_err);
    result_free(&res);
  }
  double ms = now_ms() - start;
  printf("%s: %d requests (new config, store, instantiate through the pre, run, read output, "
         "delete) in %.1f ms: %.1f us per request\n",
         flavour, N, ms, ms * 1e3 / N);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.core_instances == 0 && m.component_instances == 0);
  runner_delete(&r);
}

int main(void) {
  wasmpool_engine_t *engine = wasi_engine();
  for (size_t f = 0; f < 2; f++) {
    const char *flavour = FLAVOURS[f];
    hello(engine, flavour);
    stdio(engine, flavour);
    files(engine, flavour);
    clock_random(engine, flavour);
    exit3(engine, flavour);
    many(engine, flavour);
    printf("%s: hello, stdio, files, clock_random, exit3: ok\n", flavour);
  }
  wasmpool_engine_delete(engine);
  return 0;
}
