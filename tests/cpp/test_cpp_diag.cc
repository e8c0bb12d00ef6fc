// Diagnostics through wasmpool.hh: an Error's trace() (the guest frames of a trap, names with NUL
// bytes kept whole), the compilation cache's directory and counters, the epoch deadline
// callback (a lambda with captures, destroyed once), and an uncaught Wasm exception's payload
// and tag.
#include <cstdio>
#include <memory>
#include <string>
#include <unistd.h>

#include "check.hh"

using namespace wasmpool;

static const char TRAPS[] =
    "(module $traps"
    "  (func $inner unreachable)"
    "  (func $outer (export \"outer\") call $inner))";

// The epoch deadline callback: a capturing lambda extends the deadline twice, then interrupts;
// another fails the call with its own error; cleared, deadlines interrupt at once again. Each
// callable is destroyed exactly once (its shared capture is released).
static void epoch_callback() {
  Config cfg = check::small_pool(2);
  OK(cfg.set_epoch_interruption(true));
  OK(cfg.set_epoch_tick_interval_ms(1));
  Engine engine = OK(Engine::make(cfg));
  Module spin = OK(Module::compile(engine, "(module (func (export \"spin\") (loop br 0)))"));
  Store store = OK(Store::make(engine));
  Instance inst = OK(store.instantiate(spin));
  auto calls = std::make_shared<int>(0);
  OK(store.set_epoch_deadline_callback([calls](uint64_t &delta, wasmpool_epoch_action_t &action) -> Status {
    CHECK(delta == 1 && action == WASMPOOL_EPOCH_ACTION_CONTINUE);
    if (++*calls > 2) action = WASMPOOL_EPOCH_ACTION_INTERRUPT;
    return Status();
  }));
  CHECK(calls.use_count() == 2);  // the copy inside the Store
  OK(store.set_epoch_deadline(1));
  Error stopped = EXPECT_ERR(inst.call("spin"), ErrorKind::Interrupted);
  CHECK(*calls == 3);
  CHECK(!stopped.trace().empty());

  // Replacing it destroys the first callable; the second fails the call with its own error.
  OK(store.set_epoch_deadline_callback([calls](uint64_t &, wasmpool_epoch_action_t &) -> Status {
    ++*calls;
    return Error::trap("time slice over");
  }));
  CHECK(calls.use_count() == 2);
  OK(store.set_epoch_deadline(1));
  Error own = EXPECT_ERR(inst.call("spin"), ErrorKind::Trap);
  CHECK(own.message().find("time slice over") != std::string::npos);
  CHECK(own.trap_code() == WASMPOOL_TRAP_HOST && *calls == 4);

  OK(store.clear_epoch_deadline_callback());
  CHECK(calls.use_count() == 1);
  OK(store.set_epoch_deadline(1));
  EXPECT_ERR(inst.call("spin"), ErrorKind::Interrupted);
  CHECK(*calls == 4);

  // A callback for a store whose engine has no epochs: refused, and the callable destroyed.
  Config plain = check::small_pool(1);
  Engine no_epochs = OK(Engine::make(plain));
  Store other = OK(Store::make(no_epochs));
  Status refused = other.set_epoch_deadline_callback([calls](uint64_t &, wasmpool_epoch_action_t &) { return Status(); });
  CHECK(!refused.ok() && refused.kind() == ErrorKind::InvalidArgument);
  CHECK(calls.use_count() == 1);

  // The last callable goes with its Store.
  OK(store.set_epoch_deadline_callback([calls](uint64_t &, wasmpool_epoch_action_t &) { return Status(); }));
  CHECK(calls.use_count() == 2);
  { Store gone = std::move(store); }
  CHECK(calls.use_count() == 1);
  std::printf("epoch callback: %d calls\n", *calls);
}

// An uncaught exception: ErrorKind::Exception, the payload copied, the tag compared through the
// instance; the Error stays a value that can be copied.
static void exceptions() {
  Config cfg = check::small_pool(2);
  Engine engine = OK(Engine::make(cfg));
  Module module = OK(Module::compile(engine,
      "(module (tag $e (export \"e\") (param i32 f64)) (tag $o (export \"o\") (param i32 f64))"
      "  (func (export \"throw\") (param i32 f64) local.get 0 local.get 1 throw $e))"));
  Store store = OK(Store::make(engine));
  Instance inst = OK(store.instantiate(module));
  Error e = EXPECT_ERR(inst.call("throw", {Val::i32(-3), Val::f64(0.25)}), ErrorKind::Exception);
  CHECK(e.exception_payload().size() == 2 && e.exception_raw() != nullptr);
  CHECK(e.exception_payload()[0]->kind == WASMPOOL_VALKIND_I32 && e.exception_payload()[0]->of.i32 == -3);
  CHECK(e.exception_payload()[1]->of.f64 == 0.25);
  CHECK(e.trace().size() == 1);
  Error copy = e;
  CHECK(OK(inst.exception_tag_is(copy, "e")) && !OK(inst.exception_tag_is(copy, "o")));
  EXPECT_ERR(inst.exception_tag_is(copy, "throw"), ErrorKind::Link);
  Error trap = Error::trap("not thrown");
  CHECK(trap.exception_payload().empty() && trap.exception_raw() == nullptr);
  EXPECT_ERR(inst.exception_tag_is(trap, "e"), ErrorKind::InvalidArgument);
}

int main() {
  exceptions();
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
  // After the cache: the compilation cache's worker thread (alive until exit, its TLS
  // suppressed for valgrind) would otherwise reuse the stack, and so the TLS allocated when the
  // epoch ticker's thread was made, which valgrind would then report under that allocation.
  epoch_callback();
  return 0;
}
