//! WASI for guests: one configuration (`config.rs`) copied into each store
//! (`store.rs`, holding a [`state::WasiState`]); preview 1 for core modules
//! (`p1.rs`), preview 2 for components (`p2.rs`); stdout and stderr
//! captured into capped per-store buffers (`capture.rs`).

mod capture;
pub mod config;
pub mod p1;
pub mod p2;
pub(crate) mod state;
pub mod store;
