//! GETMETADATA and SETMETADATA: RFC 5464 (server entries with mailbox "", mailbox entries
//! otherwise). State: Authenticated, Selected.
//!
//! Decisions, each with the reason:
//! - Loft has no shared mailboxes yet, so `/shared/...` entries of a mailbox are visible to
//!   exactly the users who can see the mailbox: its owner. Server `/shared/...` entries are
//!   likewise kept per account; `/shared/admin` is read-only (RFC 5464 §3.2.1.1).
//! - A requested entry that does not exist is answered with NIL (as Dovecot and Cyrus do),
//!   so the required METADATA response (§4.2) is always sent.
//! - Limits (§4.3): values up to `MAX_METADATA_VALUE_BYTES` (`[METADATA MAXSIZE n]`), at
//!   most `MAX_METADATA_ENTRIES` per mailbox and per server (`[METADATA TOOMANY]`).
use loft_proto_imap::{Code, MailboxArg, MetadataDepth, MetadataOptions};
use loft_store::MailboxId;

use super::{CmdError, CmdResult, Done};
use crate::Session;

/// Largest value of one entry.
pub const MAX_METADATA_VALUE_BYTES: usize = 64 * 1024;
/// Entries per mailbox, and server entries per account.
pub const MAX_METADATA_ENTRIES: usize = 100;
/// Longest entry name.
const MAX_ENTRY_NAME_BYTES: usize = 1024;

pub async fn get(
    s: &mut Session,
    mailbox: MailboxArg,
    options: MetadataOptions,
    entries: Vec<String>,
) -> CmdResult {
    let account = s.account_id()?;
    for e in &entries {
        check_entry(e)?;
    }
    let target = resolve(s, &mailbox).await?;
    let stored = s.ctx.store.metadata(account, target).await?;
    let utf8 = s.enabled.is_utf8();
    let longest_omitted = write_metadata(&mut s.out, &mailbox.0, &stored, &options, &entries, utf8);
    if let Some(n) = longest_omitted {
        return Ok(Done::with_code(
            Code::Other(format!("METADATA LONGENTRIES {n}")),
            "GETMETADATA completed",
        ));
    }
    Ok(Done::ok("GETMETADATA completed"))
}

pub async fn set(
    s: &mut Session,
    mailbox: MailboxArg,
    entries: Vec<(String, Option<Vec<u8>>)>,
) -> CmdResult {
    let account = s.account_id()?;
    let target = resolve(s, &mailbox).await?;
    for (name, value) in &entries {
        check_entry(name)?;
        if target.is_none() && name.eq_ignore_ascii_case("/shared/admin") {
            return Err(CmdError::no_code(
                Code::NoPerm,
                "/shared/admin is read-only",
            ));
        }
        if value
            .as_ref()
            .is_some_and(|v| v.len() > MAX_METADATA_VALUE_BYTES)
        {
            // RFC 5464 §4.3: NO [METADATA MAXSIZE n] with the largest allowed size.
            return Err(CmdError::no_code(
                Code::Other(format!("METADATA MAXSIZE {MAX_METADATA_VALUE_BYTES}")),
                "Metadata value too large",
            ));
        }
    }
    let store = s.ctx.store.clone();
    let mut names: Vec<String> = store
        .metadata(account, target)
        .await?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for (name, value) in &entries {
        let name = name.to_lowercase();
        match value {
            Some(_) if !names.contains(&name) => names.push(name),
            None => names.retain(|n| *n != name),
            Some(_) => {}
        }
    }
    if names.len() > MAX_METADATA_ENTRIES {
        // RFC 5464 §4.3.
        return Err(CmdError::no_code(
            Code::Other("METADATA TOOMANY".into()),
            "Too many metadata entries",
        ));
    }
    let mut changed: Vec<String> = entries.iter().map(|(n, _)| n.to_lowercase()).collect();
    store.set_metadata(account, target, entries).await?;
    // RFC 5465 §5: this session is not told of its own change.
    if let Some(st) = s.notify.as_mut() {
        changed.sort();
        changed.dedup();
        st.note_own_metadata(target, changed);
    }
    Ok(Done::ok("SETMETADATA completed"))
}

