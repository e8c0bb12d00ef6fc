// Host-defined resources through wasmpool.hh with the res guest (tests/guests/resources): a
// ResourceType whose destructor is a lambda, host functions that make and read blobs, handles
// lent, moved, kept and dropped by the guest. Every object's destructor runs exactly once
// (guest drop, host drop or store deletion) and the destructor lambda itself is destroyed once,
// after the last user of the type is gone.
#include <memory>
#include <vector>

#include "check.hh"

using namespace wasmpool;

static const char IFACE[] = "wasmpool:res/blobs@0.1.0";

struct Blob {
  uint32_t size;
  int destroyed = 0;
};

struct Tracker {
  static int alive;
  Tracker() { alive++; }
  Tracker(const Tracker &) { alive++; }
  Tracker(Tracker &&) noexcept { alive++; }
  ~Tracker() { alive--; }
};
int Tracker::alive = 0;

int main() {
  std::string path = check::guest("res.wasm");
  Config cfg = check::small_pool(16);
  Engine engine = OK(Engine::make(cfg));
  Component component = OK(Component::from_file(engine, path.c_str()));

  std::vector<std::unique_ptr<Blob>> blobs;  // every object ever made; freed at the end
  auto new_blob = [&blobs](uint32_t size) {
    blobs.push_back(std::make_unique<Blob>(Blob{size}));
    return blobs.back().get();
  };
  int destructor_calls = 0;
  {
    Tracker tracker;
    ResourceType blob_type = OK(ResourceType::make([tracker, &destructor_calls](void *data) {
      (void)tracker;
      static_cast<Blob *>(data)->destroyed++;
      destructor_calls++;
    }));
    const ResourceType *ty = &blob_type;

    ComponentLinker linker = OK(ComponentLinker::make(engine));
    OK(linker.define_resource(IFACE, "blob", blob_type));
    EXPECT_ERR(linker.define_resource(IFACE, "blob", blob_type), ErrorKind::Link);
    OK(linker.define_func(IFACE, "make",
                          [ty, &new_blob](ComponentCaller caller, const std::vector<Value> &args,
                                          std::vector<Value> &results) -> Status {
                            Result<Resource> r = caller.resource_new(*ty, new_blob(args[0].as_u32()));
                            if (!r.ok()) return r.error();
                            results[0] = Value::resource(r.value());
                            return {};
                          }));
    OK(linker.define_func(IFACE, "size",
                          [ty](ComponentCaller, const std::vector<Value> &args, std::vector<Value> &results) -> Status {
                            Resource r = args[0].as_resource();
                            if (r.owned()) return Error::trap("size: expected a borrowed handle");
                            Blob *b = r.data<Blob>(*ty);
                            if (b == nullptr) return Error::trap("size: not a live blob");
                            results[0] = Value::u32(b->size);
                            return {};
                          }));
    ComponentPre pre = OK(linker.instantiate_pre(component));
    {
      Store store = OK(Store::make(engine));
      ComponentInstance inst = OK(pre.instantiate(store));

      // Lend a host object twice, then move it through the guest and back.
      Blob *seven = new_blob(7);
      Resource r7 = OK(Resource::make(store, blob_type, seven));
      CHECK(r7.owned() && r7.data<Blob>(blob_type) == seven);
      CHECK(OK(inst.call("peek", {Value::resource(r7)}))[0].as_u32() == 7);
      CHECK(OK(inst.call("peek", {Value::resource(r7)}))[0].as_u32() == 7);
      Resource back = OK(inst.call("pass", {Value::resource(r7)}))[0].as_resource();
      CHECK(back.owned() && back.data<Blob>(blob_type) == seven);
      CHECK(r7.data<Blob>(blob_type) == nullptr);  // spent
      EXPECT_ERR(inst.call("pass", {Value::resource(r7)}), ErrorKind::InvalidArgument);
      CHECK(destructor_calls == 0);

      // The guest keeps it, then drops it: its destructor runs once then.
      OK(inst.call("keep", {Value::resource(back)}, 0));
      CHECK(destructor_calls == 0);
      CHECK(OK(inst.call("release", {}))[0].as_boolean());
      CHECK(destructor_calls == 1 && seven->destroyed == 1);
      CHECK(!OK(inst.call("release", {}))[0].as_boolean());

      // Made by the host inside a host function, read through a borrow, dropped by the guest.
      CHECK(OK(inst.call("make-and-drop", {Value::u32(5)}))[0].as_u32() == 5);
      CHECK(destructor_calls == 2 && blobs.back()->size == 5 && blobs.back()->destroyed == 1);

      // Handed to the host, dropped by the host; a second drop is refused.
      Resource nine = OK(inst.call("make-one", {Value::u32(9)}))[0].as_resource();
      Blob *nine_blob = nine.data<Blob>(blob_type);
      CHECK(nine_blob != nullptr && nine_blob->size == 9);
      OK(nine.drop(store));
      CHECK(destructor_calls == 3 && nine_blob->destroyed == 1);
      EXPECT_ERR(nine.drop(store), ErrorKind::InvalidArgument);

      // Left for the store: one the guest keeps, one never handed out.
      Resource kept = OK(Resource::make(store, blob_type, new_blob(11)));
      OK(Resource::make(store, blob_type, new_blob(12)));
      OK(inst.call("keep", {Value::resource(kept)}, 0));
      CHECK(destructor_calls == 3);
    }
    CHECK(destructor_calls == 5);

    // A fresh store per request through the same pre: nothing leaks between them.
    for (uint32_t request = 0; request < 10; request++) {
      Store store = OK(Store::make(engine));
      ComponentInstance inst = OK(pre.instantiate(store));
      CHECK(OK(inst.call("make-and-drop", {Value::u32(request)}))[0].as_u32() == request);
    }
    CHECK(destructor_calls == 15);
    CHECK(Tracker::alive > 1);  // the destructor lambda is still held by the type and the pre
  }
  // Type, linker and pre are gone: the destructor lambda was destroyed, once.
  CHECK(Tracker::alive == 0);
  for (const auto &b : blobs) CHECK(b->destroyed == 1);
  std::printf("resources: ok (%zu objects, each destroyed once)\n", blobs.size());
  return 0;
}
