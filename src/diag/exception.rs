//! Uncaught WebAssembly exceptions (the exception-handling proposal) as
//! errors of kind `WASMPOOL_ERROR_EXCEPTION`, with their tag and payload
//! readable from C.
//!
//! Wasmtime reports an exception that leaves a call as a payload-less
//! `ThrownException` error and keeps the exception object itself in the
//! store's "pending exception" slot (so that it stays rooted for its GC). An
//! error is plain data that outlives its store, so when guest code fails this
//! way the object is taken out of the slot right away and copied: its
//! payload values, and the identity of its tag (which C compares against an
//! instance's exported tag with `wasmpool_error_exception_tag_is`).

use std::ffi::c_char;

use wasmtime::{AsContext, AsContextMut, RootScope};

use crate::abi::{self, Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::core::externs::export_missing;
use crate::core::caller::wasmpool_caller_t;
use crate::core::instance::wasmpool_instance_t;
use crate::core::names::arg_name;
use crate::core::val::{is_ref, kind_name, wasmpool_val_t};
use crate::store::data::StoreData;

/// What an error keeps of an uncaught exception.
pub(crate) struct Exception {
    /// The exception's tag, meaningful only in the store numbered `store`.
    tag: wasmtime::Tag,
    /// `RefTable::serial` of the store the exception was thrown in.
    store: u64,
    /// The payload, field by field.
    payload: Vec<Field>,
    /// True when the exception object was put back into its store's pending
    /// slot: the error was returned to a host function by a call back into
    /// the guest, and returning it from that host function rethrows the
    /// same exception into the guest (see [`Exception::rethrow`]).
    pending: bool,
}

/// One payload value: a number, or the name of a reference type (an error
/// outlives its store's roots, so reference payloads are not kept).
enum Field {
    Val(Number),
    Ref(String),
}

/// A numeric payload value. `wasmpool_val_t` can also hold a function
/// handle pointer, which is why it is not `Send` by itself; an error (and so
/// this payload) may move to another thread.
struct Number(wasmpool_val_t);

// SAFETY: only numeric kinds are stored (`from_number`, `is_ref` checked in
// `throw`): plain bytes, no pointer.
unsafe impl Send for Number {}
// SAFETY: as for `Send`; the value is never changed.
unsafe impl Sync for Number {}

impl std::fmt::Debug for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Exception({} payload value(s), store {})", self.payload.len(), self.store)
    }
}

impl Exception {
    /// The error a host function's callback returned, if it is this
    /// exception still pending in the store: rethrown into the guest as
    /// Wasmtime expects (a bare `ThrownException`).
    pub(crate) fn rethrow(&self) -> Option<wasmtime::Error> {
        self.pending.then(|| wasmtime::Error::new(wasmtime::ThrownException))
    }

    /// The message of the error: the payload, for logs.
    fn describe(&self) -> String {
        let values: Vec<String> = self.payload.iter().map(Field::describe).collect();
        format!("uncaught WebAssembly exception (thrown Wasm exception), payload ({})", values.join(", "))
    }
}

impl Field {
    fn describe(&self) -> String {
        match self {
            Field::Ref(ty) => ty.clone(),
            // SAFETY (each arm): `from_number` set the member its kind names.
            Field::Val(Number(v)) => match v.kind {
                0 => format!("i32 {}", unsafe { v.of.i32 }),
                1 => format!("i64 {}", unsafe { v.of.i64 }),
                2 => format!("f32 {}", unsafe { v.of.f32 }),
                3 => format!("f64 {}", unsafe { v.of.f64 }),
                _ => format!("v128 {:02x?}", unsafe { v.of.v128 }),
            },
        }
    }
}

/// Classifies an error Wasmtime returned while guest code of `store` ran,
/// like `Error::from_wasmtime`, and turns an uncaught exception into an
/// EXCEPTION error carrying it. With `keep_pending` (a call made by a host
/// function through its caller) the exception stays pending in the store so
/// that the host function can rethrow it by returning the error; otherwise
/// the store's slot is emptied.
pub(crate) fn classify(
    mut store: impl AsContextMut<Data = StoreData>,
    err: wasmtime::Error,
    keep_pending: bool,
) -> Error {
    let thrown = err.is::<wasmtime::ThrownException>();
    let mut error = Error::from_wasmtime(err, K::WASMPOOL_ERROR_OTHER);
    if !thrown {
        return error;
    }
    match take(&mut store, keep_pending) {
        Ok(exception) => {
            error.kind = K::WASMPOOL_ERROR_EXCEPTION;
            error.message = exception.describe();
            error.exception = Some(Box::new(exception));
        }
        Err(why) => error.message = format!("{}; its exception could not be read: {why}", error.message),
    }
    error
}

