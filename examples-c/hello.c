/*
 * hello.c: the smallest complete wasmpool host.
 *
 * Configures a small pool, creates an engine, compiles a module from WebAssembly text,
 * instantiates it in a store, calls its exported `add`, and prints the result and the
 * allocation strategy the engine ended up with. Every error is reported and ends the program
 * with status 1.
 */
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) {
    return;
  }
  fprintf(stderr, "hello: %s failed (error kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(1);
}

static const char *strategy_name(wasmpool_strategy_t s) {
  switch (s) {
  case WASMPOOL_STRATEGY_POOLING:
    return "pooling";
  case WASMPOOL_STRATEGY_ON_DEMAND:
    return "on-demand";
  case WASMPOOL_STRATEGY_AUTO:
    return "auto";
  }
  return "unknown";
}

static const char WAT[] =
    "(module\n"
    "  (func (export \"add\") (param i32 i32) (result i32)\n"
    "    local.get 0\n"
    "    local.get 1\n"
    "    i32.add))\n";

int main(void) {
  /* A pool sized for a handful of concurrent instances. */
  wasmpool_config_t *cfg = wasmpool_config_new();
  if (cfg == NULL) {
    fprintf(stderr, "hello: wasmpool_config_new returned NULL\n");
    return 1;
  }
  check(wasmpool_config_total_core_instances_set(cfg, 4), "total_core_instances_set");
  check(wasmpool_config_total_component_instances_set(cfg, 4), "total_component_instances_set");
  check(wasmpool_config_total_memories_set(cfg, 4), "total_memories_set");
  check(wasmpool_config_total_tables_set(cfg, 4), "total_tables_set");
  check(wasmpool_config_total_stacks_set(cfg, 4), "total_stacks_set");
  check(wasmpool_config_total_gc_heaps_set(cfg, 4), "total_gc_heaps_set");
  check(wasmpool_config_max_memory_size_set(cfg, (size_t)1 << 20), "max_memory_size_set");

  wasmpool_engine_t *engine = NULL;
  check(wasmpool_engine_new(cfg, &engine), "engine_new");
  wasmpool_config_delete(cfg);

  wasmpool_module_t *module = NULL;
  check(wasmpool_module_new(engine, (const uint8_t *)WAT, strlen(WAT), &module), "module_new");

  wasmpool_store_t *store = NULL;
  check(wasmpool_store_new(engine, &store), "store_new");

  wasmpool_instance_t *instance = NULL; /* owned by the store */
  check(wasmpool_instantiate(store, module, &instance), "instantiate");

  wasmpool_val_t args[2];
  args[0].kind = WASMPOOL_VALKIND_I32;
  args[0].of.i32 = 40;
  args[1].kind = WASMPOOL_VALKIND_I32;
  args[1].of.i32 = 2;
  wasmpool_val_t result;
  memset(&result, 0, sizeof result);
  check(wasmpool_instance_call(instance, "add", args, 2, &result, 1), "call add");

  if (result.kind != WASMPOOL_VALKIND_I32 || result.of.i32 != 42) {
    fprintf(stderr, "hello: add(40, 2) returned kind %d value %d, expected i32 42\n",
            (int)result.kind, (int)result.of.i32);
    return 1;
  }
  printf("add(40, 2) = %d\n", (int)result.of.i32);
  printf("strategy: %s\n", strategy_name(wasmpool_engine_strategy(engine)));

  wasmpool_store_delete(store); /* also frees the instance and returns its slot to the pool */
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  return 0;
}
