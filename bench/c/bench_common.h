/*
 * bench_common.h: what the two C benchmark programs (bench_wasmpool.c, bench_upstream.c) share:
 * the clock, batch calibration, statistics, /proc readers, argument parsing and the JSON lines
 * they print. Nothing here touches a WebAssembly runtime, so each program links only its own.
 *
 * Output: one JSON object per line on stdout, e.g.
 *   {"path":"wasmpool","bench":"instantiate","case":"mem1","strategy":"pooling",
 *    "threads":1,"value":1234.5,"unit":"ns/op","iters":100000}
 * bench/driver.py (bench/harness/run.py) collects these lines from every process and run.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- time ------------------------------------------------------------------------------ */

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* ---- failures -------------------------------------------------------------------------- */

static inline void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* ---- arguments: key=value pairs after the command ---------------------------------------- */

static int g_argc;
static char **g_argv;

static inline const char *arg_str(const char *key, const char *fallback) {
  size_t klen = strlen(key);
  for (int i = 2; i < g_argc; i++) {
    if (strncmp(g_argv[i], key, klen) == 0 && g_argv[i][klen] == '=') return g_argv[i] + klen + 1;
  }
  return fallback;
}

static inline uint64_t arg_u64(const char *key, uint64_t fallback) {
  const char *s = arg_str(key, NULL);
  if (s == NULL) return fallback;
  if (strcmp(s, "max") == 0) return UINT64_MAX;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end != '\0') die("argument %s=%s is not a number", key, s);
  return (uint64_t)v;
}

/* Whether `name` is in the comma-separated list `key` (all names when `key` is not given). */
static inline bool arg_selects(const char *key, const char *name) {
  const char *list = arg_str(key, NULL);
  if (list == NULL) return true;
  size_t n = strlen(name);
  for (const char *p = list; (p = strstr(p, name)) != NULL; p += n) {
    if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return true;
  }
  return false;
}

/* Steps through the allocation strategies `strategies=` selects, pooling first:
 *   bool pooling; const char *strategy;
 *   for (int s = 0; next_strategy(&s, &pooling, &strategy);) ... */
static inline bool next_strategy(int *s, bool *pooling, const char **strategy) {
  for (; *s < 2; ++*s) {
    *pooling = *s == 0;
    *strategy = *pooling ? "pooling" : "ondemand";
    if (arg_selects("strategies", *strategy)) {
      ++*s;
      return true;
    }
  }
  return false;
}

static inline const char *arg_required(const char *key) {
  const char *s = arg_str(key, NULL);
  if (s == NULL) die("missing argument %s=...", key);
  return s;
}

/* ---- files and /proc ------------------------------------------------------------------- */

static inline uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) die("cannot open %s: %s", path, strerror(errno));
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) die("cannot read %s", path);
  buf[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static inline void write_file(const char *path, const uint8_t *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) die("cannot write %s", path);
}

/* Resident set size of this process in bytes, from /proc/self/smaps_rollup ("Rss:"). */
static inline uint64_t rss_bytes(void) {
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  if (f == NULL) die("cannot open /proc/self/smaps_rollup");
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "Rss: %llu kB", &kb) == 1) break;
  }
  fclose(f);
  return (uint64_t)kb * 1024u;
}

/* ---- statistics ------------------------------------------------------------------------ */