/// Takes the pending exception of `store` and copies what C can read.
fn take(store: &mut impl AsContextMut<Data = StoreData>, keep_pending: bool) -> wasmtime::Result<Exception> {
    // The exception comes back as a LIFO root: scope it to this function.
    let mut scope = RootScope::new(store);
    let serial = scope.as_context().data().refs.serial();
    let exn = scope
        .as_context_mut()
        .take_pending_exception()
        .ok_or_else(|| wasmtime::Error::msg("no exception is pending in the store"))?;
    let tag = exn.tag(&mut scope)?;
    let fields = tag.ty(&scope).ty().params().len();
    let mut payload = Vec::with_capacity(fields);
    for i in 0..fields {
        let value = exn.field(&mut scope, i)?;
        payload.push(match wasmpool_val_t::from_number(&value) {
            Some(v) => Field::Val(Number(v)),
            None => Field::Ref(describe_ref(&value)),
        });
    }
    if keep_pending {
        // Always an Err: ThrownException, the exception pending again.
        let _ = scope.as_context_mut().throw::<()>(exn);
    }
    Ok(Exception { tag, store: serial, payload, pending: keep_pending })
}

/// Drops an exception left pending in `store` after a call returned: one a
/// host function got from calling back into the guest and then swallowed
/// (or replaced by another error) instead of returning it. Keeps it from
/// staying rooted, and from being mistaken for a later call's.
pub(crate) fn discard_pending(store: &mut crate::store::data::WStore) {
    if store.has_pending_exception() {
        let mut scope = RootScope::new(store);
        let _ = scope.as_context_mut().take_pending_exception();
    }
}

fn describe_ref(value: &wasmtime::Val) -> String {
    let what = match value {
        wasmtime::Val::FuncRef(_) => "funcref",
        wasmtime::Val::ExternRef(_) => "externref",
        wasmtime::Val::AnyRef(_) => "anyref",
        wasmtime::Val::ExnRef(_) => "exnref",
        _ => "reference",
    };
    let null = if (*value).ref_().is_some_and(|r| r.is_null()) { "null " } else { "" };
    format!("{null}{what}")
}

fn exception_of(err: &wasmpool_error_t) -> Result<&Exception> {
    err.exception.as_deref().ok_or_else(|| {
        Error::invalid(format!("err is not an uncaught exception (its kind is {:?})", err.kind))
    })
}

/// Number of payload values of the uncaught WebAssembly exception `err`
/// reports (the parameters of its tag's type); 0 when `err` is NULL or not
/// of kind `WASMPOOL_ERROR_EXCEPTION`. Reading an error is thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_exception_payload_count(err: *const wasmpool_error_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(err).and_then(|e| e.exception.as_deref()).map_or(0, |x| x.payload.len()))
}

/// Writes payload value `index` of the uncaught exception `err` reports to
/// `*out` (kind and value; numbers and vectors only). The value is a copy,
/// taken when the exception left the guest: reading it needs neither the
/// store nor the instance.
///
/// Errors: INVALID_ARGUMENT (NULL `err` or `out`; `err` not of kind
/// `WASMPOOL_ERROR_EXCEPTION`; `index` not below
/// `wasmpool_error_exception_payload_count(err)`; a reference-typed payload
/// value (funcref, externref, ...), which an error does not keep: it outlives
/// the roots of its store; the message names its type and index). `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_exception_payload(
    err: *const wasmpool_error_t,
    index: usize,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let exception = exception_of(abi::arg_ref(err, "err")?)?;
        let out = abi::out(out, "out")?;
        match exception.payload.get(index) {
            Some(Field::Val(Number(v))) => {
                out.write(*v);
                Ok(())
            }
            Some(Field::Ref(ty)) => Err(Error::invalid(format!(
                "payload value {index} is a {ty}: reference values in an exception's payload are not readable yet"
            ))),
            None => Err(Error::invalid(format!(
                "payload index {index} is out of range (the exception has {} value(s))",
                exception.payload.len()
            ))),
        }
    })
}

/// Whether the uncaught exception `err` reports was thrown with the tag
/// that `inst` exports as `name` (defined there, or imported and
/// re-exported: a tag is identified by its definition, not its name): writes
/// the answer to `*out`. An exception thrown in another store than `inst`'s
/// has none of its tags (false).
///
/// `inst` must be alive (its store not deleted); `err` may outlive the store
/// it came from, but then only an instance of a newer store can be asked
/// (false). Thread safety: as `inst`'s store.
///
/// Errors: INVALID_ARGUMENT (NULL argument; `err` not of kind
/// `WASMPOOL_ERROR_EXCEPTION`); LINK (`inst` exports no tag `name`). `*out`
/// is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_exception_tag_is(
    err: *const wasmpool_error_t,
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut bool,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (err, inst) = (abi::arg_ref(err, "err")?, abi::arg_ref(inst, "inst")?);
        tag_is(err, inst, abi::arg_str(name, "name")?, out)
    })
}

