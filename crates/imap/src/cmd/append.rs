//! APPEND: RFC 9051 §6.3.12, MULTIAPPEND RFC 3502, APPENDUID RFC 4315, CATENATE RFC 4469,
//! UTF8 append data RFC 6855 §4. State: Authenticated, Selected.
//!
//! CATENATE URLs may only name messages of the same account on this server (RFC 4469 §3:
//! a server need not fetch remote URLs; anything else is `NO [BADURL url]`).
use std::borrow::Cow;

use loft_proto_imap::{
    AppendMessage, CatenatePart, Code, Flag, MailboxArg, Partial, Section, SectionText,
    writer::render_set,
};
use loft_store::{Flags, NewMessage, Uid};

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(
    s: &mut Session,
    mailbox: MailboxArg,
    messages: Vec<AppendMessage>,
) -> CmdResult {
    let account = s.account_id()?;
    let name = s.decode_mailbox(&mailbox)?;
    if messages.is_empty() {
        return Err(CmdError::bad("APPEND needs a message"));
    }
    // Check every message before storing any: RFC 3502 §6.3.11 makes MULTIAPPEND all or
    // nothing.
    let mut new_messages = Vec::with_capacity(messages.len());
    for msg in messages {
        new_messages.push(new_message(s, msg).await?);
    }
    // RFC 9051 §6.3.12: a missing target is NO [TRYCREATE] so the client may CREATE it.
    let Some(target) = s.ctx.store.mailbox(account, &name).await? else {
        return Err(CmdError::no_code(Code::TryCreate, "Mailbox does not exist"));
    };
    let result = s.ctx.store.append(account, target.id, new_messages).await?;
    // RFC 4315 §3: [APPENDUID uidvalidity uid-set]; the UIDs are ascending.
    let uids: Vec<u32> = result.uids.iter().map(|u| u.get()).collect();
    // If the target is the selected mailbox, the new EXISTS comes from the dispatcher's
    // sync (RFC 9051 §6.3.12: the server SHOULD notify the client).
    Ok(Done::with_code(
        Code::AppendUid(result.uid_validity.get(), render_set(&uids)),
        "APPEND completed",
    ))
}

/// One append-message (also REPLACE's, RFC 8508 §4.2) as the store takes it: CATENATE
/// parts joined, size and UTF-8 rules checked.
pub(crate) async fn new_message(
    s: &mut Session,
    msg: AppendMessage,
) -> Result<NewMessage, CmdError> {
    let limit = s.ctx.config.max_literal_bytes;
    let too_big = || CmdError::no_code(Code::TooBig, "Message larger than APPENDLIMIT");
    if msg.is_utf8 && !s.enabled.utf8_accept {
        // RFC 6855 §4: the UTF8 data extension is part of UTF8=ACCEPT.
        return Err(CmdError::bad(
            "UTF8 append data requires ENABLE UTF8=ACCEPT",
        ));
    }
    let content = match msg.catenate {
        None => msg.content,
        Some(parts) => {
            let mut out: Vec<u8> = Vec::new();
            for part in parts {
                let data: Cow<'_, [u8]> = match &part {
                    CatenatePart::Text { is_utf8: true, .. } if !s.enabled.utf8_accept => {
                        return Err(CmdError::bad(
                            "UTF8 append data requires ENABLE UTF8=ACCEPT",
                        ));
                    }
                    CatenatePart::Text { data, .. } => Cow::Borrowed(data.as_slice()),
                    CatenatePart::Url(url) => Cow::Owned(fetch_url(s, url).await?),
                };
                // RFC 4469 §5: the joined message is limited like a literal (TOOBIG).
                if (out.len() + data.len()) as u64 > limit {
                    return Err(too_big());
                }
                out.extend_from_slice(&data);
            }
            out
        }
    };
    if content.is_empty() {
        // Syntactically valid, so not BAD: refusing an empty message is policy (Dovecot: NO).
        return Err(CmdError::no("Empty message"));
    }
    // RFC 7889 §3 / RFC 4469 TOOBIG: over APPENDLIMIT.
    if content.len() as u64 > limit {
        return Err(too_big());
    }
    if !msg.is_utf8 && !s.enabled.is_utf8() && has_8bit_header(&content) {
        // RFC 6855 §4: a client that has not enabled UTF8=ACCEPT may not append 8-bit
        // header fields (IMAP4rev2 clients may: RFC 9051 §6.3.12 takes UTF-8 headers).
        return Err(CmdError::no(
            "8-bit header fields need ENABLE UTF8=ACCEPT and UTF8 append data",
        ));
    }
    Ok(NewMessage {
        flags: to_store_flags(&msg.flags)?,
        internal_date: msg.date,
        content,
    })
}

