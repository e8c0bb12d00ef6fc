/* wasmpool-run: runs a WASI command (a wasm32-wasip1 module, or a preview-2 command component)
 * with stdio inherited, or calls one export with --invoke, like `wasmtime run`. Written in C on
 * the public header only.
 *
 *   wasmpool-run [OPTIONS] FILE [ARGS...]
 *
 *   --dir HOST[::GUEST]   preopen the host directory HOST (read-write) as GUEST (default: HOST)
 *   --env NAME=VALUE      set an environment variable for the guest (--env NAME: the host's value)
 *   --argv0 NAME          the guest's argv[0] (default: FILE)
 *   --invoke 'EXPR'       call an export instead of running the command: `name(arg, ...)` with the
 *                         arguments in WAVE (the WebAssembly Value Encoding); prints the result in
 *                         WAVE. Core modules: any function of i32/i64/f32/f64 parameters and
 *                         results. Components: any function whose values have a WAVE form (each
 *                         argument is read against its parameter's type).
 *   --max-memory BYTES    the largest any linear memory may grow
 *   --fuel N              stop the guest after N units of fuel
 *   --timeout-ms MS       interrupt the guest after MS milliseconds
 *   --precompile OUT      compile FILE, write its precompiled form to OUT and exit 0 without
 *                         running it (run OUT later with the same --fuel and --timeout-ms, which
 *                         change the compiled code)
 *
 * FILE is detected from its bytes: a module or component in the binary format, a precompiled
 * module or component (made by wasmpool_{module,component}_serialize with the same options), or
 * the text format. The exit code is the guest's (0 when --invoke returns); wasmpool-run's own
 * failures (bad usage, a missing or unreadable file, a malformed binary, a missing export, a
 * link error, a trap, an interrupted guest, fuel exhausted) print one line on stderr,
 * "wasmpool-run: <what>: <why>", and exit with 125. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasmpool.h>


#define EXIT_FAILURE_RUN 125

static const char USAGE[] =
    "usage: wasmpool-run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [--argv0 NAME] "
    "[--invoke 'EXPR'] [--max-memory BYTES] [--fuel N] [--timeout-ms MS] [--precompile OUT] "
    "FILE [ARGS...]";

/* Prints "wasmpool-run: <what>: <message>" on one line and exits with 125. */
static void die(const char *what, const char *fmt, ...) {
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "wasmpool-run: %s: ", what);
  /* One line: each further non-blank line of the message after "; ", without its indent. */
  for (const char *p = msg; *p; p++) {
    if (*p == '\n') {
      while (p[1] == '\n' || p[1] == ' ' || p[1] == '\t') p++;
      if (p[1] != '\0') fputs("; ", stderr);
    } else {
      fputc(*p, stderr);
    }
  }
  fputc('\n', stderr);
  exit(EXIT_FAILURE_RUN);
}

#include "tool_util.h"

/* Exits with a one-line error for `err` (released), classified by its kind. */
static void die_error(const char *what, wasmpool_error_t *err) {
  const char *msg = wasmpool_error_message(err);
  switch (wasmpool_error_kind(err)) {
    case WASMPOOL_ERROR_TRAP: {
      wasmpool_trap_code_t code;
      char label[128] = "trap";
      if (wasmpool_error_trap_code(err, &code)) {
        if ((size_t)code < sizeof TRAP_NAMES / sizeof TRAP_NAMES[0])
          snprintf(label, sizeof label, "trap (%s)", TRAP_NAMES[code]);
        else
          snprintf(label, sizeof label, "trap (code %d)", (int)code);
      }
      die(label, "%s", msg);
      break;
    }
    case WASMPOOL_ERROR_INTERRUPTED: die("interrupted", "the time limit passed: %s", msg); break;
    case WASMPOOL_ERROR_OUT_OF_FUEL: die("out of fuel", "%s", msg); break;
    case WASMPOOL_ERROR_IO: die("io", "%s", msg); break;
    case WASMPOOL_ERROR_COMPILE: die("malformed", "%s", msg); break;
    case WASMPOOL_ERROR_LINK: die("link", "%s", msg); break;
    default: die(what, "%s", msg); break;
  }
}

#define TRY(what, expr)                          \
  do {                                           \
    wasmpool_error_t *try_err_ = (expr);         \
    if (try_err_ != NULL) die_error(what, try_err_); \
  } while (0)


