//! Converting values between the C tree (`wasmpool_component_val_t`) and
//! Wasmtime's `component::Val`.
//!
//! C to Wasmtime is driven by the expected type, so a caller's tree is read
//! only as deep as the type goes, and every mismatch is an INVALID_ARGUMENT
//! error that says where it is: `argument 0: field "age": expected u32, got
//! string`. Wasmtime to C cannot fail: every value Wasmtime produces has a
//! C form.

use wasmtime::component::{ResourceAny, Type, Val};

use super::types::{Wit, kind_of, refuse_parts, short_name};
use super::val::{
    kind_name, wasmpool_component_field_t, wasmpool_component_flags_t, wasmpool_component_record_t,
    wasmpool_component_resource_t, wasmpool_component_result_t, wasmpool_component_string_t, wasmpool_component_val_t,
    wasmpool_component_valkind_t as K, wasmpool_component_vals_t, wasmpool_component_valunion_t as U,
    wasmpool_component_variant_t, zeroed_union,
};
use super::val_free::{alloc_payload, alloc_slice, give_string};
use crate::abi::{self, CEnum, Error};

/// A mismatch deep in a value: the message and, innermost first, the steps
/// that lead to it (`field "age"`, `element 3`, ...).
struct Mismatch {
    steps: Vec<String>,
    message: String,
}

type Conv<T> = Result<T, Box<Mismatch>>;

fn mismatch<T>(message: impl Into<String>) -> Conv<T> {
    Err(Box::new(Mismatch { steps: Vec::new(), message: message.into() }))
}

/// Adds the step a nested conversion was reached through.
trait At {
    fn at(self, step: impl FnOnce() -> String) -> Self;
}

impl<T> At for Conv<T> {
    fn at(self, step: impl FnOnce() -> String) -> Self {
        self.map_err(|mut m| {
            m.steps.push(step());
            m
        })
    }
}

/// C value -> Wasmtime value of type `ty`. `path` names the value for
/// messages (`argument 0`); errors are INVALID_ARGUMENT and say where in
/// the value the mismatch is.
pub(crate) fn to_wasmtime(v: &wasmpool_component_val_t, ty: &Type, path: &str) -> abi::Result<Val> {
    to_wasmtime_at(v, ty, || path.to_string())
}

/// [`to_wasmtime`] with the path made only when there is a mismatch to
/// report (the per-call path of a successful call formats nothing).
pub(crate) fn to_wasmtime_at(v: &wasmpool_component_val_t, ty: &Type, path: impl FnOnce() -> String) -> abi::Result<Val> {
    to_val(v, ty).map_err(|m| {
        let mut message = path();
        for step in m.steps.iter().rev().chain([&m.message]) {
            message.push_str(": ");
            message.push_str(step);
        }
        Error::invalid(message)
    })
}

/// As [`to_wasmtime_at`], but a string is copied into the buffer taken from
/// `spare` (empty when there is none), which saves an allocation when the
/// caller keeps buffers between calls.
pub(crate) fn to_wasmtime_reusing(
    v: &wasmpool_component_val_t,
    ty: &Type,
    spare: &std::cell::Cell<String>,
    path: impl FnOnce() -> String,
) -> abi::Result<Val> {
    if matches!(ty, Type::String) && v.kind == K::WASMPOOL_COMPONENT_VALKIND_STRING.to_c() {
        // SAFETY: the kind was checked to be the one whose member is read.
        if let Ok(s) = c_str(unsafe { &v.of.string }) {
            let mut buf = spare.take();
            buf.clear();
            buf.push_str(s);
            return Ok(Val::String(buf));
        }
    }
    to_wasmtime_at(v, ty, path)
}

/// Checks that values of `ty` can be passed through wasmpool at all (no
/// `map`, `future`, `stream`, `error-context` inside): the way to refuse a
/// function before calling it, since [`from_wasmtime`] cannot fail.
pub(crate) fn check_type(ty: &Type, path: &str) -> abi::Result<()> {
    refuse_parts(ty, &[K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED], |ty, part| {
        format!("{path} has type {ty}: wasmpool cannot pass values of type {part}")
    })
}

/// Names for messages: `"a", "b", "c"`, the first few of them.
fn names<'a>(all: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 8;
    let all: Vec<&str> = all.collect();
    let mut s = all.iter().take(SHOWN).map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    if all.len() > SHOWN {
        s.push_str(&format!(", ... ({} in all)", all.len()));
    }
    s
}

