//! `wasmpool_component_type_t`: a component-model type, read from C as a
//! tree (kind, members, element types) or as WIT text.
//!
//! Wasmtime's types do not keep WIT names (a record knows its fields, not
//! what the WIT file called it), so records, variants, enums and flags are
//! written structurally, the way WAVE tools print them:
//! `record { name: string, age: u32 }`, and resource types as
//! `own<resource>` / `borrow<resource>`.

use std::ffi::c_char;
use std::fmt;
use std::ptr;
use std::sync::OnceLock;

use wasmtime::component::Type;

use super::val::wasmpool_component_valkind_t;
use super::val::wasmpool_component_valkind_t as K;
use crate::abi::{self, Error, Handle, StoreOwned, wasmpool_error_t};
use crate::bytes::wasmpool_bytes_t;

/// A component-model type (of a function parameter or result, or a part of
/// one).
///
/// Wasmtime keeps the structure of types, not their WIT names: records,
/// variants, enums and flags are anonymous here (their fields, cases and
/// flags are named), and resource types are told apart only by identity.
///
/// Borrowed: a type is handed out by the component (or function listing) it
/// came from and lives as long as that; the types reached from it
/// (`wasmpool_component_type_element`, `..._member`, `..._result_ok`, ...)
/// live as long as it does. There is no delete. Thread safety: immutable
/// and shareable across threads, like the component it came from.
pub struct wasmpool_component_type_t {
    pub(crate) ty: Type,
    /// The types directly inside this one, made on first use and kept so
    /// that C can borrow them (see [`children`] for the order).
    inner: OnceLock<Box<[Option<wasmpool_component_type_t>]>>,
}

impl Handle for wasmpool_component_type_t {
    type Ownership = StoreOwned;
}

// Shareable across threads, as documented (components are).
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<wasmpool_component_type_t>();
};

impl wasmpool_component_type_t {
    /// A handle for `ty`; whoever makes it keeps it (and lends it to C).
    pub(crate) fn new(ty: Type) -> Self {
        wasmpool_component_type_t { ty, inner: OnceLock::new() }
    }

    fn inner(&self) -> &[Option<wasmpool_component_type_t>] {
        self.inner.get_or_init(|| children(&self.ty).into_iter().map(|c| c.map(Self::new)).collect())
    }

    /// The `i`-th inner type as a C pointer (NULL when there is none).
    fn inner_ptr(&self, i: usize) -> *const wasmpool_component_type_t {
        self.inner().get(i).and_then(Option::as_ref).map_or(ptr::null(), ptr::from_ref)
    }
}

/// The types directly inside `ty`, in this order: the element of a list or
/// option; the fields of a record; the elements of a tuple; the payloads of
/// a variant's cases (None for a case without); the ok and err types of a
/// result (None when absent); key and value of a map.
fn children(ty: &Type) -> Vec<Option<Type>> {
    match ty {
        Type::List(l) => vec![Some(l.ty())],
        Type::FixedLengthList(l) => vec![Some(l.ty())],
        Type::Option(o) => vec![Some(o.ty())],
        Type::Record(r) => r.fields().map(|f| Some(f.ty)).collect(),
        Type::Tuple(t) => t.types().map(Some).collect(),
        Type::Variant(v) => v.cases().map(|c| c.ty).collect(),
        Type::Result(r) => vec![r.ok(), r.err()],
        Type::Map(m) => vec![Some(m.key()), Some(m.value())],
        _ => Vec::new(),
    }
}

/// The C kind of values of type `ty`.
pub(crate) fn kind_of(ty: &Type) -> K {
    match ty {
        Type::Bool => K::WASMPOOL_COMPONENT_VALKIND_BOOL,
        Type::S8 => K::WASMPOOL_COMPONENT_VALKIND_S8,
        Type::U8 => K::WASMPOOL_COMPONENT_VALKIND_U8,
        Type::S16 => K::WASMPOOL_COMPONENT_VALKIND_S16,
        Type::U16 => K::WASMPOOL_COMPONENT_VALKIND_U16,
        Type::S32 => K::WASMPOOL_COMPONENT_VALKIND_S32,
        Type::U32 => K::WASMPOOL_COMPONENT_VALKIND_U32,
        Type::S64 => K::WASMPOOL_COMPONENT_VALKIND_S64,
        Type::U64 => K::WASMPOOL_COMPONENT_VALKIND_U64,
        Type::Float32 => K::WASMPOOL_COMPONENT_VALKIND_F32,
        Type::Float64 => K::WASMPOOL_COMPONENT_VALKIND_F64,
        Type::Char => K::WASMPOOL_COMPONENT_VALKIND_CHAR,
        Type::String => K::WASMPOOL_COMPONENT_VALKIND_STRING,
        Type::List(_) | Type::FixedLengthList(_) => K::WASMPOOL_COMPONENT_VALKIND_LIST,
        Type::Record(_) => K::WASMPOOL_COMPONENT_VALKIND_RECORD,
        Type::Tuple(_) => K::WASMPOOL_COMPONENT_VALKIND_TUPLE,
        Type::Variant(_) => K::WASMPOOL_COMPONENT_VALKIND_VARIANT,
        Type::Enum(_) => K::WASMPOOL_COMPONENT_VALKIND_ENUM,
        Type::Option(_) => K::WASMPOOL_COMPONENT_VALKIND_OPTION,
        Type::Result(_) => K::WASMPOOL_COMPONENT_VALKIND_RESULT,
        Type::Flags(_) => K::WASMPOOL_COMPONENT_VALKIND_FLAGS,
        Type::Own(_) | Type::Borrow(_) => K::WASMPOOL_COMPONENT_VALKIND_RESOURCE,
        Type::Map(_) | Type::Future(_) | Type::Stream(_) | Type::ErrorContext => {
            K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED
        }
    }
}

