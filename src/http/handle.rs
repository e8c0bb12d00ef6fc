//! Handing one incoming request to a `wasi:http/proxy` component and
//! collecting its response.
//!
//! The `wasi:http` host functions are Wasmtime's synchronous ones: like the
//! WASI preview-2 ones (`wasi/p2.rs`) they block on Wasmtime WASI's
//! process-wide tokio runtime when they wait, so the same linker serves
//! engines with and without `async_support` (an async engine runs the guest
//! on a fiber stack from the pool). The response body is read by a task on
//! that runtime while the guest writes it (its stream buffers only a chunk
//! or two), and once `handle` has returned every byte the guest wrote is in
//! the body's channel: the task then takes what is there and, if the guest
//! did not finish the body, reports an invalid response instead of waiting.

use std::future::{Future, poll_fn};
use std::pin::Pin;
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
use crate::http::message::{wasmpool_http_request_t, wasmpool_http_response_t};
use crate::store::data::{StoreData, block_on, enter};
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
/// and without `async_support`.
///
/// Errors: INVALID_ARGUMENT (NULL `linker`); LINK (Wasmtime refuses a
/// definition; the message says which).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_define_http(
    linker: *mut wasmpool_component_linker_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = &mut abi::arg_mut(linker, "linker")?.linker;
        // Shadowing only for these definitions: WASI's may already be there, identical.
        linker.allow_shadowing(true);
        let defined = wasmtime_wasi::p2::add_to_linker_sync(linker)
            .and_then(|()| wasmtime_wasi_http::p2::add_only_http_to_linker_sync(linker));
        linker.allow_shadowing(false);
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

/// Reads the response head and body as the guest produces them; after the
/// guest's `handle` returned it takes only what is already there.
async fn collect(
    mut head: oneshot::Receiver<std::result::Result<http::Response<HyperOutgoingBody>, ErrorCode>>,
    returned: oneshot::Receiver<()>,
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
    let mut bytes = Vec::new();
    loop {
        match poll_fn(|cx| returned.poll(cx, |cx| Pin::new(&mut body).poll_frame(cx))).await {
            Some(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    bytes.extend_from_slice(data);
                }
            }
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
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let name = std::ffi::CString::new(name.as_str()).expect("header names hold no NUL byte");
        headers.push((name, value.as_bytes().to_vec()));
    }
    Answer::Response(wasmpool_http_response_t { status: parts.status.as_u16(), headers, body: bytes })
}

/// The request as `wasmtime-wasi-http` takes it: whole body, already in memory.
fn incoming(
    req: &wasmpool_http_request_t,
) -> Result<http::Request<http_body_util::combinators::UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>>> {
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
    let body = http_body_util::Full::new(req.body.clone()).map_err(|never| match never {}).boxed_unsync();
    builder.body(body).map_err(|e| Error::invalid(format!("the request is not valid: {e}")))
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

fn serve(pre: &wasmpool_component_pre_t, store: &mut wasmpool_store_t, req: &wasmpool_http_request_t) -> Result<wasmpool_http_response_t> {
    let request = incoming(req)?;
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
    let proxy = Proxy::new(&mut *wstore, &inst.instance).map_err(not_proxy)?;
    let on_fiber = match wstore.data().stacks {
        Some(_) => Some(AsyncProxy::new(&mut *wstore, &inst.instance).map_err(not_proxy)?),
        None => None,
    };
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
    let collector = wasmtime_wasi::runtime::spawn(tokio::task::unconstrained(collect(head_rx, returned_rx)));
    let mut args = Some((req_res, out_res));
    let called = enter(wstore, "wasi:http/incoming-handler#handle", |s, _| {
        let Some((r, o)) = args.take() else {
            return Err(wasmtime::Error::msg("the request was already handed to the guest"));
        };
        match &on_fiber {
            Some(p) => block_on(p.wasi_http_incoming_handler().call_handle(s, r, o)),
            None => proxy.wasi_http_incoming_handler().call_handle(s, r, o),
        }
    });
    let _ = returned_tx.send(());
    called?;
    match block_on(collector) {
        Answer::Response(r) => Ok(r),
        Answer::ErrorCode(code) => Err(Error::new(K::WASMPOOL_ERROR_OTHER, format!("the guest answered with the error code {code:?}"))),
        Answer::Invalid(why) => Err(Error::new(K::WASMPOOL_ERROR_OTHER, why)),
    }
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
/// The body is whole in both directions (a streaming variant is future
/// work). Errors, so the host can answer 500 itself: INVALID_ARGUMENT (NULL
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
        let resp = serve(pre, store, request)?;
        out.write(abi::into_boxed(resp));
        Ok(())
    })
}
