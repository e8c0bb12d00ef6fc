//! The NULL sweep is generated from the header: every exported function,
//! every pointer parameter, called with NULL there and valid values
//! elsewhere, each case in a child process (see the generated file's main).
//!
//! This test regenerates `tests/c/reliability/test_null_sweep.c` from
//! `include/wasmpool.h` and fails when the committed file differs (set
//! `WASMPOOL_BLESS=1` to rewrite it), or when a function has a parameter the
//! generator does not know how to fill: a new function is covered as soon as
//! the header has it, and one the sweep cannot drive fails until it is
//! taught how (in `value_for` below). ctest compiles and runs the generated
//! program against the installed library.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::header::{Param, functions};

fn is_pointer(p: &Param) -> bool {
    p.ty.contains('*') || p.ty.ends_with("_callback_t") || p.ty.ends_with("_finalizer_t")
}

/// Parameters for which NULL is a valid value (documented as optional).
fn nullable(f: &str, p: &Param) -> bool {
    // `data` is a host object's pointer, which wasmpool never reads; a NULL
    // function for a table element is a null reference; a NULL cache
    // directory turns the cache off, a NULL epoch callback removes it.
    matches!(
        (p.name.as_str(), p.ty.as_str()),
        ("env" | "finalizer" | "applied" | "previous", _)
            | ("data", "void *")
            | ("dir", "const char *")
            | ("callback", "wasmpool_epoch_deadline_callback_t")
    ) || (f.starts_with("wasmpool_table_") && matches!(p.name.as_str(), "func" | "init") && p.ty == "const wasmpool_func_t *")
}

