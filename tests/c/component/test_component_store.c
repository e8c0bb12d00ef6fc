/* What works for core instances works for component instances (the core-instance tests are
 * tests/c/core/test_store.c and tests/c/pool/test_wait.c; these mirror them with WAT
 * components):
 *  - store limits: memory.grow past `memory_size` (a limit per memory) fails in the guest (-1)
 *    as for modules; a component whose initial memory, tables or core instances are over the
 *    store's limits is LIMIT_EXCEEDED; the store's memory consumed counts the component's
 *    memories;
 *  - fuel: calls consume it, a looping component runs out (OUT_OF_FUEL, trap code
 *    OUT_OF_FUEL);
 *  - epoch deadlines, in ms with the engine's ticker and in ticks driven by the host:
 *    INTERRUPTED, trap code INTERRUPT;
 *  - one difference: after a trap (fuel and deadlines included) a core instance's store runs
 *    again, a component's does not (Wasmtime 48 marks the store as trapped and enters none of
 *    its component instances again, new ones included): TRAP saying to make a new store;
 *  - waiting for a free slot with total_component_instances = 1: a second instantiation
 *    waits, and succeeds when another thread deletes the store holding the slot; with nobody
 *    releasing it, POOL_EXHAUSTED at the timeout;
 *  - metrics: component_instances (and the core instances and memories under them) count the
 *    live ones, and go back to 0. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "component_vals.h"

/* One core instance with a memory of 1 page: grow, count down, spin. */
static const char *GROWER =
    "(component"
    "  (core module $m (memory (export \"memory\") 1)"
    "    (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    "    (func (export \"size\") (result i32) (memory.size))"
    "    (func (export \"spin\") (loop br 0))"
    "    (func (export \"count\") (param i32) (result i32)"
    "      (loop (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if 0 (local.get 0)))"
    "      (local.get 0)))"
    "  (core instance $i (instantiate $m))"
    "  (func (export \"grow\") (param \"pages\" u32) (result s32) (canon lift (core func $i \"grow\")))"
    "  (func (export \"size\") (result u32) (canon lift (core func $i \"size\")))"
    "  (func (export \"spin\") (canon lift (core func $i \"spin\")))"
    "  (func (export \"count\") (param \"n\" u32) (result u32) (canon lift (core func $i \"count\"))))";

/* Two core instances of a module with a memory of 2 pages and a table. */
static const char *BIG =
    "(component"
    "  (core module $m (memory 2) (table 1 funcref))"
    "  (core instance $a (instantiate $m))"
    "  (core instance $b (instantiate $m)))";

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static wasmpool_engine_t *engine_with(wasmpool_config_t *cfg) {
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  return engine;
}

static uint32_t call_u32(wasmpool_component_instance_t *inst, const char *name, uint32_t arg) {
  cval_t a = cv_u32(arg), r;
  OK(wasmpool_component_instance_call(inst, name, &a, 1, &r, 1));
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_U32);
  return r.of.u32;
}

static int32_t grow(wasmpool_component_instance_t *inst, uint32_t pages) {
  cval_t a = cv_u32(pages), r;
  OK(wasmpool_component_instance_call(inst, "grow", &a, 1, &r, 1));
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_S32);
  return r.of.s32;
}

static uint32_t size_pages(wasmpool_component_instance_t *inst) {
  cval_t r;
  OK(wasmpool_component_instance_call(inst, "size", NULL, 0, &r, 1));
  CHECK(r.kind == WASMPOOL_COMPONENT_VALKIND_U32);
  return r.of.u32;
}

/* `expr` fails with `kind` and trap code `code`. */
static void expect_trap(wasmpool_error_t *err, wasmpool_error_kind_t kind, wasmpool_trap_code_t code,
                        const char *what) {
  wasmpool_trap_code_t got = WASMPOOL_TRAP_OTHER;
  if (err == NULL || wasmpool_error_kind(err) != kind || !wasmpool_error_trap_code(err, &got) ||
      got != code) {
    fprintf(stderr, "%s: expected kind %d code %d, got %s kind %d code %d: %s\n", what, (int)kind,
            (int)code, err ? "an error of" : "success", err ? (int)wasmpool_error_kind(err) : -1,
            (int)got, err ? wasmpool_error_message(err) : "");
    exit(1);
  }
  wasmpool_error_delete(err);
}

/* After a trap (fuel and deadlines included) Wasmtime 48 enters no component instance of the
 * store again: the trapped one and a new one alike fail with TRAP, and wasmpool says why. */
