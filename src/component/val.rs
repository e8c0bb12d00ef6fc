//! `wasmpool_component_val_t`: component-model values as a C tree (the
//! layout), and the delete that frees a tree wasmpool produced.
//!
//! Conversions to and from Wasmtime's `component::Val` are in
//! `val_convert.rs`, freeing in `val_free.rs`; both are re-exported here so
//! that the rest of the crate finds everything about values in one place.
//!
//! Memory: a tree made by wasmpool (a call's results, a value parsed from
//! WAVE) owns every array, string and payload it points to; each is a C
//! `malloc` block of exactly the length written beside them, and an empty
//! array or string has a NULL `data`. `wasmpool_component_val_delete` frees
//! them with `free`. A C host function's results travel the other way, in
//! the same form: wasmpool frees them once it has read them.
//! A tree built by the caller (arguments) is only read and stays the
//! caller's.

use std::ffi::c_char;

use crate::abi::{self, CEnum, raw};

use wasmpool_component_valkind_t as K;

pub(crate) use super::val_convert::{check_type, from_wasmtime, to_wasmtime, to_wasmtime_reusing};
pub use super::resource::wasmpool_component_resource_t;
pub(crate) use super::val_free::free_owned;

/// The kind of a `wasmpool_component_val_t` (which member of `of` is
/// valid), and of a `wasmpool_component_type_t`.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_component_valkind_t {
    /// `of.boolean`.
    WASMPOOL_COMPONENT_VALKIND_BOOL = 0,
    /// `of.s8`.
    WASMPOOL_COMPONENT_VALKIND_S8 = 1,
    /// `of.u8`.
    WASMPOOL_COMPONENT_VALKIND_U8 = 2,
    /// `of.s16`.
    WASMPOOL_COMPONENT_VALKIND_S16 = 3,
    /// `of.u16`.
    WASMPOOL_COMPONENT_VALKIND_U16 = 4,
    /// `of.s32`.
    WASMPOOL_COMPONENT_VALKIND_S32 = 5,
    /// `of.u32`.
    WASMPOOL_COMPONENT_VALKIND_U32 = 6,
    /// `of.s64`.
    WASMPOOL_COMPONENT_VALKIND_S64 = 7,
    /// `of.u64`.
    WASMPOOL_COMPONENT_VALKIND_U64 = 8,
    /// `of.f32` (WIT `f32`).
    WASMPOOL_COMPONENT_VALKIND_F32 = 9,
    /// `of.f64` (WIT `f64`).
    WASMPOOL_COMPONENT_VALKIND_F64 = 10,
    /// `of.character`: a Unicode scalar value (not a surrogate, at most
    /// U+10FFFF).
    WASMPOOL_COMPONENT_VALKIND_CHAR = 11,
    /// `of.string`: UTF-8.
    WASMPOOL_COMPONENT_VALKIND_STRING = 12,
    /// `of.list`: the elements (also for a fixed-length `list<T, N>`).
    WASMPOOL_COMPONENT_VALKIND_LIST = 13,
    /// `of.record`: the fields, each with its name.
    WASMPOOL_COMPONENT_VALKIND_RECORD = 14,
    /// `of.tuple`: the elements.
    WASMPOOL_COMPONENT_VALKIND_TUPLE = 15,
    /// `of.variant`: the case name and its payload.
    WASMPOOL_COMPONENT_VALKIND_VARIANT = 16,
    /// `of.enumeration`: the case name.
    WASMPOOL_COMPONENT_VALKIND_ENUM = 17,
    /// `of.option`: the payload, NULL for `none`.
    WASMPOOL_COMPONENT_VALKIND_OPTION = 18,
    /// `of.result`: ok or error, and its payload.
    WASMPOOL_COMPONENT_VALKIND_RESULT = 19,
    /// `of.flags`: the names of the flags that are set.
    WASMPOOL_COMPONENT_VALKIND_FLAGS = 20,
    /// `of.resource`: a resource handle (`own<R>` or `borrow<R>`).
    WASMPOOL_COMPONENT_VALKIND_RESOURCE = 21,
    /// A type wasmpool cannot pass: `map<K, V>`, `future`, `stream`,
    /// `error-context`. Wasmpool's engines do not enable the features that
    /// allow them, so components compiled by wasmpool do not use them; the
    /// kind exists so that type listings can say so. No payload.
    WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED = 22,
}

abi::c_enum!(wasmpool_component_valkind_t, "WASMPOOL_COMPONENT_VALKIND_");

