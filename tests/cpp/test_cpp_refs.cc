// Reference values through wasmpool.hh: externref and funcref values in calls, a host function
// passing an externref through, an i31 made by the host, table values, and an externref's
// finalizer run once (after a GC, or with the Store).
#include <cstdint>

#include "check.hh"

using namespace wasmpool;

static int finalized = 0;
static void count(void *) { finalized++; }

static const char WAT[] =
    "(module"
    "  (import \"host\" \"pass\" (func $pass (param externref) (result externref)))"
    "  (func $seven (export \"seven\") (result i32) (i32.const 7))"
    "  (elem declare func $seven)"
    "  (func (export \"via_host\") (param externref) (result externref) (call $pass (local.get 0)))"
    "  (func (export \"get_seven\") (result funcref) (ref.func $seven))"
    "  (func (export \"i31\") (param i31ref) (result i32) (i31.get_s (local.get 0)))"
    "  (table (export \"t\") 1 externref))";

int main() {
  Config cfg = check::small_pool(4);
  Engine engine = OK(Engine::make(cfg));
  {
    Store store = OK(Store::make(engine));
    Linker linker = OK(Linker::make(engine));
    OK(linker.define_func("host", "pass", {WASMPOOL_VALKIND_EXTERNREF}, {WASMPOOL_VALKIND_EXTERNREF},
                          [](Caller caller, Span<const Val> args, Span<Val> results) -> Status {
                            if (!args[0].is_null()) {
                              void *data = OK(caller.externref_data(args[0].of.externref));
                              CHECK(data == reinterpret_cast<void *>(5));
                            }
                            results[0] = args[0];
                            return Status();
                          }));
    Module module = OK(Module::compile(engine, WAT));
    Instance inst = OK(linker.instantiate(store, module));
    wasmpool_ref_t r = OK(store.externref(reinterpret_cast<void *>(5), count));
    std::vector<Val> out = OK(inst.call("via_host", {Val::externref(r)}));
    CHECK(out.size() == 1 && out[0].kind == WASMPOOL_VALKIND_EXTERNREF && !out[0].is_null());
    CHECK(OK(store.externref_data(out[0].of.externref)) == reinterpret_cast<void *>(5));
    OK(store.release(out[0].of.externref));
    out = OK(inst.call("via_host", {Val::null(WASMPOOL_VALKIND_EXTERNREF)}));
    CHECK(out[0].is_null());
    EXPECT_ERR(inst.call("via_host", {Val::i32(1)}), ErrorKind::InvalidArgument);

    out = OK(inst.call("get_seven"));
    CHECK(out[0].kind == WASMPOOL_VALKIND_FUNCREF && !out[0].is_null());
    wasmpool_val_t seven{};
    OK(Status::from_c(wasmpool_func_call(out[0].of.funcref, nullptr, 0, &seven, 1)));
    CHECK(seven.of.i32 == 7);

    wasmpool_ref_t i = OK(store.i31(-3));
    CHECK(OK(store.i31_get(i)) == -3);
    out = OK(inst.call("i31", {Val::anyref(i)}));
    CHECK(out[0].of.i32 == -3);

    Table t = OK(inst.export_table("t"));
    OK(t.set_val(0, Val::externref(r)));
    Val got = OK(t.get_val(0));
    CHECK(OK(store.externref_data(got.of.externref)) == reinterpret_cast<void *>(5));
    CHECK(OK(t.grow_val(1, Val::null(WASMPOOL_VALKIND_EXTERNREF))) == 1);

    // Still in the table: a GC keeps it even with every root released.
    OK(store.release(r));
    OK(store.release(got.of.externref));
    OK(store.gc());
    CHECK(finalized == 0);
    OK(t.set_val(0, Val::null(WASMPOOL_VALKIND_EXTERNREF)));
    OK(store.gc());
    CHECK(finalized == 1);
    EXPECT_ERR(store.externref_data(r), ErrorKind::InvalidArgument);

    // One more, left to the Store's destruction.
    (void)OK(store.externref(nullptr, count));
  }
  CHECK(finalized == 2);
  std::printf("cpp refs: ok\n");
  return 0;
}
