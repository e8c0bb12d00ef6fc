/* Planted errors that a memory checker must report, to prove it is really active in a program
 * linked with wasmpool. Built by tests/c/CMakeLists.txt. With WASMPOOL_SANITIZE=ON each mode is
 * a ctest test that passes only when the expected sanitizer report appears; scripts/sanitize.sh
 * also runs the uninstrumented build of it under valgrind and expects memcheck's report.
 *
 *   sanitize_probe asan   a heap-buffer-overflow read in C, after an engine exists
 *   sanitize_probe lsan   a wasmpool_config_t never deleted: allocated by the (uninstrumented)
 *                         Rust library, still reported by LeakSanitizer / memcheck
 *   sanitize_probe ubsan  a signed integer overflow (UBSan only)
 *   sanitize_probe segv   a wasm trap raised by a fault (out-of-bounds load) comes back as a
 *                         TRAP error, then a store to an unmapped address in C is still
 *                         reported by the checker (Wasmtime's signal handler forwards faults
 *                         outside wasm code to the previous handler)
 *
 * Under the sanitizers no mode may get to the end: "probe: no report" means the error was missed
 * (memcheck reports and lets the program go on; its --error-exitcode makes the exit non-zero). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasmpool.h>

static void die(const char *what, wasmpool_error_t *err) {
  fprintf(stderr, "probe: %s failed: %s\n", what, wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(2);
}

static wasmpool_engine_t *small_engine(void) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  wasmpool_error_t *err = NULL;
  if (!err) err = wasmpool_config_total_memories_set(cfg, 2);
  if (!err) err = wasmpool_config_total_tables_set(cfg, 2);
  if (!err) err = wasmpool_config_total_core_instances_set(cfg, 2);
  if (!err) err = wasmpool_config_total_component_instances_set(cfg, 2);
  if (!err) err = wasmpool_config_total_stacks_set(cfg, 2);
  if (!err) err = wasmpool_config_total_gc_heaps_set(cfg, 2);
  if (!err) err = wasmpool_config_memory_reservation_set(cfg, 1u << 20);
  if (!err) err = wasmpool_config_max_memory_size_set(cfg, 1u << 20);
  if (!err) err = wasmpool_config_memory_guard_size_set(cfg, 64u << 10);
  wasmpool_engine_t *engine = NULL;
  if (!err) err = wasmpool_engine_new(cfg, &engine);
  wasmpool_config_delete(cfg);
  if (err) die("engine", err);
  return engine;
}

/* Runs a guest whose load is out of bounds: Wasmtime turns the fault into a trap. */
static void wasm_fault_trap(wasmpool_engine_t *engine) {
  static const char wat[] =
      "(module (memory 1) (func (export \"oob\") (result i32)"
      "  (i32.load (i32.const 0x7ffffff0))))";
  wasmpool_module_t *module = NULL;
  wasmpool_store_t *store = NULL;
  wasmpool_instance_t *inst = NULL;
  wasmpool_error_t *err = wasmpool_module_new(engine, (const uint8_t *)wat, strlen(wat), &module);
  if (err) die("module", err);
  err = wasmpool_store_new(engine, &store);
  if (err) die("store", err);
  err = wasmpool_instantiate(store, module, &inst);
  if (err) die("instantiate", err);
  wasmpool_val_t result;
  err = wasmpool_instance_call(inst, "oob", NULL, 0, &result, 1);
  wasmpool_trap_code_t code = WASMPOOL_TRAP_HOST;
  if (err == NULL || !wasmpool_error_trap_code(err, &code) ||
      code != WASMPOOL_TRAP_MEMORY_OUT_OF_BOUNDS) {
    fprintf(stderr, "probe: expected an out-of-bounds trap\n");
    exit(2);
  }
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  printf("probe: wasm out-of-bounds trap ok\n");
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "asan") == 0) {
    wasmpool_engine_t *engine = small_engine();
    char *volatile buf = malloc(16);
    memset(buf, 0, 16);
    volatile char c = buf[16]; /* one past the end */
    (void)c;
    free(buf);
    wasmpool_engine_delete(engine);
  } else if (strcmp(mode, "lsan") == 0) {
    wasmpool_config_t *volatile cfg = wasmpool_config_new();
    (void)cfg; /* leaked on purpose */
    return 0;  /* LeakSanitizer turns this into a failure */
  } else if (strcmp(mode, "ubsan") == 0) {
    volatile int big = INT_MAX;
    volatile int sum = big + argc; /* signed overflow */
    (void)sum;
  } else if (strcmp(mode, "segv") == 0) {
    wasmpool_engine_t *engine = small_engine();
    wasm_fault_trap(engine);
    /* Not NULL itself (UBSan's null check would stop first): an unmapped low address. */
    int *volatile p = (int *)(uintptr_t)16;
    *p = 1;
    wasmpool_engine_delete(engine);
  } else {
    fprintf(stderr, "usage: sanitize_probe asan|lsan|ubsan|segv\n");
    return 2;
  }
  printf("probe: no report\n");
  return 0;
}
