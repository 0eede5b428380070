//! RFC 8474 OBJECTID: MAILBOXID, EMAILID and THREADID values.
//!
//! Decisions, each with the reason:
//! - MAILBOXID is `F` + the store's mailbox id. Mailbox ids are never reused (AUTOINCREMENT)
//!   and RENAME keeps the row, so the id survives RENAME (RFC 8474 §4); RENAME of INBOX makes
//!   a new mailbox for the moved messages, which gets a new id, as §4 asks.
//! - EMAILID is `M` + the first 96 bits of the message's content address (SHA-256 of the
//!   bytes). COPY and MOVE keep the bytes, so the id (§5.1 MUST); identical bytes appended
//!   twice share it, which §5.1 allows.
//! - THREADID is `T` + 96 bits of the SHA-256 of the thread root's Message-ID (the first
//!   References id, else In-Reply-To, else the message's own Message-ID); a message without
//!   any of them is a thread of its own, keyed by its content. Derived from the content
//!   only, so it never changes once reported and is equal for equal EMAILIDs (§5.2). The
//!   prefixes keep EMAILIDs and THREADIDs apart (§5.2 MUST NOT share values).

use loft_message::preview::Derived;
use loft_store::{BlobId, MailboxId, MessageRecord};
use sha2::Digest;

/// Hex digits of a hash kept in an ObjectID (96 bits).
const OBJECTID_HEX_DIGITS: usize = 24;

pub fn mailbox_id(id: MailboxId) -> String {
    format!("F{}", id.0)
}

pub fn email_id(blob: &BlobId) -> String {
    format!("M{}", short(&blob.0))
}

pub fn thread_id(blob: &BlobId, derived: &Derived) -> String {
    match &derived.thread_root {
        Some(root) => format!("T{}", short(&hex(&sha2::Sha256::digest(root.as_bytes())))),
        None => format!("T{}", short(&blob.0)),
    }
}

/// The derived values of a record: stored at ingest, or computed from `raw` for messages
/// stored before they existed (None when neither is available).
pub fn derived<'a>(
    record: &'a MessageRecord,
    raw: Option<&[u8]>,
) -> Option<std::borrow::Cow<'a, Derived>> {
    match (&record.parsed.derived, raw) {
        (Some(d), _) => Some(std::borrow::Cow::Borrowed(d)),
        (None, Some(raw)) => Some(std::borrow::Cow::Owned(loft_message::preview::derive(raw))),
        (None, None) => None,
    }
}

/// RFC 8474 §7: objectid = 1*255(ALPHA / DIGIT / "_" / "-").
pub fn is_objectid(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn short(hex: &str) -> &str {
    hex.get(..OBJECTID_HEX_DIGITS).unwrap_or(hex)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_objectids_and_distinct() {
        let blob = BlobId("ab".repeat(32));
        let e = email_id(&blob);
        let t = thread_id(&blob, &Derived::default());
        assert!(is_objectid(&e) && is_objectid(&t) && is_objectid(&mailbox_id(MailboxId(7))));
        assert_ne!(e, t);
        assert_eq!(e.len(), 25);
        let a = Derived {
            preview: String::new(),
            thread_root: Some("a@x".into()),
        };
        assert_eq!(
            thread_id(&blob, &a),
            thread_id(&BlobId("cd".repeat(32)), &a)
        );
        assert!(!is_objectid("a b") && !is_objectid(""));
    }
}
