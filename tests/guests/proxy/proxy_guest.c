/* A wasi:http/proxy component for the HTTP tests, routed by path:
 *
 *   /echo        200; body = the request body (read and written in chunks, so a large body streams
 *                through), headers x-method (the method), x-path (path with query), and every request
 *                header again with "x-echo-" before its name
 *   /big?N       200; N bytes (decimal), byte i = i % 251, written in chunks
 *   /out?AUTH    GET http://AUTH/ from the guest; 200 with "upstream STATUS: BODY", or 502 with
 *                "error CODE" (the wasi:http error-code case number; 15 is HTTP-request-denied)
 *   /trap        traps (unreachable)
 *   /loop        never returns (for deadlines)
 *   /unset       returns without setting a response
 *   /error       sets the response to the error code internal-error
 *   /unfinished  sets a response and writes a body it never finishes
 *   /sleep?MS    waits MS milliseconds (wasi:clocks monotonic-clock subscribe-duration, then
 *                pollable.block), then 200 with "slept MS"
 *
 * Uses nothing of WASI but wasi:http, wasi:io and wasi:clocks (libc only for malloc, memcpy and strlen), so it
 * needs no preview-1 adapter. */
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

typedef wasi_http_types_own_incoming_request_t own_request_t;
typedef wasi_http_types_own_response_outparam_t own_outparam_t;

#define CHUNK 4096 /* the most blocking-write-and-flush takes at once */

static const char *method_name(const wasi_http_types_method_t *m, size_t *len) {
  static const char *const names[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                      "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  if (m->tag == WASI_HTTP_TYPES_METHOD_OTHER) {
    *len = m->val.other.len;
    return (const char *)m->val.other.ptr;
  }
  *len = strlen(names[m->tag]);
  return names[m->tag];
}

static size_t decimal(char *out, unsigned long long v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

/* --- headers --------------------------------------------------------------------------------- */

typedef struct {
  wasi_http_types_tuple2_field_name_field_value_t *items;
  size_t len, cap;
} header_list_t;

static void header_add(header_list_t *h, const char *name, size_t nlen, const void *value, size_t vlen) {
  if (h->len == h->cap) {
    h->cap = h->cap ? h->cap * 2 : 8;
    h->items = realloc(h->items, h->cap * sizeof *h->items);
  }
  wasi_http_types_tuple2_field_name_field_value_t *e = &h->items[h->len++];
  e->f0.ptr = malloc(nlen ? nlen : 1);
  memcpy(e->f0.ptr, name, nlen);
  e->f0.len = nlen;
  e->f1.ptr = malloc(vlen ? vlen : 1);
  memcpy(e->f1.ptr, value, vlen);
  e->f1.len = vlen;
}

/* Turns the list into a `fields` resource (the list is consumed). */
static wasi_http_types_own_fields_t header_fields(header_list_t *h) {
  wasi_http_types_list_tuple2_field_name_field_value_t list = {h->items, h->len};
  wasi_http_types_own_fields_t fields;
  wasi_http_types_header_error_t err;
  if (!wasi_http_types_static_fields_from_list(&list, &fields, &err)) __builtin_trap();
  wasi_http_types_list_tuple2_field_name_field_value_free(&list);
  h->items = NULL;
  h->len = h->cap = 0;
  return fields;
}

/* --- the response ------------------------------------------------------------------------------ */

typedef struct {
  wasi_http_types_own_outgoing_body_t body;
  wasi_http_types_own_output_stream_t stream;
} writer_t;

/* Sets the response head and returns a writer for its body. */
static writer_t respond(own_outparam_t out, uint16_t status, header_list_t *headers) {
  wasi_http_types_own_outgoing_response_t resp =
      wasi_http_types_constructor_outgoing_response(header_fields(headers));
  wasi_http_types_borrow_outgoing_response_t r = wasi_http_types_borrow_outgoing_response(resp);
  if (!wasi_http_types_method_outgoing_response_set_status_code(r, status)) __builtin_trap();
  writer_t w;
  if (!wasi_http_types_method_outgoing_response_body(r, &w.body)) __builtin_trap();
  wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = false};
  result.val.ok = resp;
  wasi_http_types_static_response_outparam_set(out, &result);
  if (!wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(w.body), &w.stream))
    __builtin_trap();
  return w;
}

static void write_bytes(writer_t *w, const uint8_t *data, size_t len) {
  wasi_io_streams_borrow_output_stream_t s = wasi_io_streams_borrow_output_stream(w->stream);
  while (len > 0) {
    size_t n = len < CHUNK ? len : CHUNK;
    proxy_list_u8_t chunk = {(uint8_t *)data, n};
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(s, &chunk, &err)) __builtin_trap();
    data += n;
    len -= n;
  }
}

static void finish(writer_t *w) {
  wasi_io_streams_output_stream_drop_own(w->stream);
  wasi_http_types_error_code_t err;
  if (!wasi_http_types_static_outgoing_body_finish(w->body, NULL, &err)) __builtin_trap();
}

