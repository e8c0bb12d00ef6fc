// WASI through wasmpool.hh with the C guests of tests/guests/c, each as a preview-1 module
// (Linker::define_wasi, Instance::run) and as a preview-2 component (ComponentLinker::define_wasi,
// ComponentInstance::run): WasiConfig's arguments, environment and stdin reach the guest, its
// captured stdout and stderr come back through Store::wasi_stdout / wasi_stderr exactly, exit
// codes come back as values, the capture cap keeps the first bytes and counts the rest, a
// preopened directory is writable or read-only as asked, and the misuse cases are errors of the
// documented kinds (no WASI context, output not captured, a NUL in an argument, a missing
// directory).
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "check.hh"

using namespace wasmpool;

// The engine of the C WASI tests: the server preset for 4 instances, which must pool, with
// 64 MiB memories reserved without large guard regions (so it fits under ASan and valgrind)
// and without the pagemap scan.
static Engine wasi_engine() {
  Config cfg = OK(Config::server(4));
  OK(cfg.set_max_memory_size(64u << 20));
  OK(cfg.set_memory_reservation(64u << 20));
  OK(cfg.set_memory_guard_size(64u << 10));
  OK(cfg.set_pagemap_scan(WASMPOOL_ENABLED_NO));
  Engine engine = OK(Engine::make(cfg));
  if (engine.strategy() != WASMPOOL_STRATEGY_POOLING) {
    std::fprintf(stderr, "the server preset did not pool: %s\n", engine.fallback_reason().c_str());
    std::exit(1);
  }
  return engine;
}

// One guest pre-linked with WASI, as a module ("wasip1") or a component ("wasip2").
class Runner {
 public:
  Runner(const Engine &engine, const char *flavour, const char *name) : component_(std::string(flavour) == "wasip2") {
    std::string path = check::guest((std::string(flavour) + "/" + name + ".wasm").c_str());
    if (component_) {
      Component c = OK(Component::from_file(engine, path.c_str()));
      ComponentLinker linker = OK(ComponentLinker::make(engine));
      OK(linker.define_wasi());
      // Defining WASI twice is a LINK error (the names are taken).
      EXPECT_ERR(linker.define_wasi(), ErrorKind::Link);
      cpre_.emplace(OK(linker.instantiate_pre(c)));
    } else {
      Module m = OK(Module::from_file(engine, path.c_str()));
      Linker linker = OK(Linker::make(engine));
      OK(linker.define_wasi());
      EXPECT_ERR(linker.define_wasi(), ErrorKind::Link);
      pre_.emplace(OK(linker.instantiate_pre(m)));
    }
  }
  bool component() const { return component_; }

  // Instantiates in `store` and runs: the exit code or the error.
  Result<int32_t> run_in(Store &store) const {
    if (component_) {
      Result<ComponentInstance> inst = cpre_->instantiate(store);
      if (!inst.ok()) return inst.error();
      return inst.value().run();
    }
    Result<Instance> inst = pre_->instantiate(store);
    if (!inst.ok()) return inst.error();
    return inst.value().run();
  }

 private:
  bool component_;
  std::optional<InstancePre> pre_;
  std::optional<ComponentPre> cpre_;
};

struct Outcome {
  int32_t code;
  std::string out, err;
};

// One request: a fresh store with `cfg`, run, the captured output copied out (the views are
// only valid until the next call into the store).
static Outcome request(const Engine &engine, const Runner &r, const WasiConfig &cfg) {
  Store store = OK(Store::make(engine));
  OK(store.set_wasi(cfg));
  int32_t code = OK(r.run_in(store));
  std::string_view out = OK(store.wasi_stdout());
  std::string_view err = OK(store.wasi_stderr());
  return {code, std::string(out), std::string(err)};
}

static WasiConfig capture_config(const std::vector<std::string> &args) {
  WasiConfig cfg;
  OK(cfg.set_args(args));
  OK(cfg.capture_stdout(64 << 10));
  OK(cfg.capture_stderr(64 << 10));
  return cfg;
}

