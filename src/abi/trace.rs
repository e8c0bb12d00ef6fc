//! The WebAssembly backtrace an error keeps: the guest frames a trap
//! unwound, taken from the `WasmBacktrace` Wasmtime attaches to the errors
//! of guest code (when the engine's `wasm_backtrace` knob is on). The
//! exports that read it are in `src/diag/trace.rs`.

use std::ffi::c_char;

/// One frame of a trap's backtrace, as `wasmpool_error_trace_frame` writes
/// it. Every pointer is borrowed from the error and stays valid until
/// `wasmpool_error_delete`; never free them.
///
/// Names are given as (pointer, length) because WebAssembly names may hold
/// NUL bytes; each is also followed by a NUL byte (not counted in the
/// length), so a name without NULs can be used as a C string. A name that is
/// not known is NULL with length 0.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_trace_frame_t {
    /// The function's index in its module's function index space (imports
    /// first, then the module's own functions).
    pub func_index: u32,
    /// The function's name: from the module's `name` section, or inferred by
    /// Wasmtime (for example from an export); Rust and C++ symbols are
    /// demangled. NULL when unknown.
    pub func_name: *const c_char,
    /// Bytes of `func_name`.
    pub func_name_len: usize,
    /// The module's name (from its `name` section, or `(module $name ...)` in
    /// text); NULL when it has none. Inside a component, the core module's.
    pub module_name: *const c_char,
    /// Bytes of `module_name`.
    pub module_name_len: usize,
    /// Byte offset, in the module's binary, of the instruction the frame was
    /// executing (the trapping one for the innermost frame, a call in the
    /// others); `SIZE_MAX` when unknown.
    pub module_offset: usize,
    /// Byte offset of that instruction from the start of its function's body;
    /// `SIZE_MAX` when unknown.
    pub func_offset: usize,
    /// The source file, from the module's DWARF debug information, when the
    /// engine keeps it (`wasm_backtrace_details`) and the guest has it; else
    /// NULL.
    pub file: *const c_char,
    /// Bytes of `file`.
    pub file_len: usize,
    /// The source line (1-based), or 0 when unknown.
    pub line: u32,
    /// The source column (1-based), or 0 when unknown.
    pub column: u32,
}

/// A name owned by a frame: its bytes followed by a NUL.
#[derive(Debug, Clone)]
struct Name(Box<[u8]>);

impl Name {
    fn new(s: &str) -> Self {
        let mut bytes = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
        Name(bytes.into_boxed_slice())
    }

    fn to_c(name: Option<&Name>) -> (*const c_char, usize) {
        name.map_or((std::ptr::null(), 0), |n| (n.0.as_ptr().cast(), n.0.len() - 1))
    }
}

/// One frame, owned by an error.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    func_index: u32,
    func_name: Option<Name>,
    module_name: Option<Name>,
    module_offset: Option<usize>,
    func_offset: Option<usize>,
    file: Option<Name>,
    line: Option<u32>,
    column: Option<u32>,
}

impl Frame {
    fn new(f: &wasmtime::FrameInfo) -> Self {
        // The innermost source location (inlined calls come first).
        let symbol = f.symbols().first();
        Frame {
            func_index: f.func_index(),
            func_name: f.func_name().map(Name::new),
            module_name: f.module().name().map(Name::new),
            module_offset: f.module_offset(),
            func_offset: f.func_offset(),
            file: symbol.and_then(|s| s.file()).map(Name::new),
            line: symbol.and_then(|s| s.line()),
            column: symbol.and_then(|s| s.column()),
        }
    }

    /// The frame as C sees it, borrowing from `self`.
    pub(crate) fn to_c(&self) -> wasmpool_trace_frame_t {
        let (func_name, func_name_len) = Name::to_c(self.func_name.as_ref());
        let (module_name, module_name_len) = Name::to_c(self.module_name.as_ref());
        let (file, file_len) = Name::to_c(self.file.as_ref());
        wasmpool_trace_frame_t {
            func_index: self.func_index,
            func_name,
            func_name_len,
            module_name,
            module_name_len,
            module_offset: self.module_offset.unwrap_or(usize::MAX),
            func_offset: self.func_offset.unwrap_or(usize::MAX),
            file,
            file_len,
            line: self.line.unwrap_or(0),
            column: self.column.unwrap_or(0),
        }
    }
}

/// The frames of the backtrace Wasmtime attached to `err`, innermost first;
/// empty when it has none (not a guest error, or backtraces are off).
pub(crate) fn capture(err: &wasmtime::Error) -> Vec<Frame> {
    err.downcast_ref::<wasmtime::WasmBacktrace>()
        .map(|bt| bt.frames().iter().map(Frame::new).collect())
        .unwrap_or_default()
}
