/* Reference values through the C API: funcref and externref arguments and
 * results of calls (by name and by handle), host functions receiving and
 * returning references, globals and tables of references, i31 and other GC
 * references passed through opaquely; the rooting model (a released ref, a
 * ref of another or a deleted store is INVALID_ARGUMENT, never a read of
 * freed memory); and an externref's finalizer called exactly once: after a
 * GC once nothing references it, or by the store's deletion. Under pooling
 * and on-demand. */
#include <stdint.h>

#include "check.h"

static const char *WAT =
    "(module"
    "  (type $i2i (func (param i32) (result i32)))"
    "  (import \"host\" \"echo\" (func $echo (param externref) (result externref)))"
    "  (import \"host\" \"make\" (func $make (param i32) (result externref)))"
    "  (import \"host\" \"apply\" (func $apply (param funcref i32) (result i32)))"
    "  (import \"host\" \"keep\" (func $keep (param anyref) (result anyref)))"
    "  (func $inc (export \"inc\") (type $i2i) (i32.add (local.get 0) (i32.const 1)))"
    "  (elem declare func $inc)"
    "  (func (export \"id\") (param externref) (result externref) (local.get 0))"
    "  (func (export \"is_null\") (param externref) (result i32) (ref.is_null (local.get 0)))"
    "  (func (export \"get_inc\") (result funcref) (ref.func $inc))"
    "  (func (export \"call_ref\") (param funcref i32) (result i32)"
    "    (call_indirect $tf (type $i2i) (local.get 1)"
    "      (table.set $tf (i32.const 0) (local.get 0)) (i32.const 0)))"
    "  (func (export \"via_echo\") (param externref) (result externref) (call $echo (local.get 0)))"
    "  (func (export \"via_make\") (param i32) (result externref) (call $make (local.get 0)))"
    "  (func (export \"via_apply\") (param i32) (result i32) (call $apply (ref.func $inc) (local.get 0)))"
    "  (func (export \"via_keep\") (param anyref) (result anyref) (call $keep (local.get 0)))"
    "  (func (export \"i31\") (param i32) (result i31ref) (ref.i31 (local.get 0)))"
    "  (func (export \"i31_get\") (param i31ref) (result i32) (i31.get_s (local.get 0)))"
    "  (type $pt (struct (field i32)))"
    "  (func (export \"point\") (param i32) (result anyref) (struct.new $pt (local.get 0)))"
    "  (func (export \"point_x\") (param anyref) (result i32)"
    "    (struct.get $pt 0 (ref.cast (ref $pt) (local.get 0))))"
    "  (func (export \"nonnull\") (param (ref extern)) (result i32) (i32.const 1))"
    "  (global $g (export \"g\") (mut externref) (ref.null extern))"
    "  (global (export \"gf\") (mut funcref) (ref.null func))"
    "  (global (export \"ga\") (mut anyref) (ref.null any))"
    "  (table $tf (export \"tf\") 2 funcref)"
    "  (table (export \"te\") 2 externref)"
    "  (func (export \"drop_g\") (global.set $g (ref.null extern))))";

/* Finalizer bookkeeping: each data pointer is an index into `finalized`. */
static int finalized[8];

static void count_finalizer(void *data) { finalized[(uintptr_t)data]++; }

static wasmpool_val_t ext(wasmpool_ref_t r) {
  wasmpool_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMPOOL_VALKIND_EXTERNREF;
  v.of.externref = r;
  return v;
}

static wasmpool_val_t any(wasmpool_ref_t r) {
  wasmpool_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMPOOL_VALKIND_ANYREF;
  v.of.anyref = r;
  return v;
}

static wasmpool_val_t fn(wasmpool_func_t *f) {
  wasmpool_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMPOOL_VALKIND_FUNCREF;
  v.of.funcref = f;
  return v;
}

static int is_null_ref(wasmpool_ref_t r) { return r.store == 0 && r.id == 0; }