static void check_eq(const std::string &got, const std::string &want, const char *what, const char *flavour) {
  if (got != want) {
    std::fprintf(stderr, "%s (%s): got \"%s\", expected \"%s\"\n", what, flavour, got.c_str(), want.c_str());
    std::exit(1);
  }
}

static void hello(const Engine &engine, const char *flavour) {
  Runner r(engine, flavour, "hello");
  WasiConfig cfg = capture_config({"hello"});
  Outcome o = request(engine, r, cfg);
  CHECK(o.code == 0);
  check_eq(o.out, "hello from a wasm32-wasip1 guest\n", "hello stdout", flavour);
  check_eq(o.err, "", "hello stderr", flavour);

  // The cap keeps the first 5 bytes and counts the rest; the guest is not told.
  WasiConfig capped;
  OK(capped.capture_stdout(5));
  Store store = OK(Store::make(engine));
  OK(store.set_wasi(capped));
  CHECK(OK(r.run_in(store)) == 0);
  check_eq(std::string(OK(store.wasi_stdout())), "hello", "capped stdout", flavour);
  CHECK(OK(store.wasi_stdout_dropped()) == std::string("hello from a wasm32-wasip1 guest\n").size() - 5);
  // stderr was not captured: reading it is an error, not an empty view.
  EXPECT_ERR(store.wasi_stderr(), ErrorKind::InvalidArgument);
  EXPECT_ERR(store.wasi_stderr_dropped(), ErrorKind::InvalidArgument);
  // A new context empties the buffers.
  OK(store.set_wasi(capped));
  CHECK(OK(store.wasi_stdout()).empty());
  CHECK(OK(store.wasi_stdout_dropped()) == 0);
}

static void stdio(const Engine &engine, const char *flavour) {
  Runner r(engine, flavour, "stdio");
  WasiConfig cfg = capture_config({"stdio", "one", "two words", ""});
  OK(cfg.set_env("WASMPOOL_A", "1"));
  OK(cfg.set_env("WASMPOOL_B", "x=y"));
  OK(cfg.set_env("WASMPOOL_A", "replaced"));
  OK(cfg.set_env("OTHER", "not printed"));
  OK(cfg.set_stdin("line 1\nline 2 \xc3\xa9"));
  Outcome o = request(engine, r, cfg);
  CHECK(o.code == 0);
  check_eq(o.out,
           "argc=4\nargv[0]=stdio\nargv[1]=one\nargv[2]=two words\nargv[3]=\n"
           "env WASMPOOL_A=replaced\nenv WASMPOOL_B=x=y\n"
           "stdin=line 1\nline 2 \xc3\xa9\nstdin_len=16\n",
           "stdio stdout", flavour);
  check_eq(o.err, "to stderr: 4 args\n", "stdio stderr", flavour);

  // The defaults: no arguments, no environment, empty stdin.
  WasiConfig bare = capture_config({});
  o = request(engine, r, bare);
  CHECK(o.code == 0);
  check_eq(o.out, "argc=0\nstdin=\nstdin_len=0\n", "bare stdout", flavour);
  check_eq(o.err, "to stderr: 0 args\n", "bare stderr", flavour);

  // Inherited environment: a variable of this process reaches the guest next to the set ones,
  // and a set variable replaces an inherited one of the same name (the guest sees it once).
  CHECK(setenv("WASMPOOL_INHERITED", "from the host", 1) == 0);
  CHECK(setenv("WASMPOOL_A", "host value", 1) == 0);
  WasiConfig inherit = capture_config({"stdio"});
  OK(inherit.inherit_env());
  OK(inherit.set_env("WASMPOOL_A", "set value"));
  o = request(engine, r, inherit);
  CHECK(o.code == 0);
  CHECK(o.out.find("env WASMPOOL_INHERITED=from the host\n") != std::string::npos);
  CHECK(o.out.find("env WASMPOOL_A=set value\n") != std::string::npos);
  CHECK(o.out.find("WASMPOOL_A=host value") == std::string::npos);
  CHECK(unsetenv("WASMPOOL_INHERITED") == 0 && unsetenv("WASMPOOL_A") == 0);
}