typedef struct options {
  wasmpool_wasi_config_t *wasi;
  const char *argv0, *invoke, *file, *precompile;
  char **args;
  int nargs;
  int has_max_memory, has_fuel, has_timeout;
  uint64_t max_memory, fuel, timeout_ms;
} options_t;

static void parse_args(int argc, char **argv, options_t *o) {
  o->wasi = wasmpool_wasi_config_new();
  if (o->wasi == NULL) die("out of memory", "WASI configuration");
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    const char *opt = argv[i];
    if (strcmp(opt, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(opt, "--help") == 0) {
      puts(USAGE);
      exit(0);
    }
    if (i + 1 >= argc) die("usage", "%s needs a value; %s", opt, USAGE);
    const char *val = argv[++i];
    if (strcmp(opt, "--dir") == 0) {
      char *host = strdup(val);
      if (host == NULL) die("out of memory", "--dir");
      char *sep = strstr(host, "::");
      const char *guest = host;
      if (sep != NULL) {
        *sep = '\0';
        guest = sep + 2;
      }
      TRY("--dir", wasmpool_wasi_config_preopen_dir(o->wasi, host, guest, WASMPOOL_WASI_PERMS_READ_WRITE));
      free(host);
    } else if (strcmp(opt, "--env") == 0) {
      char *name = strdup(val);
      if (name == NULL) die("out of memory", "--env");
      char *eq = strchr(name, '=');
      const char *value;
      if (eq != NULL) {
        *eq = '\0';
        value = eq + 1;
      } else {
        value = getenv(name);
        if (value == NULL) value = "";
      }
      TRY("--env", wasmpool_wasi_config_env_set(o->wasi, name, value));
      free(name);
    } else if (strcmp(opt, "--argv0") == 0) {
      o->argv0 = val;
    } else if (strcmp(opt, "--invoke") == 0) {
      o->invoke = val;
    } else if (strcmp(opt, "--precompile") == 0) {
      o->precompile = val;
    } else if (strcmp(opt, "--max-memory") == 0) {
      o->has_max_memory = 1;
      o->max_memory = parse_u64(opt, val);
    } else if (strcmp(opt, "--fuel") == 0) {
      o->has_fuel = 1;
      o->fuel = parse_u64(opt, val);
    } else if (strcmp(opt, "--timeout-ms") == 0) {
      o->has_timeout = 1;
      o->timeout_ms = parse_u64(opt, val);
    } else {
      die("usage", "unknown option %s; %s", opt, USAGE);
    }
  }
  if (i >= argc) die("usage", "no FILE; %s", USAGE);
  o->file = argv[i];
  o->args = argv + i + 1;
  o->nargs = argc - i - 1;
}

/* ---- what the file is ---------------------------------------------------------------------- */

typedef enum { FILE_MODULE, FILE_COMPONENT, FILE_PRECOMPILED, FILE_TEXT } filekind_t;

static filekind_t detect(const uint8_t *b, size_t n) {
  if (n >= 8 && memcmp(b, "\0asm", 4) == 0) {
    /* The layer field (bytes 6-7) is 0 for core modules, 1 for components. */
    return b[6] == 0 && b[7] == 0 ? FILE_MODULE : FILE_COMPONENT;
  }
  if (n >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0) return FILE_PRECOMPILED;
  return FILE_TEXT;
}

/* Whether WAT text starts with `(component` (after blanks and ;; comments). */
static int text_is_component(const uint8_t *b, size_t n) {
  size_t i = 0;
  for (;;) {
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) i++;
    if (i + 1 < n && b[i] == ';' && b[i + 1] == ';') {
      while (i < n && b[i] != '\n') i++;
      continue;
    }
    break;
  }
  if (i < n && b[i] == '(') i++;
  while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n')) i++;
  return n - i >= 9 && memcmp(b + i, "component", 9) == 0;
}

/* `name(args)` split into a NUL-terminated name and the text between the parentheses. */
static void split_invoke(const char *expr, char **name, char **args) {
  const char *open = strchr(expr, '(');
  size_t len = strlen(expr);
  while (len > 0 && (expr[len - 1] == ' ' || expr[len - 1] == '\n')) len--;
  if (open == NULL || len == 0 || expr[len - 1] != ')')
    die("usage", "--invoke takes `name(arg, ...)` (WAVE arguments), not `%s`", expr);
  size_t nlen = (size_t)(open - expr);
  while (nlen > 0 && expr[nlen - 1] == ' ') nlen--;
  if (nlen == 0) die("usage", "--invoke `%s` names no function", expr);
  *name = strndup(expr, nlen);
  *args = strndup(open + 1, (size_t)(expr + len - 1 - (open + 1)));
  if (*name == NULL || *args == NULL) die("out of memory", "--invoke");
}