/// A string: `len` bytes of UTF-8 at `data`, not NUL-terminated. `data`
/// may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasmpool_component_string_t {
    /// The bytes.
    pub data: *mut c_char,
    /// How many bytes.
    pub len: usize,
}

/// The elements of a list or a tuple: `len` values at `data` (NULL allowed
/// when `len` is 0).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasmpool_component_vals_t {
    /// The first element.
    pub data: *mut wasmpool_component_val_t,
    /// How many elements.
    pub len: usize,
}

/// The fields of a record: `len` fields at `data` (NULL allowed when `len`
/// is 0). Results list the fields in the type's order; arguments may list
/// them in any order, each exactly once.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasmpool_component_record_t {
    /// The first field.
    pub data: *mut wasmpool_component_field_t,
    /// How many fields.
    pub len: usize,
}

/// A variant value: the case's name and its payload.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasmpool_component_variant_t {
    /// The case's name, as in the variant type.
    pub name: wasmpool_component_string_t,
    /// The payload; NULL exactly when the case has none.
    pub payload: *mut wasmpool_component_val_t,
}

/// A result value: ok or error, and the payload.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasmpool_component_result_t {
    /// True for ok, false for error.
    pub is_ok: bool,
    /// The ok or error payload; NULL exactly when the type has none for
    /// that side (`result<_, E>` has no ok payload, `result` none at all).
    pub payload: *mut wasmpool_component_val_t,
}

/// A flags value: the names of the flags that are set (`len` names at
/// `data`, NULL allowed when `len` is 0). Results list them in the type's
/// order; arguments in any order.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasmpool_component_flags_t {
    /// The first name.
    pub data: *mut wasmpool_component_string_t,
    /// How many names.
    pub len: usize,
}

/// The payload of a `wasmpool_component_val_t`; which member is valid is
/// given by its `kind`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasmpool_component_valunion_t {
    /// For `WASMPOOL_COMPONENT_VALKIND_BOOL`.
    pub boolean: bool,
    /// For `WASMPOOL_COMPONENT_VALKIND_S8`.
    pub s8: i8,
    /// For `WASMPOOL_COMPONENT_VALKIND_U8`.
    pub u8: u8,
    /// For `WASMPOOL_COMPONENT_VALKIND_S16`.
    pub s16: i16,
    /// For `WASMPOOL_COMPONENT_VALKIND_U16`.
    pub u16: u16,
    /// For `WASMPOOL_COMPONENT_VALKIND_S32`.
    pub s32: i32,
    /// For `WASMPOOL_COMPONENT_VALKIND_U32`.
    pub u32: u32,
    /// For `WASMPOOL_COMPONENT_VALKIND_S64`.
    pub s64: i64,
    /// For `WASMPOOL_COMPONENT_VALKIND_U64`.
    pub u64: u64,
    /// For `WASMPOOL_COMPONENT_VALKIND_F32`.
    pub f32: f32,
    /// For `WASMPOOL_COMPONENT_VALKIND_F64`.
    pub f64: f64,
    /// For `WASMPOOL_COMPONENT_VALKIND_CHAR`: the code point.
    pub character: u32,
    /// For `WASMPOOL_COMPONENT_VALKIND_STRING`.
    pub string: wasmpool_component_string_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_LIST`.
    pub list: wasmpool_component_vals_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_RECORD`.
    pub record: wasmpool_component_record_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_TUPLE`.
    pub tuple: wasmpool_component_vals_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_VARIANT`.
    pub variant: wasmpool_component_variant_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_ENUM`: the case's name.
    pub enumeration: wasmpool_component_string_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_OPTION`: the payload, NULL for `none`.
    pub option: *mut wasmpool_component_val_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_RESULT`.
    pub result: wasmpool_component_result_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_FLAGS`.
    pub flags: wasmpool_component_flags_t,
    /// For `WASMPOOL_COMPONENT_VALKIND_RESOURCE`: a handle owned by the
    /// store (see `wasmpool_component_resource_t`).
    pub resource: *mut wasmpool_component_resource_t,
}

