/* Precompiled modules: round trip through memory and a file; truncated,
 * corrupted and foreign bytes are errors, never a crash. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <unistd.h>

static const char *WAT =
    "(module (memory (export \"m\") 1) (global (export \"g\") (mut i32) (i32.const 7))"
    "  (func (export \"f\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))";

static void check_runs(wasmpool_engine_t *engine, wasmpool_module_t *module) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t a = val_i32(14), r;
  OK(wasmpool_instance_call(inst, "f", &a, 1, &r, 1));
  CHECK(r.of.i32 == 42);
  wasmpool_store_delete(store);
}

static void write_file(const char *path, const uint8_t *data, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  CHECK(fwrite(data, 1, len, f) == len);
  CHECK(fclose(f) == 0);
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(4);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module = compile_wat(engine, WAT);
  wasmpool_bytes_t *bytes = NULL;
  OK(wasmpool_module_serialize(module, &bytes));
  const uint8_t *data = wasmpool_bytes_data(bytes);
  size_t len = wasmpool_bytes_len(bytes);
  CHECK(data != NULL && len > 100);

  wasmpool_module_t *loaded = NULL;
  OK(wasmpool_module_deserialize(engine, data, len, &loaded));
  check_runs(engine, loaded);
  CHECK(wasmpool_module_export_count(loaded) == 3);
  wasmpool_module_delete(loaded);

  char path[] = "/tmp/wasmpool-test-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  write_file(path, data, len);
  OK(wasmpool_module_deserialize_file(engine, path, &loaded));
  check_runs(engine, loaded);
  wasmpool_module_delete(loaded);

  /* Corruptions. */
  uint8_t *copy = malloc(len);
  CHECK(copy != NULL);
  size_t cuts[] = {0, 1, 16, len / 2, len - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    loaded = (wasmpool_module_t *)0x1;
    memcpy(copy, data, len);
    wasmpool_error_t *err = wasmpool_module_deserialize(engine, copy, cuts[i], &loaded);
    CHECK(err != NULL && loaded == (wasmpool_module_t *)0x1);
    CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_COMPILE);
    wasmpool_error_delete(err);
    write_file(path, copy, cuts[i]);
    err = wasmpool_module_deserialize_file(engine, path, &loaded);
    CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_COMPILE);
    wasmpool_error_delete(err);
  }
  /* Header bytes flipped (magic, then version/config area). */
  size_t flips[] = {0, 1, 2, 3, 4};
  for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
    memcpy(copy, data, len);
    copy[flips[i]] ^= 0xff;
    EXPECT_ERR(wasmpool_module_deserialize(engine, copy, len, &loaded), WASMPOOL_ERROR_COMPILE);
  }
  /* Plain wasm is not a precompiled module. */
  EXPECT_ERR(wasmpool_module_deserialize(engine, (const uint8_t *)"\0asm\1\0\0\0", 8, &loaded),
             WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_module_deserialize_file(engine, "/nonexistent/m.cwasm", &loaded),
             WASMPOOL_ERROR_IO);
  free(copy);

  /* An engine with another configuration refuses the bytes. */
  OK(wasmpool_config_consume_fuel_set(cfg, true));
  wasmpool_engine_t *other = engine_from(cfg);
  wasmpool_error_t *err = wasmpool_module_deserialize(other, data, len, &loaded);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_COMPILE);
  printf("foreign config: %.100s...\n", wasmpool_error_message(err));
  wasmpool_error_delete(err);
  wasmpool_engine_delete(other);

  unlink(path);
  wasmpool_bytes_delete(bytes);
  wasmpool_bytes_delete(NULL);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("test_serialize: round trips, 10 truncations, 5 flips, foreign bytes: all errors\n");
  return 0;
}
