// Core host functions as C++ lambdas through wasmpool.hh: captures are moved into wasmpool and
// destroyed exactly once (by the C finalizer, when the last linker, pre-linked module or store
// using them is gone); an Error returned by the lambda traps the guest with its message; the
// caller's memory is reachable; a definition that fails keeps nothing.
#include <memory>
#include <string>

#include "check.hh"

using namespace wasmpool;

// Counts how many copies are alive and how many were destroyed.
struct Tracker {
  static int alive;
  static int destroyed;
  Tracker() { alive++; }
  Tracker(const Tracker &) { alive++; }
  Tracker(Tracker &&) noexcept { alive++; }
  ~Tracker() {
    alive--;
    destroyed++;
  }
};
int Tracker::alive = 0;
int Tracker::destroyed = 0;

static const char GUEST[] =
    "(module"
    "  (import \"env\" \"twice\" (func $twice (param i32) (result i32)))"
    "  (import \"env\" \"fail\" (func $fail (param i32)))"
    "  (import \"env\" \"peek\" (func $peek (param i32) (result i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 8) \"\\2a\")"
    "  (func (export \"run\") (param i32) (result i32) (call $twice (local.get 0)))"
    "  (func (export \"fail\") (param i32) (call $fail (local.get 0)))"
    "  (func (export \"peek\") (param i32) (result i32) (call $peek (local.get 0))))";

int main() {
  Config cfg = check::small_pool(4);
  Engine engine = OK(Engine::make(cfg));
  Module module = OK(Module::compile(engine, GUEST));
  int calls = 0;
  auto shared = std::make_shared<int>(2);
  {
    Linker linker = OK(Linker::make(engine));
    Tracker tracker;
    OK(linker.define_func("env", "twice", {WASMPOOL_VALKIND_I32}, {WASMPOOL_VALKIND_I32},
                          [tracker, shared, &calls](Caller, Span<const Val> args, Span<Val> results) -> Status {
                            (void)tracker;
                            calls++;
                            results[0] = Val::i32(args[0].of.i32 * *shared);
                            return {};
                          }));
    OK(linker.define_func("env", "fail", {WASMPOOL_VALKIND_I32}, {},
                          [tracker](Caller, Span<const Val> args, Span<Val>) -> Status {
                            (void)tracker;
                            return Error::trap("host says no to " + std::to_string(args[0].of.i32));
                          }));
    OK(linker.define_func("env", "peek", {WASMPOOL_VALKIND_I32}, {WASMPOOL_VALKIND_I32},
                          [](Caller caller, Span<const Val> args, Span<Val> results) -> Status {
                            Result<Span<uint8_t>> mem = caller.memory("memory");
                            if (!mem.ok()) return mem.error();
                            results[0] = Val::i32(mem.value()[static_cast<size_t>(args[0].of.i32)]);
                            return {};
                          }));
    // A second definition of the same name fails (LINK) and keeps nothing: its capture is
    // destroyed here, not by a finalizer.
    int before = Tracker::destroyed;
    EXPECT_ERR(linker.define_func("env", "twice", {WASMPOOL_VALKIND_I32}, {WASMPOOL_VALKIND_I32},
                                  [tracker](Caller, Span<const Val>, Span<Val>) -> Status { return {}; }),
               ErrorKind::Link);
    CHECK(Tracker::destroyed > before);
    CHECK(shared.use_count() == 2);  // the lambda's copy is alive in the linker

    InstancePre pre = OK(linker.instantiate_pre(module));
    Store store = OK(Store::make(engine));
    Instance inst = OK(pre.instantiate(store));
    CHECK(OK(inst.call("run", {Val::i32(21)}))[0].of.i32 == 42);
    CHECK(calls == 1);
    CHECK(OK(inst.call("peek", {Val::i32(8)}))[0].of.i32 == 42);

    Error err = EXPECT_ERR(inst.call("fail", {Val::i32(7)}), ErrorKind::Trap);
    CHECK(err.trap_code() == WASMPOOL_TRAP_HOST);
    CHECK(err.message().find("host says no to 7") != std::string::npos);

    // The linker goes first; the pre-linked module and the store still hold the lambdas.
    int alive_with_linker = Tracker::alive;
    Linker gone = std::move(linker);
    { Linker drop = std::move(gone); }
    CHECK(Tracker::alive == alive_with_linker);
    CHECK(OK(inst.call("run", {Val::i32(5)}))[0].of.i32 == 10);
    CHECK(shared.use_count() == 2);
  }
  // Linker, pre and store are gone: every capture was destroyed, each exactly once (alive would
  // go negative on a double destruction, stay positive on a leak).
  CHECK(Tracker::alive == 0);
  CHECK(shared.use_count() == 1);
  std::printf("host functions: ok (%d calls, %d tracker destructions)\n", calls, Tracker::destroyed);
  return 0;
}
