/* Component values, host -> guest -> host, exactly: the echo component
 * (tests/guests/echo, every WIT type) returns its argument from `echo-<type>`,
 * and from `call-host-<type>` what the host function `host-echo-<type>`
 * returned for it. Each value below goes through both, called by name and
 * through a looked-up function handle, and must come back as the same tree
 * (strings byte for byte, floats bit for bit except NaN payloads, fields and
 * flags in the type's order).
 *
 * The host functions are C callbacks (wasmpool_component_linker_define_func)
 * for every `host-echo-*` import: each checks that it received exactly the
 * value the guest was given and returns a malloc'd copy of it. Then host
 * functions that fail: one returns an error (the guest traps with the host's
 * message and code), others return a result of the wrong type (the guest
 * traps with a message that names the result and where in it it is wrong).
 *
 * Every result is freed with wasmpool_component_val_delete, every argument
 * too (the builders of component_vals.h make malloc trees): valgrind and
 * LeakSanitizer see no leak. */
#include <float.h>
#include <math.h>

#include "component_vals.h"
#include "guests.h"

#define HOST_IFACE "wasmpool:echo/host@0.1.0"

/* The `echo-<type>` / `call-host-<type>` / `host-echo-<type>` suffixes (echo.wit). */
static const char *const TYPES[] = {
    "bool", "s8",     "u8",       "s16",         "u16",    "s32",   "u32",   "s64",
    "u64",  "f32",    "f64",      "char",        "string", "list-u32", "list-string",
    "record", "tuple", "variant", "enum",        "option", "result", "flags", "nested",
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

/* One value to send: `arg`, and what must come back (`want`: `arg` unless the type's order
 * differs from the argument's, as for reordered record fields or flags). */
typedef struct {
  const char *type;
  cval_t arg, want;
} case_t;

#define MAX_CASES 128
static case_t cases[MAX_CASES];
static size_t ncases;

static void add_want(const char *type, cval_t arg, cval_t want) {
  CHECK(ncases < MAX_CASES);
  cases[ncases++] = (case_t){type, arg, want};
}

static void add(const char *type, cval_t arg) { add_want(type, arg, cv_copy(&arg)); }

static cval_t point(int32_t x, int32_t y, const char *label) {
  return cv_record(3, "x", cv_s32(x), "y", cv_s32(y), "label", cv_str(label));
}

static char flag_names[32][8];
static const char *flags_all[32];

/* Every value kind, with its edge cases. */
static void build_cases(void) {
  for (unsigned i = 0; i < 32; i++) {
    snprintf(flag_names[i], sizeof flag_names[i], "p%u", i);
    flags_all[i] = flag_names[i];
  }

  add("bool", cv_bool(true));
  add("bool", cv_bool(false));
  add("s8", cv_s8(INT8_MIN));
  add("s8", cv_s8(INT8_MAX));
  add("s8", cv_s8(-1));
  add("u8", cv_u8(0));
  add("u8", cv_u8(UINT8_MAX));
  add("s16", cv_s16(INT16_MIN));
  add("s16", cv_s16(INT16_MAX));
  add("u16", cv_u16(UINT16_MAX));
  add("s32", cv_s32(INT32_MIN));
  add("s32", cv_s32(INT32_MAX));
  add("s32", cv_s32(-1));
  add("u32", cv_u32(0));
  add("u32", cv_u32(UINT32_MAX));
  add("s64", cv_s64(INT64_MIN));
  add("s64", cv_s64(INT64_MAX));
  add("u64", cv_u64(UINT64_MAX));
  add("u64", cv_u64((uint64_t)1 << 63));

  add("f32", cv_f32(NAN));
  add("f32", cv_f32(-0.0f));
  add("f32", cv_f32(0.0f));
  add("f32", cv_f32(INFINITY));
  add("f32", cv_f32(-INFINITY));
  add("f32", cv_f32(FLT_MAX));
  add("f32", cv_f32(FLT_MIN));
  add("f32", cv_f32(FLT_TRUE_MIN)); /* a subnormal */
  add("f32", cv_f32(-1.5f));
  add("f64", cv_f64(NAN));
  add("f64", cv_f64(-0.0));
  add("f64", cv_f64(INFINITY));
  add("f64", cv_f64(-INFINITY));
  add("f64", cv_f64(DBL_MAX));
  add("f64", cv_f64(DBL_TRUE_MIN));
  add("f64", cv_f64(3.141592653589793));

  /* The ends of the Unicode scalar values and of the surrogate gap around them. */
  add("char", cv_char(0x0000));
  add("char", cv_char(0x10FFFF));
  add("char", cv_char(0xD7FF));
  add("char", cv_char(0xE000));
  add("char", cv_char('A'));
  add("char", cv_char(0x1F600)); /* a 4-byte one in UTF-8 */

  add("string", cv_str(""));
  add("string", cv_str("hello"));
  /* 1-, 2-, 3- and 4-byte UTF-8: é ö (2), — ✓ 日本語 (3), 😀 𝄞 (4). */
  add("string", cv_str("h\xc3\xa9llo w\xc3\xb6rld \xe2\x80\x94 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac"
                       "\xe8\xaa\x9e \xf0\x9f\x98\x80\xf0\x9d\x84\x9e"));
  add("string", cv_strn("nul\0inside", 10)); /* U+0000 is a character like any other */
  add("string", cv_str("\xf4\x8f\xbf\xbf")); /* U+10FFFF */
  {
    /* 64 KiB of 4-byte characters: the guest's allocator grows. */
    size_t len = 64 * 1024;
    char *big = malloc(len);
    CHECK(big != NULL);
    for (size_t i = 0; i < len; i += 4) memcpy(big + i, "\xf0\x9f\x98\x80", 4);
    add("string", cv_strn(big, len));
    free(big);
  }

  add("list-u32", cv_list(0));
  add("list-u32", cv_list(3, cv_u32(0), cv_u32(UINT32_MAX), cv_u32(7)));
  {
    cval_t many = cv_kind(WASMPOOL_COMPONENT_VALKIND_LIST);
    many.of.list.len = 10000;
    many.of.list.data = cv_alloc(many.of.list.len, sizeof(cval_t));
    for (size_t i = 0; i < many.of.list.len; i++) many.of.list.data[i] = cv_u32((uint32_t)(i * 2654435761u));
    add("list-u32", many);
  }
  add("list-string", cv_list(0));
  add("list-string", cv_list(4, cv_str(""), cv_str("a"), cv_str("\xf0\x9f\x98\x80"), cv_str("")));

  add("record", point(INT32_MIN, INT32_MAX, "point \xf0\x9f\x98\x80"));
  add("record", point(0, 0, ""));
  /* Fields in another order come back in the type's. */
  add_want("record", cv_record(3, "label", cv_str("swapped"), "y", cv_s32(2), "x", cv_s32(1)),
           point(1, 2, "swapped"));

  add("tuple", cv_tuple(3, cv_u32(UINT32_MAX), cv_str("tuple \xe2\x9c\x93"), cv_bool(true)));
  add("tuple", cv_tuple(3, cv_u32(0), cv_str(""), cv_bool(false)));

  /* Cases without a payload and with a scalar, string and record payload. */
  add("variant", cv_case("empty"));
  add("variant", cv_case_with("circle", cv_f64(-0.0)));
  add("variant", cv_case_with("circle", cv_f64(2.5)));
  add("variant", cv_case_with("named", cv_str("\xe5\x90\x8d\xe5\x89\x8d")));
  add("variant", cv_case_with("named", cv_str("")));
  add("variant", cv_case_with("rect", point(-7, 9, "r")));

  add("enum", cv_enum("red"));
  add("enum", cv_enum("green"));
  add("enum", cv_enum("blue"));

  add("option", cv_none());
  add("option", cv_some(cv_str("")));
  add("option", cv_some(cv_str("x\xf0\x9f\x98\x80")));

  add("result", cv_ok(cv_u32(0)));
  add("result", cv_ok(cv_u32(UINT32_MAX)));
  add("result", cv_err(cv_str("")));
  add("result", cv_err(cv_str("bad \xe2\x9c\x97")));

  /* 32 flags, the most one flags type may have: Wasmtime 48 (like every component validator)
   * refuses a flags type of more than 32 members, so "flags beyond 32 bits" cannot exist in a
   * component; these cover all 32 bits of the one word, the high bit on its own included. */
  add("flags", cv_flags(NULL, 0));
  add("flags", cv_flags(flags_all, 32));
  add("flags", cv_flags(&flags_all[31], 1));
  add("flags", cv_flags((const char *[]){"p0", "p31"}, 2));
  add("flags", cv_flags((const char *[]){"p15", "p16"}, 2));
  /* Set in another order: they come back in the type's. */
  add_want("flags", cv_flags((const char *[]){"p31", "p5", "p3"}, 3),
           cv_flags((const char *[]){"p3", "p5", "p31"}, 3));

  /* option<result<list<point>, string>> */
  add("nested", cv_none());
  add("nested", cv_some(cv_ok(cv_list(0))));
  add("nested", cv_some(cv_ok(cv_list(3, point(1, 2, "a"), point(INT32_MIN, -1, ""),
                                      point(3, 4, "\xf0\x9f\x98\x80\xe2\x9c\x93")))));
  add("nested", cv_some(cv_err(cv_str("nope \xf0\x9d\x84\x9e"))));
  add("nested", cv_some(cv_err(cv_str(""))));
}

/* --- the host functions -------------------------------------------------------------------- */

typedef enum { HOST_ECHO, HOST_FAIL, HOST_WRONG } host_mode_t;

/* What the host functions do now, what the next one must receive, and how often they ran. */
static host_mode_t host_mode = HOST_ECHO;
static const cval_t *host_expect;
static int host_calls;
static int finalized;

typedef struct {
  const char *type; /* which `host-echo-<type>` this is */
} host_env_t;

static host_env_t host_envs[NTYPES];

static void finalize(void *env) {
  CHECK(env >= (void *)host_envs && env < (void *)(host_envs + NTYPES));
  finalized++;
}

/* The wrong-typed results: each with where it is wrong. */
static cval_t wrong_result(const char *type) {
  if (strcmp(type, "string") == 0) return cv_u32(7);
  if (strcmp(type, "record") == 0) {
    return cv_record(3, "x", cv_s32(1), "y", cv_s32(2), "label", cv_bool(true));
  }
  if (strcmp(type, "nested") == 0) {
    return cv_some(cv_ok(cv_list(2, point(1, 2, "fine"), cv_record(2, "x", cv_s32(1), "y", cv_s32(2)))));
  }
  if (strcmp(type, "char") == 0) return cv_char(0xD800);
  if (strcmp(type, "variant") == 0) return cv_case_with("square", cv_f64(1));
  CHECK(!"no wrong result for this type");
  return cv_none();
}

static wasmpool_error_t *host_echo(void *env, wasmpool_component_caller_t *caller,
                                   const cval_t *args, size_t nargs, cval_t *results,
                                   size_t nresults) {
  const host_env_t *h = env;
  CHECK(caller != NULL && nargs == 1 && nresults == 1);
  host_calls++;
  if (host_expect != NULL) {
    char what[128];
    snprintf(what, sizeof what, "host-echo-%s received", h->type);
    CHECK_SAME_VAL(&args[0], host_expect, what);
  }
  switch (host_mode) {
    case HOST_ECHO: results[0] = cv_copy(&args[0]); return NULL;
    case HOST_FAIL:
      /* A result written before failing is ignored (and not leaked: it is on the stack). */
      results[0] = cv_u32(0);
      return wasmpool_trap_new("the host refuses this value");
    case HOST_WRONG: results[0] = wrong_result(h->type); return NULL;
  }
  return NULL;
}

/* --- calls --------------------------------------------------------------------------------- */

static void check_roundtrip(wasmpool_component_instance_t *inst, const char *prefix,
                            const case_t *c, size_t index) {
  char name[64], what[160];
  snprintf(name, sizeof name, "%s-%s", prefix, c->type);
  int via_host = strcmp(prefix, "call-host") == 0;
  host_expect = via_host ? &c->want : NULL;

  /* By name. */
  int calls_before = host_calls;
  cval_t result;
  memset(&result, 0xA5, sizeof result);
  OK(wasmpool_component_instance_call(inst, name, &c->arg, 1, &result, 1));
  snprintf(what, sizeof what, "%s, value %zu, called by name", name, index);
  CHECK_SAME_VAL(&result, &c->want, what);
  wasmpool_component_val_delete(&result);
  CHECK(host_calls == calls_before + via_host);

  /* Through a function handle, twice (a handle is for repeated calls). */
  wasmpool_component_func_t *fn = NULL;
  OK(wasmpool_component_instance_func(inst, name, &fn));
  CHECK(fn != NULL);
  for (int round = 0; round < 2; round++) {
    memset(&result, 0x5A, sizeof result);
    OK(wasmpool_component_func_call(fn, &c->arg, 1, &result, 1));
    snprintf(what, sizeof what, "%s, value %zu, through a handle (round %d)", name, index, round);
    CHECK_SAME_VAL(&result, &c->want, what);
    wasmpool_component_val_delete(&result);
  }
  CHECK(host_calls == calls_before + 3 * via_host);
  host_expect = NULL;
}

static wasmpool_component_t *load_echo(const wasmpool_engine_t *engine) {
  char path[4096];
  guest_file(path, sizeof path, "echo.wasm"); /* always built: missing is a failure */
  wasmpool_component_t *c = NULL;
  OK(wasmpool_component_new_file(engine, path, &c));
  return c;
}

static wasmpool_component_pre_t *echo_pre(const wasmpool_engine_t *engine,
                                          const wasmpool_component_t *echo) {
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  for (size_t i = 0; i < NTYPES; i++) {
    char fname[64];
    snprintf(fname, sizeof fname, "host-echo-%s", TYPES[i]);
    host_envs[i].type = TYPES[i];
    OK(wasmpool_component_linker_define_func(linker, HOST_IFACE, fname, host_echo, &host_envs[i],
                                             finalize));
  }
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, echo, &pre));
  wasmpool_component_linker_delete(linker);
  CHECK(finalized == 0); /* the pre keeps the definitions */
  return pre;
}

