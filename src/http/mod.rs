//! `wasi:http` incoming requests served from C: a request and a response as
//! owned handles (`message.rs`), bodies streamed through host callbacks
//! (`stream.rs`), the store's outgoing-request policy
//! (`config.rs`), and handing one request to a `wasi:http/proxy` component
//! (`handle.rs`).

pub mod config;
pub mod handle;
pub mod message;
pub mod stream;
