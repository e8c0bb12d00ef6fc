/*
 * pool_demo.c: what the warm-slot threshold N does to a server's memory.
 *
 * A simulated server churns K distinct guest modules (think: tenants)
 * through a pool of P slots, C requests at a time, several rounds. Each
 * request instantiates a module in a fresh store, touches 256 KiB of its
 * memory, and deletes the store. Freed slots stay "warm" (affine to their
 * last module) and keep R = 128 KiB resident. For each N the demo prints how
 * many slots the churn ever touched, how many sit warm and unused at the
 * end, the bytes they keep resident, the process's RSS growth and the median
 * instantiation latency.
 *
 *   pool_demo [K [C [P]]]      defaults: K = 40 modules, C = 2, P = 64 slots
 *
 * Reading the table: small N bounds warm slots (and resident memory) near
 * N + C whatever K is; N >= K lets every module keep a warm slot of its own,
 * so resident memory grows with the number of distinct modules.
 */
#define _POSIX_C_SOURCE 200809L
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ROUNDS = 3, PAGES = 4, MAX_C = 16 };
static const size_t KEEP = 128u << 10;

static void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) return;
  fprintf(stderr, "pool_demo: %s failed (kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(1);
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
  }
  if (f) fclose(f);
  return kb;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct {
  unsigned long long touched, warm, resident;
  long rss_growth_kib;
  double median_us;
} row_t;

static row_t run(uint32_t n, int k, int c, uint32_t pool) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  check(wasmpool_config_total_memories_set(cfg, pool), "total_memories");
  check(wasmpool_config_total_core_instances_set(cfg, pool), "total_core_instances");
  check(wasmpool_config_total_tables_set(cfg, pool), "total_tables");
  check(wasmpool_config_max_memory_size_set(cfg, 1u << 20), "max_memory_size");
  check(wasmpool_config_linear_memory_keep_resident_set(cfg, KEEP), "keep_resident");
  check(wasmpool_config_max_unused_warm_slots_set(cfg, n), "max_unused_warm_slots");
  wasmpool_engine_t *engine;
  check(wasmpool_engine_new(cfg, &engine), "engine");
  wasmpool_config_delete(cfg);

  wasmpool_module_t **modules = calloc((size_t)k, sizeof *modules);
  for (int i = 0; i < k; i++) {
    char wat[512];
    snprintf(wat, sizeof wat,
             "(module (memory %d)"
             "  (func (export \"handle\") (local i32)"
             "    (loop (i32.store (local.get 0) (i32.const %d))"
             "      (local.set 0 (i32.add (local.get 0) (i32.const 4096)))"
             "      (br_if 0 (i32.lt_u (local.get 0) (i32.const %d))))))",
             PAGES, i + 1, PAGES * 65536);
    check(wasmpool_module_new(engine, (const uint8_t *)wat, strlen(wat), &modules[i]), "compile");
  }

  long rss_before = rss_kib();
  size_t total = (size_t)k * ROUNDS;
  double *lat = calloc(total, sizeof *lat);
  wasmpool_store_t *live[MAX_C] = {0};
  unsigned long long touched = 0;
  for (size_t r = 0; r < total; r++) {
    wasmpool_store_delete(live[r % (size_t)c]); /* the oldest request finishes */
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    check(wasmpool_store_new(engine, &store), "store");
    double t0 = now_us();
    check(wasmpool_instantiate(store, modules[r % (size_t)k], &inst), "instantiate");
    lat[r] = now_us() - t0;
    check(wasmpool_instance_call(inst, "handle", NULL, 0, NULL, 0), "handle");
    live[r % (size_t)c] = store;
    wasmpool_metrics_t m = {.struct_size = sizeof m};
    check(wasmpool_engine_metrics(engine, &m), "metrics");
    if (m.memories + m.unused_warm_memories > touched) touched = m.memories + m.unused_warm_memories;
  }
  for (int j = 0; j < c; j++) wasmpool_store_delete(live[j]);

  wasmpool_metrics_t m = {.struct_size = sizeof m};
  check(wasmpool_engine_metrics(engine, &m), "metrics");
  row_t row = {touched, m.unused_warm_memories, m.unused_memory_bytes_resident,
               rss_kib() - rss_before, 0};
  qsort(lat, total, sizeof *lat, cmp_double);
  row.median_us = lat[total / 2];
  free(lat);
  for (int i = 0; i < k; i++) wasmpool_module_delete(modules[i]);
  free(modules);
  wasmpool_engine_delete(engine);
  return row;
}

int main(int argc, char **argv) {
  int k = argc > 1 ? atoi(argv[1]) : 40;
  int c = argc > 2 ? atoi(argv[2]) : 2;
  uint32_t pool = argc > 3 ? (uint32_t)atoi(argv[3]) : 64;
  if (k < 1 || c < 1 || c > MAX_C || pool < (uint32_t)c) {
    fprintf(stderr, "usage: pool_demo [K>=1 [1<=C<=%d [P>=C]]]\n", MAX_C);
    return 2;
  }
  printf("K = %d distinct modules, C = %d concurrent, pool of %u slots, %d rounds, "
         "keep-resident R = %zu KiB per slot\n\n",
         k, c, pool, ROUNDS, KEEP >> 10);
  printf("%10s | %13s | %11s | %15s | %14s | %14s\n", "N", "slots touched", "unused warm",
         "resident bytes", "RSS growth KiB", "median inst us");
  printf("-----------+---------------+-------------+-----------------+----------------+---------------\n");
  uint32_t ns[] = {0, 4, 16, UINT32_MAX};
  int ok = 1;
  row_t rows[4];
  for (int i = 0; i < 4; i++) {
    rows[i] = run(ns[i], k, c, pool);
    char label[16];
    if (ns[i] == UINT32_MAX) snprintf(label, sizeof label, "unlimited");
    else snprintf(label, sizeof label, "%u", ns[i]);
    printf("%10s | %13llu | %11llu | %15llu | %14ld | %14.1f\n", label, rows[i].touched,
           rows[i].warm, rows[i].resident, rows[i].rss_growth_kib, rows[i].median_us);
    unsigned long long bound = (ns[i] > 1 ? ns[i] : 1) + (unsigned long long)c - 1;
    if (ns[i] != UINT32_MAX && rows[i].warm > bound) ok = 0;
  }
  printf("\nN bounds the unused warm slots (at most max(N,1) + C - 1) and the memory they keep;\n"
         "with N unlimited every module keeps its own warm slot (up to the pool size).\n");
  if (!ok || rows[3].warm <= rows[0].warm) {
    fprintf(stderr, "pool_demo: the warm-slot bound did not hold\n");
    return 1;
  }
  return 0;
}