/// `wasmpool_error_exception_tag_is` with the name given as `name_len` bytes
/// at `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_exception_tag_is_n(
    err: *const wasmpool_error_t,
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut bool,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (err, inst) = (abi::arg_ref(err, "err")?, abi::arg_ref(inst, "inst")?);
        tag_is(err, inst, arg_name(name, name_len, "name")?, out)
    })
}

fn tag_is(err: &wasmpool_error_t, inst: &wasmpool_instance_t, name: &str, out: *mut bool) -> Result<()> {
    let exception = exception_of(err)?;
    let out = abi::out(out, "out")?;
    // SAFETY: the instance's store is alive (caller contract).
    let store = unsafe { inst.store_mut() };
    let tag = inst.instance.get_tag(&mut *store, name).ok_or_else(|| export_missing("the instance", "tag", name))?;
    // Tags of another store must not reach `Tag::eq`, which panics on them.
    out.write(exception.store == store.data().refs.serial() && wasmtime::Tag::eq(&tag, &exception.tag, &*store));
    Ok(())
}

/// Makes a WebAssembly exception for a host function to throw: the tag the
/// calling instance exports as `tag`, with the payload `args` (`nargs`
/// values, kinds equal to the tag's parameter types). Always returns an
/// error: of kind `WASMPOOL_ERROR_EXCEPTION` when the exception was made,
/// which the host function throws by returning it from its callback (the
/// guest may catch it with `try_table`; uncaught, the call into the guest
/// fails with it), or an error saying why not.
///
/// Only during the callback that received `caller`. The caller owns the
/// returned error (returning it from the callback hands it over).
///
/// Errors: INVALID_ARGUMENT (NULL `caller` or `tag`, NULL `args` with
/// `nargs` > 0, a wrong count or kind of payload values, a reference of
/// another store); LINK (the caller exports no tag `tag`); LIMIT_EXCEEDED
/// (the store's GC heap has no room for the exception object).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_throw(
    caller: *mut wasmpool_caller_t,
    tag: *const c_char,
    args: *const wasmpool_val_t,
    nargs: usize,
) -> *mut wasmpool_error_t {
    let made = abi::guard(|| {
        let caller = crate::core::caller::caller_mut(caller)?;
        let name = abi::arg_str(tag, "tag")?;
        let args = abi::arg_slice(args, nargs, "args")?;
        Err(throw(caller, name, args)?)
    });
    debug_assert!(!made.is_null());
    made
}

/// Allocates the exception and leaves it pending in the caller's store.
fn throw(caller: &mut wasmtime::Caller<'_, StoreData>, name: &str, args: &[wasmpool_val_t]) -> Result<Error> {
    let tag = caller
        .get_export(name)
        .and_then(|e| e.into_tag())
        .ok_or_else(|| export_missing("the caller", "tag", name))?;
    let ty = tag.ty(&*caller);
    let params: Vec<wasmtime::ValType> = ty.ty().params().collect();
    if params.len() != args.len() {
        return Err(Error::invalid(format!(
            "tag `{name}` takes {} payload value(s); {} given",
            params.len(),
            args.len()
        )));
    }
    let fields = args
        .iter()
        .zip(&params)
        .enumerate()
        .map(|(i, (arg, t))| arg.to_wasmtime(t, caller.as_context_mut(), &|| format!("payload value {i} of tag `{name}`")))
        .collect::<Result<Vec<_>>>()?;
    let failed = |e| Error::from_wasmtime(e, K::WASMPOOL_ERROR_OTHER);
    let exn_ty = wasmtime::ExnType::from_tag_type(&ty).map_err(failed)?;
    let pre = wasmtime::ExnRefPre::new(&mut *caller, exn_ty);
    let exn = wasmtime::ExnRef::new(&mut *caller, &pre, &tag, &fields).map_err(failed)?;
    // Always an Err: ThrownException, the exception now pending.
    let _ = caller.as_context_mut().throw::<()>(exn);
    let payload = args
        .iter()
        .map(|v| if is_ref(v.kind) { Field::Ref(kind_name(v.kind)) } else { Field::Val(Number(*v)) })
        .collect();
    let exception = Exception { tag, store: caller.data().refs.serial(), payload, pending: true };
    let mut error = Error::new(K::WASMPOOL_ERROR_EXCEPTION, exception.describe());
    error.exception = Some(Box::new(exception));
    Ok(error)
}