/// A valid C expression for parameter `p` of function `f`, or None when the
/// generator has not been taught this parameter.
fn value_for(f: &str, p: &Param) -> Option<String> {
    let t = p.ty.as_str();
    let s = |v: &str| Some(v.to_string());
    match (p.name.as_str(), t) {
        ("cfg", t) if t.contains("wasi_config") => s("fx->wcfg"),
        ("cfg", t) if t.contains("http_config") => s("http_fixture(fx)->hcfg"),
        ("linker", "wasmpool_component_linker_t *") if f.contains("http") => s("http_fixture(fx)->hlinker"),
        ("pre", _) if f.contains("http") => s("http_fixture(fx)->hpre"),
        ("store", _) if f.contains("http") => s("http_fixture(fx)->hstore"),
        ("req" | "request", _) => s("http_fixture(fx)->req"),
        ("call", t) if t.contains("http_call") => s("http_fixture(fx)->hcall"),
        ("done", "bool *") => s("&http_fixture(fx)->done"),
        ("out", "bool *") => s("&fx->flag"),
        ("tag", "const char *") => s("\"e\""),
        ("resp", _) => s("http_fixture(fx)->resp"),
        ("response", "wasmpool_http_response_t **") => s("(void *)&fx->out_ptr"),
        ("method", "const char *") => s("\"GET\""),
        ("scheme", "const char *") => s("\"http\""),
        ("authority", "const char *") => s("\"localhost:8080\""),
        ("path_with_query", "const char *") => s("\"/echo?x=1\""),
        ("value" | "data", "const uint8_t *") if f.contains("http") => s("(const uint8_t *)\"v\""),
        ("len", "size_t") if f.contains("http") => s("1"),
        ("status", "uint16_t *") => s("&fx->u16"),
        ("count" | "value_len", "size_t *") => s("&fx->size"),
        ("value", "const uint8_t **") => s("&fx->cdata"),
        ("cfg", _) => s("fx->cfg"),
        ("engine", _) => s("fx->engine"),
        ("module", "const wasmpool_module_t *") => s("fx->module"),
        ("component", _) => s("fx->component"),
        ("linker", t) if t.contains("component") => s("fx->clinker"),
        ("pre", t) if t.contains("component") => s("fx->cpre"),
        ("inst", t) if t.contains("component") => s("fx->cinst"),
        ("func", "const wasmpool_component_func_t *") => s("fx->cfunc"),
        ("out", "wasmpool_component_item_t *") => s("&fx->citem"),
        ("args", "const wasmpool_component_val_t *") => s("&fx->cval"),
        ("results", "wasmpool_component_val_t *") => s("&fx->cval_out"),
        ("instance", "const char *") => s("\"\""),
        ("callback", "wasmpool_component_func_callback_t") => s("sweep_component_callback"),
        ("store", _) if f.contains("resource") => s("fx->cstore"),
        ("store", _) => s("fx->store"),
        ("inst", _) => s("fx->inst"),
        ("linker", _) => s("fx->linker"),
        ("pre", _) => s("fx->pre"),
        ("func" | "init", "const wasmpool_func_t *") => s("fx->func"),
        ("memory", "const wasmpool_memory_t *") => s("fx->memory"),
        ("table", "const wasmpool_table_t *") => s("fx->table"),
        ("global", "const wasmpool_global_t *") => s("fx->global"),
        ("instance", "const wasmpool_instance_t *") => s("fx->inst"),
        ("ty", "const wasmpool_memorytype_t *") => s("&fx->mtype"),
        ("ty", "const wasmpool_tabletype_t *") => s("&fx->ttype"),
        ("ty", "const wasmpool_globaltype_t *") => s("&fx->gtype"),
        ("out", "wasmpool_memorytype_t *") => s("&fx->mtype_out"),
        ("out", "wasmpool_tabletype_t *") => s("&fx->ttype_out"),
        ("out", "wasmpool_globaltype_t *") => s("&fx->gtype_out"),
        ("previous", "uint64_t *") => s("&fx->u64"),
        ("err", _) => s("fx->err"),
        ("caller", "wasmpool_caller_t *") => s("(wasmpool_caller_t *)caller"),
        ("caller", "wasmpool_component_caller_t *") => s("(wasmpool_component_caller_t *)caller"),
        ("ty", "const wasmpool_component_resource_type_t *") => s("fx->rtype"),
        ("resource", "const wasmpool_component_resource_t *" | "wasmpool_component_resource_t *") => s("fx->resource"),
        ("destructor", "wasmpool_component_resource_destructor_t") => s("NULL"),
        ("data", "void *") => s("NULL"),
        ("out", t) if t.ends_with("**") => s("(void *)&fx->out_ptr"),
        ("out", "wasmpool_metrics_t *") => s("&fx->metrics"),
        ("out", "wasmpool_footprint_t *") => s("&fx->footprint"),
        ("out", "wasmpool_extern_info_t *") => s("&fx->info"),
        ("out", "wasmpool_store_limits_t *") => s("&fx->limits"),
        ("out", "uint64_t *") => s("&fx->u64"),
        ("out", "wasmpool_trap_code_t *") => s("&fx->code"),
        ("out", "wasmpool_val_t *") => s("&fx->val"),
        ("bytes", "const wasmpool_bytes_t *") => s("fx->bytes"),
        ("bytes", "const uint8_t *") if f.contains("deserialize") => s("wasmpool_bytes_data(fx->bytes)"),
        ("bytes", "const uint8_t *") => s("(const uint8_t *)fx->wat"),
        ("len", "size_t") if f.contains("wave") => s("1"),
        ("len", "size_t") if f.contains("deserialize") => s("wasmpool_bytes_len(fx->bytes)"),
        ("len", "size_t") => s("strlen(fx->wat)"),
        ("path", "const char *") if f.contains("deserialize") => s("fx->cwasm_path"),
        ("path", "const char *") => s("fx->wat_path"),
        ("name", "const char *") if f.contains("global") => s("\"g\""),
        ("name", "const char *") if f.contains("memory") => s("\"memory\""),
        ("name", "const char *") if f.contains("table") => s("\"t\""),
        ("name", "const char *") if f.contains("define_func") => s("\"h2\""),
        ("name", "const char *") => s("\"f\""),
        ("module_name", "const char *") => s("\"env\""),
        // `_n` variants: the lengths of the names above.
        ("name_len", "size_t") if f.contains("memory") => s("6"),
        ("name_len", "size_t") if f.contains("define_func") => s("2"),
        ("name_len", "size_t") => s("1"),
        ("module_name_len", "size_t") => s("3"),
        ("prefix", "const char *") => s("\"WASMPOOL_SWEEP_\""),
        ("message", "const char *") => s("\"m\""),
        ("args", "const wasmpool_val_t *") => s("&fx->arg"),
        ("results", "wasmpool_val_t *") => s("&fx->res"),
        ("value", "const wasmpool_val_t *") if f.starts_with("wasmpool_table_") => s("&fx->fval"),
        ("value", "const wasmpool_val_t *") => s("&fx->gval"),
        ("init", "const wasmpool_val_t *") => s("&fx->fval"),
        ("reference", "wasmpool_ref_t") => s("fx->ref"),
        ("out", "wasmpool_ref_t *") => s("&fx->ref"),
        ("out", "int32_t *") => s("&fx->exit_code"),
        ("out", "uint32_t *") => s("&fx->u32"),
        ("value", "int32_t") => s("1"),
        ("params" | "results", "const wasmpool_valkind_t *") => s("fx->kinds"),
        ("nargs" | "nresults" | "nparams", "size_t") => s("1"),
        ("callback", "wasmpool_func_callback_t") => s("sweep_callback"),
        ("read", "wasmpool_http_body_read_callback_t") => s("sweep_http_read"),
        ("on_head", "wasmpool_http_head_callback_t") => s("sweep_http_head"),
        ("on_data", "wasmpool_http_body_write_callback_t") => s("sweep_http_data"),
        ("callback", "wasmpool_epoch_deadline_callback_t") => s("sweep_epoch_callback"),
        ("dir", "const char *") => s("\"/tmp/wasmpool-sweep-cache\""),
        ("out", "wasmpool_trace_frame_t *") => s("&fx->frame"),
        ("out", "wasmpool_cache_stats_t *") => s("&fx->cache_stats"),
        ("env", "void *") => s("NULL"),
        ("finalizer", "wasmpool_finalizer_t") => s("NULL"),
        ("limits", "const wasmpool_store_limits_t *") => s("&fx->limits"),
        ("data", "uint8_t **") => s("&fx->data"),
        ("size" | "applied", "size_t *") => s("&fx->size"),
        ("code", "wasmpool_trap_code_t") => s("WASMPOOL_TRAP_HOST"),
        ("index", "size_t") => s("0"),
        ("ty", "const wasmpool_component_type_t *") => s("fx->ctype"),
        ("member", "const wasmpool_component_type_t **") => s("&fx->ctype_out"),
        ("name", "const char **") => s("&fx->cname"),
        ("name_len", "size_t *") => s("&fx->size"),
        ("val" | "record", "const wasmpool_component_val_t *") => s("&fx->cval"),
        ("out", "wasmpool_component_val_t *") => s("&fx->cval_out"),
        ("text", "const char *") => s("\"1\""),
        ("argv", "const char *const *") => s("fx->argv"),
        ("host_path", "const char *") => s("\"/tmp\""),
        ("guest_path", "const char *") => s("\"/t\""),
        ("value", "const char *") => s("\"v\""),
        ("data", "const uint8_t **") => s("&fx->cdata"),
        ("len", "size_t *") => s("&fx->size"),
        ("exit_code", "int32_t *") => s("&fx->exit_code"),
        (_, "uint32_t" | "uint64_t" | "size_t" | "bool") => s("1"),
        (_, t) if t.starts_with("wasmpool_") && t.ends_with("_t") && !t.contains('*') => s("1"),
        _ => None,
    }
}