/// A `(data, len)` array from C: NULL only when empty.
fn c_slice<'a, T>(data: *const T, len: usize) -> Conv<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return mismatch(format!("data is NULL but len is {len}"));
    }
    if !data.is_aligned() || len > isize::MAX as usize / size_of::<T>().max(1) {
        return mismatch(format!("data {data:p} with len {len} is not an array"));
    }
    // SAFETY: non-NULL, aligned, and the value's contract (the export's
    // documentation) is that `data` holds `len` elements.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// A string from C, checked to be UTF-8.
fn c_str(s: &wasmpool_component_string_t) -> Conv<&str> {
    let bytes = c_slice(s.data.cast_const().cast::<u8>(), s.len)?;
    crate::abi::utf8(bytes).or_else(|e| mismatch(format!("invalid UTF-8 at byte {}", e.valid_up_to())))
}

/// An optional pointer to a value from C.
fn c_ref<'a>(p: *const wasmpool_component_val_t) -> Conv<Option<&'a wasmpool_component_val_t>> {
    if !p.is_aligned() {
        return mismatch(format!("payload pointer {p:p} is misaligned"));
    }
    // SAFETY: aligned; non-NULL pointers point to a value (caller contract).
    Ok(unsafe { p.as_ref() })
}

/// A C bool read as a byte, so that a value other than 0 or 1 is "true"
/// instead of undefined behaviour.
fn c_bool(p: *const bool) -> bool {
    // SAFETY: `p` points to an initialised byte of the caller's value.
    unsafe { p.cast::<u8>().read() != 0 }
}

fn to_val(v: &wasmpool_component_val_t, ty: &Type) -> Conv<Val> {
    let want = kind_of(ty);
    if want == K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED {
        return mismatch(format!("wasmpool cannot pass values of type {}", Wit(ty)));
    }
    if v.kind != want.to_c() {
        return mismatch(format!("expected {}, got {}", short_name(ty), kind_name(v.kind)));
    }
    let of = &v.of;
    // SAFETY (each union read): the kind was checked to be the one whose
    // member is read.
    Ok(match ty {
        Type::Bool => Val::Bool(c_bool(&raw const of.boolean)),
        Type::S8 => Val::S8(unsafe { of.s8 }),
        Type::U8 => Val::U8(unsafe { of.u8 }),
        Type::S16 => Val::S16(unsafe { of.s16 }),
        Type::U16 => Val::U16(unsafe { of.u16 }),
        Type::S32 => Val::S32(unsafe { of.s32 }),
        Type::U32 => Val::U32(unsafe { of.u32 }),
        Type::S64 => Val::S64(unsafe { of.s64 }),
        Type::U64 => Val::U64(unsafe { of.u64 }),
        Type::Float32 => Val::Float32(unsafe { of.f32 }),
        Type::Float64 => Val::Float64(unsafe { of.f64 }),
        Type::Char => {
            let c = unsafe { of.character };
            Val::Char(char::from_u32(c).map_or_else(|| mismatch(format!("{c:#x} is not a Unicode scalar value")), Ok)?)
        }
        Type::String => Val::String(c_str(unsafe { &of.string })?.to_owned()),
        Type::List(l) => Val::List(elements(unsafe { &of.list }, &l.ty())?),
        Type::FixedLengthList(l) => {
            let list = unsafe { &of.list };
            if list.len != l.len() as usize {
                return mismatch(format!("expected {} elements, got {}", l.len(), list.len));
            }
            Val::FixedLengthList(elements(list, &l.ty())?)
        }
        Type::Record(r) => record(unsafe { &of.record }, r)?,
        Type::Tuple(t) => {
            let (items, types) = (c_slice(unsafe { of.tuple.data }, unsafe { of.tuple.len })?, t.types());
            if items.len() != types.len() {
                return mismatch(format!("expected {} elements, got {}", types.len(), items.len()));
            }
            let vals =
                items.iter().zip(types).enumerate().map(|(i, (v, t))| to_val(v, &t).at(|| format!("element {i}")));
            Val::Tuple(vals.collect::<Conv<_>>()?)
        }
        Type::Variant(var) => {
            let c = unsafe { &of.variant };
            let name = c_str(&c.name).at(|| "case name".into())?;
            let Some(case) = var.cases().find(|case| case.name == name) else {
                let known = names(var.cases().map(|case| case.name));
                return mismatch(format!("unknown case \"{name}\" (the variant has {known})"));
            };
            Val::Variant(name.to_owned(), payload(case.ty, c.payload, &format!("case \"{name}\""))?)
        }
        Type::Enum(e) => {
            let name = c_str(unsafe { &of.enumeration })?;
            if !e.names().any(|n| n == name) {
                return mismatch(format!("unknown case \"{name}\" (the enum has {})", names(e.names())));
            }
            Val::Enum(name.to_owned())
        }
        Type::Option(o) => match c_ref(unsafe { of.option })? {
            None => Val::Option(None),
            Some(some) => Val::Option(Some(Box::new(to_val(some, &o.ty()).at(|| "some".into())?))),
        },
        Type::Result(r) => {
            let c = unsafe { &of.result };
            if c_bool(&raw const c.is_ok) {
                Val::Result(Ok(payload(r.ok(), c.payload, "ok")?))
            } else {
                Val::Result(Err(payload(r.err(), c.payload, "err")?))
            }
        }
        Type::Flags(f) => flags(unsafe { &of.flags }, f)?,
        Type::Own(expected) | Type::Borrow(expected) => {
            let p = unsafe { of.resource };
            if p.is_null() || !p.is_aligned() {
                return mismatch(format!("resource handle {p:p} is not a wasmpool_component_resource_t"));
            }
            // SAFETY: a handle made by wasmpool (caller contract).
            let handle = unsafe { &*p };
            match handle.lower(expected, matches!(ty, Type::Own(_))) {
                Ok(resource) => Val::Resource(resource),
                Err(message) => return mismatch(message),
            }
        }
        Type::Map(_) | Type::Future(_) | Type::Stream(_) | Type::ErrorContext => unreachable!("refused above"),
    })
}

