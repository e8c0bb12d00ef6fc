// wasmpool_core.hh: the core-module part of wasmpool.hh (C++17, header-only): values, Module,
// Linker and host functions, InstancePre, Store, Instance, Func, and Memory, Table, Global. Include <wasmpool.hh>, which
// includes this file; see there for the ownership, error and thread-safety conventions.
#ifndef WASMPOOL_CORE_HH
#define WASMPOOL_CORE_HH

#ifndef WASMPOOL_HH
#error "include <wasmpool.hh>, which includes this part of it"
#endif

namespace wasmpool {

// ---------------------------------------------------------------------------------------------
// Core modules
// ---------------------------------------------------------------------------------------------

/// A core value (`wasmpool_val_t`) with constructors and checked-free accessors.
struct Val : wasmpool_val_t {
  Val() : wasmpool_val_t{} { kind = WASMPOOL_VALKIND_I32; }
  Val(const wasmpool_val_t &v) : wasmpool_val_t(v) {}  // NOLINT
  static Val i32(int32_t x) { Val v; v.kind = WASMPOOL_VALKIND_I32; v.of.i32 = x; return v; }
  static Val i64(int64_t x) { Val v; v.kind = WASMPOOL_VALKIND_I64; v.of.i64 = x; return v; }
  static Val f32(float x) { Val v; v.kind = WASMPOOL_VALKIND_F32; v.of.f32 = x; return v; }
  static Val f64(double x) { Val v; v.kind = WASMPOOL_VALKIND_F64; v.of.f64 = x; return v; }
  /// A funcref: a function handle of the Store the value is used with (nullptr: null).
  static Val funcref(wasmpool_func_t *f) { Val v; v.kind = WASMPOOL_VALKIND_FUNCREF; v.of.funcref = f; return v; }
  /// An externref or anyref root (Store::externref, Store::i31, or a result); {} is null.
  static Val externref(wasmpool_ref_t r) { Val v; v.kind = WASMPOOL_VALKIND_EXTERNREF; v.of.externref = r; return v; }
  static Val anyref(wasmpool_ref_t r) { Val v; v.kind = WASMPOOL_VALKIND_ANYREF; v.of.anyref = r; return v; }
  /// The null value of a reference kind (all zero).
  static Val null(wasmpool_valkind_t kind) { Val v; v.kind = kind; return v; }
  /// Whether this is a null reference (false for numbers).
  bool is_null() const {
    switch (kind) {
      case WASMPOOL_VALKIND_FUNCREF: return of.funcref == nullptr;
      case WASMPOOL_VALKIND_EXTERNREF: case WASMPOOL_VALKIND_ANYREF: case WASMPOOL_VALKIND_EXNREF:
        return of.externref.store == 0 && of.externref.id == 0;
      default: return false;
    }
  }
};
static_assert(sizeof(Val) == sizeof(wasmpool_val_t), "Val is layout-compatible with wasmpool_val_t");

/// An import or export of a module, copied out of the C listing.
struct ExternInfo {
  std::string module;  // empty for exports
  std::string name;
  wasmpool_externkind_t kind;
  std::vector<wasmpool_valkind_t> params, results;
};

/// A compiled core module. Ownership: owns a `wasmpool_module_t`, move-only; delete it before
/// its Engine. Thread safety: immutable, shareable between threads.
class Module : public detail::Owned<wasmpool_module_t, wasmpool_module_delete> {
 public:
  /// Compiles binary wasm or WebAssembly text.
  static Result<Module> compile(const Engine &engine, std::string_view bytes) {
    wasmpool_module_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_module_new(engine.raw(), reinterpret_cast<const uint8_t *>(bytes.data()),
                                                bytes.size(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Module(out);
  }
  /// Checks binary wasm or text against `engine`'s proposal switches without compiling: OK, or
  /// COMPILE with Wasmtime's message. (The pool's per-module limits are checked at compile.)
  static Status validate(const Engine &engine, std::string_view bytes) {
    return Status::from_c(
        wasmpool_module_validate(engine.raw(), reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  }
  static Result<Module> from_file(const Engine &engine, const char *path) {
    wasmpool_module_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_module_new_file(engine.raw(), path, &out);
    if (err != nullptr) return Error::adopt(err);
    return Module(out);
  }
  /// Loads what serialize() wrote (trusted input only: it is machine code).
  static Result<Module> deserialize(const Engine &engine, Span<const uint8_t> bytes) {
    wasmpool_module_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_module_deserialize(engine.raw(), bytes.data(), bytes.size(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Module(out);
  }
  Result<std::vector<uint8_t>> serialize() const {
    wasmpool_bytes_t *b = nullptr;
    wasmpool_error_t *err = wasmpool_module_serialize(raw_, &b);
    if (err != nullptr) return Error::adopt(err);
    return detail::take_bytes(b);
  }
  Result<std::vector<ExternInfo>> imports() const { return list(wasmpool_module_import_count, wasmpool_module_import); }
  Result<std::vector<ExternInfo>> exports() const { return list(wasmpool_module_export_count, wasmpool_module_export); }

 private:
  explicit Module(wasmpool_module_t *raw) : Owned(raw) {}
  Result<std::vector<ExternInfo>> list(size_t (*count)(const wasmpool_module_t *),
                                       wasmpool_error_t *(*get)(const wasmpool_module_t *, size_t,
                                                                wasmpool_extern_info_t *)) const {
    std::vector<ExternInfo> out;
    for (size_t i = 0, n = count(raw_); i < n; i++) {
      wasmpool_extern_info_t info{};
      if (wasmpool_error_t *err = get(raw_, i, &info)) return Error::adopt(err);
      out.push_back({info.module != nullptr ? info.module : "", info.name != nullptr ? info.name : "",
                     info.kind, std::vector<wasmpool_valkind_t>(info.params, info.params + info.nparams),
                     std::vector<wasmpool_valkind_t>(info.results, info.results + info.nresults)});
    }
    return out;
  }
};

/// An exported function of an Instance. A view: the Store owns the function; valid while that
/// Store lives. Calls on one store must not overlap.
class Func {
 public:
  explicit Func(wasmpool_func_t *raw, size_t nresults) : raw_(raw), nresults_(nresults) {}
  /// Calls with `args`; the results (as many as the function's type has).
  Result<std::vector<Val>> call(Span<const Val> args = {}) const {
    std::vector<Val> results(nresults_);
    wasmpool_error_t *err = wasmpool_func_call(raw_, args.data(), args.size(), results.data(), results.size());
    return detail::make(err, std::move(results));
  }
  Result<std::vector<Val>> call(std::initializer_list<Val> args) const {
    return call(Span<const Val>(args.begin(), args.size()));
  }
  wasmpool_func_t *raw() const { return raw_; }
  size_t result_count() const { return nresults_; }

 private:
  wasmpool_func_t *raw_;
  size_t nresults_;
};

class Memory;
class Table;
class Global;

/// A core instance. A view: its Store owns it; valid while that Store lives; one thread at a
/// time (the Store's).
class Instance {
 public:
  explicit Instance(wasmpool_instance_t *raw) : raw_(raw) {}
  // Export names are UTF-8 bytes and may hold NUL: every lookup passes (pointer, length).

  /// The exported function `name`.
  Result<Func> func(std::string_view name) const {
    wasmpool_extern_info_t info{};
    if (wasmpool_error_t *err = wasmpool_instance_func_type_n(raw_, name.data(), name.size(), &info))
      return Error::adopt(err);
    wasmpool_func_t *f = nullptr;
    if (wasmpool_error_t *err = wasmpool_instance_func_n(raw_, name.data(), name.size(), &f)) return Error::adopt(err);
    return Func(f, info.nresults);
  }
  /// Calls the exported function `name` (its result count comes from its type).
  Result<std::vector<Val>> call(std::string_view name, std::initializer_list<Val> args = {}) const {
    Result<Func> f = func(name);
    if (!f.ok()) return f.error();
    return f.value().call(Span<const Val>(args.begin(), args.size()));
  }
  /// The exported memory `name`: valid until the guest grows it or the Store goes.
  Result<Span<uint8_t>> memory(std::string_view name) const {
    uint8_t *data = nullptr;
    size_t size = 0;
    wasmpool_error_t *err = wasmpool_instance_memory_n(raw_, name.data(), name.size(), &data, &size);
    return detail::make(err, Span<uint8_t>(data, size));
  }
  /// Whether the EXCEPTION error `e` was thrown with the tag this instance exports as `name`
  /// (false for another Store's exception). INVALID_ARGUMENT if `e` is not an EXCEPTION error;
  /// LINK if there is no such tag.
  Result<bool> exception_tag_is(const Error &e, std::string_view name) const {
    if (e.exception_raw() == nullptr) return Error(ErrorKind::InvalidArgument, "the error is not an exception");
    bool out = false;
    wasmpool_error_t *err = wasmpool_error_exception_tag_is_n(e.exception_raw(), raw_, name.data(), name.size(), &out);
    return detail::make(err, out);
  }
  Result<Val> global(std::string_view name) const {
    wasmpool_val_t v{};
    wasmpool_error_t *err = wasmpool_instance_global_get_n(raw_, name.data(), name.size(), &v);
    return detail::make(err, Val(v));
  }
  Status set_global(std::string_view name, const Val &v) const {
    return Status::from_c(wasmpool_instance_global_set_n(raw_, name.data(), name.size(), &v));
  }
  /// The exported memory, table or global `name` as a handle (a view, owned by the Store).
  inline Result<Memory> export_memory(std::string_view name) const;
  inline Result<Table> export_table(std::string_view name) const;
  inline Result<Global> export_global(std::string_view name) const;
  /// Runs a WASI command module: calls its `_start`. The exit code: 0 for a normal return, n
  /// for `proc_exit(n)` (C's `exit(n)`); neither is an error. Errors: INVALID_ARGUMENT (the
  /// guest called WASI in a Store without Store::set_wasi), LINK (no `_start`), TRAP,
  /// INTERRUPTED, OUT_OF_FUEL.
  Result<int32_t> run() const {
    int32_t code = 0;
    wasmpool_error_t *err = wasmpool_instance_run(raw_, &code);
    return detail::make(err, code);
  }
  wasmpool_instance_t *raw() const { return raw_; }

 private:
  wasmpool_instance_t *raw_;
};

/// The calling store of a core host function: valid only during that call.
class Caller {
 public:
  explicit Caller(wasmpool_caller_t *raw) : raw_(raw) {}
  /// The caller's exported memory `name`.
  Result<Span<uint8_t>> memory(std::string_view name) const {
    uint8_t *data = nullptr;
    size_t size = 0;
    wasmpool_error_t *err = wasmpool_caller_memory_n(raw_, name.data(), name.size(), &data, &size);
    return detail::make(err, Span<uint8_t>(data, size));
  }
  /// The value of the caller's exported global `name`.
  Result<Val> global(std::string_view name) const {
    wasmpool_val_t v{};
    wasmpool_error_t *err = wasmpool_caller_global_get_n(raw_, name.data(), name.size(), &v);
    return detail::make(err, Val(v));
  }
  /// Calls the caller's exported function `name` from inside the host function (re-entering its
  /// store: the guest's `malloc`, say), with `nresults` results. INVALID_ARGUMENT in async
  /// engines (a fiber cannot block on a nested call); the callee's errors otherwise.
  Result<std::vector<Val>> call(std::string_view name, Span<const Val> args, size_t nresults) const {
    std::vector<Val> results(nresults);
    wasmpool_error_t *err = wasmpool_caller_call_n(raw_, name.data(), name.size(), args.data(), args.size(),
                                                   results.data(), results.size());
    return detail::make(err, std::move(results));
  }
  /// An externref made inside a host function (as Store::externref), its data, and releasing
  /// a root of the calling Store.
  Result<wasmpool_ref_t> externref(void *data, wasmpool_finalizer_t finalizer) const {
    wasmpool_ref_t out{};
    wasmpool_error_t *err = wasmpool_caller_externref_new(raw_, data, finalizer, &out);
    return detail::make(err, out);
  }
  Result<void *> externref_data(wasmpool_ref_t r) const {
    void *out = nullptr;
    wasmpool_error_t *err = wasmpool_caller_externref_data(raw_, r, &out);
    return detail::make(err, out);
  }
  Status release(wasmpool_ref_t r) const { return Status::from_c(wasmpool_caller_ref_release(raw_, r)); }
  /// The data of the calling Store (Store::make with data), or nullptr.
  template <class T>
  T *data() const {
    return static_cast<T *>(wasmpool_caller_store_data(raw_));
  }
  wasmpool_caller_t *raw() const { return raw_; }

 private:
  wasmpool_caller_t *raw_;
};

/// The signature of a core host function: read the arguments, write every result, return
/// success or an Error (which traps the guest; Error::trap makes one).
using HostFunc = std::function<Status(Caller, Span<const Val>, Span<Val>)>;

class Store;

/// A module pre-linked against a Linker's definitions: instantiate it many times. Ownership:
/// owns a `wasmpool_instance_pre_t`, move-only; keeps the host functions it uses alive. Thread
/// safety: shareable between threads.
class InstancePre : public detail::Owned<wasmpool_instance_pre_t, wasmpool_instance_pre_delete> {
 public:
  explicit InstancePre(wasmpool_instance_pre_t *raw) : Owned(raw) {}
  inline Result<Instance> instantiate(Store &store) const;
};

/// Host functions by module and name, for instantiating core modules. Ownership: owns a
/// `wasmpool_linker_t`, move-only; the host functions (and their captures) live until the last
/// linker, InstancePre or Store using them is gone, then each capture is destroyed exactly once.
/// Not for concurrent mutation.
class Linker : public detail::Owned<wasmpool_linker_t, wasmpool_linker_delete> {
 public:
  static Result<Linker> make(const Engine &engine) {
    wasmpool_linker_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_linker_new(engine.raw(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Linker(out);
  }
  /// Defines `module.name` with the given type as the callable `f`, taken over by wasmpool
  /// (destroyed by the C finalizer, exactly once). `f` is called as
  /// `Status f(Caller, Span<const Val> args, Span<Val> results)` on the thread running the guest.
  template <class F>
  Status define_func(std::string_view module, std::string_view name, std::vector<wasmpool_valkind_t> params,
                     std::vector<wasmpool_valkind_t> results, F &&f) {
    using Fn = std::decay_t<F>;
    Fn *env = new Fn(std::forward<F>(f));
    wasmpool_error_t *err = wasmpool_linker_define_func_n(
        raw_, module.data(), module.size(), name.data(), name.size(), params.data(), params.size(), results.data(),
        results.size(), &trampoline<Fn>, env, &detail::finalize<Fn>);
    if (err != nullptr) delete env;  // on failure nothing is kept and the finalizer is not called
    return Status::from_c(err);
  }
  Status define_unknown_imports_as_traps(const Module &module) {
    return Status::from_c(wasmpool_linker_define_unknown_imports_as_traps(raw_, module.raw()));
  }
  /// Defines every `wasi_snapshot_preview1` function, for modules built for wasm32-wasip1.
  /// Each Store running them needs Store::set_wasi. LINK error if a WASI name is taken.
  Status define_wasi() { return Status::from_c(wasmpool_linker_define_wasi(raw_)); }
  /// Defines `module.name` as a memory, table or global of `store` (a Linker holding them links
  /// for that Store only). INVALID_ARGUMENT for a handle of another Store or a Store of another
  /// Engine; a module importing another type fails to link (LINK, both types named).
  inline Status define_memory(Store &store, std::string_view module, std::string_view name, const Memory &m);
  inline Status define_table(Store &store, std::string_view module, std::string_view name, const Table &t);
  inline Status define_global(Store &store, std::string_view module, std::string_view name, const Global &g);
  /// Defines every export of `instance` (of `store`) under the module name `name`.
  inline Status define_instance(Store &store, std::string_view name, const Instance &instance);
  /// Links and instantiates `module` in `store` in one step (memories and tables matched at
  /// their sizes now).
  inline Result<Instance> instantiate(Store &store, const Module &module) const;
  Result<InstancePre> instantiate_pre(const Module &module) const {
    wasmpool_instance_pre_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_linker_instantiate_pre(raw_, module.raw(), &out);
    if (err != nullptr) return Error::adopt(err);
    return InstancePre(out);
  }

 private:
  explicit Linker(wasmpool_linker_t *raw) : Owned(raw) {}
  template <class Fn>
  static wasmpool_error_t *trampoline(void *env, wasmpool_caller_t *caller, const wasmpool_val_t *args,
                                      size_t nargs, wasmpool_val_t *results, size_t nresults) {
    Status s = (*static_cast<Fn *>(env))(Caller(caller), Span<const Val>(static_cast<const Val *>(args), nargs),
                                         Span<Val>(static_cast<Val *>(results), nresults));
    return s.ok() ? nullptr : s.error().to_c_trap();
  }
};

/// Where instances live: one pool slot per instance, freed with the Store. Ownership: owns a
/// `wasmpool_store_t`, move-only; deleting it frees every Instance, Func, ComponentInstance,
/// ComponentFunc and Resource made in it (their views dangle afterwards). Delete it before its
/// Engine. Thread safety: one thread at a time; it may move between threads between calls.
class Store : public detail::Owned<wasmpool_store_t, wasmpool_store_delete> {
 public:
  static Result<Store> make(const Engine &engine) {
    wasmpool_store_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_store_new(engine.raw(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Store(out);
  }
  /// A Store owning `data` (deleted exactly once, when the Store is deleted, after its
  /// instances), read back with data<T>() here and Caller::data<T>() in host functions.
  template <class T>
  static Result<Store> make(const Engine &engine, std::unique_ptr<T> data) {
    wasmpool_store_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_store_new_with_data(engine.raw(), data.get(), &detail::finalize<T>, &out);
    if (err != nullptr) return Error::adopt(err);  // not taken: `data` is still ours and goes here
    data.release();
    return Store(out);
  }
  /// The data given to make, or nullptr.
  template <class T>
  T *data() const {
    return static_cast<T *>(wasmpool_store_data(raw_));
  }
  /// Instantiates a module without imports (or with only those a Linker is not needed for).
  Result<Instance> instantiate(const Module &module) {
    wasmpool_instance_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_instantiate(raw_, module.raw(), &out);
    return detail::make(err, Instance(out));
  }
  static wasmpool_store_limits_t unlimited() { return wasmpool_store_limits_unlimited(); }
  Status set_limits(const wasmpool_store_limits_t &limits) {
    return Status::from_c(wasmpool_store_limits_set(raw_, &limits));
  }
  Result<wasmpool_store_limits_t> limits() const {
    wasmpool_store_limits_t out{};
    wasmpool_error_t *err = wasmpool_store_limits_get(raw_, &out);
    return detail::make(err, out);
  }
  size_t memory_consumed() const { return wasmpool_store_memory_consumed(raw_); }
  /// Fuel (engines with consume_fuel only).
  Status set_fuel(uint64_t fuel) { return Status::from_c(wasmpool_store_fuel_set(raw_, fuel)); }
  Result<uint64_t> fuel() const {
    uint64_t out = 0;
    wasmpool_error_t *err = wasmpool_store_fuel_get(raw_, &out);
    return detail::make(err, out);
  }
  /// References (see wasmpool_ref_release for the rooting model): an externref around `data`
  /// whose `finalizer` runs once (after a GC frees it, or with the Store), its data, i31
  /// values, releasing a root, and a collection now.
  Result<wasmpool_ref_t> externref(void *data, wasmpool_finalizer_t finalizer) {
    wasmpool_ref_t out{};
    wasmpool_error_t *err = wasmpool_externref_new(raw_, data, finalizer, &out);
    return detail::make(err, out);
  }
  Result<void *> externref_data(wasmpool_ref_t r) {
    void *out = nullptr;
    wasmpool_error_t *err = wasmpool_externref_data(raw_, r, &out);
    return detail::make(err, out);
  }
  Result<wasmpool_ref_t> i31(int32_t value) {
    wasmpool_ref_t out{};
    wasmpool_error_t *err = wasmpool_anyref_i31_new(raw_, value, &out);
    return detail::make(err, out);
  }
  Result<int32_t> i31_get(wasmpool_ref_t r) {
    int32_t out = 0;
    wasmpool_error_t *err = wasmpool_anyref_i31_get_s(raw_, r, &out);
    return detail::make(err, out);
  }
  Result<uint32_t> i31_get_u(wasmpool_ref_t r) {
    uint32_t out = 0;
    wasmpool_error_t *err = wasmpool_anyref_i31_get_u(raw_, r, &out);
    return detail::make(err, out);
  }
  Status release(wasmpool_ref_t r) { return Status::from_c(wasmpool_ref_release(raw_, r)); }
  Status gc() { return Status::from_c(wasmpool_store_gc(raw_)); }
  size_t ref_count() const { return wasmpool_store_ref_count(raw_); }
  /// Deadlines (engines with epoch_interruption): in ticks from now, or in milliseconds.
  Status set_epoch_deadline(uint64_t ticks) { return Status::from_c(wasmpool_store_epoch_deadline_set(raw_, ticks)); }
  Status set_deadline_ms(uint64_t ms) { return Status::from_c(wasmpool_store_deadline_ms_set(raw_, ms)); }
  /// Lets `f` decide what happens each time the epoch deadline passes, instead of the guest being
  /// interrupted at once (wasmpool_store_epoch_deadline_callback). `f` is taken over by wasmpool
  /// (destroyed exactly once: when replaced, cleared, or with the Store) and called on the thread
  /// running the guest as `Status f(uint64_t &delta, wasmpool_epoch_action_t &action)`, with
  /// `delta` 1 and `action` CONTINUE on entry: set them (CONTINUE extends the deadline by
  /// `delta` ticks, YIELD on async engines, INTERRUPT stops the guest), or return an Error to
  /// fail the call with it. `f` must not use this Store. INVALID_ARGUMENT without
  /// epoch_interruption (then `f` is destroyed here).
  template <class F>
  Status set_epoch_deadline_callback(F &&f) {
    using Fn = std::decay_t<F>;
    Fn *env = new Fn(std::forward<F>(f));
    wasmpool_error_t *err = wasmpool_store_epoch_deadline_callback(raw_, &epoch_trampoline<Fn>, env,
                                                                   &detail::finalize<Fn>);
    if (err != nullptr) delete env;  // on failure nothing is kept and the finalizer is not called
    return Status::from_c(err);
  }
  /// Removes the epoch deadline callback (its callable is destroyed): passed deadlines
  /// interrupt the guest again.
  Status clear_epoch_deadline_callback() {
    return Status::from_c(wasmpool_store_epoch_deadline_callback(raw_, nullptr, nullptr, nullptr));
  }

  /// Gives this Store a WASI context made from `cfg` (copied): call it before instantiating
  /// WASI guests; calling it again replaces the context and empties the capture buffers.
  /// Errors: INVALID_ARGUMENT (from a host function while the Store runs), IO (a preopened
  /// directory cannot be opened). On error the Store keeps its previous context.
  Status set_wasi(const WasiConfig &cfg) { return Status::from_c(wasmpool_store_wasi_set(raw_, cfg.raw())); }
  /// What the guests wrote to stdout so far (at most the capture's max_bytes). Borrowed from
  /// the Store: valid until the next call into it (a call, an instantiation, set_wasi, ...) or
  /// its destruction; copy it into a std::string to keep it. INVALID_ARGUMENT when the Store
  /// has no WASI context or stdout is not captured.
  Result<std::string_view> wasi_stdout() const { return captured(wasmpool_store_wasi_stdout); }
  /// As wasi_stdout, for stderr.
  Result<std::string_view> wasi_stderr() const { return captured(wasmpool_store_wasi_stderr); }
  /// Bytes written to stdout beyond the capture's max_bytes (dropped).
  Result<uint64_t> wasi_stdout_dropped() const {
    uint64_t out = 0;
    wasmpool_error_t *err = wasmpool_store_wasi_stdout_dropped(raw_, &out);
    return detail::make(err, out);
  }
  /// As wasi_stdout_dropped, for stderr.
  Result<uint64_t> wasi_stderr_dropped() const {
    uint64_t out = 0;
    wasmpool_error_t *err = wasmpool_store_wasi_stderr_dropped(raw_, &out);
    return detail::make(err, out);
  }

 private:
  explicit Store(wasmpool_store_t *raw) : Owned(raw) {}
  template <class Fn>
  static wasmpool_error_t *epoch_trampoline(void *env, void *store_data, uint64_t *delta,
                                            wasmpool_epoch_action_t *action) {
    (void)store_data;  // the callable captures what it needs
    Status s = (*static_cast<Fn *>(env))(*delta, *action);
    return s.ok() ? nullptr : s.error().to_c_trap();
  }
  Result<std::string_view> captured(wasmpool_error_t *(*get)(const wasmpool_store_t *, const uint8_t **,
                                                             size_t *)) const {
    const uint8_t *data = nullptr;
    size_t len = 0;
    wasmpool_error_t *err = get(raw_, &data, &len);
    if (err != nullptr) return Error::adopt(err);
    if (len == 0) return std::string_view();
    return std::string_view(reinterpret_cast<const char *>(data), len);
  }
};

// ---------------------------------------------------------------------------------------------
// Memories, tables and globals: views, owned by their Store (valid while it lives; each lookup
// makes a new handle, kept until then), used by the Store's thread.
// ---------------------------------------------------------------------------------------------

/// A linear memory, made by Memory::make or Instance::export_memory.
class Memory {
 public:
  explicit Memory(wasmpool_memory_t *raw) : raw_(raw) {}
  /// A zero-filled memory of `type` (pages of 64 KiB) in `store`.
  static Result<Memory> make(Store &store, const wasmpool_memorytype_t &type) {
    wasmpool_memory_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_memory_new(store.raw(), &type, &out);
    return detail::make(err, Memory(out));
  }
  /// The bytes: valid until the memory grows (here or in a guest) or the Store goes.
  Result<Span<uint8_t>> data() const {
    uint8_t *data = nullptr;
    size_t size = 0;
    wasmpool_error_t *err = wasmpool_memory_data(raw_, &data, &size);
    return detail::make(err, Span<uint8_t>(data, size));
  }
  uint64_t pages() const { return wasmpool_memory_size(raw_); }
  /// Grows by `delta` pages; the previous size (LIMIT_EXCEEDED beyond a maximum or limit).
  Result<uint64_t> grow(uint64_t delta) const {
    uint64_t previous = 0;
    wasmpool_error_t *err = wasmpool_memory_grow(raw_, delta, &previous);
    return detail::make(err, previous);
  }
  Result<wasmpool_memorytype_t> type() const {
    wasmpool_memorytype_t out{};
    wasmpool_error_t *err = wasmpool_memory_type(raw_, &out);
    return detail::make(err, out);
  }
  wasmpool_memory_t *raw() const { return raw_; }

 private:
  wasmpool_memory_t *raw_;
};

/// A table, made by Table::make (every element null) or Instance::export_table. Elements of
/// function tables are Funcs; a null element is a Func whose raw() is nullptr.
class Table {
 public:
  explicit Table(wasmpool_table_t *raw) : raw_(raw) {}
  static Result<Table> make(Store &store, const wasmpool_tabletype_t &type) {
    wasmpool_table_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_table_new(store.raw(), &type, &out);
    return detail::make(err, Table(out));
  }
  uint64_t size() const { return wasmpool_table_size(raw_); }
  Result<Func> get(uint64_t index) const {
    wasmpool_func_t *f = nullptr;
    if (wasmpool_error_t *err = wasmpool_table_get(raw_, index, &f)) return Error::adopt(err);
    if (f == nullptr) return Func(nullptr, 0);
    wasmpool_extern_info_t info{};
    if (wasmpool_error_t *err = wasmpool_func_type(f, &info)) return Error::adopt(err);
    return Func(f, info.nresults);
  }
  /// Sets element `index` to `f` (a function of the same Store; raw() nullptr for null).
  Status set(uint64_t index, const Func &f) const { return Status::from_c(wasmpool_table_set(raw_, index, f.raw())); }
  /// Grows by `delta` elements set to `init` (null by default); the previous size.
  Result<uint64_t> grow(uint64_t delta, const Func &init = Func(nullptr, 0)) const {
    uint64_t previous = 0;
    wasmpool_error_t *err = wasmpool_table_grow(raw_, delta, init.raw(), &previous);
    return detail::make(err, previous);
  }
  /// Elements as values of the table's kind, for tables of every reference type.
  static Result<Table> make(Store &store, const wasmpool_tabletype_t &type, const Val &init) {
    wasmpool_table_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_table_new_with_init(store.raw(), &type, &init, &out);
    return detail::make(err, Table(out));
  }
  Result<Val> get_val(uint64_t index) const {
    wasmpool_val_t out{};
    wasmpool_error_t *err = wasmpool_table_get_val(raw_, index, &out);
    return detail::make(err, Val(out));
  }
  Status set_val(uint64_t index, const Val &v) const { return Status::from_c(wasmpool_table_set_val(raw_, index, &v)); }
  Result<uint64_t> grow_val(uint64_t delta, const Val &init) const {
    uint64_t previous = 0;
    wasmpool_error_t *err = wasmpool_table_grow_val(raw_, delta, &init, &previous);
    return detail::make(err, previous);
  }
  Result<wasmpool_tabletype_t> type() const {
    wasmpool_tabletype_t out{};
    wasmpool_error_t *err = wasmpool_table_type(raw_, &out);
    return detail::make(err, out);
  }
  wasmpool_table_t *raw() const { return raw_; }

 private:
  wasmpool_table_t *raw_;
};

/// A global, made by Global::make or Instance::export_global.
class Global {
 public:
  explicit Global(wasmpool_global_t *raw) : raw_(raw) {}
  /// A global holding `value` (its kind is the global's); `is_mutable` allows set().
  static Result<Global> make(Store &store, const Val &value, bool is_mutable) {
    wasmpool_globaltype_t type{};
    type.kind = value.kind;
    type.is_mutable = is_mutable;
    wasmpool_global_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_global_new(store.raw(), &type, &value, &out);
    return detail::make(err, Global(out));
  }
  Result<Val> get() const {
    wasmpool_val_t v{};
    wasmpool_error_t *err = wasmpool_global_get(raw_, &v);
    return detail::make(err, Val(v));
  }
  /// INVALID_ARGUMENT on an immutable global or a value of another kind.
  Status set(const Val &v) const { return Status::from_c(wasmpool_global_set(raw_, &v)); }
  Result<wasmpool_globaltype_t> type() const {
    wasmpool_globaltype_t out{};
    wasmpool_error_t *err = wasmpool_global_type(raw_, &out);
    return detail::make(err, out);
  }
  wasmpool_global_t *raw() const { return raw_; }

 private:
  wasmpool_global_t *raw_;
};

inline Result<Memory> Instance::export_memory(std::string_view name) const {
  wasmpool_memory_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_instance_export_memory_n(raw_, name.data(), name.size(), &out);
  return detail::make(err, Memory(out));
}
inline Result<Table> Instance::export_table(std::string_view name) const {
  wasmpool_table_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_instance_export_table_n(raw_, name.data(), name.size(), &out);
  return detail::make(err, Table(out));
}
inline Result<Global> Instance::export_global(std::string_view name) const {
  wasmpool_global_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_instance_export_global_n(raw_, name.data(), name.size(), &out);
  return detail::make(err, Global(out));
}

inline Status Linker::define_memory(Store &store, std::string_view module, std::string_view name, const Memory &m) {
  return Status::from_c(wasmpool_linker_define_memory_n(raw_, store.raw(), module.data(), module.size(), name.data(),
                                                        name.size(), m.raw()));
}
inline Status Linker::define_table(Store &store, std::string_view module, std::string_view name, const Table &t) {
  return Status::from_c(wasmpool_linker_define_table_n(raw_, store.raw(), module.data(), module.size(), name.data(),
                                                       name.size(), t.raw()));
}
inline Status Linker::define_global(Store &store, std::string_view module, std::string_view name, const Global &g) {
  return Status::from_c(wasmpool_linker_define_global_n(raw_, store.raw(), module.data(), module.size(), name.data(),
                                                        name.size(), g.raw()));
}
inline Status Linker::define_instance(Store &store, std::string_view name, const Instance &instance) {
  return Status::from_c(
      wasmpool_linker_define_instance_n(raw_, store.raw(), name.data(), name.size(), instance.raw()));
}
inline Result<Instance> Linker::instantiate(Store &store, const Module &module) const {
  wasmpool_instance_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_linker_instantiate(raw_, store.raw(), module.raw(), &out);
  return detail::make(err, Instance(out));
}

inline Result<Instance> InstancePre::instantiate(Store &store) const {
  wasmpool_instance_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_instance_pre_instantiate(raw_, store.raw(), &out);
  return detail::make(err, Instance(out));
}

}  // namespace wasmpool

#endif  // WASMPOOL_CORE_HH