const PRELUDE: &str = r#"/* GENERATED by tests/null_sweep.rs from include/wasmpool.h: do not edit.
 * Regenerate with `WASMPOOL_BLESS=1 cargo test --release --test null_sweep`.
 *
 * Every exported function is called with NULL in each pointer parameter and
 * valid values in the others, each case in its own child process so that a
 * crash fails the case instead of ending the sweep. A function returning
 * `wasmpool_error_t *` must return INVALID_ARGUMENT (or success where NULL
 * is documented as allowed); the others must return normally. */
#define _POSIX_C_SOURCE 200809L
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  wasmpool_config_t *cfg;
  wasmpool_engine_t *engine;
  wasmpool_module_t *module;
  wasmpool_store_t *store;
  wasmpool_instance_t *inst;
  wasmpool_linker_t *linker;
  wasmpool_instance_pre_t *pre;
  wasmpool_func_t *func;
  wasmpool_error_t *err;
  wasmpool_bytes_t *bytes;
  const char *wat;
  char wat_path[64];
  char cwasm_path[64];
  void *out_ptr;
  wasmpool_metrics_t metrics;
  wasmpool_footprint_t footprint;
  wasmpool_extern_info_t info;
  wasmpool_store_limits_t limits;
  uint64_t u64;
  size_t size;
  uint8_t *data;
  wasmpool_trap_code_t code;
  wasmpool_val_t arg, res, gval, val;
  /* A null funcref (for the table), an i31 anyref made in `store`, and a u32 to write. */
  wasmpool_val_t fval;
  wasmpool_ref_t ref;
  uint32_t u32;
  wasmpool_valkind_t kinds[1];
  /* Component values: a u32 value, and the type of the component's `f`
   * parameter (u32). */
  wasmpool_component_val_t cval, cval_out;
  const wasmpool_component_type_t *ctype, *ctype_out;
  const char *cname;
  /* A component exporting `f(u32) -> u32`, linked, pre-instantiated and
   * instantiated in its own store. */
  wasmpool_component_t *component;
  wasmpool_component_linker_t *clinker;
  wasmpool_component_pre_t *cpre;
  wasmpool_store_t *cstore;
  wasmpool_component_instance_t *cinst;
  wasmpool_component_func_t *cfunc;
  wasmpool_component_item_t citem;
  /* A host resource type and an object of it in the component's store. */
  wasmpool_component_resource_type_t *rtype;
  wasmpool_component_resource_t *resource;
  /* A host memory (1 page, at most 10), table (2 funcref elements, at most 10) and mutable i32
   * global in `store`, their types, and what the type getters write. */
  wasmpool_memory_t *memory;
  wasmpool_table_t *table;
  wasmpool_global_t *global;
  wasmpool_memorytype_t mtype, mtype_out;
  wasmpool_tabletype_t ttype, ttype_out;
  wasmpool_globaltype_t gtype, gtype_out;
  /* A WASI configuration (the defaults), and what the WASI functions write. */
  wasmpool_wasi_config_t *wcfg;
  const char *argv[1];
  const uint8_t *cdata;
  int32_t exit_code;
  uint16_t u16;
  /* A frame of an error's backtrace, and a compilation cache's counters. */
  wasmpool_trace_frame_t frame;
  wasmpool_cache_stats_t cache_stats;
  /* What a yes/no question writes (whether an exception has a tag). */
  bool flag;
  /* wasi:http (set up on first use by http_fixture: it compiles the proxy test guest): a config,
   * a linker with wasi:http, the guest's pre, a store, a request and the guest's response to it. */
  struct http_fixture *http;
} fixture_t;