static void poisoned(const wasmpool_component_pre_t *pre, wasmpool_store_t *store) {
  wasmpool_component_instance_t *fresh = component_instance(pre, store); /* instantiating works */
  cval_t a = cv_u32(1), r;
  wasmpool_error_t *err = wasmpool_component_instance_call(fresh, "count", &a, 1, &r, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "make a new store") != NULL);
  CHECK(strstr(wasmpool_error_message(err), "cannot enter component instance") != NULL);
  wasmpool_error_delete(err);
}

/* --- store limits ---------------------------------------------------------------------------- */

static void limits(void) {
  wasmpool_engine_t *engine = engine_with(small_pool(8));
  wasmpool_component_t *grower = component_wat(engine, GROWER);
  wasmpool_component_pre_t *pre = component_pre_plain(engine, grower);

  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_store_limits_t lim = wasmpool_store_limits_unlimited();
  lim.memory_size = 1u << 20; /* 16 pages */
  OK(wasmpool_store_limits_set(store, &lim));
  CHECK(wasmpool_store_memory_consumed(store) == 0);
  wasmpool_component_instance_t *inst = component_instance(pre, store);
  CHECK(wasmpool_store_memory_consumed(store) == 65536);
  CHECK(grow(inst, 10) == 1);
  CHECK(wasmpool_store_memory_consumed(store) == 11 * 65536);
  CHECK(grow(inst, 6) == -1); /* 17 pages > 1 MiB: refused in the guest, as for modules */
  CHECK(grow(inst, 5) == 11);
  CHECK(grow(inst, 1) == -1);
  CHECK(size_pages(inst) == 16);
  CHECK(wasmpool_store_memory_consumed(store) == 16 * 65536);
  /* The limit is per memory (Wasmtime's StoreLimits), as for modules: a second instance of
   * the component gets a memory of its own, and grows it as far. */
  wasmpool_component_instance_t *second = component_instance(pre, store);
  CHECK(grow(second, 15) == 1 && grow(second, 1) == -1);
  CHECK(wasmpool_store_memory_consumed(store) == 32 * 65536);
  CHECK(size_pages(inst) == 16); /* the first is untouched */
  wasmpool_store_delete(store);

  /* A component whose initial memory is over the limit, one whose tables are, and one with
   * more core instances than the store allows. */
  wasmpool_component_t *big = component_wat(engine, BIG);
  wasmpool_component_pre_t *big_pre = component_pre_plain(engine, big);
  struct {
    const char *what;
    size_t memory_size, tables, instances;
  } refusals[] = {
      {"memory_size 1 page, the component's memories have 2", 65536, SIZE_MAX, SIZE_MAX},
      {"tables 1, the component has 2", SIZE_MAX, 1, SIZE_MAX},
      {"instances 1, the component has 2 core instances", SIZE_MAX, SIZE_MAX, 1},
  };
  for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
    OK(wasmpool_store_new(engine, &store));
    lim = wasmpool_store_limits_unlimited();
    lim.memory_size = refusals[i].memory_size;
    lim.tables = refusals[i].tables;
    lim.instances = refusals[i].instances;
    OK(wasmpool_store_limits_set(store, &lim));
    wasmpool_component_instance_t *refused = NULL;
    wasmpool_error_t *err = wasmpool_component_pre_instantiate(big_pre, store, &refused);
    if (err == NULL || wasmpool_error_kind(err) != WASMPOOL_ERROR_LIMIT_EXCEEDED) {
      fprintf(stderr, "%s: expected LIMIT_EXCEEDED, got %s\n", refusals[i].what,
              err ? wasmpool_error_message(err) : "success");
      exit(1);
    }
    printf("store limit %s: LIMIT_EXCEEDED: %.*s\n", refusals[i].what,
           (int)strcspn(wasmpool_error_message(err), "\n"), wasmpool_error_message(err));
    wasmpool_error_delete(err);
    CHECK(refused == NULL);
    /* No component instance was made. The core instances made before the refusal (here the
     * first of the two) stay in the store, with their slots, until it is deleted: a Wasmtime
     * store frees nothing before it is dropped. */
    wasmpool_metrics_t m = metrics_of(engine);
    CHECK(m.component_instances == 0 && m.core_instances <= 1);
    if (refusals[i].instances == SIZE_MAX) {
      /* The store still takes what fits (GROWER: 1 instance, 1 page, no table). */
      inst = component_instance(pre, store);
      CHECK(call_u32(inst, "count", 3) == 0);
      CHECK(metrics_of(engine).component_instances == 1);
    }
    wasmpool_store_delete(store);
    m = metrics_of(engine);
    CHECK(m.component_instances == 0 && m.core_instances == 0 && m.memories == 0 && m.tables == 0);
  }
  /* Room for all of it: memories of 2 pages, 2 tables, 2 instances. */
  OK(wasmpool_store_new(engine, &store));
  lim = wasmpool_store_limits_unlimited();
  lim.memory_size = 2 * 65536;
  lim.tables = 2;
  lim.instances = 2;
  OK(wasmpool_store_limits_set(store, &lim));
  component_instance(big_pre, store);
  CHECK(wasmpool_store_memory_consumed(store) == 4 * 65536);
  wasmpool_store_delete(store);

  CHECK(metrics_of(engine).memories == 0);
  wasmpool_component_pre_delete(big_pre);
  wasmpool_component_delete(big);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(grower);
  wasmpool_engine_delete(engine);
  printf("store limits: memory.grow -1 at 1 MiB, consumed bytes exact, LIMIT_EXCEEDED beyond\n");
}

