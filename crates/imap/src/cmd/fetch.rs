//! FETCH and UID FETCH: RFC 9051 §6.4.5, §6.4.9, §7.5.2; BINARY RFC 3516; MODSEQ and
//! CHANGEDSINCE RFC 7162 §3.1.4, VANISHED §3.2.6; EMAILID/THREADID RFC 8474 §5.3;
//! PREVIEW RFC 8970. State: Selected.
//!
//! Per batch of messages: one store call for the records (only when an item needs more
//! than the in-memory view), with the messages' bytes when an item needs them (the store
//! returns those it reads cheaply with the records; each other one is one blob read). Each
//! message's response is rendered whole before it is appended (so an UNKNOWN-CTE failure
//! never leaves half a line), and the output is flushed as it grows (STYLE.md rule 5: no
//! store call is in progress while writing).
use std::borrow::Cow;

use loft_proto_imap::{
    Code, FetchAttr, FetchCommand, Numbering, Partial, ResponseWriter, Section, SectionText,
};
use loft_store::{FlagOp, Flags, MessageRecord, ModSeq, RecordDetail, Uid};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::{self, MessageView, flags_to_wire};
use crate::session::Enabled;

/// Messages per store round trip.
const FETCH_BATCH: usize = 256;

pub async fn handle(s: &mut Session, cmd: FetchCommand) -> CmdResult {
    // RFC 7162 §3.2.6: VANISHED needs ENABLE QRESYNC (the decoder checked UID FETCH and
    // CHANGEDSINCE).
    if cmd.vanished && !s.enabled.qresync {
        return Err(CmdError::bad("VANISHED requires ENABLE QRESYNC"));
    }
    selected::require(s)?;
    // RFC 7162 §3.1: MODSEQ and CHANGEDSINCE are CONDSTORE enabling commands.
    if cmd.changed_since.is_some() || cmd.attrs.contains(&FetchAttr::ModSeq) {
        selected::enable_condstore(s);
    }
    let (account, sel) = selected::require(s)?;
    let mailbox = sel.mailbox.id;
    let is_read_only = sel.is_read_only;
    let mut indices = sel.resolve(&cmd.set, cmd.numbering)?;
    if let Some(p) = cmd.partial {
        // RFC 9394 §3.3, §3.4: first the positions within the (UID-ordered) set, then
        // CHANGEDSINCE filters those.
        indices = super::search::partial_slice(&indices, p).to_vec();
    }
    let mut attrs = effective_attrs(&cmd.attrs, cmd.numbering);
    if s.enabled.uidonly && !cmd.attrs.contains(&FetchAttr::Uid) {
        // RFC 9586 §3: the UIDFETCH response's number is the UID, so the UID item that
        // UID FETCH implies is not added; it is returned only when explicitly requested
        // (as the reference implementation mox reads the RFC).
        attrs.retain(|a| *a != FetchAttr::Uid);
    }
    if let Some(since) = cmd.changed_since {
        // RFC 7162 §3.1.4.1: only messages whose mod-sequence is above CHANGEDSINCE, and
        // MODSEQ is implied (placed after UID, as in the RFC's examples).
        let since = ModSeq(since);
        indices.retain(|&i| sel.message(i).is_some_and(|m| m.modseq > since));
        if !attrs.contains(&FetchAttr::ModSeq) {
            let at = usize::from(attrs.first() == Some(&FetchAttr::Uid));
            attrs.insert(at, FetchAttr::ModSeq);
        }
        if cmd.vanished {
            // RFC 7162 §3.2.6: VANISHED (EARLIER) for expunged UIDs of the set, before any
            // FETCH response.
            let ranges = sel.uid_ranges_unbounded(&cmd.set);
            let store = s.ctx.store.clone();
            let gone = sel
                .vanished_earlier(store.as_ref(), account, since, &ranges)
                .await?;
            selected::write_vanished_earlier(&mut s.out, &gone);
        }
    }
    let needs_record = attrs
        .iter()
        .any(|a| !matches!(a, FetchAttr::Uid | FetchAttr::Flags | FetchAttr::ModSeq));
    let detail = record_detail(&attrs);
    let needs_blob = attrs.iter().any(needs_content);
    // THREADID and PREVIEW come from values derived at ingest; messages stored before those
    // existed need their bytes, except for PREVIEW (LAZY), which may answer NIL (RFC 8970 §4.1).
    let needs_derived = attrs.iter().any(|a| {
        matches!(
            a,
            FetchAttr::ThreadId | FetchAttr::Preview { is_lazy: false }
        )
    });
    // RFC 9051 §6.4.5: BODY[...] (not .PEEK), BINARY[...] (not .PEEK), RFC822 and RFC822.TEXT
    // set \Seen, but only where the mailbox may be changed (not after EXAMINE).
    let sets_seen = !is_read_only && attrs.iter().any(sets_seen);
    let store = s.ctx.store.clone();
    let mut any_expunged = false;

    for chunk in indices.chunks(FETCH_BATCH) {
        let Some(sel) = s.selected.as_ref() else {
            break;
        };
        let mut views: Vec<MessageView> = Vec::with_capacity(chunk.len());
        for &i in chunk {
            match sel.message(i) {
                Some(m) if !m.is_expunged => views.push(m),
                // RFC 2180 §4.1: expunged elsewhere, still numbered for this client.
                _ => any_expunged = true,
            }
        }
        let mut seen_now: Vec<Uid> = Vec::new();
        if sets_seen {
            let unseen: Vec<Uid> = views
                .iter()
                .filter(|m| !m.flags.is_seen())
                .map(|m| m.uid)
                .collect();
            if !unseen.is_empty() {
                let seen = Flags {
                    bits: Flags::SEEN,
                    keywords: Vec::new(),
                };
                let result = store
                    .store_flags(account, mailbox, &unseen, FlagOp::Add, &seen, None)
                    .await?;
                if let Some(sel) = s.selected.as_mut() {
                    sel.update_flags(&result.changed)?;
                }
                for changed in &result.changed {
                    if let Some(v) = views.iter_mut().find(|v| v.uid == changed.uid) {
                        v.flags = changed.flags.clone();
                        v.modseq = changed.modseq;
                    }
                }
                seen_now = result.changed.iter().map(|m| m.uid).collect();
            }
        }
        let (records, mut contents): (Vec<MessageRecord>, Vec<Option<Vec<u8>>>) = if needs_record {
            let uids: Vec<Uid> = views.iter().map(|m| m.uid).collect();
            if needs_blob {
                store
                    .records_with_content(account, mailbox, &uids, detail)
                    .await?
                    .into_iter()
                    .unzip()
            } else {
                let records = store.records_with(account, mailbox, &uids, detail).await?;
                (records, Vec::new())
            }
        } else {
            (Vec::new(), Vec::new())
        };
        for view in &views {
            let (record, content) = if needs_record {
                match records.binary_search_by_key(&view.uid, |r| r.uid) {
                    Ok(p) => (
                        Some(&records[p]),
                        contents.get_mut(p).and_then(Option::take),
                    ),
                    Err(_) => {
                        any_expunged = true;
                        continue;
                    }
                }
            } else {
                (None, None)
            };
            let wants_blob =
                needs_blob || (needs_derived && record.is_some_and(|r| r.parsed.derived.is_none()));
            let raw = match (wants_blob, record, content) {
                (true, Some(_), Some(raw)) => Some(raw),
                (true, Some(r), None) => match store.blob(account, &r.blob).await {
                    Ok(raw) => Some(raw),
                    Err(loft_store::StoreError::NotFound(_)) => {
                        any_expunged = true;
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                },
                _ => None,
            };
            let mut extra: Vec<FetchAttr> = Vec::new();
            if seen_now.contains(&view.uid) {
                // RFC 9051 §6.4.5: when fetching a body sets \Seen, the response includes
                // the new FLAGS; RFC 7162 §3.2.4: for a CONDSTORE client also UID and MODSEQ.
                extra.push(FetchAttr::Flags);
                if s.enabled.condstore {
                    extra.extend([FetchAttr::Uid, FetchAttr::ModSeq]);
                }
                extra.retain(|a| !attrs.contains(a));
            }
            let mut one = ResponseWriter::new();
            render(
                &mut one,
                view,
                record,
                raw.as_deref(),
                &attrs,
                &extra,
                &s.enabled,
            )?;
            s.out.raw(one.as_bytes());
            selected::flush_if_big(s).await?;
        }
    }
    let done = if cmd.numbering == Numbering::Uid {
        "UID FETCH completed"
    } else {
        "FETCH completed"
    };
    if any_expunged {
        // RFC 2180 §4.1.1/§4.1.2 and RFC 5530 EXPUNGEISSUED: messages expunged by another
        // session keep their numbers until announced; their data is left out and the
        // client is told why (OK, so what was returned is still usable).
        return Ok(Done::with_code(
            Code::ExpungeIssued,
            "Some messages were expunged by another session",
        ));
    }
    Ok(Done::ok(done))
}

/// The items to answer, in request order, without duplicates; UID FETCH always includes
/// UID (RFC 9051 §6.4.9), first.
pub fn effective_attrs(attrs: &[FetchAttr], numbering: Numbering) -> Vec<FetchAttr> {
    let mut out: Vec<FetchAttr> = Vec::with_capacity(attrs.len() + 1);
    if numbering == Numbering::Uid {
        out.push(FetchAttr::Uid);
    }
    for a in attrs {
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    out
}

/// How much of the stored parse result the items read: FETCH ENVELOPE (with the metadata
/// items) needs no BODYSTRUCTURE or part tree, which the store then need not decode
/// (issue 6).
fn record_detail(attrs: &[FetchAttr]) -> RecordDetail {
    let mut detail = RecordDetail::SentDate;
    for a in attrs {
        match a {
            FetchAttr::Uid
            | FetchAttr::Flags
            | FetchAttr::ModSeq
            | FetchAttr::InternalDate
            | FetchAttr::SaveDate
            | FetchAttr::Rfc822Size => {}
            FetchAttr::Envelope => detail = RecordDetail::Envelope,
            _ => return RecordDetail::Full,
        }
    }
    detail
}

fn needs_content(a: &FetchAttr) -> bool {
    matches!(
        a,
        FetchAttr::Rfc822
            | FetchAttr::Rfc822Header
            | FetchAttr::Rfc822Text
            | FetchAttr::BodySection { .. }
            | FetchAttr::Binary { .. }
            | FetchAttr::BinarySize { .. }
    )
}

fn sets_seen(a: &FetchAttr) -> bool {
    matches!(
        a,
        FetchAttr::Rfc822
            | FetchAttr::Rfc822Text
            | FetchAttr::BodySection { peek: false, .. }
            | FetchAttr::Binary { peek: false, .. }
    )
}

/// One `* n FETCH (...)` line. `record`/`raw` are present when the items need them.
/// `extra`: items the server adds after the requested ones (FLAGS, UID, MODSEQ when the
/// fetch set \Seen); only items answerable from the view.
pub fn render(
    out: &mut ResponseWriter,
    m: &MessageView,
    record: Option<&MessageRecord>,
    raw: Option<&[u8]>,
    attrs: &[FetchAttr],
    extra: &[FetchAttr],
    enabled: &Enabled,
) -> Result<(), CmdError> {
    let missing = || {
        CmdError::Internal(loft_store::StoreError::Corrupt(
            "message data missing for FETCH".into(),
        ))
    };
    let utf8 = enabled.is_utf8();
    selected::write_fetch_start(out, m, enabled);
    // RFC 9586 §3: a UIDFETCH response carries the UID as its number, so the UID item the
    // server would add on its own (`extra`) is left out; one the client asked for stays.
    let mut first = true;
    let mut sep = |out: &mut ResponseWriter| {
        if !first {
            out.raw(b" ");
        }
        first = false;
    };
    let extra = extra
        .iter()
        .filter(|a| !(enabled.uidonly && **a == FetchAttr::Uid));
    for a in attrs.iter().chain(extra) {
        sep(out);
        match a {
            FetchAttr::Uid => out.raw(format!("UID {}", m.uid.get()).as_bytes()),
            FetchAttr::Flags => write_flags_item(out, m, enabled),
            FetchAttr::ModSeq => out.raw(format!("MODSEQ ({})", m.modseq.0).as_bytes()),
            FetchAttr::InternalDate => {
                let r = record.ok_or_else(missing)?;
                out.raw(b"INTERNALDATE ");
                out.raw(loft_proto_imap::datetime::format_date_time(&r.internal_date).as_bytes());
            }
            // RFC 8514 §4.2: NIL where the store keeps no save date for the message.
            FetchAttr::SaveDate => match record.ok_or_else(missing)?.save_date {
                Some(d) => {
                    out.raw(b"SAVEDATE ");
                    out.raw(loft_proto_imap::datetime::format_date_time(&d).as_bytes());
                }
                None => out.raw(b"SAVEDATE NIL"),
            },
            FetchAttr::Rfc822Size => {
                let r = record.ok_or_else(missing)?;
                out.raw(format!("RFC822.SIZE {}", r.size).as_bytes());
            }
            FetchAttr::Envelope => {
                out.raw(b"ENVELOPE ");
                out.raw(&record.ok_or_else(missing)?.parsed.envelope);
            }
            FetchAttr::Body => {
                out.raw(b"BODY ");
                out.raw(&record.ok_or_else(missing)?.parsed.body);
            }
            FetchAttr::BodyStructure => {
                out.raw(b"BODYSTRUCTURE ");
                out.raw(&record.ok_or_else(missing)?.parsed.bodystructure);
            }
            FetchAttr::Rfc822 | FetchAttr::Rfc822Header | FetchAttr::Rfc822Text => {
                let (r, raw) = (record.ok_or_else(missing)?, raw.ok_or_else(missing)?);
                // RFC 3501 §6.4.5: RFC822 == BODY[], RFC822.HEADER == BODY.PEEK[HEADER],
                // RFC822.TEXT == BODY[TEXT], each answered under its own name.
                let (name, text) = match a {
                    FetchAttr::Rfc822 => ("RFC822 ", None),
                    FetchAttr::Rfc822Header => ("RFC822.HEADER ", Some(SectionText::Header)),
                    _ => ("RFC822.TEXT ", Some(SectionText::Text)),
                };
                out.raw(name.as_bytes());
                let data = r.parsed.section(
                    raw,
                    &Section {
                        part: Vec::new(),
                        text,
                    },
                );
                write_body_data(out, data.as_deref());
            }
            FetchAttr::BodySection {
                section, partial, ..
            } => {
                let (r, raw) = (record.ok_or_else(missing)?, raw.ok_or_else(missing)?);
                out.raw(b"BODY[");
                write_section_spec(out, section, utf8);
                out.raw(b"]");
                write_origin(out, partial);
                out.raw(b" ");
                let data = r.parsed.section(raw, section);
                // A part that does not exist is NIL: RFC 9051 §9 msg-att-static allows
                // `BODY section ["<" number ">"] SP nstring`, and NIL says "no such part"
                // where an empty string would claim an empty one.
                write_body_data(out, data.as_deref().map(|d| apply_partial(d, partial)));
            }
            FetchAttr::Binary { part, partial, .. } => {
                let (r, raw) = (record.ok_or_else(missing)?, raw.ok_or_else(missing)?);
                let data = decoded(r, raw, part)?;
                out.raw(b"BINARY[");
                write_part(out, part);
                out.raw(b"]");
                write_origin(out, partial);
                out.raw(b" ");
                match data.as_deref().map(|d| apply_partial(d, partial)) {
                    // RFC 3516 §4.2: NIL for a part that does not exist (nstring).
                    None => out.raw(b"NIL"),
                    // RFC 3516 §4.2: decoded content with NUL needs literal8 (`~{n}`).
                    Some(d) if d.contains(&0) => out.literal8(d),
                    Some(d) => out.literal(d),
                }
            }
            FetchAttr::EmailId => {
                let r = record.ok_or_else(missing)?;
                out.raw(format!("EMAILID ({})", crate::objectid::email_id(&r.blob)).as_bytes());
            }
            FetchAttr::ThreadId => {
                let r = record.ok_or_else(missing)?;
                let derived = crate::objectid::derived(r, raw).ok_or_else(missing)?;
                out.raw(
                    format!(
                        "THREADID ({})",
                        crate::objectid::thread_id(&r.blob, &derived)
                    )
                    .as_bytes(),
                );
            }
            FetchAttr::Preview { .. } => {
                let r = record.ok_or_else(missing)?;
                out.raw(b"PREVIEW ");
                // RFC 8970 §3.2: NIL only for LAZY (never computed here without the bytes);
                // "" when there is no readable text.
                match crate::objectid::derived(r, raw) {
                    Some(d) => out.string(d.preview.as_bytes(), utf8),
                    None => out.raw(b"NIL"),
                }
            }
            FetchAttr::BinarySize { part } => {
                let (r, raw) = (record.ok_or_else(missing)?, raw.ok_or_else(missing)?);
                let size = decoded(r, raw, part)?.map(|d| d.len()).unwrap_or(0);
                out.raw(b"BINARY.SIZE[");
                write_part(out, part);
                out.raw(format!("] {size}").as_bytes());
            }
        }
    }
    out.raw(b")\r\n");
    Ok(())
}

fn decoded<'a>(
    r: &MessageRecord,
    raw: &'a [u8],
    part: &[u32],
) -> Result<Option<Cow<'a, [u8]>>, CmdError> {
    // RFC 3516 §4.2: a transfer encoding the server cannot decode fails the command with
    // NO [UNKNOWN-CTE].
    r.parsed.binary(raw, part).map_err(|_| {
        CmdError::no_code(
            Code::Other("UNKNOWN-CTE".into()),
            "Unknown Content-Transfer-Encoding",
        )
    })
}