struct http_fixture {
  wasmpool_http_config_t *hcfg;
  wasmpool_component_linker_t *hlinker;
  wasmpool_component_pre_t *hpre;
  wasmpool_store_t *hstore;
  wasmpool_http_request_t *req;
  wasmpool_http_response_t *resp;
  wasmpool_http_request_t *call_req;
  wasmpool_http_call_t *hcall; /* done, its outcome not collected */
  bool done;
};

/* `caller` is a wasmpool_caller_t or a wasmpool_component_caller_t (see via_caller). */
typedef int (*case_fn)(fixture_t *fx, void *caller);

static fixture_t fixture;
static case_fn in_callback; /* a case that needs a caller runs inside the host function */
static int in_callback_rc;

static wasmpool_error_t *sweep_callback(void *env, wasmpool_caller_t *caller,
                                        const wasmpool_val_t *args, size_t nargs,
                                        wasmpool_val_t *results, size_t nresults) {
  (void)env, (void)args, (void)nargs, (void)results, (void)nresults;
  if (in_callback) in_callback_rc = in_callback(&fixture, caller);
  return NULL;
}

static wasmpool_error_t *sweep_epoch_callback(void *env, void *store_data, uint64_t *delta,
                                              wasmpool_epoch_action_t *action) {
  (void)env, (void)store_data, (void)delta, (void)action;
  return NULL;
}

