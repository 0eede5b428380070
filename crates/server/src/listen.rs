//! Listeners: one accept loop per configured address, one tokio task per connection. On an
//! implicit-TLS listener (RFC 8314 §3.3) the handshake runs, with a timeout, before the
//! session sees the stream; a failed handshake is logged and the connection dropped. A
//! connection's failure, even a panic, never reaches the accept loop.
//!
//! Before anything else a connection must pass the address ban list (kept in the store,
//! so `loft ban remove` acts at once) and the connection limits (total and per address);
//! a refused one gets `* BYE [UNAVAILABLE]` (RFC 9051 §7.1.5, RFC 5530) in cleartext, or
//! is just closed on an implicit-TLS port.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use loft_auth::audit::AuditEvent;
use loft_imap::config::LimitHit;
use loft_imap::{ImapConfig, ServerContext};
use loft_store::Store;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tracing::{Instrument, debug, error, info, info_span, warn};

use crate::config::{Listener, TlsMode};

/// How long open connections may keep running after a shutdown signal before they are cut.
/// Sessions (IDLE) may never end by themselves; every acknowledged write is already durable,
/// so cutting them loses nothing.
pub const SHUTDOWN_GRACE_SECS: u64 = 5;
/// Pause after a failed accept (e.g. out of file descriptors) so the loop does not spin.
const ACCEPT_RETRY_MILLIS: u64 = 100;

/// A socket bound for a configured listener.
pub struct BoundListener {
    pub listener: TcpListener,
    pub tls: TlsMode,
    /// The actual address (the port the OS chose when the config said port 0).
    pub local_addr: SocketAddr,
}

/// What the listeners share.
pub struct Server {
    pub store: Arc<dyn Store>,
    /// Present when any listener uses TLS.
    pub acceptor: Option<TlsAcceptor>,
    pub imap: ImapConfig,
    pub tls_handshake_timeout: Duration,
}

/// Bind every listener before serving any, so a taken port stops startup.
pub async fn bind(listeners: &[Listener]) -> anyhow::Result<Vec<BoundListener>> {
    let mut bound = Vec::with_capacity(listeners.len());
    for l in listeners {
        let listener = TcpListener::bind(l.address)
            .await
            .with_context(|| format!("cannot listen on {}", l.address))?;
        let local_addr = listener
            .local_addr()
            .with_context(|| format!("cannot listen on {}", l.address))?;
        bound.push(BoundListener {
            listener,
            tls: l.tls,
            local_addr,
        });
    }
    Ok(bound)
}

/// Issue 6 (memory per idle connection). glibc's malloc raises its mmap threshold (up to
/// 32 MiB) each time a large mmapped block is freed, so after the first LOGIN the 19 MiB
/// argon2 blocks (one per concurrent login) are carved from per-thread arenas and kept
/// there: 2,000 IDLE connections measured 730 KiB each, almost all of it freed argon2
/// memory; with the threshold fixed it was 10.7 KiB. Setting it explicitly turns the
/// dynamic adjustment off (mallopt(3)), so blocks of 1 MiB and more go back to the OS on
/// free. Other allocators and platforms need nothing.
fn keep_large_blocks_mmapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; glibc allows calling it at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES);
    }
}

/// Allocations of at least this size are mmapped (and unmapped on free).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const LARGE_BLOCK_BYTES: libc::c_int = 1024 * 1024;

/// Accept connections on every listener until `shutdown` completes, then stop accepting,
/// give open connections `SHUTDOWN_GRACE_SECS` to finish and cut the rest.
pub async fn serve(bound: Vec<BoundListener>, server: Server, shutdown: impl Future<Output = ()>) {
    keep_large_blocks_mmapped();
    // STARTTLS is offered only where a listener is configured for it (RFC 9051 §6.2.1):
    // a tls = "none" listener gets a context without an acceptor.
    let with_tls = Arc::new(ServerContext {
        store: server.store.clone(),
        tls: server.acceptor.clone(),
        config: server.imap.clone(),
    });
    let without_tls = Arc::new(ServerContext {
        store: server.store.clone(),
        tls: None,
        config: server.imap.clone(),
    });

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut loops = JoinSet::new();
    for b in bound {
        let (ctx, handshake) = match b.tls {
            TlsMode::None => (without_tls.clone(), None),
            TlsMode::Starttls => (with_tls.clone(), None),
            TlsMode::Implicit => match &server.acceptor {
                Some(acceptor) => (
                    with_tls.clone(),
                    Some((acceptor.clone(), server.tls_handshake_timeout)),
                ),
                None => {
                    // Invariant kept by `cli::serve`: an acceptor is loaded whenever a
                    // listener needs TLS. Refuse the listener rather than serve cleartext.
                    error!(listener = %b.local_addr, "implicit TLS listener without a certificate; not serving it");
                    continue;
                }
            },
        };
        loops.spawn(accept_loop(
            b.listener,
            b.local_addr,
            ctx,
            handshake,
            stop_rx.clone(),
        ));
    }
    drop(with_tls);
    drop(without_tls);

    shutdown.await;
    info!("shutting down: no longer accepting connections");
    let _ = stop_tx.send(true);

    let mut connections = JoinSet::new();
    while let Some(done) = loops.join_next().await {
        match done {
            Ok(mut conns) => {
                while let Some(task) = conns.try_join_next() {
                    report(task);
                }
                // Move the still-open connections into one set to wait on them together.
                if !conns.is_empty() {
                    connections.spawn(async move {
                        while let Some(task) = conns.join_next().await {
                            report(task);
                        }
                    });
                }
            }
            Err(e) => error!(error = %e, "accept loop failed"),
        }
    }
    let grace = Duration::from_secs(SHUTDOWN_GRACE_SECS);
    let all_done = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, all_done).await.is_err() {
        info!(
            grace_secs = SHUTDOWN_GRACE_SECS,
            "closing the connections still open"
        );
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
    info!("stopped");
}

