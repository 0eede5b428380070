//! Mailbox names: UTF-8, `/`-delimited, `INBOX` case-insensitive (RFC 9051 §5.1).

use crate::{DELIMITER, Result, StoreError};

pub(crate) const INBOX: &str = "INBOX";
/// Longest mailbox name accepted, in bytes.
pub(crate) const MAX_NAME_BYTES: usize = 1000;

/// Checks a mailbox name and returns its canonical form: the first level `INBOX` in upper
/// case (RFC 9051 §5.1: "INBOX" is case-insensitive, so `inbox/x` is `INBOX/x` too).
pub(crate) fn normalize(name: &str) -> Result<String> {
    if name.is_empty() {
        return Err(StoreError::Invalid("empty mailbox name".into()));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(StoreError::Invalid("mailbox name too long".into()));
    }
    if name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "control character in mailbox name".into(),
        ));
    }
    if name.split(DELIMITER).any(str::is_empty) {
        return Err(StoreError::Invalid("empty level in mailbox name".into()));
    }
    let (first, rest) = match name.find(DELIMITER) {
        Some(i) => name.split_at(i),
        None => (name, ""),
    };
    if first.eq_ignore_ascii_case(INBOX) {
        Ok(format!("{INBOX}{rest}"))
    } else {
        Ok(name.to_string())
    }
}

pub(crate) fn is_inbox(normalized: &str) -> bool {
    normalized == INBOX
}

/// The superior names of `name`, outermost first: `a/b/c` -> `a`, `a/b`.
pub(crate) fn parents(name: &str) -> Vec<&str> {
    name.match_indices(DELIMITER)
        .map(|(i, _)| &name[..i])
        .collect()
}

/// The half-open range [lo, hi) of names that are inferiors of `name`: every name that
/// starts with `name/`. `/` is 0x2F and `0` is 0x30, and SQLite compares TEXT bytewise.
pub(crate) fn inferior_range(name: &str) -> (String, String) {
    (format!("{name}/"), format!("{name}0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_is_case_insensitive() {
        assert_eq!(normalize("inbox").unwrap(), "INBOX");
        assert_eq!(normalize("InBox/Sub").unwrap(), "INBOX/Sub");
        assert_eq!(normalize("INBOXES").unwrap(), "INBOXES");
        assert_eq!(normalize("Other/inbox").unwrap(), "Other/inbox");
    }

    #[test]
    fn bad_names() {
        for bad in ["", "/", "a/", "/a", "a//b", "a\u{0}b", "a\nb"] {
            assert!(normalize(bad).is_err(), "{bad:?}");
        }
        assert!(normalize(&"x".repeat(MAX_NAME_BYTES + 1)).is_err());
        assert_eq!(normalize("Ünïcødé/日本").unwrap(), "Ünïcødé/日本");
    }

    #[test]
    fn parents_and_range() {
        assert_eq!(parents("a/b/c"), vec!["a", "a/b"]);
        assert!(parents("a").is_empty());
        let (lo, hi) = inferior_range("a");
        let inside = |n: &str| lo.as_str() <= n && n < hi.as_str();
        assert!(inside("a/b"));
        assert!(inside("a/\u{10ffff}"));
        assert!(!inside("a0"));
        assert!(!inside("ab"));
        assert!(!inside("a"));
    }
}
