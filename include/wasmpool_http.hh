// wasmpool_http.hh: the wasi:http part of wasmpool.hh (C++17, header-only): an outgoing-request
// policy (HttpConfig), a request (HttpRequest) and a response (HttpResponse), and serving one
// request with a proxy component (define_http, set_http, handle_http). Include <wasmpool.hh>,
// which includes this file; see there for the ownership, error and thread-safety conventions.
#ifndef WASMPOOL_HTTP_HH
#define WASMPOOL_HTTP_HH

#ifndef WASMPOOL_HH
#error "include <wasmpool.hh>, which includes this part of it"
#endif

namespace wasmpool {

/// Which authorities (`host:port`) a store's guests may send outgoing requests to; none by
/// default (the guest gets HTTP-request-denied and the host opens no connection).
///
/// Ownership: owns a `wasmpool_http_config_t`, move-only; set_http copies it into a store.
/// Thread safety: allow() needs exclusive access; once set up, any number of stores on any
/// threads may be given it.
class HttpConfig : public detail::Owned<wasmpool_http_config_t, wasmpool_http_config_delete> {
 public:
  HttpConfig() : Owned(wasmpool_http_config_new()) {
    if (raw_ == nullptr) detail::misuse("wasmpool_http_config_new failed (out of memory)", nullptr);
  }
  /// Allows `authority` (as in the request's URL, such as "127.0.0.1:8080"); INVALID_ARGUMENT
  /// when it is empty or contains a NUL byte.
  Status allow(const std::string &authority) {
    if (authority.find('\0') != std::string::npos)
      return Error(ErrorKind::InvalidArgument, "HttpConfig::allow: authority contains a NUL byte");
    return Status::from_c(wasmpool_http_config_allow_authority(raw_, authority.c_str()));
  }
};

/// One incoming request: method, scheme, authority, path with query, headers, body.
/// Ownership: owns a `wasmpool_http_request_t`, move-only. With a whole body (set_body) it is
/// only read by handle_http, so it may be served many times; a streamed body (set_body_reader)
/// goes to the first guest it is handed to.
class HttpRequest : public detail::Owned<wasmpool_http_request_t, wasmpool_http_request_delete> {
 public:
  /// INVALID_ARGUMENT naming the field HTTP does not allow (method, scheme, authority,
  /// path_with_query, which must start with '/').
  static Result<HttpRequest> make(const char *method, const char *path_with_query, const char *authority = "localhost",
                                  const char *scheme = "http") {
    wasmpool_http_request_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_http_request_new(method, scheme, authority, path_with_query, &out);
    if (err != nullptr) return Error::adopt(err);
    return HttpRequest(out);
  }
  /// Appends a header (repeated names are kept in order).
  Status add_header(const char *name, std::string_view value) {
    return Status::from_c(wasmpool_http_request_header_add(raw_, name, reinterpret_cast<const uint8_t *>(value.data()),
                                                           value.size()));
  }
  /// Replaces the body with a copy of `body`.
  Status set_body(std::string_view body) {
    return Status::from_c(
        wasmpool_http_request_body_set(raw_, reinterpret_cast<const uint8_t *>(body.data()), body.size()));
  }
  /// Makes the body a stream: the guest's reads call `read(buf, cap)`, which returns how many
  /// bytes it wrote to `buf` (at most `cap`; 0 ends the body) or an Error (the guest's read
  /// fails). Called on the thread running handle_http, one call at a time, never after it
  /// returns; `read` is taken over by wasmpool and destroyed exactly once when no longer needed.
  template <class F>
  Status set_body_reader(F &&read) {
    using Fn = std::decay_t<F>;
    Fn *env = new Fn(std::forward<F>(read));
    wasmpool_error_t *err = wasmpool_http_request_body_reader_set(raw_, &read_trampoline<Fn>, env, &detail::finalize<Fn>);
    if (err != nullptr) delete env;  // refused: nothing was kept
    return Status::from_c(err);
  }

 private:
  explicit HttpRequest(wasmpool_http_request_t *raw) : Owned(raw) {}
  template <class Fn>
  static wasmpool_error_t *read_trampoline(void *env, uint8_t *buf, size_t cap, size_t *len) {
    Result<size_t> n = (*static_cast<Fn *>(env))(buf, cap);
    if (!n.ok()) return n.error().to_c_trap();
    *len = n.value();
    return nullptr;
  }
};

/// A guest's response. Ownership: owns a `wasmpool_http_response_t`, move-only; the views it
/// returns are valid while it lives. Thread safety: read-only, any thread.
class HttpResponse : public detail::Owned<wasmpool_http_response_t, wasmpool_http_response_delete> {
 public:
  explicit HttpResponse(wasmpool_http_response_t *raw) : Owned(raw) {}
  uint16_t status() const {
    uint16_t s = 0;
    check(wasmpool_http_response_status(raw_, &s));
    return s;
  }
  /// The headers in the guest's order, names in lower case.
  std::vector<std::pair<std::string_view, std::string_view>> headers() const {
    size_t n = 0;
    check(wasmpool_http_response_header_count(raw_, &n));
    std::vector<std::pair<std::string_view, std::string_view>> out;
    out.reserve(n);
    for (size_t i = 0; i < n; i++) {
      const char *name = nullptr;
      const uint8_t *value = nullptr;
      size_t len = 0;
      check(wasmpool_http_response_header_get(raw_, i, &name, &value, &len));
      out.emplace_back(name, std::string_view(reinterpret_cast<const char *>(value), len));
    }
    return out;
  }
  /// The first value of header `name` (lower case), if any.
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto &h : headers())
      if (h.first == name) return h.second;
    return std::nullopt;
  }
  std::string_view body() const {
    const uint8_t *data = nullptr;
    size_t len = 0;
    check(wasmpool_http_response_body(raw_, &data, &len));
    return std::string_view(reinterpret_cast<const char *>(data), len);
  }

 private:
  // The accessors fail only on NULL arguments, which this class never passes.
  static void check(wasmpool_error_t *err) {
    if (err != nullptr) detail::misuse("an HttpResponse accessor failed", nullptr);
  }
};

