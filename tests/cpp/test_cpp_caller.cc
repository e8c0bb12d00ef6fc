// Store data, the caller and names as bytes through wasmpool.hh: a Store owns its data (deleted
// exactly once, with the Store) and a host function reads it through its Caller, reads the
// caller's global and calls back into the caller's own exports; Module::validate checks without
// compiling; exports whose names hold a NUL byte are found by their exact bytes.
#include <memory>
#include <string>
#include <string_view>

#include "check.hh"

using namespace wasmpool;

struct Session {
  static int deleted;
  int calls = 0;
  ~Session() { deleted++; }
};
int Session::deleted = 0;

static const char GUEST[] =
    "(module"
    "  (import \"env\" \"h\" (func $h (param i32) (result i32)))"
    "  (global (export \"base\") i32 (i32.const 100))"
    "  (func (export \"double\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))"
    "  (func (export \"run\") (param i32) (result i32) (call $h (local.get 0)))"
    "  (func (export \"a\\00b\") (result i32) (i32.const 7))"
    "  (func (export \"a\") (result i32) (i32.const 8)))";

int main() {
  Config cfg = check::small_pool(4);
  Engine engine = OK(Engine::make(cfg));
  OK(Module::validate(engine, GUEST));
  EXPECT_ERR(Module::validate(engine, std::string_view("\0asm\2\0\0\0", 8)), ErrorKind::Compile);

  Module module = OK(Module::compile(engine, GUEST));
  Linker linker = OK(Linker::make(engine));
  OK(linker.define_func("env", "h", {WASMPOOL_VALKIND_I32}, {WASMPOOL_VALKIND_I32},
                        [](Caller caller, Span<const Val> args, Span<Val> results) -> Status {
                          Session *s = caller.data<Session>();
                          if (s == nullptr) return Error::trap("no session");
                          s->calls++;
                          Result<Val> base = caller.global("base");
                          if (!base.ok()) return base.error();
                          Result<std::vector<Val>> twice = caller.call("double", args, 1);
                          if (!twice.ok()) return twice.error();
                          results[0] = Val::i32(twice.value()[0].of.i32 + base.value().of.i32);
                          return Status();
                        }));
  InstancePre pre = OK(linker.instantiate_pre(module));
  {
    Store store = OK(Store::make(engine, std::make_unique<Session>()));
    Instance inst = OK(pre.instantiate(store));
    for (int i = 0; i < 5; i++) {
      std::vector<Val> r = OK(inst.call("run", {Val::i32(i)}));
      CHECK(r.size() == 1 && r[0].of.i32 == 2 * i + 100);
    }
    CHECK(store.data<Session>()->calls == 5);
    CHECK(Session::deleted == 0);

    // Names are bytes: "a\0b" and "a" are two exports.
    std::vector<Val> r = OK(inst.call(std::string_view("a\0b", 3)));
    CHECK(r[0].of.i32 == 7);
    r = OK(inst.call("a"));
    CHECK(r[0].of.i32 == 8);
    EXPECT_ERR(inst.call(std::string_view("a\0c", 3)), ErrorKind::Link);
  }
  CHECK(Session::deleted == 1);

  // Without data the host function sees none (and traps, as it says).
  {
    Store store = OK(Store::make(engine));
    CHECK(store.data<Session>() == nullptr);
    Instance inst = OK(pre.instantiate(store));
    Error e = EXPECT_ERR(inst.call("run", {Val::i32(1)}), ErrorKind::Trap);
    CHECK(e.message().find("no session") != std::string::npos);
  }
  std::printf("ok\n");
  return 0;
}