static int blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n') return 0;
  return 1;
}

/* Splits WAVE arguments at top-level commas (outside brackets and quotes). Returns the count;
 * each piece is a new string in out[]. Core arguments are numbers, so this is all they need. */
static size_t split_args(const char *s, char **out, size_t cap) {
  if (blank(s)) return 0;
  size_t n = 0, depth = 0;
  const char *start = s;
  char quote = 0;
  for (const char *p = s;; p++) {
    if (quote) {
      if (*p == '\\' && p[1]) p++;
      else if (*p == quote) quote = 0;
      else if (*p == '\0') die("usage", "unterminated string in --invoke arguments");
      continue;
    }
    if (*p == '"' || *p == '\'') quote = *p;
    else if (*p == '(' || *p == '[' || *p == '{') depth++;
    else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0) depth--;
    else if ((*p == ',' && depth == 0) || *p == '\0') {
      if (n == cap) die("usage", "too many --invoke arguments (at most %zu)", cap);
      out[n] = strndup(start, (size_t)(p - start));
      if (out[n] == NULL) die("out of memory", "--invoke");
      n++;
      if (*p == '\0') break;
      start = p + 1;
    }
  }
  return n;
}

/* A core value as WAVE text (as `wasmtime run --invoke` prints it). */
static void print_core(const wasmpool_val_t *v) {
  switch (v->kind) {
    case WASMPOOL_VALKIND_I32: printf("%" PRId32, v->of.i32); break;
    case WASMPOOL_VALKIND_I64: printf("%" PRId64, v->of.i64); break;
    case WASMPOOL_VALKIND_F32: printf("%.9g", (double)v->of.f32); break;
    case WASMPOOL_VALKIND_F64: printf("%.17g", v->of.f64); break;
    default: printf("<unprintable>"); break;
  }
}

static wasmpool_val_t parse_core(const char *text, wasmpool_valkind_t kind, size_t index) {
  wasmpool_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  while (*text == ' ') text++;
  char *end = NULL;
  errno = 0;
  switch (kind) {
    case WASMPOOL_VALKIND_I32: {
      long long x = strtoll(text, &end, 0);
      if (x < INT32_MIN || x > (long long)UINT32_MAX) errno = ERANGE;
      v.of.i32 = (int32_t)(uint32_t)x;
      break;
    }
    case WASMPOOL_VALKIND_I64: v.of.i64 = strtoll(text, &end, 0); break;
    case WASMPOOL_VALKIND_F32: v.of.f32 = strtof(text, &end); break;
    case WASMPOOL_VALKIND_F64: v.of.f64 = strtod(text, &end); break;
    default: die("invoke", "argument %zu has a type --invoke cannot write", index);
  }
  while (end != NULL && *end == ' ') end++;
  if (end == text || end == NULL || *end != '\0' || errno != 0)
    die("invoke", "argument %zu (`%s`) is not a number of its type", index, text);
  return v;
}

/* ---- running ------------------------------------------------------------------------------- */

static int run_module(wasmpool_engine_t *engine, wasmpool_store_t *store, wasmpool_module_t *module,
                      const options_t *o) {
  wasmpool_linker_t *linker = NULL;
  wasmpool_instance_pre_t *pre = NULL;
  wasmpool_instance_t *inst = NULL;
  TRY("linker", wasmpool_linker_new(engine, &linker));
  TRY("linker", wasmpool_linker_define_wasi(linker));
  TRY("link", wasmpool_linker_instantiate_pre(linker, module, &pre));
  TRY("instantiate", wasmpool_instance_pre_instantiate(pre, store, &inst));
  wasmpool_linker_delete(linker);
  wasmpool_instance_pre_delete(pre);
  if (o->invoke == NULL) {
    int32_t code = 0;
    wasmpool_error_t *err = wasmpool_instance_run(inst, &code);
    if (err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_LINK)
      die("missing export", "%s", wasmpool_error_message(err));
    TRY("run", err);
    return code;
  }
  char *name, *argtext, *pieces[64];
  split_invoke(o->invoke, &name, &argtext);
  wasmpool_extern_info_t ty;
  wasmpool_error_t *err = wasmpool_instance_func_type(inst, name, &ty);
  if (err != NULL) die("missing export", "%s", wasmpool_error_message(err));
  size_t n = split_args(argtext, pieces, 64);
  if (n != ty.nparams) die("invoke", "`%s` takes %zu argument(s), --invoke gave %zu", name, ty.nparams, n);
  wasmpool_val_t args[64], results[64];
  if (ty.nresults > 64) die("invoke", "`%s` returns more than 64 results", name);
  for (size_t i = 0; i < n; i++) {
    args[i] = parse_core(pieces[i], ty.params[i], i);
    free(pieces[i]);
  }
  TRY("invoke", wasmpool_instance_call(inst, name, args, n, results, ty.nresults));
  for (size_t i = 0; i < ty.nresults; i++) {
    if (i) printf(", ");
    print_core(&results[i]);
  }
  if (ty.nresults > 0) putchar('\n');
  free(name);
  free(argtext);
  return 0;
}