fn elements(list: &wasmpool_component_vals_t, ty: &Type) -> Conv<Vec<Val>> {
    let items = c_slice(list.data, list.len)?;
    items.iter().enumerate().map(|(i, v)| to_val(v, ty).at(|| format!("element {i}"))).collect()
}

/// The payload of a variant case or a result side whose type is `ty`.
fn payload(ty: Option<Type>, p: *const wasmpool_component_val_t, what: &str) -> Conv<Option<Box<Val>>> {
    match (ty, c_ref(p)?) {
        (None, None) => Ok(None),
        (Some(ty), Some(v)) => Ok(Some(Box::new(to_val(v, &ty).at(|| what.to_string())?))),
        (Some(ty), None) => mismatch(format!("{what} needs a payload of type {}, got NULL", Wit(&ty))),
        (None, Some(_)) => mismatch(format!("{what} has no payload, got one")),
    }
}

fn record(c: &wasmpool_component_record_t, ty: &wasmtime::component::types::Record) -> Conv<Val> {
    let given = c_slice(c.data, c.len)?;
    let given_names = given
        .iter()
        .enumerate()
        .map(|(i, f)| c_str(&f.name).at(|| format!("name of field {i}")))
        .collect::<Conv<Vec<_>>>()?;
    let mut used = vec![false; given.len()];
    let mut fields = Vec::with_capacity(ty.fields().len());
    for (i, field) in ty.fields().enumerate() {
        // Fields in the type's order are found at once; others by name.
        let j = if given_names.get(i) == Some(&field.name) {
            i
        } else {
            match given_names.iter().position(|&n| n == field.name) {
                Some(j) => j,
                None => return mismatch(format!("missing field \"{}\"", field.name)),
            }
        };
        used[j] = true;
        let value = to_val(&given[j].value, &field.ty).at(|| format!("field \"{}\"", field.name))?;
        fields.push((field.name.to_string(), value));
    }
    if let Some(j) = used.iter().position(|&u| !u) {
        let name = given_names[j];
        return if ty.fields().any(|f| f.name == name) {
            mismatch(format!("field \"{name}\" is given twice"))
        } else {
            mismatch(format!("unknown field \"{name}\" (the record has {})", names(ty.fields().map(|f| f.name))))
        };
    }
    Ok(Val::Record(fields))
}

fn flags(c: &wasmpool_component_flags_t, ty: &wasmtime::component::types::Flags) -> Conv<Val> {
    let mut set = vec![false; ty.names().len()];
    for (i, name) in c_slice(c.data, c.len)?.iter().enumerate() {
        let name = c_str(name).at(|| format!("flag {i}"))?;
        match ty.names().position(|n| n == name) {
            Some(k) => set[k] = true,
            None => return mismatch(format!("unknown flag \"{name}\" (the type has {})", names(ty.names()))),
        }
    }
    // In the type's order, as Wasmtime gives them.
    Ok(Val::Flags(ty.names().zip(set).filter(|&(_, on)| on).map(|(n, _)| n.to_string()).collect()))
}