static wasmpool_error_t *sweep_component_callback(void *env, wasmpool_component_caller_t *caller,
                                                  const wasmpool_component_val_t *args, size_t nargs,
                                                  wasmpool_component_val_t *results, size_t nresults) {
  (void)env, (void)args, (void)nargs, (void)results, (void)nresults;
  if (in_callback) in_callback_rc = in_callback(&fixture, caller);
  return NULL;
}

/* Streamed HTTP bodies: never reached (a swept call fails on its NULL argument first). */
static wasmpool_error_t *sweep_http_read(void *env, uint8_t *buf, size_t cap, size_t *len) {
  (void)env, (void)buf, (void)cap;
  *len = 0;
  return NULL;
}

static wasmpool_error_t *sweep_http_head(void *env, const wasmpool_http_response_t *head) {
  (void)env, (void)head;
  return NULL;
}

static wasmpool_error_t *sweep_http_data(void *env, const uint8_t *data, size_t len) {
  (void)env, (void)data, (void)len;
  return NULL;
}

static void die(const char *what, wasmpool_error_t *err) {
  if (err == NULL) return;
  fprintf(stderr, "fixture: %s: %s\n", what, wasmpool_error_message(err));
  exit(3);
}

static void write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) exit(3);
}

static const char WAT[] =
    "(module (import \"env\" \"h\" (func $h))"
    "  (memory (export \"memory\") 1)"
    "  (global (export \"g\") (mut i32) (i32.const 0))"
    "  (table (export \"t\") 2 funcref)"
    "  (func (export \"f\") (param i32) (result i32) local.get 0)"
    "  (func (export \"run\") call $h))";

static const char COMPONENT_WAT[] =
    "(component (import \"h\" (func $h)) (core func $hl (canon lower (func $h)))"
    "  (core module $m (import \"\" \"h\" (func $h))"
    "    (func (export \"f\") (param i32) (result i32) local.get 0) (func (export \"run\") call $h))"
    "  (core instance $i (instantiate $m (with \"\" (instance (export \"h\" (func $hl))))))"
    "  (func (export \"f\") (param \"x\" u32) (result u32) (canon lift (core func $i \"f\")))"
    "  (func (export \"run\") (canon lift (core func $i \"run\"))))";

