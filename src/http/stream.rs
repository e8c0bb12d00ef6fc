//! Streamed bodies: a request body pulled from a C read callback while the
//! guest reads it, and a response handed to C callbacks (head, then body
//! chunks) while the guest writes it, so that neither body is ever whole in
//! memory.

use std::ffi::c_void;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame};

use crate::abi::{Error, HostEnv, wasmpool_error_t, wasmpool_finalizer_t};
use crate::http::message::wasmpool_http_response_t;

/// Reads the next part of a request body: writes at most `cap` bytes to
/// `buf` and their count to `*len`; `*len` = 0 ends the body. May block
/// until data arrives. Returning an error (made with `wasmpool_trap_new`, or
/// any `wasmpool_error_t` the host owns; wasmpool takes it) ends the body
/// with that error: the guest's read fails.
pub type wasmpool_http_body_read_callback_t =
    Option<unsafe extern "C" fn(env: *mut c_void, buf: *mut u8, cap: usize, len: *mut usize) -> *mut wasmpool_error_t>;

/// Receives the head of a streamed response (status and headers, read with
/// `wasmpool_http_response_status` / `_header_count` / `_header_get`; its
/// body is empty), borrowed for the duration of the callback. Returning an
/// error (wasmpool takes it) abandons the response: the guest's writes fail
/// and `wasmpool_http_handle_stream` returns that error.
pub type wasmpool_http_head_callback_t =
    Option<unsafe extern "C" fn(env: *mut c_void, head: *const wasmpool_http_response_t) -> *mut wasmpool_error_t>;

/// Receives the next `len` bytes of a streamed response body (borrowed for
/// the duration of the callback); never called with 0 bytes. Returning an
/// error abandons the response as for the head callback.
pub type wasmpool_http_body_write_callback_t =
    Option<unsafe extern "C" fn(env: *mut c_void, data: *const u8, len: usize) -> *mut wasmpool_error_t>;

/// The most a read callback is asked for at once.
pub(crate) const READ_CHUNK: usize = 64 * 1024;

/// Takes an error a host callback returned (non-NULL: an owned handle).
///
/// # Safety
/// `err` is NULL or an error handle the callee gave up.
pub(crate) unsafe fn host_error(err: *mut wasmpool_error_t) -> Option<Error> {
    if err.is_null() {
        return None;
    }
    // SAFETY: per the contract, an owned boxed handle.
    let err = unsafe { Box::from_raw(err) };
    let mut e = Error::new(err.kind, err.message.to_string_lossy());
    e.trap = err.trap;
    Some(e)
}

/// A host's request-body reader: its callback, its `env` (finalized when the
/// last holder lets go) and whether the call that handed it in has ended.
pub(crate) struct Reader {
    read: unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> *mut wasmpool_error_t,
    env: Arc<HostEnv>,
    /// Set when `wasmpool_http_handle` returns; held while the callback runs,
    /// so that closing waits for a read under way and no read starts after.
    closed: Mutex<bool>,
}

impl Reader {
    pub(crate) fn new(
        read: unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> *mut wasmpool_error_t,
        env: *mut c_void,
        finalizer: wasmpool_finalizer_t,
    ) -> Arc<Self> {
        let env = HostEnv::new(env, finalizer);
        env.arm();
        Arc::new(Reader { read, env, closed: Mutex::new(false) })
    }

    /// No read after this returns (one under way is waited for).
    pub(crate) fn close(&self) {
        *self.closed.lock().unwrap_or_else(PoisonError::into_inner) = true;
    }

    /// One call of the host's callback: the next chunk, `None` at the end.
    fn next(&self) -> Result<Option<Bytes>, String> {
        let closed = self.closed.lock().unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return Err("the request body was read after wasmpool_http_handle returned".into());
        }
        let mut buf = Vec::<u8>::with_capacity(READ_CHUNK);
        let mut len = 0usize;
        // SAFETY: `buf` has room for READ_CHUNK bytes and `len` is a valid
        // out pointer, both for the duration of the call.
        let err = unsafe { (self.read)(self.env.env, buf.as_mut_ptr(), READ_CHUNK, &mut len) };
        drop(closed);
        // SAFETY: the callback's return value, as documented.
        if let Some(e) = unsafe { host_error(err) } {
            return Err(format!("the host's request body reader failed: {}", e.message));
        }
        if len > READ_CHUNK {
            return Err(format!("the host's request body reader reported {len} bytes read into a buffer of {READ_CHUNK}"));
        }
        if len == 0 {
            return Ok(None);
        }
        // SAFETY: the callback wrote `len` <= capacity bytes.
        unsafe { buf.set_len(len) };
        Ok(Some(Bytes::from(buf)))
    }
}

/// The request body as `wasmtime-wasi-http` polls it: each poll is one call
/// of the host's reader on the polling thread (the guest's, unless the guest
/// forwards the body elsewhere), ready at once.
pub(crate) struct ReaderBody {
    reader: Option<Arc<Reader>>,
}

impl ReaderBody {
    pub(crate) fn new(reader: Arc<Reader>) -> Self {
        ReaderBody { reader: Some(reader) }
    }
}

impl Body for ReaderBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let Some(reader) = &this.reader else {
            return Poll::Ready(None);
        };
        let next = reader.next();
        if !matches!(next, Ok(Some(_))) {
            // Ended or failed: the reader (and its env) is not needed again.
            this.reader = None;
        }
        Poll::Ready(match next {
            Ok(Some(chunk)) => Some(Ok(Frame::data(chunk))),
            Ok(None) => None,
            Err(why) => Some(Err(wasmtime_wasi_http::Error::InternalError(Some(why)))),
        })
    }

    fn is_end_stream(&self) -> bool {
        self.reader.is_none()
    }
}

/// Where a streamed response goes: the host's callbacks and their `env`,
/// borrowed for one `wasmpool_http_handle_stream` call.
#[derive(Clone, Copy)]
pub(crate) struct Sink {
    pub(crate) head: unsafe extern "C" fn(*mut c_void, *const wasmpool_http_response_t) -> *mut wasmpool_error_t,
    pub(crate) data: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> *mut wasmpool_error_t,
    pub(crate) env: *mut c_void,
}

// SAFETY: the callbacks run on one thread at a time (the collector's), and
// only while `wasmpool_http_handle_stream` waits for it; the host documents
// `env` as usable from another thread for that long.
unsafe impl Send for Sink {}

impl Sink {
    pub(crate) fn head(&self, head: &wasmpool_http_response_t) -> Result<(), Error> {
        // SAFETY: `head` is valid for the call.
        let err = unsafe { (self.head)(self.env, head) };
        // SAFETY: the callback's return value, as documented.
        unsafe { host_error(err) }.map_or(Ok(()), Err)
    }

    pub(crate) fn data(&self, chunk: &[u8]) -> Result<(), Error> {
        // SAFETY: `chunk` is valid for the call.
        let err = unsafe { (self.data)(self.env, chunk.as_ptr(), chunk.len()) };
        // SAFETY: as above.
        unsafe { host_error(err) }.map_or(Ok(()), Err)
    }
}