static void respond_text(own_outparam_t out, uint16_t status, const char *text, size_t len) {
  header_list_t h = {0};
  header_add(&h, "content-type", 12, "text/plain", 10);
  writer_t w = respond(out, status, &h);
  write_bytes(&w, (const uint8_t *)text, len);
  finish(&w);
}

/* --- routes ------------------------------------------------------------------------------------ */

static void echo(wasi_http_types_borrow_incoming_request_t req, own_outparam_t out, const char *path,
                 size_t path_len) {
  header_list_t h = {0};
  wasi_http_types_method_t method;
  wasi_http_types_method_incoming_request_method(req, &method);
  size_t mlen;
  const char *mname = method_name(&method, &mlen);
  header_add(&h, "x-method", 8, mname, mlen);
  wasi_http_types_method_free(&method);
  header_add(&h, "x-path", 6, path, path_len);

  wasi_http_types_own_headers_t in_headers = wasi_http_types_method_incoming_request_headers(req);
  wasi_http_types_list_tuple2_field_name_field_value_t entries;
  wasi_http_types_method_fields_entries(wasi_http_types_borrow_fields(in_headers), &entries);
  for (size_t i = 0; i < entries.len; i++) {
    char name[256];
    size_t nlen = entries.ptr[i].f0.len;
    if (nlen > sizeof name - 7) continue;
    memcpy(name, "x-echo-", 7);
    memcpy(name + 7, entries.ptr[i].f0.ptr, nlen);
    header_add(&h, name, nlen + 7, entries.ptr[i].f1.ptr, entries.ptr[i].f1.len);
  }
  wasi_http_types_list_tuple2_field_name_field_value_free(&entries);
  wasi_http_types_fields_drop_own(in_headers);

  writer_t w = respond(out, 200, &h);
  wasi_http_types_own_incoming_body_t body;
  if (!wasi_http_types_method_incoming_request_consume(req, &body)) __builtin_trap();
  wasi_http_types_own_input_stream_t in;
  if (!wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body), &in))
    __builtin_trap();
  for (;;) {
    proxy_list_u8_t chunk;
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_input_stream_blocking_read(wasi_io_streams_borrow_input_stream(in), 65536,
                                                            &chunk, &err)) {
      if (err.tag != WASI_IO_STREAMS_STREAM_ERROR_CLOSED) __builtin_trap();
      break;
    }
    write_bytes(&w, chunk.ptr, chunk.len);
    proxy_list_u8_free(&chunk);
  }
  wasi_io_streams_input_stream_drop_own(in);
  wasi_http_types_incoming_body_drop_own(body);
  finish(&w);
}

static void big(own_outparam_t out, const char *query, size_t len) {
  unsigned long long n = 0;
  for (size_t i = 0; i < len && query[i] >= '0' && query[i] <= '9'; i++) n = n * 10 + (unsigned)(query[i] - '0');
  header_list_t h = {0};
  writer_t w = respond(out, 200, &h);
  uint8_t buf[CHUNK];
  for (unsigned long long done = 0; done < n;) {
    size_t k = n - done < CHUNK ? (size_t)(n - done) : CHUNK;
    for (size_t i = 0; i < k; i++) buf[i] = (uint8_t)((done + i) % 251);
    write_bytes(&w, buf, k);
    done += k;
  }
  finish(&w);
}

/* Reads a whole incoming body into a malloc'd buffer. */
static uint8_t *read_all(wasi_http_types_own_incoming_body_t body, size_t *len) {
  wasi_http_types_own_input_stream_t in;
  if (!wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body), &in))
    __builtin_trap();
  uint8_t *data = NULL;
  *len = 0;
  for (;;) {
    proxy_list_u8_t chunk;
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_input_stream_blocking_read(wasi_io_streams_borrow_input_stream(in), 65536,
                                                            &chunk, &err))
      break;
    data = realloc(data, *len + chunk.len + 1);
    memcpy(data + *len, chunk.ptr, chunk.len);
    *len += chunk.len;
    proxy_list_u8_free(&chunk);
  }
  wasi_io_streams_input_stream_drop_own(in);
  wasi_http_types_incoming_body_drop_own(body);
  return data;
}

