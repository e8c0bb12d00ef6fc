// wasi:http through wasmpool.hh with the proxy test guest (tests/guests/proxy): requests with
// headers and bodies echoed back exactly, each in a fresh Store; a trap and an invalid answer as
// errors of their kinds; an outgoing request denied without a policy; a bad request field named.
#include <string>

#include "check.hh"

using namespace wasmpool;

int main() {
  Config cfg = check::small_pool(8);
  Engine engine = OK(Engine::make(cfg));
  Component proxy = OK(Component::from_file(engine, check::guest("proxy.wasm").c_str()));
  ComponentLinker linker = OK(ComponentLinker::make(engine));
  OK(define_http(linker));
  ComponentPre pre = OK(linker.instantiate_pre(proxy));

  for (int i = 0; i < 100; i++) {
    std::string path = "/echo?i=" + std::to_string(i);
    std::string body(static_cast<size_t>(i) * 37, static_cast<char>('a' + i % 26));
    HttpRequest req = OK(HttpRequest::make("PUT", path.c_str()));
    OK(req.add_header("x-i", std::to_string(i)));
    OK(req.set_body(body));
    Store store = OK(Store::make(engine));
    HttpResponse resp = OK(handle_http(pre, store, req));
    CHECK(resp.status() == 200);
    CHECK(resp.header("x-method") == std::string_view("PUT"));
    CHECK(resp.header("x-path") == std::string_view(path));
    CHECK(resp.header("x-echo-x-i") == std::string_view(std::to_string(i)));
    CHECK(resp.body() == body);
  }

  {
    HttpRequest req = OK(HttpRequest::make("GET", "/trap"));
    Store store = OK(Store::make(engine));
    Error e = EXPECT_ERR(handle_http(pre, store, req), ErrorKind::Trap);
    CHECK(e.trap_code() == WASMPOOL_TRAP_UNREACHABLE);
  }
  {
    HttpRequest req = OK(HttpRequest::make("GET", "/unset"));
    Store store = OK(Store::make(engine));
    EXPECT_ERR(handle_http(pre, store, req), ErrorKind::Other);
  }
  {
    HttpConfig policy;
    OK(policy.allow("127.0.0.1:1"));
    HttpRequest req = OK(HttpRequest::make("GET", "/out?127.0.0.1:2"));
    Store store = OK(Store::make(engine));
    OK(set_http(store, policy));
    HttpResponse resp = OK(handle_http(pre, store, req));
    CHECK(resp.status() == 502 && resp.body() == "error 15");
  }
  Error bad = EXPECT_ERR(HttpRequest::make("GET", "no-slash"), ErrorKind::InvalidArgument);
  CHECK(bad.message().find("path_with_query") != std::string::npos);
  std::printf("ok\n");
  return 0;
}
