//! A capped in-memory stdout/stderr for guests: keeps the first `cap` bytes
//! written and counts (and drops) the rest. Unlike Wasmtime's
//! `MemoryOutputPipe`, a full buffer never traps the guest or closes its
//! stream: a program that prints too much still runs to its end, and the host
//! learns how much was lost.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// What a guest wrote so far.
#[derive(Debug, Default)]
pub(crate) struct Captured {
    pub(crate) bytes: Vec<u8>,
    /// Bytes written beyond the cap and dropped.
    pub(crate) dropped: u64,
}

/// One capture buffer; clones share it (each guest stream is a clone).
#[derive(Clone, Debug)]
pub(crate) struct CapturePipe {
    cap: usize,
    inner: Arc<Mutex<Captured>>,
}

/// How much a guest may write in one go: the buffer never pushes back.
const WRITE_BUDGET: usize = 64 * 1024;

impl CapturePipe {
    pub(crate) fn new(cap: usize) -> Self {
        CapturePipe { cap, inner: Arc::default() }
    }

    /// The captured bytes and the dropped count. The lock is never held
    /// across a guest call, so it is never poisoned by one; a poisoned lock
    /// (a panic while appending) still holds consistent data.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Captured> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn append(&self, data: &[u8]) {
        let mut captured = self.lock();
        let room = self.cap.saturating_sub(captured.bytes.len());
        let kept = data.len().min(room);
        captured.bytes.extend_from_slice(&data[..kept]);
        captured.dropped = captured.dropped.saturating_add((data.len() - kept) as u64);
    }
}

impl IsTerminal for CapturePipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CapturePipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for CapturePipe {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.append(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_BUDGET)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for CapturePipe {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for CapturePipe {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.append(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_cap_and_counts_the_rest() {
        let pipe = CapturePipe::new(5);
        let mut stream = pipe.clone();
        stream.write(Bytes::from_static(b"abc")).unwrap();
        stream.write(Bytes::from_static(b"defgh")).unwrap();
        let captured = pipe.lock();
        assert_eq!(captured.bytes, b"abcde");
        assert_eq!(captured.dropped, 3);
    }
}
