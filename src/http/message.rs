//! The request a C host hands in and the response it gets back, owned by
//! the caller; a request's body is a whole buffer or a host reader
//! (`stream.rs`).

use std::cell::RefCell;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

use crate::abi::{self, Boxed, Error, Handle, wasmpool_error_t, wasmpool_finalizer_t};
use crate::http::stream::{Reader, wasmpool_http_body_read_callback_t};

/// A request's body: bytes that may be handed in any number of times, or a
/// host reader, handed in once.
pub(crate) enum RequestBody {
    Whole(bytes::Bytes),
    Reader(Arc<Reader>),
    /// The reader went to a guest.
    Taken,
}

/// An incoming HTTP request: method, scheme, authority, path with query,
/// headers (in order, repeats kept) and a body, held whole or read from the
/// host as the guest reads it.
///
/// Create with `wasmpool_http_request_new`, add headers with
/// `wasmpool_http_request_header_add`, set the body with
/// `wasmpool_http_request_body_set` (whole) or
/// `wasmpool_http_request_body_reader_set` (streamed), release with
/// `wasmpool_http_request_delete`. `wasmpool_http_handle` only reads a
/// request with a whole body: it may be handed in again; a streamed body
/// goes to the first guest it is handed to. Thread safety: one thread at a
/// time.
pub struct wasmpool_http_request_t {
    pub(crate) method: http::Method,
    pub(crate) scheme: http::uri::Scheme,
    pub(crate) authority: http::uri::Authority,
    pub(crate) path: http::uri::PathAndQuery,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: RefCell<RequestBody>,
}

impl Handle for wasmpool_http_request_t {
    type Ownership = Boxed;
}

/// A response a guest gave: status, headers and the whole body.
///
/// Made by `wasmpool_http_handle`, owned by the caller, released with
/// `wasmpool_http_response_delete`. Read-only; may be read from any thread.
pub struct wasmpool_http_response_t {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(std::ffi::CString, Vec<u8>)>,
    pub(crate) body: Vec<u8>,
}

impl Handle for wasmpool_http_response_t {
    type Ownership = Boxed;
}

/// A new request with no header and an empty body, written to `*out`
/// (release with `wasmpool_http_request_delete`). `method` such as "GET";
/// `scheme` "http" or "https"; `authority` the `host[:port]` of the request
/// (what a server reads from `Host:`); `path_with_query` such as
/// "/items?id=3" (starts with '/').
///
/// Errors: INVALID_ARGUMENT (NULL argument; a field that is not valid for
/// HTTP, the message names it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_request_new(
    method: *const c_char,
    scheme: *const c_char,
    authority: *const c_char,
    path_with_query: *const c_char,
    out: *mut *mut wasmpool_http_request_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let method = abi::arg_str(method, "method")?;
        let scheme = abi::arg_str(scheme, "scheme")?;
        let authority = abi::arg_str(authority, "authority")?;
        let path = abi::arg_str(path_with_query, "path_with_query")?;
        let out = abi::out(out, "out")?;
        let bad = |what: &str, e: &dyn std::fmt::Display| Error::invalid(format!("{what} is not valid: {e}"));
        let method = http::Method::from_bytes(method.as_bytes()).map_err(|e| bad("method", &e))?;
        let scheme: http::uri::Scheme = scheme.parse().map_err(|e| bad("scheme", &e))?;
        let authority: http::uri::Authority = authority.parse().map_err(|e| bad("authority", &e))?;
        if !path.starts_with('/') {
            return Err(Error::invalid("path_with_query must start with '/'"));
        }
        let path: http::uri::PathAndQuery = path.parse().map_err(|e| bad("path_with_query", &e))?;
        out.write(abi::into_boxed(wasmpool_http_request_t {
            method,
            scheme,
            authority,
            path,
            headers: http::HeaderMap::new(),
            body: RefCell::new(RequestBody::Whole(bytes::Bytes::new())),
        }));
        Ok(())
    })
}

/// Releases `req`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_request_delete(req: *mut wasmpool_http_request_t) {
    unsafe { abi::delete(req) }
}

/// Appends the header `name: value` to `req` (`value` is `len` bytes, may
/// be NULL when `len` is 0). Repeated names are kept in order.
///
/// Errors: INVALID_ARGUMENT (NULL argument; a name or value HTTP does not
/// allow).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_request_header_add(
    req: *mut wasmpool_http_request_t,
    name: *const c_char,
    value: *const u8,
    len: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let req = abi::arg_mut(req, "req")?;
        let name = abi::arg_str(name, "name")?;
        let value = abi::arg_slice(value, len, "value")?;
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::invalid(format!("header name {name:?} is not valid: {e}")))?;
        let value = http::HeaderValue::from_bytes(value)
            .map_err(|e| Error::invalid(format!("the value of header {name} is not valid: {e}")))?;
        req.headers.append(name, value);
        Ok(())
    })
}

