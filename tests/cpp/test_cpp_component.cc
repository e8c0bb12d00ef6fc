// Components through wasmpool.hh with the echo guest (tests/guests/echo): C++ values (strings,
// lists, records, tuples, variants, enums, options, results, flags, the nested type) round-trip
// through the guest's `echo-*` exports and through C++ lambdas implementing the `host-echo-*`
// imports (`call-host-*`); the lambdas' captures are destroyed exactly once; a host Error traps
// the guest with its message; the export listing and serialisation work.
#include <map>
#include <string>
#include <vector>

#include "check.hh"

using namespace wasmpool;

static const char HOST_IFACE[] = "wasmpool:echo/host@0.1.0";

struct Tracker {
  static int alive;
  Tracker() { alive++; }
  Tracker(const Tracker &) { alive++; }
  Tracker(Tracker &&) noexcept { alive++; }
  ~Tracker() { alive--; }
};
int Tracker::alive = 0;

static Value point(int32_t x, int32_t y, std::string label) {
  return Value::record({{"x", Value::s32(x)}, {"y", Value::s32(y)}, {"label", Value::string(std::move(label))}});
}

// One value of each type (the suffix of echo-<type>), with at least one case per shape.
static std::vector<std::pair<std::string, Value>> samples() {
  std::vector<std::string> all_flags;
  for (int i = 0; i < 32; i += 5) all_flags.push_back("p" + std::to_string(i));
  return {
      {"bool", Value::boolean(true)},
      {"s8", Value::s8(-128)},
      {"u64", Value::u64(UINT64_MAX)},
      {"f64", Value::f64(-2.5)},
      {"char", Value::character(0x1F600)},
      {"string", Value::string("héllo, wörld")},
      {"string", Value::string("")},
      {"list-u32", Value::list({Value::u32(1), Value::u32(2), Value::u32(4000000000u)})},
      {"list-u32", Value::list({})},
      {"list-string", Value::list({Value::string("a"), Value::string(""), Value::string("ccc")})},
      {"record", point(-3, 4, "here")},
      {"tuple", Value::tuple({Value::u32(7), Value::string("seven"), Value::boolean(false)})},
      {"variant", Value::variant("empty")},
      {"variant", Value::variant("circle", Value::f64(1.25))},
      {"variant", Value::variant("rect", point(1, 2, "r"))},
      {"enum", Value::enumeration("blue")},
      {"option", Value::none()},
      {"option", Value::some(Value::string("x"))},
      {"result", Value::ok(Value::u32(5))},
      {"result", Value::err(Value::string("bad"))},
      {"flags", Value::flags({})},
      {"flags", Value::flags(all_flags)},
      {"nested", Value::some(Value::ok(Value::list({point(0, 0, "o"), point(5, -5, "p")})))},
      {"nested", Value::some(Value::err(Value::string("nested error")))},
  };
}

static const char *TYPES[] = {"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64", "char",
                              "string", "list-u32", "list-string", "record", "tuple", "variant", "enum",
                              "option", "result", "flags", "nested"};

int main() {
  std::string path = check::guest("echo.wasm");
  Config cfg = check::small_pool(16);  // a component instance takes several core instances
  Engine engine = OK(Engine::make(cfg));
  Component component = OK(Component::from_file(engine, path.c_str()));

  // The listing: echo-string takes one string named x and returns one.
  bool listed = false;
  for (const ComponentItem &item : OK(component.exports()))
    if (item.name == "echo-string") {
      listed = true;
      CHECK(item.kind == WASMPOOL_COMPONENT_ITEM_FUNC);
      CHECK(item.param_names.size() == 1 && item.param_names[0] == "x");
      CHECK(item.result_types.size() == 1);
      CHECK(wasmpool_component_type_kind(item.result_types[0]) == WASMPOOL_COMPONENT_VALKIND_STRING);
    }
  CHECK(listed);

  std::map<std::string, int> host_calls;
  bool fail_strings = false;
  {
    ComponentLinker linker = OK(ComponentLinker::make(engine));
    Tracker tracker;
    for (const char *type : TYPES) {
      std::string name = std::string("host-echo-") + type;
      OK(linker.define_func(HOST_IFACE, name.c_str(),
                            [tracker, name, &host_calls, &fail_strings](ComponentCaller, const std::vector<Value> &args,
                                                                        std::vector<Value> &results) -> Status {
                              (void)tracker;
                              host_calls[name]++;
                              if (fail_strings && args[0].kind() == WASMPOOL_COMPONENT_VALKIND_STRING)
                                return Error::trap("refused " + std::string(args[0].as_string()));
                              results[0] = args[0];
                              return {};
                            }));
    }
    CHECK(Tracker::alive == 1 + 23);
    ComponentPre pre = OK(linker.instantiate_pre(component));
    Store store = OK(Store::make(engine));
    ComponentInstance inst = OK(pre.instantiate(store));

    for (const auto &[type, value] : samples()) {
      std::string echo = "echo-" + type, via_host = "call-host-" + type;
      std::vector<Value> out = OK(inst.call(echo.c_str(), {value}));
      if (out.size() != 1 || out[0] != value) {
        std::fprintf(stderr, "%s: the value did not round-trip\n", echo.c_str());
        return 1;
      }
      int before = host_calls["host-echo-" + type];
      std::vector<Value> back = OK(inst.call(via_host.c_str(), {value}));
      CHECK(back.size() == 1 && back[0] == value);
      CHECK(host_calls["host-echo-" + type] == before + 1);
    }

    // Accessors on a result tree.
    Value rec = OK(inst.call("echo-record", {point(9, 8, "label")}))[0];
    CHECK(rec.kind() == WASMPOOL_COMPONENT_VALKIND_RECORD);
    CHECK(rec.field("y") != nullptr && rec.field("y")->as_s32() == 8);
    CHECK(rec.field("label")->as_string() == "label");
    CHECK(rec.field("nope") == nullptr);

    // A function kept for repeated calls.
    ComponentFunc echo_string = OK(inst.func("echo-string"));
    for (int i = 0; i < 3; i++) {
      std::string s(static_cast<size_t>(i) * 1000, 'z');
      CHECK(OK(echo_string.call({Value::string(s)}))[0].as_string() == s);
    }

    // Wrong argument types are INVALID_ARGUMENT, unknown exports LINK.
    EXPECT_ERR(inst.call("echo-string", {Value::u32(1)}), ErrorKind::InvalidArgument);
    EXPECT_ERR(inst.call("no-such-export", {}), ErrorKind::Link);

    // A host Error traps the guest with its message (and poisons the store for components).
    fail_strings = true;
    Error err = EXPECT_ERR(inst.call("call-host-string", {Value::string("abc")}), ErrorKind::Trap);
    CHECK(err.message().find("refused abc") != std::string::npos);

    // Serialised components load and run in a fresh store.
    std::vector<uint8_t> bytes = OK(component.serialize());
    Component again = OK(Component::deserialize(engine, bytes));
    ComponentPre pre2 = OK(linker.instantiate_pre(again));
    Store store2 = OK(Store::make(engine));
    ComponentInstance inst2 = OK(pre2.instantiate(store2));
    CHECK(OK(inst2.call("echo-u32", {Value::u32(77)}))[0].as_u32() == 77);
    CHECK(Tracker::alive > 0);
  }
  // Linker, pres and stores are gone: each capture destroyed exactly once.
  CHECK(Tracker::alive == 0);
  std::printf("components: ok (%zu host functions called)\n", host_calls.size());
  return 0;
}