/// The first part of `ty` (itself included, then depth first) of a kind
/// in `kinds`, if any.
pub(crate) fn find_part(ty: &Type, kinds: &[K]) -> Option<Type> {
    if kinds.contains(&kind_of(ty)) {
        return Some(ty.clone());
    }
    children(ty).iter().flatten().find_map(|c| find_part(c, kinds))
}

/// An INVALID_ARGUMENT error when `ty` has a part of a kind in `kinds`;
/// `say` words it from the WIT text of `ty` and of that part.
pub(crate) fn refuse_parts(ty: &Type, kinds: &[K], say: impl FnOnce(Wit<'_>, Wit<'_>) -> String) -> abi::Result<()> {
    match find_part(ty, kinds) {
        None => Ok(()),
        Some(part) => Err(Error::invalid(say(Wit(ty), Wit(&part)))),
    }
}

/// Displays a type as WIT text (see the module documentation).
pub(crate) struct Wit<'a>(pub(crate) &'a Type);

impl fmt::Display for Wit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// `open` items separated by ", " then `close`.
        fn list<I: Iterator>(
            f: &mut fmt::Formatter<'_>,
            open: &str,
            items: I,
            close: &str,
            mut item: impl FnMut(&mut fmt::Formatter<'_>, I::Item) -> fmt::Result,
        ) -> fmt::Result {
            f.write_str(open)?;
            for (i, x) in items.enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                item(f, x)?;
            }
            f.write_str(close)
        }
        let opt = |t: Option<Type>| t.map_or("_".to_string(), |t| Wit(&t).to_string());
        match self.0 {
            Type::List(l) => write!(f, "list<{}>", Wit(&l.ty())),
            Type::FixedLengthList(l) => write!(f, "list<{}, {}>", Wit(&l.ty()), l.len()),
            Type::Map(m) => write!(f, "map<{}, {}>", Wit(&m.key()), Wit(&m.value())),
            Type::Option(o) => write!(f, "option<{}>", Wit(&o.ty())),
            Type::Record(r) => list(f, "record { ", r.fields(), " }", |f, x| write!(f, "{}: {}", x.name, Wit(&x.ty))),
            Type::Tuple(t) => list(f, "tuple<", t.types(), ">", |f, x| write!(f, "{}", Wit(&x))),
            Type::Variant(v) => list(f, "variant { ", v.cases(), " }", |f, c| match &c.ty {
                Some(t) => write!(f, "{}({})", c.name, Wit(t)),
                None => f.write_str(c.name),
            }),
            Type::Enum(e) => list(f, "enum { ", e.names(), " }", |f, x| f.write_str(x)),
            Type::Flags(e) => list(f, "flags { ", e.names(), " }", |f, x| f.write_str(x)),
            Type::Result(r) => match (r.ok(), r.err()) {
                (None, None) => f.write_str("result"),
                (ok, None) => write!(f, "result<{}>", opt(ok)),
                (ok, err) => write!(f, "result<{}, {}>", opt(ok), opt(err)),
            },
            Type::Future(t) => t.ty().map_or(f.write_str("future"), |t| write!(f, "future<{}>", Wit(&t))),
            Type::Stream(t) => t.ty().map_or(f.write_str("stream"), |t| write!(f, "stream<{}>", Wit(&t))),
            Type::Own(_) => f.write_str("own<resource>"),
            Type::Borrow(_) => f.write_str("borrow<resource>"),
            Type::ErrorContext => f.write_str("error-context"),
            // The rest are named by their kind.
            simple => f.write_str(&short_name(simple)),
        }
    }
}

/// The kind's name in lower case (`u32`, `record`, ...), for messages.
pub(crate) fn short_name(ty: &Type) -> String {
    use crate::abi::CEnum;
    kind_of(ty).short_name()
}

/// The kind of `ty`: which member of `wasmpool_component_val_t` carries its
/// values. A fixed-length `list<T, N>` is LIST; `own<R>` and `borrow<R>`
/// are RESOURCE; types wasmpool cannot pass are UNSUPPORTED, which is also
/// the answer for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_kind(
    ty: *const wasmpool_component_type_t,
) -> wasmpool_component_valkind_t {
    let unsupported = K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED;
    abi::guard_value(unsupported, || abi::opt_ref(ty).map_or(unsupported, |t| kind_of(&t.ty)))
}