/* The listing of the exported function `name` (its WIT signature, parameter and result types)
 * in *out; 0 when the component exports no such function. */
static int component_function(const wasmpool_component_t *c, const char *name,
                              wasmpool_component_item_t *out) {
  size_t n = wasmpool_component_export_count(c);
  for (size_t i = 0; i < n; i++) {
    if (wasmpool_component_export(c, i, out) == NULL && out->kind == WASMPOOL_COMPONENT_ITEM_FUNC &&
        strcmp(out->name, name) == 0)
      return 1;
  }
  return 0;
}

/* Prints `v`, of type `ty`, as WAVE text. */
static void print_wave(const wasmpool_component_val_t *v, const wasmpool_component_type_t *ty) {
  wasmpool_bytes_t *text = NULL;
  TRY("invoke", wasmpool_component_val_to_wave(v, ty, &text));
  fwrite(wasmpool_bytes_data(text), 1, wasmpool_bytes_len(text), stdout);
  wasmpool_bytes_delete(text);
}

static int run_component(wasmpool_engine_t *engine, wasmpool_store_t *store, wasmpool_component_t *c,
                         const options_t *o) {
  wasmpool_component_linker_t *linker = NULL;
  wasmpool_component_pre_t *pre = NULL;
  wasmpool_component_instance_t *inst = NULL;
  TRY("linker", wasmpool_component_linker_new(engine, &linker));
  TRY("linker", wasmpool_component_linker_define_wasi(linker));
  TRY("link", wasmpool_component_linker_instantiate_pre(linker, c, &pre));
  TRY("instantiate", wasmpool_component_pre_instantiate(pre, store, &inst));
  wasmpool_component_linker_delete(linker);
  wasmpool_component_pre_delete(pre);
  if (o->invoke == NULL) {
    int32_t code = 0;
    wasmpool_error_t *err = wasmpool_component_instance_run(inst, &code);
    if (err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_LINK)
      die("missing export", "%s", wasmpool_error_message(err));
    TRY("run", err);
    return code;
  }
  char *name, *argtext;
  split_invoke(o->invoke, &name, &argtext);
  wasmpool_component_item_t fn;
  if (!component_function(c, name, &fn)) die("missing export", "the component exports no function `%s`", name);
  enum { MAX_ARGS = 64 };
  char *pieces[MAX_ARGS];
  size_t n = split_args(argtext, pieces, MAX_ARGS);
  if (n != fn.nparams)
    die("invoke", "`%s` takes %zu argument(s) (%s), --invoke gave %zu", name, fn.nparams, fn.wit, n);
  wasmpool_component_val_t args[MAX_ARGS];
  for (size_t i = 0; i < n; i++) {
    /* Each argument is read as WAVE text against its parameter's type. */
    wasmpool_error_t *err = wasmpool_component_val_from_wave(fn.param_types[i], pieces[i], strlen(pieces[i]), &args[i]);
    if (err != NULL) die("invoke", "argument %zu (`%s`) of `%s`: %s", i, pieces[i], name, wasmpool_error_message(err));
    free(pieces[i]);
  }
  if (fn.nresults > 1) die("invoke", "`%s` returns %zu results", name, fn.nresults);
  wasmpool_component_val_t result;
  memset(&result, 0, sizeof result);
  TRY("invoke", wasmpool_component_instance_call(inst, name, args, n, &result, fn.nresults));
  for (size_t i = 0; i < n; i++) wasmpool_component_val_delete(&args[i]);
  if (fn.nresults == 1) {
    print_wave(&result, fn.result_types[0]);
    putchar('\n');
    wasmpool_component_val_delete(&result);
  }
  free(name);
  free(argtext);
  return 0;
}

