//! wasi:http on the Rust-native path: the `http` command of bench_native, the same measurement and
//! JSON lines as bench/c/bench_wasmpool_http.c.
//!
//! ```text
//! bench_native http proxy=WASM [pool_total=1000 target_ms=200 warmup=200]
//! ```
//!
//! Options: strategies=pooling,ondemand  iters=N (fixed batches, for profiling). `proxy` is the C
//! proxy test guest (tests/guests/proxy, built as `guests/proxy.wasm` by the `wasmpool_guests`
//! target), which answers `POST /echo` with the request body.
//!
//! One request, written the way a Rust embedder serving in process writes it: a new store
//! (`WasiCtx` with its defaults, a `ResourceTable`, a `WasiHttpCtx`), an instance from `ProxyPre`
//! (`instantiate_async`), the request and response outparam made in the store, then the guest's
//! `handle` and the reader of its response (head from the oneshot, body collected) joined into one
//! future that this thread blocks on (pollster, inside WASI's tokio runtime, as wasmpool does with
//! an async engine), the response checked, the store dropped.

use std::convert::Infallible;

use bytes::Bytes;
use http_body::Body;
use http_body_util::{BodyExt, Full};
use tokio::sync::oneshot;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::{Args, Result, each_strategy, emit, fail};

/// The request's body; the proxy guest's `/echo` answers 200 with the same bytes.
pub const BODY: &[u8] = b"hello";
const URI: &str = "http://localhost/echo";

/// The store data: WASI's and wasi:http's contexts, sharing one resource table.
struct Host {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for Host {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        // Default hooks: outgoing requests are sent (the echo route makes none).
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: Default::default() }
    }
}

type Head = std::result::Result<http::Response<HyperOutgoingBody>, ErrorCode>;

fn pre(engine: &Engine, file: &str) -> Result<ProxyPre<Host>> {
    let component = Component::from_file(engine, file)?;
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    ProxyPre::new(linker.instantiate_pre(&component)?)
}

/// `POST /echo` with BODY as text/plain. The body's error type is wasi:http's own, so
/// `new_incoming_request` has nothing to convert.
fn request() -> http::Request<impl Body<Data = Bytes, Error = wasmtime_wasi_http::Error> + Send + 'static> {
    let body = Full::new(Bytes::from_static(BODY)).map_err(|never: Infallible| match never {});
    http::Request::builder()
        .method(http::Method::POST)
        .uri(URI)
        .header(http::header::CONTENT_TYPE, "text/plain")
        .body(body)
        .expect("a valid request")
}

/// The response's status and whole body, read while the guest writes it.
async fn response(head: oneshot::Receiver<Head>) -> Result<(u16, Bytes)> {
    let head = head.await.map_err(|_| wasmtime::format_err!("the guest set no response"))?;
    let response = head.map_err(|code| wasmtime::format_err!("the guest answered with the error code {code:?}"))?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|code| wasmtime::format_err!("the response body failed: {code:?}"))?;
    Ok((parts.status.as_u16(), body.to_bytes()))
}

/// A new instance in `store` handles one request; its `handle` call and the reader of its
/// response run as one future. `try_join`: should the guest fail, the reader (whose outparam
/// lives on in the store) is not waited for.
async fn handle(store: &mut Store<Host>, pre: &ProxyPre<Host>) -> Result<(u16, Bytes)> {
    let proxy = pre.instantiate_async(&mut *store).await?;
    let (head_tx, head_rx) = oneshot::channel();
    let req = store.data_mut().http().new_incoming_request(Scheme::Http, request())?;
    let out = store.data_mut().http().new_response_outparam(head_tx)?;
    let call = proxy.wasi_http_incoming_handler().call_handle(&mut *store, req, out);
    let ((), answer) = futures_util::future::try_join(call, response(head_rx)).await?;
    Ok(answer)
}

fn check_response(status: u16, body: &[u8]) {
    if status != 200 || body != BODY {
        fail(&format!("http: /echo answered {status} with {:?}", String::from_utf8_lossy(body)));
    }
}

fn serve_one(engine: &Engine, pre: &ProxyPre<Host>) {
    let host = Host { wasi: WasiCtx::default(), http: WasiHttpCtx::new(), table: ResourceTable::new() };
    let mut store = Store::new(engine, host);
    let answer =
        wasmtime_wasi::runtime::with_ambient_tokio_runtime(|| pollster::block_on(handle(&mut store, pre)));
    let (status, body) = answer.unwrap_or_else(|e| fail(&format!("http: {e:?}")));
    check_response(status, &body);
    drop(store);
}

/// One request after another, for each allocation strategy asked for.
pub fn http(args: &Args) -> Result<()> {
    each_strategy(args, |timing, _, strategy, engine| {
        let pre = pre(engine, &args.str("proxy"))?;
        let (ns, it) = timing.measure(|k| (0..k).for_each(|_| serve_one(engine, &pre)));
        emit("http_request", "echo", strategy, "", 1, ns, "ns/request", it);
        Ok(())
    })
}
