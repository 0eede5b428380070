//! The COMPRESS=DEFLATE stream layer (RFC 4978): raw DEFLATE (RFC 1951, no zlib or gzip
//! wrapper) in both directions over the session's stream.
//!
//! Decisions, each with the reason:
//! - Output is flushed with a sync flush (Z_SYNC_FLUSH) on every `poll_flush`: RFC 4978 §4
//!   asks for a flush at the end of each response burst so the client can act on it; the
//!   session flushes exactly when it has written what the client waits for.
//! - Zip-bomb defence: the bytes inflated for one command are bounded
//!   ([`InflateBudget`]). The session resets the budget whenever a command is complete;
//!   inflating more than the limit before that is an I/O error and the connection ends.
//!   Without it a few kilobytes of compressed input could make the session buffer gigabytes
//!   while a command is being framed.
//! - Inflation is driven by reads: at most the reader's free buffer space is inflated per
//!   read, so memory is never allocated ahead of the session's own limits.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::AsyncStream;

/// Compressed bytes read from the socket at a time.
const INPUT_CHUNK_BYTES: usize = 16 * 1024;
/// How many maximum-size literals one command may inflate to (MULTIAPPEND sends several);
/// the per-command bound is this times `max_literal_bytes`, plus `max_line_bytes` per
/// literal for the lines around them.
pub const MAX_INFLATED_LITERALS_PER_COMMAND: u64 = 4;

/// Inflated bytes allowed until the session next calls `reset` (one command).
#[derive(Debug)]
pub struct InflateBudget {
    used: AtomicU64,
    limit: u64,
}

impl InflateBudget {
    pub fn new(limit: u64) -> Arc<InflateBudget> {
        Arc::new(InflateBudget {
            used: AtomicU64::new(0),
            limit,
        })
    }
    /// A command is complete: the next one starts with a full budget.
    pub fn reset(&self) {
        self.used.store(0, Ordering::Relaxed);
    }
    pub fn limit(&self) -> u64 {
        self.limit
    }
    fn spend(&self, n: u64) -> io::Result<()> {
        let used = self.used.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if used > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "inflated command larger than the COMPRESS limit",
            ));
        }
        Ok(())
    }
}

/// The bound for a session's configuration (see [`MAX_INFLATED_LITERALS_PER_COMMAND`]).
pub fn inflate_limit(max_literal_bytes: u64, max_line_bytes: usize) -> u64 {
    let per_literal = max_literal_bytes.saturating_add(max_line_bytes as u64);
    per_literal.saturating_mul(MAX_INFLATED_LITERALS_PER_COMMAND)
}

/// A stream that inflates what it reads and deflates what it writes.
pub struct DeflateStream {
    inner: Box<dyn AsyncStream>,
    inflate: Decompress,
    deflate: Compress,
    /// Compressed input read from `inner` and not yet inflated: `in_buf[in_pos..]`.
    in_buf: Vec<u8>,
    in_pos: usize,
    is_eof: bool,
    /// Compressed output not yet written to `inner`: `out_buf[out_pos..]`.
    out_buf: Vec<u8>,
    out_pos: usize,
    /// Data was deflated since the last sync flush.
    needs_sync: bool,
    budget: Arc<InflateBudget>,
}

impl DeflateStream {
    /// Wrap `inner`. Called after the tagged OK to COMPRESS has been flushed (RFC 4978 §3:
    /// compression starts right after the CRLF of the OK, in both directions). `pending`
    /// is compressed input the session had already read past the command.
    pub fn new(
        inner: Box<dyn AsyncStream>,
        pending: Vec<u8>,
        budget: Arc<InflateBudget>,
    ) -> DeflateStream {
        DeflateStream {
            inner,
            inflate: Decompress::new(false),
            deflate: Compress::new(Compression::default(), false),
            in_buf: pending,
            in_pos: 0,
            is_eof: false,
            out_buf: Vec::new(),
            out_pos: 0,
            needs_sync: false,
            budget,
        }
    }

    /// Write pending compressed output to `inner`.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.out_pos < self.out_buf.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.out_buf[self.out_pos..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out_pos += n;
        }
        self.out_buf.clear();
        self.out_pos = 0;
        Poll::Ready(Ok(()))
    }

    /// Deflate `input` (all of it) into `out_buf` with the given flush mode.
    fn deflate_into(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        loop {
            if self.out_buf.capacity() - self.out_buf.len() < 1024 {
                self.out_buf.reserve(input.len() / 2 + 4096);
            }
            let before_in = self.deflate.total_in();
            self.deflate
                .compress_vec(input, &mut self.out_buf, flush)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            // total_in grew by at most input.len(), a usize.
            let consumed = (self.deflate.total_in() - before_in) as usize;
            input = &input[consumed..];
            // Output space left over means the compressor had nothing more to give for
            // this flush mode.
            if input.is_empty() && self.out_buf.len() < self.out_buf.capacity() {
                return Ok(());
            }
        }
    }
}

impl AsyncRead for DeflateStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            // Also with no input left: the inflater may hold output that did not fit last time.
            {
                let before_in = this.inflate.total_in();
                let before_out = this.inflate.total_out();
                let out = buf.initialize_unfilled();
                this.inflate
                    .decompress(&this.in_buf[this.in_pos..], out, FlushDecompress::None)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                // total_in grew by at most the slice length, a usize.
                let consumed = (this.inflate.total_in() - before_in) as usize;
                this.in_pos += consumed;
                let produced = this.inflate.total_out() - before_out;
                if this.in_pos >= this.in_buf.len() {
                    this.in_buf.clear();
                    this.in_pos = 0;
                }
                if produced > 0 {
                    this.budget.spend(produced)?;
                    // produced <= out.len(), which is a usize.
                    buf.advance(produced as usize);
                    return Poll::Ready(Ok(()));
                }
                if consumed > 0 && this.in_pos != 0 {
                    // Input consumed without output (block headers): inflate the rest.
                    continue;
                }
            }
            if this.is_eof {
                return Poll::Ready(Ok(()));
            }
            // Need more compressed input.
            let mut chunk = vec![0u8; INPUT_CHUNK_BYTES];
            let mut rb = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut rb))?;
            let n = rb.filled().len();
            if n == 0 {
                this.is_eof = true;
                return Poll::Ready(Ok(()));
            }
            this.in_buf.extend_from_slice(&chunk[..n]);
        }
    }
}

impl AsyncWrite for DeflateStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        // Keep the pending output bounded: drain once it grows.
        if this.out_buf.len() - this.out_pos >= INPUT_CHUNK_BYTES {
            ready!(this.poll_drain(cx))?;
        }
        this.deflate_into(data, FlushCompress::None)?;
        this.needs_sync = true;
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.needs_sync {
            this.deflate_into(&[], FlushCompress::Sync)?;
            this.needs_sync = false;
        }
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}
