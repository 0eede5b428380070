//! Protocol limits and policies of the IMAP layer (the server crate fills them from TOML),
//! and the security services every session shares: failed-login throttling, the audit log
//! and connection limits (issue 3, SECURITY.md).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use loft_auth::audit::{AuditSink, NullSink};
use loft_auth::throttle::{Throttle, ThrottleConfig};

/// When LOGIN and AUTHENTICATE PLAIN are allowed without TLS (RFC 9051 §6.2.3 LOGINDISABLED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaintextAuth {
    /// Only after STARTTLS or on implicit TLS (the default).
    Never,
    /// Also on cleartext connections from a loopback address (for testing).
    Loopback,
    /// Always (not recommended).
    Always,
}

#[derive(Debug, Clone)]
pub struct ImapConfig {
    /// A command line (excluding literal bytes) longer than this gets BAD.
    pub max_line_bytes: usize,
    /// A literal announced larger than this is refused before it is read ([TOOBIG]).
    /// Also the APPENDLIMIT.
    pub max_literal_bytes: u64,
    /// Nesting depth of parenthesised lists and SEARCH keys.
    pub max_nesting: usize,
    /// Commands read ahead of the one being executed before the session stops reading.
    pub max_pipelined_commands: usize,
    pub plaintext_auth: PlaintextAuth,
    /// How often IDLE polls the store for changes made by other processes.
    pub idle_poll_millis: u64,
    /// Inactivity timeouts.
    pub timeouts: Timeouts,
    /// Throttling, audit log, connection limits.
    pub security: Security,
    /// `[oauth]`: bearer-token validation for OAUTHBEARER and XOAUTH2 (RFC 7628). None:
    /// the token mechanisms are neither advertised nor accepted.
    pub oauth: Option<Arc<loft_auth::jwks::OAuthValidator>>,
}

impl Default for ImapConfig {
    fn default() -> Self {
        ImapConfig {
            max_line_bytes: 64 * 1024,
            max_literal_bytes: 64 * 1024 * 1024,
            max_nesting: 32,
            max_pipelined_commands: 64,
            plaintext_auth: PlaintextAuth::Never,
            idle_poll_millis: 1000,
            timeouts: Timeouts::default(),
            security: Security::default(),
            oauth: None,
        }
    }
}

/// Inactivity timeouts (RFC 9051 §5.4: at least 30 minutes once authenticated; shorter
/// before, so unauthenticated connections cannot be parked to exhaust the limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub not_authenticated: Duration,
    pub authenticated: Duration,
    /// How long one IDLE command may last (RFC 2177: clients re-issue it every 29 min).
    pub idle: Duration,
    /// `* OK Still here` this often during IDLE, so NAT boxes keep the connection.
    pub idle_keepalive: Duration,
}

pub const DEFAULT_NOT_AUTHENTICATED_TIMEOUT_SECS: u64 = 60;
pub const DEFAULT_AUTHENTICATED_TIMEOUT_SECS: u64 = 30 * 60;
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 30 * 60;
pub const DEFAULT_IDLE_KEEPALIVE_SECS: u64 = 2 * 60;

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            not_authenticated: Duration::from_secs(DEFAULT_NOT_AUTHENTICATED_TIMEOUT_SECS),
            authenticated: Duration::from_secs(DEFAULT_AUTHENTICATED_TIMEOUT_SECS),
            idle: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
            idle_keepalive: Duration::from_secs(DEFAULT_IDLE_KEEPALIVE_SECS),
        }
    }
}

/// The security services sessions share. Cheap to clone.
#[derive(Clone)]
pub struct Security {
    pub throttle: Arc<Throttle>,
    pub audit: Arc<dyn AuditSink>,
    pub limits: Arc<ConnectionLimits>,
    /// Iteration count for SCRAM keys derived at login (imported users get keys then).
    pub scram_iterations: u32,
    /// Recently verified password logins (`[auth] login_cache_secs`).
    pub login_cache: Arc<loft_auth::login_cache::LoginCache>,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            throttle: Arc::new(Throttle::new(ThrottleConfig::default())),
            audit: Arc::new(NullSink),
            limits: Arc::new(ConnectionLimits::new(LimitsConfig::default())),
            scram_iterations: loft_auth::credentials::DEFAULT_SCRAM_ITERATIONS,
            login_cache: Arc::new(loft_auth::login_cache::LoginCache::new(
                loft_auth::login_cache::DEFAULT_TTL,
            )),
        }
    }
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("throttle", self.throttle.config())
            .field("audit", &self.audit)
            .field("limits", &self.limits.config)
            .field("login_cache", &self.login_cache)
            .finish()
    }
}

