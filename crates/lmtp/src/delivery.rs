//! Local delivery, shared by the LMTP session and `loft deliver`: which account and
//! mailbox an address means (recipient domains, aliases, sub-addressing), the trace
//! headers of final delivery, and the store call.

use std::collections::HashMap;

use loft_store::{Account, Flags, NewMessage, Store, StoreError, Uid};

/// The default sub-address separator: `alice+lists@example.org` (RFC 5233 §1).
pub const DEFAULT_SEPARATOR: &str = "+";
/// Aliases may point at aliases; this many steps at most (a loop ends there).
const MAX_ALIAS_DEPTH: usize = 8;

/// Which addresses are local and whose they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    /// Domains we accept mail for, lower-case. Empty: any domain (the MTA in front of us
    /// decides what is local). An address without `@` is always local.
    pub domains: Vec<String>,
    /// Lower-case `local@domain` or bare `local` -> an address or account name (which may
    /// carry a sub-address, `alice+lists`).
    pub aliases: HashMap<String, String>,
    /// Sub-address separator(s); empty turns sub-addressing off.
    pub separator: String,
}

/// A resolved local recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub account: Account,
    /// The sub-address (`lists` of `alice+lists@...`): a mailbox name to try first.
    pub detail: Option<String>,
}

/// Why a delivery did not happen; each maps to an LMTP reply and a sysexits code.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// 550 5.1.1 / EX_NOUSER.
    #[error("no such user")]
    NoUser,
    /// 552 5.2.2 / EX_TEMPFAIL (a full mailbox may drain).
    #[error("mailbox over quota")]
    OverQuota,
    /// 554 5.6.0 / EX_DATAERR: the message itself cannot be stored.
    #[error("message refused: {0}")]
    Data(String),
    /// 451 4.3.0 / EX_TEMPFAIL.
    #[error("temporary failure: {0}")]
    Temporary(String),
}

impl From<StoreError> for DeliverError {
    fn from(e: StoreError) -> DeliverError {
        match e {
            StoreError::OverQuota => DeliverError::OverQuota,
            StoreError::Invalid(why) => DeliverError::Data(why),
            other => DeliverError::Temporary(other.to_string()),
        }
    }
}

impl Recipients {
    /// Resolves an RCPT address (or a `--user` name). `Err(NoUser)` when it is not ours.
    pub async fn resolve(&self, store: &dyn Store, address: &str) -> Result<Target, DeliverError> {
        let mut current = address.trim().to_string();
        for _ in 0..MAX_ALIAS_DEPTH {
            let lower = current.to_ascii_lowercase();
            let (local, domain) = match lower.rsplit_once('@') {
                Some((l, d)) => (l.to_string(), Some(d.to_string())),
                None => (lower.clone(), None),
            };
            if let Some(d) = &domain
                && !self.domains.is_empty()
                && !self.domains.iter().any(|x| x == d)
            {
                return Err(DeliverError::NoUser);
            }
            let alias = self
                .aliases
                .get(&lower)
                .or_else(|| self.aliases.get(&local));
            if let Some(next) = alias {
                current = next.clone();
                continue;
            }
            // Keep the case of the detail: it names a mailbox.
            let original_local = match current.rsplit_once('@') {
                Some((l, _)) => l.to_string(),
                None => current.clone(),
            };
            let (user, detail) = self.split_detail(&original_local);
            let account = store
                .account(user)
                .await
                .map_err(DeliverError::from)?
                .ok_or(DeliverError::NoUser)?;
            return Ok(Target {
                account,
                detail: detail.map(str::to_string),
            });
        }
        Err(DeliverError::NoUser)
    }

    /// RFC 5233: `user+detail` -> (`user`, Some(`detail`)), at the first separator.
    fn split_detail<'a>(&self, local: &'a str) -> (&'a str, Option<&'a str>) {
        match local
            .char_indices()
            .find(|(_, c)| self.separator.contains(*c))
        {
            Some((i, c)) if i > 0 => (
                &local[..i],
                Some(&local[i + c.len_utf8()..]).filter(|d| !d.is_empty()),
            ),
            _ => (local, None),
        }
    }
}

