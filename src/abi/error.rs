//! `wasmpool_error_t`: the one error type every fallible export returns, and
//! the Rust `Error` it is made from. The exports that read errors are in
//! `src/error.rs`.
//!
//! Errors carry a kind (what went wrong, for the host to branch on), a
//! message (for humans and logs) and, for traps, a trap code. Kinds are derived
//! from the types Wasmtime reports (`Trap`, `PoolConcurrencyLimitError`, OS
//! errors) wherever such a type exists.

use std::ffi::CString;
use std::fmt::Display;

use super::trace::{self, Frame};
use crate::diag::exception::Exception;


/// What kind of failure a `wasmpool_error_t` reports.
///
/// More kinds may be added at the end in later minor versions; hosts should
/// treat unknown values like `WASMPOOL_ERROR_OTHER`.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_error_kind_t {
    /// A NULL pointer where a value was required, a value out of range, a
    /// string that is not UTF-8, a wrong number or type of arguments.
    WASMPOOL_ERROR_INVALID_ARGUMENT = 0,
    /// The engine could not be created: the configuration is contradictory or
    /// the pool's address space could not be reserved.
    WASMPOOL_ERROR_ENGINE = 1,
    /// The bytes are not a valid WebAssembly module (binary or text).
    WASMPOOL_ERROR_COMPILE = 2,
    /// An import could not be satisfied, or an export is missing.
    WASMPOOL_ERROR_LINK = 3,
    /// The module is valid but exceeds a per-module or per-store limit of the
    /// configuration (memories, tables, sizes, instance metadata size).
    WASMPOOL_ERROR_LIMIT_EXCEEDED = 4,
    /// The pool has no free slot right now (too many concurrent instances,
    /// memories, tables, stacks or GC heaps). Retry after a store is deleted.
    WASMPOOL_ERROR_POOL_EXHAUSTED = 5,
    /// The guest trapped; `wasmpool_error_trap_code` says why.
    WASMPOOL_ERROR_TRAP = 6,
    /// The guest was interrupted because its epoch deadline passed.
    WASMPOOL_ERROR_INTERRUPTED = 7,
    /// The guest ran out of fuel.
    WASMPOOL_ERROR_OUT_OF_FUEL = 8,
    /// A file could not be read or written.
    WASMPOOL_ERROR_IO = 9,
    /// A Rust panic was caught at the C boundary. The library is still usable,
    /// but the object that was being operated on may be in an unusable state.
    WASMPOOL_ERROR_PANIC = 10,
    /// Anything else.
    WASMPOOL_ERROR_OTHER = 11,
    /// A WebAssembly exception (exception-handling proposal) was thrown and
    /// not caught by the guest. Its payload and tag are readable with
    /// `wasmpool_error_exception_payload_count`, `_payload` and `_tag_is`;
    /// the backtrace is where it was thrown.
    WASMPOOL_ERROR_EXCEPTION = 12,
}

/// Why a guest trapped (see `wasmpool_error_trap_code`).
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_trap_code_t {
    /// The call stack was exhausted (`max_wasm_stack`).
    WASMPOOL_TRAP_STACK_OVERFLOW = 0,
    /// Out-of-bounds linear memory access.
    WASMPOOL_TRAP_MEMORY_OUT_OF_BOUNDS = 1,
    /// Misaligned atomic access.
    WASMPOOL_TRAP_HEAP_MISALIGNED = 2,
    /// Out-of-bounds table access.
    WASMPOOL_TRAP_TABLE_OUT_OF_BOUNDS = 3,
    /// Indirect call through an uninitialised table element.
    WASMPOOL_TRAP_INDIRECT_CALL_TO_NULL = 4,
    /// Indirect call with the wrong signature.
    WASMPOOL_TRAP_BAD_SIGNATURE = 5,
    /// Integer overflow (e.g. `i32.div_s` of INT_MIN by -1).
    WASMPOOL_TRAP_INTEGER_OVERFLOW = 6,
    /// Integer division by zero.
    WASMPOOL_TRAP_INTEGER_DIVISION_BY_ZERO = 7,
    /// Float to integer conversion out of range.
    WASMPOOL_TRAP_BAD_CONVERSION_TO_INTEGER = 8,
    /// An `unreachable` instruction was executed.
    WASMPOOL_TRAP_UNREACHABLE = 9,
    /// Epoch deadline reached (the error kind is `WASMPOOL_ERROR_INTERRUPTED`).
    WASMPOOL_TRAP_INTERRUPT = 10,
    /// Fuel exhausted (the error kind is `WASMPOOL_ERROR_OUT_OF_FUEL`).
    WASMPOOL_TRAP_OUT_OF_FUEL = 11,
    /// A null reference was dereferenced.
    WASMPOOL_TRAP_NULL_REFERENCE = 12,
    /// Out-of-bounds GC array access.
    WASMPOOL_TRAP_ARRAY_OUT_OF_BOUNDS = 13,
    /// A GC allocation was too large.
    WASMPOOL_TRAP_ALLOCATION_TOO_LARGE = 14,
    /// A GC cast failed.
    WASMPOOL_TRAP_CAST_FAILURE = 15,
    /// A host function returned an error.
    WASMPOOL_TRAP_HOST = 16,
    /// Any other trap.
    WASMPOOL_TRAP_OTHER = 17,
    /// A call reached an import defined by
    /// `wasmpool_linker_define_unknown_imports_as_traps`.
    WASMPOOL_TRAP_UNKNOWN_IMPORT = 18,
}