/// Accept until told to stop; returns the connections still running.
async fn accept_loop(
    listener: TcpListener,
    local_addr: SocketAddr,
    ctx: Arc<ServerContext>,
    handshake: Option<(TlsAcceptor, Duration)>,
    mut stop: watch::Receiver<bool>,
) -> JoinSet<()> {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            // Reap finished connections so the set does not grow with every client ever seen.
            Some(task) = conns.join_next(), if !conns.is_empty() => report(task),
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    let span = info_span!("conn", %peer, listener = %local_addr);
                    conns.spawn(connection(ctx.clone(), handshake.clone(), tcp, peer).instrument(span));
                }
                Err(e) => {
                    warn!(listener = %local_addr, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(ACCEPT_RETRY_MILLIS)).await;
                }
            },
        }
    }
    conns
}

async fn connection(
    ctx: Arc<ServerContext>,
    handshake: Option<(TlsAcceptor, Duration)>,
    mut tcp: TcpStream,
    peer: SocketAddr,
) {
    debug!("connected");
    // Responses are written whole; Nagle would only delay them.
    let _ = tcp.set_nodelay(true);
    let _slot = match admit(&ctx, peer).await {
        Ok(slot) => slot,
        Err(reason) => {
            if handshake.is_none() {
                let line = format!("* BYE [UNAVAILABLE] {reason}\r\n");
                let _ = tcp.write_all(line.as_bytes()).await;
            }
            return;
        }
    };
    match handshake {
        None => loft_imap::serve_connection(ctx, Box::new(tcp), peer, false).await,
        Some((acceptor, timeout)) => {
            match tokio::time::timeout(timeout, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => loft_imap::session::serve_tls(ctx, tls, peer).await,
                Ok(Err(e)) => info!(error = %e, "TLS handshake failed"),
                Err(_) => info!(timeout_secs = timeout.as_secs(), "TLS handshake timed out"),
            }
        }
    }
    debug!("disconnected");
}

/// The ban list and the connection limits. The returned slot is held for the life of the
/// connection.
async fn admit(
    ctx: &ServerContext,
    peer: SocketAddr,
) -> Result<loft_imap::config::Slot, &'static str> {
    let security = &ctx.config.security;
    let key = loft_auth::throttle::address_key(peer.ip());
    let refuse = |reason: &'static str, detail: Option<String>| {
        let mut e = AuditEvent::new("connection.refused", "failure");
        e.service = Some("imap");
        e.client_ip = Some(peer.ip().to_string());
        e.client_port = Some(peer.port());
        e.reason = Some(reason.to_string());
        e.detail = detail;
        security.audit.record(&e);
        info!(reason, "connection refused");
        reason
    };
    match ctx.store.ban(&key, chrono::Utc::now().timestamp()).await {
        Ok(Some(ban)) => {
            return Err(refuse(
                "address banned after repeated login failures",
                Some(format!("ban_key={}", ban.key)),
            ));
        }
        Ok(None) => {}
        // Fail open: a database hiccup must not lock every user out; the throttle still works.
        Err(e) => warn!(error = %e, "cannot read the ban list"),
    }
    security.limits.connect(peer.ip()).map_err(|hit| match hit {
        LimitHit::Total => refuse("too many connections", None),
        _ => refuse("too many connections from your address", None),
    })
}

fn report(task: Result<(), tokio::task::JoinError>) {
    if let Err(e) = task
        && e.is_panic()
    {
        error!(error = %e, "connection task panicked");
    }
}
