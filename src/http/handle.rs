//! Handing one incoming request to a `wasi:http/proxy` component and
//! collecting its response.
//!
//! The response is read while the guest writes it (its stream buffers only a
//! chunk or two): into one buffer for `wasmpool_http_handle`, or to the
//! host's callbacks for `wasmpool_http_handle_stream`. How depends on the
//! engine, as the linker's host functions do (`wasi/p2.rs`):
//!
//! - An async engine has the async `wasi:http` and WASI host functions: a
//!   guest that waits (for room in its body's channel, say) suspends its
//!   fiber. The guest's call and the reader of its response are then one
//!   future on the calling thread, as `wasmtime serve` runs a request as one
//!   task: no thread hand-off per request.
//! - A synchronous engine's host functions block their thread when they
//!   wait, so the reader is a task on Wasmtime WASI's runtime (for a sink, on
//!   a blocking thread of it, since the callbacks may block).
//!
//! Once `handle` has returned, every byte the guest wrote is in the body's
//! channel: the reader then takes what is there and, if the guest did not
//! finish the body, reports an invalid response instead of waiting.

use std::ffi::c_void;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body::Body as _;
use wasmtime_wasi::WasiView as _;
use tokio::sync::oneshot;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::p2::bindings::Proxy as AsyncProxy;
use wasmtime_wasi_http::p2::bindings::sync::Proxy;
use wasmtime_wasi_http::{WasiHttpCtxView, WasiHttpView};

use crate::abi::{self, Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::component::linker::wasmpool_component_linker_t;
use crate::component::pre::wasmpool_component_pre_t;
use crate::http::message::{RequestBody, wasmpool_http_request_t, wasmpool_http_response_t};
use crate::http::stream::{
    Reader, ReaderBody, Sink, wasmpool_http_body_write_callback_t, wasmpool_http_head_callback_t,
};
use crate::store::data::{StoreData, block_on, block_on_wasi, enter};
use crate::store::wasmpool_store_t;
use crate::wasi::state::WasiState;

impl WasiHttpView for StoreData {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        let table = WasiState::of(&mut self.wasi).ctx.ctx().table;
        let http = self.http.get_or_insert_with(Default::default);
        WasiHttpCtxView { ctx: &mut http.ctx, table, hooks: &mut http.hooks }
    }
}

/// Defines `wasi:http` (`types` and `outgoing-handler`, 0.2.x) and all of
/// WASI preview 2 (what `wasmpool_component_linker_define_wasi` defines) in
/// `linker`: what a `wasi:http/proxy` component imports, and what
/// toolchains such as componentize-js import beside it (`wasi:cli` terminal
/// and environment interfaces, `wasi:filesystem`, `wasi:sockets`), as
/// `wasmtime serve` provides. What `linker` already defines under those
/// interface names is replaced, so calling
/// `wasmpool_component_linker_define_wasi` before this is harmless; calling it
/// after this is a LINK error (the names are taken). Works for engines with
/// and without `async_support` (an async engine gets the async host
/// functions, which suspend a waiting guest's fiber).
///
/// Errors: INVALID_ARGUMENT (NULL `linker`); LINK (Wasmtime refuses a
/// definition; the message says which).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_define_http(
    linker: *mut wasmpool_component_linker_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        // Shadowing only for these definitions: WASI's may already be there, identical.
        linker.linker.allow_shadowing(true);
        let defined = crate::wasi::p2::define(linker).and_then(|()| match linker.on_fiber {
            true => wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker.linker),
            false => wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker.linker),
        });
        linker.linker.allow_shadowing(false);
        defined.map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define wasi:http: {e}")))
    })
}

/// What the guest answered, or why there is no answer.
enum Answer {
    Response(wasmpool_http_response_t),
    /// `response-outparam.set` with an error code.
    ErrorCode(ErrorCode),
    /// Never set, or the body was broken off.
    Invalid(String),
    /// A callback of the host's sink failed: its error.
    Refused(Error),
}

/// Whether the guest's `handle` has returned, and the signal that says so.
struct Returned {
    signal: oneshot::Receiver<()>,
    seen: bool,
}