/* --- fuel ------------------------------------------------------------------------------------ */

static void fuel(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_consume_fuel_set(cfg, true));
  wasmpool_engine_t *engine = engine_with(cfg);
  wasmpool_component_t *c = component_wat(engine, GROWER);
  wasmpool_component_pre_t *pre = component_pre_plain(engine, c);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_store_fuel_set(store, 1000000));
  wasmpool_component_instance_t *inst = component_instance(pre, store);

  uint64_t before, after100, after200;
  OK(wasmpool_store_fuel_get(store, &before));
  CHECK(call_u32(inst, "count", 100) == 0);
  OK(wasmpool_store_fuel_get(store, &after100));
  CHECK(call_u32(inst, "count", 200) == 0);
  OK(wasmpool_store_fuel_get(store, &after200));
  uint64_t c100 = before - after100, c200 = after100 - after200;
  /* The loop body costs the same each iteration. */
  uint64_t per_iteration = (c200 - c100) / 100;
  CHECK(per_iteration > 0 && c200 - c100 == 100 * per_iteration && c100 >= 100 * per_iteration);
  printf("fuel: count(100) used %llu, count(200) used %llu (%llu per iteration)\n",
         (unsigned long long)c100, (unsigned long long)c200, (unsigned long long)per_iteration);

  /* Running out: a bounded loop with too little fuel, then a loop without end. */
  OK(wasmpool_store_fuel_set(store, 50));
  cval_t a = cv_u32(1000), r;
  expect_trap(wasmpool_component_instance_call(inst, "count", &a, 1, &r, 1), WASMPOOL_ERROR_OUT_OF_FUEL,
              WASMPOOL_TRAP_OUT_OF_FUEL, "count(1000) with 50 fuel");
  uint64_t left;
  OK(wasmpool_store_fuel_get(store, &left));
  CHECK(left == 0);
  /* Unlike a core instance's store, a store whose component ran out cannot run components
   * again, even refuelled and in a new instance (see poisoned()); a new store can. */
  OK(wasmpool_store_fuel_set(store, 1000000));
  poisoned(pre, store);
  wasmpool_store_delete(store);
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_store_fuel_set(store, 1000000));
  inst = component_instance(pre, store);
  CHECK(call_u32(inst, "count", 10) == 0);
  OK(wasmpool_store_fuel_set(store, 100000));
  double t0 = now_s();
  expect_trap(wasmpool_component_instance_call(inst, "spin", NULL, 0, NULL, 0), WASMPOOL_ERROR_OUT_OF_FUEL,
              WASMPOOL_TRAP_OUT_OF_FUEL, "spin with 100000 fuel");
  printf("fuel: spin stopped after 100000 units (%.1f ms)\n", (now_s() - t0) * 1e3);
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(c);
  wasmpool_engine_delete(engine);
}

/* --- epoch deadlines ------------------------------------------------------------------------- */

