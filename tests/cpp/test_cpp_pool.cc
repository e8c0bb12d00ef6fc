// The pool through wasmpool.hh: a full pool is a POOL_EXHAUSTED Result and recovers when a
// Store goes; the metrics follow instances as they come and go; an epoch deadline interrupts a
// runaway guest (INTERRUPTED) and fuel runs out (OUT_OF_FUEL), the store staying usable.
#include <chrono>
#include <optional>
#include <vector>

#include "check.hh"

using namespace wasmpool;

static const char GUEST[] =
    "(module (memory 1)"
    "  (func (export \"answer\") (result i32) (i32.const 42))"
    "  (func (export \"forever\") (loop (br 0))))";

int main() {
  {
    Config cfg = check::small_pool(2);
    Engine engine = OK(Engine::make(cfg));
    Module module = OK(Module::compile(engine, GUEST));
    wasmpool_metrics_t m0 = OK(engine.metrics());
    CHECK(m0.pooling && m0.core_instances == 0 && m0.total_core_instances == 2);

    std::vector<Store> stores;
    for (int i = 0; i < 2; i++) {
      Store s = OK(Store::make(engine));
      OK(s.instantiate(module));
      stores.push_back(std::move(s));
    }
    wasmpool_metrics_t m2 = OK(engine.metrics());
    CHECK(m2.core_instances == 2 && m2.memories == 2);

    // The third does not fit: POOL_EXHAUSTED, as a value.
    Store third = OK(Store::make(engine));
    Result<Instance> refused = third.instantiate(module);
    Error err = EXPECT_ERR(std::move(refused), ErrorKind::PoolExhausted);
    CHECK(!err.message().empty());

    // Dropping a store frees its slot; the metrics see it and the third now fits.
    stores.pop_back();
    wasmpool_metrics_t m1 = OK(engine.metrics());
    CHECK(m1.core_instances == 1 && m1.memories == 1);
    Instance inst = OK(third.instantiate(module));
    CHECK(OK(inst.call("answer"))[0].of.i32 == 42);
    CHECK(OK(engine.metrics()).core_instances == 2);
  }

  {
    // Deadlines: the engine ticks its epoch every millisecond; 50 ms interrupts `forever`.
    Config cfg = check::small_pool(2);
    OK(cfg.set_epoch_interruption(true));
    OK(cfg.set_epoch_tick_interval_ms(1));
    Engine engine = OK(Engine::make(cfg));
    Module module = OK(Module::compile(engine, GUEST));
    Store store = OK(Store::make(engine));
    OK(store.set_deadline_ms(10000));
    Instance inst = OK(store.instantiate(module));
    OK(store.set_deadline_ms(50));
    auto start = std::chrono::steady_clock::now();
    EXPECT_ERR(inst.call("forever"), ErrorKind::Interrupted);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    CHECK(ms >= 40 && ms < 5000);
    OK(store.set_deadline_ms(10000));
    CHECK(OK(inst.call("answer"))[0].of.i32 == 42);
    std::printf("deadline: interrupted after %.1f ms\n", ms);
  }

  {
    // Fuel.
    Config cfg = check::small_pool(2);
    OK(cfg.set_consume_fuel(true));
    Engine engine = OK(Engine::make(cfg));
    Module module = OK(Module::compile(engine, GUEST));
    Store store = OK(Store::make(engine));
    OK(store.set_fuel(1000000));
    Instance inst = OK(store.instantiate(module));
    OK(store.set_fuel(1000));
    EXPECT_ERR(inst.call("forever"), ErrorKind::OutOfFuel);
    CHECK(OK(store.fuel()) == 0);
    OK(store.set_fuel(100));
    CHECK(OK(inst.call("answer"))[0].of.i32 == 42);
    CHECK(OK(store.fuel()) < 100);
  }

  {
    // Store limits: one instance per store.
    Config cfg = check::small_pool(4);
    Engine engine = OK(Engine::make(cfg));
    Module module = OK(Module::compile(engine, GUEST));
    Store store = OK(Store::make(engine));
    wasmpool_store_limits_t limits = Store::unlimited();
    limits.instances = 1;
    OK(store.set_limits(limits));
    CHECK(OK(store.limits()).instances == 1);
    OK(store.instantiate(module));
    EXPECT_ERR(store.instantiate(module), ErrorKind::LimitExceeded);
  }
  std::printf("pool: ok\n");
  return 0;
}