static inline int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Sorts `v` in place and returns the q-quantile (0 <= q <= 1, nearest rank). */
static inline uint64_t quantile_u64(uint64_t *v, size_t n, double q) {
  if (n == 0) return 0;
  qsort(v, n, sizeof *v, cmp_u64);
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

/* ---- timed batches --------------------------------------------------------------------- */

/* Runs the operation under test `n` times. */
typedef void (*batch_fn)(void *ctx, uint64_t n);

typedef struct {
  double ns_per_op;
  uint64_t iters;
} measured_t;

/*
 * Lockstep with the other paths' programs (harness/lockstep.py). When the driver sets
 * BENCH_GATE="R,W" (two inherited file descriptors), every timed batch of measure() waits for its
 * turn: it writes 'r' to W, reads one byte from R, runs and writes 'd' to W. The driver hands
 * out the turns round-robin among the programs it compares, so their batches alternate every few
 * tens of milliseconds and a change in the machine's speed (another VM's load) falls on all of
 * them alike instead of on whichever ran at that moment. Without BENCH_GATE it does nothing.
 */
static int g_gate[2] = {-2, -2};

static inline bool gate_on(void) {
  if (g_gate[0] == -2) {
    const char *g = getenv("BENCH_GATE");
    if (!g || sscanf(g, "%d,%d", &g_gate[0], &g_gate[1]) != 2) g_gate[0] = g_gate[1] = -1;
  }
  return g_gate[0] >= 0;
}

static inline void gate_send(char c) {
  if (write(g_gate[1], &c, 1) != 1) { perror("bench: gate write"); exit(1); }
}

static inline void gate_enter(void) {
  if (!gate_on()) return;
  char c;
  gate_send('r');
  if (read(g_gate[0], &c, 1) != 1) { perror("bench: gate read"); exit(1); }
}

static inline void gate_leave(void) {
  if (gate_on()) gate_send('d');
}

/*
 * Warms up with `warmup` operations, grows the batch until one takes a tenth of `target_ns`,
 * then times `reps` batches (argument reps=, default 5, at most 64) that take about `target_ns`
 * together and returns the median batch's time per operation. Each timed batch takes its turn
 * when the driver runs the paths in lockstep (above).
 */
static inline measured_t measure(batch_fn fn, void *ctx, uint64_t warmup, uint64_t target_ns) {
  if (warmup > 0) fn(ctx, warmup);
  uint64_t fixed = arg_u64("iters", 0); /* for profiling: a fixed batch, no calibration */
  if (fixed > 0) {
    uint64_t t0 = now_ns();
    fn(ctx, fixed);
    measured_t m = {(double)(now_ns() - t0) / (double)fixed, fixed};
    return m;
  }
  uint64_t n = 1, took = 0;
  for (;;) {
    uint64_t t0 = now_ns();
    fn(ctx, n);
    took = now_ns() - t0;
    if (took >= target_ns / 10 || n >= (1ull << 40)) break;
    n *= 2;
  }
  /* batches of a reps-th each; the median batch resists a burst of other load */
  enum { REPS_MAX = 64 };
  uint64_t reps = arg_u64("reps", 5);
  if (reps < 1) reps = 1;
  if (reps > REPS_MAX) reps = REPS_MAX;
  uint64_t iters = took > 0 ? (uint64_t)((double)n * (double)target_ns / (double)took / (double)reps) : n;
  if (iters < 1) iters = 1;
  double per[REPS_MAX];
  for (uint64_t r = 0; r < reps; r++) {
    gate_enter();
    uint64_t t0 = now_ns();
    fn(ctx, iters);
    per[r] = (double)(now_ns() - t0) / (double)iters;
    gate_leave();
  }
  for (uint64_t i = 1; i < reps; i++) /* insertion sort */
    for (uint64_t j = i; j > 0 && per[j - 1] > per[j]; j--) {
      double t = per[j];
      per[j] = per[j - 1];
      per[j - 1] = t;
    }
  measured_t m = {per[reps / 2], iters * reps};
  return m;
}

/* ---- output ---------------------------------------------------------------------------- */

static const char *g_path = "?";

/* One result line. `extra` is NULL or more JSON members without braces ("\"k\":1,\"j\":2"). */
static inline void emit(const char *bench, const char *kase, const char *strategy, const char *variant,
                        int threads, double value, const char *unit, uint64_t iters, const char *extra) {
  printf("{\"path\":\"%s\",\"bench\":\"%s\",\"case\":\"%s\",\"strategy\":\"%s\",\"variant\":\"%s\","
         "\"threads\":%d,\"value\":%.6g,\"unit\":\"%s\",\"iters\":%" PRIu64 "%s%s}\n",
         g_path, bench, kase, strategy ? strategy : "", variant ? variant : "", threads, value, unit,
         iters, extra ? "," : "", extra ? extra : "");
  fflush(stdout);
}

/* ---- threads: run a loop on T threads for a fixed time ------------------------------------ */

typedef struct {
  void (*body)(void *ctx, int thread, uint64_t *ops); /* loops until *stop, counts ops */
  void *ctx;
  int thread;
  pthread_barrier_t *start;
  atomic_bool *stop;
  uint64_t ops, elapsed_ns, cpu_ns;
} worker_t;

static inline void *worker_main(void *p) {
  worker_t *w = p;
  pthread_barrier_wait(w->start);
  uint64_t t0 = now_ns(), c0 = thread_cpu_ns();
  w->body(w->ctx, w->thread, &w->ops);
  w->cpu_ns = thread_cpu_ns() - c0;
  w->elapsed_ns = now_ns() - t0;
  return NULL;
}

/*
 * Runs `body` on `threads` threads for `duration_ns` and returns the summed throughput
 * (operations per second), each thread's rate taken over its own running time. `*cpu_share`
 * receives the threads' CPU time over their wall time (1.0 per thread that had a core to itself
 * all along: below that, something else on the machine took CPU).
 */
static inline double run_threads(void (*body)(void *, int, uint64_t *), void *ctx, int threads,
                                 uint64_t duration_ns, atomic_bool *stop, uint64_t *total_ops,
                                 double *cpu_share) {
  pthread_t tids[16];
  worker_t workers[16];
  pthread_barrier_t start;
  if (threads < 1 || threads > 16) die("threads must be 1..16");
  pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
  atomic_store(stop, false);
  for (int t = 0; t < threads; t++) {
    workers[t] = (worker_t){body, ctx, t, &start, stop, 0, 0, 0};
    if (pthread_create(&tids[t], NULL, worker_main, &workers[t]) != 0) die("pthread_create");
  }
  pthread_barrier_wait(&start);
  sleep_ns(duration_ns);
  atomic_store(stop, true);
  double rate = 0, cpu = 0, wall = 0;
  *total_ops = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(tids[t], NULL);
    rate += (double)workers[t].ops * 1e9 / (double)(workers[t].elapsed_ns ? workers[t].elapsed_ns : 1);
    *total_ops += workers[t].ops;
    cpu += (double)workers[t].cpu_ns;
    wall += (double)workers[t].elapsed_ns;
  }
  *cpu_share = wall > 0 ? cpu / wall * threads : 0;
  pthread_barrier_destroy(&start);
  return rate;
}

/* ---- deterministic pseudo-random numbers (the churn order) ------------------------------ */

static inline uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

#endif /* BENCH_COMMON_H */
