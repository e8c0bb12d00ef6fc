/* Source lines in backtraces: a guest compiled from C with DWARF (tests/guests/dwarf/dwarf.c,
 * built with -g into <guests>/dwarf.wasm) traps in `divide`, called by `crash`. With
 * wasm_backtrace_details on, wasmpool_error_trace_frame gives each frame the source file and
 * the exact line (found in the guest's source by its `trap-line:` / `call-line:` markers) and a
 * column; with it off, the same frames have none. */
#include <stdint.h>

#include "check.h"
#include "guests.h"

/* The 1-based line of the guest source holding `marker`; the test fails if there is none. */
static uint32_t line_of(const char *path, const char *marker) {
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  char buf[512];
  uint32_t line = 0;
  while (fgets(buf, sizeof buf, f) != NULL) {
    line++;
    if (strstr(buf, marker) != NULL) {
      fclose(f);
      return line;
    }
  }
  fprintf(stderr, "%s: no line with %s\n", path, marker);
  exit(1);
}

static bool ends_with(const char *p, size_t len, const char *suffix) {
  size_t n = strlen(suffix);
  return p != NULL && len >= n && memcmp(p + len - n, suffix, n) == 0 && p[len] == '\0';
}

/* Calls crash(0) in a fresh store of an engine made from `cfg`; the TRAP error. */
static wasmpool_error_t *crash(wasmpool_config_t *cfg, const char *wasm) {
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module;
  OK(wasmpool_module_new_file(engine, wasm, &module));
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  OK(wasmpool_store_new(engine, &store));
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_val_t arg = val_i32(0), out = val_i32(0);
  wasmpool_error_t *err = wasmpool_instance_call(inst, "crash", &arg, 1, &out, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code;
  CHECK(wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_INTEGER_DIVISION_BY_ZERO);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  return err;
}

static wasmpool_trace_frame_t frame(const wasmpool_error_t *err, size_t i) {
  wasmpool_trace_frame_t f;
  memset(&f, 0xAB, sizeof f);
  OK(wasmpool_error_trace_frame(err, i, &f));
  printf("  frame %zu: %.*s at %.*s:%u:%u\n", i, (int)f.func_name_len, f.func_name ? f.func_name : "?",
         (int)f.file_len, f.file ? f.file : "?", f.line, f.column);
  return f;
}

int main(void) {
  char wasm[4096], source[4096];
  guest_file(wasm, sizeof wasm, "dwarf.wasm");
  snprintf(source, sizeof source, "%s/../guests/dwarf/dwarf.c", WASMPOOL_TESTS_SOURCE_DIR);
  uint32_t trap_line = line_of(source, "trap-line:");
  uint32_t call_line = line_of(source, "call-line:");

  wasmpool_config_t *cfg = small_pool(2);
  CHECK(!wasmpool_config_wasm_backtrace_details_get(cfg));
  OK(wasmpool_config_wasm_backtrace_details_set(cfg, true));
  printf("with wasm_backtrace_details:\n");
  wasmpool_error_t *err = crash(cfg, wasm);
  CHECK(wasmpool_error_trace_count(err) == 2);
  wasmpool_trace_frame_t inner = frame(err, 0), outer = frame(err, 1);
  CHECK(inner.func_name != NULL && strstr(inner.func_name, "divide") != NULL);
  CHECK(outer.func_name != NULL && strcmp(outer.func_name, "crash") == 0);
  CHECK(ends_with(inner.file, inner.file_len, "dwarf.c") && ends_with(outer.file, outer.file_len, "dwarf.c"));
  CHECK(inner.line == trap_line && inner.column > 0);
  CHECK(outer.line == call_line && outer.column > 0);
  wasmpool_error_delete(err);

  /* Details off: the same two frames, no source positions. */
  OK(wasmpool_config_wasm_backtrace_details_set(cfg, false));
  printf("without:\n");
  err = crash(cfg, wasm);
  CHECK(wasmpool_error_trace_count(err) == 2);
  inner = frame(err, 0);
  CHECK(inner.file == NULL && inner.file_len == 0 && inner.line == 0 && inner.column == 0);
  CHECK(inner.module_offset != SIZE_MAX);
  wasmpool_error_delete(err);
  wasmpool_config_delete(cfg);
  printf("trap at line %u, call at line %u\n", trap_line, call_line);
  return 0;
}
