/* WAVE text (the WebAssembly Value Encoding, as `wasmtime run --invoke` prints results) of core
 * values and of component values, for wasmpool-run. A component value is printed from the value
 * alone: its kinds, field, case and flag names say what it is. */
#ifndef WASMPOOL_TOOLS_WAVE_PRINT_H
#define WASMPOOL_TOOLS_WAVE_PRINT_H

#include <inttypes.h>
#include <stdio.h>

#include <wasmpool.h>

static void print_core(const wasmpool_val_t *v) {
  switch (v->kind) {
    case WASMPOOL_VALKIND_I32: printf("%" PRId32, v->of.i32); break;
    case WASMPOOL_VALKIND_I64: printf("%" PRId64, v->of.i64); break;
    case WASMPOOL_VALKIND_F32: printf("%.9g", (double)v->of.f32); break;
    case WASMPOOL_VALKIND_F64: printf("%.17g", v->of.f64); break;
    default: printf("<unprintable>"); break;
  }
}

static void print_wave_string(const char *s, size_t n, char quote) {
  putchar(quote);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\\' || c == (unsigned char)quote) printf("\\%c", c);
    else if (c == '\n') printf("\\n");
    else if (c == '\t') printf("\\t");
    else if (c == '\r') printf("\\r");
    else if (c < 0x20) printf("\\u{%x}", c);
    else putchar(c);
  }
  putchar(quote);
}

static void print_char(uint32_t c) {
  char buf[4];
  size_t n;
  if (c < 0x80) { buf[0] = (char)c; n = 1; }
  else if (c < 0x800) { buf[0] = (char)(0xC0 | (c >> 6)); buf[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
  else if (c < 0x10000) {
    buf[0] = (char)(0xE0 | (c >> 12)); buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (c & 0x3F)); n = 3;
  } else {
    buf[0] = (char)(0xF0 | (c >> 18)); buf[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((c >> 6) & 0x3F)); buf[3] = (char)(0x80 | (c & 0x3F)); n = 4;
  }
  print_wave_string(buf, n, '\'');
}

static void print_name(const wasmpool_component_string_t *s) { printf("%.*s", (int)s->len, s->data); }

/* A component value in WAVE, from the value alone (its kinds and names say what it is). */
static void print_component(const wasmpool_component_val_t *v) {
  switch (v->kind) {
    case WASMPOOL_COMPONENT_VALKIND_BOOL: printf(v->of.boolean ? "true" : "false"); break;
    case WASMPOOL_COMPONENT_VALKIND_S8: printf("%d", v->of.s8); break;
    case WASMPOOL_COMPONENT_VALKIND_U8: printf("%u", v->of.u8); break;
    case WASMPOOL_COMPONENT_VALKIND_S16: printf("%d", v->of.s16); break;
    case WASMPOOL_COMPONENT_VALKIND_U16: printf("%u", v->of.u16); break;
    case WASMPOOL_COMPONENT_VALKIND_S32: printf("%" PRId32, v->of.s32); break;
    case WASMPOOL_COMPONENT_VALKIND_U32: printf("%" PRIu32, v->of.u32); break;
    case WASMPOOL_COMPONENT_VALKIND_S64: printf("%" PRId64, v->of.s64); break;
    case WASMPOOL_COMPONENT_VALKIND_U64: printf("%" PRIu64, v->of.u64); break;
    case WASMPOOL_COMPONENT_VALKIND_F32: printf("%.9g", (double)v->of.f32); break;
    case WASMPOOL_COMPONENT_VALKIND_F64: printf("%.17g", v->of.f64); break;
    case WASMPOOL_COMPONENT_VALKIND_CHAR: print_char(v->of.character); break;
    case WASMPOOL_COMPONENT_VALKIND_STRING:
      print_wave_string(v->of.string.data, v->of.string.len, '"');
      break;
    case WASMPOOL_COMPONENT_VALKIND_LIST:
    case WASMPOOL_COMPONENT_VALKIND_TUPLE: {
      const wasmpool_component_vals_t *xs =
          v->kind == WASMPOOL_COMPONENT_VALKIND_LIST ? &v->of.list : &v->of.tuple;
      putchar(v->kind == WASMPOOL_COMPONENT_VALKIND_LIST ? '[' : '(');
      for (size_t i = 0; i < xs->len; i++) {
        if (i) printf(", ");
        print_component(&xs->data[i]);
      }
      putchar(v->kind == WASMPOOL_COMPONENT_VALKIND_LIST ? ']' : ')');
      break;
    }
    case WASMPOOL_COMPONENT_VALKIND_RECORD:
      putchar('{');
      for (size_t i = 0; i < v->of.record.len; i++) {
        if (i) printf(", ");
        print_name(&v->of.record.data[i].name);
        printf(": ");
        print_component(&v->of.record.data[i].value);
      }
      putchar('}');
      break;
    case WASMPOOL_COMPONENT_VALKIND_VARIANT:
      print_name(&v->of.variant.name);
      if (v->of.variant.payload != NULL) {
        putchar('(');
        print_component(v->of.variant.payload);
        putchar(')');
      }
      break;
    case WASMPOOL_COMPONENT_VALKIND_ENUM: print_name(&v->of.enumeration); break;
    case WASMPOOL_COMPONENT_VALKIND_OPTION:
      if (v->of.option == NULL) {
        printf("none");
      } else {
        printf("some(");
        print_component(v->of.option);
        putchar(')');
      }
      break;
    case WASMPOOL_COMPONENT_VALKIND_RESULT:
      printf(v->of.result.is_ok ? "ok" : "err");
      if (v->of.result.payload != NULL) {
        putchar('(');
        print_component(v->of.result.payload);
        putchar(')');
      }
      break;
    case WASMPOOL_COMPONENT_VALKIND_FLAGS:
      putchar('{');
      for (size_t i = 0; i < v->of.flags.len; i++) {
        if (i) printf(", ");
        print_name(&v->of.flags.data[i]);
      }
      putchar('}');
      break;
    default: printf("<resource>"); break;
  }
}

#endif
