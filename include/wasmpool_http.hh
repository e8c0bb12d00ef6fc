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
/// Ownership: owns a `wasmpool_http_request_t`, move-only. It is only read by handle_http, so
/// one request may be served many times.
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

 private:
  explicit HttpRequest(wasmpool_http_request_t *raw) : Owned(raw) {}
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

}  // namespace wasmpool

#endif  // WASMPOOL_HTTP_HH
