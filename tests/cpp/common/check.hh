// Checks for the C++ tests (no exceptions: a failed check prints where and exits 1), and the
// small pool and guest lookup the tests share.
#ifndef WASMPOOL_TESTS_CPP_CHECK_HH
#define WASMPOOL_TESTS_CPP_CHECK_HH

#include <wasmpool.hh>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#ifndef WASMPOOL_GUESTS_DIR
#define WASMPOOL_GUESTS_DIR ""
#endif
#ifndef WASMPOOL_GUESTS_MISSING
#define WASMPOOL_GUESTS_MISSING ""
#endif

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                          \
    }                                                                        \
  } while (0)

namespace check {

// The value of a Result that must have succeeded, moved or copied out (prints its error and
// exits otherwise). By value, so `for (x : OK(f()))` does not outlive the temporary Result.
template <class R>
auto ok(R &&r, const char *what, const char *file, int line) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s:%d: %s failed: kind %u: %s\n", file, line, what,
                 static_cast<unsigned>(r.error().kind()), r.error().message().c_str());
    std::exit(1);
  }
  if constexpr (!std::is_same_v<std::decay_t<R>, wasmpool::Status>) return std::forward<R>(r).value();
}

// The error of a Result that must have failed with `kind`.
template <class R>
wasmpool::Error err(R &&r, wasmpool::ErrorKind kind, const char *what, const char *file, int line) {
  if (r.ok()) {
    std::fprintf(stderr, "%s:%d: %s succeeded, expected error kind %u\n", file, line, what,
                 static_cast<unsigned>(kind));
    std::exit(1);
  }
  if (r.error().kind() != kind) {
    std::fprintf(stderr, "%s:%d: %s: error kind %u, expected %u: %s\n", file, line, what,
                 static_cast<unsigned>(r.error().kind()), static_cast<unsigned>(kind),
                 r.error().message().c_str());
    std::exit(1);
  }
  return r.error();
}

// A pooling Config of `n` slots of everything with small memories.
inline wasmpool::Config small_pool(uint32_t n) {
  wasmpool::Config cfg;
  ok(cfg.set_total_memories(n), "total_memories", __FILE__, __LINE__);
  ok(cfg.set_total_tables(n), "total_tables", __FILE__, __LINE__);
  ok(cfg.set_total_core_instances(n), "total_core_instances", __FILE__, __LINE__);
  ok(cfg.set_total_component_instances(n), "total_component_instances", __FILE__, __LINE__);
  ok(cfg.set_total_stacks(n), "total_stacks", __FILE__, __LINE__);
  ok(cfg.set_total_gc_heaps(n), "total_gc_heaps", __FILE__, __LINE__);
  ok(cfg.set_max_memory_size(16u << 20), "max_memory_size", __FILE__, __LINE__);
  ok(cfg.set_memory_reservation(16u << 20), "memory_reservation", __FILE__, __LINE__);
  ok(cfg.set_memory_guard_size(64u << 10), "memory_guard_size", __FILE__, __LINE__);
  return cfg;
}

// `<guests dir>/<name>`; exits 1 saying why when the guests were not built.
inline std::string guest(const char *name) {
  if (WASMPOOL_GUESTS_MISSING[0] != '\0') {
    std::fprintf(stderr, "the test guests were not built: %s\n", WASMPOOL_GUESTS_MISSING);
    std::exit(1);
  }
  const char *dir = std::getenv("WASMPOOL_GUESTS_DIR");
  if (dir == nullptr || dir[0] == '\0') dir = WASMPOOL_GUESTS_DIR;
  CHECK(dir[0] != '\0');
  return std::string(dir) + "/" + name;
}

}  // namespace check

#define OK(expr) ::check::ok((expr), #expr, __FILE__, __LINE__)
#define EXPECT_ERR(expr, kind) ::check::err((expr), (kind), #expr, __FILE__, __LINE__)

#endif
