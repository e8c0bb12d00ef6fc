/* Import and export listings, export function types, globals and memory
 * access from the host. */
#include "check.h"

static const char *WAT =
    "(module"
    "  (import \"env\" \"f\" (func (param i32 f64) (result i64)))"
    "  (import \"env\" \"mem\" (memory 1))"
    "  (import \"other\" \"g\" (global i32))"
    "  (func (export \"run\") (param v128 funcref) (result f32) (f32.const 1.5))"
    "  (global (export \"counter\") (mut i64) (i64.const 41))"
    "  (global (export \"fixed\") f64 (f64.const 2.5))"
    "  (table (export \"tab\") 1 funcref))";

static const char *SELF =
    "(module (memory (export \"memory\") 1) (data (i32.const 8) \"abc\")"
    "  (global (export \"counter\") (mut i64) (i64.const 41))"
    "  (global (export \"fixed\") f64 (f64.const 2.5))"
    "  (func (export \"bump\") (result i64)"
    "    (global.set 0 (i64.add (global.get 0) (i64.const 1))) (global.get 0))"
    "  (func (export \"peek\") (param i32) (result i32) (i32.load8_u (local.get 0))))";

int main(void) {
  wasmpool_config_t *cfg = small_pool(4);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_module_t *module = compile_wat(engine, WAT);

  CHECK(wasmpool_module_import_count(module) == 3);
  wasmpool_extern_info_t info;
  OK(wasmpool_module_import(module, 0, &info));
  CHECK(strcmp(info.module, "env") == 0 && strcmp(info.name, "f") == 0);
  CHECK(info.kind == WASMPOOL_EXTERN_FUNC && info.nparams == 2 && info.nresults == 1);
  CHECK(info.params[0] == WASMPOOL_VALKIND_I32 && info.params[1] == WASMPOOL_VALKIND_F64);
  CHECK(info.results[0] == WASMPOOL_VALKIND_I64);
  OK(wasmpool_module_import(module, 1, &info));
  CHECK(info.kind == WASMPOOL_EXTERN_MEMORY && info.nparams == 0 && info.params == NULL);
  OK(wasmpool_module_import(module, 2, &info));
  CHECK(strcmp(info.module, "other") == 0 && info.kind == WASMPOOL_EXTERN_GLOBAL);
  EXPECT_ERR(wasmpool_module_import(module, 3, &info), WASMPOOL_ERROR_INVALID_ARGUMENT);

  CHECK(wasmpool_module_export_count(module) == 4);
  OK(wasmpool_module_export(module, 0, &info));
  CHECK(info.module == NULL && strcmp(info.name, "run") == 0);
  CHECK(info.nparams == 2 && info.params[0] == WASMPOOL_VALKIND_V128 &&
        info.params[1] == WASMPOOL_VALKIND_FUNCREF && info.results[0] == WASMPOOL_VALKIND_F32);
  OK(wasmpool_module_export(module, 3, &info));
  CHECK(strcmp(info.name, "tab") == 0 && info.kind == WASMPOOL_EXTERN_TABLE);
  EXPECT_ERR(wasmpool_module_export(module, 4, &info), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_module_delete(module);

  /* Instance side. */
  module = compile_wat(engine, SELF);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_instantiate(store, module, &inst));
  wasmpool_module_delete(module); /* the instance keeps its type info */
  OK(wasmpool_instance_func_type(inst, "peek", &info));
  CHECK(info.nparams == 1 && info.params[0] == WASMPOOL_VALKIND_I32 && info.nresults == 1);
  EXPECT_ERR(wasmpool_instance_func_type(inst, "counter", &info), WASMPOOL_ERROR_LINK);
  EXPECT_ERR(wasmpool_instance_func_type(inst, "nothing", &info), WASMPOOL_ERROR_LINK);

  wasmpool_val_t v;
  OK(wasmpool_instance_global_get(inst, "counter", &v));
  CHECK(v.kind == WASMPOOL_VALKIND_I64 && v.of.i64 == 41);
  v.of.i64 = 99;
  OK(wasmpool_instance_global_set(inst, "counter", &v));
  wasmpool_val_t r;
  OK(wasmpool_instance_call(inst, "bump", NULL, 0, &r, 1));
  CHECK(r.of.i64 == 100);
  OK(wasmpool_instance_global_get(inst, "fixed", &v));
  CHECK(v.kind == WASMPOOL_VALKIND_F64 && v.of.f64 == 2.5);
  EXPECT_ERR(wasmpool_instance_global_set(inst, "fixed", &v), WASMPOOL_ERROR_INVALID_ARGUMENT);
  v = val_i32(1);
  EXPECT_ERR(wasmpool_instance_global_set(inst, "counter", &v), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_instance_global_get(inst, "nope", &v), WASMPOOL_ERROR_LINK);

  uint8_t *data = NULL;
  size_t size = 0;
  OK(wasmpool_instance_memory(inst, "memory", &data, &size));
  CHECK(size == 65536 && memcmp(data + 8, "abc", 3) == 0);
  data[100] = 77; /* the host writes, the guest reads */
  wasmpool_val_t a = val_i32(100);
  OK(wasmpool_instance_call(inst, "peek", &a, 1, &r, 1));
  CHECK(r.of.i32 == 77);
  EXPECT_ERR(wasmpool_instance_memory(inst, "counter", &data, &size), WASMPOOL_ERROR_LINK);

  wasmpool_store_delete(store);
  wasmpool_engine_delete(engine);
  printf("test_introspect: imports, exports, func types, globals and memory\n");
  return 0;
}
