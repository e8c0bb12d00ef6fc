/* Module creation, instantiation and calls: values of every kind, argument
 * checks, traps with codes, compile and link errors. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <unistd.h>

static const char *GUEST =
    "(module"
    "  (memory (export \"mem\") 1)"
    "  (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))"
    "  (func (export \"mix\") (param i64 f32 f64) (result f64 i64)"
    "    (f64.add (f64.promote_f32 (local.get 1)) (local.get 2))"
    "    (i64.mul (local.get 0) (i64.const 3)))"
    "  (func (export \"swap\") (param v128) (result v128)"
    "    (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 0)))"
    "  (func (export \"nop\"))"
    "  (func (export \"boom\") unreachable)"
    "  (func (export \"div\") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))"
    "  (func (export \"oob\") (result i32) (i32.load (i32.const 70000)))"
    "  (func $r (export \"recurse\") (call $r))"
    "  (global (export \"g\") i32 (i32.const 1)))";

static void expect_trap(wasmpool_instance_t *inst, const char *name, wasmpool_val_t *args,
                        size_t nargs, size_t nresults, wasmpool_trap_code_t want) {
  wasmpool_val_t res[1];
  wasmpool_error_t *err = wasmpool_instance_call(inst, name, args, nargs, res, nresults);
  CHECK(err != NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  wasmpool_trap_code_t code = WASMPOOL_TRAP_OTHER;
  CHECK(wasmpool_error_trap_code(err, &code));
  if (code != want) {
    fprintf(stderr, "%s: trap code %d, expected %d: %s\n", name, (int)code, (int)want,
            wasmpool_error_message(err));
    exit(1);
  }
  wasmpool_error_delete(err);
}

int main(void) {
  wasmpool_config_t *cfg = small_pool(4);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);

  /* Text and binary both compile. */
  wasmpool_module_t *module = compile_wat(engine, GUEST);
  static const uint8_t EMPTY_BINARY[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  wasmpool_module_t *empty = NULL;
  OK(wasmpool_module_new(engine, EMPTY_BINARY, sizeof EMPTY_BINARY, &empty));
  wasmpool_module_delete(empty);

  /* Invalid input is COMPILE, with nothing written to out. */
  static const uint8_t GARBAGE[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff};
  wasmpool_module_t *never = (wasmpool_module_t *)0x1;
  EXPECT_ERR(wasmpool_module_new(engine, GARBAGE, sizeof GARBAGE, &never), WASMPOOL_ERROR_COMPILE);
  CHECK(never == (wasmpool_module_t *)0x1);
  EXPECT_ERR(compile_wat_err(engine, "(module (func (result i32)))"), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(compile_wat_err(engine, "(module (fnuc))"), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_module_new(engine, NULL, 0, &never), WASMPOOL_ERROR_COMPILE);
  EXPECT_ERR(wasmpool_module_new_file(engine, "/nonexistent/x.wasm", &never), WASMPOOL_ERROR_IO);
  {
    /* A module from a file (text here; binary works the same). */
    char path[] = "/tmp/wasmpool-call-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char *wat = "(module (func (export \"seven\") (result i32) (i32.const 7)))";
    CHECK(write(fd, wat, strlen(wat)) == (ssize_t)strlen(wat));
    close(fd);
    wasmpool_module_t *from_file = NULL;
    OK(wasmpool_module_new_file(engine, path, &from_file));
    unlink(path);
    wasmpool_store_t *s = NULL;
    wasmpool_instance_t *i = NULL;
    wasmpool_val_t seven;
    OK(wasmpool_store_new(engine, &s));
    OK(wasmpool_instantiate(s, from_file, &i));
    OK(wasmpool_instance_call(i, "seven", NULL, 0, &seven, 1));
    CHECK(seven.of.i32 == 7);
    wasmpool_store_delete(s);
    wasmpool_module_delete(from_file);
  }

  /* A module with imports needs a linker. */
  wasmpool_module_t *importer = compile_wat(engine, "(module (import \"env\" \"f\" (func)))");
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  wasmpool_error_t *err = wasmpool_instantiate(store, importer, &inst);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_LINK);
  CHECK(strstr(wasmpool_error_message(err), "env") != NULL);
  wasmpool_error_delete(err);
  wasmpool_module_delete(importer);

  OK(wasmpool_instantiate(store, module, &inst));
  /* The module may go; the instance stays. */
  wasmpool_module_delete(module);

  wasmpool_val_t args[3] = {val_i32(40), val_i32(2)};
  wasmpool_val_t res[2];
  OK(wasmpool_instance_call(inst, "add", args, 2, res, 1));
  CHECK(res[0].kind == WASMPOOL_VALKIND_I32 && res[0].of.i32 == 42);
  OK(wasmpool_instance_call(inst, "nop", NULL, 0, NULL, 0));

  args[0].kind = WASMPOOL_VALKIND_I64;
  args[0].of.i64 = (int64_t)1 << 40;
  args[1].kind = WASMPOOL_VALKIND_F32;
  args[1].of.f32 = 1.5f;
  args[2].kind = WASMPOOL_VALKIND_F64;
  args[2].of.f64 = 0.25;
  OK(wasmpool_instance_call(inst, "mix", args, 3, res, 2));
  CHECK(res[0].kind == WASMPOOL_VALKIND_F64 && res[0].of.f64 == 1.75);
  CHECK(res[1].kind == WASMPOOL_VALKIND_I64 && res[1].of.i64 == ((int64_t)3 << 40));

  wasmpool_val_t v;
  v.kind = WASMPOOL_VALKIND_V128;
  for (int i = 0; i < 16; i++) v.of.v128[i] = (uint8_t)i;
  OK(wasmpool_instance_call(inst, "swap", &v, 1, res, 1));
  CHECK(res[0].kind == WASMPOOL_VALKIND_V128);
  for (int i = 0; i < 16; i++) CHECK(res[0].of.v128[i] == 15 - i);

  /* Argument mistakes are INVALID_ARGUMENT and change nothing. */
  args[0] = val_i32(1);
  args[1] = val_i32(2);
  EXPECT_ERR(wasmpool_instance_call(inst, "add", args, 1, res, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_instance_call(inst, "add", args, 2, res, 0), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_instance_call(inst, "add", args, 2, res, 2), WASMPOOL_ERROR_INVALID_ARGUMENT);
  args[1].kind = WASMPOOL_VALKIND_F32;
  EXPECT_ERR(wasmpool_instance_call(inst, "add", args, 2, res, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  args[1].kind = (wasmpool_valkind_t)99;
  EXPECT_ERR(wasmpool_instance_call(inst, "add", args, 2, res, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_instance_call(inst, "missing", NULL, 0, NULL, 0), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_instance_call(inst, "g", NULL, 0, NULL, 0), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_instance_call(inst, "\xff\xfe", NULL, 0, NULL, 0),
             WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* Traps carry their code, and the store stays usable after each. */
  expect_trap(inst, "boom", NULL, 0, 0, WASMPOOL_TRAP_UNREACHABLE);
  args[0] = val_i32(1);
  args[1] = val_i32(0);
  expect_trap(inst, "div", args, 2, 1, WASMPOOL_TRAP_INTEGER_DIVISION_BY_ZERO);
  expect_trap(inst, "oob", NULL, 0, 1, WASMPOOL_TRAP_MEMORY_OUT_OF_BOUNDS);
  expect_trap(inst, "recurse", NULL, 0, 0, WASMPOOL_TRAP_STACK_OVERFLOW);
  args[0] = val_i32(5);
  args[1] = val_i32(6);
  OK(wasmpool_instance_call(inst, "add", args, 2, res, 1));
  CHECK(res[0].of.i32 == 11);

  /* A function handle: looked up once, called many times, same checks. */
  wasmpool_func_t *add = NULL;
  OK(wasmpool_instance_func(inst, "add", &add));
  for (int i = 0; i < 100; i++) {
    args[0] = val_i32(i);
    args[1] = val_i32(1);
    OK(wasmpool_func_call(add, args, 2, res, 1));
    CHECK(res[0].of.i32 == i + 1);
  }
  EXPECT_ERR(wasmpool_func_call(add, args, 1, res, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_func_t *boom = NULL;
  OK(wasmpool_instance_func(inst, "boom", &boom));
  EXPECT_ERR(wasmpool_func_call(boom, NULL, 0, NULL, 0), WASMPOOL_ERROR_TRAP);
  wasmpool_func_t *nothing = (wasmpool_func_t *)0x1;
  EXPECT_ERR(wasmpool_instance_func(inst, "g", &nothing), WASMPOOL_ERROR_LINK);
  CHECK(nothing == (wasmpool_func_t *)0x1);

  /* A non-trap error has no trap code. */
  err = wasmpool_instance_call(inst, "missing", NULL, 0, NULL, 0);
  wasmpool_trap_code_t code = WASMPOOL_TRAP_HOST;
  CHECK(!wasmpool_error_trap_code(err, &code) && code == WASMPOOL_TRAP_HOST);
  wasmpool_error_delete(err);

  wasmpool_store_delete(store);
  wasmpool_engine_delete(engine);
  printf("test_call: values, argument checks, traps and errors behave\n");
  return 0;
}
