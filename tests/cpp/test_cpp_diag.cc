// Diagnostics through wasmpool.hh: an Error's trace() (the guest frames of a trap, names with NUL
// bytes kept whole), the compilation cache's directory and counters.
#include <cstdio>
#include <string>
#include <unistd.h>

#include "check.hh"

using namespace wasmpool;

static const char TRAPS[] =
    "(module $traps"
    "  (func $inner unreachable)"
    "  (func $outer (export \"outer\") call $inner))";

int main() {
  Config cfg = check::small_pool(2);
  Engine engine = OK(Engine::make(cfg));
  Module module = OK(Module::compile(engine, TRAPS));
  Store store = OK(Store::make(engine));
  Instance inst = OK(store.instantiate(module));
  Error trap = EXPECT_ERR(inst.call("outer"), ErrorKind::Trap);
  const std::vector<Frame> &trace = trap.trace();
  CHECK(trace.size() == 2);
  CHECK(trace[0].func_index == 0 && trace[0].func_name == std::string("inner"));
  CHECK(trace[1].func_index == 1 && trace[1].func_name == std::string("outer"));
  CHECK(trace[0].module_name == std::string("traps"));
  CHECK(trace[0].module_offset.has_value() && trace[0].func_offset.has_value());
  CHECK(!trace[0].file.has_value() && trace[0].line == 0);
  Error copy = trap;  // a plain value: the trace is copied with it
  CHECK(copy.trace().size() == 2 && copy.trace()[1].func_name == trace[1].func_name);
  Error compile = EXPECT_ERR(Module::compile(engine, "(module (fnuc))"), ErrorKind::Compile);
  CHECK(compile.trace().empty());
  EXPECT_ERR(engine.cache_stats(), ErrorKind::InvalidArgument);

  // The compilation cache: a second engine of the same directory loads what the first compiled.
  char dir[] = "/tmp/wasmpool-cpp-cache-XXXXXX";
  CHECK(mkdtemp(dir) != nullptr);
  std::string cache = std::string(dir) + "/cache";
  OK(cfg.set_cache_dir(cache.c_str()));
  CHECK(cfg.cache_dir() == cache);
  for (size_t round = 0; round < 2; round++) {
    Engine cached = OK(Engine::make(cfg));
    Module m = OK(Module::compile(cached, TRAPS));
    wasmpool_cache_stats_t stats = OK(cached.cache_stats());
    CHECK(stats.hits == round && stats.misses == 1 - round);
  }
  OK(cfg.set_cache_dir(nullptr));
  CHECK(cfg.cache_dir().empty());
  std::string rm = "rm -rf '" + std::string(dir) + "'";
  CHECK(std::system(rm.c_str()) == 0);
  std::printf("trace of %zu frames, cache hit in the second engine\n", trace.size());
  return 0;
}
