// wasmpool.hh: a C++17 header-only layer over wasmpool.h. Include this file only: it holds the
// errors, Config and Engine, and includes its parts, wasmpool_wasi.hh (WasiConfig),
// wasmpool_core.hh (core modules) and wasmpool_component.hh (components), which are installed
// next to it.
//
// Every owning class (Config, Engine, Module, Component, Linker, ComponentLinker, InstancePre,
// ComponentPre, Store, ResourceType, WasiConfig) holds one C handle with a `_delete` function,
// is move-only and deletes its handle in its destructor. The views (Instance, Func, ComponentInstance,
// ComponentFunc, Resource, Caller, ComponentCaller) hold a handle that a store owns: they are
// copyable, never free anything, and are valid only while the Store they came from lives (for
// the callers: only during the host call they were given to).
//
// Errors are values, never exceptions: every fallible call returns a Result<T> holding either a
// T or an Error (kind, message, trap code), so hosts built with -fno-exceptions can use it.
// Calling value() on a failed Result (or error() on a successful one) is a programming error:
// it prints the error and aborts.
//
// Thread safety follows the C API: an Engine (and what only reads it: Module, Component,
// InstancePre, ComponentPre) may be shared by threads; a Store and everything it owns is used by
// one thread at a time; Config, Linker and ComponentLinker are not to be mutated concurrently.
#ifndef WASMPOOL_HH
#define WASMPOOL_HH

#include <wasmpool.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace wasmpool {

// ---------------------------------------------------------------------------------------------
// Errors and results
// ---------------------------------------------------------------------------------------------

/// The kind of an Error (`wasmpool_error_kind_t`).
enum class ErrorKind : uint32_t {
  InvalidArgument = WASMPOOL_ERROR_INVALID_ARGUMENT,
  Engine = WASMPOOL_ERROR_ENGINE,
  Compile = WASMPOOL_ERROR_COMPILE,
  Link = WASMPOOL_ERROR_LINK,
  LimitExceeded = WASMPOOL_ERROR_LIMIT_EXCEEDED,
  PoolExhausted = WASMPOOL_ERROR_POOL_EXHAUSTED,
  Trap = WASMPOOL_ERROR_TRAP,
  Interrupted = WASMPOOL_ERROR_INTERRUPTED,
  OutOfFuel = WASMPOOL_ERROR_OUT_OF_FUEL,
  Io = WASMPOOL_ERROR_IO,
  Panic = WASMPOOL_ERROR_PANIC,
  Other = WASMPOOL_ERROR_OTHER,
  Exception = WASMPOOL_ERROR_EXCEPTION,
};

/// One frame of a guest backtrace (`wasmpool_trace_frame_t`, copied): unknown names, offsets
/// and files are empty optionals; `line` and `column` are 0 when unknown.
struct Frame {
  uint32_t func_index = 0;
  std::optional<std::string> func_name;    // may hold NUL bytes
  std::optional<std::string> module_name;
  std::optional<size_t> module_offset;
  std::optional<size_t> func_offset;
  std::optional<std::string> file;         // from the guest's DWARF info (wasm_backtrace_details)
  uint32_t line = 0;
  uint32_t column = 0;
};

/// A failure: its kind, its message, for traps the trap code, and the guest frames it unwound
/// (trace(), innermost first). A plain value (it copies all of it out of the C error, which it
/// deletes), so it may be kept, copied and moved freely and used from any thread.
class Error {
 public:
  Error(ErrorKind kind, std::string message, std::optional<wasmpool_trap_code_t> trap = std::nullopt)
      : kind_(kind), message_(std::move(message)), trap_(trap) {}

  /// Takes over `err` (not NULL) and deletes it.
  static Error adopt(wasmpool_error_t *err) {
    ErrorKind kind = static_cast<ErrorKind>(wasmpool_error_kind(err));
    const char *msg = wasmpool_error_message(err);
    std::optional<wasmpool_trap_code_t> trap;
    wasmpool_trap_code_t code = WASMPOOL_TRAP_OTHER;
    if (wasmpool_error_trap_code(err, &code)) trap = code;
    Error out(kind, msg != nullptr ? msg : "", trap);
    size_t n = wasmpool_error_trace_count(err);
    out.trace_.reserve(n);
    for (size_t i = 0; i < n; i++) {
      wasmpool_trace_frame_t f;
      if (wasmpool_error_t *e = wasmpool_error_trace_frame(err, i, &f)) {
        wasmpool_error_delete(e);  // cannot happen below the count
        break;
      }
      auto text = [](const char *p, size_t len) {
        return p != nullptr ? std::optional<std::string>(std::string(p, len)) : std::nullopt;
      };
      auto offset = [](size_t v) { return v != SIZE_MAX ? std::optional<size_t>(v) : std::nullopt; };
      out.trace_.push_back(Frame{f.func_index, text(f.func_name, f.func_name_len),
                                 text(f.module_name, f.module_name_len), offset(f.module_offset),
                                 offset(f.func_offset), text(f.file, f.file_len), f.line, f.column});
    }
    if (out.kind_ == ErrorKind::Exception) {
      // Kept whole: its tag can only be compared by the C error (Instance::exception_tag_is).
      size_t count = wasmpool_error_exception_payload_count(err);
      for (size_t i = 0; i < count; i++) {
        wasmpool_val_t v;
        wasmpool_error_t *e = wasmpool_error_exception_payload(err, i, &v);
        out.payload_.push_back(e == nullptr ? std::optional<wasmpool_val_t>(v) : std::nullopt);
        wasmpool_error_delete(e);
      }
      out.exception_ = std::shared_ptr<const wasmpool_error_t>(
          err, [](const wasmpool_error_t *e) { wasmpool_error_delete(const_cast<wasmpool_error_t *>(e)); });
      return out;
    }
    wasmpool_error_delete(err);
    return out;
  }

