//! The session: owns the socket, reads and frames commands, dispatches them, writes the
//! tagged response, and keeps the selected view in sync between commands.
//! (CONTRACT STUB for the shared fields; the session helper implements the rest.)

use std::net::SocketAddr;
use std::sync::Arc;

use loft_proto_imap::ResponseWriter;
use loft_store::AccountId;

use crate::selected::Selected;
use crate::{AsyncStream, ServerContext};

/// Extensions the client has ENABLEd (RFC 5161) or that are implied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled {
    pub imap4rev2: bool,
    pub utf8_accept: bool,
    pub condstore: bool,
    pub qresync: bool,
}

impl Enabled {
    /// Mailbox names and quoted strings may be UTF-8 (RFC 9051 §5.1, RFC 6855).
    pub fn is_utf8(&self) -> bool {
        self.imap4rev2 || self.utf8_accept
    }
}

/// The logged-in user.
#[derive(Debug, Clone)]
pub struct AccountCtx {
    pub id: AccountId,
    pub name: String,
}

pub struct Session {
    pub ctx: Arc<ServerContext>,
    /// Responses are written here and flushed by the session (or by `flush` for streaming).
    pub out: ResponseWriter,
    pub enabled: Enabled,
    pub peer: SocketAddr,
    pub is_tls: bool,
    /// Some once authenticated.
    pub account: Option<AccountCtx>,
    /// Some in the Selected state.
    pub selected: Option<Selected>,
    stream: Option<Box<dyn AsyncStream>>,
}

impl Session {
    /// Write `out` to the socket and clear it. Handlers streaming large responses (FETCH of
    /// many bodies) call this when `out.len()` grows past a few hundred KiB.
    pub async fn flush(&mut self) -> std::io::Result<()> {
        unimplemented!("contract stub")
    }
}

pub(crate) async fn run(ctx: Arc<ServerContext>, stream: Box<dyn AsyncStream>, peer: SocketAddr, is_tls: bool) {
    let _ = (ctx, stream, peer, is_tls);
    unimplemented!("contract stub")
}
