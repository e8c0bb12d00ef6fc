/* Component values for the C tests: builders, a deep copy, a deep comparison
 * that says where two trees differ, and small helpers to compile and
 * instantiate components.
 *
 * Every tree built here is made of `malloc` blocks (strings, arrays, boxed
 * payloads; NULL when empty), the way wasmpool builds call results and wants
 * a host function's results: so `wasmpool_component_val_delete` frees any of
 * them, arguments included, and a host function can return `cv_copy` of its
 * argument as is. */
#ifndef WASMPOOL_TESTS_COMPONENT_VALS_H
#define WASMPOOL_TESTS_COMPONENT_VALS_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"

typedef wasmpool_component_val_t cval_t;

/* --- building ------------------------------------------------------------------------------ */

static inline void *cv_alloc(size_t n, size_t size) {
  if (n == 0) return NULL;
  void *p = calloc(n, size);
  CHECK(p != NULL);
  return p;
}

static inline cval_t cv_kind(wasmpool_component_valkind_t kind) {
  cval_t v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  return v;
}

static inline wasmpool_component_string_t cv_string_of(const char *s, size_t len) {
  wasmpool_component_string_t out = {cv_alloc(len, 1), len};
  if (len > 0) memcpy(out.data, s, len);
  return out;
}

static inline cval_t *cv_box(cval_t v) {
  cval_t *p = cv_alloc(1, sizeof *p);
  *p = v;
  return p;
}

#define CV_SCALAR(fn, KIND, member, type)                  \
  static inline cval_t fn(type x) {                        \
    cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_##KIND); \
    v.of.member = x;                                       \
    return v;                                              \
  }
CV_SCALAR(cv_bool, BOOL, boolean, bool)
CV_SCALAR(cv_s8, S8, s8, int8_t)
CV_SCALAR(cv_u8, U8, u8, uint8_t)
CV_SCALAR(cv_s16, S16, s16, int16_t)
CV_SCALAR(cv_u16, U16, u16, uint16_t)
CV_SCALAR(cv_s32, S32, s32, int32_t)
CV_SCALAR(cv_u32, U32, u32, uint32_t)
CV_SCALAR(cv_s64, S64, s64, int64_t)
CV_SCALAR(cv_u64, U64, u64, uint64_t)
CV_SCALAR(cv_f32, F32, f32, float)
CV_SCALAR(cv_f64, F64, f64, double)
CV_SCALAR(cv_char, CHAR, character, uint32_t)
#undef CV_SCALAR

/* `len` bytes at `s` (any bytes: invalid UTF-8 too, for the error tests). */
static inline cval_t cv_strn(const char *s, size_t len) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_STRING);
  v.of.string = cv_string_of(s, len);
  return v;
}

static inline cval_t cv_str(const char *s) { return cv_strn(s, strlen(s)); }

/* A list or tuple of `n` values, given after `n`. */
static inline wasmpool_component_vals_t cv_vals_va(size_t n, va_list ap) {
  wasmpool_component_vals_t out = {cv_alloc(n, sizeof(cval_t)), n};
  for (size_t i = 0; i < n; i++) out.data[i] = va_arg(ap, cval_t);
  return out;
}

static inline cval_t cv_list(size_t n, ...) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_LIST);
  va_list ap;
  va_start(ap, n);
  v.of.list = cv_vals_va(n, ap);
  va_end(ap);
  return v;
}

static inline cval_t cv_tuple(size_t n, ...) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_TUPLE);
  va_list ap;
  va_start(ap, n);
  v.of.tuple = cv_vals_va(n, ap);
  va_end(ap);
  return v;
}

/* A record of `n` fields, given after `n` as name (const char *), value (cval_t) pairs. */
static inline cval_t cv_record(size_t n, ...) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_RECORD);
  v.of.record.data = cv_alloc(n, sizeof(wasmpool_component_field_t));
  v.of.record.len = n;
  va_list ap;
  va_start(ap, n);
  for (size_t i = 0; i < n; i++) {
    const char *name = va_arg(ap, const char *);
    v.of.record.data[i].name = cv_string_of(name, strlen(name));
    v.of.record.data[i].value = va_arg(ap, cval_t);
  }
  va_end(ap);
  return v;
}