static void fixture_setup(fixture_t *fx) {
  memset(fx, 0, sizeof *fx);
  fx->wat = WAT;
  fx->cfg = wasmpool_config_new();
  die("total_memories", wasmpool_config_total_memories_set(fx->cfg, 8));
  die("total_core_instances", wasmpool_config_total_core_instances_set(fx->cfg, 16));
  die("total_tables", wasmpool_config_total_tables_set(fx->cfg, 8));
  die("total_stacks", wasmpool_config_total_stacks_set(fx->cfg, 4));
  die("total_component_instances", wasmpool_config_total_component_instances_set(fx->cfg, 4));
  die("memory_reservation", wasmpool_config_memory_reservation_set(fx->cfg, 16u << 20));
  die("max_memory_size", wasmpool_config_max_memory_size_set(fx->cfg, 16u << 20));
  die("epoch_interruption", wasmpool_config_epoch_interruption_set(fx->cfg, true));
  die("engine", wasmpool_engine_new(fx->cfg, &fx->engine));
  die("module", wasmpool_module_new(fx->engine, (const uint8_t *)WAT, strlen(WAT), &fx->module));
  die("serialize", wasmpool_module_serialize(fx->module, &fx->bytes));
  snprintf(fx->wat_path, sizeof fx->wat_path, "/tmp/wasmpool-sweep-%d.wat", (int)getpid());
  snprintf(fx->cwasm_path, sizeof fx->cwasm_path, "/tmp/wasmpool-sweep-%d.cwasm", (int)getpid());
  write_file(fx->wat_path, WAT, strlen(WAT));
  write_file(fx->cwasm_path, wasmpool_bytes_data(fx->bytes), wasmpool_bytes_len(fx->bytes));
  die("linker", wasmpool_linker_new(fx->engine, &fx->linker));
  die("define", wasmpool_linker_define_func(fx->linker, "env", "h", NULL, 0, NULL, 0,
                                            sweep_callback, NULL, NULL));
  die("pre", wasmpool_linker_instantiate_pre(fx->linker, fx->module, &fx->pre));
  die("store", wasmpool_store_new(fx->engine, &fx->store));
  die("instantiate", wasmpool_instance_pre_instantiate(fx->pre, fx->store, &fx->inst));
  die("func", wasmpool_instance_func(fx->inst, "f", &fx->func));
  die("i31", wasmpool_anyref_i31_new(fx->store, 1, &fx->ref));
  fx->err = wasmpool_trap_new("a sample error");
  fx->metrics.struct_size = sizeof fx->metrics;
  fx->limits = wasmpool_store_limits_unlimited();
  fx->arg.kind = WASMPOOL_VALKIND_I32;
  fx->gval.kind = WASMPOOL_VALKIND_I32;
  memset(&fx->fval, 0, sizeof fx->fval);
  fx->fval.kind = WASMPOOL_VALKIND_FUNCREF;
  fx->kinds[0] = WASMPOOL_VALKIND_I32;
  fx->cval.kind = WASMPOOL_COMPONENT_VALKIND_U32;
  die("component", wasmpool_component_new(fx->engine, (const uint8_t *)COMPONENT_WAT,
                                          strlen(COMPONENT_WAT), &fx->component));
  die("component linker", wasmpool_component_linker_new(fx->engine, &fx->clinker));
  die("component define", wasmpool_component_linker_define_func(fx->clinker, "", "h",
                                                                sweep_component_callback, NULL, NULL));
  die("component pre", wasmpool_component_linker_instantiate_pre(fx->clinker, fx->component, &fx->cpre));
  die("component store", wasmpool_store_new(fx->engine, &fx->cstore));
  die("component instance", wasmpool_component_pre_instantiate(fx->cpre, fx->cstore, &fx->cinst));
  die("component func", wasmpool_component_instance_func(fx->cinst, "f", &fx->cfunc));
  for (size_t i = 0; i < wasmpool_component_export_count(fx->component); i++) {
    wasmpool_component_item_t item;
    die("component export", wasmpool_component_export(fx->component, i, &item));
    if (strcmp(item.name, "f") == 0 && item.nparams == 1) fx->ctype = item.param_types[0];
  }
  if (fx->ctype == NULL) exit(3);
  die("resource type", wasmpool_component_resource_type_new(NULL, NULL, NULL, &fx->rtype));
  die("resource", wasmpool_component_resource_new(fx->cstore, fx->rtype, NULL, &fx->resource));
  fx->wcfg = wasmpool_wasi_config_new();
  fx->argv[0] = "a";
  fx->mtype = (wasmpool_memorytype_t){.minimum = 1, .maximum = 10, .has_maximum = true};
  fx->ttype = (wasmpool_tabletype_t){.element = WASMPOOL_REFTYPE_FUNCREF, .minimum = 2, .maximum = 10,
                                     .has_maximum = true};
  fx->gtype = (wasmpool_globaltype_t){.kind = WASMPOOL_VALKIND_I32, .is_mutable = true};
  die("memory", wasmpool_memory_new(fx->store, &fx->mtype, &fx->memory));
  die("table", wasmpool_table_new(fx->store, &fx->ttype, &fx->table));
  die("global", wasmpool_global_new(fx->store, &fx->gtype, &fx->gval, &fx->global));
}