impl Returned {
    /// Polls `step`; `None` once it is pending after the guest returned (then
    /// nothing is left to run that could make it ready). `returned` is polled
    /// *before* `step`: what the guest did before returning happens-before
    /// that step, so a step the guest completed is never taken for pending
    /// (tokio's channels can be pending for a moment while a send on another
    /// thread is under way).
    fn poll<T>(&mut self, cx: &mut Context<'_>, step: impl FnOnce(&mut Context<'_>) -> Poll<T>) -> Poll<Option<T>> {
        if !self.seen && Pin::new(&mut self.signal).poll(cx).is_ready() {
            self.seen = true;
        }
        match step(cx) {
            Poll::Ready(v) => Poll::Ready(Some(v)),
            Poll::Pending if self.seen => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Reads the response head and body as the guest produces them, into the
/// response (no `sink`) or to the host's callbacks; after the guest's
/// `handle` returned it takes only what is already there.
async fn collect(
    mut head: oneshot::Receiver<std::result::Result<http::Response<HyperOutgoingBody>, ErrorCode>>,
    returned: oneshot::Receiver<()>,
    sink: Option<Sink>,
) -> Answer {
    let mut returned = Returned { signal: returned, seen: false };
    let sent = poll_fn(|cx| returned.poll(cx, |cx| Pin::new(&mut head).poll(cx))).await;
    let response = match sent {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Answer::ErrorCode(code),
        Some(Err(_)) | None => {
            return Answer::Invalid("the guest did not set a response (response-outparam.set)".into());
        }
    };
    let (parts, mut body) = response.into_parts();
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let name = std::ffi::CString::new(name.as_str()).expect("header names hold no NUL byte");
        headers.push((name, value.as_bytes().to_vec()));
    }
    let mut answer = wasmpool_http_response_t { status: parts.status.as_u16(), headers, body: Vec::new() };
    if let Some(sink) = &sink
        && let Err(e) = sink.head(&answer)
    {
        return Answer::Refused(e);
    }
    loop {
        match poll_fn(|cx| returned.poll(cx, |cx| Pin::new(&mut body).poll_frame(cx))).await {
            Some(Some(Ok(frame))) => match (frame.data_ref(), &sink) {
                (Some(data), Some(sink)) if !data.is_empty() => {
                    if let Err(e) = sink.data(data) {
                        return Answer::Refused(e);
                    }
                }
                (Some(data), None) => answer.body.extend_from_slice(data),
                _ => {}
            },
            Some(None) => break,
            Some(Some(Err(e))) => {
                return Answer::Invalid(format!(
                    "the guest's response body ended with an error (as a body dropped without \
                     outgoing-body.finish does): {e}"
                ));
            }
            None => {
                return Answer::Invalid(
                    "the guest returned without finishing the response body (outgoing-body.finish)".into(),
                );
            }
        }
    }
    Answer::Response(answer)
}

fn spent() -> Error {
    Error::invalid("the request's streamed body was already handed to a guest (a request with a body reader is handed in once)")
}

type IncomingBody = http_body_util::combinators::UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>;

/// The request as `wasmtime-wasi-http` takes it, and its body's reader if it
/// is streamed (taken from `req`: a streamed body is handed in once).
fn incoming(req: &wasmpool_http_request_t) -> Result<(http::Request<IncomingBody>, Option<Arc<Reader>>)> {
    let uri = http::Uri::builder()
        .scheme(req.scheme.clone())
        .authority(req.authority.clone())
        .path_and_query(req.path.clone())
        .build()
        .map_err(|e| Error::invalid(format!("the request's URI is not valid: {e}")))?;
    let mut builder = http::Request::builder().method(req.method.clone()).uri(uri);
    if let Some(h) = builder.headers_mut() {
        h.clone_from(&req.headers);
    }
    let mut slot = req.body.borrow_mut();
    let (body, reader) = match &*slot {
        RequestBody::Whole(bytes) => (http_body_util::Full::new(bytes.clone()).map_err(|never| match never {}).boxed_unsync(), None),
        RequestBody::Reader(reader) => (ReaderBody::new(reader.clone()).boxed_unsync(), Some(reader.clone())),
        RequestBody::Taken => return Err(spent()),
    };
    let request = builder.body(body).map_err(|e| Error::invalid(format!("the request is not valid: {e}")))?;
    if reader.is_some() {
        *slot = RequestBody::Taken;
    }
    Ok((request, reader))
}

fn scheme(s: &http::uri::Scheme) -> Scheme {
    if *s == http::uri::Scheme::HTTP {
        Scheme::Http
    } else if *s == http::uri::Scheme::HTTPS {
        Scheme::Https
    } else {
        Scheme::Other(s.as_str().to_owned())
    }
}

/// Hands `req` to a new instance of `pre` in `store` and collects the
/// answer: the whole response, or (with a `sink`) its head, the body having
/// gone to the sink.
pub(crate) fn serve(
    pre: &wasmpool_component_pre_t,
    store: &mut wasmpool_store_t,
    req: &wasmpool_http_request_t,
    sink: Option<Sink>,
) -> Result<wasmpool_http_response_t> {
    if matches!(&*req.body.borrow(), RequestBody::Taken) {
        return Err(spent());
    }
    // Every proxy guest uses wasi:io (its bodies are streams): a store the host gave no WASI
    // configuration gets the defaults (no args or env, empty stdin, output discarded).
    if store.store.data().wasi.is_none() {
        let defaults = crate::wasi::state::WasiState::new(&crate::wasi::config::wasmpool_wasi_config_t::default())?;
        store.store.data_mut().wasi = Some(Box::new(defaults));
    }
    let inst = crate::store::instantiate::instantiate_component(store, pre)?;
    // SAFETY: `instantiate_component` returned a live handle owned by `store`.
    let inst = unsafe { &*inst };
    let wstore = &mut store.store;
    let not_proxy = |e: wasmtime::Error| {
        Error::new(K::WASMPOOL_ERROR_LINK, format!("the component is not a wasi:http proxy (no wasi:http/incoming-handler export): {e}"))
    };
    let proxy = match wstore.data().stacks {
        Some(_) => Guest::OnFiber(AsyncProxy::new(&mut *wstore, &inst.instance).map_err(not_proxy)?),
        None => Guest::Blocking(Proxy::new(&mut *wstore, &inst.instance).map_err(not_proxy)?),
    };
    // Only now, with an instance to run, is a streamed body taken from the request.
    let (request, reader) = incoming(req)?;
    let (head_tx, head_rx) = oneshot::channel();
    let (returned_tx, returned_rx) = oneshot::channel();
    let (req_res, out_res) = {
        let mut view = wstore.data_mut().http();
        let r = view.new_incoming_request(scheme(&req.scheme), request);
        let o = view.new_response_outparam(head_tx);
        (r, o)
    };
    let internal = |e: wasmtime::Error| Error::new(K::WASMPOOL_ERROR_OTHER, format!("cannot pass the request to the guest: {e}"));
    let (req_res, out_res) = (req_res.map_err(internal)?, out_res.map_err(internal)?);
    // Unconstrained: tokio's cooperative budget would otherwise make a ready channel look pending
    // now and then, and a pending body after the guest returned is taken for an unfinished one.
    let collecting = tokio::task::unconstrained(collect(head_rx, returned_rx, sink));
    let parts = Parts { request: req_res, outparam: out_res, returned: returned_tx, collecting };
    let (called, answer) = match &proxy {
        Guest::OnFiber(p) => on_fiber(wstore, p, parts),
        Guest::Blocking(p) => blocking(wstore, p, parts, sink.is_some()),
    };
    if let Some(reader) = reader {
        reader.close();
    }
    // A sink's error first: the guest's failure may only be its consequence.
    let answer = match answer {
        Some(Answer::Refused(e)) => return Err(e),
        answer => answer,
    };
    called?;
    match answer {
        Some(Answer::Response(r)) => Ok(r),
        Some(Answer::ErrorCode(code)) => {
            Err(Error::new(K::WASMPOOL_ERROR_OTHER, format!("the guest answered with the error code {code:?}")))
        }
        Some(Answer::Invalid(why)) => Err(Error::new(K::WASMPOOL_ERROR_OTHER, why)),
        Some(Answer::Refused(e)) => Err(e),
        None => Err(Error::new(K::WASMPOOL_ERROR_OTHER, "the guest's response was not read")),
    }
}

const HANDLE: &str = "wasi:http/incoming-handler#handle";

/// The guest's export, through the bindings that match the engine.
enum Guest {
    OnFiber(AsyncProxy),
    Blocking(Proxy),
}

/// What one call of `handle` takes: its arguments, the signal it sends when
/// it has returned, and the reader of its response.
struct Parts<C> {
    request: wasmtime::component::Resource<wasmtime_wasi_http::p2::types::HostIncomingRequest>,
    outparam: wasmtime::component::Resource<wasmtime_wasi_http::p2::types::HostResponseOutparam>,
    returned: oneshot::Sender<()>,
    collecting: C,
}

fn taken() -> wasmtime::Error {
    wasmtime::Error::msg("the request was already handed to the guest")
}

/// An async engine: the guest's call and the reader of its response, joined
/// into one future that this thread polls (the guest on its fiber stack).
fn on_fiber<C: Future<Output = Answer>>(
    wstore: &mut crate::store::data::WStore,
    proxy: &AsyncProxy,
    parts: Parts<C>,
) -> (Result<()>, Option<Answer>) {
    let mut parts = Some(parts);
    let mut answer = None;
    let called = enter(wstore, HANDLE, |s, _| {
        let Parts { request, outparam, returned, collecting } = parts.take().ok_or_else(taken)?;
        let guest = async {
            let called = proxy.wasi_http_incoming_handler().call_handle(s, request, outparam).await;
            let _ = returned.send(());
            called
        };
        let (called, got) = block_on_wasi(futures_util::future::join(guest, collecting));
        answer = Some(got);
        called
    });
    (called, answer)
}

/// A synchronous engine: the reader runs on Wasmtime WASI's runtime while
/// the guest runs (and blocks when it waits) on this thread.
fn blocking<C: Future<Output = Answer> + Send + 'static>(
    wstore: &mut crate::store::data::WStore,
    proxy: &Proxy,
    parts: Parts<C>,
    sink: bool,
) -> (Result<()>, Option<Answer>) {
    let Parts { request, outparam, returned, collecting } = parts;
    let collector = match sink {
        false => wasmtime_wasi::runtime::spawn(collecting),
        // The host's callbacks may block: not on a worker of the runtime.
        true => wasmtime_wasi::runtime::spawn_blocking(move || wasmtime_wasi::runtime::in_tokio(collecting)),
    };
    let mut args = Some((request, outparam));
    let called = enter(wstore, HANDLE, |s, _| {
        let (r, o) = args.take().ok_or_else(taken)?;
        proxy.wasi_http_incoming_handler().call_handle(s, r, o)
    });
    let _ = returned.send(());
    // Waited for even when the guest failed: a sink's callbacks must be over before returning.
    (called, Some(block_on(collector)))
}