/// The header block (up to the first empty line) holds a byte with the high bit set.
fn has_8bit_header(content: &[u8]) -> bool {
    let end = content
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| content.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(content.len());
    content[..end].iter().any(|&b| b >= 0x80)
}

/// RFC 4469 §3 / RFC 5092: `[imap://[user@]host[:port]]/mailbox[;UIDVALIDITY=n]/;UID=n
/// [/;SECTION=s][/;PARTIAL=o[.l]]`, or `;UID=...` relative to the selected mailbox; only
/// this account's own messages.
async fn fetch_url(s: &mut Session, url: &str) -> Result<Vec<u8>, CmdError> {
    let bad = || CmdError::no_code(Code::Other(format!("BADURL {url}")), "Cannot use this URL");
    let account = s.account_id()?;
    let parsed = ImapUrl::parse(url).ok_or_else(bad)?;
    if let Some(user) = &parsed.user
        && s.account
            .as_ref()
            .is_none_or(|a| !a.name.eq_ignore_ascii_case(user))
    {
        return Err(bad());
    }
    let store = s.ctx.store.clone();
    let mailbox = match &parsed.mailbox {
        Some(name) => {
            let name = s
                .decode_mailbox(&MailboxArg(name.clone()))
                .map_err(|_| bad())?;
            store.mailbox(account, &name).await?.ok_or_else(bad)?
        }
        None => s
            .selected
            .as_ref()
            .map(|sel| sel.mailbox.clone())
            .ok_or_else(bad)?,
    };
    if parsed
        .uid_validity
        .is_some_and(|v| v != mailbox.uid_validity.get())
    {
        return Err(bad());
    }
    let uid = Uid::new(parsed.uid).ok_or_else(bad)?;
    let records = store.records(account, mailbox.id, &[uid]).await?;
    let record = records.first().ok_or_else(bad)?;
    let raw = store.blob(account, &record.blob).await?;
    let data = record
        .parsed
        .section(&raw, &parsed.section)
        .ok_or_else(bad)?;
    Ok(super::fetch::apply_partial(&data, &parsed.partial).to_vec())
}

/// The parts of an IMAP URL this server resolves.
#[derive(Debug, PartialEq, Eq)]
struct ImapUrl {
    user: Option<String>,
    /// Percent-decoded mailbox name bytes; None: the selected mailbox.
    mailbox: Option<Vec<u8>>,
    uid_validity: Option<u32>,
    uid: u32,
    section: Section,
    partial: Option<Partial>,
}

