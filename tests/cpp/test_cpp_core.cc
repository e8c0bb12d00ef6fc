// Core modules through wasmpool.hh: compile, instantiate, call; errors as Results with their
// kind; memory, globals, listings, serialisation; move-only handles; every knob's accessors.
#include <cstring>
#include <utility>

#include "check.hh"

using namespace wasmpool;

static const char GUEST[] =
    "(module"
    "  (memory (export \"mem\") 1)"
    "  (global (export \"g\") (mut i32) (i32.const 1))"
    "  (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))"
    "  (func (export \"mix\") (param i64 f64) (result f64 i64)"
    "    (f64.add (local.get 1) (f64.const 0.5)) (i64.mul (local.get 0) (i64.const 3)))"
    "  (func (export \"boom\") unreachable)"
    "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))";

int main() {
  Config cfg = check::small_pool(4);
  Engine engine = OK(Engine::make(cfg));
  CHECK(engine.strategy() == WASMPOOL_STRATEGY_POOLING);

  // Hello: compile, instantiate, call.
  Module module = OK(Module::compile(engine, GUEST));
  Store store = OK(Store::make(engine));
  Instance inst = OK(store.instantiate(module));
  std::vector<Val> sum = OK(inst.call("add", {Val::i32(40), Val::i32(2)}));
  CHECK(sum.size() == 1 && sum[0].kind == WASMPOOL_VALKIND_I32 && sum[0].of.i32 == 42);

  // Two results of two kinds, through a Func kept for repeated calls.
  Func mix = OK(inst.func("mix"));
  CHECK(mix.result_count() == 2);
  std::vector<Val> mixed = OK(mix.call({Val::i64(7), Val::f64(1.0)}));
  CHECK(mixed[0].kind == WASMPOOL_VALKIND_F64 && mixed[0].of.f64 == 1.5);
  CHECK(mixed[1].kind == WASMPOOL_VALKIND_I64 && mixed[1].of.i64 == 21);

  // Errors are Results with the kind, the message and the trap code.
  Result<std::vector<Val>> trapped = inst.call("boom");
  Error trap = EXPECT_ERR(std::move(trapped), ErrorKind::Trap);
  CHECK(trap.trap_code() == WASMPOOL_TRAP_UNREACHABLE);
  CHECK(!trap.message().empty());
  Error missing = EXPECT_ERR(inst.call("nope"), ErrorKind::Link);
  CHECK(missing.message().find("nope") != std::string::npos);
  EXPECT_ERR(inst.call("add", {Val::i32(1)}), ErrorKind::InvalidArgument);
  EXPECT_ERR(Module::compile(engine, "(module (fnuc))"), ErrorKind::Compile);
  EXPECT_ERR(Module::from_file(engine, "/nonexistent/x.wasm"), ErrorKind::Io);

  // Memory and globals.
  OK(inst.call("store", {Val::i32(100), Val::i32(0x5a)}));
  Span<uint8_t> mem = OK(inst.memory("mem"));
  CHECK(mem.size() == 65536 && mem[100] == 0x5a);
  CHECK(OK(inst.global("g")).of.i32 == 1);
  OK(inst.set_global("g", Val::i32(9)));
  CHECK(OK(inst.global("g")).of.i32 == 9);

  // Listings copy names and types out.
  std::vector<ExternInfo> exports = OK(module.exports());
  bool saw_add = false;
  for (const ExternInfo &e : exports)
    if (e.name == "add") {
      saw_add = true;
      CHECK(e.kind == WASMPOOL_EXTERN_FUNC && e.params.size() == 2 && e.results.size() == 1);
    }
  CHECK(saw_add);
  CHECK(OK(module.imports()).empty());

  // Serialise, deserialise, and the copy works alike.
  std::vector<uint8_t> bytes = OK(module.serialize());
  CHECK(!bytes.empty());
  Module copy = OK(Module::deserialize(engine, bytes));
  Instance inst2 = OK(store.instantiate(copy));
  CHECK(OK(inst2.call("add", {Val::i32(1), Val::i32(2)}))[0].of.i32 == 3);

  // Move-only handles: a move leaves the source empty and deletes nothing twice.
  Module moved = std::move(copy);
  CHECK(copy.raw() == nullptr && moved.raw() != nullptr);
  Store other = OK(Store::make(engine));
  other = std::move(store);  // deletes the fresh store, takes over the first
  CHECK(store.raw() == nullptr);
  CHECK(OK(inst.call("add", {Val::i32(2), Val::i32(2)}))[0].of.i32 == 4);  // still alive in `other`

  // Every knob has a setter and getter on Config (generated from the knob table): a few
  // round-trips of each type, and a refusal carried as INVALID_ARGUMENT.
  Config knobs;
  OK(knobs.set_total_memories(17));
  CHECK(knobs.total_memories() == 17);
  OK(knobs.set_consume_fuel(true));
  CHECK(knobs.consume_fuel());
  OK(knobs.set_strategy(WASMPOOL_STRATEGY_AUTO));
  CHECK(knobs.strategy() == WASMPOOL_STRATEGY_AUTO);
  OK(knobs.set_memory_guard_size(1u << 20));
  CHECK(knobs.memory_guard_size() == (1u << 20));
  OK(knobs.set_pagemap_scan(WASMPOOL_ENABLED_NO));
  CHECK(knobs.pagemap_scan() == WASMPOOL_ENABLED_NO);
  Error bad = EXPECT_ERR(knobs.set_strategy(static_cast<wasmpool_strategy_t>(99)), ErrorKind::InvalidArgument);
  CHECK(bad.message().find("strategy") != std::string::npos);
  CHECK(knobs.strategy() == WASMPOOL_STRATEGY_AUTO);
  wasmpool_footprint_t fp = OK(check::small_pool(2).footprint());
  CHECK(fp.total_reserved > 0);
  Config server = OK(Config::server(8));
  CHECK(server.total_core_instances() > 0);
  EXPECT_ERR(Config::server(0), ErrorKind::InvalidArgument);

  std::printf("core: ok\n");
  return 0;
}
