/* Engine creation never aborts: contradictory configs and refused
 * reservations are ENGINE errors; AUTO falls back to on-demand when the host
 * refuses the pool (tested in a child under RLIMIT_AS) and says why; MPK and
 * pagemap scan are exercised for real where the host has them. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ADD =
    "(module (memory 1) (func (export \"add\") (param i32 i32) (result i32)"
    "  (i32.add (local.get 0) (local.get 1))))";

/* Runs `add(2, 3)` on `engine` in a fresh store. */
static void run_guest(wasmpool_engine_t *engine) {
  wasmpool_module_t *module = compile_wat(engine, ADD);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t args[2] = {val_i32(2), val_i32(3)};
  wasmpool_val_t res[1];
  OK(wasmpool_instance_call(inst, "add", args, 2, res, 1));
  CHECK(res[0].kind == WASMPOOL_VALKIND_I32 && res[0].of.i32 == 5);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
}

static void contradiction(void) {
  /* max_memory_size above the reservation cannot be pooled: an ENGINE
   * error carrying Wasmtime's words, under POOLING and under AUTO (AUTO only
   * hides refusals by the host, not mistakes in the config). */
  wasmpool_strategy_t strategies[] = {WASMPOOL_STRATEGY_POOLING, WASMPOOL_STRATEGY_AUTO};
  for (int i = 0; i < 2; i++) {
    wasmpool_config_t *cfg = small_pool(4);
    OK(wasmpool_config_strategy_set(cfg, strategies[i]));
    OK(wasmpool_config_memory_reservation_set(cfg, 1u << 20));
    OK(wasmpool_config_max_memory_size_set(cfg, 64u << 20));
    wasmpool_engine_t *engine = (wasmpool_engine_t *)0x1;
    wasmpool_error_t *err = wasmpool_engine_new(cfg, &engine);
    CHECK(err != NULL);
    CHECK(engine == (wasmpool_engine_t *)0x1); /* untouched on failure */
    CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_ENGINE);
    CHECK(strstr(wasmpool_error_message(err), "exceeds the configured memory reservation") != NULL);
    wasmpool_error_delete(err);
    wasmpool_config_delete(cfg);
  }
  printf("contradictory config: ENGINE error under POOLING and AUTO\n");
}

static void impossible_reservation(void) {
  /* 100000 slots of 4 GiB exceed any 47-bit address space. */
  wasmpool_config_t *cfg = wasmpool_config_new();
  OK(wasmpool_config_total_memories_set(cfg, 100000));
  OK(wasmpool_config_total_core_instances_set(cfg, 100000));
  wasmpool_engine_t *engine = NULL;
  EXPECT_ERR(wasmpool_engine_new(cfg, &engine), WASMPOOL_ERROR_ENGINE);
  CHECK(engine == NULL);
  wasmpool_config_delete(cfg);
  printf("100000 x 4 GiB pool: ENGINE error, process alive\n");
}

/* In a child with the address space capped at 16 GiB, the default pool
 * (1000 x 4 GiB memories) cannot be reserved. */
static int child_under_rlimit(void) {
  struct rlimit lim = {(rlim_t)16 << 30, (rlim_t)16 << 30};
  CHECK(setrlimit(RLIMIT_AS, &lim) == 0);

  wasmpool_config_t *cfg = wasmpool_config_new();
  wasmpool_engine_t *engine = NULL;
  wasmpool_error_t *err = wasmpool_engine_new(cfg, &engine);
  CHECK(err != NULL && engine == NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_ENGINE);
  printf("child: POOLING under RLIMIT_AS: %.120s...\n", wasmpool_error_message(err));
  wasmpool_error_delete(err);

  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_AUTO));
  OK(wasmpool_engine_new(cfg, &engine));
  CHECK(wasmpool_engine_strategy(engine) == WASMPOOL_STRATEGY_ON_DEMAND);
  const char *reason = wasmpool_engine_fallback_reason(engine);
  CHECK(reason != NULL && reason[0] != '\0');
  /* The reason names the pools and the bytes that could not be reserved. */
  CHECK(strstr(reason, "bytes of address space") != NULL && strstr(reason, "memories") != NULL);
  printf("child: AUTO fell back to on-demand: %.160s...\n", reason);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(!m.pooling && m.core_instances == 0 && m.total_memories == 0);
  run_guest(engine);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  fflush(stdout); /* the child leaves with _exit, which does not flush */
  return 0;
}

static void rlimit_fallback(void) {
#if defined(__SANITIZE_ADDRESS__) || defined(WASMPOOL_SANITIZE)
  /* AddressSanitizer reserves terabytes of shadow memory at start-up: under
   * any RLIMIT_AS the child could not allocate at all. The fallback is tested
   * by the normal (and valgrind) runs. */
  printf("SKIP: RLIMIT_AS child under AddressSanitizer\n");
  return;
#endif
  fflush(stdout);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    _exit(child_under_rlimit());
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  printf("RLIMIT_AS child: POOLING refused, AUTO fell back and ran a guest\n");
}

static void auto_when_pooling_works(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_AUTO));
  wasmpool_engine_t *engine = engine_from(cfg);
  CHECK(wasmpool_engine_strategy(engine) == WASMPOOL_STRATEGY_POOLING);
  CHECK(wasmpool_engine_fallback_reason(engine) == NULL);
  run_guest(engine);
  wasmpool_engine_delete(engine);
  OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
  engine = engine_from(cfg);
  CHECK(wasmpool_engine_strategy(engine) == WASMPOOL_STRATEGY_ON_DEMAND);
  CHECK(wasmpool_engine_fallback_reason(engine) == NULL);
  run_guest(engine);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
}

static void memory_protection_keys(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_memory_protection_keys_set(cfg, WASMPOOL_ENABLED_YES));
  OK(wasmpool_config_max_memory_protection_keys_set(cfg, 2));
  wasmpool_engine_t *engine = NULL;
  wasmpool_error_t *err = wasmpool_engine_new(cfg, &engine);
  if (wasmpool_memory_protection_keys_available()) {
    OK(err);
    run_guest(engine);
    wasmpool_engine_delete(engine);
    printf("memory_protection_keys = YES: engine built and ran a guest on this pku host\n");
  } else {
    CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_ENGINE);
    wasmpool_error_delete(err);
    printf("SKIP: this host has no memory protection keys; checked that YES is an ENGINE "
           "error instead\n");
  }
  wasmpool_config_delete(cfg);
}

static void pagemap_scan(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_linear_memory_keep_resident_set(cfg, 65536));
  OK(wasmpool_config_pagemap_scan_set(cfg, WASMPOOL_ENABLED_YES));
  wasmpool_engine_t *engine = NULL;
  wasmpool_error_t *err = wasmpool_engine_new(cfg, &engine);
  if (err == NULL) {
    run_guest(engine);
    run_guest(engine);
    wasmpool_engine_delete(engine);
    printf("pagemap_scan = YES: engine built and reused a slot\n");
  } else {
    CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_ENGINE);
    printf("SKIP: pagemap scan unsupported by this kernel: %s\n", wasmpool_error_message(err));
    wasmpool_error_delete(err);
  }
  wasmpool_config_delete(cfg);
}

int main(void) {
  contradiction();
  impossible_reservation();
  rlimit_fallback();
  auto_when_pooling_works();
  memory_protection_keys();
  pagemap_scan();
  return 0;
}
