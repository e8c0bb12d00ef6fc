//! Which authorities a store's guests may send outgoing HTTP requests to:
//! none unless the host allows them, one `host:port` at a time.

use std::ffi::c_char;
use std::future::Future;
use std::sync::Arc;

use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpHooks};

use crate::abi::{self, Boxed, Handle, wasmpool_error_t};
use crate::store::wasmpool_store_t;

/// An HTTP configuration: what `wasmpool_store_http_set` gives each store.
///
/// Create with `wasmpool_http_config_new` (no outgoing request allowed),
/// allow authorities with `wasmpool_http_config_allow_authority`, release
/// with `wasmpool_http_config_delete` (stores it was set on keep their copy).
///
/// Thread safety: setters need exclusive access; once set up, one config may
/// be given to any number of stores from any threads.
#[derive(Clone, Default)]
pub struct wasmpool_http_config_t {
    allowed: Vec<String>,
}

impl Handle for wasmpool_http_config_t {
    type Ownership = Boxed;
}

/// A store's HTTP state: the `wasi:http` context and the outgoing policy.
pub(crate) struct HttpState {
    pub(crate) ctx: WasiHttpCtx,
    pub(crate) hooks: Outgoing,
}

impl HttpState {
    pub(crate) fn new(cfg: &wasmpool_http_config_t) -> Self {
        HttpState { ctx: WasiHttpCtx::new(), hooks: Outgoing { allowed: cfg.allowed.clone().into() } }
    }
}

impl Default for HttpState {
    fn default() -> Self {
        HttpState::new(&wasmpool_http_config_t::default())
    }
}

/// Sends a guest's outgoing request only to an allowed authority; any other
/// gets `HTTP-request-denied` without the host making a connection.
pub(crate) struct Outgoing {
    allowed: Arc<[String]>,
}

impl Outgoing {
    fn allows(&self, authority: Option<&str>) -> bool {
        authority.is_some_and(|a| self.allowed.iter().any(|x| x.eq_ignore_ascii_case(a)))
    }
}

type SendResult = wasmtime_wasi_http::Result<(
    http::Response<wasmtime_wasi_http::WasiBody>,
    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
)>;

impl WasiHttpHooks for Outgoing {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        drop(fut);
        if !self.allows(request.uri().authority().map(|a| a.as_str())) {
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            let io: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send> = Box::new(io);
            Ok((response.map(BodyExt::boxed_unsync), io))
        })
    }
}

/// A new HTTP configuration that allows no outgoing request; release with
/// `wasmpool_http_config_delete`. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_http_config_new() -> *mut wasmpool_http_config_t {
    abi::guard_value(std::ptr::null_mut(), || abi::into_boxed(wasmpool_http_config_t::default()))
}

/// Releases `cfg`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_config_delete(cfg: *mut wasmpool_http_config_t) {
    unsafe { abi::delete(cfg) }
}

/// Allows guests to send outgoing requests to `authority` (`host:port` as
/// it appears in the request's URL, such as `127.0.0.1:8080` or
/// `example.com:443`; compared without regard to ASCII case). A request to
/// any other authority fails in the guest with `HTTP-request-denied`; the
/// host is never contacted.
///
/// Errors: INVALID_ARGUMENT (NULL argument, `authority` empty or not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_config_allow_authority(
    cfg: *mut wasmpool_http_config_t,
    authority: *const c_char,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let authority = abi::arg_str(authority, "authority")?;
        if authority.is_empty() {
            return Err(abi::Error::invalid("authority is empty"));
        }
        cfg.allowed.push(authority.to_owned());
        Ok(())
    })
}

/// Gives `store` the HTTP configuration `cfg` (copied). A store without one
/// denies every outgoing request.
///
/// Errors: INVALID_ARGUMENT (NULL argument, called while the store runs a
/// guest).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_http_set(
    store: *mut wasmpool_store_t,
    cfg: *const wasmpool_http_config_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let cfg = abi::arg_ref(cfg, "cfg")?;
        if store.store.data().in_call {
            return Err(abi::Error::invalid("wasmpool_store_http_set was called while the store runs a guest"));
        }
        store.store.data_mut().http = Some(Box::new(HttpState::new(cfg)));
        Ok(())
    })
}