static void *data_of(wasmpool_store_t *store, wasmpool_ref_t r) {
  void *data = (void *)-1;
  OK(wasmpool_externref_data(store, r, &data));
  return data;
}

/* host.echo: returns its externref parameter; checks its data on the way. */
static wasmpool_error_t *host_echo(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                   size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env;
  CHECK(nargs == 1 && nresults == 1 && args[0].kind == WASMPOOL_VALKIND_EXTERNREF);
  CHECK(results[0].kind == WASMPOOL_VALKIND_EXTERNREF);
  if (!is_null_ref(args[0].of.externref)) {
    void *data = NULL;
    OK(wasmpool_caller_externref_data(caller, args[0].of.externref, &data));
    CHECK((uintptr_t)data < 8);
  }
  results[0].of.externref = args[0].of.externref;
  return NULL;
}

/* host.make: a new externref around index `n` (finalizer counted). */
static wasmpool_error_t *host_make(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                   size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env;
  (void)nargs;
  (void)nresults;
  wasmpool_ref_t r;
  OK(wasmpool_caller_externref_new(caller, (void *)(uintptr_t)args[0].of.i32, count_finalizer, &r));
  results[0].of.externref = r;
  /* The root goes when this returns, after the result is read; a second
   * one made here and released early is refused afterwards. */
  wasmpool_ref_t early;
  OK(wasmpool_caller_externref_new(caller, (void *)6, count_finalizer, &early));
  OK(wasmpool_caller_ref_release(caller, early));
  void *data = NULL;
  EXPECT_ERR(wasmpool_caller_externref_data(caller, early, &data), WASMPOOL_ERROR_INVALID_ARGUMENT);
  return NULL;
}

/* host.apply: calls the funcref it receives with the i32, through the
 * caller (a store-owned function handle of the same store). */
