/* Bad input to components, and what it becomes:
 *  - every kind of argument that does not match its type (wrong kind, wrong record field
 *    names, a case the variant lacks, an unknown enum case or flag, invalid UTF-8, a char that
 *    is not a Unicode scalar value, wrong counts) is INVALID_ARGUMENT with a message that says
 *    which argument and where in it (`argument 0: some: ok: element 1: field "label": ...`),
 *    and leaves the instance usable;
 *  - malformed component bytes (and a core module, WAT syntax errors, a flags type of 33
 *    members) are COMPILE;
 *  - a trap in the guest is TRAP with its trap code, and poisons the instance;
 *  - a guest that returns a value its type forbids traps too (TRAP, code OTHER);
 *  - an unknown export name is LINK, naming it.
 * The messages asserted are those of src/component/val_convert.rs and call.rs. */
#include "component_vals.h"
#include "guests.h"

/* A component whose functions trap or return what their types forbid. */
static const char *GUEST_BUGS =
    "(component"
    "  (core module $m"
    "    (memory (export \"mem\") 1)"
    "    (data (i32.const 16) \"ok\\ff\\fe\")"
    "    (func (export \"boom\") unreachable)"
    "    (func (export \"div\") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))"
    "    (func (export \"oob\") (result i32) (i32.load (i32.const 0x7ffffff0)))"
    "    (func (export \"bad-char\") (result i32) (i32.const 0xd800))"
    "    (func (export \"bad-string\") (result i32)"
    "      (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 4))"
    "      (i32.const 0))"
    "    (func (export \"far-string\") (result i32)"
    "      (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 100))"
    "      (i32.const 0))"
    "    (func (export \"bad-bool\") (result i32) (i32.const 2))"
    "    (func (export \"fine\") (result i32) (i32.const 42)))"
    "  (core instance $i (instantiate $m))"
    "  (alias core export $i \"mem\" (core memory $mem))"
    "  (func (export \"boom\") (canon lift (core func $i \"boom\")))"
    "  (func (export \"div\") (param \"x\" u32) (result u32) (canon lift (core func $i \"div\")))"
    "  (func (export \"oob\") (result u32) (canon lift (core func $i \"oob\")))"
    "  (func (export \"bad-char\") (result char) (canon lift (core func $i \"bad-char\")))"
    "  (func (export \"bad-string\") (result string)"
    "    (canon lift (core func $i \"bad-string\") (memory $mem) string-encoding=utf8))"
    "  (func (export \"far-string\") (result string)"
    "    (canon lift (core func $i \"far-string\") (memory $mem) string-encoding=utf8))"
    "  (func (export \"bad-bool\") (result bool) (canon lift (core func $i \"bad-bool\")))"
    "  (func (export \"fine\") (result u32) (canon lift (core func $i \"fine\"))))";

static wasmpool_component_instance_t *echo_inst;
static wasmpool_component_func_t *echo_nested_fn;

/* Calls `echo-<type>` with `arg`: it must fail with INVALID_ARGUMENT and `part` in the message.
 * `arg` is freed. */
static void refused(const char *type, cval_t arg, const char *part) {
  char name[64];
  snprintf(name, sizeof name, "echo-%s", type);
  cval_t result;
  memset(&result, 0, sizeof result);
  wasmpool_error_t *err = wasmpool_component_instance_call(echo_inst, name, &arg, 1, &result, 1);
  if (err == NULL) {
    fprintf(stderr, "%s accepted an argument that does not match (expected \"%s\")\n", name, part);
    exit(1);
  }
  const char *msg = wasmpool_error_message(err);
  if (wasmpool_error_kind(err) != WASMPOOL_ERROR_INVALID_ARGUMENT || strstr(msg, part) == NULL) {
    fprintf(stderr, "%s: kind %d, expected INVALID_ARGUMENT with \"%s\": %s\n", name,
            (int)wasmpool_error_kind(err), part, msg);
    exit(1);
  }
  printf("%-16s INVALID_ARGUMENT: %s\n", name, msg);
  wasmpool_error_delete(err);
  CHECK(result.kind == 0); /* nothing written */
  wasmpool_component_val_delete(&arg);
}

static cval_t point(int32_t x, int32_t y, const char *label) {
  return cv_record(3, "x", cv_s32(x), "y", cv_s32(y), "label", cv_str(label));
}

