//! `wasi:http` incoming requests served from C: a request and a response as
//! owned handles (`message.rs`), bodies streamed through host callbacks
//! (`stream.rs`), the store's outgoing-request policy
//! (`config.rs`), handing one request to a `wasi:http/proxy` component
//! (`handle.rs`), and doing so without blocking the caller (`call.rs`).

pub mod call;
pub mod config;
pub mod handle;
pub mod message;
pub mod stream;
