//! What the store keeps for secure access (issue 3): SCRAM credentials and per-account
//! authentication settings, app passwords and address bans. The store only keeps these
//! records; their meaning (hash formats, throttling policy) lives in `loft-auth`.
//! Times are Unix seconds (UTC).

use crate::AccountId;

/// Per-account authentication settings.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthSettings {
    /// SCRAM-SHA-256 keys in Dovecot's `{SCRAM-SHA-256}i,salt,StoredKey,ServerKey` form.
    /// Cleared by the backend whenever the password hash changes, so stale keys never
    /// outlive a password change.
    pub scram_sha256: Option<String>,
    /// Refuse the main password for IMAP: only app passwords log in. SCRAM proves
    /// knowledge of the main password, so it is refused too.
    pub app_passwords_only: bool,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field(
                "scram_sha256",
                &self.scram_sha256.as_ref().map(|_| "<redacted>"),
            )
            .field("app_passwords_only", &self.app_passwords_only)
            .finish()
    }
}

/// A stored app password (the hash only, never the password).
#[derive(Clone, PartialEq, Eq)]
pub struct AppPassword {
    pub id: i64,
    pub account: AccountId,
    pub label: String,
    pub hash: String,
    pub created: i64,
    pub expires: Option<i64>,
    pub last_used: Option<i64>,
    pub last_ip: Option<String>,
}

impl std::fmt::Debug for AppPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppPassword")
            .field("id", &self.id)
            .field("account", &self.account)
            .field("label", &self.label)
            .field("created", &self.created)
            .field("expires", &self.expires)
            .field("last_used", &self.last_used)
            .field("last_ip", &self.last_ip)
            .finish_non_exhaustive()
    }
}

/// A temporary ban of a client address key (an IPv4 address or an IPv6 `/64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    pub key: String,
    pub created: i64,
    pub until: i64,
    pub reason: String,
}
