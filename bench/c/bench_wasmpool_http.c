/*
 * bench_wasmpool_http.c: the wasi:http measurement of bench_wasmpool (the same as
 * bench/native/src/http.rs's, with the same JSON lines).
 *
 *   bench_wasmpool http proxy=WASM [pool_total=1000 target_ms=200 warmup=200]
 *
 * Options: strategies=pooling,ondemand  iters=N (fixed batches, for profiling). `proxy` is the C
 * proxy test guest (tests/guests/proxy, built as guests/proxy.wasm by the wasmpool_guests
 * target), which answers `POST /echo` with the request body.
 *
 * One request, as a host serving wasi:http in process writes it against the C API: a new store
 * of an async engine (the guest runs on a fiber, its call and the reader of its response on the
 * calling thread), a new request (`POST /echo`, content-type text/plain, body "hello"),
 * wasmpool_http_handle (a new instance from the pre, `wasi:http/incoming-handler.handle`, the
 * whole response collected), the response checked, the response, store and request deleted. A
 * response other than 200 "hello" is fatal: a broken run is never timed.
 */
#include "bench_wasmpool.h"

/* The request's body; the guest's /echo answers 200 with the same bytes. */
static const char BODY[] = "hello";
static const char CONTENT_TYPE[] = "text/plain";

typedef struct {
  wasmpool_engine_t *engine;
  wasmpool_component_pre_t *pre;
} http_ctx;

static wasmpool_http_request_t *new_request(void) {
  wasmpool_http_request_t *req;
  check(wasmpool_http_request_new("POST", "http", "localhost", "/echo", &req), "http request");
  check(wasmpool_http_request_header_add(req, "content-type", (const uint8_t *)CONTENT_TYPE,
                                         sizeof CONTENT_TYPE - 1),
        "http header");
  check(wasmpool_http_request_body_set(req, (const uint8_t *)BODY, sizeof BODY - 1), "http body");
  return req;
}

static void check_response(const wasmpool_http_response_t *resp) {
  uint16_t status;
  const uint8_t *data;
  size_t len;
  check(wasmpool_http_response_status(resp, &status), "http status");
  check(wasmpool_http_response_body(resp, &data, &len), "http response body");
  if (status != 200 || len != sizeof BODY - 1 || memcmp(data, BODY, len) != 0)
    die("http: /echo answered %u with \"%.*s\"", (unsigned)status, (int)len, (const char *)data);
}

static void http_batch(void *p, uint64_t n) {
  const http_ctx *c = p;
  for (uint64_t i = 0; i < n; i++) {
    wasmpool_store_t *store;
    wasmpool_http_response_t *resp;
    check(wasmpool_store_new(c->engine, &store), "store");
    wasmpool_http_request_t *req = new_request();
    check(wasmpool_http_handle(c->pre, store, req, &resp), "http handle");
    check_response(resp);
    wasmpool_http_response_delete(resp);
    wasmpool_store_delete(store);
    wasmpool_http_request_delete(req);
  }
}

static int cmd_http(void) {
  uint32_t total = (uint32_t)arg_u64("pool_total", 1000);
  uint64_t target = arg_u64("target_ms", 200) * 1000000u;
  uint64_t warmup = arg_u64("warmup", 200);
  bool pooling;
  const char *strategy;
  for (int s = 0; next_strategy(&s, &pooling, &strategy);) {
    wasmpool_config_t *cfg = bench_config(pooling, total);
    /* As the Rust-native side: the guest on a fiber, Wasmtime's async host functions. */
    check(wasmpool_config_async_support_set(cfg, true), "async_support");
    http_ctx c = {.engine = new_engine(cfg, pooling)};
    c.pre = component_pre_file(c.engine, arg_required("proxy"), wasmpool_component_linker_define_http);
    measured_t m = measure(http_batch, &c, warmup, target);
    emit("http_request", "echo", strategy, "", 1, m.ns_per_op, "ns/request", m.iters, NULL);
    wasmpool_component_pre_delete(c.pre);
    wasmpool_engine_delete(c.engine);
  }
  return 0;
}

int http_main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  g_path = BENCH_PATH;
  return cmd_http();
}