/// Instantiates the `wasi:http/proxy` component `pre` in `store` (from the
/// pool, waiting for a slot as `wasmpool_component_pre_instantiate` does),
/// hands it `request` through `wasi:http/incoming-handler.handle`, and
/// writes the guest's response to `*response` (owned by the caller:
/// `wasmpool_http_response_delete`). `request` is only read.
///
/// The call blocks its thread until the guest has returned; in an async
/// engine the guest runs on a fiber stack from the pool. The store may have
/// a WASI configuration (`wasmpool_store_wasi_set`: the guest's env, stdio
/// capture; without one the guest gets WASI's defaults: no args or env,
/// empty stdin, output discarded) and an HTTP configuration
/// (`wasmpool_store_http_set`; without one, outgoing requests are denied). Use a fresh store per
/// request: the instance stays in `store` until it is deleted. `pre` may be
/// shared by threads, each with its own store.
///
/// The response body is whole (`wasmpool_http_handle_stream` streams it);
/// the request body is whole or streamed from a reader
/// (`wasmpool_http_request_body_reader_set`). Errors, so the host can answer 500 itself: INVALID_ARGUMENT (NULL
/// argument, `pre` of another engine); LINK (not a proxy component); POOL_EXHAUSTED; TRAP (with a
/// trap code); INTERRUPTED (epoch deadline); OUT_OF_FUEL; OTHER (the guest
/// set no response, set an error code, or did not finish the body: the
/// message says which). `*response` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_handle(
    pre: *const wasmpool_component_pre_t,
    store: *mut wasmpool_store_t,
    request: *const wasmpool_http_request_t,
    response: *mut *mut wasmpool_http_response_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let pre = abi::arg_ref(pre, "pre")?;
        let store = abi::arg_mut(store, "store")?;
        let request = abi::arg_ref(request, "request")?;
        let out = abi::out(response, "response")?;
        let resp = serve(pre, store, request, None)?;
        out.write(abi::into_boxed(resp));
        Ok(())
    })
}

