/* Helpers of the wasi:http tests: an engine, a proxy guest pre-linked with wasi:http, requests
 * served in fresh stores, and readers of the response. */
#ifndef WASMPOOL_TESTS_HTTP_COMMON_H
#define WASMPOOL_TESTS_HTTP_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "guests.h"

static inline wasmpool_engine_t *engine_with(wasmpool_config_t *cfg) {
  if (async_variant()) OK(wasmpool_config_async_support_set(cfg, true));
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  return engine;
}

static inline wasmpool_component_pre_t *proxy_pre(wasmpool_engine_t *engine, const char *guest) {
  char path[512];
  guest_file(path, sizeof path, guest);
  wasmpool_component_t *component = NULL;
  OK(wasmpool_component_new_file(engine, path, &component));
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  OK(wasmpool_component_linker_define_http(linker));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, component, &pre));
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);
  return pre;
}

static inline wasmpool_http_request_t *request(const char *method, const char *path) {
  wasmpool_http_request_t *req = NULL;
  OK(wasmpool_http_request_new(method, "http", "localhost:8080", path, &req));
  return req;
}

/* Serves `req` in a fresh store; returns the error (NULL on success, *resp set). */
static inline wasmpool_error_t *serve(const wasmpool_component_pre_t *pre, const wasmpool_engine_t *engine,
                               const wasmpool_http_config_t *http, const wasmpool_http_request_t *req,
                               wasmpool_http_response_t **resp) {
  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  if (http != NULL) OK(wasmpool_store_http_set(store, http));
  wasmpool_error_t *err = wasmpool_http_handle(pre, store, req, resp);
  wasmpool_store_delete(store);
  return err;
}

static inline uint16_t status_of(const wasmpool_http_response_t *resp) {
  uint16_t status = 0;
  OK(wasmpool_http_response_status(resp, &status));
  return status;
}

/* The value of the first header called `name` as a NUL-terminated copy in buf ("" if none). */
static inline const char *header(const wasmpool_http_response_t *resp, const char *name, char *buf, size_t cap) {
  size_t count = 0;
  OK(wasmpool_http_response_header_count(resp, &count));
  buf[0] = '\0';
  for (size_t i = 0; i < count; i++) {
    const char *n = NULL;
    const uint8_t *v = NULL;
    size_t len = 0;
    OK(wasmpool_http_response_header_get(resp, i, &n, &v, &len));
    if (strcmp(n, name) == 0) {
      CHECK(len < cap);
      memcpy(buf, v, len);
      buf[len] = '\0';
      break;
    }
  }
  return buf;
}

static inline const uint8_t *body_of(const wasmpool_http_response_t *resp, size_t *len) {
  const uint8_t *data = NULL;
  OK(wasmpool_http_response_body(resp, &data, len));
  CHECK(data != NULL);
  return data;
}

static inline uint64_t live_component_instances(const wasmpool_engine_t *engine) {
  wasmpool_metrics_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  OK(wasmpool_engine_metrics(engine, &m));
  return m.component_instances;
}

/* Under ASan or valgrind, which slow every byte 20-50 times, serialise threads (valgrind) and
 * keep freed blocks and shadow memory: timings and peak RSS say nothing there. */
static inline bool under_memory_checker(void) {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
  const char *preload = getenv("LD_PRELOAD");
  return preload != NULL && strstr(preload, "vgpreload") != NULL;
}

#endif