int main(int argc, char **argv) {
  options_t o;
  memset(&o, 0, sizeof o);
  parse_args(argc, argv, &o);

  size_t len = 0;
  uint8_t *bytes = read_all(o.file, &len);
  filekind_t kind = detect(bytes, len);

  wasmpool_config_t *cfg = wasmpool_config_new_server(1);
  if (cfg == NULL) die("config", "cannot make a configuration");
  TRY("config", wasmpool_config_strategy_set(cfg, WASMPOOL_STRATEGY_AUTO));
  if (o.has_fuel) TRY("config", wasmpool_config_consume_fuel_set(cfg, true));
  if (o.has_timeout) {
    TRY("config", wasmpool_config_epoch_interruption_set(cfg, true));
    TRY("config", wasmpool_config_epoch_tick_interval_ms_set(cfg, 5));
  }
  wasmpool_engine_t *engine = NULL;
  TRY("engine", wasmpool_engine_new(cfg, &engine));
  wasmpool_config_delete(cfg);

  wasmpool_module_t *module = NULL;
  wasmpool_component_t *component = NULL;
  wasmpool_error_t *err = NULL;
  switch (kind) {
    case FILE_MODULE: err = wasmpool_module_new(engine, bytes, len, &module); break;
    case FILE_COMPONENT: err = wasmpool_component_new(engine, bytes, len, &component); break;
    case FILE_PRECOMPILED:
      err = wasmpool_module_deserialize(engine, bytes, len, &module);
      if (err != NULL) {
        wasmpool_error_t *as_component = wasmpool_component_deserialize(engine, bytes, len, &component);
        if (as_component == NULL) {
          wasmpool_error_delete(err);
          err = NULL;
        } else {
          wasmpool_error_delete(as_component);
        }
      }
      break;
    case FILE_TEXT:
      err = text_is_component(bytes, len) ? wasmpool_component_new(engine, bytes, len, &component)
                                          : wasmpool_module_new(engine, bytes, len, &module);
      break;
  }
  free(bytes);
  if (err != NULL) {
    if (wasmpool_error_kind(err) == WASMPOOL_ERROR_COMPILE)
      die("malformed", "%s: %s", o.file, wasmpool_error_message(err));
    die_error("load", err);
  }

  if (o.precompile != NULL) {
    wasmpool_bytes_t *out = NULL;
    TRY("precompile", module != NULL ? wasmpool_module_serialize(module, &out)
                                     : wasmpool_component_serialize(component, &out));
    FILE *f = fopen(o.precompile, "wb");
    if (f == NULL) die("cannot write", "%s: %s", o.precompile, strerror(errno));
    size_t n = wasmpool_bytes_len(out);
    if (fwrite(wasmpool_bytes_data(out), 1, n, f) != n || fclose(f) != 0)
      die("cannot write", "%s: %s", o.precompile, strerror(errno));
    wasmpool_bytes_delete(out);
    return 0;
  }

  /* stdio inherited, argv[0] the file name unless --argv0 says otherwise. */
  TRY("wasi", wasmpool_wasi_config_stdio_inherit(o.wasi));
  const char **gargv = calloc((size_t)o.nargs + 1, sizeof *gargv);
  if (gargv == NULL) die("out of memory", "arguments");
  gargv[0] = o.argv0 != NULL ? o.argv0 : o.file;
  for (int i = 0; i < o.nargs; i++) gargv[i + 1] = o.args[i];
  TRY("wasi", wasmpool_wasi_config_args_set(o.wasi, gargv, (size_t)o.nargs + 1));
  free(gargv);

  wasmpool_store_t *store = NULL;
  TRY("store", wasmpool_store_new(engine, &store));
  TRY("wasi", wasmpool_store_wasi_set(store, o.wasi));
  wasmpool_wasi_config_delete(o.wasi);
  if (o.has_max_memory) {
    wasmpool_store_limits_t limits = wasmpool_store_limits_unlimited();
    limits.memory_size = (size_t)o.max_memory;
    TRY("limits", wasmpool_store_limits_set(store, &limits));
  }
  if (o.has_fuel) TRY("fuel", wasmpool_store_fuel_set(store, o.fuel));
  if (o.has_timeout) TRY("timeout", wasmpool_store_deadline_ms_set(store, o.timeout_ms));

  int code = module != NULL ? run_module(engine, store, module, &o)
                            : run_component(engine, store, component, &o);
  fflush(stdout);
  wasmpool_store_delete(store);
  wasmpool_module_delete(module);
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
  return code;
}
