//! SEARCH and UID SEARCH: RFC 9051 §6.4.4, §6.4.9; ESEARCH RFC 4731; SEARCHRES RFC 5182.
//! State: Selected.
//!
//! Criteria are evaluated cheapest first (see `selected::search_eval`): the in-memory view
//! decides flag/UID/sequence keys, records are loaded only for messages still undecided,
//! and message content only for those still undecided after that.
use loft_proto_imap::{Numbering, ResponseWriter, SearchCommand, SearchReturn, Tag};
use loft_store::{MessageRecord, Uid};

use super::{CmdResult, Done};
use crate::Session;
use crate::selected::search_eval::{Candidate, Need, Scope, compile};
use crate::selected::{self, Selected};

/// Records asked of the store per call, so a search over a huge mailbox stays bounded.
const RECORD_BATCH: usize = 1000;

pub async fn handle(s: &mut Session, cmd: SearchCommand) -> CmdResult {
    let (account, sel) = selected::require(s)?;
    let store = s.ctx.store.clone();
    let indices = match evaluate(store.as_ref(), account, sel, &cmd).await {
        Ok(v) => v,
        Err(e) => {
            // RFC 5182 §2.1: a SEARCH with SAVE that fails with NO empties `$`.
            if cmd.ret.as_ref().is_some_and(|r| r.contains(&SearchReturn::Save))
                && let Some(sel) = s.selected.as_mut()
            {
                sel.set_saved_search(Vec::new());
            }
            return Err(e);
        }
    };
    let is_uid = cmd.numbering == Numbering::Uid;
    let numbers: Vec<u32> = indices
        .iter()
        .filter_map(|&i| if is_uid { sel.uid_at(i).map(Uid::get) } else { Some(i + 1) })
        .collect();

    // RFC 9051 §6.4.4: IMAP4rev2 always answers with ESEARCH (plain SEARCH == RETURN (ALL));
    // rev1 clients get ESEARCH only when they asked with RETURN (RFC 4731 §3.1).
    let opts: Option<Vec<SearchReturn>> = match &cmd.ret {
        Some(r) if r.is_empty() => Some(vec![SearchReturn::All]),
        Some(r) => Some(r.clone()),
        None if s.enabled.imap4rev2 => Some(vec![SearchReturn::All]),
        None => None,
    };
    match &opts {
        None => write_search(&mut s.out, &numbers),
        Some(opts) => {
            let has = |o: SearchReturn| opts.contains(&o);
            if has(SearchReturn::Save) {
                let saved = saved_result(opts, &indices);
                let uids: Vec<u32> = saved.iter().filter_map(|&i| sel.uid_at(i).map(Uid::get)).collect();
                if let Some(sel) = s.selected.as_mut() {
                    sel.set_saved_search(uids);
                }
            }
            // RFC 9051 §6.4.4 SAVE: alone it suppresses the ESEARCH response.
            if opts.iter().any(|&o| o != SearchReturn::Save) {
                write_esearch(&mut s.out, super::current_tag().as_ref(), is_uid, opts, &numbers);
            }
        }
    }
    Ok(Done::ok(if is_uid { "UID SEARCH completed" } else { "SEARCH completed" }))
}

/// 0-based view positions of matching messages, ascending.
pub(crate) async fn evaluate(
    store: &dyn loft_store::Store,
    account: loft_store::AccountId,
    sel: &Selected,
    cmd: &SearchCommand,
) -> Result<Vec<u32>, super::CmdError> {
    let largest_uid = match sel.exists() {
        0 => sel.uid_next(),
        n => sel.uid_at(n - 1).map(Uid::get).unwrap_or(0),
    };
    let scope = Scope { exists: sel.exists(), largest_uid, saved: sel.saved_search() };
    let key = compile(&cmd.key, &scope);
    let mut matched = Vec::new();
    let mut undecided = Vec::new();
    for i in 0..sel.exists() {
        let Some(e) = sel.entry(i) else { continue };
        // RFC 2180 §4.1.3: messages expunged elsewhere (not yet announced) are left out.
        if e.is_expunged {
            continue;
        }
        let c = Candidate::new(i + 1, e.uid, e.bits, e.keywords, e.is_recent, e.modseq);
        match key.eval(&c) {
            Some(true) => matched.push(i),
            Some(false) => {}
            None => undecided.push(i),
        }
    }
    if undecided.is_empty() {
        return Ok(matched);
    }
    let needs_content = key.need() == Need::Content;
    let mailbox = sel.mailbox.id;
    for chunk in undecided.chunks(RECORD_BATCH) {
        let uids: Vec<Uid> = chunk.iter().filter_map(|&i| sel.uid_at(i)).collect();
        let records = store.records(account, mailbox, &uids).await?;
        for rec in &records {
            let Some(i) = sel.index_of(rec.uid) else { continue };
            let Some(e) = sel.entry(i) else { continue };
            let mut c = Candidate::new(i + 1, e.uid, e.bits, e.keywords, e.is_recent, e.modseq);
            c.record = Some(rec);
            let is_match = match key.eval(&c) {
                Some(b) => b,
                None if needs_content => eval_with_content(store, &key, c, rec).await?,
                None => false,
            };
            if is_match {
                matched.push(i);
            }
        }
    }
    matched.sort_unstable();
    Ok(matched)
}

