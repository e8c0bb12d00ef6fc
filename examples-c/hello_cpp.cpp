// hello_cpp.cpp: the smallest complete wasmpool host in C++, through wasmpool.hh.
//
// The same program as hello.c: a small pool, an engine, a module from WebAssembly text, an
// instance in a store, a call of its `add`; plus a C++ lambda as a host function. Errors come
// back as Result values (built with -fno-exceptions); handles free themselves.
#include <wasmpool.hh>

#include <cstdio>

using wasmpool::Result;

static const char WAT[] =
    "(module\n"
    "  (import \"host\" \"scale\" (func $scale (param i32) (result i32)))\n"
    "  (func (export \"add\") (param i32 i32) (result i32)\n"
    "    (call $scale (i32.add (local.get 0) (local.get 1)))))\n";

// Prints a failed Result and says so.
template <class R>
static bool failed(const R &r, const char *what) {
  if (r.ok()) return false;
  std::fprintf(stderr, "hello_cpp: %s failed (error kind %u): %s\n", what,
               static_cast<unsigned>(r.error().kind()), r.error().message().c_str());
  return true;
}

int main() {
  wasmpool::Config cfg;
  if (failed(cfg.set_total_core_instances(4), "total_core_instances") ||
      failed(cfg.set_total_memories(4), "total_memories"))
    return 1;
  auto engine = wasmpool::Engine::make(cfg);
  if (failed(engine, "engine")) return 1;
  auto module = wasmpool::Module::compile(engine.value(), WAT);
  if (failed(module, "compile")) return 1;

  // A host function: a lambda with a capture, freed by wasmpool when no longer used.
  int factor = 2;
  auto linker = wasmpool::Linker::make(engine.value());
  if (failed(linker, "linker")) return 1;
  auto defined = linker.value().define_func(
      "host", "scale", {WASMPOOL_VALKIND_I32}, {WASMPOOL_VALKIND_I32},
      [factor](wasmpool::Caller, wasmpool::Span<const wasmpool::Val> args,
               wasmpool::Span<wasmpool::Val> results) -> wasmpool::Status {
        results[0] = wasmpool::Val::i32(args[0].of.i32 * factor);
        return {};
      });
  if (failed(defined, "define scale")) return 1;
  auto pre = linker.value().instantiate_pre(module.value());
  if (failed(pre, "pre-link")) return 1;

  auto store = wasmpool::Store::make(engine.value());
  if (failed(store, "store")) return 1;
  auto inst = pre.value().instantiate(store.value());
  if (failed(inst, "instantiate")) return 1;
  auto out = inst.value().call("add", {wasmpool::Val::i32(19), wasmpool::Val::i32(2)});
  if (failed(out, "call")) return 1;
  int32_t sum = out.value()[0].of.i32;
  std::printf("(19 + 2) * 2 = %d (strategy %s)\n", static_cast<int>(sum),
              engine.value().strategy() == WASMPOOL_STRATEGY_POOLING ? "pooling" : "on-demand");
  return sum == 42 ? 0 : 1;
}