/* A host function that fails, or returns a wrong-typed result: the guest traps, and the
 * caller sees the host's error. Each trap poisons its instance: a fresh one per case. */
static void expect_host_trap(const wasmpool_engine_t *engine, const wasmpool_component_pre_t *pre,
                             host_mode_t mode, const char *type, cval_t arg, const char *part) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst = component_instance(pre, store);
  char name[64];
  snprintf(name, sizeof name, "call-host-%s", type);
  host_mode = mode;
  cval_t result;
  memset(&result, 0, sizeof result);
  wasmpool_error_t *err = wasmpool_component_instance_call(inst, name, &arg, 1, &result, 1);
  host_mode = HOST_ECHO;
  CHECK(err != NULL);
  const char *msg = wasmpool_error_message(err);
  wasmpool_trap_code_t code = WASMPOOL_TRAP_OTHER;
  if (wasmpool_error_kind(err) != WASMPOOL_ERROR_TRAP || !wasmpool_error_trap_code(err, &code) ||
      code != WASMPOOL_TRAP_HOST || strstr(msg, part) == NULL) {
    fprintf(stderr, "%s (mode %d): kind %d, code %d, expected TRAP / HOST with \"%s\": %s\n", name,
            (int)mode, (int)wasmpool_error_kind(err), (int)code, part, msg);
    exit(1);
  }
  const char *line = strstr(msg, part);
  while (line > msg && line[-1] != '\n') line--;
  printf("%s with a %s host: TRAP (host): %.*s\n", name, mode == HOST_FAIL ? "failing" : "wrong-typed",
         (int)strcspn(line, "\n"), line);
  wasmpool_error_delete(err);
  CHECK(result.kind == 0 && result.of.option == NULL); /* nothing written on failure */
  /* The poisoned instance refuses further calls (an error, not a crash). */
  err = wasmpool_component_instance_call(inst, "echo-u32", (cval_t[]){cv_u32(1)}, 1, &result, 1);
  CHECK(err != NULL);
  wasmpool_error_delete(err);
  wasmpool_store_delete(store);
  wasmpool_component_val_delete(&arg);
}

