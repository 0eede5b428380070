//! SEARCH and UID SEARCH: RFC 9051 §6.4.4, §6.4.9; ESEARCH RFC 4731; SEARCHRES RFC 5182;
//! MODSEQ criterion and result RFC 7162 §3.1.5, §3.1.6, §3.1.10; PARTIAL RFC 9394 §3.1;
//! OLDER/YOUNGER RFC 5032; SAVEDBEFORE/SAVEDON/SAVEDSINCE/SAVEDATESUPPORTED RFC 8514.
//! CONTEXT and UPDATE (RFC 5267 §4.2, §4.3): the updates are kept in `context_update.rs`.
//! State: Selected.
//!
//! Criteria are evaluated cheapest first (see `selected::search_eval`): the in-memory view
//! decides flag/UID/sequence keys, records are loaded only for messages still undecided,
//! and message content only for those still undecided after that.
use loft_proto_imap::{
    Numbering, PartialRange, ResponseWriter, SearchCommand, SearchKey, SearchReturn, Tag,
};
use loft_store::{MessageRecord, Uid};

use super::{CmdResult, Done};
use crate::Session;
use crate::selected::search_eval::{Candidate, Need, Scope, compile};
use crate::selected::{self, Selected};

/// Records asked of the store per call, so a search over a huge mailbox stays bounded.
const RECORD_BATCH: usize = 1000;

