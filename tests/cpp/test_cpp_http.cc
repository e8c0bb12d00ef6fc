// wasi:http through wasmpool.hh with the proxy test guest (tests/guests/proxy): requests with
// headers and bodies echoed back exactly, each in a fresh Store; a trap and an invalid answer as
// errors of their kinds; an outgoing request denied without a policy; a bad request field named.
// A body streamed up through a reader and down through a sink, and a sink that refuses; a
// request started without blocking and finished through its eventfd.
#include <poll.h>

#include <algorithm>
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
  {
    // Streamed both ways: 3 MiB of a pattern up through a reader and back through the sink.
    const size_t total = 3u << 20;
    size_t sent = 0, received = 0, mismatches = 0;
    auto pattern = [](size_t i) { return static_cast<char>(i % 251); };
    HttpRequest req = OK(HttpRequest::make("POST", "/echo?streamed"));
    OK(req.set_body_reader([&sent, total, pattern](uint8_t *buf, size_t cap) -> Result<size_t> {
      size_t k = std::min(cap, total - sent);
      for (size_t i = 0; i < k; i++) buf[i] = static_cast<uint8_t>(pattern(sent + i));
      sent += k;
      return k;
    }));
    Store store = OK(Store::make(engine));
    uint16_t status = 0;
    OK(handle_http_stream(
        pre, store, req,
        [&status](const HttpResponse &head) -> Status {
          status = head.status();
          return {};
        },
        [&](std::string_view chunk) -> Status {
          for (size_t i = 0; i < chunk.size(); i++)
            if (chunk[i] != pattern(received + i)) mismatches++;
          received += chunk.size();
          return {};
        }));
    CHECK(status == 200 && sent == total && received == total && mismatches == 0);
    // A sink that refuses: its error is the call's.
    HttpRequest big = OK(HttpRequest::make("GET", "/big?1000000"));
    Store store2 = OK(Store::make(engine));
    Error e = EXPECT_ERR(handle_http_stream(
                             pre, store2, big, [](const HttpResponse &) -> Status { return {}; },
                             [](std::string_view) -> Status { return Error::trap("client gone"); }),
                         ErrorKind::Trap);
    CHECK(e.message().find("client gone") != std::string::npos);
  }
  {
    // Started without blocking, finished through the eventfd.
    HttpRequest req = OK(HttpRequest::make("POST", "/echo?started"));
    OK(req.set_body("polled"));
    Store store = OK(Store::make(engine));
    HttpCall call = OK(start_http(pre, store, req));
    pollfd fd{call.fd(), POLLIN, 0};
    CHECK(::poll(&fd, 1, 10000) == 1);
    std::optional<Result<HttpResponse>> outcome = call.poll();
    CHECK(outcome.has_value());
    HttpResponse resp = OK(std::move(*outcome));
    CHECK(resp.status() == 200 && resp.body() == "polled");
    std::optional<Result<HttpResponse>> again = call.poll();
    CHECK(again.has_value() && !again->ok() && again->error().kind() == ErrorKind::InvalidArgument);
  }
  Error bad = EXPECT_ERR(HttpRequest::make("GET", "no-slash"), ErrorKind::InvalidArgument);
  CHECK(bad.message().find("path_with_query") != std::string::npos);
  std::printf("ok\n");
  return 0;
}