/// An error returned by a fallible wasmpool function.
///
/// Ownership: the caller owns every non-NULL `wasmpool_error_t *` it receives
/// and must release it with `wasmpool_error_delete`. Errors are plain data:
/// they can be moved to and read from any thread.
pub struct wasmpool_error_t {
    pub(crate) kind: wasmpool_error_kind_t,
    pub(crate) message: CString,
    pub(crate) trap: Option<wasmpool_trap_code_t>,
    /// The guest frames the error unwound, innermost first (see `abi/trace.rs`).
    pub(crate) trace: Vec<Frame>,
    /// The uncaught exception of an EXCEPTION error (see `diag/exception.rs`).
    pub(crate) exception: Option<Box<Exception>>,
}

/// The Rust-side error every internal function returns; turned into an owned
/// `wasmpool_error_t` handle at the boundary.
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) kind: wasmpool_error_kind_t,
    pub(crate) message: String,
    pub(crate) trap: Option<wasmpool_trap_code_t>,
    /// The guest frames the error unwound; empty for errors not raised by guest code.
    pub(crate) trace: Vec<Frame>,
    /// The uncaught exception of an EXCEPTION error.
    pub(crate) exception: Option<Box<Exception>>,
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

use wasmpool_error_kind_t as K;

impl Error {
    pub(crate) fn new(kind: wasmpool_error_kind_t, message: impl Display) -> Self {
        Error { kind, message: message.to_string(), trap: None, trace: Vec::new(), exception: None }
    }

    /// A trap with `code`, of the kind the code implies, without a backtrace.
    pub(crate) fn trap(code: wasmpool_trap_code_t, message: impl Display) -> Self {
        Error { trap: Some(code), ..Self::new(kind_of_trap(code), message) }
    }

    pub(crate) fn invalid(message: impl Display) -> Self {
        Self::new(K::WASMPOOL_ERROR_INVALID_ARGUMENT, message)
    }

    /// A panic payload caught by the boundary.
    pub(crate) fn panic(payload: Box<dyn std::any::Any + Send>) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_string());
        Self::new(K::WASMPOOL_ERROR_PANIC, format!("panic inside wasmpool: {what}"))
    }

    /// Classifies an error Wasmtime returned while running guest code (a call,
    /// or a start function during instantiation). Traps keep their code, and
    /// every error keeps the guest backtrace Wasmtime attached to it.
    pub(crate) fn from_wasmtime(err: wasmtime::Error, otherwise: wasmpool_error_kind_t) -> Self {
        let trace = trace::capture(&err);
        Error { trace, ..Self::classify(err, otherwise) }
    }

    fn classify(err: wasmtime::Error, otherwise: wasmpool_error_kind_t) -> Self {
        let message = format!("{err:?}");
        if let Some(host) = err.downcast_ref::<HostTrap>() {
            return Self::trap(host.code, message);
        }
        if let Some(trap) = err.downcast_ref::<wasmtime::Trap>() {
            return Self::trap(trap_code(*trap), message);
        }
        // Core modules' stubs fail with a typed error; components' stubs
        // (Wasmtime 48's component linker) with an untyped one of a fixed form.
        let component_stub = err.root_cause().to_string().starts_with("unknown import: `");
        if err.is::<wasmtime::UnknownImportError>() || component_stub {
            // A placeholder from define_unknown_imports_as_traps was called.
            return Self::trap(wasmpool_trap_code_t::WASMPOOL_TRAP_UNKNOWN_IMPORT, message);
        }
        if err.is::<wasmtime::GcHeapOutOfMemory<()>>() {
            // A GC object (a struct, an array, a thrown exception) that the
            // store's GC heap cannot hold: the heap is at its configured size.
            return Self::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, message);
        }
        if err.is::<wasmtime::PoolConcurrencyLimitError>() {
            return Self::new(K::WASMPOOL_ERROR_POOL_EXHAUSTED, message);
        }
        Self::new(otherwise, message)
    }

    /// Moves the error to the heap as a C handle.
    pub(crate) fn into_raw(self) -> *mut wasmpool_error_t {
        // Interior NULs cannot appear in a C string; show them instead of
        // truncating the message silently.
        let message = CString::new(self.message.replace('\0', "\\0"))
            .unwrap_or_else(|_| CString::from(c"(unprintable message)"));
        super::into_boxed(wasmpool_error_t { kind: self.kind, message, trap: self.trap, trace: self.trace, exception: self.exception })
    }
}

