//! Values drawn from the fuzzer input: integers that are extreme more often
//! than chance, short strings (often a known name), wasm values of a kind.

use super::*;

/// A u64 that is an extreme value more often than chance would make it.
pub(super) fn interesting_u64(u: &mut Unstructured) -> arbitrary::Result<u64> {
    const EXTREMES: &[u64] = &[
        0,
        1,
        2,
        3,
        4,
        8,
        16,
        64,
        1000,
        4096,
        65535,
        65536,
        1 << 20,
        16 << 20,
        (1 << 31) - 1,
        1 << 31,
        u32::MAX as u64 - 1,
        u32::MAX as u64,
        1 << 32,
        (4 << 30) + (32 << 20),
        1 << 40,
        1 << 47,
        1 << 48,
        i64::MAX as u64,
        1 << 63,
        u64::MAX - 4095,
        u64::MAX - 1,
        u64::MAX,
    ];
    Ok(match u.int_in_range(0..=3u8)? {
        0 => u64::arbitrary(u)?,
        1 => u64::from(u16::arbitrary(u)?),
        _ => *u.choose(EXTREMES)?,
    })
}

pub(super) fn small_string(u: &mut Unstructured, choices: &[&str]) -> arbitrary::Result<CString> {
    if !choices.is_empty() && u.ratio(7u8, 8u8)? {
        return Ok(CString::new(*u.choose(choices)?).unwrap());
    }
    // Any bytes but NUL, possibly not UTF-8.
    let len = u.int_in_range(0..=12usize)?;
    let mut v = Vec::with_capacity(len);
    for _ in 0..len {
        let b = u8::arbitrary(u)?;
        v.push(if b == 0 { b'x' } else { b });
    }
    Ok(CString::new(v).unwrap())
}

pub(super) fn zeroed<T>() -> T {
    // SAFETY: only used for the plain-data C structs of the API (integers, bools,
    // pointers, fieldless enums whose 0 is a valid variant, unions of those).
    unsafe { MaybeUninit::<T>::zeroed().assume_init() }
}

pub(super) fn val(kind: u32, u: &mut Unstructured) -> arbitrary::Result<wasmpool_val_t> {
    let mut v: wasmpool_val_t = zeroed();
    v.kind = kind;
    match kind {
        0 => v.of.i32 = i32::arbitrary(u)?,
        1 => v.of.i64 = i64::arbitrary(u)?,
        2 => v.of.f32 = f32::arbitrary(u)?,
        3 => v.of.f64 = f64::arbitrary(u)?,
        4 => v.of.v128 = <[u8; 16]>::arbitrary(u)?,
        // References stay null (all zero): a non-null one must name a live
        // handle or root, which an arbitrary value does not.
        k if (5..=9).contains(&k) => {}
        _ => v.of.i64 = i64::arbitrary(u)?,
    }
    Ok(v)
}