/// A component-model value: a kind and the matching member of `of`.
///
/// Arguments are built by the caller, who keeps them: wasmpool only reads
/// them (a resource argument's handle must come from the same store).
/// Results (and values parsed from WAVE) are built by wasmpool and own
/// their strings, arrays and payloads (each a `malloc` block): release them
/// with `wasmpool_component_val_delete`, once per value (the tree in one
/// call). A host function's results are built by the host the same way
/// (with `malloc`) and freed by wasmpool.
///
/// Thread safety: plain data; a value holding resource handles is tied to
/// their store.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_component_val_t {
    /// One of `wasmpool_component_valkind_t`; any other value (and
    /// UNSUPPORTED) is rejected with INVALID_ARGUMENT.
    pub kind: raw::wasmpool_component_valkind_t,
    /// The value.
    pub of: wasmpool_component_valunion_t,
}

/// One field of a record: its name and value.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_component_field_t {
    /// The field's name, as in the record type (kebab-case).
    pub name: wasmpool_component_string_t,
    /// The field's value.
    pub value: wasmpool_component_val_t,
}

impl wasmpool_component_val_t {
    /// A value of kind `kind` with payload `of`.
    pub(crate) fn new(kind: wasmpool_component_valkind_t, of: wasmpool_component_valunion_t) -> Self {
        wasmpool_component_val_t { kind: kind.to_c(), of }
    }

    /// The kind, if it is one.
    pub(crate) fn kind(&self) -> Option<wasmpool_component_valkind_t> {
        wasmpool_component_valkind_t::from_c(self.kind).ok()
    }
}

/// A `bool` false: what result slots hold before a host function writes them.
pub(crate) fn zeroed() -> wasmpool_component_val_t {
    wasmpool_component_val_t::new(wasmpool_component_valkind_t::WASMPOOL_COMPONENT_VALKIND_BOOL, zeroed_union())
}

/// The all-zero payload (NULL pointers, zero lengths, false, 0).
pub(crate) fn zeroed_union() -> wasmpool_component_valunion_t {
    // SAFETY: every member is an integer, a float, a bool or a struct of
    // raw pointers and integers, for all of which all-zero bytes are valid.
    unsafe { std::mem::zeroed() }
}

/// The name of a kind for messages (`u32`, `string`, ...).
pub(crate) fn kind_name(kind: raw::wasmpool_component_valkind_t) -> String {
    match wasmpool_component_valkind_t::from_c(kind) {
        Ok(k) => k.short_name(),
        Err(_) => format!("kind {kind} (not a wasmpool_component_valkind_t)"),
    }
}

/// The field called `name` (`name_len` bytes of UTF-8, no NUL needed) of
/// `record`, a RECORD value (a result or one the caller built); NULL when
/// `record` or `name` is NULL, `record` is not a record, or it has no such
/// field. Borrowed from `record`.
//
// The first export that mentions a value type must be this one (it names
// the field type first): cbindgen orders the header's types by the first
// function that reaches them, and C needs `wasmpool_component_val_t`
// complete before `wasmpool_component_field_t`, which holds one by value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_record_field(
    record: *const wasmpool_component_val_t,
    name: *const c_char,
    name_len: usize,
) -> *const wasmpool_component_field_t {
    abi::guard_value(std::ptr::null(), || {
        let bytes = |data: *const c_char, len| abi::arg_slice(data.cast::<u8>(), len, "name").ok();
        let find = || -> Option<&wasmpool_component_field_t> {
            let record = abi::opt_ref(record).filter(|v| v.kind() == Some(K::WASMPOOL_COMPONENT_VALKIND_RECORD))?;
            let name = bytes(name, name_len).filter(|_| !name.is_null())?;
            // SAFETY: the kind says `of.record` is the member in use.
            let fields = unsafe { record.of.record };
            let fields = abi::arg_slice(fields.data, fields.len, "record").ok()?;
            fields.iter().find(|f| bytes(f.name.data, f.name.len) == Some(name))
        };
        find().map_or(std::ptr::null(), std::ptr::from_ref)
    })
}

/// Frees everything `val` owns (strings, arrays, payloads, recursively), not
/// `val` itself, and leaves `val` with its kind and an all-zero payload.
/// NULL is accepted and ignored.
///
/// Only for values wasmpool produced (call results, `wasmpool_component_val_from_wave`)
/// or trees built with `malloc` as a host function's results are, each at
/// most once: never for arguments built on the stack or with another
/// allocator. Resource handles in the value are not
/// released: their store owns them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_val_delete(val: *mut wasmpool_component_val_t) {
    abi::guard_value((), || {
        if let Ok(val) = abi::arg_mut(val, "val") {
            // SAFETY: per this function's contract the tree was made by
            // `from_wasmtime` and not freed yet.
            unsafe { free_owned(val) }
        }
    })
}