static struct http_fixture *http_fixture(fixture_t *fx) {
  static struct http_fixture h;
  if (fx->http) return fx->http;
  wasmpool_component_t *proxy;
  die("proxy guest", wasmpool_component_new_file(fx->engine, WASMPOOL_GUESTS_DIR "/proxy.wasm", &proxy));
  h.hcfg = wasmpool_http_config_new();
  die("http linker", wasmpool_component_linker_new(fx->engine, &h.hlinker));
  die("define http", wasmpool_component_linker_define_http(h.hlinker));
  die("http pre", wasmpool_component_linker_instantiate_pre(h.hlinker, proxy, &h.hpre));
  wasmpool_component_delete(proxy);
  die("http store", wasmpool_store_new(fx->engine, &h.hstore));
  die("request", wasmpool_http_request_new("GET", "http", "localhost", "/echo", &h.req));
  wasmpool_store_t *store;
  die("response store", wasmpool_store_new(fx->engine, &store));
  die("response", wasmpool_http_handle(h.hpre, store, h.req, &h.resp));
  wasmpool_store_t *call_store;
  die("call store", wasmpool_store_new(fx->engine, &call_store));
  die("call request", wasmpool_http_request_new("GET", "http", "localhost", "/echo", &h.call_req));
  die("call", wasmpool_http_handle_start(h.hpre, call_store, h.call_req, &h.hcall));
  struct pollfd pfd = {.fd = wasmpool_http_call_fd(h.hcall), .events = POLLIN};
  if (poll(&pfd, 1, 60000) != 1) die("call", wasmpool_trap_new("the fixture's call did not finish"));
  fx->http = &h;
  return fx->http;
}

static void fixture_cleanup(fixture_t *fx) {
  unlink(fx->wat_path);
  unlink(fx->cwasm_path);
}

/* 0: INVALID_ARGUMENT as required; 1: anything else. */
static int expect_invalid(const char *what, wasmpool_error_t *err) {
  int ok = err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_INVALID_ARGUMENT;
  if (!ok) {
    fprintf(stderr, "%s: expected INVALID_ARGUMENT, got %s\n", what,
            err ? wasmpool_error_message(err) : "success");
  }
  wasmpool_error_delete(err);
  return !ok;
}

static int expect_ok(const char *what, wasmpool_error_t *err) {
  if (err != NULL) fprintf(stderr, "%s: NULL is allowed here, got %s\n", what, wasmpool_error_message(err));
  wasmpool_error_delete(err);
  return err != NULL;
}
"#;

const MAIN: &str = r#"
static int run_case(const sweep_case_t *c) {
  fixture_setup(&fixture);
  int rc;
  if (c->via_caller) {
    in_callback = c->fn;
    in_callback_rc = 2;
    wasmpool_error_t *err = c->via_caller == 1
        ? wasmpool_instance_call(fixture.inst, "run", NULL, 0, NULL, 0)
        : wasmpool_component_instance_call(fixture.cinst, "run", NULL, 0, NULL, 0);
    rc = err != NULL ? 4 : in_callback_rc;
    wasmpool_error_delete(err);
  } else {
    rc = c->fn(&fixture, NULL);
  }
  fixture_cleanup(&fixture);
  return rc;
}

int main(void) {
  size_t n = sizeof CASES / sizeof CASES[0], failed = 0;
  for (size_t i = 0; i < n; i++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) _exit(run_case(&CASES[i]));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 2;
    if (WIFSIGNALED(status)) {
      fprintf(stderr, "FAIL %s: killed by signal %d\n", CASES[i].name, WTERMSIG(status));
      failed++;
    } else if (WEXITSTATUS(status) != 0) {
      fprintf(stderr, "FAIL %s: exit status %d\n", CASES[i].name, WEXITSTATUS(status));
      failed++;
    }
  }
  printf("null sweep: %d functions, %zu NULL cases, %zu failed\n", SWEPT_FUNCTIONS, n, failed);
  return failed != 0;
}
"#;