static void outgoing(own_outparam_t out, const char *authority, size_t len) {
  char text[512];
  size_t n = 0;
  wasi_http_types_own_outgoing_request_t req =
      wasi_http_types_constructor_outgoing_request(wasi_http_types_constructor_fields());
  wasi_http_types_borrow_outgoing_request_t r = wasi_http_types_borrow_outgoing_request(req);
  wasi_http_types_scheme_t scheme = {.tag = WASI_HTTP_TYPES_SCHEME_HTTP};
  proxy_string_t auth = {(uint8_t *)authority, len};
  proxy_string_t path = {(uint8_t *)"/", 1};
  if (!wasi_http_types_method_outgoing_request_set_scheme(r, &scheme) ||
      !wasi_http_types_method_outgoing_request_set_authority(r, &auth) ||
      !wasi_http_types_method_outgoing_request_set_path_with_query(r, &path)) {
    respond_text(out, 400, "bad authority", 13);
    wasi_http_types_outgoing_request_drop_own(req);
    return;
  }
  wasi_http_types_own_future_incoming_response_t future;
  wasi_http_types_error_code_t code;
  if (!wasi_http_outgoing_handler_handle(req, NULL, &future, &code)) {
    memcpy(text, "error ", 6);
    n = 6 + decimal(text + 6, code.tag);
    respond_text(out, 502, text, n);
    return;
  }
  wasi_http_types_borrow_future_incoming_response_t f = wasi_http_types_borrow_future_incoming_response(future);
  wasi_io_poll_own_pollable_t ready = wasi_http_types_method_future_incoming_response_subscribe(f);
  wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(ready));
  wasi_io_poll_pollable_drop_own(ready);
  wasi_http_types_result_result_own_incoming_response_error_code_void_t got;
  if (!wasi_http_types_method_future_incoming_response_get(f, &got) || got.is_err) __builtin_trap();
  wasi_http_types_future_incoming_response_drop_own(future);
  if (got.val.ok.is_err) {
    memcpy(text, "error ", 6);
    n = 6 + decimal(text + 6, got.val.ok.val.err.tag);
    respond_text(out, 502, text, n);
    return;
  }
  wasi_http_types_own_incoming_response_t resp = got.val.ok.val.ok;
  wasi_http_types_borrow_incoming_response_t b = wasi_http_types_borrow_incoming_response(resp);
  uint16_t status = wasi_http_types_method_incoming_response_status(b);
  wasi_http_types_own_incoming_body_t body;
  if (!wasi_http_types_method_incoming_response_consume(b, &body)) __builtin_trap();
  size_t blen;
  uint8_t *bytes = read_all(body, &blen);
  wasi_http_types_incoming_response_drop_own(resp);
  memcpy(text, "upstream ", 9);
  n = 9 + decimal(text + 9, status);
  text[n++] = ':';
  text[n++] = ' ';
  if (blen > sizeof text - n) blen = sizeof text - n;
  memcpy(text + n, bytes, blen);
  free(bytes);
  respond_text(out, 200, text, n + blen);
}

static void sleep_ms(own_outparam_t out, const char *query, size_t len) {
  unsigned long long ms = 0;
  for (size_t i = 0; i < len && query[i] >= '0' && query[i] <= '9'; i++) ms = ms * 10 + (unsigned)(query[i] - '0');
  wasi_io_poll_own_pollable_t timer = wasi_clocks_monotonic_clock_subscribe_duration(ms * 1000000ull);
  wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(timer));
  wasi_io_poll_pollable_drop_own(timer);
  char text[40];
  memcpy(text, "slept ", 6);
  size_t n = 6 + decimal(text + 6, ms);
  respond_text(out, 200, text, n);
}

static int route_is(const char *path, size_t len, const char *route, const char **rest, size_t *rest_len) {
  size_t r = strlen(route);
  if (len < r || memcmp(path, route, r) != 0) return 0;
  if (len > r && path[r] != '?' && path[r] != '/') return 0;
  *rest = len > r ? path + r + 1 : path + len;
  *rest_len = len > r ? len - r - 1 : 0;
  return 1;
}

void exports_wasi_http_incoming_handler_handle(own_request_t request, own_outparam_t out) {
  wasi_http_types_borrow_incoming_request_t req = wasi_http_types_borrow_incoming_request(request);
  proxy_string_t path;
  if (!wasi_http_types_method_incoming_request_path_with_query(req, &path)) path = (proxy_string_t){0};
  const char *p = (const char *)path.ptr, *rest;
  size_t len = path.len, rest_len;
  if (route_is(p, len, "/echo", &rest, &rest_len)) {
    echo(req, out, p, len);
  } else if (route_is(p, len, "/big", &rest, &rest_len)) {
    big(out, rest, rest_len);
  } else if (route_is(p, len, "/out", &rest, &rest_len)) {
    outgoing(out, rest, rest_len);
  } else if (route_is(p, len, "/trap", &rest, &rest_len)) {
    __builtin_trap();
  } else if (route_is(p, len, "/loop", &rest, &rest_len)) {
    for (volatile int spin = 1; spin;) {
    }
  } else if (route_is(p, len, "/unset", &rest, &rest_len)) {
    wasi_http_types_response_outparam_drop_own(out);
  } else if (route_is(p, len, "/error", &rest, &rest_len)) {
    wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = true};
    result.val.err.tag = WASI_HTTP_TYPES_ERROR_CODE_INTERNAL_ERROR;
    result.val.err.val.internal_error.is_some = false;
    wasi_http_types_static_response_outparam_set(out, &result);
  } else if (route_is(p, len, "/unfinished", &rest, &rest_len)) {
    header_list_t h = {0};
    writer_t w = respond(out, 200, &h);
    write_bytes(&w, (const uint8_t *)"partial", 7);
    wasi_io_streams_output_stream_drop_own(w.stream);
    wasi_http_types_outgoing_body_drop_own(w.body);
  } else if (route_is(p, len, "/sleep", &rest, &rest_len)) {
    sleep_ms(out, rest, rest_len);
  } else {
    respond_text(out, 404, "no such route", 13);
  }
  proxy_string_free(&path);
  wasi_http_types_incoming_request_drop_own(request);
}