/// Write the `* METADATA mailbox (entry value ...)` response for the requested entries
/// (RFC 5464 §4.2, also used by LIST RETURN (METADATA), RFC 9590 §3); returns the size of
/// the longest value left out by MAXSIZE, for `[METADATA LONGENTRIES n]`.
pub(crate) fn write_metadata(
    out: &mut loft_proto_imap::ResponseWriter,
    mailbox_wire: &[u8],
    stored: &[(String, Vec<u8>)],
    options: &MetadataOptions,
    entries: &[String],
    utf8: bool,
) -> Option<usize> {
    let mut found: Vec<(String, Option<&[u8]>)> = Vec::new();
    let mut longest_omitted: Option<usize> = None;
    for requested in entries {
        let requested = requested.to_lowercase();
        let mut any = false;
        for (name, value) in stored {
            if !matches_depth(&requested, name, options.depth)
                || found.iter().any(|(n, _)| n == name)
            {
                continue;
            }
            any = true;
            // RFC 5464 §4.2.1: values over MAXSIZE are left out and reported.
            if options
                .max_size
                .is_some_and(|max| value.len() > max as usize)
            {
                longest_omitted = Some(longest_omitted.unwrap_or(0).max(value.len()));
                continue;
            }
            found.push((name.clone(), Some(value.as_slice())));
        }
        if !any && !found.iter().any(|(n, _)| *n == requested) {
            found.push((requested, None));
        }
    }
    if !found.is_empty() {
        out.raw(b"* METADATA ");
        out.string(mailbox_wire, utf8);
        out.raw(b" (");
        for (i, (name, value)) in found.iter().enumerate() {
            if i > 0 {
                out.raw(b" ");
            }
            out.astring(name.as_bytes(), utf8);
            out.raw(b" ");
            match value {
                None => out.raw(b"NIL"),
                // RFC 5464 §5: value = nstring / literal8; NUL needs literal8.
                Some(v) if v.contains(&0) => out.literal8(v),
                Some(v) => out.string(v, utf8),
            }
        }
        out.raw(b")\r\n");
    }
    longest_omitted
}

/// "" is the server (None); otherwise the mailbox, which must exist.
async fn resolve(s: &mut Session, mailbox: &MailboxArg) -> Result<Option<MailboxId>, CmdError> {
    if mailbox.0.is_empty() {
        return Ok(None);
    }
    let account = s.account_id()?;
    let name = s.decode_mailbox(mailbox)?;
    match s.ctx.store.mailbox(account, &name).await? {
        Some(m) => Ok(Some(m.id)),
        None => Err(CmdError::no_code(
            Code::NonExistent,
            "Mailbox does not exist",
        )),
    }
}

/// RFC 5464 §3.2: `/private/...` or `/shared/...`, slash-separated non-empty components,
/// no `*` or `%`, no control characters, not ending in `/`.
pub(crate) fn check_entry(entry: &str) -> Result<(), CmdError> {
    let lower = entry.to_ascii_lowercase();
    let is_valid = (lower.starts_with("/private/") || lower.starts_with("/shared/"))
        && entry.len() <= MAX_ENTRY_NAME_BYTES
        && !entry.ends_with('/')
        && !entry.contains("//")
        && !entry.contains(['*', '%'])
        && !entry.chars().any(char::is_control);
    if is_valid {
        Ok(())
    } else {
        Err(CmdError::bad(format!(
            "Invalid metadata entry name {entry}"
        )))
    }
}

/// RFC 5464 §4.2.2: the entry itself, plus children (DEPTH 1) or all descendants
/// (DEPTH infinity).
fn matches_depth(requested: &str, name: &str, depth: MetadataDepth) -> bool {
    if name == requested {
        return true;
    }
    let Some(rest) = name
        .strip_prefix(requested)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return false;
    };
    match depth {
        MetadataDepth::Zero => false,
        MetadataDepth::One => !rest.contains('/'),
        MetadataDepth::Infinity => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_depth() {
        assert!(check_entry("/private/comment").is_ok());
        assert!(check_entry("/Shared/vendor/x/y").is_ok());
        for bad in [
            "/comment",
            "/private/",
            "/private//a",
            "/private/a*",
            "private/a",
            "/private/a\u{1}",
        ] {
            assert!(check_entry(bad).is_err(), "{bad}");
        }
        assert!(matches_depth("/a/b", "/a/b", MetadataDepth::Zero));
        assert!(!matches_depth("/a/b", "/a/b/c", MetadataDepth::Zero));
        assert!(matches_depth("/a/b", "/a/b/c", MetadataDepth::One));
        assert!(!matches_depth("/a/b", "/a/b/c/d", MetadataDepth::One));
        assert!(matches_depth("/a/b", "/a/b/c/d", MetadataDepth::Infinity));
        assert!(!matches_depth("/a/b", "/a/bc", MetadataDepth::Infinity));
    }
}