pub async fn handle(s: &mut Session, cmd: SearchCommand) -> CmdResult {
    selected::require(s)?;
    let has_modseq = uses_modseq(&cmd.key);
    if has_modseq {
        // RFC 7162 §3.1: SEARCH with MODSEQ is a CONDSTORE enabling command.
        selected::enable_condstore(s);
    }
    let (account, sel) = selected::require(s)?;
    let update_tag = update_tag(sel, cmd.ret.as_deref())?;
    let store = s.ctx.store.clone();
    let indices = match evaluate(store.as_ref(), account, sel, &cmd).await {
        Ok(v) => v,
        Err(e) => {
            // RFC 5182 §2.1: a SEARCH with SAVE that fails with NO empties `$`.
            if cmd
                .ret
                .as_ref()
                .is_some_and(|r| r.contains(&SearchReturn::Save))
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
        .filter_map(|&i| {
            if is_uid {
                sel.uid_at(i).map(Uid::get)
            } else {
                Some(i + 1)
            }
        })
        .collect();

    // RFC 9051 §6.4.4: IMAP4rev2 always answers with ESEARCH (plain SEARCH == RETURN (ALL));
    // rev1 clients get ESEARCH only when they asked with RETURN (RFC 4731 §3.1).
    let opts: Option<Vec<SearchReturn>> = match &cmd.ret {
        Some(r) => Some(result_options(r)),
        None if s.enabled.imap4rev2 => Some(vec![SearchReturn::All]),
        None => None,
    };
    // RFC 7162 §3.1.5, §3.1.10: with a MODSEQ criterion and a non-empty result, the
    // highest mod-sequence of the messages returned.
    let highest = |returned: &[u32]| -> Option<u64> {
        if !has_modseq {
            return None;
        }
        returned
            .iter()
            .filter_map(|&i| sel.entry(i).map(|e| e.modseq))
            .max()
    };
    let modseq = match &opts {
        None => highest(&indices),
        Some(opts) => highest(&saved_result(opts, &indices)),
    };
    match &opts {
        None => write_search(&mut s.out, &numbers, modseq),
        Some(opts) => {
            let has = |o: SearchReturn| opts.contains(&o);
            if has(SearchReturn::Save) {
                let saved = saved_result(opts, &indices);
                let uids: Vec<u32> = saved
                    .iter()
                    .filter_map(|&i| sel.uid_at(i).map(Uid::get))
                    .collect();
                if let Some(sel) = s.selected.as_mut() {
                    sel.set_saved_search(uids);
                }
            }
            // RFC 9051 §6.4.4 SAVE: alone it suppresses the ESEARCH response.
            if opts.iter().any(|&o| o != SearchReturn::Save) {
                write_esearch(
                    &mut s.out,
                    super::current_tag().as_ref(),
                    is_uid,
                    opts,
                    &numbers,
                    modseq,
                );
            }
        }
    }
    if let (Some(tag), Some(sel)) = (update_tag, s.selected.as_ref()) {
        let results: Vec<u32> = indices
            .iter()
            .filter_map(|&i| sel.uid_at(i).map(Uid::get))
            .collect();
        crate::context_update::register(
            s,
            crate::context_update::Request {
                tag: tag.as_str(),
                is_uid,
                key: &cmd.key,
                sort: None,
                results,
                keys: Vec::new(),
            },
        );
    }
    Ok(Done::ok(if is_uid {
        "UID SEARCH completed"
    } else {
        "SEARCH completed"
    }))
}

/// The tag of a searching command with RETURN (UPDATE) (RFC 5267 §4.3), checked for reuse:
/// a tag naming an active updating context gets BAD.
pub(crate) fn update_tag(
    sel: &Selected,
    ret: Option<&[SearchReturn]>,
) -> Result<Option<Tag>, super::CmdError> {
    if !ret.is_some_and(|r| r.contains(&SearchReturn::Update)) {
        return Ok(None);
    }
    let Some(tag) = super::current_tag() else {
        return Ok(None);
    };
    if sel.contexts.has_tag(tag.as_str()) {
        return Err(super::CmdError::bad("Tag reuse"));
    }
    Ok(Some(tag))
}

/// The result options that shape the ESEARCH response: CONTEXT and UPDATE do not (RFC 5267
/// §4.1: no interaction with the other options). When nothing else is asked for, ALL, as
/// for `RETURN ()` (RFC 4731 §3.1): a client asking only for UPDATE needs the result the
/// updates apply to.
pub(crate) fn result_options(ret: &[SearchReturn]) -> Vec<SearchReturn> {
    let opts: Vec<SearchReturn> = ret
        .iter()
        .copied()
        .filter(|o| !matches!(o, SearchReturn::Context | SearchReturn::Update))
        .collect();
    if opts.is_empty() {
        vec![SearchReturn::All]
    } else {
        opts
    }
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
    let scope = Scope {
        exists: sel.exists(),
        largest_uid,
        saved: sel.saved_search(),
        now: chrono::Utc::now().timestamp(),
    };
    let mut key = compile(&cmd.key, &scope);
    let mailbox = sel.mailbox.id;
    // Text keys first ask the store's search index (issue 6): what it answers needs no
    // message content; only messages it has not indexed yet are evaluated below.
    let mut queries = Vec::new();
    key.index_queries(&mut queries);
    if !queries.is_empty() && sel.exists() > 0 {
        let mut answers = Vec::with_capacity(queries.len());
        for (field, needle) in &queries {
            let answer = store.search_index(account, mailbox, *field, needle).await?;
            answers.push(answer.map(|a| {
                let uids = |v: Vec<Uid>| v.into_iter().map(Uid::get).collect::<Vec<u32>>();
                (uids(a.matches), uids(a.unindexed))
            }));
        }
        key = key.apply_index(&mut answers.into_iter());
    }
    match_indices(store, account, sel, &key, 0..sel.exists()).await
}

/// Which of the view positions `candidates` (ascending) match the compiled `key`, ascending.
/// Also used by the RFC 5267 update contexts (`context_update.rs`) on changed messages only.
pub(crate) async fn match_indices(
    store: &dyn loft_store::Store,
    account: loft_store::AccountId,
    sel: &Selected,
    key: &crate::selected::search_eval::Compiled,
    candidates: impl Iterator<Item = u32>,
) -> Result<Vec<u32>, super::CmdError> {
    let mailbox = sel.mailbox.id;
    let mut matched = Vec::new();
    let mut undecided = Vec::new();
    for i in candidates {
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
    for chunk in undecided.chunks(RECORD_BATCH) {
        let uids: Vec<Uid> = chunk.iter().filter_map(|&i| sel.uid_at(i)).collect();
        let records = store.records(account, mailbox, &uids).await?;
        for rec in &records {
            let Some(i) = sel.index_of(rec.uid) else {
                continue;
            };
            let Some(e) = sel.entry(i) else { continue };
            let mut c = Candidate::new(i + 1, e.uid, e.bits, e.keywords, e.is_recent, e.modseq);
            c.record = Some(rec);
            let is_match = match key.eval(&c) {
                Some(b) => b,
                None if needs_content => eval_with_content(store, account, key, c, rec).await?,
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
    account: loft_store::AccountId,
    key: &crate::selected::search_eval::Compiled,
    mut c: Candidate<'_>,
    rec: &MessageRecord,
) -> Result<bool, super::CmdError> {
    let raw = match store.blob(account, &rec.blob).await {
        Ok(raw) => raw,
        // Expunged (and its blob released) since the records were read: no match.
        Err(loft_store::StoreError::NotFound(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    c.raw = Some(&raw);
    Ok(key.eval(&c) == Some(true))
}

/// Which matches SAVE keeps (RFC 5182 §2.4): only MIN and/or MAX when those are the only
/// other options, else all of them; with PARTIAL and no COUNT, the PARTIAL results plus
/// MIN/MAX (RFC 9394 §3.2 Table 1). `matched` ascends.
pub(crate) fn saved_result(opts: &[SearchReturn], matched: &[u32]) -> Vec<u32> {
    let has = |o: SearchReturn| opts.contains(&o);
    let partial = opts.iter().find_map(|o| match o {
        SearchReturn::Partial(p) => Some(*p),
        _ => None,
    });
    if let (Some(p), false) = (partial, has(SearchReturn::Count)) {
        let mut v = partial_slice(matched, p).to_vec();
        if has(SearchReturn::Min) {
            v.extend(matched.first());
        }
        if has(SearchReturn::Max) {
            v.extend(matched.last());
        }
        v.sort_unstable();
        v.dedup();
        return v;
    }
    if has(SearchReturn::All)
        || has(SearchReturn::Count)
        || !(has(SearchReturn::Min) || has(SearchReturn::Max))
    {
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

/// RFC 9394 §3.1: the results at 1-based positions `low..=high` (counted from the end with
/// `from_end`); positions past the end are simply absent.
pub(crate) fn partial_slice(results: &[u32], p: PartialRange) -> &[u32] {
    let len = results.len();
    let (low, high) = (p.low as usize, p.high as usize);
    let (start, end) = if p.from_end {
        (len.saturating_sub(high), len.saturating_sub(low - 1))
    } else {
        ((low - 1).min(len), high.min(len))
    };
    results.get(start..end).unwrap_or(&[])
}

/// A sequence-set keeping the given order (RFC 5267 §3.2): runs of consecutive ascending
/// numbers become `a:b`, everything else stays a list. For ascending input this is the
/// usual compact set.
pub(crate) fn render_ordered(numbers: &[u32]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j].checked_add(1) == Some(numbers[j + 1]) {
            j += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if j > i {
            let _ = write!(out, "{start}:{}", numbers[j]);
        } else {
            let _ = write!(out, "{start}");
        }
        i = j + 1;
    }
    out
}

/// Whether message numbers appear anywhere in the criteria (a sequence-set key, also inside
/// OR/NOT). `$` names UIDs (RFC 5182 §2.1) and is not one. RFC 7162 §3.2.10: no VANISHED
/// (and, RFC 9051 §7.5.1, no EXPUNGE) during a UID SEARCH that has them.
pub(crate) fn uses_message_numbers(key: &SearchKey) -> bool {
    use loft_proto_imap::SequenceSet;
    match key {
        SearchKey::SequenceSet(SequenceSet::Ranges(_)) => true,
        SearchKey::And(keys) => keys.iter().any(uses_message_numbers),
        SearchKey::Or(a, b) => uses_message_numbers(a) || uses_message_numbers(b),
        SearchKey::Not(k) => uses_message_numbers(k),
        _ => false,
    }
}

/// Whether a MODSEQ criterion appears anywhere in the key.
pub(crate) fn uses_modseq(key: &SearchKey) -> bool {
    match key {
        SearchKey::ModSeq(_) => true,
        SearchKey::And(keys) => keys.iter().any(uses_modseq),
        SearchKey::Or(a, b) => uses_modseq(a) || uses_modseq(b),
        SearchKey::Not(k) => uses_modseq(k),
        _ => false,
    }
}

/// `* SEARCH 2 3 5` (RFC 3501 §7.2.5); `* SEARCH` when nothing matched; with `modseq`,
/// `* SEARCH 2 3 5 (MODSEQ 917162500)` (RFC 7162 §3.1.6).
pub fn write_search(out: &mut ResponseWriter, numbers: &[u32], modseq: Option<u64>) {
    let mut line = String::with_capacity(10 + numbers.len() * 6);
    line.push_str("* SEARCH");
    for n in numbers {
        line.push(' ');
        line.push_str(&n.to_string());
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        line.push_str(&format!(" (MODSEQ {m})"));
    }
    line.push_str("\r\n");
    out.raw(line.as_bytes());
}

/// `* ESEARCH (TAG "a1") UID MIN 1 MAX 9 ALL 1:3,9 COUNT 4` (RFC 4731 §3.1, RFC 9051
/// §7.3.4). With no match MIN, MAX and ALL are left out but COUNT stays (`COUNT 0`);
/// PARTIAL (RFC 9394) always answers, with NIL when no result is in its range.
/// `numbers` ascend for SEARCH; for ESORT (RFC 5267 §3.1) they come in sort order, MIN
/// and MAX being the first and last of that order.
/// `modseq`: the RFC 7162 §3.1.10 MODSEQ result, written when some message matched.
pub fn write_esearch(
    out: &mut ResponseWriter,
    tag: Option<&Tag>,
    is_uid: bool,
    opts: &[SearchReturn],
    numbers: &[u32],
    modseq: Option<u64>,
) {
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
            line.push_str(&render_ordered(numbers));
        }
    }
    for o in opts {
        if let SearchReturn::Partial(p) = o {
            let minus = if p.from_end { "-" } else { "" };
            let part = partial_slice(numbers, *p);
            let set = if part.is_empty() {
                "NIL".to_string()
            } else {
                render_ordered(part)
            };
            line.push_str(&format!(
                " PARTIAL ({minus}{}:{minus}{} {set})",
                p.low, p.high
            ));
        }
    }
    if has(SearchReturn::Count) {
        line.push_str(&format!(" COUNT {}", numbers.len()));
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        line.push_str(&format!(" MODSEQ {m}"));
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
        write_esearch(&mut out, tag.as_ref(), uid, opts, n, None);
        String::from_utf8(out.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn esearch_rfc_examples() {
        // RFC 9051 §6.4.4 examples.
        assert_eq!(
            esearch(Some("A282"), false, &[Min, Count], &[2, 10, 11]),
            "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"
        );
        assert_eq!(
            esearch(Some("A283"), false, &[All], &[2, 10, 11]),
            "* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n"
        );
        assert_eq!(
            esearch(Some("A284"), false, &[All], &[]),
            "* ESEARCH (TAG \"A284\")\r\n"
        );
        assert_eq!(
            esearch(Some("A285"), true, &[Min, Max], &[7, 100, 3800]),
            "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n"
        );
        assert_eq!(
            esearch(Some("A286"), false, &[Count], &[]),
            "* ESEARCH (TAG \"A286\") COUNT 0\r\n"
        );
        assert_eq!(
            esearch(None, true, &[Min, Max, All, Count], &[]),
            "* ESEARCH UID COUNT 0\r\n"
        );
    }

    #[test]
    fn plain_search_response() {
        let mut out = ResponseWriter::new();
        write_search(&mut out, &[2, 3, 5], None);
        write_search(&mut out, &[], None);
        assert_eq!(out.as_bytes(), b"* SEARCH 2 3 5\r\n* SEARCH\r\n");
        // RFC 7162 §3.1.5 Examples 15 and 16.
        let mut out = ResponseWriter::new();
        write_search(&mut out, &[2, 5, 6], Some(917162500));
        write_search(&mut out, &[], Some(917162500));
        assert_eq!(
            out.as_bytes(),
            b"* SEARCH 2 5 6 (MODSEQ 917162500)\r\n* SEARCH\r\n"
        );
        // RFC 7162 §3.1.10 Example 19.
        let mut out = ResponseWriter::new();
        let tag = Tag::new("a");
        write_esearch(
            &mut out,
            tag.as_ref(),
            false,
            &[All],
            &[1, 2, 3, 5],
            Some(1236),
        );
        assert_eq!(
            out.as_bytes(),
            b"* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236\r\n"
        );
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