/* A variant case without a payload, and one with. */
static inline cval_t cv_case(const char *name) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_VARIANT);
  v.of.variant.name = cv_string_of(name, strlen(name));
  return v;
}

static inline cval_t cv_case_with(const char *name, cval_t payload) {
  cval_t v = cv_case(name);
  v.of.variant.payload = cv_box(payload);
  return v;
}

static inline cval_t cv_enum(const char *name) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_ENUM);
  v.of.enumeration = cv_string_of(name, strlen(name));
  return v;
}

static inline cval_t cv_none(void) { return cv_kind(WASMPOOL_COMPONENT_VALKIND_OPTION); }

static inline cval_t cv_some(cval_t payload) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_OPTION);
  v.of.option = cv_box(payload);
  return v;
}

static inline cval_t cv_ok(cval_t payload) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_RESULT);
  v.of.result.is_ok = true;
  v.of.result.payload = cv_box(payload);
  return v;
}

static inline cval_t cv_err(cval_t payload) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_RESULT);
  v.of.result.is_ok = false;
  v.of.result.payload = cv_box(payload);
  return v;
}

/* Flags: the `n` names in `names` are set. */
static inline cval_t cv_flags(const char *const *names, size_t n) {
  cval_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_FLAGS);
  v.of.flags.data = cv_alloc(n, sizeof(wasmpool_component_string_t));
  v.of.flags.len = n;
  for (size_t i = 0; i < n; i++) v.of.flags.data[i] = cv_string_of(names[i], strlen(names[i]));
  return v;
}

/* --- copying ------------------------------------------------------------------------------- */

static inline cval_t cv_copy(const cval_t *v);

static inline wasmpool_component_vals_t cv_copy_vals(wasmpool_component_vals_t in) {
  wasmpool_component_vals_t out = {cv_alloc(in.len, sizeof(cval_t)), in.len};
  for (size_t i = 0; i < in.len; i++) out.data[i] = cv_copy(&in.data[i]);
  return out;
}

static inline cval_t *cv_copy_box(const cval_t *p) { return p == NULL ? NULL : cv_box(cv_copy(p)); }

/* A deep copy of `v` in fresh `malloc` blocks (resource handles are shared). */
static inline cval_t cv_copy(const cval_t *v) {
  cval_t out = *v;
  switch (v->kind) {
    case WASMPOOL_COMPONENT_VALKIND_STRING:
      out.of.string = cv_string_of(v->of.string.data, v->of.string.len);
      break;
    case WASMPOOL_COMPONENT_VALKIND_ENUM:
      out.of.enumeration = cv_string_of(v->of.enumeration.data, v->of.enumeration.len);
      break;
    case WASMPOOL_COMPONENT_VALKIND_LIST: out.of.list = cv_copy_vals(v->of.list); break;
    case WASMPOOL_COMPONENT_VALKIND_TUPLE: out.of.tuple = cv_copy_vals(v->of.tuple); break;
    case WASMPOOL_COMPONENT_VALKIND_RECORD:
      out.of.record.data = cv_alloc(v->of.record.len, sizeof(wasmpool_component_field_t));
      for (size_t i = 0; i < v->of.record.len; i++) {
        const wasmpool_component_field_t *f = &v->of.record.data[i];
        out.of.record.data[i].name = cv_string_of(f->name.data, f->name.len);
        out.of.record.data[i].value = cv_copy(&f->value);
      }
      break;
    case WASMPOOL_COMPONENT_VALKIND_VARIANT:
      out.of.variant.name = cv_string_of(v->of.variant.name.data, v->of.variant.name.len);
      out.of.variant.payload = cv_copy_box(v->of.variant.payload);
      break;
    case WASMPOOL_COMPONENT_VALKIND_OPTION: out.of.option = cv_copy_box(v->of.option); break;
    case WASMPOOL_COMPONENT_VALKIND_RESULT:
      out.of.result.payload = cv_copy_box(v->of.result.payload);
      break;
    case WASMPOOL_COMPONENT_VALKIND_FLAGS:
      out.of.flags.data = cv_alloc(v->of.flags.len, sizeof(wasmpool_component_string_t));
      for (size_t i = 0; i < v->of.flags.len; i++) {
        out.of.flags.data[i] = cv_string_of(v->of.flags.data[i].data, v->of.flags.data[i].len);
      }
      break;
    default: break; /* scalars and resource handles: copied with the struct */
  }
  return out;
}

