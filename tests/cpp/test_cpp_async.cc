// Async engines (the async_support knob) through wasmpool.hh: every instantiation and call runs
// on a fiber stack from the pool while the C++ API stays synchronous. Two requests blocked in a
// C++ host lambda hold both stacks (the metrics show them); a third fails with POOL_EXHAUSTED
// at once; once they are released they finish; components run on fibers too, and a deadline
// still interrupts a guest on a fiber stack.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "check.hh"

using namespace wasmpool;

static const char WAT[] =
    "(module (import \"env\" \"block\" (func $block))"
    "  (func (export \"wait\") (result i32) call $block i32.const 7)"
    "  (func (export \"spin\") (loop br 0)))";

struct Gate {
  std::mutex lock;
  std::condition_variable changed;
  int inside = 0;
  bool released = false;
};

// One request: a store, an instance from the pre, one call of `wait`.
static Result<int32_t> request(const Engine &engine, const InstancePre &pre) {
  Result<Store> store = Store::make(engine);
  if (!store.ok()) return store.error();
  Result<Instance> inst = pre.instantiate(store.value());
  if (!inst.ok()) return inst.error();
  Result<std::vector<Val>> out = inst.value().call("wait");
  if (!out.ok()) return out.error();
  return out.value()[0].of.i32;
}

int main() {
  Config cfg = check::small_pool(16);
  OK(cfg.set_total_stacks(2));
  OK(cfg.set_async_support(true));
  OK(cfg.set_epoch_interruption(true));
  OK(cfg.set_epoch_tick_interval_ms(1));
  CHECK(cfg.async_support());
  Engine engine = OK(Engine::make(cfg));

  Gate gate;
  Linker linker = OK(Linker::make(engine));
  OK(linker.define_func("env", "block", {}, {}, [&gate](Caller, Span<const Val>, Span<Val>) -> Status {
    std::unique_lock<std::mutex> g(gate.lock);
    gate.inside++;
    gate.changed.notify_all();
    gate.changed.wait(g, [&] { return gate.released; });
    gate.inside--;
    return {};
  }));
  Module module = OK(Module::compile(engine, WAT));
  InstancePre pre = OK(linker.instantiate_pre(module));

  std::optional<Result<int32_t>> results[2];
  std::thread workers[2];
  for (int i = 0; i < 2; i++) workers[i] = std::thread([&, i] { results[i].emplace(request(engine, pre)); });
  {
    std::unique_lock<std::mutex> g(gate.lock);
    gate.changed.wait(g, [&] { return gate.inside == 2; });
  }
  CHECK(OK(engine.metrics()).stacks == 2);
  // No stack left for a third request.
  EXPECT_ERR(request(engine, pre), ErrorKind::PoolExhausted);
  {
    std::lock_guard<std::mutex> g(gate.lock);
    gate.released = true;
    gate.changed.notify_all();
  }
  for (int i = 0; i < 2; i++) {
    workers[i].join();
    CHECK(results[i].has_value() && OK(*results[i]) == 7);
  }
  CHECK(OK(engine.metrics()).stacks == 0);
  CHECK(OK(request(engine, pre)) == 7);

  // A deadline interrupts a guest running on a fiber stack.
  {
    Store store = OK(Store::make(engine));
    OK(store.set_deadline_ms(10000));
    Instance inst = OK(pre.instantiate(store));
    OK(store.set_deadline_ms(30));
    EXPECT_ERR(inst.call("spin"), ErrorKind::Interrupted);
  }

  // Components on fibers: the echo guest with a host lambda.
  {
    std::string path = check::guest("echo.wasm");
    Component component = OK(Component::from_file(engine, path.c_str()));
    ComponentLinker clinker = OK(ComponentLinker::make(engine));
    int calls = 0;
    OK(clinker.define_func("wasmpool:echo/host@0.1.0", "host-echo-string",
                           [&calls](ComponentCaller, const std::vector<Value> &args, std::vector<Value> &results) -> Status {
                             calls++;
                             results[0] = Value::string(std::string(args[0].as_string()) + "!");
                             return {};
                           }));
    OK(clinker.define_unknown_imports_as_traps(component));
    ComponentPre cpre = OK(clinker.instantiate_pre(component));
    Store store = OK(Store::make(engine));
    OK(store.set_deadline_ms(10000));
    ComponentInstance inst = OK(cpre.instantiate(store));
    CHECK(OK(inst.call("call-host-string", {Value::string("fiber")}))[0].as_string() == "fiber!");
    CHECK(OK(inst.call("echo-list-string", {Value::list({Value::string("a"), Value::string("b")})}))[0] ==
          Value::list({Value::string("a"), Value::string("b")}));
    CHECK(calls == 1);
  }
  std::printf("async: ok\n");
  return 0;
}