static void deadlines(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  OK(wasmpool_config_epoch_tick_interval_ms_set(cfg, 1));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_component_t *c = component_wat(engine, GROWER);
  wasmpool_component_pre_t *pre = component_pre_plain(engine, c);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst = component_instance(pre, store);
  /* No deadline set: calls run normally while the epoch advances. */
  CHECK(call_u32(inst, "count", 1000) == 0);

  OK(wasmpool_store_deadline_ms_set(store, 50));
  double t0 = now_s();
  wasmpool_error_t *err = wasmpool_component_instance_call(inst, "spin", NULL, 0, NULL, 0);
  double elapsed = now_s() - t0;
  expect_trap(err, WASMPOOL_ERROR_INTERRUPTED, WASMPOOL_TRAP_INTERRUPT, "spin with a 50 ms deadline");
  printf("deadline 50 ms: INTERRUPTED after %.1f ms\n", elapsed * 1e3);
  CHECK(elapsed >= 0.045 && elapsed < 2.0);
  /* The interruption poisons the store for components, whatever the new deadline; a new
   * store runs them. */
  OK(wasmpool_store_deadline_ms_set(store, 10000));
  poisoned(pre, store);
  wasmpool_store_delete(store);
  OK(wasmpool_store_new(engine, &store));
  inst = component_instance(pre, store);
  CHECK(call_u32(inst, "count", 1000) == 0);
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(c);
  wasmpool_engine_delete(engine);

  /* Host-driven ticks: an engine without a ticker. */
  OK(wasmpool_config_epoch_tick_interval_ms_set(cfg, 0));
  engine = engine_with(cfg);
  c = component_wat(engine, GROWER);
  pre = component_pre_plain(engine, c);
  OK(wasmpool_store_new(engine, &store));
  inst = component_instance(pre, store);
  EXPECT_ERR(wasmpool_store_deadline_ms_set(store, 5), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_store_epoch_deadline_set(store, 1));
  CHECK(call_u32(inst, "count", 1000) == 0); /* the epoch has not moved */
  wasmpool_engine_increment_epoch(engine);
  expect_trap(wasmpool_component_instance_call(inst, "spin", NULL, 0, NULL, 0), WASMPOOL_ERROR_INTERRUPTED,
              WASMPOOL_TRAP_INTERRUPT, "spin after the host's tick");
  wasmpool_store_delete(store);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(c);
  wasmpool_engine_delete(engine);
  printf("deadline in ticks: INTERRUPTED after the host's increment\n");
}

/* --- waiting for a free slot ----------------------------------------------------------------- */

typedef struct {
  wasmpool_store_t *store;
  double delay_s, released_at;
} releaser_t;

static void *release_later(void *arg) {
  releaser_t *r = arg;
  struct timespec ts = {0, (long)(r->delay_s * 1e9)};
  nanosleep(&ts, NULL);
  r->released_at = now_s();
  wasmpool_store_delete(r->store);
  return NULL;
}