static void files(const Engine &engine, const char *flavour) {
  char dir[] = "/tmp/wasmpool-cpp-wasi-XXXXXX";
  CHECK(mkdtemp(dir) != nullptr);
  Runner r(engine, flavour, "files");
  WasiConfig cfg = capture_config({"files", "/data"});
  OK(cfg.preopen_dir(dir, "/data", WasiPerms::ReadWrite));
  Outcome o = request(engine, r, cfg);
  check_eq(o.err, "", "files stderr", flavour);
  CHECK(o.code == 0);
  check_eq(o.out, "created\nentry wasmpool-guest.txt\nread written by the files guest\ndeleted\ngone\n",
           "files stdout", flavour);

  // Read-only: the guest's first write fails, it says so and exits 1.
  WasiConfig ro = capture_config({"files", "/data"});
  OK(ro.preopen_dir(dir, "/data", WasiPerms::ReadOnly));
  o = request(engine, r, ro);
  CHECK(o.code == 1);
  check_eq(o.out, "", "read-only stdout", flavour);
  CHECK(o.err.rfind("create /data/wasmpool-guest.txt: ", 0) == 0);
  CHECK(rmdir(dir) == 0);  // empty again

  // A missing directory is an IO error naming it.
  WasiConfig missing;
  Error e = EXPECT_ERR(missing.preopen_dir(std::string(dir) + "/nope", "/data"), ErrorKind::Io);
  CHECK(e.message().find("/nope") != std::string::npos);
}

static void exit3(const Engine &engine, const char *flavour) {
  Runner r(engine, flavour, "exit3");
  WasiConfig cfg = capture_config({});
  Outcome o = request(engine, r, cfg);
  // A module's proc_exit(3) is 3; a component's wasi:cli/exit carries only ok/err: 1.
  CHECK(o.code == (r.component() ? 1 : 3));
  check_eq(o.out, "exiting with 3\n", "exit3 stdout", flavour);
}

static void misuse(const Engine &engine, const char *flavour) {
  Runner r(engine, flavour, "hello");
  // No WASI context in the store: the guest's WASI call fails with INVALID_ARGUMENT.
  Store store = OK(Store::make(engine));
  EXPECT_ERR(r.run_in(store), ErrorKind::InvalidArgument);
  EXPECT_ERR(store.wasi_stdout(), ErrorKind::InvalidArgument);

  WasiConfig cfg;
  Error e = EXPECT_ERR(cfg.set_args({"ok", std::string("bad\0arg", 7)}), ErrorKind::InvalidArgument);
  CHECK(e.message().find("argument 1") != std::string::npos);
  EXPECT_ERR(cfg.set_env("", "x"), ErrorKind::InvalidArgument);
  EXPECT_ERR(cfg.set_env("A=B", "x"), ErrorKind::InvalidArgument);
  EXPECT_ERR(cfg.set_env(std::string("A\0B", 3), "x"), ErrorKind::InvalidArgument);
  EXPECT_ERR(cfg.preopen_dir("/tmp", ""), ErrorKind::InvalidArgument);
  OK(cfg.inherit_stdin());
  OK(cfg.inherit_stdout());
  OK(cfg.inherit_stderr());
  OK(cfg.inherit_stdio());
  OK(cfg.allow_network());

  // A moved-from WasiConfig gives its handle away once.
  WasiConfig a = capture_config({"x"});
  WasiConfig b(std::move(a));
  CHECK(a.raw() == nullptr && b.raw() != nullptr);
}

int main() {
  Engine engine = wasi_engine();
  for (const char *flavour : {"wasip1", "wasip2"}) {
    hello(engine, flavour);
    stdio(engine, flavour);
    files(engine, flavour);
    exit3(engine, flavour);
    misuse(engine, flavour);
    std::printf("%s: hello, capture cap, stdio, env, files, exit3, misuse: ok\n", flavour);
  }
  Result<wasmpool_metrics_t> m = engine.metrics();
  CHECK(m.ok() && m.value().core_instances == 0 && m.value().component_instances == 0);
  return 0;
}
