//! A store's WASI state: the context Wasmtime's WASI implementation works
//! on, and the capture buffers the host reads. A leaf: the store's data holds
//! it, and nothing here knows about stores.
//!
//! One `WasiP1Ctx` serves both previews: it carries the preview-2 context
//! and resource table (it implements `WasiView`) plus the small preview-1
//! descriptor table, so a store needs one context whichever kind of guest it
//! runs, and building it opens each preopened directory once.

use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::abi::Result;
use crate::wasi::capture::CapturePipe;
use crate::wasi::config::{Input, Output, preopen_error, wasmpool_wasi_config_t, wasmpool_wasi_perms_t};

pub(crate) struct WasiState {
    pub(crate) ctx: WasiP1Ctx,
    pub(crate) stdout: Option<CapturePipe>,
    pub(crate) stderr: Option<CapturePipe>,
    /// Made for a guest that called WASI in a store the host gave no WASI
    /// configuration: an empty context, and the call reports an error.
    pub(crate) placeholder: bool,
}

impl WasiState {
    /// The state for one store, from `cfg`. Opens the preopened directories
    /// (an IO error naming the first that fails).
    pub(crate) fn new(cfg: &wasmpool_wasi_config_t) -> Result<Self> {
        let mut b = WasiCtxBuilder::new();
        if cfg.inherit_env {
            b.inherit_env();
        }
        b.envs(&cfg.env).args(&cfg.args);
        match &cfg.stdin {
            Input::Empty => {}
            Input::Bytes(bytes) => {
                b.stdin(MemoryInputPipe::new(bytes.clone()));
            }
            Input::Inherit => {
                b.inherit_stdin();
            }
        }
        let stdout = output(&mut b, cfg.stdout, |b, p| b.stdout(p), |b| b.inherit_stdout());
        let stderr = output(&mut b, cfg.stderr, |b, p| b.stderr(p), |b| b.inherit_stderr());
        for p in &cfg.preopens {
            let perms = match p.perms {
                wasmpool_wasi_perms_t::WASMPOOL_WASI_PERMS_READ_ONLY => FsPerms::ReadOnly,
                wasmpool_wasi_perms_t::WASMPOOL_WASI_PERMS_READ_WRITE => FsPerms::ReadWrite,
            };
            b.preopened_dir(&p.host, &p.guest, perms).map_err(|e| preopen_error(&p.host, e))?;
        }
        b.allow_tcp(cfg.network).allow_udp(cfg.network).allow_ip_name_lookup(cfg.network);
        if cfg.network {
            b.inherit_network();
        }
        Ok(WasiState { ctx: b.build_p1(), stdout, stderr, placeholder: false })
    }

    /// The empty context given to a guest that calls WASI in a store without
    /// a WASI configuration (see `placeholder`).
    pub(crate) fn placeholder() -> Self {
        WasiState { ctx: WasiCtxBuilder::new().build_p1(), stdout: None, stderr: None, placeholder: true }
    }

    /// The store's state, made a placeholder if the host set none.
    pub(crate) fn of(slot: &mut Option<Box<WasiState>>) -> &mut WasiState {
        slot.get_or_insert_with(|| Box::new(WasiState::placeholder()))
    }
}

fn output(
    b: &mut WasiCtxBuilder,
    out: Output,
    capture: impl FnOnce(&mut WasiCtxBuilder, CapturePipe) -> &mut WasiCtxBuilder,
    inherit: impl FnOnce(&mut WasiCtxBuilder) -> &mut WasiCtxBuilder,
) -> Option<CapturePipe> {
    match out {
        Output::Discard => None,
        Output::Capture(cap) => {
            let pipe = CapturePipe::new(cap);
            capture(b, pipe.clone());
            Some(pipe)
        }
        Output::Inherit => {
            inherit(b);
            None
        }
    }
}
