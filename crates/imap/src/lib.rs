//! The IMAP session: connection loop, state machine, selected-mailbox view and one file per
//! command (STYLE.md). RFC 9051 (IMAP4rev2) with RFC 3501 behaviour for rev1 clients.

pub mod capabilities;
pub mod cmd;
pub mod compress;
pub mod config;
pub mod context_update;
pub mod notify;
pub mod objectid;
pub mod selected;
pub mod session;

use std::net::SocketAddr;
use std::sync::Arc;

use loft_store::Store;

pub use config::{ImapConfig, PlaintextAuth};
pub use session::{AccountCtx, Enabled, Session, State};

/// What every connection shares.
pub struct ServerContext {
    pub store: Arc<dyn Store>,
    /// None: no TLS configured; STARTTLS is then not offered.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub config: ImapConfig,
}

/// A byte stream a session can run on (TCP, TLS over TCP, an in-memory duplex in tests).
pub trait AsyncStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> AsyncStream for T {}

/// Serve one client until it logs out, the connection drops or a fatal error. Never panics
/// on client input; logs (without secrets) and returns.
/// `is_tls`: the stream is already TLS (implicit TLS port).
pub async fn serve_connection(
    ctx: Arc<ServerContext>,
    stream: Box<dyn AsyncStream>,
    peer: SocketAddr,
    is_tls: bool,
) {
    session::run(ctx, stream, peer, is_tls).await
}
