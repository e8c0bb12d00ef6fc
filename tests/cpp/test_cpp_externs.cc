// Memories, tables and globals through wasmpool.hh: made by the host, exported, defined in a
// Linker (by handle and by instance), a wrong extern type refused at link time with both types.
#include <cstring>
#include <string>

#include "check.hh"

using namespace wasmpool;

static const char EXPORTER[] =
    "(module"
    "  (table (export \"tab\") 2 funcref)"
    "  (func $nine (result i32) (i32.const 9))"
    "  (elem (i32.const 1) $nine)"
    "  (global (export \"g\") i64 (i64.const 3)))";

static const char IMPORTER[] =
    "(module"
    "  (import \"host\" \"memory\" (memory 1))"
    "  (import \"host\" \"table\" (table 2 funcref))"
    "  (import \"host\" \"counter\" (global $c (mut i32)))"
    "  (import \"exp\" \"g\" (global $g i64))"
    "  (type $v2i (func (result i32)))"
    "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))"
    "  (func (export \"call\") (param i32) (result i32) (call_indirect (type $v2i) (local.get 0)))"
    "  (func (export \"bump\") (result i32)"
    "    (global.set $c (i32.add (global.get $c) (i32.wrap_i64 (global.get $g)))) (global.get $c)))";

int main() {
  Config cfg = check::small_pool(4);
  Engine engine = OK(Engine::make(cfg));
  Store store = OK(Store::make(engine));

  wasmpool_memorytype_t mty{};
  mty.minimum = 1;
  mty.maximum = 2;
  mty.has_maximum = true;
  Memory memory = OK(Memory::make(store, mty));
  CHECK(memory.pages() == 1 && OK(memory.grow(1)) == 1);
  EXPECT_ERR(memory.grow(1), ErrorKind::LimitExceeded);
  wasmpool_tabletype_t tty{};
  tty.element = WASMPOOL_REFTYPE_FUNCREF;
  tty.minimum = 2;
  Table table = OK(Table::make(store, tty));
  CHECK(table.size() == 2 && OK(table.get(0)).raw() == nullptr);
  Global counter = OK(Global::make(store, Val::i32(10), true));
  Global constant = OK(Global::make(store, Val::i32(1), false));
  EXPECT_ERR(constant.set(Val::i32(2)), ErrorKind::InvalidArgument);

  Module exporter = OK(Module::compile(engine, EXPORTER));
  Instance exp = OK(store.instantiate(exporter));
  Table etab = OK(exp.export_table("tab"));
  Func nine = OK(etab.get(1));
  CHECK(nine.raw() != nullptr && OK(nine.call())[0].of.i32 == 9);
  OK(table.set(1, nine));
  CHECK(OK(OK(exp.export_global("g")).get()).of.i64 == 3);

  Linker linker = OK(Linker::make(engine));
  OK(linker.define_memory(store, "host", "memory", memory));
  OK(linker.define_table(store, "host", "table", table));
  OK(linker.define_global(store, "host", "counter", counter));
  OK(linker.define_instance(store, "exp", exp));
  Module importer = OK(Module::compile(engine, IMPORTER));
  Instance inst = OK(linker.instantiate(store, importer));
  OK(inst.call("store", {Val::i32(5), Val::i32(200)}));
  Span<uint8_t> bytes = OK(memory.data());
  CHECK(bytes.size() == 2 * 65536 && bytes.data()[5] == 200);
  CHECK(OK(inst.call("call", {Val::i32(1)}))[0].of.i32 == 9);
  CHECK(OK(inst.call("bump"))[0].of.i32 == 13);
  CHECK(OK(counter.get()).of.i32 == 13);

  Module wrong = OK(Module::compile(engine, "(module (import \"host\" \"memory\" (table 1 funcref)))"));
  Error link = EXPECT_ERR(linker.instantiate(store, wrong), ErrorKind::Link);
  CHECK(link.message().find("expected table") != std::string::npos);
  CHECK(link.message().find("found memory") != std::string::npos);
  Store other = OK(Store::make(engine));
  EXPECT_ERR(linker.define_memory(other, "x", "m", memory), ErrorKind::InvalidArgument);
  std::printf("C++ externs: ok\n");
  return 0;
}
