//! The value types knobs take, and how each is read from text (environment
//! overrides), checked against bounds and shown in documentation. Every knob
//! value travels as a `u64` inside the table (`KnobInfo`), so one checker
//! and one parser per unit serve every knob.

use crate::abi::{CEnum, Result, raw};
use crate::config::enums::{wasmpool_enabled_t, wasmpool_opt_level_t, wasmpool_profiling_t, wasmpool_strategy_t};

/// What a knob's number means; decides how it is parsed and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A number of things (slots, instances, elements): a decimal, or `max`.
    Count,
    /// Bytes: a decimal with an optional binary suffix (K, MiB, G, ...).
    Bytes,
    /// Milliseconds: a decimal.
    Millis,
    /// On or off.
    Switch,
    /// One of an enum's constants, by its short name.
    Choice,
}

/// A Rust type a knob can have. `C` is what the setter receives from C
/// (enums arrive as integers, see `abi::enums`).
pub(crate) trait KnobValue: Copy + Sized {
    type C;
    /// The largest value of the type, as u64.
    const MAX: u64;
    /// The C spelling of the type (for generated C code and docs).
    const C_TYPE: &'static str;
    /// The Rust spelling of the setter's parameter type (for the generated exports).
    const RUST_PARAM: &'static str;
    fn to_u64(self) -> u64;
    fn from_u64(v: u64) -> Option<Self>;
    fn from_c(c: Self::C) -> Result<Self>;
    /// Parses an environment value of this type and unit.
    fn parse(unit: Unit, text: &str) -> std::result::Result<u64, String>;
    /// Shows a value of this unit for documentation.
    fn show(unit: Unit, v: u64) -> String;
}

macro_rules! int_value {
    ($ty:ty, $c:literal, $max_name:literal) => {
        impl KnobValue for $ty {
            type C = $ty;
            const MAX: u64 = <$ty>::MAX as u64;
            const C_TYPE: &'static str = $c;
            const RUST_PARAM: &'static str = stringify!($ty);
            fn to_u64(self) -> u64 {
                self as u64
            }
            fn from_u64(v: u64) -> Option<Self> {
                <$ty>::try_from(v).ok()
            }
            fn from_c(c: $ty) -> Result<Self> {
                Ok(c)
            }
            fn parse(unit: Unit, text: &str) -> std::result::Result<u64, String> {
                let v = match unit {
                    Unit::Bytes => bytes(text)?,
                    Unit::Millis => millis(text)?,
                    _ => count(text, <Self as KnobValue>::MAX)?,
                };
                if v > <Self as KnobValue>::MAX {
                    return Err(format!("{v} does not fit in {}", $c));
                }
                Ok(v)
            }
            fn show(unit: Unit, v: u64) -> String {
                match unit {
                    _ if v == <Self as KnobValue>::MAX => $max_name.to_string(),
                    Unit::Bytes => show_bytes(v),
                    _ => v.to_string(),
                }
            }
        }
    };
}
int_value!(u32, "uint32_t", "UINT32_MAX");
int_value!(usize, "size_t", "SIZE_MAX");
int_value!(u64, "uint64_t", "UINT64_MAX");

impl KnobValue for bool {
    type C = bool;
    const MAX: u64 = 1;
    const C_TYPE: &'static str = "bool";
    const RUST_PARAM: &'static str = "bool";
    fn to_u64(self) -> u64 {
        u64::from(self)
    }
    fn from_u64(v: u64) -> Option<Self> {
        (v <= 1).then_some(v == 1)
    }
    fn from_c(c: bool) -> Result<Self> {
        Ok(c)
    }
    fn parse(_: Unit, text: &str) -> std::result::Result<u64, String> {
        switch(text).map(u64::from).ok_or_else(|| "expected true/false, yes/no, on/off or 1/0".to_string())
    }
    fn show(_: Unit, v: u64) -> String {
        (v == 1).to_string()
    }
}

macro_rules! enum_value {
    ($ty:ident, $booleans:expr) => {
        impl KnobValue for $ty {
            type C = raw::$ty;
            const MAX: u64 = (<$ty as strum::VariantArray>::VARIANTS.len() - 1) as u64;
            const C_TYPE: &'static str = stringify!($ty);
            const RUST_PARAM: &'static str = concat!("raw::", stringify!($ty));
            fn to_u64(self) -> u64 {
                u64::from(self.to_c())
            }
            fn from_u64(v: u64) -> Option<Self> {
                u32::try_from(v).ok().and_then(<Self as CEnum>::from_raw)
            }
            fn from_c(c: raw::$ty) -> Result<Self> {
                <Self as CEnum>::from_c(c)
            }
            fn parse(_: Unit, text: &str) -> std::result::Result<u64, String> {
                choice::<$ty>(text, $booleans).map(Self::to_u64)
            }
            fn show(_: Unit, v: u64) -> String {
                Self::from_u64(v).map_or_else(|| v.to_string(), |e| e.c_name().to_string())
            }
        }
    };
}
// A tri-state switch also takes the boolean words for YES and NO.
enum_value!(wasmpool_enabled_t, Some((wasmpool_enabled_t::WASMPOOL_ENABLED_YES, wasmpool_enabled_t::WASMPOOL_ENABLED_NO)));
enum_value!(wasmpool_strategy_t, None);
enum_value!(wasmpool_opt_level_t, None);
enum_value!(wasmpool_profiling_t, None);

/// A count: a decimal, or `max` / `unlimited` for the type's largest value.
/// Size suffixes are refused: a count is not a size.
fn count(text: &str, max: u64) -> std::result::Result<u64, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "max" | "unlimited" => Ok(max),
        s => s.parse::<u64>().map_err(|_| format!("expected a count (0..{max}, or `max`)")),
    }
}

/// A size in bytes: a decimal with an optional binary suffix
/// (`K`, `KB`, `KiB` = 1024; `M`/`MB`/`MiB`; `G`/`GB`/`GiB`; `T`/`TB`/`TiB`).
fn bytes(text: &str) -> std::result::Result<u64, String> {
    const HINT: &str = "expected a size such as 65536, 64K, 2MiB or 4G";
    let v = text.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, suffix) = v.split_at(split);
    let unit: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(HINT.to_string()),
    };
    let n: u64 = digits.parse().map_err(|_| HINT.to_string())?;
    n.checked_mul(unit).ok_or_else(|| "the size overflows 64 bits".to_string())
}

fn millis(text: &str) -> std::result::Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| "expected milliseconds as a whole number".to_string())
}

fn switch(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// An enum constant by its short name (`on_demand` or `on-demand` for
/// `WASMPOOL_STRATEGY_ON_DEMAND`); `booleans` maps on/off words too.
fn choice<E: CEnum>(text: &str, booleans: Option<(E, E)>) -> std::result::Result<E, String> {
    let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
    if let Some(v) = E::VARIANTS.iter().copied().find(|v| v.short_name() == wanted) {
        return Ok(v);
    }
    if let (Some((yes, no)), Some(b)) = (booleans, switch(&wanted)) {
        return Ok(if b { yes } else { no });
    }
    let names: Vec<String> = E::VARIANTS.iter().map(|v| v.short_name()).collect();
    Err(format!("expected {}", names.join(", ")))
}

/// A size for documentation: multiples of a KiB or more with a unit.
fn show_bytes(v: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if v >= 1 << shift && v.is_multiple_of(1 << shift) {
            return format!("{v} ({} {unit})", v >> shift);
        }
    }
    v.to_string()
}