/// Sets the body of `req` to a copy of the `len` bytes at `data` (NULL
/// allowed when `len` is 0), replacing any earlier body (a reader set
/// earlier is released: its finalizer runs).
///
/// Errors: INVALID_ARGUMENT (NULL `req`, NULL `data` with `len` > 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_request_body_set(
    req: *mut wasmpool_http_request_t,
    data: *const u8,
    len: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let req = abi::arg_mut(req, "req")?;
        let data = abi::arg_slice(data, len, "data")?;
        *req.body.get_mut() = RequestBody::Whole(bytes::Bytes::copy_from_slice(data));
        Ok(())
    })
}

/// Makes the body of `req` a stream the host supplies: the guest's reads
/// call `read(env, buf, cap, &len)` for the next part (at most 64 KiB at a
/// time), so an upload of any size never sits in memory whole. Replaces any
/// earlier body.
///
/// `read` runs only while `wasmpool_http_handle` (or `_handle_stream`) runs
/// with this request: on the thread that called it (or, when the guest
/// forwards the body in an outgoing request, on a thread of wasmpool's
/// runtime), one call at a time, never after the handle call returns (a
/// guest that did not read the whole body leaves the rest unread; later
/// reads fail in the guest). It may block until data arrives. The request
/// can be handed in once: the first handle call that gets as far as running
/// the guest takes the reader (one that fails before, e.g. POOL_EXHAUSTED,
/// leaves it in `req`); a second is INVALID_ARGUMENT.
///
/// `finalizer(env)` (may be NULL) runs exactly once when the reader is no
/// longer needed: when the body is replaced or `req` deleted before it was
/// handed in, else when the guest is done with the body, at the latest when
/// the store it was handed to is deleted; on the thread that lets go of it.
///
/// Errors: INVALID_ARGUMENT (NULL `req` or `read`); then `env` stays the
/// caller's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_request_body_reader_set(
    req: *mut wasmpool_http_request_t,
    read: wasmpool_http_body_read_callback_t,
    env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let req = abi::arg_mut(req, "req")?;
        let read = abi::arg_fn(read, "read")?;
        *req.body.get_mut() = RequestBody::Reader(Reader::new(read, env, finalizer));
        Ok(())
    })
}

/// Releases `resp`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_response_delete(resp: *mut wasmpool_http_response_t) {
    unsafe { abi::delete(resp) }
}

/// Writes the status code of `resp` to `*status`.
///
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_response_status(
    resp: *const wasmpool_http_response_t,
    status: *mut u16,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let resp = abi::arg_ref(resp, "resp")?;
        abi::out(status, "status")?.write(resp.status);
        Ok(())
    })
}

/// Writes the number of headers of `resp` to `*count`.
///
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_response_header_count(
    resp: *const wasmpool_http_response_t,
    count: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let resp = abi::arg_ref(resp, "resp")?;
        abi::out(count, "count")?.write(resp.headers.len());
        Ok(())
    })
}

/// Writes header `index` of `resp` (in the order the guest gave them):
/// its lower-case name (NUL-terminated) to `*name` and its value's bytes to
/// `*value` and `*value_len` (not NUL-terminated). Both are borrowed from
/// `resp` and valid until it is deleted.
///
/// Errors: INVALID_ARGUMENT (NULL argument, `index` >= the header count).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_response_header_get(
    resp: *const wasmpool_http_response_t,
    index: usize,
    name: *mut *const c_char,
    value: *mut *const u8,
    value_len: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let resp = abi::arg_ref(resp, "resp")?;
        let name = abi::out(name, "name")?;
        let value = abi::out(value, "value")?;
        let value_len = abi::out(value_len, "value_len")?;
        let (n, v) = resp.headers.get(index).ok_or_else(|| {
            Error::invalid(format!("header index {index} is out of range (the response has {})", resp.headers.len()))
        })?;
        name.write(n.as_ptr());
        value.write(v.as_ptr());
        value_len.write(v.len());
        Ok(())
    })
}

/// Writes the body of `resp` to `*data` and `*len`, borrowed from `resp`
/// until it is deleted (`*data` may be any non-NULL pointer when `*len` is
/// 0).
///
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_response_body(
    resp: *const wasmpool_http_response_t,
    data: *mut *const u8,
    len: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let resp = abi::arg_ref(resp, "resp")?;
        let data = abi::out(data, "data")?;
        let len = abi::out(len, "len")?;
        data.write(resp.body.as_ptr());
        len.write(resp.body.len());
        Ok(())
    })
}