static wasmpool_error_t *host_apply(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                    size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env;
  (void)caller;
  (void)nresults;
  CHECK(nargs == 2 && args[0].kind == WASMPOOL_VALKIND_FUNCREF && args[0].of.funcref != NULL);
  wasmpool_extern_info_t info;
  OK(wasmpool_func_type(args[0].of.funcref, &info));
  CHECK(info.nparams == 1 && info.params[0] == WASMPOOL_VALKIND_I32);
  /* Its own store is running: a direct call is refused, not re-entered. */
  wasmpool_val_t r = val_i32(0);
  EXPECT_ERR(wasmpool_func_call(args[0].of.funcref, &args[1], 1, &r, 1),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  results[0] = val_i32(args[1].of.i32 * 100);
  return NULL;
}

/* host.keep: returns its anyref parameter unchanged. */
static wasmpool_error_t *host_keep(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                   size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env;
  (void)caller;
  (void)nargs;
  (void)nresults;
  CHECK(args[0].kind == WASMPOOL_VALKIND_ANYREF);
  results[0] = args[0];
  return NULL;
}

/* host.bad: returns a value of the wrong kind: the guest traps. */
static wasmpool_error_t *host_bad(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                  size_t nargs, wasmpool_val_t *results, size_t nresults) {
  (void)env;
  (void)caller;
  (void)args;
  (void)nargs;
  (void)nresults;
  results[0] = val_i32(1);
  return NULL;
}

static wasmpool_instance_t *instantiate(wasmpool_engine_t *engine, wasmpool_store_t *store) {
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  wasmpool_valkind_t e = WASMPOOL_VALKIND_EXTERNREF, i = WASMPOOL_VALKIND_I32, a = WASMPOOL_VALKIND_ANYREF;
  wasmpool_valkind_t fi[2] = {WASMPOOL_VALKIND_FUNCREF, WASMPOOL_VALKIND_I32};
  OK(wasmpool_linker_define_func(linker, "host", "echo", &e, 1, &e, 1, host_echo, NULL, NULL));
  OK(wasmpool_linker_define_func(linker, "host", "make", &i, 1, &e, 1, host_make, NULL, NULL));
  OK(wasmpool_linker_define_func(linker, "host", "apply", fi, 2, &i, 1, host_apply, NULL, NULL));
  OK(wasmpool_linker_define_func(linker, "host", "keep", &a, 1, &a, 1, host_keep, NULL, NULL));
  /* REF names no type: a host function cannot declare it. */
  wasmpool_valkind_t ref = WASMPOOL_VALKIND_REF;
  EXPECT_ERR(wasmpool_linker_define_func(linker, "host", "x", &ref, 1, NULL, 0, host_keep, NULL, NULL),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_module_t *module = compile_wat(engine, WAT);
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_linker_instantiate(linker, store, module, &inst));
  wasmpool_module_delete(module);
  wasmpool_linker_delete(linker);
  return inst;
}

static void calls(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instantiate(engine, store);
  memset(finalized, 0, sizeof finalized);

  /* An externref in and out, by name and by handle: same object, its data. */
  wasmpool_ref_t r;
  OK(wasmpool_externref_new(store, (void *)1, count_finalizer, &r));
  CHECK(!is_null_ref(r) && data_of(store, r) == (void *)1);
  wasmpool_val_t arg = ext(r), out;
  OK(wasmpool_instance_call(inst, "id", &arg, 1, &out, 1));
  CHECK(out.kind == WASMPOOL_VALKIND_EXTERNREF && data_of(store, out.of.externref) == (void *)1);
  OK(wasmpool_ref_release(store, out.of.externref));
  wasmpool_func_t *id = NULL;
  OK(wasmpool_instance_func(inst, "id", &id));
  OK(wasmpool_func_call(id, &arg, 1, &out, 1));
  CHECK(data_of(store, out.of.externref) == (void *)1);
  OK(wasmpool_ref_release(store, out.of.externref));
  /* Null: all zero. */
  wasmpool_val_t null_ext = ext((wasmpool_ref_t){0, 0});
  OK(wasmpool_instance_call(inst, "id", &null_ext, 1, &out, 1));
  CHECK(out.kind == WASMPOOL_VALKIND_EXTERNREF && is_null_ref(out.of.externref));
  wasmpool_val_t flag;
  OK(wasmpool_instance_call(inst, "is_null", &null_ext, 1, &flag, 1));
  CHECK(flag.of.i32 == 1);
  OK(wasmpool_instance_call(inst, "is_null", &arg, 1, &flag, 1));
  CHECK(flag.of.i32 == 0);

  /* A funcref result is a store-owned handle that can be called and passed back. */
  OK(wasmpool_instance_call(inst, "get_inc", NULL, 0, &out, 1));
  CHECK(out.kind == WASMPOOL_VALKIND_FUNCREF && out.of.funcref != NULL);
  wasmpool_func_t *inc = out.of.funcref;
  wasmpool_val_t five = val_i32(5), six;
  OK(wasmpool_func_call(inc, &five, 1, &six, 1));
  CHECK(six.of.i32 == 6);
  wasmpool_val_t cr[2] = {fn(inc), val_i32(41)};
  OK(wasmpool_instance_call(inst, "call_ref", cr, 2, &out, 1));
  CHECK(out.of.i32 == 42);
  cr[0] = fn(NULL);
  EXPECT_ERR(wasmpool_instance_call(inst, "call_ref", cr, 2, &out, 1), WASMPOOL_ERROR_TRAP);

  /* Host functions receive and return references. */
  OK(wasmpool_instance_call(inst, "via_echo", &arg, 1, &out, 1));
  CHECK(data_of(store, out.of.externref) == (void *)1);
  OK(wasmpool_ref_release(store, out.of.externref));
  OK(wasmpool_instance_call(inst, "via_echo", &null_ext, 1, &out, 1));
  CHECK(is_null_ref(out.of.externref));
  wasmpool_val_t two = val_i32(2);
  OK(wasmpool_instance_call(inst, "via_make", &two, 1, &out, 1));
  CHECK(data_of(store, out.of.externref) == (void *)2);
  wasmpool_ref_t made = out.of.externref;
  OK(wasmpool_instance_call(inst, "via_apply", &five, 1, &out, 1));
  CHECK(out.of.i32 == 500);
  /* Parameters' roots went with their callbacks: only r and made are left. */
  CHECK(wasmpool_store_ref_count(store) == 2);

  /* GC: once released and unreferenced, the finalizer runs, once. */
  CHECK(finalized[1] == 0 && finalized[2] == 0);
  OK(wasmpool_ref_release(store, made));
  OK(wasmpool_store_gc(store));
  CHECK(finalized[2] == 1 && finalized[6] == 1);
  OK(wasmpool_store_gc(store));
  CHECK(finalized[2] == 1 && finalized[6] == 1 && finalized[1] == 0);
  /* A released ref is refused, never followed. */
  void *data = NULL;
  EXPECT_ERR(wasmpool_externref_data(store, made, &data), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_ref_release(store, made), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_val_t dead = ext(made);
  EXPECT_ERR(wasmpool_instance_call(inst, "id", &dead, 1, &out, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  /* A garbage ref of this store, and a forged one: refused too. */
  wasmpool_ref_t forged = {r.store, 0x7fffffff00001234ull};
  EXPECT_ERR(wasmpool_externref_data(store, forged, &data), WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* Wrong kinds, naming the argument. */
  wasmpool_val_t wrong = val_i32(1);
  wasmpool_error_t *err = wasmpool_instance_call(inst, "id", &wrong, 1, &out, 1);
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "argument 0") != NULL);
  wasmpool_error_delete(err);
  wasmpool_val_t as_any = any(r);
  EXPECT_ERR(wasmpool_instance_call(inst, "via_keep", &as_any, 1, &out, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  /* A null for a non-nullable (ref extern). */
  EXPECT_ERR(wasmpool_instance_call(inst, "nonnull", &null_ext, 1, &out, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_instance_call(inst, "nonnull", &arg, 1, &out, 1));

  /* The store's deletion finalizes what is left (r), once. */
  wasmpool_store_delete(store);
  CHECK(finalized[1] == 1 && finalized[2] == 1);
}

static void gc_refs(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instantiate(engine, store);
  /* i31: made by Wasm, read by the host; made by the host, read by Wasm. */
  wasmpool_val_t in = val_i32(-7), out, x;
  OK(wasmpool_instance_call(inst, "i31", &in, 1, &out, 1));
  CHECK(out.kind == WASMPOOL_VALKIND_ANYREF && !is_null_ref(out.of.anyref));
  int32_t s = 0;
  uint32_t u = 0;
  OK(wasmpool_anyref_i31_get_s(store, out.of.anyref, &s));
  OK(wasmpool_anyref_i31_get_u(store, out.of.anyref, &u));
  CHECK(s == -7 && u == 0x7ffffff9u);
  wasmpool_ref_t i31;
  OK(wasmpool_anyref_i31_new(store, 123, &i31));
  wasmpool_val_t a = any(i31);
  OK(wasmpool_instance_call(inst, "i31_get", &a, 1, &x, 1));
  CHECK(x.of.i32 == 123);
  /* The top bit is dropped, as ref.i31 does. */
  wasmpool_ref_t wrapped;
  OK(wasmpool_anyref_i31_new(store, INT32_MIN | 5, &wrapped));
  OK(wasmpool_anyref_i31_get_s(store, wrapped, &s));
  CHECK(s == 5);
  /* A struct passes through the host opaquely and comes back intact. */
  wasmpool_val_t nine = val_i32(9);
  OK(wasmpool_instance_call(inst, "point", &nine, 1, &out, 1));
  wasmpool_ref_t point = out.of.anyref;
  EXPECT_ERR(wasmpool_anyref_i31_get_s(store, point, &s), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_val_t p = any(point);
  OK(wasmpool_instance_call(inst, "via_keep", &p, 1, &out, 1));
  OK(wasmpool_instance_call(inst, "point_x", &out, 1, &x, 1));
  CHECK(x.of.i32 == 9);
  /* ... and survives a GC while only the host's root holds it. */
  OK(wasmpool_store_gc(store));
  OK(wasmpool_instance_call(inst, "point_x", &p, 1, &x, 1));
  CHECK(x.of.i32 == 9);
  /* An i31 is not a struct: the guest's cast traps. */
  EXPECT_ERR(wasmpool_instance_call(inst, "point_x", &a, 1, &x, 1), WASMPOOL_ERROR_TRAP);
  /* An externref is not an anyref. */
  wasmpool_ref_t e;
  OK(wasmpool_externref_new(store, NULL, NULL, &e));
  EXPECT_ERR(wasmpool_anyref_i31_get_s(store, e, &s), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_externref_data(store, i31, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  void *data = (void *)1;
  EXPECT_ERR(wasmpool_externref_data(store, i31, &data), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_anyref_i31_get_s(store, (wasmpool_ref_t){0, 0}, &s), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_store_delete(store);
}

static void globals_and_tables(wasmpool_engine_t *engine) {
  memset(finalized, 0, sizeof finalized);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_instance_t *inst = instantiate(engine, store);
  wasmpool_ref_t r;
  OK(wasmpool_externref_new(store, (void *)3, count_finalizer, &r));
  wasmpool_val_t v = ext(r), out;
  /* Exported globals, by name and by handle. */
  OK(wasmpool_instance_global_set(inst, "g", &v));
  OK(wasmpool_instance_global_get(inst, "g", &out));
  CHECK(out.kind == WASMPOOL_VALKIND_EXTERNREF && data_of(store, out.of.externref) == (void *)3);
  OK(wasmpool_ref_release(store, out.of.externref));
  wasmpool_global_t *gf = NULL;
  OK(wasmpool_instance_export_global(inst, "gf", &gf));
  wasmpool_globaltype_t gty;
  OK(wasmpool_global_type(gf, &gty));
  CHECK(gty.kind == WASMPOOL_VALKIND_FUNCREF && gty.is_mutable);
  wasmpool_func_t *inc = NULL;
  OK(wasmpool_instance_func(inst, "inc", &inc));
  wasmpool_val_t f = fn(inc);
  OK(wasmpool_global_set(gf, &f));
  OK(wasmpool_global_get(gf, &out));
  CHECK(out.kind == WASMPOOL_VALKIND_FUNCREF && out.of.funcref != NULL);
  wasmpool_val_t one = val_i32(1), two;
  OK(wasmpool_func_call(out.of.funcref, &one, 1, &two, 1));
  CHECK(two.of.i32 == 2);
  /* Wrong kind for the global. */
  EXPECT_ERR(wasmpool_global_set(gf, &v), WASMPOOL_ERROR_INVALID_ARGUMENT);
  /* Host-made globals of each reference kind. */
  wasmpool_globaltype_t ety = {.kind = WASMPOOL_VALKIND_EXTERNREF, .is_mutable = true};
  wasmpool_global_t *hg = NULL;
  OK(wasmpool_global_new(store, &ety, &v, &hg));
  OK(wasmpool_global_get(hg, &out));
  CHECK(data_of(store, out.of.externref) == (void *)3);
  OK(wasmpool_ref_release(store, out.of.externref));
  wasmpool_ref_t i31;
  OK(wasmpool_anyref_i31_new(store, 77, &i31));
  wasmpool_globaltype_t aty = {.kind = WASMPOOL_VALKIND_ANYREF, .is_mutable = false};
  wasmpool_val_t av = any(i31);
  wasmpool_global_t *ag = NULL;
  OK(wasmpool_global_new(store, &aty, &av, &ag));
  OK(wasmpool_global_get(ag, &out));
  int32_t s = 0;
  OK(wasmpool_anyref_i31_get_s(store, out.of.anyref, &s));
  CHECK(s == 77);
  wasmpool_globaltype_t exty = {.kind = WASMPOOL_VALKIND_EXNREF, .is_mutable = false};
  wasmpool_val_t nullexn;
  memset(&nullexn, 0, sizeof nullexn);
  nullexn.kind = WASMPOOL_VALKIND_EXNREF;
  wasmpool_global_t *xg = NULL;
  OK(wasmpool_global_new(store, &exty, &nullexn, &xg));
  OK(wasmpool_global_get(xg, &out));
  CHECK(out.kind == WASMPOOL_VALKIND_EXNREF && is_null_ref(out.of.exnref));

  /* Tables: the existing function-handle API and the value API. */
  wasmpool_table_t *te = NULL, *tf = NULL;
  OK(wasmpool_instance_export_table(inst, "te", &te));
  OK(wasmpool_instance_export_table(inst, "tf", &tf));
  OK(wasmpool_table_set_val(te, 1, &v));
  OK(wasmpool_table_get_val(te, 1, &out));
  CHECK(data_of(store, out.of.externref) == (void *)3);
  OK(wasmpool_table_get_val(te, 0, &out));
  CHECK(out.kind == WASMPOOL_VALKIND_EXTERNREF && is_null_ref(out.of.externref));
  uint64_t prev = 0;
  OK(wasmpool_table_grow_val(te, 2, &v, &prev));
  CHECK(prev == 2 && wasmpool_table_size(te) == 4);
  OK(wasmpool_table_get_val(te, 3, &out));
  CHECK(data_of(store, out.of.externref) == (void *)3);
  wasmpool_func_t *got = NULL;
  EXPECT_ERR(wasmpool_table_get(te, 3, &got), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_table_set_val(te, 0, &f), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_table_set_val(te, 9, &v), WASMPOOL_ERROR_INVALID_ARGUMENT);
  OK(wasmpool_table_set_val(tf, 0, &f));
  OK(wasmpool_table_get(tf, 0, &got));
  CHECK(got != NULL);
  OK(wasmpool_table_get_val(tf, 0, &out));
  CHECK(out.kind == WASMPOOL_VALKIND_FUNCREF && out.of.funcref != NULL);
  /* A host-made anyref table, initialised with an i31. */
  wasmpool_tabletype_t aty_t = {.element = WASMPOOL_REFTYPE_ANYREF, .minimum = 2};
  wasmpool_table_t *ta = NULL;
  OK(wasmpool_table_new_with_init(store, &aty_t, &av, &ta));
  OK(wasmpool_table_get_val(ta, 1, &out));
  OK(wasmpool_anyref_i31_get_s(store, out.of.anyref, &s));
  CHECK(s == 77);
  EXPECT_ERR(wasmpool_table_new_with_init(store, &aty_t, &v, &ta), WASMPOOL_ERROR_INVALID_ARGUMENT);

  /* The object is held by the global, the tables and roots: GC keeps it. */
  OK(wasmpool_ref_release(store, r));
  OK(wasmpool_store_gc(store));
  CHECK(finalized[3] == 0);
  wasmpool_store_delete(store);
  CHECK(finalized[3] == 1);
}

/* References of another store, and of a deleted store. */
static void other_stores(wasmpool_engine_t *engine) {
  memset(finalized, 0, sizeof finalized);
  wasmpool_store_t *s1 = NULL, *s2 = NULL;
  OK(wasmpool_store_new(engine, &s1));
  OK(wasmpool_store_new(engine, &s2));
  wasmpool_instance_t *i1 = instantiate(engine, s1);
  wasmpool_instance_t *i2 = instantiate(engine, s2);
  wasmpool_ref_t r1;
  OK(wasmpool_externref_new(s1, (void *)4, count_finalizer, &r1));
  wasmpool_val_t v = ext(r1), out;
  wasmpool_error_t *err = wasmpool_instance_call(i2, "id", &v, 1, &out, 1);
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "argument 0") && strstr(wasmpool_error_message(err), "another store"));
  wasmpool_error_delete(err);
  void *data = NULL;
  EXPECT_ERR(wasmpool_externref_data(s2, r1, &data), WASMPOOL_ERROR_INVALID_ARGUMENT);
  /* A function of another store. */
  wasmpool_func_t *inc1 = NULL;
  OK(wasmpool_instance_func(i1, "inc", &inc1));
  wasmpool_val_t cr[2] = {fn(inc1), val_i32(1)};
  err = wasmpool_instance_call(i2, "call_ref", cr, 2, &out, 1);
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(wasmpool_error_message(err), "another store"));
  wasmpool_error_delete(err);
  wasmpool_table_t *tf2 = NULL;
  OK(wasmpool_instance_export_table(i2, "tf", &tf2));
  wasmpool_val_t f1 = fn(inc1);
  EXPECT_ERR(wasmpool_table_set_val(tf2, 0, &f1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  /* s1 deleted: its ref is refused by s2, and was finalized once. */
  wasmpool_store_delete(s1);
  CHECK(finalized[4] == 1);
  EXPECT_ERR(wasmpool_instance_call(i2, "id", &v, 1, &out, 1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_ref_release(s2, r1), WASMPOOL_ERROR_INVALID_ARGUMENT);
  wasmpool_store_delete(s2);
  CHECK(finalized[4] == 1);
}

/* A host function returning the wrong kind traps its caller; NULL store
 * arguments are errors. */
static void bad_input(wasmpool_engine_t *engine) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_linker_t *linker = NULL;
  OK(wasmpool_linker_new(engine, &linker));
  wasmpool_valkind_t e = WASMPOOL_VALKIND_EXTERNREF;
  OK(wasmpool_linker_define_func(linker, "host", "bad", NULL, 0, &e, 1, host_bad, NULL, NULL));
  wasmpool_module_t *module = compile_wat(
      engine, "(module (import \"host\" \"bad\" (func $b (result externref)))"
              "  (func (export \"run\") (result externref) (call $b)))");
  wasmpool_instance_t *inst = NULL;
  OK(wasmpool_linker_instantiate(linker, store, module, &inst));
  wasmpool_val_t out;
  wasmpool_error_t *err = wasmpool_instance_call(inst, "run", NULL, 0, &out, 1);
  CHECK(err && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
  CHECK(strstr(wasmpool_error_message(err), "result 0"));
  wasmpool_error_delete(err);
  wasmpool_ref_t r;
  EXPECT_ERR(wasmpool_externref_new(NULL, NULL, NULL, &r), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_externref_new(store, NULL, NULL, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_store_gc(NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_store_ref_count(NULL) == 0);
  /* Releasing null is a no-op. */
  OK(wasmpool_ref_release(store, (wasmpool_ref_t){0, 0}));
  wasmpool_module_delete(module);
  wasmpool_linker_delete(linker);
  wasmpool_store_delete(store);
}

int main(void) {
  for (int pooling = 1; pooling >= 0; pooling--) {
    wasmpool_config_t *cfg = small_pool(8);
    OK(wasmpool_config_max_tables_per_module_set(cfg, 2)); /* a funcref and an externref table */
    if (!pooling) OK(wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_ON_DEMAND));
    wasmpool_engine_t *engine = engine_from(cfg);
    calls(engine);
    gc_refs(engine);
    globals_and_tables(engine);
    other_stores(engine);
    bad_input(engine);
    wasmpool_engine_delete(engine);
    wasmpool_config_delete(cfg);
  }
  printf("refs: ok under pooling and on-demand\n");
  return 0;
}
