//! COMPRESS=DEFLATE (RFC 4978), driven by a client-side raw DEFLATE stream, and the bound
//! on inflated bytes per command.

use std::time::Duration;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use loft_testkit::TestServer;
use loft_testkit::server::test_config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A minimal compressing client.
struct Client {
    sock: TcpStream,
    deflate: Compress,
    inflate: Decompress,
    /// Plain text received and not yet consumed.
    text: Vec<u8>,
    is_compressed: bool,
}

impl Client {
    async fn connect(server: &TestServer) -> Client {
        let sock = TcpStream::connect(server.addr()).await.expect("connect");
        let mut c = Client {
            sock,
            deflate: Compress::new(Compression::default(), false),
            inflate: Decompress::new(false),
            text: Vec::new(),
            is_compressed: false,
        };
        c.read_until("* OK").await;
        c
    }

    async fn send(&mut self, line: &[u8]) {
        let bytes = if self.is_compressed {
            deflate_all(&mut self.deflate, line)
        } else {
            line.to_vec()
        };
        self.sock.write_all(&bytes).await.expect("write");
    }

    /// Read until a line starting with `prefix`; returns all text up to and including it.
    async fn read_until(&mut self, prefix: &str) -> String {
        loop {
            let text = String::from_utf8_lossy(&self.text).into_owned();
            if let Some(pos) = text
                .split_inclusive("\r\n")
                .position(|l| l.starts_with(prefix))
            {
                let upto: usize = text
                    .split_inclusive("\r\n")
                    .take(pos + 1)
                    .map(str::len)
                    .sum();
                let out = text[..upto].to_string();
                self.text.drain(..upto);
                return out;
            }
            let mut buf = vec![0u8; 16 * 1024];
            let n = tokio::time::timeout(Duration::from_secs(10), self.sock.read(&mut buf))
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "timeout waiting for {prefix}; have {:?}",
                        String::from_utf8_lossy(&self.text)
                    )
                })
                .expect("read");
            assert!(n > 0, "connection closed; got so far: {text}");
            if self.is_compressed {
                let mut input = &buf[..n];
                loop {
                    let mut out = Vec::with_capacity(256 * 1024);
                    let before = self.inflate.total_in();
                    self.inflate
                        .decompress_vec(input, &mut out, FlushDecompress::None)
                        .expect("inflate");
                    input = &input[(self.inflate.total_in() - before) as usize..];
                    let is_full = out.len() == out.capacity();
                    self.text.extend_from_slice(&out);
                    if input.is_empty() && !is_full {
                        break;
                    }
                }
            } else {
                self.text.extend_from_slice(&buf[..n]);
            }
        }
    }
}

/// All of `data`, sync-flushed.
fn deflate_all(deflate: &mut Compress, mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        out.reserve(data.len() / 2 + 4096);
        let before = deflate.total_in();
        deflate
            .compress_vec(data, &mut out, FlushCompress::Sync)
            .expect("deflate");
        data = &data[(deflate.total_in() - before) as usize..];
        if data.is_empty() && out.len() < out.capacity() {
            return out;
        }
    }
}

#[tokio::test]
async fn compress_deflate_session() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    server
        .append(
            "alice",
            "INBOX",
            format!("Subject: big\r\n\r\n{}\r\n", "compressible ".repeat(5000)),
        )
        .await;
    let mut c = Client::connect(&server).await;
    c.send(b"a0 COMPRESS DEFLATE\r\n").await;
    assert!(
        c.read_until("a0 ").await.contains("a0 BAD"),
        "not before login"
    );
    c.send(b"a1 LOGIN alice pw\r\n").await;
    c.read_until("a1 OK").await;
    c.send(b"a2 COMPRESS FOO\r\n").await;
    assert!(c.read_until("a2 ").await.starts_with("a2 BAD"));
    c.send(b"a3 COMPRESS DEFLATE\r\n").await;
    assert_eq!(c.read_until("a3 ").await, "a3 OK DEFLATE active\r\n");
    c.is_compressed = true;
    c.send(b"a4 SELECT INBOX\r\n").await;
    let sel = c.read_until("a4 ").await;
    assert!(
        sel.contains("* 1 EXISTS") && sel.contains("a4 OK [READ-WRITE]"),
        "{sel}"
    );
    c.send(b"a5 FETCH 1 BODY[]\r\n").await;
    let f = c.read_until("a5 ").await;
    assert!(
        f.contains("compressible compressible") && f.contains("a5 OK"),
        "{}",
        &f[..200.min(f.len())]
    );
    // A literal inside the compressed stream, and a second COMPRESS is BAD (RFC 4978 §3).
    c.send(b"a6 APPEND INBOX {20+}\r\nSubject: x\r\n\r\nbody\r\n\r\n")
        .await;
    assert!(c.read_until("a6 ").await.contains("a6 OK [APPENDUID"));
    c.send(b"a7 COMPRESS DEFLATE\r\n").await;
    assert!(c.read_until("a7 ").await.contains("a7 BAD"));
    // RFC 8437 §4.1: UNAUTHENTICATE cannot take the layer off here: BYE.
    c.send(b"a8 UNAUTHENTICATE\r\n").await;
    assert!(c.read_until("* BYE").await.contains("* BYE"));
}

#[tokio::test]
async fn inflate_bound_per_command() {
    let config = loft_imap::ImapConfig {
        max_literal_bytes: 16 * 1024,
        max_line_bytes: 8 * 1024,
        ..test_config()
    };
    let limit = loft_imap::compress::inflate_limit(config.max_literal_bytes, config.max_line_bytes);
    let server = TestServer::on(super::BACKEND, config).await;
    server.add_user("alice", "pw").await;
    let mut c = Client::connect(&server).await;
    c.send(b"a1 LOGIN alice pw\r\na2 COMPRESS DEFLATE\r\n")
        .await;
    c.read_until("a2 OK").await;
    c.is_compressed = true;
    // Many commands, each well within the bound, together far beyond it: fine.
    let noop = b"a3 NOOP\r\n".repeat(((limit as usize) / 9) + 1000);
    let total_noops = noop.len() / 9;
    c.send(&noop).await;
    let last = format!("a3 OK");
    let mut seen = 0;
    while seen < total_noops {
        let got = c.read_until(&last).await;
        seen += got.matches("a3 OK").count();
    }
    // One line that inflates past the bound (a few KiB on the wire): the connection ends.
    let bomb = vec![b'x'; limit as usize + 1024];
    let wire = deflate_all(&mut c.deflate, &bomb);
    assert!(wire.len() < 64 * 1024, "{}", wire.len());
    let _ = c.sock.write_all(&wire).await;
    let mut buf = vec![0u8; 64 * 1024];
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match c.sock.read(&mut buf).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert_eq!(closed, Ok(true));
}