  /// A trap for a host function to return: the guest traps with code HOST (or `code`) and
  /// this message reaches the caller of the wasm call.
  static Error trap(std::string message, wasmpool_trap_code_t code = WASMPOOL_TRAP_HOST) {
    return Error(ErrorKind::Trap, std::move(message), code);
  }

  ErrorKind kind() const { return kind_; }
  const std::string &message() const { return message_; }
  /// The trap code of a TRAP error, none otherwise.
  std::optional<wasmpool_trap_code_t> trap_code() const { return trap_; }
  /// The guest backtrace, innermost frame first; empty for errors that are not the guest's
  /// (or with the `wasm_backtrace` knob off).
  const std::vector<Frame> &trace() const { return trace_; }
  /// An EXCEPTION error's payload, value by value (nullopt for a reference value, which
  /// wasmpool_val_t cannot carry yet); empty for other kinds.
  const std::vector<std::optional<wasmpool_val_t>> &exception_payload() const { return payload_; }
  /// The C error of an EXCEPTION error (shared by the copies of this Error, read-only), or
  /// nullptr: what Instance::exception_tag_is compares.
  const wasmpool_error_t *exception_raw() const { return exception_.get(); }

  /// A new C error for a host callback to return (wasmpool takes it over).
  wasmpool_error_t *to_c_trap() const {
    return wasmpool_trap_new_with_code(trap_.value_or(WASMPOOL_TRAP_HOST), message_.c_str());
  }

 private:
  ErrorKind kind_;
  std::string message_;
  std::optional<wasmpool_trap_code_t> trap_;
  std::vector<Frame> trace_;
  std::vector<std::optional<wasmpool_val_t>> payload_;
  std::shared_ptr<const wasmpool_error_t> exception_;
};

namespace detail {
[[noreturn]] inline void misuse(const char *what, const Error *err) {
  std::fprintf(stderr, "wasmpool.hh: %s%s%s\n", what, err != nullptr ? ": " : "",
               err != nullptr ? err->message().c_str() : "");
  std::abort();
}
}  // namespace detail

/// Either a T (ok) or an Error, like std::expected. value() on an error and error() on a
/// success abort the program (there are no exceptions to throw): check ok() first.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T &value() & {
    if (!ok()) detail::misuse("value() of a failed Result", &*error_);
    return *value_;
  }
  const T &value() const & {
    if (!ok()) detail::misuse("value() of a failed Result", &*error_);
    return *value_;
  }
  T &&value() && {
    if (!ok()) detail::misuse("value() of a failed Result", &*error_);
    return std::move(*value_);
  }
  const Error &error() const {
    if (ok()) detail::misuse("error() of a successful Result", nullptr);
    return *error_;
  }
  /// The error's kind; aborts on success like error().
  ErrorKind kind() const { return error().kind(); }

 private:
  std::optional<T> value_;
  std::optional<Error> error_;
};

