//! C enums. An enum parameter arrives from C as a plain integer: receiving
//! it as a Rust enum would make an out-of-range value undefined behaviour
//! before it could be rejected. So exports take the integer aliases in
//! [`raw`] (cbindgen prints the alias's name, which is the C enum's name;
//! both are 32-bit) and convert with [`CEnum::from_c`], derived from the one
//! declaration of each enum (its variants and names come from strum's
//! derives, its C name and constant prefix from [`c_enum!`]).

use super::error::{Error, Result};

/// Integer aliases for enum parameters and fields written by C.
///
/// cbindgen:ignore
pub(crate) mod raw {
    #![allow(non_camel_case_types)]
    pub type wasmpool_strategy_t = u32;
    pub type wasmpool_enabled_t = u32;
    pub type wasmpool_opt_level_t = u32;
    pub type wasmpool_profiling_t = u32;
    pub type wasmpool_epoch_action_t = u32;
    pub type wasmpool_valkind_t = u32;
    pub type wasmpool_trap_code_t = u32;
    pub type wasmpool_component_valkind_t = u32;
    pub type wasmpool_wasi_perms_t = u32;
    pub type wasmpool_reftype_t = u32;
}

/// A fieldless `#[repr(C)]` enum shared with C.
pub(crate) trait CEnum: Copy + Eq + strum::VariantArray + Into<&'static str> + 'static {
    /// The C type name, for messages.
    const C_NAME: &'static str;
    /// The common prefix of the C constants (`WASMPOOL_ENABLED_`).
    const PREFIX: &'static str;

    /// The C value of a variant.
    fn to_c(self) -> u32;

    /// The variant whose C value is `raw`, if any: strum's `FromRepr`, a
    /// `match` (conversions sit on per-call paths, e.g. freeing a value).
    fn from_raw(raw: u32) -> Option<Self>;

    /// The variant for a C value, or an INVALID_ARGUMENT error naming the type.
    fn from_c(raw: u32) -> Result<Self> {
        Self::from_raw(raw).ok_or_else(|| Error::invalid(format!("{raw} is not a {}", Self::C_NAME)))
    }

    /// The C constant's name (`WASMPOOL_ENABLED_AUTO`).
    fn c_name(self) -> &'static str {
        self.into()
    }

    /// The constant's name without the prefix, in lower case (`auto`): the
    /// spelling used in environment variables and messages.
    fn short_name(self) -> String {
        let full = self.c_name();
        full.strip_prefix(Self::PREFIX).unwrap_or(full).to_ascii_lowercase()
    }
}

/// Implements [`CEnum`] for an enum that derives `strum::VariantArray`,
/// `strum::IntoStaticStr` and `strum::FromRepr`.
macro_rules! c_enum {
    ($ty:ident, $prefix:literal) => {
        impl $crate::abi::CEnum for $ty {
            const C_NAME: &'static str = stringify!($ty);
            const PREFIX: &'static str = $prefix;
            fn to_c(self) -> u32 {
                self as u32
            }
            fn from_raw(raw: u32) -> Option<Self> {
                // `repr(C)`: strum's discriminant type is `usize`.
                Self::from_repr(raw as usize)
            }
        }
        const _: () = assert!(size_of::<$ty>() == size_of::<u32>());
    };
}
pub(crate) use c_enum;
