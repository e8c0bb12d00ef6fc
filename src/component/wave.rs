//! WAVE (the WebAssembly Value Encoding, the text `wasmtime run --invoke`
//! takes and prints) for component values, through Wasmtime's own WAVE
//! support (its `wave` feature).

use std::ffi::c_char;

use wasmtime::component::Val;

use super::types::{Wit, refuse_parts, wasmpool_component_type_t};
use super::val::{from_wasmtime, to_wasmtime, wasmpool_component_val_t, wasmpool_component_valkind_t as K};
use crate::abi::{self, Error, wasmpool_error_t};
use crate::bytes::wasmpool_bytes_t;

/// WAVE has no form for resources (nor for the types wasmpool cannot
/// pass), and Wasmtime's WAVE writer panics on them: refuse such types
/// first.
fn check_wave_type(ty: &wasmpool_component_type_t) -> abi::Result<()> {
    let kinds = [K::WASMPOOL_COMPONENT_VALKIND_RESOURCE, K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED];
    refuse_parts(&ty.ty, &kinds, |ty, part| format!("values of type {ty} have no WAVE form (they contain {part})"))
}

/// Writes `val`, a value of type `ty`, as WAVE text (`[1, 2]`, `{name:
/// "x", age: 7}`, `some(ok("a"))`, ...) in a new byte buffer (UTF-8, not
/// NUL-terminated) written to `*out`; the caller releases it with
/// `wasmpool_bytes_delete`. `val` is only read (caller-built or a result);
/// `ty` is borrowed.
///
/// Errors: INVALID_ARGUMENT (NULL argument; `val` does not match `ty`, the
/// message says where; a type that contains resources, which WAVE cannot
/// write).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_val_to_wave(
    val: *const wasmpool_component_val_t,
    ty: *const wasmpool_component_type_t,
    out: *mut *mut wasmpool_bytes_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let val = abi::arg_ref(val, "val")?;
        let ty = abi::arg_ref(ty, "ty")?;
        let out = abi::out(out, "out")?;
        check_wave_type(ty)?;
        let text = to_wasmtime(val, &ty.ty, "val")?
            .to_wave()
            .map_err(|e| Error::invalid(format!("val cannot be written as WAVE: {e:#}")))?;
        out.write(abi::into_boxed(wasmpool_bytes_t::new(text.into_bytes())));
        Ok(())
    })
}

/// Reads the WAVE text at `text` (`len` bytes of UTF-8, no NUL needed) as a
/// value of type `ty` and writes it to `*out` (only on success). The value
/// is the caller's: release what it owns with
/// `wasmpool_component_val_delete`. `ty` is borrowed.
///
/// Errors: INVALID_ARGUMENT (NULL argument; text that is not UTF-8 or not a
/// WAVE value of type `ty`: the message says where; a type that contains
/// resources, which WAVE cannot write).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_val_from_wave(
    ty: *const wasmpool_component_type_t,
    text: *const c_char,
    len: usize,
    out: *mut wasmpool_component_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let ty = abi::arg_ref(ty, "ty")?;
        let text = abi::arg_slice(text.cast::<u8>(), len, "text")?;
        let text = std::str::from_utf8(text)
            .map_err(|e| Error::invalid(format!("argument `text` is not valid UTF-8 (at byte {})", e.valid_up_to())))?;
        let out = abi::out(out, "out")?;
        check_wave_type(ty)?;
        let val = Val::from_wave(&ty.ty, text)
            .map_err(|e| Error::invalid(format!("text is not a WAVE value of type {}: {e:#}", Wit(&ty.ty))))?;
        // WAVE has no resources, so nothing is adopted.
        out.write(from_wasmtime(val, &mut |_| std::ptr::null_mut()));
        Ok(())
    })
}
