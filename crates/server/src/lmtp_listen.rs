//! The LMTP listeners (RFC 2033): TCP addresses and a Unix socket, one tokio task per
//! connection running `loft_lmtp::serve`; and the `[lmtp]` config section.
//!
//! LMTP is off unless `[lmtp] listen` or `socket` is set: it accepts mail for every local
//! user without authentication, so it must be reachable only by the local MTA.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use loft_lmtp::{LmtpConfig, LmtpContext, Recipients};
use loft_store::Store;
use serde::Deserialize;
use tokio::net::{TcpListener, UnixListener};
use toml::Spanned;
use tracing::{Instrument, info, info_span, warn};

/// The address documented for LMTP over TCP (port 24 needs root; 2424 does not).
pub const SUGGESTED_TCP_ADDRESS: &str = "127.0.0.1:2424";
const ACCEPT_RETRY_MILLIS: u64 = 100;

/// The validated `[lmtp]` section.
#[derive(Debug, Clone, Default)]
pub struct LmtpSettings {
    pub listen: Vec<SocketAddr>,
    pub socket: Option<PathBuf>,
    pub service: LmtpConfig,
}

impl LmtpSettings {
    pub fn is_enabled(&self) -> bool {
        !self.listen.is_empty() || self.socket.is_some()
    }
}

/// `[lmtp]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLmtp {
    listen: Option<Vec<Spanned<String>>>,
    socket: Option<Spanned<String>>,
    hostname: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    aliases: HashMap<String, String>,
    subaddress_separator: Option<String>,
    max_message_bytes: Option<Spanned<u64>>,
    max_recipients: Option<Spanned<u64>>,
}

/// Validates `[lmtp]`; relative socket paths are relative to the config file.
pub(crate) fn settings(raw: RawLmtp, base: &Path) -> Result<LmtpSettings, (Range<usize>, String)> {
    let mut s = LmtpSettings::default();
    for a in raw.listen.unwrap_or_default() {
        let address: SocketAddr = a.get_ref().parse().map_err(|_| {
            (a.span(), format!("invalid lmtp.listen address {:?}: expected IP:PORT such as \"{SUGGESTED_TCP_ADDRESS}\"", a.get_ref()))
        })?;
        if s.listen.contains(&address) && address.port() != 0 {
            return Err((a.span(), format!("{address} is listed twice")));
        }
        s.listen.push(address);
    }
    if let Some(p) = raw.socket {
        if p.get_ref().is_empty() {
            return Err((p.span(), "lmtp.socket is empty".into()));
        }
        s.socket = Some(base.join(p.get_ref()));
    }
    if let Some(h) = raw.hostname {
        s.service.hostname = h;
    }
    s.service.recipients = Recipients {
        domains: raw.domains.iter().map(|d| d.to_ascii_lowercase()).collect(),
        aliases: raw
            .aliases
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect(),
        separator: raw
            .subaddress_separator
            .unwrap_or_else(|| loft_lmtp::delivery::DEFAULT_SEPARATOR.into()),
    };
    if let Some(v) = raw.max_message_bytes {
        s.service.max_message_bytes = positive(&v, "lmtp.max_message_bytes")?;
    }
    if let Some(v) = raw.max_recipients {
        s.service.max_recipients = positive(&v, "lmtp.max_recipients")?;
    }
    Ok(s)
}

fn positive(v: &Spanned<u64>, name: &str) -> Result<usize, (Range<usize>, String)> {
    match usize::try_from(*v.get_ref()) {
        Ok(0) => Err((v.span(), format!("{name} must be greater than 0"))),
        Ok(n) => Ok(n),
        Err(_) => Err((v.span(), format!("{name} is too large"))),
    }
}

/// Binds every LMTP socket and starts serving in background tasks (they end with the
/// runtime). Returns one line per listener for the banner. A taken address stops startup.
pub async fn start(settings: &LmtpSettings, store: Arc<dyn Store>) -> anyhow::Result<Vec<String>> {
    let mut described = Vec::new();
    if !settings.is_enabled() {
        return Ok(described);
    }
    let ctx = Arc::new(LmtpContext {
        store,
        config: settings.service.clone(),
    });
    for address in &settings.listen {
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen for LMTP on {address}"))?;
        let local = listener
            .local_addr()
            .with_context(|| format!("cannot listen for LMTP on {address}"))?;
        info!(address = %local, "listening for LMTP");
        described.push(format!("lmtp on {local}"));
        tokio::spawn(accept_tcp(listener, ctx.clone()));
    }
    if let Some(path) = &settings.socket {
        // A socket file left by an earlier run that is no longer served: replace it.
        if path.exists() && std::os::unix::net::UnixStream::connect(path).is_err() {
            let _ = std::fs::remove_file(path);
        }
        let listener = UnixListener::bind(path)
            .with_context(|| format!("cannot listen for LMTP on {}", path.display()))?;
        // The MTA (Postfix runs as its own user) must be able to connect; who may reach
        // the socket is decided by the permissions of its directory.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))
            .with_context(|| format!("cannot set permissions of {}", path.display()))?;
        info!(socket = %path.display(), "listening for LMTP");
        described.push(format!("lmtp on {}", path.display()));
        tokio::spawn(accept_unix(listener, ctx));
    }
    Ok(described)
}

async fn accept_tcp(listener: TcpListener, ctx: Arc<LmtpContext>) {
    loop {
        match listener.accept().await {
            Ok((tcp, peer)) => {
                let _ = tcp.set_nodelay(true);
                tokio::spawn(
                    loft_lmtp::serve(ctx.clone(), tcp).instrument(info_span!("lmtp", %peer)),
                );
            }
            Err(e) => {
                warn!(error = %e, "LMTP accept failed");
                tokio::time::sleep(Duration::from_millis(ACCEPT_RETRY_MILLIS)).await;
            }
        }
    }
}

async fn accept_unix(listener: UnixListener, ctx: Arc<LmtpContext>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(
                    loft_lmtp::serve(ctx.clone(), stream)
                        .instrument(info_span!("lmtp", peer = "unix")),
                );
            }
            Err(e) => {
                warn!(error = %e, "LMTP accept failed");
                tokio::time::sleep(Duration::from_millis(ACCEPT_RETRY_MILLIS)).await;
            }
        }
    }
}