/// As `wasmpool_http_handle`, with the response streamed to the host while
/// the guest writes it, so a download of any size never sits in memory
/// whole: `on_head(env, head)` once, with the status and headers (`head` is
/// borrowed for that call; its body is empty), then `on_data(env, data,
/// len)` for each part of the body in order, then the call returns NULL.
///
/// The callbacks run one at a time, only before this function returns: on
/// an async engine on the calling thread, between the guest's steps; on
/// other engines on a thread of wasmpool's runtime (`env` must then be
/// usable from that thread for the duration of the call). They may block (a
/// slow client slows the guest down: the guest's writes wait). A callback that returns an error (wasmpool takes it) abandons the
/// response: the guest's further writes fail, and that error is returned.
///
/// Errors: as `wasmpool_http_handle` (INVALID_ARGUMENT also for a NULL
/// callback), and a callback's own error. Some of the body may have gone to
/// `on_data` before an error (a trap or deadline mid-body): a server has then
/// sent part of a response and can only cut the connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_handle_stream(
    pre: *const wasmpool_component_pre_t,
    store: *mut wasmpool_store_t,
    request: *const wasmpool_http_request_t,
    on_head: wasmpool_http_head_callback_t,
    on_data: wasmpool_http_body_write_callback_t,
    env: *mut c_void,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let pre = abi::arg_ref(pre, "pre")?;
        let store = abi::arg_mut(store, "store")?;
        let request = abi::arg_ref(request, "request")?;
        let sink = Sink { head: abi::arg_fn(on_head, "on_head")?, data: abi::arg_fn(on_data, "on_data")?, env };
        serve(pre, store, request, Some(sink)).map(drop)
    })
}