async fn eval_with_content(
    store: &dyn loft_store::Store,
    key: &crate::selected::search_eval::Compiled,
    mut c: Candidate<'_>,
    rec: &MessageRecord,
) -> Result<bool, super::CmdError> {
    let raw = match store.blob(&rec.blob).await {
        Ok(raw) => raw,
        // Expunged (and its blob released) since the records were read: no match.
        Err(loft_store::StoreError::NotFound(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    c.raw = Some(&raw);
    Ok(key.eval(&c) == Some(true))
}

/// Which matches SAVE keeps (RFC 5182 §2.4): only MIN and/or MAX when those are the only
/// other options, else all of them.
fn saved_result(opts: &[SearchReturn], matched: &[u32]) -> Vec<u32> {
    let has = |o: SearchReturn| opts.contains(&o);
    if has(SearchReturn::All) || has(SearchReturn::Count) || !(has(SearchReturn::Min) || has(SearchReturn::Max)) {
        return matched.to_vec();
    }
    let mut v = Vec::new();
    if has(SearchReturn::Min) {
        v.extend(matched.first());
    }
    if has(SearchReturn::Max) {
        v.extend(matched.last());
    }
    v.dedup();
    v
}

/// `* SEARCH 2 3 5` (RFC 3501 §7.2.5); `* SEARCH` when nothing matched.
pub fn write_search(out: &mut ResponseWriter, numbers: &[u32]) {
    let mut line = String::with_capacity(10 + numbers.len() * 6);
    line.push_str("* SEARCH");
    for n in numbers {
        line.push(' ');
        line.push_str(&n.to_string());
    }
    line.push_str("\r\n");
    out.raw(line.as_bytes());
}

/// `* ESEARCH (TAG "a1") UID MIN 1 MAX 9 ALL 1:3,9 COUNT 4` (RFC 4731 §3.1, RFC 9051
/// §7.3.4). With no match MIN, MAX and ALL are left out but COUNT stays (`COUNT 0`).
/// `numbers` ascend.
pub fn write_esearch(out: &mut ResponseWriter, tag: Option<&Tag>, is_uid: bool, opts: &[SearchReturn], numbers: &[u32]) {
    let has = |o: SearchReturn| opts.contains(&o);
    let mut line = String::from("* ESEARCH");
    if let Some(tag) = tag {
        // A tag is astring-chars only (no `"` or `\`), so quoting needs no escapes.
        line.push_str(&format!(" (TAG \"{}\")", tag.as_str()));
    }
    if is_uid {
        line.push_str(" UID");
    }
    if let (Some(min), Some(max)) = (numbers.first(), numbers.last()) {
        if has(SearchReturn::Min) {
            line.push_str(&format!(" MIN {min}"));
        }
        if has(SearchReturn::Max) {
            line.push_str(&format!(" MAX {max}"));
        }
        if has(SearchReturn::All) {
            line.push_str(" ALL ");
            line.push_str(&selected::sets::render_set(numbers));
        }
    }
    if has(SearchReturn::Count) {
        line.push_str(&format!(" COUNT {}", numbers.len()));
    }
    line.push_str("\r\n");
    out.raw(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use SearchReturn::*;

    fn esearch(tag: Option<&str>, uid: bool, opts: &[SearchReturn], n: &[u32]) -> String {
        let mut out = ResponseWriter::new();
        let tag = tag.and_then(Tag::new);
        write_esearch(&mut out, tag.as_ref(), uid, opts, n);
        String::from_utf8(out.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn esearch_rfc_examples() {
        // RFC 9051 §6.4.4 examples.
        assert_eq!(esearch(Some("A282"), false, &[Min, Count], &[2, 10, 11]), "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n");
        assert_eq!(esearch(Some("A283"), false, &[All], &[2, 10, 11]), "* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n");
        assert_eq!(esearch(Some("A284"), false, &[All], &[]), "* ESEARCH (TAG \"A284\")\r\n");
        assert_eq!(esearch(Some("A285"), true, &[Min, Max], &[7, 100, 3800]), "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n");
        assert_eq!(esearch(Some("A286"), false, &[Count], &[]), "* ESEARCH (TAG \"A286\") COUNT 0\r\n");
        assert_eq!(esearch(None, true, &[Min, Max, All, Count], &[]), "* ESEARCH UID COUNT 0\r\n");
    }

    #[test]
    fn plain_search_response() {
        let mut out = ResponseWriter::new();
        write_search(&mut out, &[2, 3, 5]);
        write_search(&mut out, &[]);
        assert_eq!(out.as_bytes(), b"* SEARCH 2 3 5\r\n* SEARCH\r\n");
    }

    #[test]
    fn save_keeps_min_max_only_alone() {
        // RFC 5182 §2.4 table.
        let m = [1, 4, 9];
        assert_eq!(saved_result(&[Save], &m), vec![1, 4, 9]);
        assert_eq!(saved_result(&[Save, Min], &m), vec![1]);
        assert_eq!(saved_result(&[Save, Max], &m), vec![9]);
        assert_eq!(saved_result(&[Save, Min, Max], &m), vec![1, 9]);
        assert_eq!(saved_result(&[Save, Min, Count], &m), vec![1, 4, 9]);
        assert_eq!(saved_result(&[Save, Min, Max], &[5]), vec![5]);
        assert!(saved_result(&[Save, Min], &[]).is_empty());
    }
}
