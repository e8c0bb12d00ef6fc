// wasmpool_wasi.hh: the WASI part of wasmpool.hh (C++17, header-only): WasiConfig, what each
// Store is given with Store::set_wasi. The rest of the WASI surface lives with the classes it
// belongs to: Linker::define_wasi and Instance::run (preview 1, core modules) in
// wasmpool_core.hh, ComponentLinker::define_wasi and ComponentInstance::run (preview 2,
// components) in wasmpool_component.hh, Store::wasi_stdout / wasi_stderr for captured output.
// Include <wasmpool.hh>, which includes this file; see there for the ownership, error and
// thread-safety conventions.
#ifndef WASMPOOL_WASI_HH
#define WASMPOOL_WASI_HH

#ifndef WASMPOOL_HH
#error "include <wasmpool.hh>, which includes this part of it"
#endif

namespace wasmpool {

/// What a preopened directory lets the guest do (`wasmpool_wasi_perms_t`).
enum class WasiPerms : uint32_t {
  /// List, stat and read; writes fail inside the guest (never a trap).
  ReadOnly = WASMPOOL_WASI_PERMS_READ_ONLY,
  /// Read and write below the preopened directory.
  ReadWrite = WASMPOOL_WASI_PERMS_READ_WRITE,
};

/// A WASI configuration: arguments, environment, stdio and preopened directories for the
/// guests of a Store. Starts empty (no arguments, no environment, empty stdin, stdout and
/// stderr discarded, no directories, no network).
///
/// Ownership: owns a `wasmpool_wasi_config_t`, move-only. Store::set_wasi copies it, so one
/// WasiConfig may serve any number of stores and may be changed or dropped afterwards.
/// Thread safety: the setters need exclusive access; a WasiConfig that is no longer changed may
/// be given to stores on several threads at once.
///
/// Every setter returns a Status: INVALID_ARGUMENT for a string with a NUL byte or invalid
/// UTF-8, an empty or `=`-containing variable name, an empty guest path; IO for a preopened
/// directory that does not exist. On error nothing changes.
class WasiConfig : public detail::Owned<wasmpool_wasi_config_t, wasmpool_wasi_config_delete> {
 public:
  WasiConfig() : Owned(wasmpool_wasi_config_new()) {
    if (raw_ == nullptr) detail::misuse("wasmpool_wasi_config_new failed (out of memory)", nullptr);
  }

  /// The guest's argv (args[0] is the program name it sees), replacing earlier ones; an empty
  /// vector gives no arguments at all.
  Status set_args(const std::vector<std::string> &args) {
    std::vector<const char *> argv;
    argv.reserve(args.size());
    for (const std::string &a : args) {
      if (a.find('\0') != std::string::npos)
        return Error(ErrorKind::InvalidArgument, "WasiConfig::set_args: argument " +
                                                     std::to_string(argv.size()) + " contains a NUL byte");
      argv.push_back(a.c_str());
    }
    return Status::from_c(wasmpool_wasi_config_args_set(raw_, argv.empty() ? nullptr : argv.data(), argv.size()));
  }
  /// Sets the environment variable `name` to `value` for the guest (set variables win over
  /// inherited ones).
  Status set_env(const std::string &name, const std::string &value) {
    if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
      return Error(ErrorKind::InvalidArgument, "WasiConfig::set_env: name or value contains a NUL byte");
    return Status::from_c(wasmpool_wasi_config_env_set(raw_, name.c_str(), value.c_str()));
  }
  /// Gives the guest the host process's environment (read at Store::set_wasi).
  Status inherit_env() { return Status::from_c(wasmpool_wasi_config_inherit_env(raw_)); }

  /// The guest's stdin reads these bytes (copied), then end of file.
  Status set_stdin(std::string_view bytes) {
    return Status::from_c(wasmpool_wasi_config_stdin_bytes_set(
        raw_, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  }
  /// The guest's stdin is the host process's stdin.
  Status inherit_stdin() { return Status::from_c(wasmpool_wasi_config_stdin_inherit(raw_)); }

  /// Captures stdout into the store, keeping the first `max_bytes` bytes (the rest is dropped
  /// and counted, Store::wasi_stdout_dropped); read it with Store::wasi_stdout.
  Status capture_stdout(size_t max_bytes) {
    return Status::from_c(wasmpool_wasi_config_stdout_capture(raw_, max_bytes));
  }
  /// As capture_stdout, for stderr (Store::wasi_stderr).
  Status capture_stderr(size_t max_bytes) {
    return Status::from_c(wasmpool_wasi_config_stderr_capture(raw_, max_bytes));
  }
  /// The guest's stdout is the host process's stdout.
  Status inherit_stdout() { return Status::from_c(wasmpool_wasi_config_stdout_inherit(raw_)); }
  /// The guest's stderr is the host process's stderr.
  Status inherit_stderr() { return Status::from_c(wasmpool_wasi_config_stderr_inherit(raw_)); }
  /// stdin, stdout and stderr all inherited from the host process.
  Status inherit_stdio() { return Status::from_c(wasmpool_wasi_config_stdio_inherit(raw_)); }

  /// Lets the guest see the host directory `host_path` as `guest_path` ("/data", "."), with
  /// `perms`; the guest cannot leave it. The path is checked now (IO error if it is missing
  /// or not a directory) and opened again by each Store::set_wasi.
  Status preopen_dir(const std::string &host_path, const std::string &guest_path,
                     WasiPerms perms = WasiPerms::ReadOnly) {
    if (host_path.find('\0') != std::string::npos || guest_path.find('\0') != std::string::npos)
      return Error(ErrorKind::InvalidArgument, "WasiConfig::preopen_dir: a path contains a NUL byte");
    return Status::from_c(wasmpool_wasi_config_preopen_dir(raw_, host_path.c_str(), guest_path.c_str(),
                                                           static_cast<wasmpool_wasi_perms_t>(perms)));
  }
  /// Lets the guest use the host's network through WASI sockets.
  Status allow_network() { return Status::from_c(wasmpool_wasi_config_network_allow(raw_)); }
};

}  // namespace wasmpool

#endif  // WASMPOOL_WASI_HH