/* --- comparing ----------------------------------------------------------------------------- */

/* Where the first difference is, for messages (`field "label": string "a" vs "b"`). */
typedef struct {
  char text[512];
} cv_diff_t;

static inline bool cv_differ(cv_diff_t *d, const char *path, const char *fmt, ...) {
  char what[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(d->text, sizeof d->text, "%s%s%s", path, path[0] ? ": " : "", what);
  return false;
}

static inline bool cv_same_string(wasmpool_component_string_t a, wasmpool_component_string_t b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static inline bool cv_equal_at(const cval_t *a, const cval_t *b, const char *path, cv_diff_t *d);

static inline bool cv_equal_vals(wasmpool_component_vals_t a, wasmpool_component_vals_t b,
                                 const char *path, cv_diff_t *d) {
  if (a.len != b.len) return cv_differ(d, path, "%zu elements vs %zu", a.len, b.len);
  if (a.len > 0 && (a.data == NULL || b.data == NULL)) {
    return cv_differ(d, path, "NULL data with %zu elements", a.len);
  }
  for (size_t i = 0; i < a.len; i++) {
    char sub[400];
    snprintf(sub, sizeof sub, "%s%selement %zu", path, path[0] ? ": " : "", i);
    if (!cv_equal_at(&a.data[i], &b.data[i], sub, d)) return false;
  }
  return true;
}

static inline bool cv_equal_box(const cval_t *a, const cval_t *b, const char *path, cv_diff_t *d) {
  if ((a == NULL) != (b == NULL)) {
    return cv_differ(d, path, "payload %s vs %s", a ? "present" : "NULL", b ? "present" : "NULL");
  }
  return a == NULL || cv_equal_at(a, b, path, d);
}

/* Floats: the same bits (so -0.0 differs from 0.0), except that any NaN equals any NaN (the
 * component model does not promise a NaN's payload). */
static inline bool cv_same_f64(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return memcmp(&a, &b, sizeof a) == 0;
}

static inline bool cv_same_f32(float a, float b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return memcmp(&a, &b, sizeof a) == 0;
}

/* Whether `a` and `b` are the same tree: kinds, scalars, strings byte for byte, elements,
 * fields (names and order), cases, payloads, flag names (and order). On a difference, `d` says
 * where. */
static inline bool cv_equal_at(const cval_t *a, const cval_t *b, const char *path, cv_diff_t *d) {
  if (a->kind != b->kind) return cv_differ(d, path, "kind %d vs %d", (int)a->kind, (int)b->kind);
  char sub[400];
  switch (a->kind) {
    case WASMPOOL_COMPONENT_VALKIND_BOOL:
      return a->of.boolean == b->of.boolean ||
             cv_differ(d, path, "bool %d vs %d", a->of.boolean, b->of.boolean);
    case WASMPOOL_COMPONENT_VALKIND_S8:
      return a->of.s8 == b->of.s8 || cv_differ(d, path, "s8 %d vs %d", a->of.s8, b->of.s8);
    case WASMPOOL_COMPONENT_VALKIND_U8:
      return a->of.u8 == b->of.u8 || cv_differ(d, path, "u8 %u vs %u", a->of.u8, b->of.u8);
    case WASMPOOL_COMPONENT_VALKIND_S16:
      return a->of.s16 == b->of.s16 || cv_differ(d, path, "s16 %d vs %d", a->of.s16, b->of.s16);
    case WASMPOOL_COMPONENT_VALKIND_U16:
      return a->of.u16 == b->of.u16 || cv_differ(d, path, "u16 %u vs %u", a->of.u16, b->of.u16);
    case WASMPOOL_COMPONENT_VALKIND_S32:
      return a->of.s32 == b->of.s32 || cv_differ(d, path, "s32 %d vs %d", a->of.s32, b->of.s32);
    case WASMPOOL_COMPONENT_VALKIND_U32:
      return a->of.u32 == b->of.u32 || cv_differ(d, path, "u32 %u vs %u", a->of.u32, b->of.u32);
    case WASMPOOL_COMPONENT_VALKIND_S64:
      return a->of.s64 == b->of.s64 ||
             cv_differ(d, path, "s64 %lld vs %lld", (long long)a->of.s64, (long long)b->of.s64);
    case WASMPOOL_COMPONENT_VALKIND_U64:
      return a->of.u64 == b->of.u64 ||
             cv_differ(d, path, "u64 %llu vs %llu", (unsigned long long)a->of.u64,
                       (unsigned long long)b->of.u64);
    case WASMPOOL_COMPONENT_VALKIND_F32:
      return cv_same_f32(a->of.f32, b->of.f32) ||
             cv_differ(d, path, "f32 %a vs %a", (double)a->of.f32, (double)b->of.f32);
    case WASMPOOL_COMPONENT_VALKIND_F64:
      return cv_same_f64(a->of.f64, b->of.f64) ||
             cv_differ(d, path, "f64 %a vs %a", a->of.f64, b->of.f64);
    case WASMPOOL_COMPONENT_VALKIND_CHAR:
      return a->of.character == b->of.character ||
             cv_differ(d, path, "char U+%04X vs U+%04X", a->of.character, b->of.character);
    case WASMPOOL_COMPONENT_VALKIND_STRING:
      return cv_same_string(a->of.string, b->of.string) ||
             cv_differ(d, path, "string \"%.*s\" (%zu bytes) vs \"%.*s\" (%zu bytes)",
                       (int)a->of.string.len, a->of.string.data, a->of.string.len,
                       (int)b->of.string.len, b->of.string.data, b->of.string.len);
    case WASMPOOL_COMPONENT_VALKIND_ENUM:
      return cv_same_string(a->of.enumeration, b->of.enumeration) ||
             cv_differ(d, path, "enum case \"%.*s\" vs \"%.*s\"", (int)a->of.enumeration.len,
                       a->of.enumeration.data, (int)b->of.enumeration.len, b->of.enumeration.data);
    case WASMPOOL_COMPONENT_VALKIND_LIST: return cv_equal_vals(a->of.list, b->of.list, path, d);
    case WASMPOOL_COMPONENT_VALKIND_TUPLE: return cv_equal_vals(a->of.tuple, b->of.tuple, path, d);
    case WASMPOOL_COMPONENT_VALKIND_RECORD:
      if (a->of.record.len != b->of.record.len) {
        return cv_differ(d, path, "%zu fields vs %zu", a->of.record.len, b->of.record.len);
      }
      for (size_t i = 0; i < a->of.record.len; i++) {
        const wasmpool_component_field_t *fa = &a->of.record.data[i], *fb = &b->of.record.data[i];
        if (!cv_same_string(fa->name, fb->name)) {
          return cv_differ(d, path, "field %zu is \"%.*s\" vs \"%.*s\"", i, (int)fa->name.len,
                           fa->name.data, (int)fb->name.len, fb->name.data);
        }
        snprintf(sub, sizeof sub, "%s%sfield \"%.*s\"", path, path[0] ? ": " : "",
                 (int)fa->name.len, fa->name.data);
        if (!cv_equal_at(&fa->value, &fb->value, sub, d)) return false;
      }
      return true;
    case WASMPOOL_COMPONENT_VALKIND_VARIANT:
      if (!cv_same_string(a->of.variant.name, b->of.variant.name)) {
        return cv_differ(d, path, "case \"%.*s\" vs \"%.*s\"", (int)a->of.variant.name.len,
                         a->of.variant.name.data, (int)b->of.variant.name.len,
                         b->of.variant.name.data);
      }
      snprintf(sub, sizeof sub, "%s%scase \"%.*s\"", path, path[0] ? ": " : "",
               (int)a->of.variant.name.len, a->of.variant.name.data);
      return cv_equal_box(a->of.variant.payload, b->of.variant.payload, sub, d);
    case WASMPOOL_COMPONENT_VALKIND_OPTION:
      snprintf(sub, sizeof sub, "%s%ssome", path, path[0] ? ": " : "");
      return cv_equal_box(a->of.option, b->of.option, sub, d);
    case WASMPOOL_COMPONENT_VALKIND_RESULT:
      if (a->of.result.is_ok != b->of.result.is_ok) {
        return cv_differ(d, path, "%s vs %s", a->of.result.is_ok ? "ok" : "err",
                         b->of.result.is_ok ? "ok" : "err");
      }
      snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? ": " : "",
               a->of.result.is_ok ? "ok" : "err");
      return cv_equal_box(a->of.result.payload, b->of.result.payload, sub, d);
    case WASMPOOL_COMPONENT_VALKIND_FLAGS:
      if (a->of.flags.len != b->of.flags.len) {
        return cv_differ(d, path, "%zu flags set vs %zu", a->of.flags.len, b->of.flags.len);
      }
      for (size_t i = 0; i < a->of.flags.len; i++) {
        wasmpool_component_string_t fa = a->of.flags.data[i], fb = b->of.flags.data[i];
        if (!cv_same_string(fa, fb)) {
          return cv_differ(d, path, "flag %zu is \"%.*s\" vs \"%.*s\"", i, (int)fa.len, fa.data,
                           (int)fb.len, fb.data);
        }
      }
      return true;
    case WASMPOOL_COMPONENT_VALKIND_RESOURCE:
      return a->of.resource == b->of.resource || cv_differ(d, path, "another resource handle");
    default: return true; /* no payload */
  }
}

static inline bool cv_equal(const cval_t *a, const cval_t *b, cv_diff_t *d) {
  return cv_equal_at(a, b, "", d);
}

/* `got` must be the same tree as `want`; `what` names the comparison in the failure. */
#define CHECK_SAME_VAL(got, want, what)                                                      \
  do {                                                                                       \
    cv_diff_t cv_d_;                                                                         \
    if (!cv_equal((got), (want), &cv_d_)) {                                                  \
      fprintf(stderr, "%s:%d: %s: values differ at %s\n", __FILE__, __LINE__, (what),        \
              cv_d_.text[0] ? cv_d_.text : "(top)");                                         \
      exit(1);                                                                               \
    }                                                                                        \
  } while (0)

/* --- components ---------------------------------------------------------------------------- */

static inline wasmpool_component_t *component_wat(const wasmpool_engine_t *engine,
                                                  const char *wat) {
  wasmpool_component_t *c = NULL;
  OK(wasmpool_component_new(engine, (const uint8_t *)wat, strlen(wat), &c));
  CHECK(c != NULL);
  return c;
}

/* A pre of `c` with no host functions (the component imports nothing). */
static inline wasmpool_component_pre_t *component_pre_plain(const wasmpool_engine_t *engine,
                                                            const wasmpool_component_t *c) {
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, c, &pre));
  wasmpool_component_linker_delete(linker);
  CHECK(pre != NULL);
  return pre;
}