/// Defines wasi:http and the WASI preview-2 parts a proxy imports in `linker` (not together
/// with define_wasi on one linker: LINK error).
inline Status define_http(ComponentLinker &linker) {
  return Status::from_c(wasmpool_component_linker_define_http(linker.raw()));
}

/// Gives `store` the outgoing-request policy `cfg` (copied).
inline Status set_http(Store &store, const HttpConfig &cfg) {
  return Status::from_c(wasmpool_store_http_set(store.raw(), cfg.raw()));
}

/// Instantiates the proxy `pre` in `store` (use a fresh store per request), hands it `request`
/// and returns its response. Errors: TRAP, INTERRUPTED, OUT_OF_FUEL, POOL_EXHAUSTED, LINK (not a
/// proxy), OTHER (the guest set no response, an error code, or left the body unfinished).
inline Result<HttpResponse> handle_http(const ComponentPre &pre, Store &store, const HttpRequest &request) {
  wasmpool_http_response_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_http_handle(pre.raw(), store.raw(), request.raw(), &out);
  if (err != nullptr) return Error::adopt(err);
  return HttpResponse(out);
}

/// A request served on a wasmpool thread (start_http): poll fd() in an event loop, then poll()
/// for the outcome. Ownership: owns a `wasmpool_http_call_t`, move-only; destroying it waits for
/// a call still running. The ComponentPre, Store and HttpRequest it was started with are borrowed
/// until poll() has returned the outcome (or the HttpCall is destroyed).
class HttpCall : public detail::Owned<wasmpool_http_call_t, wasmpool_http_call_delete> {
 public:
  explicit HttpCall(wasmpool_http_call_t *raw) : Owned(raw) {}
  /// An eventfd that becomes readable when the call is done (do not read or close it).
  int fd() const { return wasmpool_http_call_fd(raw_); }
  /// std::nullopt while the guest runs; then the outcome, once (a second poll is an
  /// INVALID_ARGUMENT error).
  std::optional<Result<HttpResponse>> poll() {
    bool done = false;
    wasmpool_http_response_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_http_call_poll(raw_, &done, &out);
    if (err != nullptr) return Result<HttpResponse>(Error::adopt(err));
    if (!done) return std::nullopt;
    return Result<HttpResponse>(HttpResponse(out));
  }
};

/// Starts serving `request` as handle_http does, on a wasmpool thread; returns at once.
inline Result<HttpCall> start_http(const ComponentPre &pre, Store &store, const HttpRequest &request) {
  wasmpool_http_call_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_http_handle_start(pre.raw(), store.raw(), request.raw(), &out);
  if (err != nullptr) return Error::adopt(err);
  return HttpCall(out);
}

/// As handle_http, with the response streamed while the guest writes it: `on_head(const
/// HttpResponse &)` once with the status and headers (valid during the call; empty body), then
/// `on_data(std::string_view chunk)` for each part of the body; each returns Status, and an
/// Error abandons the response and becomes the result. The callbacks run on another thread,
/// one at a time, before this returns, and must be safe to run there.
template <class Head, class Data>
inline Status handle_http_stream(const ComponentPre &pre, Store &store, const HttpRequest &request, Head &&on_head,
                                 Data &&on_data) {
  struct Sink {
    Head &head;
    Data &data;
    static wasmpool_error_t *head_cb(void *env, const wasmpool_http_response_t *resp) {
      // A view of wasmpool's response that must not delete it.
      HttpResponse view(const_cast<wasmpool_http_response_t *>(resp));
      Status s = static_cast<Sink *>(env)->head(static_cast<const HttpResponse &>(view));
      (void)view.release();
      return s.ok() ? nullptr : s.error().to_c_trap();
    }
    static wasmpool_error_t *data_cb(void *env, const uint8_t *data, size_t len) {
      Status s = static_cast<Sink *>(env)->data(std::string_view(reinterpret_cast<const char *>(data), len));
      return s.ok() ? nullptr : s.error().to_c_trap();
    }
  } sink{on_head, on_data};
  return Status::from_c(
      wasmpool_http_handle_stream(pre.raw(), store.raw(), request.raw(), &Sink::head_cb, &Sink::data_cb, &sink));
}

}  // namespace wasmpool

#endif  // WASMPOOL_HTTP_HH