/// How many members `ty` has: fields of a record, elements of a tuple,
/// cases of a variant or enum, flags of a flags type (read them with
/// `wasmpool_component_type_member`); N for a fixed-length `list<T, N>`;
/// 0 for any other type and for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_count(ty: *const wasmpool_component_type_t) -> usize {
    abi::guard_value(0, || {
        abi::opt_ref(ty).map_or(0, |t| match &t.ty {
            Type::Record(r) => r.fields().len(),
            Type::Tuple(t) => t.types().len(),
            Type::Variant(v) => v.cases().len(),
            Type::Enum(e) => e.names().len(),
            Type::Flags(f) => f.names().len(),
            Type::FixedLengthList(l) => l.len() as usize,
            _ => 0,
        })
    })
}

/// The element type of a list (`list<T>` or `list<T, N>`) or the payload
/// type of an option; NULL for any other type and for NULL. Borrowed from
/// `ty` (lives as long as it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_element(
    ty: *const wasmpool_component_type_t,
) -> *const wasmpool_component_type_t {
    abi::guard_value(ptr::null(), || {
        abi::opt_ref(ty)
            .filter(|t| matches!(t.ty, Type::List(_) | Type::FixedLengthList(_) | Type::Option(_)))
            .map_or(ptr::null(), |t| t.inner_ptr(0))
    })
}

/// The ok type of a result type; NULL when it has none (`result<_, E>`,
/// `result`), for any other type, and for NULL. Borrowed from `ty`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_result_ok(
    ty: *const wasmpool_component_type_t,
) -> *const wasmpool_component_type_t {
    unsafe { result_side(ty, 0) }
}

/// The error type of a result type; NULL when it has none (`result<T>`,
/// `result`), for any other type, and for NULL. Borrowed from `ty`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_result_err(
    ty: *const wasmpool_component_type_t,
) -> *const wasmpool_component_type_t {
    unsafe { result_side(ty, 1) }
}

unsafe fn result_side(ty: *const wasmpool_component_type_t, side: usize) -> *const wasmpool_component_type_t {
    abi::guard_value(ptr::null(), || {
        abi::opt_ref(ty).filter(|t| matches!(t.ty, Type::Result(_))).map_or(ptr::null(), |t| t.inner_ptr(side))
    })
}

/// Member `index` (from 0 to `wasmpool_component_type_count(ty) - 1`) of a
/// record, tuple, variant, enum or flags type:
///
/// | `ty`    | `*name`, `*name_len`   | `*member`                        |
/// |---------|------------------------|----------------------------------|
/// | record  | the field's name       | the field's type                 |
/// | tuple   | NULL, 0                | the element's type               |
/// | variant | the case's name        | its payload type, NULL if none   |
/// | enum    | the case's name        | NULL                             |
/// | flags   | the flag's name        | NULL                             |
///
/// Names are UTF-8, not NUL-terminated, and with the member type borrowed
/// from `ty` (valid as long as it).
///
/// Errors: INVALID_ARGUMENT (NULL argument, `index` out of range, or a type
/// of another kind).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_member(
    ty: *const wasmpool_component_type_t,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
    member: *mut *const wasmpool_component_type_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let t = abi::arg_ref(ty, "ty")?;
        let (name, name_len, member) =
            (abi::out(name, "name")?, abi::out(name_len, "name_len")?, abi::out(member, "member")?);
        let found: Option<Option<&str>> = match &t.ty {
            Type::Record(r) => r.fields().nth(index).map(|f| Some(f.name)),
            Type::Tuple(tt) => (index < tt.types().len()).then_some(None),
            Type::Variant(v) => v.cases().nth(index).map(|c| Some(c.name)),
            Type::Enum(e) => e.names().nth(index).map(Some),
            Type::Flags(f) => f.names().nth(index).map(Some),
            other => {
                let kind = short_name(other);
                return Err(Error::invalid(format!("a {kind} type has no members")));
            }
        };
        let Some(found) = found else {
            return Err(Error::invalid(format!("`index` {index} is out of range for {}", Wit(&t.ty))));
        };
        name.write(found.map_or(ptr::null(), |n| n.as_ptr().cast::<c_char>()));
        name_len.write(found.map_or(0, str::len));
        member.write(t.inner_ptr(index));
        Ok(())
    })
}

/// The WIT text of `ty` (`list<string>`, `option<result<u32, string>>`,
/// `record { name: string, age: u32 }`, ...; types that WIT names are
/// written out structurally, resources as `own<resource>` /
/// `borrow<resource>`) in a new byte buffer (UTF-8, not NUL-terminated) written to
/// `*out`; the caller releases it with `wasmpool_bytes_delete`.
///
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_type_wit(
    ty: *const wasmpool_component_type_t,
    out: *mut *mut wasmpool_bytes_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let ty = abi::arg_ref(ty, "ty")?;
        let out = abi::out(out, "out")?;
        out.write(abi::into_boxed(wasmpool_bytes_t::new(Wit(&ty.ty).to_string().into_bytes())));
        Ok(())
    })
}
