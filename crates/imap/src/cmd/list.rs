//! LIST (RFC 9051 §6.3.9, LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819,
//! LIST-METADATA RFC 9590) and LSUB (RFC 3501 §6.3.9). State: Authenticated, Selected.
//!
//! One rule decides what is listed, for LIST, LIST (SUBSCRIBED ...) and LSUB alike
//! (RFC 5258 §3.3 rule 2): a name that matches the canonical pattern is listed when it
//! satisfies the selection criteria, or when one of its descendants does and that
//! descendant does not match the pattern itself. The second case gives RFC 3501's `%`
//! behaviour (`foo` listed `\Noselect` for an existing `foo/bar`) and RFC 5258's
//! RECURSIVEMATCH.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use loft_proto_imap::{ListCommand, MailboxArg, StatusItem};
use loft_store::{DELIMITER, Mailbox};

use super::{CmdError, CmdResult, Done};
use crate::Session;

/// Longest reference+pattern we match (bounds the O(pattern x name) matcher).
const MAX_PATTERN_CHARS: usize = 1024;

pub async fn handle(s: &mut Session, cmd: ListCommand) -> CmdResult {
    let account = s.account_id()?;
    let sel = &cmd.selection;
    // RFC 5258 §3.1: RECURSIVEMATCH alone (or only with REMOTE) is a BAD.
    if sel.recursive_match && !sel.subscribed && !sel.special_use {
        return Err(CmdError::bad(
            "RECURSIVEMATCH needs another selection option",
        ));
    }
    let reference = decode_pattern(s, &cmd.reference)?;
    // RFC 9051 §6.3.9 / RFC 5258 §3: in the basic form an empty pattern asks for the
    // delimiter and the root; in the extended form it is ignored for matching.
    if !cmd.is_extended && cmd.patterns.len() == 1 && cmd.patterns[0].0.is_empty() {
        s.out.raw(b"* LIST (\\Noselect) \"/\" \"\"\r\n");
        return Ok(Done::ok("LIST completed"));
    }
    let mut patterns = Vec::with_capacity(cmd.patterns.len());
    for p in &cmd.patterns {
        if p.0.is_empty() {
            continue;
        }
        let full = format!("{reference}{}", decode_pattern(s, p)?);
        if full.chars().count() > MAX_PATTERN_CHARS {
            // RFC 5258 §3: a pattern the server does not accept is silently ignored.
            continue;
        }
        patterns.push(Pattern::new(&full));
    }
    let store = s.ctx.store.clone();
    let mailboxes = store.mailboxes(account).await?;
    let subscriptions: BTreeSet<String> = store.subscriptions(account).await?.into_iter().collect();
    let view = View::new(&mailboxes, &subscriptions);

    let mode = if sel.subscribed {
        Selection::Subscribed {
            also_special_use: sel.special_use,
        }
    } else if sel.special_use {
        Selection::SpecialUse
    } else {
        Selection::Existing
    };
    let want_subscribed = cmd.returns.subscribed || sel.subscribed;
    let want_childinfo = sel.recursive_match && sel.subscribed;
    let utf8 = s.enabled.is_utf8();

    let mut status_of: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut longest_omitted: Option<usize> = None;
    if let Some(meta) = &cmd.returns.metadata {
        for e in &meta.entries {
            super::metadata::check_entry(e)?;
        }
    }
    for entry in view.listing(&patterns, mode, want_childinfo, false) {
        let mut attrs: Vec<&str> = Vec::new();
        let mailbox = view
            .existing
            .get(entry.name.as_str())
            .map(|&i| &mailboxes[i]);
        match mailbox {
            Some(_) => {}
            None if view.has_existing_descendant(&entry.name) => attrs.push("\\Noselect"),
            // RFC 5258 §3: \NonExistent implies \Noselect.
            None => attrs.push("\\NonExistent"),
        }
        // RFC 5258 §4 / RFC 9051 §7.3.1: child information is always computed and sent.
        attrs.push(if view.has_existing_descendant(&entry.name) {
            "\\HasChildren"
        } else {
            "\\HasNoChildren"
        });
        if want_subscribed && view.subscribed.contains(&entry.name) {
            attrs.push("\\Subscribed");
        }
        // RFC 6154 §2 / RFC 9051 §7.3.1: special-use attributes are returned by default.
        if let Some(use_) = mailbox.and_then(|m| m.special_use) {
            attrs.push(use_.attr());
        }
        let wire = s.encode_mailbox(&entry.name);
        s.out.raw(b"* LIST (");
        s.out.raw(attrs.join(" ").as_bytes());
        s.out.raw(b") \"/\" ");
        s.out.string(&wire, utf8);
        if entry.has_childinfo {
            // RFC 5258 §3.5 CHILDINFO extended data item.
            s.out.raw(b" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
        }
        s.out.raw(b"\r\n");
        // RFC 9590 §3: the METADATA response of each listed mailbox follows its LIST
        // response; mailboxes that do not exist have none.
        if let (Some(meta), Some(m)) = (&cmd.returns.metadata, mailbox) {
            let stored = match store.metadata(account, Some(m.id)).await {
                Ok(stored) => stored,
                // Deleted between the listing and now: nothing to report.
                Err(loft_store::StoreError::NotFound(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let omitted = super::metadata::write_metadata(
                &mut s.out,
                &wire,
                &stored,
                &meta.options,
                &meta.entries,
                utf8,
            );
            longest_omitted = longest_omitted.max(omitted);
        }
        if cmd.returns.status.is_some()
            && let Some(&i) = view.existing.get(entry.name.as_str())
        {
            status_of.push((i, wire));
        }
    }
    // RFC 5819 §2: a STATUS response for each selectable mailbox listed. Written after the
    // LIST responses (allowed: "the STATUS response ... MUST be returned after the LIST").
    if let Some(items) = &cmd.returns.status {
        write_statuses(s, account, &mailboxes, status_of, items).await?;
    }
    if let Some(n) = longest_omitted {
        // RFC 9590 §3 with RFC 5464 §4.2.1: values over MAXSIZE were left out.
        return Ok(Done::with_code(
            loft_proto_imap::Code::Other(format!("METADATA LONGENTRIES {n}")),
            "LIST completed",
        ));
    }
    Ok(Done::ok("LIST completed"))
}

pub async fn handle_lsub(s: &mut Session, reference: MailboxArg, pattern: MailboxArg) -> CmdResult {
    let account = s.account_id()?;
    let reference = decode_pattern(s, &reference)?;
    if pattern.0.is_empty() {
        // RFC 3501 §6.3.9 (via LIST): the delimiter request.
        s.out.raw(b"* LSUB (\\Noselect) \"/\" \"\"\r\n");
        return Ok(Done::ok("LSUB completed"));
    }
    let full = format!("{reference}{}", decode_pattern(s, &pattern)?);
    let patterns = if full.chars().count() > MAX_PATTERN_CHARS {
        Vec::new()
    } else {
        vec![Pattern::new(&full)]
    };
    let store = s.ctx.store.clone();
    let mailboxes = store.mailboxes(account).await?;
    let subscriptions: BTreeSet<String> = store.subscriptions(account).await?.into_iter().collect();
    let view = View::new(&mailboxes, &subscriptions);
    let utf8 = s.enabled.is_utf8();
    for entry in view.listing(
        &patterns,
        Selection::Subscribed {
            also_special_use: false,
        },
        false,
        true,
    ) {
        // RFC 3501 §6.3.9: a name listed only because a descendant is subscribed (the `%`
        // case) carries \Noselect, which in LSUB means "not itself subscribed".
        let attrs: &[u8] = if view.subscribed.contains(&entry.name) {
            b"()"
        } else {
            b"(\\Noselect)"
        };
        let wire = s.encode_mailbox(&entry.name);
        s.out.raw(b"* LSUB ");
        s.out.raw(attrs);
        s.out.raw(b" \"/\" ");
        s.out.string(&wire, utf8);
        s.out.raw(b"\r\n");
    }
    Ok(Done::ok("LSUB completed"))
}

/// Decode a reference or pattern argument; `""` stays empty.
fn decode_pattern(s: &Session, arg: &MailboxArg) -> Result<String, CmdError> {
    if arg.0.is_empty() {
        return Ok(String::new());
    }
    s.decode_mailbox(arg)
}

async fn write_statuses(
    s: &mut Session,
    account: loft_store::AccountId,
    mailboxes: &[Mailbox],
    which: Vec<(usize, Vec<u8>)>,
    items: &[StatusItem],
) -> Result<(), CmdError> {
    let store = s.ctx.store.clone();
    let utf8 = s.enabled.is_utf8();
    for (i, wire) in which {
        match store.status(account, mailboxes[i].id).await {
            Ok(st) => crate::cmd::status::write_status(
                &mut s.out,
                &wire,
                mailboxes[i].id,
                items,
                &st,
                utf8,
            ),
            // Deleted between the listing and now: nothing to report.
            Err(loft_store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Which names satisfy the selection criteria (RFC 5258 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selection {
    /// Plain LIST: existing mailboxes.
    Existing,
    /// SUBSCRIBED (optionally with SPECIAL-USE): subscribed names, existing or not.
    Subscribed { also_special_use: bool },
    /// SPECIAL-USE: existing mailboxes with a special use.
    SpecialUse,
}

#[derive(Debug, PartialEq, Eq)]
struct Entry {
    name: String,
    has_childinfo: bool,
}

/// The account's names as LIST sees them.
struct View<'a> {
    /// Existing mailbox name -> index into the store's list.
    existing: HashMap<&'a str, usize>,
    special_use: BTreeSet<&'a str>,
    subscribed: &'a BTreeSet<String>,
}

impl<'a> View<'a> {
    fn new(mailboxes: &'a [Mailbox], subscribed: &'a BTreeSet<String>) -> View<'a> {
        View {
            existing: mailboxes
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name.as_str(), i))
                .collect(),
            special_use: mailboxes
                .iter()
                .filter(|m| m.special_use.is_some())
                .map(|m| m.name.as_str())
                .collect(),
            subscribed,
        }
    }

    fn has_existing_descendant(&self, name: &str) -> bool {
        let prefix = format!("{name}{DELIMITER}");
        self.existing.keys().any(|n| n.starts_with(&prefix))
    }

    fn is_selected(&self, name: &str, mode: Selection) -> bool {
        match mode {
            Selection::Existing => self.existing.contains_key(name),
            Selection::SpecialUse => self.special_use.contains(name),
            Selection::Subscribed { also_special_use } => {
                self.subscribed.contains(name)
                    && (!also_special_use || self.special_use.contains(name))
            }
        }
    }

    /// The names to list, INBOX first, then in name order (RFC 5258 §3.3 rule 1: one
    /// response per name).
    fn listing(
        &self,
        patterns: &[Pattern],
        mode: Selection,
        want_childinfo: bool,
        is_lsub: bool,
    ) -> Vec<Entry> {
        let selected: Vec<&str> = match mode {
            Selection::Existing => self.existing.keys().copied().collect(),
            Selection::SpecialUse => self.special_use.iter().copied().collect(),
            Selection::Subscribed { .. } => self
                .subscribed
                .iter()
                .map(String::as_str)
                .filter(|n| self.is_selected(n, mode))
                .collect(),
        };
        let matches = |name: &str| patterns.iter().any(|p| p.matches(name));
        // name -> has a selected descendant that does not match (RFC 5258 §3.3 rule 2B).
        let mut out: BTreeMap<String, bool> = BTreeMap::new();
        for &name in &selected {
            let is_match = matches(name);
            if is_match {
                out.entry(name.to_string()).or_insert(false);
            }
            // Ancestors of a selected name.
            let mut end = name.len();
            while let Some(pos) = name[..end].rfind(DELIMITER) {
                end = pos;
                let ancestor = &name[..end];
                if ancestor.is_empty() || !matches(ancestor) {
                    continue;
                }
                let is_itself_selected = self.is_selected(ancestor, mode);
                match mode {
                    // RFC 3501 §6.3.9 `%` rule: a non-selected matching ancestor is
                    // listed (\Noselect) when the descendant is not listed itself.
                    Selection::Existing if !is_itself_selected && !is_match => {
                        out.entry(ancestor.to_string()).or_insert(false);
                    }
                    // RFC 5258 §3.1 RECURSIVEMATCH: a listed name with a subscribed
                    // descendant carries CHILDINFO, whether or not the descendant matches
                    // (Note 2); an unsubscribed one is listed only for a descendant that
                    // is not listed itself (§3.3 rule 2B).
                    Selection::Subscribed { .. }
                        if want_childinfo && (is_itself_selected || !is_match) =>
                    {
                        out.insert(ancestor.to_string(), true);
                    }
                    // RFC 3501 §6.3.9: LSUB's `%` rule. LIST (SUBSCRIBED) without
                    // RECURSIVEMATCH lists exactly the subscribed names (RFC 5258 §3.1).
                    Selection::Subscribed { .. } if is_lsub && !is_itself_selected && !is_match => {
                        out.entry(ancestor.to_string()).or_insert(false);
                    }
                    _ => {}
                }
            }
        }
        let mut entries: Vec<Entry> = out
            .into_iter()
            .map(|(name, has_childinfo)| Entry {
                name,
                has_childinfo,
            })
            .collect();
        if let Some(pos) = entries.iter().position(|e| e.name == "INBOX") {
            let inbox = entries.remove(pos);
            entries.insert(0, inbox);
        }
        entries
    }
}

/// A canonical LIST pattern (reference + mailbox, RFC 9051 §6.3.9): `*` matches anything,
/// `%` anything but the delimiter.
#[derive(Debug, Clone)]
struct Pattern {
    chars: Vec<char>,
}

impl Pattern {
    fn new(pattern: &str) -> Pattern {
        // Runs of `*` are one `*`; keeps the matcher's work proportional.
        let mut chars: Vec<char> = Vec::with_capacity(pattern.len());
        for c in pattern.chars() {
            if c == '*' && chars.last() == Some(&'*') {
                continue;
            }
            chars.push(c);
        }
        Pattern { chars }
    }

    /// RFC 9051 §6.3.9: INBOX is listed when "INBOX" matches, and the name INBOX is
    /// case-insensitive (§5.1), so its first level is compared ignoring case.
    fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        let ci_len = if name.len() >= 5
            && name[..5].iter().collect::<String>() == "INBOX"
            && (name.len() == 5 || name[5] == DELIMITER)
        {
            5
        } else {
            0
        };
        // dp[j]: pattern[..i] matches name[..j]; rolled over i.
        let n = name.len();
        let mut dp = vec![false; n + 1];
        dp[0] = true;
        for &pc in &self.chars {
            let mut next = vec![false; n + 1];
            match pc {
                '*' => {
                    let mut any = false;
                    for j in 0..=n {
                        any |= dp[j];
                        next[j] = any;
                    }
                }
                '%' => {
                    let mut run = false;
                    for j in 0..=n {
                        if j > 0 && name[j - 1] == DELIMITER {
                            run = false;
                        }
                        run |= dp[j];
                        next[j] = run;
                    }
                }
                c => {
                    for j in 1..=n {
                        let same = if j <= ci_len {
                            name[j - 1].eq_ignore_ascii_case(&c)
                        } else {
                            name[j - 1] == c
                        };
                        next[j] = dp[j - 1] && same;
                    }
                }
            }
            dp = next;
        }
        dp[n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        Pattern::new(p).matches(n)
    }

    #[test]
    fn wildcards() {
        assert!(m("*", "a/b/c"));
        assert!(m("%", "a"));
        assert!(!m("%", "a/b"));
        assert!(m("a/%", "a/b"));
        assert!(!m("a/%", "a/b/c"));
        assert!(m("a/*", "a/b/c"));
        assert!(m("a*c", "a/b/c"));
        assert!(!m("a%c", "a/b/c"));
        assert!(m("a%c", "abbc"));
        assert!(m("", ""));
        assert!(!m("a", "ab"));
        assert!(m("%/%", "a/b"));
    }

    #[test]
    fn inbox_is_case_insensitive() {
        assert!(m("inbox", "INBOX"));
        assert!(m("InBoX/%", "INBOX/x"));
        assert!(m("in*", "INBOX"));
        assert!(!m("inbox/X", "INBOX/x"));
        assert!(!m("inboxes", "INBOXES"));
    }

    fn view_listing(
        existing: &[&str],
        subscribed: &[&str],
        pattern: &str,
        mode: Selection,
        ci: bool,
        lsub: bool,
    ) -> Vec<(String, bool)> {
        let mailboxes: Vec<Mailbox> = existing
            .iter()
            .enumerate()
            .map(|(i, n)| Mailbox {
                id: loft_store::MailboxId(i as i64),
                name: n.to_string(),
                special_use: None,
                is_subscribed: false,
                uid_validity: loft_store::UidValidity::new(1).unwrap(),
            })
            .collect();
        let subs: BTreeSet<String> = subscribed.iter().map(|s| s.to_string()).collect();
        let view = View::new(&mailboxes, &subs);
        view.listing(&[Pattern::new(pattern)], mode, ci, lsub)
            .into_iter()
            .map(|e| (e.name, e.has_childinfo))
            .collect()
    }

    #[test]
    fn percent_lists_implied_parents() {
        let got = view_listing(
            &["INBOX", "a/b", "c"],
            &[],
            "%",
            Selection::Existing,
            false,
            false,
        );
        assert_eq!(
            got,
            vec![
                ("INBOX".into(), false),
                ("a".into(), false),
                ("c".into(), false)
            ]
        );
        let got = view_listing(
            &["INBOX", "a/b"],
            &[],
            "*",
            Selection::Existing,
            false,
            false,
        );
        assert_eq!(got, vec![("INBOX".into(), false), ("a/b".into(), false)]);
    }

    #[test]
    fn recursivematch_childinfo() {
        // RFC 5258 §5 example 9 shape: subscribed Foo/Bar under unsubscribed Foo.
        let subs = Selection::Subscribed {
            also_special_use: false,
        };
        let got = view_listing(
            &["Foo", "Foo/Bar", "Baz"],
            &["Foo/Bar", "Baz"],
            "%",
            subs,
            true,
            false,
        );
        assert_eq!(got, vec![("Baz".into(), false), ("Foo".into(), true)]);
        // Without RECURSIVEMATCH: exactly the subscribed names that match.
        let got = view_listing(
            &["Foo", "Foo/Bar", "Baz"],
            &["Foo/Bar", "Baz"],
            "%",
            subs,
            false,
            false,
        );
        assert_eq!(got, vec![("Baz".into(), false)]);
        // LSUB: the unsubscribed parent of a `%` match.
        let got = view_listing(
            &["Foo", "Foo/Bar", "Baz"],
            &["Foo/Bar", "Baz"],
            "%",
            subs,
            false,
            true,
        );
        assert_eq!(got, vec![("Baz".into(), false), ("Foo".into(), false)]);
        let got = view_listing(
            &["Foo", "Foo/Bar"],
            &["Foo/Bar", "Foo"],
            "*",
            subs,
            true,
            false,
        );
        assert_eq!(got, vec![("Foo".into(), true), ("Foo/Bar".into(), false)]);
    }
}