fn generate(header: &str) -> Result<String, String> {
    let funcs = functions(header);
    if funcs.len() < 50 {
        return Err(format!("found only {} functions in the header; the parser is broken", funcs.len()));
    }
    let mut cases = String::new();
    let mut table = String::new();
    let mut swept = 0;
    for f in &funcs {
        let pointers: Vec<usize> = (0..f.params.len()).filter(|&i| is_pointer(&f.params[i])).collect();
        if pointers.is_empty() {
            continue;
        }
        swept += 1;
        // A parameter needs a valid value when some case keeps it non-NULL.
        let values = f
            .params
            .iter()
            .enumerate()
            .map(|(j, p)| {
                if pointers == [j] {
                    return Ok(String::new());
                }
                value_for(&f.name, p).ok_or_else(|| {
                    format!("the sweep cannot drive {}: parameter `{} {}`; teach value_for", f.name, p.ty, p.name)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Cases that need a caller run inside a host function: 1 a module's, 2 a component's.
        let via_caller = f.params.iter().find_map(|p| match p.ty.as_str() {
            "wasmpool_caller_t *" => Some(1),
            "wasmpool_component_caller_t *" => Some(2),
            _ => None,
        });
        for &i in &pointers {
            let case = format!("{}__{}", f.name, f.params[i].name);
            let args = values
                .iter()
                .enumerate()
                .map(|(j, v)| if j == i { "NULL".to_string() } else { v.clone() })
                .collect::<Vec<_>>()
                .join(", ");
            let call = format!("{}({args})", f.name);
            let body = if f.ret == "wasmpool_error_t *" {
                let check = if nullable(&f.name, &f.params[i]) { "expect_ok" } else { "expect_invalid" };
                format!("  return {check}(\"{case}\", {call});")
            } else if f.ret == "void" {
                format!("  {call};\n  return 0;")
            } else {
                format!("  (void){call};\n  return 0;")
            };
            writeln!(cases, "static int case_{case}(fixture_t *fx, void *caller) {{\n  (void)fx, (void)caller;\n{body}\n}}\n").unwrap();
            writeln!(table, "    {{\"{case}\", case_{case}, {}}},", via_caller.unwrap_or(0)).unwrap();
        }
    }
    Ok(format!(
        "{PRELUDE}\n{cases}typedef struct {{\n  const char *name;\n  case_fn fn;\n  int via_caller;\n}} sweep_case_t;\n\n#define SWEPT_FUNCTIONS {swept}\nstatic const sweep_case_t CASES[] = {{\n{table}}};\n{MAIN}"
    ))
}

#[test]
fn generated_sweep_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(root.join("include/wasmpool.h")).expect("read header");
    let fresh = generate(&header).unwrap_or_else(|e| panic!("{e}"));
    let path = root.join("tests/c/reliability/test_null_sweep.c");
    if std::env::var_os("WASMPOOL_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write sweep");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "tests/c/reliability/test_null_sweep.c is out of date with the header; run `WASMPOOL_BLESS=1 cargo test --release --test null_sweep` and commit it"
    );
}

#[test]
fn parser_sees_every_function() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(root.join("include/wasmpool.h")).expect("read header");
    let funcs = functions(&header);
    // Every `wasmpool_...(` that starts a declaration line is parsed.
    let declared = header
        .lines()
        .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with('*') && !l.contains("typedef"))
        .filter(|l| l.contains("wasmpool_") && l.contains('(') && !l.starts_with(' '))
        .count();
    assert_eq!(funcs.len(), declared, "parsed {} functions, header declares {declared}", funcs.len());
    assert!(funcs.iter().any(|f| f.name == "wasmpool_linker_define_func" && f.params.len() == 10));
}