/// A Result without a value: success, or an Error.
template <>
class Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT

  /// NULL is success; anything else is taken over (and deleted) as the error.
  static Result from_c(wasmpool_error_t *err) {
    if (err == nullptr) return Result();
    return Result(Error::adopt(err));
  }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error &error() const {
    if (ok()) detail::misuse("error() of a successful Result", nullptr);
    return *error_;
  }
  ErrorKind kind() const { return error().kind(); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

namespace detail {
/// `out` on success, the adopted error otherwise. Call the C function first, in a statement of
/// its own: the order in which arguments are evaluated is unspecified.
template <class T>
Result<T> make(wasmpool_error_t *err, T out) {
  if (err != nullptr) return Error::adopt(err);
  return Result<T>(std::move(out));
}

/// Owns a C handle through its `_delete` function.
template <class C, void (*Delete)(C *)>
class Owned {
 public:
  Owned() = default;
  explicit Owned(C *raw) : raw_(raw) {}
  Owned(Owned &&o) noexcept : raw_(std::exchange(o.raw_, nullptr)) {}
  Owned &operator=(Owned &&o) noexcept {
    if (this != &o) {
      reset();
      raw_ = std::exchange(o.raw_, nullptr);
    }
    return *this;
  }
  Owned(const Owned &) = delete;
  Owned &operator=(const Owned &) = delete;
  ~Owned() { reset(); }

  /// The C handle, still owned by this object (NULL after a move).
  C *raw() const { return raw_; }
  /// Gives up ownership: the caller deletes the handle.
  C *release() { return std::exchange(raw_, nullptr); }

 protected:
  void reset() {
    if (raw_ != nullptr) Delete(raw_);
    raw_ = nullptr;
  }
  C *raw_ = nullptr;
};

/// A callable behind a `void *env`, freed by the C finalizer exactly once.
template <class F>
void finalize(void *env) {
  delete static_cast<F *>(env);
}

inline std::vector<uint8_t> take_bytes(wasmpool_bytes_t *b) {
  std::vector<uint8_t> out(wasmpool_bytes_data(b), wasmpool_bytes_data(b) + wasmpool_bytes_len(b));
  wasmpool_bytes_delete(b);
  return out;
}
}  // namespace detail

/// A read-only or mutable run of `size()` elements (std::span is C++20).
template <class T>
class Span {
 public:
  Span() = default;
  Span(T *data, size_t size) : data_(data), size_(size) {}
  template <class V, class = std::enable_if_t<std::is_convertible_v<decltype(std::declval<V &>().data()), T *>>>
  Span(V &v) : data_(v.data()), size_(v.size()) {}  // NOLINT
  T *data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T &operator[](size_t i) const { return data_[i]; }
  T *begin() const { return data_; }
  T *end() const { return data_ + size_; }

 private:
  T *data_ = nullptr;
  size_t size_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Config and Engine
// ---------------------------------------------------------------------------------------------

/// Settings for an Engine: the pooling allocator's limits and the engine's own knobs.
/// Ownership: owns a `wasmpool_config_t`, move-only. An Engine copies what it needs, so the
/// Config may be dropped or reused after Engine::make. Not for concurrent mutation.
class Config : public detail::Owned<wasmpool_config_t, wasmpool_config_delete> {
 public:
  /// A configuration with every knob at its default (pooling strategy).
  Config() : Owned(wasmpool_config_new()) {
    if (raw_ == nullptr) detail::misuse("wasmpool_config_new failed (out of memory)", nullptr);
  }
  /// The server preset for at most `max_instances` concurrent instances; INVALID_ARGUMENT for 0.
  static Result<Config> server(uint32_t max_instances) {
    wasmpool_config_t *raw = wasmpool_config_new_server(max_instances);
    if (raw == nullptr) return Error(ErrorKind::InvalidArgument, "Config::server: max_instances must be at least 1");
    return Config(raw);
  }
  /// Applies `<prefix><KNOB>` environment variables; the number applied.
  Result<size_t> apply_env(const char *prefix = "WASMPOOL_") {
    size_t applied = 0;
    wasmpool_error_t *err = wasmpool_config_apply_env(raw_, prefix, &applied);
    return detail::make(err, applied);
  }
  /// What the pool reserves and keeps resident with these settings.
  Result<wasmpool_footprint_t> footprint() const {
    wasmpool_footprint_t out{};
    wasmpool_error_t *err = wasmpool_config_footprint(raw_, &out);
    return detail::make(err, out);
  }
  /// The compilation cache's directory (copied); nullptr turns the cache off.
  Status set_cache_dir(const char *dir) { return Status::from_c(wasmpool_config_cache_dir_set(raw_, dir)); }
  /// The compilation cache's directory, or an empty string for none.
  std::string cache_dir() const {
    const char *d = wasmpool_config_cache_dir_get(raw_);
    return d != nullptr ? d : "";
  }

  // Every knob: `Status set_<knob>(value)` and `<knob>()` (the C `_set` / `_get` pair).
  // WASMPOOL_HH_KNOBS_BEGIN: generated by tests/knobs.rs from the knob table, do not edit
  /// The allocation strategy: WASMPOOL_STRATEGY_POOLING, _ON_DEMAND or _AUTO. Default: WASMPOOL_STRATEGY_POOLING. Accepted: WASMPOOL_STRATEGY_POOLING, WASMPOOL_STRATEGY_ON_DEMAND, WASMPOOL_STRATEGY_AUTO.
  Status set_strategy(wasmpool_strategy_t value) { return Status::from_c(wasmpool_config_strategy_set(raw_, value)); }
  /// The configured `strategy`.
  wasmpool_strategy_t strategy() const { return wasmpool_config_strategy_get(raw_); }
  /// Epoch-based interruption (needed for store deadlines); costs a few percent of guest speed. Default: false. Accepted: true, false.
  Status set_epoch_interruption(bool value) { return Status::from_c(wasmpool_config_epoch_interruption_set(raw_, value)); }
  /// The configured `epoch_interruption`.
  bool epoch_interruption() const { return wasmpool_config_epoch_interruption_get(raw_); }
  /// The period, in milliseconds, of the engine's own epoch ticker thread. Default: 0. Accepted: any.
  Status set_epoch_tick_interval_ms(uint64_t value) { return Status::from_c(wasmpool_config_epoch_tick_interval_ms_set(raw_, value)); }
  /// The configured `epoch_tick_interval_ms`.
  uint64_t epoch_tick_interval_ms() const { return wasmpool_config_epoch_tick_interval_ms_get(raw_); }
  /// Fuel metering (needed for store fuel limits). Default: false. Accepted: true, false.
  Status set_consume_fuel(bool value) { return Status::from_c(wasmpool_config_consume_fuel_set(raw_, value)); }
  /// The configured `consume_fuel`.
  bool consume_fuel() const { return wasmpool_config_consume_fuel_get(raw_); }
  /// Maximum bytes of native stack guest code may use before trapping with `WASMPOOL_TRAP_STACK_OVERFLOW`. Default: 524288 (512 KiB). Accepted: 1 or more.
  Status set_max_wasm_stack(size_t value) { return Status::from_c(wasmpool_config_max_wasm_stack_set(raw_, value)); }
  /// The configured `max_wasm_stack`.
  size_t max_wasm_stack() const { return wasmpool_config_max_wasm_stack_get(raw_); }
  /// Bytes of virtual address space reserved for each linear memory (4 GiB lets 32-bit memories run without bounds checks). Default: 4294967296 (4 GiB). Accepted: any.
  Status set_memory_reservation(uint64_t value) { return Status::from_c(wasmpool_config_memory_reservation_set(raw_, value)); }
  /// The configured `memory_reservation`.
  uint64_t memory_reservation() const { return wasmpool_config_memory_reservation_get(raw_); }
  /// Bytes of inaccessible guard region after each linear memory. Default: 33554432 (32 MiB). Accepted: any.
  Status set_memory_guard_size(uint64_t value) { return Status::from_c(wasmpool_config_memory_guard_size_set(raw_, value)); }
  /// The configured `memory_guard_size`.
  uint64_t memory_guard_size() const { return wasmpool_config_memory_guard_size_get(raw_); }
  /// Whether linear memories are initialised copy-on-write from a memory image (instantiation cost independent of data size). Default: true. Accepted: true, false.
  Status set_memory_init_cow(bool value) { return Status::from_c(wasmpool_config_memory_init_cow_set(raw_, value)); }
  /// The configured `memory_init_cow`.
  bool memory_init_cow() const { return wasmpool_config_memory_init_cow_get(raw_); }
  /// Cranelift optimisation level. Default: WASMPOOL_OPT_LEVEL_SPEED. Accepted: WASMPOOL_OPT_LEVEL_NONE, WASMPOOL_OPT_LEVEL_SPEED, WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE.
  Status set_opt_level(wasmpool_opt_level_t value) { return Status::from_c(wasmpool_config_opt_level_set(raw_, value)); }
  /// The configured `opt_level`.
  wasmpool_opt_level_t opt_level() const { return wasmpool_config_opt_level_get(raw_); }
  /// How long an instantiation waits for a free slot when the pool is full, in milliseconds. Default: 0. Accepted: any.
  Status set_slot_wait_timeout_ms(uint64_t value) { return Status::from_c(wasmpool_config_slot_wait_timeout_ms_set(raw_, value)); }
  /// The configured `slot_wait_timeout_ms`.
  uint64_t slot_wait_timeout_ms() const { return wasmpool_config_slot_wait_timeout_ms_get(raw_); }
  /// Runs every instantiation and call on a fiber stack of its own (Wasmtime's async support). Default: false. Accepted: true, false.
  Status set_async_support(bool value) { return Status::from_c(wasmpool_config_async_support_set(raw_, value)); }
  /// The configured `async_support`.
  bool async_support() const { return wasmpool_config_async_support_get(raw_); }
  /// Bytes of each async stack: the guest's stack (`max_wasm_stack`) plus room for the host functions it calls, so it must be larger than `max_wasm_stack` (checked when the engine is built). Default: 2097152 (2 MiB). Accepted: 1 or more.
  Status set_async_stack_size(size_t value) { return Status::from_c(wasmpool_config_async_stack_size_set(raw_, value)); }
  /// The configured `async_stack_size`.
  size_t async_stack_size() const { return wasmpool_config_async_stack_size_get(raw_); }
  /// Whether the error of a trap carries the WebAssembly backtrace of the guest frames it unwound, innermost first (`wasmpool_error_trace_count` / `_frame`): function index and name, module name and offsets. Default: true. Accepted: true, false.
  Status set_wasm_backtrace(bool value) { return Status::from_c(wasmpool_config_wasm_backtrace_set(raw_, value)); }
  /// The configured `wasm_backtrace`.
  bool wasm_backtrace() const { return wasmpool_config_wasm_backtrace_get(raw_); }
  /// The most frames a trap's backtrace keeps (the innermost ones), when `wasm_backtrace` is on. Default: 20. Accepted: 1 or more.
  Status set_wasm_backtrace_max_frames(uint32_t value) { return Status::from_c(wasmpool_config_wasm_backtrace_max_frames_set(raw_, value)); }
  /// The configured `wasm_backtrace_max_frames`.
  uint32_t wasm_backtrace_max_frames() const { return wasmpool_config_wasm_backtrace_max_frames_get(raw_); }
  /// Whether compiled modules keep the DWARF debug information of their guest (built with `-g`) so that each frame of a trap's backtrace names its source file, line and column. Default: false. Accepted: true, false.
  Status set_wasm_backtrace_details(bool value) { return Status::from_c(wasmpool_config_wasm_backtrace_details_set(raw_, value)); }
  /// The configured `wasm_backtrace_details`.
  bool wasm_backtrace_details() const { return wasmpool_config_wasm_backtrace_details_get(raw_); }
  /// Emits native DWARF debug information for compiled guest code and registers it with the GDB JIT interface, so that gdb and lldb can show and step through guest functions. Default: false. Accepted: true, false.
  Status set_debug_info(bool value) { return Status::from_c(wasmpool_config_debug_info_set(raw_, value)); }
  /// The configured `debug_info`.
  bool debug_info() const { return wasmpool_config_debug_info_get(raw_); }
  /// Tells a profiler about compiled guest code: WASMPOOL_PROFILING_NONE, _PERFMAP (one line per function in `/tmp/perf-<pid>.map`, which `perf report` reads) or _JITDUMP (`jit-<pid>.dump` in the current directory, for `perf inject --jit`). Default: WASMPOOL_PROFILING_NONE. Accepted: WASMPOOL_PROFILING_NONE, WASMPOOL_PROFILING_PERFMAP, WASMPOOL_PROFILING_JITDUMP.
  Status set_profiling(wasmpool_profiling_t value) { return Status::from_c(wasmpool_config_profiling_set(raw_, value)); }
  /// The configured `profiling`.
  wasmpool_profiling_t profiling() const { return wasmpool_config_profiling_get(raw_); }
  /// The SIMD proposal: the `v128` type and its instructions. Default: true. Accepted: true, false.
  Status set_wasm_simd(bool value) { return Status::from_c(wasmpool_config_wasm_simd_set(raw_, value)); }
  /// The configured `wasm_simd`.
  bool wasm_simd() const { return wasmpool_config_wasm_simd_get(raw_); }
  /// The relaxed SIMD proposal: SIMD instructions whose results may differ between hosts for some inputs. Default: true. Accepted: true, false.
  Status set_wasm_relaxed_simd(bool value) { return Status::from_c(wasmpool_config_wasm_relaxed_simd_set(raw_, value)); }
  /// The configured `wasm_relaxed_simd`.
  bool wasm_relaxed_simd() const { return wasmpool_config_wasm_relaxed_simd_get(raw_); }
  /// The multi-memory proposal: more than one linear memory per module (under pooling, `max_memories_per_module` still bounds how many). Default: true. Accepted: true, false.
  Status set_wasm_multi_memory(bool value) { return Status::from_c(wasmpool_config_wasm_multi_memory_set(raw_, value)); }
  /// The configured `wasm_multi_memory`.
  bool wasm_multi_memory() const { return wasmpool_config_wasm_multi_memory_get(raw_); }
  /// The memory64 proposal: linear memories and tables indexed by 64-bit addresses. Default: true. Accepted: true, false.
  Status set_wasm_memory64(bool value) { return Status::from_c(wasmpool_config_wasm_memory64_set(raw_, value)); }
  /// The configured `wasm_memory64`.
  bool wasm_memory64() const { return wasmpool_config_wasm_memory64_get(raw_); }
  /// The threads proposal: atomic instructions and shared memories (it spawns no threads). Default: true. Accepted: true, false.
  Status set_wasm_threads(bool value) { return Status::from_c(wasmpool_config_wasm_threads_set(raw_, value)); }
  /// The configured `wasm_threads`.
  bool wasm_threads() const { return wasmpool_config_wasm_threads_get(raw_); }
  /// The tail-call proposal: `return_call` and `return_call_indirect`. Default: true. Accepted: true, false.
  Status set_wasm_tail_call(bool value) { return Status::from_c(wasmpool_config_wasm_tail_call_set(raw_, value)); }
  /// The configured `wasm_tail_call`.
  bool wasm_tail_call() const { return wasmpool_config_wasm_tail_call_get(raw_); }
  /// The garbage collection proposal: struct and array types, `i31ref` and their instructions. Default: true. Accepted: true, false.
  Status set_wasm_gc(bool value) { return Status::from_c(wasmpool_config_wasm_gc_set(raw_, value)); }
  /// The configured `wasm_gc`.
  bool wasm_gc() const { return wasmpool_config_wasm_gc_get(raw_); }
  /// The typed function references proposal: non-nullable and typed function references, `call_ref`. Default: true. Accepted: true, false.
  Status set_wasm_function_references(bool value) { return Status::from_c(wasmpool_config_wasm_function_references_set(raw_, value)); }
  /// The configured `wasm_function_references`.
  bool wasm_function_references() const { return wasmpool_config_wasm_function_references_get(raw_); }
  /// The exception-handling proposal: tags, `throw`, `try_table` and `exnref`. Default: true. Accepted: true, false.
  Status set_wasm_exceptions(bool value) { return Status::from_c(wasmpool_config_wasm_exceptions_set(raw_, value)); }
  /// The configured `wasm_exceptions`.
  bool wasm_exceptions() const { return wasmpool_config_wasm_exceptions_get(raw_); }
  /// The wide-arithmetic proposal: 128-bit additions and multiplications (`i64.add128`, `i64.mul_wide_s`, ...). Default: false. Accepted: true, false.
  Status set_wasm_wide_arithmetic(bool value) { return Status::from_c(wasmpool_config_wasm_wide_arithmetic_set(raw_, value)); }
  /// The configured `wasm_wide_arithmetic`.
  bool wasm_wide_arithmetic() const { return wasmpool_config_wasm_wide_arithmetic_get(raw_); }
  /// The custom-page-sizes proposal: memories whose page size is 1 byte instead of 64 KiB. Default: false. Accepted: true, false.
  Status set_wasm_custom_page_sizes(bool value) { return Status::from_c(wasmpool_config_wasm_custom_page_sizes_set(raw_, value)); }
  /// The configured `wasm_custom_page_sizes`.
  bool wasm_custom_page_sizes() const { return wasmpool_config_wasm_custom_page_sizes_get(raw_); }
  /// The warm-slot threshold N. Default: 100. Accepted: any.
  Status set_max_unused_warm_slots(uint32_t value) { return Status::from_c(wasmpool_config_max_unused_warm_slots_set(raw_, value)); }
  /// The configured `max_unused_warm_slots`.
  uint32_t max_unused_warm_slots() const { return wasmpool_config_max_unused_warm_slots_get(raw_); }
  /// How many slot decommits are queued before they are flushed in one batch (1 flushes each at once). Default: 1. Accepted: 1 or more.
  Status set_decommit_batch_size(size_t value) { return Status::from_c(wasmpool_config_decommit_batch_size_set(raw_, value)); }
  /// The configured `decommit_batch_size`.
  size_t decommit_batch_size() const { return wasmpool_config_decommit_batch_size_get(raw_); }
  /// Bytes at the top of each async stack that are zeroed with memset and kept resident when the stack is returned to the pool, instead of being decommitted. Default: 0. Accepted: any.
  Status set_async_stack_keep_resident(size_t value) { return Status::from_c(wasmpool_config_async_stack_keep_resident_set(raw_, value)); }
  /// The configured `async_stack_keep_resident`.
  size_t async_stack_keep_resident() const { return wasmpool_config_async_stack_keep_resident_get(raw_); }
  /// Bytes at the start of each linear memory that are reset with memset and kept resident when its slot is released, instead of being returned to the kernel. Default: 0. Accepted: any.
  Status set_linear_memory_keep_resident(size_t value) { return Status::from_c(wasmpool_config_linear_memory_keep_resident_set(raw_, value)); }
  /// The configured `linear_memory_keep_resident`.
  size_t linear_memory_keep_resident() const { return wasmpool_config_linear_memory_keep_resident_get(raw_); }
  /// Bytes of each table that are reset with memset and kept resident when its slot is released. Default: 0. Accepted: any.
  Status set_table_keep_resident(size_t value) { return Status::from_c(wasmpool_config_table_keep_resident_set(raw_, value)); }
  /// The configured `table_keep_resident`.
  size_t table_keep_resident() const { return wasmpool_config_table_keep_resident_get(raw_); }
  /// Maximum number of component instances alive at once across the engine. Default: 1000. Accepted: 0 to 16777216.
  Status set_total_component_instances(uint32_t value) { return Status::from_c(wasmpool_config_total_component_instances_set(raw_, value)); }
  /// The configured `total_component_instances`.
  uint32_t total_component_instances() const { return wasmpool_config_total_component_instances_get(raw_); }
  /// Maximum bytes of runtime metadata for one component instance (its own context plus its core instances'). Default: 1048576 (1 MiB). Accepted: any.
  Status set_max_component_instance_size(size_t value) { return Status::from_c(wasmpool_config_max_component_instance_size_set(raw_, value)); }
  /// The configured `max_component_instance_size`.
  size_t max_component_instance_size() const { return wasmpool_config_max_component_instance_size_get(raw_); }
  /// Maximum core instances one component may contain. Default: UINT32_MAX. Accepted: any.
  Status set_max_core_instances_per_component(uint32_t value) { return Status::from_c(wasmpool_config_max_core_instances_per_component_set(raw_, value)); }
  /// The configured `max_core_instances_per_component`.
  uint32_t max_core_instances_per_component() const { return wasmpool_config_max_core_instances_per_component_get(raw_); }
  /// Maximum linear memories one component may contain. Default: UINT32_MAX. Accepted: any.
  Status set_max_memories_per_component(uint32_t value) { return Status::from_c(wasmpool_config_max_memories_per_component_set(raw_, value)); }
  /// The configured `max_memories_per_component`.
  uint32_t max_memories_per_component() const { return wasmpool_config_max_memories_per_component_get(raw_); }
  /// Maximum tables one component may contain. Default: UINT32_MAX. Accepted: any.
  Status set_max_tables_per_component(uint32_t value) { return Status::from_c(wasmpool_config_max_tables_per_component_set(raw_, value)); }
  /// The configured `max_tables_per_component`.
  uint32_t max_tables_per_component() const { return wasmpool_config_max_tables_per_component_get(raw_); }
  /// Number of linear-memory slots in the pool: the maximum number of memories alive at once. Default: 1000. Accepted: 0 to 16777216.
  Status set_total_memories(uint32_t value) { return Status::from_c(wasmpool_config_total_memories_set(raw_, value)); }
  /// The configured `total_memories`.
  uint32_t total_memories() const { return wasmpool_config_total_memories_get(raw_); }
  /// Number of table slots in the pool: the maximum number of tables alive at once. Default: 1000. Accepted: 0 to 16777216.
  Status set_total_tables(uint32_t value) { return Status::from_c(wasmpool_config_total_tables_set(raw_, value)); }
  /// The configured `total_tables`.
  uint32_t total_tables() const { return wasmpool_config_total_tables_get(raw_); }
  /// Number of async stack slots in the pool. Default: 1000. Accepted: 0 to 16777216.
  Status set_total_stacks(uint32_t value) { return Status::from_c(wasmpool_config_total_stacks_set(raw_, value)); }
  /// The configured `total_stacks`.
  uint32_t total_stacks() const { return wasmpool_config_total_stacks_get(raw_); }
  /// Maximum number of core module instances alive at once across the engine. Default: 1000. Accepted: 0 to 16777216.
  Status set_total_core_instances(uint32_t value) { return Status::from_c(wasmpool_config_total_core_instances_set(raw_, value)); }
  /// The configured `total_core_instances`.
  uint32_t total_core_instances() const { return wasmpool_config_total_core_instances_get(raw_); }
  /// Maximum bytes of runtime metadata (the VMContext) for one core instance; a module needing more is rejected with WASMPOOL_ERROR_LIMIT_EXCEEDED. Default: 1048576 (1 MiB). Accepted: any.
  Status set_max_core_instance_size(size_t value) { return Status::from_c(wasmpool_config_max_core_instance_size_set(raw_, value)); }
  /// The configured `max_core_instance_size`.
  size_t max_core_instance_size() const { return wasmpool_config_max_core_instance_size_get(raw_); }
  /// Maximum tables one core module may define; more is WASMPOOL_ERROR_LIMIT_EXCEEDED. Default: 1. Accepted: any.
  Status set_max_tables_per_module(uint32_t value) { return Status::from_c(wasmpool_config_max_tables_per_module_set(raw_, value)); }
  /// The configured `max_tables_per_module`.
  uint32_t max_tables_per_module() const { return wasmpool_config_max_tables_per_module_get(raw_); }
  /// Maximum elements of any table; a table whose minimum exceeds it is WASMPOOL_ERROR_LIMIT_EXCEEDED, and table.grow stops there. Default: 20000. Accepted: any.
  Status set_table_elements(size_t value) { return Status::from_c(wasmpool_config_table_elements_set(raw_, value)); }
  /// The configured `table_elements`.
  size_t table_elements() const { return wasmpool_config_table_elements_get(raw_); }
  /// Maximum linear memories one core module may define; more is WASMPOOL_ERROR_LIMIT_EXCEEDED. Default: 1. Accepted: any.
  Status set_max_memories_per_module(uint32_t value) { return Status::from_c(wasmpool_config_max_memories_per_module_set(raw_, value)); }
  /// The configured `max_memories_per_module`.
  uint32_t max_memories_per_module() const { return wasmpool_config_max_memories_per_module_get(raw_); }
  /// Maximum bytes any linear memory may grow to; a memory whose minimum exceeds it is WASMPOOL_ERROR_LIMIT_EXCEEDED, and memory.grow beyond it returns -1. Default: 4294967296 (4 GiB). Accepted: any.
  Status set_max_memory_size(size_t value) { return Status::from_c(wasmpool_config_max_memory_size_set(raw_, value)); }
  /// The configured `max_memory_size`.
  size_t max_memory_size() const { return wasmpool_config_max_memory_size_get(raw_); }
  /// Whether memory protection keys (MPK, x86-64 pku) colour the memory pool so slots need no guard regions between them. Default: WASMPOOL_ENABLED_NO. Accepted: WASMPOOL_ENABLED_NO, WASMPOOL_ENABLED_YES, WASMPOOL_ENABLED_AUTO.
  Status set_memory_protection_keys(wasmpool_enabled_t value) { return Status::from_c(wasmpool_config_memory_protection_keys_set(raw_, value)); }
  /// The configured `memory_protection_keys`.
  wasmpool_enabled_t memory_protection_keys() const { return wasmpool_config_memory_protection_keys_get(raw_); }
  /// Upper bound on the protection keys used when MPK is on (the hardware has 15 usable). Default: 16. Accepted: any.
  Status set_max_memory_protection_keys(size_t value) { return Status::from_c(wasmpool_config_max_memory_protection_keys_set(raw_, value)); }
  /// The configured `max_memory_protection_keys`.
  size_t max_memory_protection_keys() const { return wasmpool_config_max_memory_protection_keys_get(raw_); }
  /// Number of GC heap slots in the pool. Default: 1000. Accepted: 0 to 16777216.
  Status set_total_gc_heaps(uint32_t value) { return Status::from_c(wasmpool_config_total_gc_heaps_set(raw_, value)); }
  /// The configured `total_gc_heaps`.
  uint32_t total_gc_heaps() const { return wasmpool_config_total_gc_heaps_get(raw_); }
  /// Whether the Linux PAGEMAP_SCAN ioctl (kernel 6.7+) is used to reset only the pages that were touched when a slot is released. Default: WASMPOOL_ENABLED_NO. Accepted: WASMPOOL_ENABLED_NO, WASMPOOL_ENABLED_YES, WASMPOOL_ENABLED_AUTO.
  Status set_pagemap_scan(wasmpool_enabled_t value) { return Status::from_c(wasmpool_config_pagemap_scan_set(raw_, value)); }
  /// The configured `pagemap_scan`.
  wasmpool_enabled_t pagemap_scan() const { return wasmpool_config_pagemap_scan_get(raw_); }
  // WASMPOOL_HH_KNOBS_END

 private:
  explicit Config(wasmpool_config_t *raw) : Owned(raw) {}
};

/// The shared compilation and pool state. Ownership: owns a `wasmpool_engine_t`, move-only;
/// every Module, Component, Store and pre-linked instance made from it must be deleted before
/// it. Thread safety: share it by reference between threads freely.
class Engine : public detail::Owned<wasmpool_engine_t, wasmpool_engine_delete> {
 public:
  static Result<Engine> make(const Config &cfg) {
    wasmpool_engine_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_engine_new(cfg.raw(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Engine(out);
  }
  wasmpool_strategy_t strategy() const { return wasmpool_engine_strategy(raw_); }
  /// Why AUTO fell back to on-demand allocation, or an empty string.
  std::string fallback_reason() const {
    const char *r = wasmpool_engine_fallback_reason(raw_);
    return r != nullptr ? r : "";
  }
  void increment_epoch() const { wasmpool_engine_increment_epoch(raw_); }
  /// A snapshot of the pool's counters.
  Result<wasmpool_metrics_t> metrics() const {
    wasmpool_metrics_t m{};
    m.struct_size = sizeof m;
    wasmpool_error_t *err = wasmpool_engine_metrics(raw_, &m);
    return detail::make(err, m);
  }
  /// The compilation cache's hits and misses (INVALID_ARGUMENT without a cache directory).
  Result<wasmpool_cache_stats_t> cache_stats() const {
    wasmpool_cache_stats_t s{};
    wasmpool_error_t *err = wasmpool_engine_cache_stats(raw_, &s);
    return detail::make(err, s);
  }

 private:
  explicit Engine(wasmpool_engine_t *raw) : Owned(raw) {}
};

}  // namespace wasmpool

// WASI: WasiConfig (before the core part: Store::set_wasi takes one).
#include <wasmpool_wasi.hh>
// Core modules: Val, Module, Linker, InstancePre, Store, Instance, Func.
#include <wasmpool_core.hh>
// Components: values, Component, ComponentLinker, ComponentPre, ComponentInstance, resources.
#include <wasmpool_component.hh>
// wasi:http: HttpConfig, HttpRequest, HttpResponse, define_http, set_http, handle_http.
#include <wasmpool_http.hh>

#endif  // WASMPOOL_HH
