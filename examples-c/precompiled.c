/*
 * precompiled.c: compile once, serialise to a file, load it back.
 *
 * A server compiles its guests ahead of time (or on first use) and loads
 * the machine code at start-up instead of compiling again. Only load files
 * you produced yourself: they contain native code (see the header).
 */
#define _POSIX_C_SOURCE 200809L
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) return;
  fprintf(stderr, "precompiled: %s failed (kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(1);
}

static const char WAT[] =
    "(module\n"
    "  (func $fib (export \"fib\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))\n"
    "      (then (local.get 0))\n"
    "      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))\n"
    "                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))\n";

int main(void) {
  wasmpool_config_t *cfg = wasmpool_config_new();
  check(wasmpool_config_total_memories_set(cfg, 4), "total_memories");
  check(wasmpool_config_total_core_instances_set(cfg, 4), "total_core_instances");
  wasmpool_engine_t *engine;
  check(wasmpool_engine_new(cfg, &engine), "engine");

  /* Compile and serialise to a file. */
  wasmpool_module_t *module;
  check(wasmpool_module_new(engine, (const uint8_t *)WAT, strlen(WAT), &module), "compile");
  wasmpool_bytes_t *bytes;
  check(wasmpool_module_serialize(module, &bytes), "serialize");
  wasmpool_module_delete(module);
  char path[] = "/tmp/wasmpool-precompiled-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 1;
  size_t len = wasmpool_bytes_len(bytes);
  if (write(fd, wasmpool_bytes_data(bytes), len) != (ssize_t)len) return 1;
  close(fd);
  printf("wrote %zu bytes of precompiled code to %s\n", len, path);
  wasmpool_bytes_delete(bytes);

  /* Later (another process start, same configuration): load and run. A
   * second engine from the same config accepts the file. */
  wasmpool_engine_t *later;
  check(wasmpool_engine_new(cfg, &later), "second engine");
  wasmpool_config_delete(cfg);
  wasmpool_module_t *loaded;
  check(wasmpool_module_deserialize_file(later, path, &loaded), "deserialize");
  wasmpool_store_t *store;
  check(wasmpool_store_new(later, &store), "store");
  wasmpool_instance_t *inst;
  check(wasmpool_instantiate(store, loaded, &inst), "instantiate");
  wasmpool_val_t n = {.kind = WASMPOOL_VALKIND_I32, .of.i32 = 20}, result;
  check(wasmpool_instance_call(inst, "fib", &n, 1, &result, 1), "fib");
  printf("fib(20) = %d from the precompiled module\n", result.of.i32);

  wasmpool_store_delete(store);
  wasmpool_module_delete(loaded); /* the file is mapped until here */
  unlink(path);
  wasmpool_engine_delete(later);
  wasmpool_engine_delete(engine);
  return result.of.i32 == 6765 ? 0 : 1;
}