static void wait_for_slot(void) {
  wasmpool_config_t *cfg = small_pool(1); /* one slot of every kind */
  OK(wasmpool_config_slot_wait_timeout_ms_set(cfg, 5000));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_component_t *c = component_wat(engine, GROWER);
  wasmpool_component_pre_t *pre = component_pre_plain(engine, c);

  wasmpool_store_t *holder = NULL, *waiter = NULL;
  OK(wasmpool_store_new(engine, &holder));
  component_instance(pre, holder);
  CHECK(metrics_of(engine).component_instances == 1);
  OK(wasmpool_store_new(engine, &waiter));
  releaser_t r = {holder, 0.2, 0};
  pthread_t t;
  double t0 = now_s();
  CHECK(pthread_create(&t, NULL, release_later, &r) == 0);
  wasmpool_component_instance_t *inst = component_instance(pre, waiter); /* waits for the slot */
  double got = now_s();
  CHECK(pthread_join(t, NULL) == 0);
  printf("slot wait: the second instantiation waited %.0f ms, until the first store was deleted "
         "on another thread\n", (got - t0) * 1e3);
  CHECK(got >= r.released_at && got - t0 >= 0.19 && got - t0 < 5.0);
  CHECK(call_u32(inst, "count", 5) == 0);
  CHECK(metrics_of(engine).component_instances == 1);

  /* Nobody releases: POOL_EXHAUSTED at the timeout. */
  wasmpool_engine_t *engine2;
  OK(wasmpool_config_slot_wait_timeout_ms_set(cfg, 100));
  engine2 = engine_from(cfg);
  wasmpool_component_t *c2 = component_wat(engine2, GROWER);
  wasmpool_component_pre_t *pre2 = component_pre_plain(engine2, c2);
  wasmpool_store_t *a = NULL, *b = NULL;
  OK(wasmpool_store_new(engine2, &a));
  component_instance(pre2, a);
  OK(wasmpool_store_new(engine2, &b));
  wasmpool_component_instance_t *none = NULL;
  t0 = now_s();
  EXPECT_ERR(wasmpool_component_pre_instantiate(pre2, b, &none), WASMPOOL_ERROR_POOL_EXHAUSTED);
  double took = now_s() - t0;
  CHECK(none == NULL);
  printf("slot wait: POOL_EXHAUSTED after %.0f ms of a 100 ms wait\n", took * 1e3);
  CHECK(took >= 0.095 && took < 2.0);
  wasmpool_store_delete(a);
  component_instance(pre2, b);
  wasmpool_store_delete(b);
  wasmpool_component_pre_delete(pre2);
  wasmpool_component_delete(c2);
  wasmpool_engine_delete(engine2);

  /* Without a wait, a full pool refuses at once. */
  OK(wasmpool_config_slot_wait_timeout_ms_set(cfg, 0));
  engine2 = engine_with(cfg);
  c2 = component_wat(engine2, GROWER);
  pre2 = component_pre_plain(engine2, c2);
  OK(wasmpool_store_new(engine2, &a));
  component_instance(pre2, a);
  OK(wasmpool_store_new(engine2, &b));
  t0 = now_s();
  EXPECT_ERR(wasmpool_component_pre_instantiate(pre2, b, &none), WASMPOOL_ERROR_POOL_EXHAUSTED);
  printf("no wait: POOL_EXHAUSTED after %.1f ms\n", (now_s() - t0) * 1e3);
  wasmpool_store_delete(a);
  wasmpool_store_delete(b);
  wasmpool_component_pre_delete(pre2);
  wasmpool_component_delete(c2);
  wasmpool_engine_delete(engine2);

  wasmpool_store_delete(waiter);
  CHECK(metrics_of(engine).component_instances == 0);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(c);
  wasmpool_engine_delete(engine);
}

/* --- metrics --------------------------------------------------------------------------------- */

static void metrics(void) {
  wasmpool_engine_t *engine = engine_with(small_pool(8));
  wasmpool_component_t *big = component_wat(engine, BIG);
  wasmpool_component_pre_t *pre = component_pre_plain(engine, big);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.pooling && m.total_component_instances == 8);
  CHECK(m.component_instances == 0 && m.core_instances == 0 && m.memories == 0 && m.tables == 0);

  wasmpool_store_t *stores[4];
  for (int i = 0; i < 4; i++) {
    OK(wasmpool_store_new(engine, &stores[i]));
    component_instance(pre, stores[i]);
    m = metrics_of(engine);
    /* Each component instance holds its 2 core instances, 2 memories and 2 tables. */
    uint64_t n = (uint64_t)i + 1;
    if (m.component_instances != n || m.core_instances != 2 * n || m.memories != 2 * n ||
        m.tables != 2 * n) {
      fprintf(stderr, "after %llu instances: %llu component, %llu core, %llu memories, %llu tables\n",
              (unsigned long long)n, (unsigned long long)m.component_instances,
              (unsigned long long)m.core_instances, (unsigned long long)m.memories,
              (unsigned long long)m.tables);
      exit(1);
    }
  }
  /* 8 core instances: the pool of 8 is full, though 4 component slots are free. */
  wasmpool_store_t *extra = NULL;
  OK(wasmpool_store_new(engine, &extra));
  wasmpool_component_instance_t *none = NULL;
  EXPECT_ERR(wasmpool_component_pre_instantiate(pre, extra, &none), WASMPOOL_ERROR_POOL_EXHAUSTED);
  CHECK(metrics_of(engine).component_instances == 4);
  for (int i = 0; i < 4; i++) {
    wasmpool_store_delete(stores[i]);
    CHECK(metrics_of(engine).component_instances == (uint64_t)(3 - i));
  }
  component_instance(pre, extra); /* now there is room */
  wasmpool_store_delete(extra);
  m = metrics_of(engine);
  CHECK(m.component_instances == 0 && m.core_instances == 0 && m.memories == 0 && m.tables == 0);
  printf("metrics: component_instances 1..4 live, core instances / memories / tables 2 each, "
         "back to 0\n");
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(big);
  wasmpool_engine_delete(engine);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  limits();
  fuel();
  deadlines();
  wait_for_slot();
  metrics();
  return 0;
}