static void mismatches(void) {
  /* Wrong kind, at the top and deep inside. */
  refused("u32", cv_str("7"), "argument 0: expected u32, got string");
  refused("s64", cv_u64(1), "argument 0: expected s64, got u64");
  refused("list-u32", cv_list(2, cv_u32(1), cv_s32(2)), "argument 0: element 1: expected u32, got s32");
  refused("record", cv_record(3, "x", cv_str("1"), "y", cv_s32(2), "label", cv_str("")),
          "argument 0: field \"x\": expected s32, got string");
  refused("tuple", cv_tuple(3, cv_u32(1), cv_bool(true), cv_bool(true)),
          "argument 0: element 1: expected string, got bool");
  refused("result", cv_err(cv_u32(1)), "argument 0: err: expected string, got u32");
  refused("option", cv_some(cv_u32(1)), "argument 0: some: expected string, got u32");
  refused("nested", cv_some(cv_ok(cv_list(2, point(1, 2, "a"), point(3, 4, "\xc3")))),
          "argument 0: some: ok: element 1: field \"label\": invalid UTF-8 at byte 0");
  refused("nested", cv_some(cv_err(cv_list(0))), "argument 0: some: err: expected string, got list");
  {
    /* A kind that is not one at all. */
    cval_t bogus = cv_kind((wasmpool_component_valkind_t)99);
    refused("u32", bogus, "argument 0: expected u32, got kind 99 (not a wasmpool_component_valkind_t)");
    refused("u32", cv_kind(WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED), "argument 0: expected u32, got unsupported");
  }

  /* Records: a missing, an unknown, a repeated field. */
  refused("record", cv_record(3, "x", cv_s32(1), "y", cv_s32(2), "name", cv_str("n")),
          "argument 0: missing field \"label\"");
  refused("record", cv_record(4, "x", cv_s32(1), "y", cv_s32(2), "label", cv_str(""), "z", cv_s32(3)),
          "argument 0: unknown field \"z\" (the record has \"x\", \"y\", \"label\")");
  refused("record", cv_record(4, "x", cv_s32(1), "y", cv_s32(2), "label", cv_str(""), "x", cv_s32(3)),
          "argument 0: field \"x\" is given twice");
  refused("record", cv_record(0), "argument 0: missing field \"x\"");
  refused("variant", cv_case_with("rect", cv_record(2, "x", cv_s32(1), "y", cv_s32(2))),
          "argument 0: case \"rect\": missing field \"label\"");

  /* Variants: a case the type lacks, payloads where there are none and none where needed. */
  refused("variant", cv_case("triangle"),
          "argument 0: unknown case \"triangle\" (the variant has \"empty\", \"circle\", \"named\", \"rect\")");
  refused("variant", cv_case("circle"), "argument 0: case \"circle\" needs a payload of type f64, got NULL");
  refused("variant", cv_case_with("empty", cv_u32(1)), "argument 0: case \"empty\" has no payload, got one");
  refused("variant", cv_case_with("circle", cv_f32(1)), "argument 0: case \"circle\": expected f64, got f32");
  refused("variant", cv_case("Empty"), "argument 0: unknown case \"Empty\""); /* names are exact */

  /* Enums and flags. */
  refused("enum", cv_enum("purple"), "argument 0: unknown case \"purple\" (the enum has \"red\", \"green\", \"blue\")");
  refused("enum", cv_enum(""), "argument 0: unknown case \"\"");
  refused("flags", cv_flags((const char *[]){"p0", "p32"}, 2),
          "argument 0: unknown flag \"p32\" (the type has \"p0\", \"p1\", \"p2\", \"p3\", \"p4\", \"p5\", "
          "\"p6\", \"p7\", ... (32 in all))");
  refused("flags", cv_flags((const char *[]){"p1", "p\xff"}, 2), "argument 0: flag 1: invalid UTF-8 at byte 1");

  /* Invalid UTF-8: a stray byte, a truncated sequence, an overlong form, an encoded surrogate,
   * beyond U+10FFFF. */
  refused("string", cv_strn("ab\xff", 3), "argument 0: invalid UTF-8 at byte 2");
  refused("string", cv_strn("ok\xf0\x9f\x98", 5), "argument 0: invalid UTF-8 at byte 2");
  refused("string", cv_strn("\xc0\x80", 2), "argument 0: invalid UTF-8 at byte 0");
  refused("string", cv_strn("x\xed\xa0\x80", 4), "argument 0: invalid UTF-8 at byte 1");
  refused("string", cv_strn("\xf4\x90\x80\x80", 4), "argument 0: invalid UTF-8 at byte 0");
  refused("list-string", cv_list(3, cv_str("fine"), cv_str("also"), cv_strn("\x80", 1)),
          "argument 0: element 2: invalid UTF-8 at byte 0");
  refused("enum", cv_enum("r\xe9"), "argument 0: invalid UTF-8 at byte 1");
  refused("variant", cv_case("\xff"), "argument 0: case name: invalid UTF-8 at byte 0");
  refused("record", cv_record(3, "x", cv_s32(1), "\xfe", cv_s32(2), "label", cv_str("")),
          "argument 0: name of field 1: invalid UTF-8 at byte 0");

  /* Chars that are not Unicode scalar values: the surrogates and beyond U+10FFFF. */
  refused("char", cv_char(0xD800), "argument 0: 0xd800 is not a Unicode scalar value");
  refused("char", cv_char(0xDFFF), "argument 0: 0xdfff is not a Unicode scalar value");
  refused("char", cv_char(0x110000), "argument 0: 0x110000 is not a Unicode scalar value");
  refused("char", cv_char(UINT32_MAX), "argument 0: 0xffffffff is not a Unicode scalar value");

  /* Arrays that are not: NULL data with a length. */
  {
    cval_t list = cv_kind(WASMPOOL_COMPONENT_VALKIND_LIST);
    list.of.list.len = 3;
    refused("list-u32", list, "argument 0: data is NULL but len is 3");
    cval_t s = cv_kind(WASMPOOL_COMPONENT_VALKIND_STRING);
    s.of.string.len = 5;
    refused("string", s, "argument 0: data is NULL but len is 5");
  }
  refused("tuple", cv_tuple(2, cv_u32(1), cv_str("")), "argument 0: expected 3 elements, got 2");

  /* Counts: too many arguments, too few, results with no room. */
  cval_t args[2] = {cv_u32(1), cv_u32(2)}, result;
  memset(&result, 0, sizeof result);
  EXPECT_ERR_MSG(wasmpool_component_instance_call(echo_inst, "echo-u32", args, 2, &result, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT,
                 "`echo-u32` takes 1 argument(s) and returns 1 result(s); the call passed 2 and 1");
  EXPECT_ERR_MSG(wasmpool_component_instance_call(echo_inst, "echo-u32", NULL, 0, &result, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "the call passed 0 and 1");
  EXPECT_ERR_MSG(wasmpool_component_instance_call(echo_inst, "echo-u32", args, 1, NULL, 0),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "the call passed 1 and 0");
  EXPECT_ERR(wasmpool_component_instance_call(echo_inst, "echo-u32", NULL, 1, &result, 1),
             WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(result.kind == 0);

  /* The same through a function handle: the path is the same. */
  cval_t bad = cv_some(cv_ok(cv_list(1, cv_record(3, "x", cv_s32(1), "y", cv_bool(false), "label", cv_str("")))));
  EXPECT_ERR_MSG(wasmpool_component_func_call(echo_nested_fn, &bad, 1, &result, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT,
                 "argument 0: some: ok: element 0: field \"y\": expected s32, got bool");
  wasmpool_component_val_delete(&bad);
  EXPECT_ERR_MSG(wasmpool_component_func_call(echo_nested_fn, args, 2, &result, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "`echo-nested` takes 1 argument(s)");

  /* None of that reached the guest: the instance still works. */
  OK(wasmpool_component_instance_call(echo_inst, "echo-u32", args, 1, &result, 1));
  CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32 && result.of.u32 == 1);
  wasmpool_component_val_delete(&result);
  cval_t good = cv_some(cv_ok(cv_list(1, point(5, 6, "fine"))));
  OK(wasmpool_component_func_call(echo_nested_fn, &good, 1, &result, 1));
  CHECK_SAME_VAL(&result, &good, "echo-nested after the refusals");
  wasmpool_component_val_delete(&result);
  wasmpool_component_val_delete(&good);
}

/* --- unknown exports ----------------------------------------------------------------------- */

static void unknown_exports(void) {
  cval_t result;
  wasmpool_component_func_t *fn = NULL;
  EXPECT_ERR_MSG(wasmpool_component_instance_call(echo_inst, "echo-u128", NULL, 0, &result, 1),
                 WASMPOOL_ERROR_LINK, "the component instance has no exported function `echo-u128`");
  EXPECT_ERR_MSG(wasmpool_component_instance_func(echo_inst, "no-such-function", &fn),
                 WASMPOOL_ERROR_LINK, "no exported function `no-such-function`");
  CHECK(fn == NULL);
  /* An import is not an export; an interface path through a function is not a function. */
  EXPECT_ERR_MSG(wasmpool_component_instance_func(echo_inst, "wasmpool:echo/host@0.1.0#host-echo-u32", &fn),
                 WASMPOOL_ERROR_LINK, "`wasmpool:echo/host@0.1.0#host-echo-u32`");
  EXPECT_ERR_MSG(wasmpool_component_instance_func(echo_inst, "echo-u32#x", &fn), WASMPOOL_ERROR_LINK,
                 "`echo-u32#x`");
  EXPECT_ERR_MSG(wasmpool_component_instance_func(echo_inst, "", &fn), WASMPOOL_ERROR_LINK,
                 "no exported function ``");
  EXPECT_ERR_MSG(wasmpool_component_instance_func(echo_inst, "ECHO-U32", &fn), WASMPOOL_ERROR_LINK,
                 "`ECHO-U32`");
  CHECK(fn == NULL);
  printf("unknown exports: LINK, named in the message\n");
}

/* --- malformed components ------------------------------------------------------------------ */

/* Compiling `len` bytes at `bytes` fails with COMPILE, with `part` in the message (Wasmtime's
 * or the WAT parser's words, passed on). */
static void compile_refused(const wasmpool_engine_t *engine, const uint8_t *bytes, size_t len,
                            const char *what, const char *part) {
  wasmpool_component_t *c = NULL;
  wasmpool_error_t *err = wasmpool_component_new(engine, bytes, len, &c);
  if (err == NULL || wasmpool_error_kind(err) != WASMPOOL_ERROR_COMPILE) {
    fprintf(stderr, "%s: expected COMPILE, got %s (kind %d): %s\n", what, err ? "an error" : "success",
            err ? (int)wasmpool_error_kind(err) : -1, err ? wasmpool_error_message(err) : "");
    exit(1);
  }
  const char *msg = wasmpool_error_message(err);
  CHECK(c == NULL);
  if (strstr(msg, part) == NULL) {
    fprintf(stderr, "%s: COMPILE without \"%s\" in the message: %s\n", what, part, msg);
    exit(1);
  }
  printf("%-40s COMPILE: %.*s\n", what, (int)strcspn(msg, "\n"), msg);
  wasmpool_error_delete(err);
}

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  CHECK(fseek(f, 0, SEEK_END) == 0);
  long n = ftell(f);
  CHECK(n > 0 && fseek(f, 0, SEEK_SET) == 0);
  uint8_t *buf = malloc((size_t)n);
  CHECK(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static void malformed(const wasmpool_engine_t *engine, const uint8_t *echo, size_t echo_len) {
  static const uint8_t garbage[] = "this is not WebAssembly at all";
  compile_refused(engine, garbage, sizeof garbage - 1, "text that is neither binary nor WAT",
                  "invalid WebAssembly text");
  compile_refused(engine, (const uint8_t *)"", 0, "no bytes", "invalid WebAssembly text");
  compile_refused(engine, (const uint8_t *)"\0asm", 4, "a header without a version", "unexpected end-of-file");
  compile_refused(engine, (const uint8_t *)"\0asm\x0d\0\x01\0\x7f\x01\x00", 11, "an unknown section", "malformed section id: 127");
  compile_refused(engine, (const uint8_t *)"\0asm\x01\0\0\0", 8, "a core module (binary)",
                  "attempted to parse a wasm module with a component parser");
  compile_refused(engine, (const uint8_t *)"(module (func))", 15, "a core module (text)",
                  "attempted to parse a wasm module with a component parser");
  compile_refused(engine, (const uint8_t *)"(component (func", 16, "WAT cut short", "invalid WebAssembly text");
  compile_refused(engine, echo, echo_len / 2, "the echo component cut in half", "out of bounds");
  compile_refused(engine, echo, 100, "the echo component cut after 100 bytes",
                  "unexpected end-of-file");
  {
    /* One byte of the echo component flipped in the middle of its code. */
    uint8_t *copy = malloc(echo_len);
    CHECK(copy != NULL);
    memcpy(copy, echo, echo_len);
    copy[8] ^= 0xff; /* the first section's id */
    compile_refused(engine, copy, echo_len, "the echo component with a bad section id",
                    "malformed section id");
    free(copy);
  }
  /* A component whose core module does not validate. */
  const char *invalid_core =
      "(component (core module $m (func (result i32) (i64.const 1))) (core instance (instantiate $m)))";
  compile_refused(engine, (const uint8_t *)invalid_core, strlen(invalid_core), "a core module that does not validate",
                  "type mismatch: expected i32, found i64");
  /* The component model allows at most 32 flags: Wasmtime 48 refuses a 33rd, which is why the
   * echo component's `perms` has 32. */
  char flags33[2048] = "(component (type $f (flags";
  for (int i = 0; i < 33; i++) {
    size_t n = strlen(flags33);
    snprintf(flags33 + n, sizeof flags33 - n, " \"f%d\"", i);
  }
  strncat(flags33, ")) (export \"f\" (type $f)))", sizeof flags33 - strlen(flags33) - 1);
  compile_refused(engine, (const uint8_t *)flags33, strlen(flags33), "a flags type of 33 members",
                  "cannot have more than 32 flags");
  /* ... and 32 are fine. */
  char *cut = strstr(flags33, " \"f32\"");
  CHECK(cut != NULL);
  memmove(cut, cut + 6, strlen(cut + 6) + 1);
  wasmpool_component_t *c = component_wat(engine, flags33);
  wasmpool_component_delete(c);
}

/* --- traps and guest bugs ------------------------------------------------------------------ */

/* `name` fails with TRAP and `code`; the instance is then poisoned. */
static void traps(const wasmpool_engine_t *engine) {
  wasmpool_component_t *c = component_wat(engine, GUEST_BUGS);
  wasmpool_component_pre_t *pre = component_pre_plain(engine, c);
  struct {
    const char *name;
    cval_t arg;
    size_t nargs, nresults;
    wasmpool_trap_code_t code;
  } cases[] = {
      {"boom", {0}, 0, 0, WASMPOOL_TRAP_UNREACHABLE},
      {"div", cv_u32(0), 1, 1, WASMPOOL_TRAP_INTEGER_DIVISION_BY_ZERO},
      {"oob", {0}, 0, 1, WASMPOOL_TRAP_MEMORY_OUT_OF_BOUNDS},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_component_instance_t *inst = component_instance(pre, store);
    cval_t result;
    memset(&result, 0, sizeof result);
    if (strcmp(cases[i].name, "div") == 0) {
      /* Before the trap, the function works. */
      cval_t two = cv_u32(1);
      OK(wasmpool_component_instance_call(inst, "div", &two, 1, &result, 1));
      CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32 && result.of.u32 == 1);
    }
    wasmpool_error_t *err = wasmpool_component_instance_call(inst, cases[i].name, &cases[i].arg,
                                                             cases[i].nargs, &result, cases[i].nresults);
    wasmpool_trap_code_t code = WASMPOOL_TRAP_OTHER;
    CHECK(err != NULL);
    if (wasmpool_error_kind(err) != WASMPOOL_ERROR_TRAP || !wasmpool_error_trap_code(err, &code) ||
        code != cases[i].code) {
      fprintf(stderr, "%s: kind %d code %d, expected TRAP code %d: %s\n", cases[i].name,
              (int)wasmpool_error_kind(err), (int)code, (int)cases[i].code, wasmpool_error_message(err));
      exit(1);
    }
    printf("%-10s TRAP, code %d\n", cases[i].name, (int)code);
    wasmpool_error_delete(err);
    /* A trap poisons the instance: later calls fail, they do not run the guest. */
    err = wasmpool_component_instance_call(inst, "fine", NULL, 0, &result, 1);
    CHECK(err != NULL && wasmpool_error_kind(err) == WASMPOOL_ERROR_TRAP);
    printf("           then `fine` on the same instance: kind %d: %.*s\n", (int)wasmpool_error_kind(err),
           (int)strcspn(wasmpool_error_message(err), "\n"), wasmpool_error_message(err));
    wasmpool_error_delete(err);
    wasmpool_store_delete(store);
  }

  /* Results the guest has no right to return (a surrogate char, invalid UTF-8, a string past
   * the end of its memory): the canonical ABI traps when it lifts them, so the call is TRAP
   * (code OTHER) with Wasmtime's reason; never a crash or a bad tree. */
  struct {
    const char *name, *part;
  } bugs[] = {
      {"bad-char", "converted integer out of range for `char`"},
      {"bad-string", "invalid utf-8 sequence"},
      {"far-string", "string pointer/length out of bounds of memory"},
  };
  for (size_t i = 0; i < sizeof bugs / sizeof bugs[0]; i++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_component_instance_t *inst = component_instance(pre, store);
    cval_t result;
    memset(&result, 0, sizeof result);
    OK(wasmpool_component_instance_call(inst, "fine", NULL, 0, &result, 1));
    CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32 && result.of.u32 == 42);
    memset(&result, 0, sizeof result);
    wasmpool_error_t *err = wasmpool_component_instance_call(inst, bugs[i].name, NULL, 0, &result, 1);
    CHECK(err != NULL);
    CHECK(result.kind == 0); /* nothing written */
    const char *msg = wasmpool_error_message(err);
    wasmpool_trap_code_t code = WASMPOOL_TRAP_UNREACHABLE;
    if (wasmpool_error_kind(err) != WASMPOOL_ERROR_TRAP || !wasmpool_error_trap_code(err, &code) ||
        code != WASMPOOL_TRAP_OTHER || strstr(msg, bugs[i].part) == NULL) {
      fprintf(stderr, "%s: kind %d code %d, expected TRAP code OTHER with \"%s\": %s\n", bugs[i].name,
              (int)wasmpool_error_kind(err), (int)code, bugs[i].part, msg);
      exit(1);
    }
    printf("%-10s TRAP, code %d: %.*s\n", bugs[i].name, (int)code, (int)strcspn(msg, "\n"), msg);
    wasmpool_error_delete(err);
    /* Whatever Wasmtime makes of the instance afterwards, using it is safe. */
    err = wasmpool_component_instance_call(inst, "fine", NULL, 0, &result, 1);
    if (err == NULL) {
      CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_U32 && result.of.u32 == 42);
    }
    wasmpool_error_delete(err);
    wasmpool_store_delete(store);
  }
  {
    /* A bool of 2 is not an error: the canonical ABI reads any non-zero core value as true. */
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_component_instance_t *inst = component_instance(pre, store);
    cval_t result;
    OK(wasmpool_component_instance_call(inst, "bad-bool", NULL, 0, &result, 1));
    CHECK(result.kind == WASMPOOL_COMPONENT_VALKIND_BOOL && result.of.boolean == true);
    wasmpool_store_delete(store);
  }
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(c);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  wasmpool_config_t *cfg = small_pool(8);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);

  char path[4096];
  guest_file(path, sizeof path, "echo.wasm"); /* always built: missing is a failure */
  size_t echo_len = 0;
  uint8_t *echo_bytes = read_all(path, &echo_len);
  CHECK(echo_bytes != NULL);
  wasmpool_component_t *echo = NULL;
  OK(wasmpool_component_new(engine, echo_bytes, echo_len, &echo));
  /* The echo-* functions never call the host: its imports may trap. */
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  OK(wasmpool_component_linker_define_unknown_imports_as_traps(linker, echo));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, echo, &pre));
  wasmpool_component_linker_delete(linker);
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  echo_inst = component_instance(pre, store);
  OK(wasmpool_component_instance_func(echo_inst, "echo-nested", &echo_nested_fn));

  mismatches();
  unknown_exports();
  malformed(engine, echo_bytes, echo_len);
  traps(engine);

  wasmpool_store_delete(store);
  CHECK(metrics_of(engine).component_instances == 0);
  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(echo);
  free(echo_bytes);
  wasmpool_engine_delete(engine);
  return 0;
}