/// The error a host function returned, carried through the guest's stack as
/// a trap and turned back into a TRAP error with the host's code and message.
#[derive(Debug)]
pub(crate) struct HostTrap {
    pub(crate) code: wasmpool_trap_code_t,
    pub(crate) message: String,
}

impl std::fmt::Display for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "host function failed: {}", self.message)
    }
}

impl std::error::Error for HostTrap {}

impl wasmpool_error_t {
    /// Turns an error a host callback returned into what it raises in the
    /// guest: the same exception again when it is an uncaught exception the
    /// callback got from calling back into the guest (still pending in the
    /// store), else a trap with the error's code and message.
    pub(crate) fn into_host_error(self) -> wasmtime::Error {
        if let Some(rethrow) = self.exception.as_ref().and_then(|x| x.rethrow()) {
            return rethrow;
        }
        wasmtime::Error::new(HostTrap {
            code: self.trap.unwrap_or(wasmpool_trap_code_t::WASMPOOL_TRAP_HOST),
            message: self.message.to_string_lossy().into_owned(),
        })
    }
}

/// The error kind for a trap code: deadlines and fuel have kinds of their own.
pub(crate) fn kind_of_trap(code: wasmpool_trap_code_t) -> wasmpool_error_kind_t {
    match code {
        wasmpool_trap_code_t::WASMPOOL_TRAP_INTERRUPT => K::WASMPOOL_ERROR_INTERRUPTED,
        wasmpool_trap_code_t::WASMPOOL_TRAP_OUT_OF_FUEL => K::WASMPOOL_ERROR_OUT_OF_FUEL,
        _ => K::WASMPOOL_ERROR_TRAP,
    }
}

/// Maps a Wasmtime trap to the stable C trap code.
fn trap_code(trap: wasmtime::Trap) -> wasmpool_trap_code_t {
    use wasmpool_trap_code_t as T;
    use wasmtime::Trap as W;
    match trap {
        W::StackOverflow => T::WASMPOOL_TRAP_STACK_OVERFLOW,
        W::MemoryOutOfBounds => T::WASMPOOL_TRAP_MEMORY_OUT_OF_BOUNDS,
        W::HeapMisaligned => T::WASMPOOL_TRAP_HEAP_MISALIGNED,
        W::TableOutOfBounds => T::WASMPOOL_TRAP_TABLE_OUT_OF_BOUNDS,
        W::IndirectCallToNull => T::WASMPOOL_TRAP_INDIRECT_CALL_TO_NULL,
        W::BadSignature => T::WASMPOOL_TRAP_BAD_SIGNATURE,
        W::IntegerOverflow => T::WASMPOOL_TRAP_INTEGER_OVERFLOW,
        W::IntegerDivisionByZero => T::WASMPOOL_TRAP_INTEGER_DIVISION_BY_ZERO,
        W::BadConversionToInteger => T::WASMPOOL_TRAP_BAD_CONVERSION_TO_INTEGER,
        W::UnreachableCodeReached => T::WASMPOOL_TRAP_UNREACHABLE,
        W::Interrupt => T::WASMPOOL_TRAP_INTERRUPT,
        W::OutOfFuel => T::WASMPOOL_TRAP_OUT_OF_FUEL,
        W::NullReference => T::WASMPOOL_TRAP_NULL_REFERENCE,
        W::ArrayOutOfBounds => T::WASMPOOL_TRAP_ARRAY_OUT_OF_BOUNDS,
        W::AllocationTooLarge => T::WASMPOOL_TRAP_ALLOCATION_TOO_LARGE,
        W::CastFailure => T::WASMPOOL_TRAP_CAST_FAILURE,
        _ => T::WASMPOOL_TRAP_OTHER,
    }
}

super::c_enum!(wasmpool_error_kind_t, "WASMPOOL_ERROR_");
super::c_enum!(wasmpool_trap_code_t, "WASMPOOL_TRAP_");

impl super::Handle for wasmpool_error_t {
    type Ownership = super::Boxed;
}