static inline wasmpool_component_instance_t *component_instance(const wasmpool_component_pre_t *pre,
                                                                wasmpool_store_t *store) {
  wasmpool_component_instance_t *inst = NULL;
  OK(wasmpool_component_pre_instantiate(pre, store, &inst));
  CHECK(inst != NULL);
  return inst;
}

/* `err` must be of `kind` with `part` in its message; the error is released. */
#define EXPECT_ERR_MSG(expr, kind, part) expect_err_msg_((expr), (kind), (part), #expr, __FILE__, __LINE__)

static inline void expect_err_msg_(wasmpool_error_t *err, wasmpool_error_kind_t kind,
                                   const char *part, const char *what, const char *file, int line) {
  if (err == NULL) {
    fprintf(stderr, "%s:%d: %s succeeded, expected error kind %d (\"%s\")\n", file, line, what,
            (int)kind, part);
    exit(1);
  }
  const char *msg = wasmpool_error_message(err);
  if (wasmpool_error_kind(err) != kind || strstr(msg, part) == NULL) {
    fprintf(stderr, "%s:%d: %s: kind %d, expected %d with \"%s\" in the message: %s\n", file,
            line, what, (int)wasmpool_error_kind(err), (int)kind, part, msg);
    exit(1);
  }
  wasmpool_error_delete(err);
}


#endif