impl ImapUrl {
    fn parse(url: &str) -> Option<ImapUrl> {
        let mut user = None;
        let mut rest = url;
        if let Some(after) = strip_prefix_ci(url, "imap://") {
            let (authority, path) = after.split_at(after.find('/')?);
            if let Some((u, _host)) = authority.rsplit_once('@') {
                // RFC 5092 §3.2: iuserinfo may carry ";AUTH=..."; only the name matters.
                let name = u.split(';').next().unwrap_or("");
                user = Some(String::from_utf8(percent_decode(name)?).ok()?);
            }
            rest = path;
        }
        let mut mailbox = None;
        let mut uid_validity = None;
        let mut uid = None;
        let mut section = Section::default();
        let mut partial = None;
        for (i, seg) in rest.split('/').enumerate() {
            if i == 0 && seg.is_empty() {
                continue;
            }
            if let Some(param) = seg.strip_prefix(';') {
                let (k, v) = param.split_once('=')?;
                match k.to_ascii_uppercase().as_str() {
                    "UID" => uid = Some(v.parse::<u32>().ok()?),
                    "SECTION" => {
                        section = parse_section(&String::from_utf8(percent_decode(v)?).ok()?)?
                    }
                    "PARTIAL" => {
                        let (o, l) = v.split_once('.').unwrap_or((v, ""));
                        let offset = o.parse().ok()?;
                        let length = if l.is_empty() {
                            u32::MAX
                        } else {
                            l.parse().ok()?
                        };
                        partial = Some(Partial { offset, length });
                    }
                    _ => return None,
                }
            } else if mailbox.is_none() && uid.is_none() {
                let (name, params) = seg.split_once(';').unwrap_or((seg, ""));
                if let Some(v) = strip_prefix_ci(params, "UIDVALIDITY=") {
                    uid_validity = Some(v.parse().ok()?);
                } else if !params.is_empty() {
                    return None;
                }
                mailbox = Some(percent_decode(name)?);
            } else {
                return None;
            }
        }
        Some(ImapUrl {
            user,
            mailbox,
            uid_validity,
            uid: uid?,
            section,
            partial,
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &s[prefix.len()..])
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// RFC 9051 §6.4.5 section-spec as used in URLs: `1.2`, `HEADER`, `1.TEXT`, `2.MIME`,
/// `HEADER.FIELDS (A B)`.
fn parse_section(s: &str) -> Option<Section> {
    let mut part = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next()
        && c.is_ascii_digit()
    {
        let end = rest.find('.').unwrap_or(rest.len());
        part.push(rest[..end].parse::<u32>().ok().filter(|&n| n > 0)?);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    let upper = rest.to_ascii_uppercase();
    let fields = |prefix: &str| -> Option<Vec<String>> {
        let list = upper
            .strip_prefix(prefix)?
            .trim()
            .strip_prefix('(')?
            .strip_suffix(')')?
            .to_string();
        Some(list.split_whitespace().map(str::to_string).collect())
    };
    let text = match upper.as_str() {
        "" => None,
        "HEADER" => Some(SectionText::Header),
        "TEXT" => Some(SectionText::Text),
        "MIME" if !part.is_empty() => Some(SectionText::Mime),
        _ if upper.starts_with("HEADER.FIELDS.NOT") => {
            Some(SectionText::HeaderFieldsNot(fields("HEADER.FIELDS.NOT")?))
        }
        _ if upper.starts_with("HEADER.FIELDS") => {
            Some(SectionText::HeaderFields(fields("HEADER.FIELDS")?))
        }
        _ => return None,
    };
    Some(Section { part, text })
}

/// Wire flags to stored flags. RFC 9051 §2.3.2: keywords are kept as sent; an unknown
/// system flag (`\Foo`) cannot be stored and is a client error.
pub(crate) fn to_store_flags(flags: &[Flag]) -> Result<Flags, CmdError> {
    let mut out = Flags::default();
    for flag in flags {
        match flag {
            Flag::Seen => out.bits |= Flags::SEEN,
            Flag::Answered => out.bits |= Flags::ANSWERED,
            Flag::Flagged => out.bits |= Flags::FLAGGED,
            Flag::Deleted => out.bits |= Flags::DELETED,
            Flag::Draft => out.bits |= Flags::DRAFT,
            Flag::Keyword(k) => out.add_keyword(k),
            Flag::Extension(x) => {
                return Err(CmdError::bad(format!("Unsupported system flag \\{x}")));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u =
            ImapUrl::parse("/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.TEXT/;PARTIAL=0.100")
                .unwrap();
        assert_eq!(u.mailbox.as_deref(), Some(&b"INBOX"[..]));
        assert_eq!(u.uid_validity, Some(385759045));
        assert_eq!(u.uid, 20);
        assert_eq!(
            u.section,
            Section {
                part: vec![1],
                text: Some(SectionText::Text)
            }
        );
        assert_eq!(
            u.partial,
            Some(Partial {
                offset: 0,
                length: 100
            })
        );
        let u = ImapUrl::parse("imap://bob@example.org/Drafts%20old/;uid=3").unwrap();
        assert_eq!(u.user.as_deref(), Some("bob"));
        assert_eq!(u.mailbox.as_deref(), Some(&b"Drafts old"[..]));
        assert_eq!(
            ImapUrl::parse(";UID=5").map(|u| (u.mailbox, u.uid)),
            Some((None, 5))
        );
        for bad in [
            "",
            "/INBOX",
            "/INBOX/;UID=x",
            "/INBOX/;UID=1/;FOO=2",
            "/INBOX/;UID=1/;SECTION=0",
        ] {
            assert_eq!(ImapUrl::parse(bad), None, "{bad}");
        }
        assert_eq!(
            parse_section("HEADER.FIELDS (SUBJECT FROM)").unwrap().text,
            Some(SectionText::HeaderFields(vec![
                "SUBJECT".into(),
                "FROM".into()
            ]))
        );
    }

    #[test]
    fn eight_bit_header() {
        assert!(has_8bit_header("Subject: é\r\n\r\nbody".as_bytes()));
        assert!(!has_8bit_header("Subject: e\r\n\r\nbodé".as_bytes()));
    }
}