/// Connection limits; 0 means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitsConfig {
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub max_connections_per_account: usize,
}

pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 50;
pub const DEFAULT_MAX_CONNECTIONS_PER_ACCOUNT: usize = 50;

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            max_connections_per_account: DEFAULT_MAX_CONNECTIONS_PER_ACCOUNT,
        }
    }
}

/// Counts open connections in total, per client address key (IPv4 address or IPv6 /64)
/// and per account. A slot is held by a [`Slot`] and freed when it drops.
#[derive(Debug)]
pub struct ConnectionLimits {
    pub config: LimitsConfig,
    total: AtomicUsize,
    per_key: Mutex<HashMap<String, usize>>,
}

/// Which limit refused a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitHit {
    Total,
    PerIp,
    PerAccount,
}

/// One held connection slot; frees itself on drop.
#[derive(Debug)]
pub struct Slot {
    limits: Arc<ConnectionLimits>,
    key: Option<String>,
    counts_total: bool,
}

impl ConnectionLimits {
    pub fn new(config: LimitsConfig) -> ConnectionLimits {
        ConnectionLimits {
            config,
            total: AtomicUsize::new(0),
            per_key: Mutex::new(HashMap::new()),
        }
    }

    /// A new connection from `ip`: counts against the total and the address limits.
    pub fn connect(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, LimitHit> {
        let prev = self.total.fetch_add(1, Ordering::SeqCst);
        // Dropped on refusal, which gives the total count back.
        let mut slot = Slot {
            limits: self.clone(),
            key: None,
            counts_total: true,
        };
        if self.config.max_connections > 0 && prev >= self.config.max_connections {
            return Err(LimitHit::Total);
        }
        let key = format!("ip:{}", loft_auth::throttle::address_key(ip));
        if !self.reserve(&key, self.config.max_connections_per_ip) {
            return Err(LimitHit::PerIp);
        }
        slot.key = Some(key);
        Ok(slot)
    }

    /// A session logged in as `account` (names compare case-insensitively).
    pub fn login(self: &Arc<Self>, account: &str) -> Result<Slot, LimitHit> {
        let key = format!("account:{}", account.to_lowercase());
        if !self.reserve(&key, self.config.max_connections_per_account) {
            return Err(LimitHit::PerAccount);
        }
        Ok(Slot {
            limits: self.clone(),
            key: Some(key),
            counts_total: false,
        })
    }

    /// Open connections in total.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    fn reserve(&self, key: &str, max: usize) -> bool {
        let mut map = self.per_key.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(key.to_string()).or_insert(0);
        if max > 0 && *n >= max {
            return false;
        }
        *n += 1;
        true
    }

    fn release(&self, key: &str) {
        let mut map = self.per_key.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(key);
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(key) = &self.key {
            self.limits.release(key);
        }
        if self.counts_total {
            self.limits.total.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_and_release() {
        let limits = Arc::new(ConnectionLimits::new(LimitsConfig {
            max_connections: 3,
            max_connections_per_ip: 2,
            max_connections_per_account: 1,
        }));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let s1 = limits.connect(a).unwrap();
        let s2 = limits.connect(a).unwrap();
        assert_eq!(limits.connect(a).err(), Some(LimitHit::PerIp));
        let s3 = limits.connect(b).unwrap();
        assert_eq!(limits.connect(b).err(), Some(LimitHit::Total));
        assert_eq!(limits.total(), 3);
        drop(s1);
        let s4 = limits.connect(a).unwrap();
        let l1 = limits.login("Alice").unwrap();
        assert_eq!(limits.login("alice").err(), Some(LimitHit::PerAccount));
        drop(l1);
        let _l2 = limits.login("alice").unwrap();
        drop((s2, s3, s4));
        assert_eq!(limits.total(), 0);
        assert!(limits.per_key.lock().unwrap().len() == 1);
    }
}