/// The lines final delivery puts on top (RFC 5321 §4.4: Return-Path with the reverse
/// path; Delivered-To as Postfix and Dovecot write it, for loop detection).
pub fn trace_headers(return_path: Option<&str>, delivered_to: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(rp) = return_path {
        out.extend_from_slice(format!("Return-Path: <{}>\r\n", clean(rp)).as_bytes());
    }
    if let Some(to) = delivered_to {
        out.extend_from_slice(format!("Delivered-To: {}\r\n", clean(to)).as_bytes());
    }
    out
}

/// Delivers to the target's mailbox: `mailbox` when given and existing, else the
/// sub-address's mailbox when it exists, else INBOX (RFC 5233 §4: an unknown detail must
/// not bounce). Returns the mailbox name and UID; an Ok means the message is durable.
pub async fn deliver(
    store: &dyn Store,
    target: &Target,
    mailbox: Option<&str>,
    content: Vec<u8>,
    flags: Flags,
) -> Result<(String, Uid), DeliverError> {
    let account = target.account.id;
    let mut chosen = None;
    for wanted in [mailbox, target.detail.as_deref()].into_iter().flatten() {
        if let Some(m) = find_mailbox(store, account, wanted).await? {
            chosen = Some(m);
            break;
        }
    }
    let mailbox = match chosen {
        Some(m) => m,
        None => store
            .mailbox(account, "INBOX")
            .await?
            .ok_or_else(|| DeliverError::Temporary("the account has no INBOX".into()))?,
    };
    let result = store
        .append(
            account,
            mailbox.id,
            vec![NewMessage {
                content,
                flags,
                internal_date: None,
            }],
        )
        .await?;
    let uid = result
        .uids
        .first()
        .copied()
        .ok_or_else(|| DeliverError::Temporary("store returned no UID".into()))?;
    Ok((mailbox.name, uid))
}

/// The mailbox with this name; failing an exact match, the only one that matches
/// ignoring case (`alice+Lists` finds `lists`).
async fn find_mailbox(
    store: &dyn Store,
    account: loft_store::AccountId,
    name: &str,
) -> Result<Option<loft_store::Mailbox>, DeliverError> {
    if name.eq_ignore_ascii_case("INBOX") {
        return Ok(store.mailbox(account, "INBOX").await?);
    }
    if let Some(m) = store.mailbox(account, name).await? {
        return Ok(Some(m));
    }
    let all = store.mailboxes(account).await?;
    let mut matches = all
        .into_iter()
        .filter(|m| m.name.eq_ignore_ascii_case(name));
    match (matches.next(), matches.next()) {
        (Some(m), None) => Ok(Some(m)),
        _ => Ok(None),
    }
}

/// No CR, LF or angle brackets inside a header value built from envelope data.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '<' | '>'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_split() {
        let r = Recipients {
            separator: "+-".into(),
            ..Recipients::default()
        };
        assert_eq!(r.split_detail("alice+lists"), ("alice", Some("lists")));
        assert_eq!(r.split_detail("alice-x+y"), ("alice", Some("x+y")));
        assert_eq!(r.split_detail("alice+"), ("alice", None));
        assert_eq!(r.split_detail("+x"), ("+x", None));
        let off = Recipients::default();
        assert_eq!(off.split_detail("alice+lists"), ("alice+lists", None));
    }

    #[test]
    fn trace() {
        assert_eq!(
            trace_headers(Some("a@b"), Some("c@d\r\nX: y")),
            b"Return-Path: <a@b>\r\nDelivered-To: c@dX: y\r\n".to_vec()
        );
        assert_eq!(
            trace_headers(Some(""), None),
            b"Return-Path: <>\r\n".to_vec()
        );
    }
}
