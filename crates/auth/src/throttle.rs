//! Failed-login tracking: the delay before answering a failed attempt grows per client
//! address (per /64 for IPv6, where one host typically owns a whole /64) and per target
//! account name; after `ban_after` failures from one address within `window`, the address
//! is banned for `ban_duration`.
//!
//! Sans-I/O: the caller passes the clock, sleeps for the returned delay and persists bans
//! (so the CLI can list and remove them). Only failures count; a success resets the
//! account's counter, never the address's (one valid account must not let an attacker
//! reset the count for a spraying campaign).
//!
//! Unknown user names are tracked like real ones, so the delay does not reveal whether an
//! account exists.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Defaults (documented in SECURITY.md and loft.example.toml).
pub const DEFAULT_BASE_DELAY_MILLIS: u64 = 2_000;
pub const DEFAULT_MAX_DELAY_MILLIS: u64 = 30_000;
pub const DEFAULT_WINDOW_SECS: u64 = 15 * 60;
pub const DEFAULT_BAN_AFTER: u32 = 10;
pub const DEFAULT_BAN_SECS: u64 = 60 * 60;
/// Tracked keys above this count are pruned of stale entries; a flood of distinct
/// addresses cannot grow the table without bound.
const MAX_TRACKED_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Delay after the first failure; doubles with each further failure.
    pub base_delay: Duration,
    /// The delay never exceeds this.
    pub max_delay: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// Failures from one address within `window` that trigger a ban; 0 disables bans.
    pub ban_after: u32,
    pub ban_duration: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            base_delay: Duration::from_millis(DEFAULT_BASE_DELAY_MILLIS),
            max_delay: Duration::from_millis(DEFAULT_MAX_DELAY_MILLIS),
            window: Duration::from_secs(DEFAULT_WINDOW_SECS),
            ban_after: DEFAULT_BAN_AFTER,
            ban_duration: Duration::from_secs(DEFAULT_BAN_SECS),
        }
    }
}

/// What to do about one failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Wait this long before answering.
    pub delay: Duration,
    /// Failures counted for the address (within the window, this one included).
    pub address_failures: u32,
    /// Failures counted for the account name.
    pub account_failures: u32,
    /// Ban this address key (see [`address_key`]) for this long.
    pub ban: Option<(String, Duration)>,
}

/// The failure tracker shared by all connections of a server.
#[derive(Debug)]
pub struct Throttle {
    config: ThrottleConfig,
    entries: Mutex<HashMap<Key, Entry>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(String),
    Account(String),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle {
            config,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    /// Record a failed attempt from `ip` on `account` (the name as the client typed it).
    pub fn failure(&self, ip: IpAddr, account: Option<&str>, now: Instant) -> Verdict {
        let window = self.config.window;
        let addr_key = address_key(ip);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > MAX_TRACKED_KEYS {
            entries.retain(|_, e| now.saturating_duration_since(e.last) < window);
        }
        let mut bump = |key: Key| -> u32 {
            let e = entries.entry(key).or_insert(Entry {
                failures: 0,
                last: now,
            });
            if now.saturating_duration_since(e.last) >= window {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last = now;
            e.failures
        };
        let address_failures = bump(Key::Address(addr_key.clone()));
        let account_failures = account
            .map(|a| bump(Key::Account(a.to_lowercase())))
            .unwrap_or(0);
        let n = address_failures.max(account_failures);
        let ban = if self.config.ban_after > 0 && address_failures >= self.config.ban_after {
            // The ban replaces the count: once it ends (or an admin lifts it) counting
            // starts afresh.
            entries.remove(&Key::Address(addr_key.clone()));
            Some((addr_key, self.config.ban_duration))
        } else {
            None
        };
        Verdict {
            delay: self.delay_for(n),
            address_failures,
            account_failures,
            ban,
        }
    }

    /// A successful login: the account's counter starts again (not the address's).
    pub fn success(&self, account: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&Key::Account(account.to_lowercase()));
    }

    /// Forget an address's failures (an admin removed its ban).
    pub fn forget_address(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&Key::Address(key.to_string()));
    }

    /// base * 2^(n-1), capped.
    fn delay_for(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let shift = (failures - 1).min(30);
        let d = self.config.base_delay.saturating_mul(1u32 << shift);
        d.min(self.config.max_delay)
    }
}

/// The key an address is tracked and banned under: the IPv4 address, or the /64 prefix of
/// an IPv6 address written `2001:db8:1:2::/64`. An IPv4-mapped IPv6 address counts as IPv4.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(ban_after: u32) -> Throttle {
        Throttle::new(ThrottleConfig {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            window: Duration::from_secs(60),
            ban_after,
            ban_duration: Duration::from_secs(10),
        })
    }

    #[test]
    fn delay_doubles_to_the_cap() {
        let t = throttle(0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let now = Instant::now();
        let delays: Vec<u128> = (0..5)
            .map(|_| t.failure(ip, Some("alice"), now).delay.as_millis())
            .collect();
        assert_eq!(delays, vec![100, 200, 400, 700, 700]);
        // Another address on the same account is slowed by the account's count.
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert_eq!(t.failure(other, Some("ALICE"), now).delay.as_millis(), 700);
        // After the window everything is forgotten.
        let later = now + Duration::from_secs(61);
        assert_eq!(t.failure(ip, Some("bob"), later).delay.as_millis(), 100);
    }

    #[test]
    fn success_resets_the_account_only() {
        let t = throttle(0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let now = Instant::now();
        t.failure(ip, Some("alice"), now);
        t.failure(ip, Some("alice"), now);
        t.success("alice");
        let v = t.failure(ip, Some("alice"), now);
        assert_eq!((v.address_failures, v.account_failures), (3, 1));
    }

    #[test]
    fn ban_after_n_failures_then_count_restarts() {
        let t = throttle(3);
        let ip: IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
        let now = Instant::now();
        assert_eq!(t.failure(ip, None, now).ban, None);
        assert_eq!(t.failure(ip, Some("x"), now).ban, None);
        // Same /64, other host: same key.
        let neighbour: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
        let v = t.failure(neighbour, Some("y"), now);
        assert_eq!(
            v.ban,
            Some(("2001:db8:1:2::/64".to_string(), Duration::from_secs(10)))
        );
        assert_eq!(t.failure(ip, None, now).address_failures, 1);
    }

    #[test]
    fn address_keys() {
        assert_eq!(address_key("10.1.2.3".parse().unwrap()), "10.1.2.3");
        assert_eq!(address_key("::ffff:10.1.2.3".parse().unwrap()), "10.1.2.3");
        assert_eq!(address_key("::1".parse().unwrap()), "::/64");
    }
}
