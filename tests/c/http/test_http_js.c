/* A componentize-js wasi:http handler (tests/guests/js/proxy.js, built by the guests_toolchains
 * fixture when npm could install componentize-js) served through wasmpool_http_handle: 50
 * requests, each in a fresh store, answers matched. When the toolchain could not be installed the
 * test says why (the fixture's .skip file) and exits with ctest's skip code. */
#define _POSIX_C_SOURCE 200809L
#include "http_common.h"

/* --- a componentize-js handler ------------------------------------------------------------- */

/* js/proxy.wasm (tests/guests/js/proxy.js), built by the guests_toolchains fixture when npm could
 * install componentize-js; when it could not, its .skip file says why and this part says so. */
int main(void) {
  char path[512], skip[512];
  snprintf(path, sizeof path, "%s/js/proxy.wasm", guests_dir());
  snprintf(skip, sizeof skip, "%s/js/proxy.skip", guests_dir());
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    char why[512] = "guests_toolchains did not run";
    FILE *s = fopen(skip, "r");
    if (s != NULL) {
      if (fgets(why, sizeof why, s) == NULL) why[0] = '\0';
      fclose(s);
    }
    printf("componentize-js handler: not run: %s", why);
    return 77;
  }
  fclose(f);
  wasmpool_engine_t *engine = engine_with(small_pool(4));
  wasmpool_component_pre_t *pre = proxy_pre(engine, "js/proxy.wasm");
  for (unsigned i = 0; i < 50; i++) {
    char p[32], want[64];
    snprintf(p, sizeof p, "/js/%u", i);
    int n = snprintf(want, sizeof want, "hello from js: PATCH %s\n", p);
    wasmpool_http_request_t *req = request("PATCH", p);
    wasmpool_http_response_t *resp = NULL;
    OK(serve(pre, engine, NULL, req, &resp));
    size_t len = 0;
    const uint8_t *body = body_of(resp, &len);
    CHECK(status_of(resp) == 200 && len == (size_t)n && memcmp(body, want, len) == 0);
    wasmpool_http_response_delete(resp);
    wasmpool_http_request_delete(req);
  }
  CHECK(live_component_instances(engine) == 0);
  wasmpool_component_pre_delete(pre);
  wasmpool_engine_delete(engine);
  printf("componentize-js handler: 50 requests\n");
  return 0;
}