int main(void) {
  build_cases();

  /* The echo component has 4 core instances, 1 memory and 2 tables (MEASUREMENTS.md). */
  wasmpool_config_t *cfg = small_pool(16);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_component_t *echo = load_echo(engine);
  wasmpool_component_pre_t *pre = echo_pre(engine, echo);

  /* Every type is covered. */
  for (size_t t = 0; t < NTYPES; t++) {
    size_t n = 0;
    for (size_t i = 0; i < ncases; i++) n += strcmp(cases[i].type, TYPES[t]) == 0;
    if (n == 0) {
      fprintf(stderr, "no value of type %s\n", TYPES[t]);
      exit(1);
    }
  }

  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst = component_instance(pre, store);
  for (size_t i = 0; i < ncases; i++) check_roundtrip(inst, "echo", &cases[i], i);
  CHECK(host_calls == 0);
  for (size_t i = 0; i < ncases; i++) check_roundtrip(inst, "call-host", &cases[i], i);
  CHECK(host_calls == 3 * (int)ncases);
  printf("%zu values of %zu types: exact through echo-* and through host functions (call-host-*), "
         "by name and by handle\n", ncases, NTYPES);
  wasmpool_store_delete(store);

  /* Host functions that fail. */
  expect_host_trap(engine, pre, HOST_FAIL, "u32", cv_u32(5), "the host refuses this value");
  expect_host_trap(engine, pre, HOST_FAIL, "nested", cv_some(cv_ok(cv_list(1, point(1, 2, "p")))),
                   "the host refuses this value");
  /* ... and host functions whose result has the wrong type: the message names the host
   * function, the result and the place in it. */
  expect_host_trap(engine, pre, HOST_WRONG, "string", cv_str("s"),
                   "result 0 of host function `" HOST_IFACE "#host-echo-string`: expected string, got u32");
  expect_host_trap(engine, pre, HOST_WRONG, "record", point(1, 2, "l"),
                   "result 0 of host function `" HOST_IFACE "#host-echo-record`: field \"label\": "
                   "expected string, got bool");
  expect_host_trap(engine, pre, HOST_WRONG, "nested", cv_none(),
                   "result 0 of host function `" HOST_IFACE "#host-echo-nested`: some: ok: element 1: "
                   "missing field \"label\"");
  expect_host_trap(engine, pre, HOST_WRONG, "char", cv_char('c'),
                   "#host-echo-char`: 0xd800 is not a Unicode scalar value");
  expect_host_trap(engine, pre, HOST_WRONG, "variant", cv_case("empty"),
                   "#host-echo-variant`: unknown case \"square\"");

  /* The pool is back to empty; the definitions' envs are finalized once the pre is gone. */
  CHECK(metrics_of(engine).component_instances == 0);
  CHECK(finalized == 0);
  wasmpool_component_pre_delete(pre);
  CHECK(finalized == (int)NTYPES);
  wasmpool_component_delete(echo);
  wasmpool_engine_delete(engine);

  for (size_t i = 0; i < ncases; i++) {
    wasmpool_component_val_delete(&cases[i].arg);
    wasmpool_component_val_delete(&cases[i].want);
  }
  return 0;
}
