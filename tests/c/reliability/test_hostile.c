/* Hostile guests: each attack ends in a typed error (or -1 from
 * memory.grow), never a crash or a host out-of-memory, and the engine then
 * serves a normal guest. */
#include "check.h"

static wasmpool_engine_t *engine;
static wasmpool_module_t *normal;

/* Instantiates `wat` in a store with fuel and a deadline and calls `run`. */
static wasmpool_error_t *attack(const char *wat, size_t memory_limit, int32_t *result) {
  wasmpool_module_t *module = NULL;
  wasmpool_error_t *err =
      wasmpool_module_new(engine, (const uint8_t *)wat, strlen(wat), &module);
  if (err) return err;
  wasmpool_store_t *store;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_store_limits_t lim = wasmpool_store_limits_unlimited();
  lim.memory_size = memory_limit;
  OK(wasmpool_store_limits_set(store, &lim));
  OK(wasmpool_store_fuel_set(store, 50u * 1000 * 1000));
  OK(wasmpool_store_epoch_deadline_set(store, 1000000));
  wasmpool_instance_t *inst;
  err = wasmpool_instantiate(store, module, &inst);
  if (!err) {
    wasmpool_val_t r;
    r.of.i32 = 0;
    err = wasmpool_instance_call(inst, "run", NULL, 0, &r, result ? 1 : 0);
    if (!err && result) *result = r.of.i32;
  }
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  return err;
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(4);
  OK(wasmpool_config_max_memory_size_set(cfg, 8u << 20));
  OK(wasmpool_config_memory_reservation_set(cfg, 8u << 20));
  OK(wasmpool_config_table_elements_set(cfg, 1000));
  OK(wasmpool_config_max_core_instance_size_set(cfg, 64u << 10));
  OK(wasmpool_config_consume_fuel_set(cfg, true));
  OK(wasmpool_config_epoch_interruption_set(cfg, true));
  engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  normal = compile_wat(engine, "(module (memory 1) (func (export \"double\") (param i32) (result i32)"
                               " (i32.mul (local.get 0) (i32.const 2))))");
  /* 1. Deep recursion. */
  wasmpool_error_t *err = attack("(module (func $r (export \"run\") (call $r)))", SIZE_MAX, NULL);
  wasmpool_trap_code_t code;
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_STACK_OVERFLOW);
  wasmpool_error_delete(err);
  printf("deep recursion: TRAP stack overflow\n");

  /* 2. memory.grow bomb: grows one page at a time until refused. */
  int32_t pages = 0;
  err = attack("(module (memory 1) (func (export \"run\") (result i32) (local i32)"
               "  (loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))"
               "    ) (memory.size)))",
               2u << 20, &pages);
  OK(err);
  CHECK(pages == 32); /* 2 MiB store limit */
  printf("memory.grow bomb: -1 at the store limit (%d pages)\n", pages);
  err = attack("(module (memory 1) (func (export \"run\") (result i32)"
               "  (memory.grow (i32.const 65535))))",
               SIZE_MAX, &pages);
  OK(err);
  CHECK(pages == -1); /* beyond max_memory_size of the pool */

  /* 3. A huge table. */
  EXPECT_ERR(attack("(module (table 100000000 funcref) (func (export \"run\")))", SIZE_MAX, NULL),
             WASMPOOL_ERROR_LIMIT_EXCEEDED);
  int32_t grown = 0;
  OK(attack("(module (table 1 funcref) (func (export \"run\") (result i32)"
            "  (table.grow (ref.null func) (i32.const 5000))))",
            SIZE_MAX, &grown));
  CHECK(grown == -1);
  printf("huge table: LIMIT_EXCEEDED, table.grow -1\n");

  /* 4. Over max_core_instance_size (many globals). */
  static char big[512 * 1024];
  size_t at = (size_t)snprintf(big, sizeof big, "(module");
  for (int i = 0; i < 6000; i++) {
    at += (size_t)snprintf(big + at, sizeof big - at, " (global i64 (i64.const %d))", i);
    CHECK(at < sizeof big - 64);
  }
  snprintf(big + at, sizeof big - at, " (func (export \"run\")))");
  EXPECT_ERR(attack(big, SIZE_MAX, NULL), WASMPOOL_ERROR_LIMIT_EXCEEDED);
  printf("module over max_core_instance_size: LIMIT_EXCEEDED\n");

  /* 5. Malformed bytes. */
  EXPECT_ERR(attack("\x00\x61\x73\x6d\x01\x00\x00\x00\x05\x03\x01", SIZE_MAX, NULL),
             WASMPOOL_ERROR_COMPILE);

  /* 6. An endless loop: fuel runs out first here; with a deadline reached
   * (epoch ticked past it) it is INTERRUPTED. */
  EXPECT_ERR(attack("(module (func (export \"run\") (loop (br 0))))", SIZE_MAX, NULL),
             WASMPOOL_ERROR_OUT_OF_FUEL);
  {
    wasmpool_module_t *spin = compile_wat(engine, "(module (func (export \"run\") (loop (br 0))))");
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_store_fuel_set(store, UINT64_MAX));
    OK(wasmpool_instantiate(store, spin, &inst));
    OK(wasmpool_store_epoch_deadline_set(store, 1));
    wasmpool_engine_increment_epoch(engine);
    EXPECT_ERR(wasmpool_instance_call(inst, "run", NULL, 0, NULL, 0), WASMPOOL_ERROR_INTERRUPTED);
    wasmpool_store_delete(store);
    wasmpool_module_delete(spin);
  }
  printf("endless loop: OUT_OF_FUEL, or INTERRUPTED by a deadline\n");

  /* After all of it, a normal guest (with fuel) runs and nothing is live. */
  {
    wasmpool_store_t *store;
    wasmpool_instance_t *inst;
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_store_fuel_set(store, 1000000));
    OK(wasmpool_instantiate(store, normal, &inst));
    wasmpool_val_t a = val_i32(21), r;
    OK(wasmpool_instance_call(inst, "double", &a, 1, &r, 1));
    CHECK(r.of.i32 == 42);
    wasmpool_store_delete(store);
  }
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.core_instances == 0 && m.memories == 0 && m.tables == 0);
  wasmpool_module_delete(normal);
  wasmpool_engine_delete(engine);
  return 0;
}