fn write_flags_item(out: &mut ResponseWriter, m: &MessageView, enabled: &Enabled) {
    out.raw(b"FLAGS ");
    // \Recent exists only in rev1 (RFC 9051 Appendix E).
    out.flag_list(&flags_to_wire(&m.flags), m.is_recent && !enabled.imap4rev2);
}

/// A body section as a literal, or NIL when absent. Content with NUL cannot go in a plain
/// literal (RFC 9051 §9 CHAR8), so it is sent as literal8.
fn write_body_data(out: &mut ResponseWriter, data: Option<&[u8]>) {
    match data {
        None => out.raw(b"NIL"),
        Some(d) if d.contains(&0) => out.literal8(d),
        Some(d) => out.literal(d),
    }
}

/// RFC 9051 §6.4.5 `<origin.length>`: the substring; an origin past the end gives "".
pub fn apply_partial<'a>(data: &'a [u8], partial: &Option<Partial>) -> &'a [u8] {
    match partial {
        None => data,
        Some(p) => {
            let start = (p.offset as usize).min(data.len());
            let end = start.saturating_add(p.length as usize).min(data.len());
            &data[start..end]
        }
    }
}

/// RFC 9051 §7.5.2: a partial response is named `BODY[...]<origin>` (no length).
fn write_origin(out: &mut ResponseWriter, partial: &Option<Partial>) {
    if let Some(p) = partial {
        out.raw(format!("<{}>", p.offset).as_bytes());
    }
}

fn write_part(out: &mut ResponseWriter, part: &[u32]) {
    let s: Vec<String> = part.iter().map(|n| n.to_string()).collect();
    out.raw(s.join(".").as_bytes());
}

/// `1.2.HEADER.FIELDS (DATE FROM)`; field names echoed as the client sent them.
pub fn write_section_spec(out: &mut ResponseWriter, section: &Section, utf8: bool) {
    write_part(out, &section.part);
    let Some(text) = &section.text else { return };
    if !section.part.is_empty() {
        out.raw(b".");
    }
    let fields = |out: &mut ResponseWriter, names: &[String]| {
        out.raw(b" (");
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                out.raw(b" ");
            }
            out.astring(n.as_bytes(), utf8);
        }
        out.raw(b")");
    };
    match text {
        SectionText::Header => out.raw(b"HEADER"),
        SectionText::Text => out.raw(b"TEXT"),
        SectionText::Mime => out.raw(b"MIME"),
        SectionText::HeaderFields(names) => {
            out.raw(b"HEADER.FIELDS");
            fields(out, names);
        }
        SectionText::HeaderFieldsNot(names) => {
            out.raw(b"HEADER.FIELDS.NOT");
            fields(out, names);
        }
    }
}
