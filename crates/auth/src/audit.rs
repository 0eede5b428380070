//! Security events for the audit log: one JSON object per line, for a SIEM. The schema
//! (field names and meanings) is documented in SECURITY.md; fields are only ever added.
//!
//! Never a secret: events carry no passwords, tokens, hashes or SASL data, only names,
//! addresses, mechanisms and outcomes.

use std::sync::Mutex;

use serde::Serialize;

/// One security event. `None` fields are left out of the JSON line.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct AuditEvent {
    /// RFC 3339 UTC time with milliseconds; filled by [`AuditEvent::new`].
    pub ts: String,
    /// What happened, e.g. `login.success` (list in SECURITY.md).
    pub event: &'static str,
    /// `success`, `failure` or `info`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `imap`, `cli`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    /// `password`, `app-password`, `scram`, `token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cipher: Option<String>,
    /// The client's RFC 2971 ID `name` and `version`, when it sent them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Why it failed, in words safe to log (never the credential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Delay imposed before answering, in milliseconds (throttling).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// The banned address key (an IPv4 address or an IPv6 /64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ban_key: Option<String>,
    /// RFC 3339 end of a ban or an app password's expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// App password label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free-form detail for admin changes (`setting=app_passwords_only value=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(event: &'static str, outcome: &'static str) -> AuditEvent {
        AuditEvent {
            ts: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            event,
            outcome,
            ..AuditEvent::default()
        }
    }

    /// The JSON line, without the newline.
    pub fn to_json(&self) -> String {
        // Serializing plain strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// Where events go. Implementations must not block for long (called from async code).
pub trait AuditSink: Send + Sync + std::fmt::Debug {
    fn record(&self, event: &AuditEvent);
}

/// Drops every event (the default when no audit log is configured... except that Loft
/// always configures one; used by unit tests and libraries).
#[derive(Debug, Default)]
pub struct NullSink;

impl AuditSink for NullSink {
    fn record(&self, _event: &AuditEvent) {}
}

/// Keeps events in memory (tests).
#[derive(Debug, Default)]
pub struct MemorySink {
    events: Mutex<Vec<AuditEvent>>,
}

impl MemorySink {
    pub fn events(&self) -> Vec<AuditEvent> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl AuditSink for MemorySink {
    fn record(&self, event: &AuditEvent) {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(event.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_leaves_out_empty_fields() {
        let mut e = AuditEvent::new("login.failure", "failure");
        e.account = Some("alice".into());
        e.client_port = Some(1234);
        let json = e.to_json();
        assert!(json.starts_with("{\"ts\":\""), "{json}");
        assert!(json.contains("\"event\":\"login.failure\""), "{json}");
        assert!(json.contains("\"client_port\":1234"), "{json}");
        assert!(!json.contains("mechanism"), "{json}");
    }
}
