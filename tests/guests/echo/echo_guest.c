/* The `echo` world (wit/echo.wit) in C, on the bindings wit-bindgen generates (echo.h, echo.c,
 * echo_component_type.o, in the build tree).
 *
 * wit-bindgen's C ownership rules, which this file follows:
 *  - an export receives its arguments owned: it must free them or hand them on. `echo-*` hands
 *    each argument on as its result, unchanged (a move: no copy, nothing freed);
 *  - an export's result belongs to the bindings, which free it after the host has read it (the
 *    post-return function);
 *  - an import borrows its arguments (the caller still owns them) and returns results the
 *    caller owns. So `call-host-*` passes its argument to `host-echo-*`, frees the argument,
 *    and returns what the host returned.
 *
 * With signature flattening (wit-bindgen's default) an option argument is a pointer that is
 * NULL for `none`, and option and result returns are a bool (`some` / `ok`) plus out-pointers. */
#include "echo.h"

/* --- echo-*: the argument is the result ---------------------------------------------------- */

#define ECHO_SCALAR(name, type) \
  type exports_echo_echo_##name(type x) { return x; }
ECHO_SCALAR(bool, bool)
ECHO_SCALAR(s8, int8_t)
ECHO_SCALAR(u8, uint8_t)
ECHO_SCALAR(s16, int16_t)
ECHO_SCALAR(u16, uint16_t)
ECHO_SCALAR(s32, int32_t)
ECHO_SCALAR(u32, uint32_t)
ECHO_SCALAR(s64, int64_t)
ECHO_SCALAR(u64, uint64_t)
ECHO_SCALAR(f32, float)
ECHO_SCALAR(f64, double)
ECHO_SCALAR(char, uint32_t)
ECHO_SCALAR(enum, echo_color_t)
ECHO_SCALAR(flags, echo_perms_t)

#define ECHO_MOVE(name, type) \
  void exports_echo_echo_##name(type *x, type *ret) { *ret = *x; }
ECHO_MOVE(string, echo_string_t)
ECHO_MOVE(list_u32, echo_list_u32_t)
ECHO_MOVE(list_string, echo_list_string_t)
ECHO_MOVE(record, echo_point_t)
ECHO_MOVE(tuple, echo_tuple3_u32_string_bool_t)
ECHO_MOVE(variant, echo_shape_t)

bool exports_echo_echo_option(echo_string_t *maybe_x, echo_string_t *ret) {
  if (maybe_x == NULL) return false;
  *ret = *maybe_x;
  return true;
}

bool exports_echo_echo_result(wasmpool_echo_host_result_u32_string_t *x, uint32_t *ret,
                              echo_string_t *err) {
  if (x->is_err) {
    *err = x->val.err;
    return false;
  }
  *ret = x->val.ok;
  return true;
}

bool exports_echo_echo_nested(echo_nested_t *x, wasmpool_echo_types_result_list_point_string_t *ret) {
  if (!x->is_some) return false;
  *ret = x->val;
  return true;
}

/* --- call-host-*: the host's echo of the argument ------------------------------------------ */

#define CALL_SCALAR(name, type) \
  type exports_echo_call_host_##name(type x) { return wasmpool_echo_host_host_echo_##name(x); }
CALL_SCALAR(bool, bool)
CALL_SCALAR(s8, int8_t)
CALL_SCALAR(u8, uint8_t)
CALL_SCALAR(s16, int16_t)
CALL_SCALAR(u16, uint16_t)
CALL_SCALAR(s32, int32_t)
CALL_SCALAR(u32, uint32_t)
CALL_SCALAR(s64, int64_t)
CALL_SCALAR(u64, uint64_t)
CALL_SCALAR(f32, float)
CALL_SCALAR(f64, double)
CALL_SCALAR(char, uint32_t)
CALL_SCALAR(enum, echo_color_t)
CALL_SCALAR(flags, echo_perms_t)

#define CALL_OWNED(name, type, free_fn)                            \
  void exports_echo_call_host_##name(type *x, type *ret) {         \
    wasmpool_echo_host_host_echo_##name(x, ret);                   \
    free_fn(x);                                                    \
  }
CALL_OWNED(string, echo_string_t, echo_string_free)
CALL_OWNED(list_u32, echo_list_u32_t, echo_list_u32_free)
CALL_OWNED(list_string, echo_list_string_t, echo_list_string_free)
CALL_OWNED(record, echo_point_t, echo_point_free)
CALL_OWNED(tuple, echo_tuple3_u32_string_bool_t, echo_tuple3_u32_string_bool_free)
CALL_OWNED(variant, echo_shape_t, echo_shape_free)

bool exports_echo_call_host_option(echo_string_t *maybe_x, echo_string_t *ret) {
  bool some = wasmpool_echo_host_host_echo_option(maybe_x, ret);
  if (maybe_x != NULL) echo_string_free(maybe_x);
  return some;
}

bool exports_echo_call_host_result(wasmpool_echo_host_result_u32_string_t *x, uint32_t *ret,
                                   echo_string_t *err) {
  bool ok = wasmpool_echo_host_host_echo_result(x, ret, err);
  wasmpool_echo_host_result_u32_string_free(x);
  return ok;
}

bool exports_echo_call_host_nested(echo_nested_t *x,
                                   wasmpool_echo_types_result_list_point_string_t *ret) {
  bool some = wasmpool_echo_host_host_echo_nested(x, ret);
  echo_nested_free(x);
  return some;
}
