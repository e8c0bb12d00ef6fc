/* Serving without blocking the caller, for event-loop hosts: wasmpool_http_handle_start runs the
 * request on a wasmpool thread, wasmpool_http_call_fd is an eventfd the host polls, and
 * wasmpool_http_call_poll hands over the outcome, with the proxy test guest
 * (tests/guests/proxy/proxy_guest.c; /sleep?MS answers after MS milliseconds).
 *
 *  - four slow requests started from one thread return at once and run at the same time (the
 *    loop sees them finish in about one sleep, not four); each response is matched
 *  - a poll before the end says "not done" and writes nothing; a second collection is refused
 *  - a trap comes back from poll as TRAP; the store is reusable (deletable) once done
 *  - deleting a call that still runs waits for it; the pool is back to 0 live instances
 * (the timing checks are left out under ASan and valgrind). */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "http_common.h"

#define N 4
#define SLEEP_MS 300

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

typedef struct {
  wasmpool_store_t *store;
  wasmpool_http_request_t *req;
  wasmpool_http_call_t *call;
} pending_t;

static void start(const wasmpool_engine_t *engine, const wasmpool_component_pre_t *pre, pending_t *p,
                  const char *path) {
  OK(wasmpool_store_new(engine, &p->store));
  p->req = request("GET", path);
  OK(wasmpool_http_handle_start(pre, p->store, p->req, &p->call));
  CHECK(wasmpool_http_call_fd(p->call) >= 0);
}

static void finish(pending_t *p) {
  wasmpool_http_call_delete(p->call);
  wasmpool_store_delete(p->store);
  wasmpool_http_request_delete(p->req);
}

/* Many slow requests in flight from one thread, finished through an event loop. */
static void event_loop(const wasmpool_engine_t *engine, const wasmpool_component_pre_t *pre) {
  pending_t p[N];
  char path[64];
  snprintf(path, sizeof path, "/sleep?%d", SLEEP_MS);
  double t0 = now_ms();
  for (int i = 0; i < N; i++) start(engine, pre, &p[i], path);
  double started = now_ms() - t0;
  bool timed = !under_memory_checker();
  if (timed) CHECK(started < SLEEP_MS / 2); /* the caller never ran a guest */

  /* Not done yet: poll says so and writes no response. */
  bool done = true;
  wasmpool_http_response_t *resp = (wasmpool_http_response_t *)&done; /* a sentinel */
  OK(wasmpool_http_call_poll(p[0].call, &done, &resp));
  CHECK(!done && resp == (wasmpool_http_response_t *)&done);

  int left = N;
  bool finished[N] = {false};
  while (left > 0) {
    struct pollfd fds[N];
    for (int i = 0; i < N; i++) fds[i] = (struct pollfd){.fd = wasmpool_http_call_fd(p[i].call), .events = POLLIN};
    int ready = poll(fds, N, 10000);
    CHECK(ready > 0);
    for (int i = 0; i < N; i++) {
      if (finished[i] || !(fds[i].revents & POLLIN)) continue;
      resp = NULL;
      OK(wasmpool_http_call_poll(p[i].call, &done, &resp));
      CHECK(done && resp != NULL);
      CHECK(status_of(resp) == 200);
      wasmpool_http_response_delete(resp);
      EXPECT_ERR(wasmpool_http_call_poll(p[i].call, &done, &resp), WASMPOOL_ERROR_INVALID_ARGUMENT);
      finished[i] = true;
      left--;
    }
  }
  double total = now_ms() - t0;
  printf("%d requests of %d ms each: started in %.1f ms, all done after %.0f ms\n", N, SLEEP_MS, started, total);
  CHECK(total >= SLEEP_MS);
  /* At the same time: well under the sum of the sleeps (2 CPUs, and a sleeping guest needs none). */
  if (timed) CHECK(total < (double)SLEEP_MS * N * 0.75);
  for (int i = 0; i < N; i++) finish(&p[i]);
}

static void failures(const wasmpool_engine_t *engine, const wasmpool_component_pre_t *pre) {
  pending_t p;
  start(engine, pre, &p, "/trap");
  struct pollfd fd = {.fd = wasmpool_http_call_fd(p.call), .events = POLLIN};
  CHECK(poll(&fd, 1, 10000) == 1);
  bool done = false;
  wasmpool_http_response_t *resp = NULL;
  EXPECT_ERR(wasmpool_http_call_poll(p.call, &done, &resp), WASMPOOL_ERROR_TRAP);
  CHECK(done && resp == NULL);
  finish(&p);

  /* Deleted while the guest still sleeps: the delete waits, then the store may go. */
  start(engine, pre, &p, "/sleep?200");
  double t0 = now_ms();
  wasmpool_http_call_delete(p.call);
  CHECK(now_ms() - t0 >= 150);
  wasmpool_store_delete(p.store);
  wasmpool_http_request_delete(p.req);

  CHECK(wasmpool_http_call_fd(NULL) == -1);
  wasmpool_http_call_delete(NULL);
}

int main(void) {
  wasmpool_engine_t *engine = engine_with(small_pool(4 * N)); /* a proxy instance has several core instances */
  wasmpool_component_pre_t *pre = proxy_pre(engine, "proxy.wasm");
  event_loop(engine, pre);
  failures(engine, pre);
  CHECK(live_component_instances(engine) == 0);
  wasmpool_component_pre_delete(pre);
  wasmpool_engine_delete(engine);
  printf("ok\n");
  return 0;
}