/// Wasmtime value -> owned C tree (freed by `wasmpool_component_val_delete`).
/// Resource handles are made by `adopt`, which keeps them (a store).
/// Values wasmpool cannot pass (see [`check_type`]) become UNSUPPORTED.
pub(crate) fn from_wasmtime(
    v: Val,
    adopt: &mut dyn FnMut(ResourceAny) -> *mut wasmpool_component_resource_t,
) -> wasmpool_component_val_t {
    // Strings and names move into the C tree (see `give_string`): a result
    // costs no copy beyond what Wasmtime's lifting made.
    let (kind, of) = match v {
        Val::Bool(b) => (K::WASMPOOL_COMPONENT_VALKIND_BOOL, U { boolean: b }),
        Val::S8(x) => (K::WASMPOOL_COMPONENT_VALKIND_S8, U { s8: x }),
        Val::U8(x) => (K::WASMPOOL_COMPONENT_VALKIND_U8, U { u8: x }),
        Val::S16(x) => (K::WASMPOOL_COMPONENT_VALKIND_S16, U { s16: x }),
        Val::U16(x) => (K::WASMPOOL_COMPONENT_VALKIND_U16, U { u16: x }),
        Val::S32(x) => (K::WASMPOOL_COMPONENT_VALKIND_S32, U { s32: x }),
        Val::U32(x) => (K::WASMPOOL_COMPONENT_VALKIND_U32, U { u32: x }),
        Val::S64(x) => (K::WASMPOOL_COMPONENT_VALKIND_S64, U { s64: x }),
        Val::U64(x) => (K::WASMPOOL_COMPONENT_VALKIND_U64, U { u64: x }),
        Val::Float32(x) => (K::WASMPOOL_COMPONENT_VALKIND_F32, U { f32: x }),
        Val::Float64(x) => (K::WASMPOOL_COMPONENT_VALKIND_F64, U { f64: x }),
        Val::Char(c) => (K::WASMPOOL_COMPONENT_VALKIND_CHAR, U { character: c as u32 }),
        Val::String(s) => (K::WASMPOOL_COMPONENT_VALKIND_STRING, U { string: give_string(s) }),
        Val::List(items) | Val::FixedLengthList(items) => {
            (K::WASMPOOL_COMPONENT_VALKIND_LIST, U { list: vals(items, adopt) })
        }
        Val::Tuple(items) => (K::WASMPOOL_COMPONENT_VALKIND_TUPLE, U { tuple: vals(items, adopt) }),
        Val::Record(fields) => {
            let fields = fields
                .into_iter()
                .map(|(name, v)| wasmpool_component_field_t {
                    name: give_string(name),
                    value: from_wasmtime(v, adopt),
                })
                .collect();
            let (data, len) = alloc_slice(fields);
            (K::WASMPOOL_COMPONENT_VALKIND_RECORD, U { record: wasmpool_component_record_t { data, len } })
        }
        Val::Variant(name, p) => {
            let payload = alloc_payload(p.map(|p| from_wasmtime(*p, adopt)));
            let variant = wasmpool_component_variant_t { name: give_string(name), payload };
            (K::WASMPOOL_COMPONENT_VALKIND_VARIANT, U { variant })
        }
        Val::Enum(name) => (K::WASMPOOL_COMPONENT_VALKIND_ENUM, U { enumeration: give_string(name) }),
        Val::Option(p) => {
            let option = alloc_payload(p.map(|p| from_wasmtime(*p, adopt)));
            (K::WASMPOOL_COMPONENT_VALKIND_OPTION, U { option })
        }
        Val::Result(r) => {
            let (is_ok, p) = match r {
                Ok(p) => (true, p),
                Err(p) => (false, p),
            };
            let payload = alloc_payload(p.map(|p| from_wasmtime(*p, adopt)));
            (K::WASMPOOL_COMPONENT_VALKIND_RESULT, U { result: wasmpool_component_result_t { is_ok, payload } })
        }
        Val::Flags(names) => {
            let (data, len) = alloc_slice(names.into_iter().map(give_string).collect());
            (K::WASMPOOL_COMPONENT_VALKIND_FLAGS, U { flags: wasmpool_component_flags_t { data, len } })
        }
        Val::Resource(r) => (K::WASMPOOL_COMPONENT_VALKIND_RESOURCE, U { resource: adopt(r) }),
        Val::Map(_) | Val::Future(_) | Val::Stream(_) | Val::ErrorContext(_) => {
            (K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED, zeroed_union())
        }
    };
    wasmpool_component_val_t::new(kind, of)
}

fn vals(
    items: Vec<Val>,
    adopt: &mut dyn FnMut(ResourceAny) -> *mut wasmpool_component_resource_t,
) -> wasmpool_component_vals_t {
    let (data, len) = alloc_slice(items.into_iter().map(|v| from_wasmtime(v, adopt)).collect());
    wasmpool_component_vals_t { data, len }
}
