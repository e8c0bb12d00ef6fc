/* Names as bytes: the `_n` variants take (pointer, length) names, so import
 * and export names holding a NUL (legal in WebAssembly) work, where the
 * NUL-terminated variants stop at the NUL. Bad input: invalid UTF-8, a NULL
 * name with a length, the empty name. */
#include "check.h"

/* "a\0b": three bytes. */
static const char NUL_NAME[] = {'a', '\0', 'b'};

static int host_called;
static wasmpool_error_t *host_f(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)args, (void)nargs, (void)nresults;
  host_called++;
  /* The caller's exports by byte names too. */
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_caller_memory_n(caller, "m\0em", 4, &data, &size));
  CHECK(size == 65536);
  EXPECT_ERR(wasmpool_caller_memory(caller, "m", &data, &size), WASMPOOL_ERROR_LINK);
  wasmpool_val_t g;
  OK(wasmpool_caller_global_get_n(caller, "g\0", 2, &g));
  CHECK(g.of.i32 == 42);
  wasmpool_val_t x = val_i32(20), y;
  OK(wasmpool_caller_call_n(caller, NUL_NAME, sizeof NUL_NAME, &x, 1, &y, 1));
  CHECK(y.of.i32 == 21);
  results[0] = val_i32(7);
  return NULL;
}

static const char *GUEST =
    "(module"
    "  (import \"host\\00\" \"f\\00x\" (func $h (result i32)))"
    "  (memory (export \"m\\00em\") 1)"
    "  (global (export \"g\\00\") (mut i32) (i32.const 42))"
    "  (func (export \"a\\00b\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"
    "  (func (export \"a\") (param i32) (result i32) (i32.const -1))"
    "  (func (export \"\") (result i32) (i32.const 99))"
    "  (func (export \"\\e2\\82\\ac\") (result i32) (call $h)))";

int main(void) {
  wasmpool_config_t *cfg = small_pool(2);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_module_t *module = compile_wat(engine, GUEST);
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  wasmpool_valkind_t i32 = WASMPOOL_VALKIND_I32;

  /* The NUL-terminated define cannot spell the import; the _n one can. */
  OK(wasmpool_linker_define_func(linker, "host", "f", NULL, 0, &i32, 1, host_f, NULL, NULL));
  wasmpool_instance_pre_t *pre = NULL;
  EXPECT_ERR(wasmpool_linker_instantiate_pre(linker, module, &pre), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_linker_define_func_n(linker, "host", 4, "\xff", 1, NULL, 0, &i32, 1, host_f, NULL, NULL),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_linker_define_func_n(linker, NULL, 5, "f", 1, NULL, 0, &i32, 1, host_f, NULL, NULL),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_linker_define_func_n(linker, "host\0", 5, "f\0x", 3, NULL, 0, &i32, 1, host_f, NULL, NULL));
  /* Defined twice: LINK, as for the NUL-terminated variant. */
  EXPECT_ERR(wasmpool_linker_define_func_n(linker, "host\0", 5, "f\0x", 3, NULL, 0, &i32, 1, host_f, NULL, NULL),
             WASMPOOL_ERROR_LINK);
  OK(wasmpool_linker_instantiate_pre(linker, module, &pre));
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instance_pre_instantiate(pre, store, &inst));

  /* Calls: "a\0b" is not "a". */
  wasmpool_val_t x = val_i32(1), r;
  OK(wasmpool_instance_call_n(inst, NUL_NAME, sizeof NUL_NAME, &x, 1, &r, 1));
  CHECK(r.of.i32 == 2);
  OK(wasmpool_instance_call(inst, "a", &x, 1, &r, 1));
  CHECK(r.of.i32 == -1);
  OK(wasmpool_instance_call_n(inst, "a", 1, &x, 1, &r, 1));
  CHECK(r.of.i32 == -1);
  /* The empty name, with a NULL pointer and length 0. */
  OK(wasmpool_instance_call_n(inst, NULL, 0, NULL, 0, &r, 1));
  CHECK(r.of.i32 == 99);
  EXPECT_ERR(wasmpool_instance_call_n(inst, NULL, 1, NULL, 0, &r, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_instance_call_n(inst, "a\0c", 3, &x, 1, &r, 1), WASMPOOL_ERROR_LINK);
  /* Invalid UTF-8 (a lone continuation byte) is refused, naming the argument. */
  wasmpool_error_t *err = wasmpool_instance_call_n(inst, "\x80", 1, NULL, 0, &r, 1);
  CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "name") != NULL);
  wasmpool_error_delete(err);
  /* Non-ASCII UTF-8 names work with both variants; this one calls the host. */
  OK(wasmpool_instance_call(inst, "\xe2\x82\xac", NULL, 0, &r, 1));
  CHECK(r.of.i32 == 7 && host_called == 1);
  OK(wasmpool_instance_call_n(inst, "\xe2\x82\xac", 3, NULL, 0, &r, 1));
  CHECK(r.of.i32 == 7 && host_called == 2);

  /* Function handles and types. */
  wasmpool_func_t *func = NULL;
  OK(wasmpool_instance_func_n(inst, NUL_NAME, sizeof NUL_NAME, &func));
  x = val_i32(41);
  OK(wasmpool_func_call(func, &x, 1, &r, 1));
  CHECK(r.of.i32 == 42);
  wasmpool_extern_info_t info;
  OK(wasmpool_instance_func_type_n(inst, NUL_NAME, sizeof NUL_NAME, &info));
  CHECK(info.kind == WASMPOOL_EXTERN_FUNC && info.nparams == 1 && info.nresults == 1);
  CHECK(strcmp(info.name, "a\\0b") == 0);
  EXPECT_ERR(wasmpool_instance_func_type_n(inst, "m\0em", 4, &info), WASMPOOL_ERROR_LINK);

  /* Memory and globals. */
  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_instance_memory_n(inst, "m\0em", 4, &data, &size));
  CHECK(size == 65536);
  EXPECT_ERR(wasmpool_instance_memory(inst, "m", &data, &size), WASMPOOL_ERROR_LINK);
  wasmpool_val_t g;
  OK(wasmpool_instance_global_get_n(inst, "g\0", 2, &g));
  CHECK(g.kind == WASMPOOL_VALKIND_I32 && g.of.i32 == 42);
  EXPECT_ERR(wasmpool_instance_global_get(inst, "g", &g), WASMPOOL_ERROR_LINK);
  wasmpool_val_t v = val_i32(5);
  OK(wasmpool_instance_global_set_n(inst, "g\0", 2, &v));
  OK(wasmpool_instance_global_get_n(inst, "g\0", 2, &g));
  CHECK(g.of.i32 == 5);
  v = val_i32(42);
  OK(wasmpool_instance_global_set_n(inst, "g\0", 2, &v));
  EXPECT_ERR(wasmpool_instance_global_set_n(inst, "g\0", 2, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* The caller's exports by byte names (checked inside the host function). */
  OK(wasmpool_instance_call(inst, "\xe2\x82\xac", NULL, 0, &r, 1));
  CHECK(host_called == 3);

  wasmpool_store_delete(store);
  wasmpool_instance_pre_delete(pre);
  wasmpool_linker_delete(linker);
  wasmpool_module_delete(module);
  wasmpool_engine_delete(engine);
  wasmpool_config_delete(cfg);
  printf("names as bytes: ok\n");
  return 0;
}
