//! Commands on mailboxes as a whole: SELECT/EXAMINE (RFC 9051 §6.3.2-3, CONDSTORE and
//! QRESYNC parameters RFC 7162), CREATE (§6.3.4, RFC 6154 USE), DELETE, RENAME,
//! SUBSCRIBE, UNSUBSCRIBE, LIST (§6.3.9, RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS,
//! RFC 9590 LIST-METADATA), LSUB (RFC 3501 §6.3.9) and STATUS (§6.3.11).

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// SELECT/EXAMINE with RFC 4466 §2.1 select-params: CONDSTORE (RFC 7162 §3.1.8) and
    /// QRESYNC (RFC 7162 §3.2.5).
    pub(super) fn select(&mut self, name: &'static str) -> PResult<(MailboxArg, SelectParams)> {
        self.cmd = name;
        self.sp()?;
        let mailbox = self.mailbox()?;
        let mut params = SelectParams::default();
        if self.eat(b' ') {
            self.open_paren("SELECT parameters")?;
            self.list_rest(|p| {
                let kw = p.keyword_upper("SELECT parameter")?;
                match kw.as_slice() {
                    b"CONDSTORE" => params.condstore = true,
                    b"QRESYNC" => {
                        p.sp()?;
                        params.qresync = Some(p.qresync()?);
                    }
                    _ => return Err(p.unknown(&format!("{name} parameter"), &kw)),
                }
                Ok(())
            })?;
        }
        Ok((mailbox, params))
    }

    /// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`.
    fn qresync(&mut self) -> PResult<QresyncParams> {
        self.open_paren("QRESYNC parameters")?;
        let uid_validity = self.nz_number("UIDVALIDITY")?;
        self.sp()?;
        let modseq = self.number64("mod-sequence")?;
        let mut known_uids = None;
        let mut seq_match = None;
        if self.eat(b' ') {
            if self.peek() != Some(b'(') {
                known_uids = Some(self.sequence_set()?);
                if self.eat(b' ') {
                    seq_match = Some(self.seq_match()?);
                }
            } else {
                seq_match = Some(self.seq_match()?);
            }
        }
        self.close_paren("QRESYNC parameters")?;
        Ok(QresyncParams {
            uid_validity,
            modseq,
            known_uids,
            seq_match,
        })
    }

    fn seq_match(&mut self) -> PResult<(SequenceSet, SequenceSet)> {
        self.open_paren("QRESYNC sequence match data")?;
        let seqs = self.sequence_set()?;
        self.sp()?;
        let uids = self.sequence_set()?;
        self.close_paren("QRESYNC sequence match data")?;
        Ok((seqs, uids))
    }

    /// RFC 9051 §6.3.4 with RFC 6154 §3 `CREATE name (USE (\Drafts ...))`. Use-attributes
    /// are returned as sent, backslash included.
    pub(super) fn create(&mut self) -> PResult<CommandBody> {
        self.cmd = "CREATE";
        self.sp()?;
        let mailbox = self.mailbox()?;
        let mut special_use = Vec::new();
        if self.eat(b' ') {
            self.open_paren("CREATE parameters")?;
            self.list_rest(|p| {
                let kw = p.keyword_upper("CREATE parameter")?;
                if kw != b"USE" {
                    return Err(p.unknown("CREATE parameter", &kw));
                }
                p.sp()?;
                p.open_paren("USE attribute list")?;
                if p.eat(b')') {
                    return Ok(());
                }
                p.list_rest(|p| {
                    if !p.eat(b'\\') {
                        return Err(p.err("Expected a special-use attribute such as \\Drafts"));
                    }
                    let name = p.atom("special-use attribute")?;
                    special_use.push(format!("\\{}", String::from_utf8_lossy(&name)));
                    Ok(())
                })
            })?;
        }
        Ok(CommandBody::Create {
            mailbox,
            special_use,
        })
    }

    /// DELETE, SUBSCRIBE, UNSUBSCRIBE: `name SP mailbox`.
    pub(super) fn single_mailbox(&mut self, name: &'static str) -> PResult<MailboxArg> {
        self.cmd = name;
        self.sp()?;
        self.mailbox()
    }

    /// RFC 9051 §6.3.6: `"RENAME" SP mailbox SP mailbox`.
    pub(super) fn rename(&mut self) -> PResult<CommandBody> {
        self.cmd = "RENAME";
        self.sp()?;
        let from = self.mailbox()?;
        self.sp()?;
        let to = self.mailbox()?;
        Ok(CommandBody::Rename { from, to })
    }

    /// RFC 9051 §6.3.9 / RFC 5258 §6:
    /// `"LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`.
    pub(super) fn list(&mut self) -> PResult<CommandBody> {
        self.cmd = "LIST";
        self.sp()?;
        let mut selection = ListSelection::default();
        let mut returns = ListReturn::default();
        let mut is_extended = false;
        if self.peek() == Some(b'(') {
            is_extended = true;
            self.depth_guard(1)?;
            self.pos += 1;
            if !self.eat(b')') {
                self.list_rest(|p| {
                    let kw = p.keyword_upper("LIST selection option")?;
                    match kw.as_slice() {
                        b"SUBSCRIBED" => selection.subscribed = true,
                        b"REMOTE" => selection.remote = true,
                        b"RECURSIVEMATCH" => selection.recursive_match = true,
                        b"SPECIAL-USE" => selection.special_use = true,
                        // RFC 5258 §3.1: unrecognized selection options MUST get BAD.
                        _ => return Err(p.unknown("LIST selection option", &kw)),
                    }
                    Ok(())
                })?;
            }
            // RFC 5258 §3.1: RECURSIVEMATCH needs another option that is not REMOTE.
            if selection.recursive_match && !(selection.subscribed || selection.special_use) {
                return Err(self.err("RECURSIVEMATCH requires another selection option"));
            }
            self.sp()?;
        }
        let reference = self.mailbox()?;
        self.sp()?;
        if self.peek() == Some(b'(') {
            is_extended = true;
        }
        let patterns = self.one_or_list(Self::list_mailbox)?;
        if self.eat(b' ') {
            let kw = self.keyword_upper("RETURN")?;
            if kw != b"RETURN" {
                return Err(self.err("Expected RETURN after the LIST pattern"));
            }
            is_extended = true;
            self.sp()?;
            self.open_paren("LIST return options")?;
            if !self.eat(b')') {
                self.list_rest(|p| {
                    let kw = p.keyword_upper("LIST return option")?;
                    match kw.as_slice() {
                        b"SUBSCRIBED" => returns.subscribed = true,
                        b"CHILDREN" => returns.children = true,
                        b"SPECIAL-USE" => returns.special_use = true,
                        // RFC 5819 §2.
                        b"STATUS" => {
                            p.sp()?;
                            returns.status = Some(p.status_items()?);
                        }
                        // RFC 9590 §3.
                        b"METADATA" if returns.metadata.is_none() => {
                            p.sp()?;
                            returns.metadata = Some(p.list_metadata()?);
                        }
                        _ => return Err(p.unknown("LIST return option", &kw)),
                    }
                    Ok(())
                })?;
            }
        }
        Ok(CommandBody::List(ListCommand {
            reference,
            patterns,
            selection,
            returns,
            is_extended,
        }))
    }

    /// RFC 3501 §6.3.9: `"LSUB" SP mailbox SP list-mailbox`.
    pub(super) fn lsub(&mut self) -> PResult<CommandBody> {
        self.cmd = "LSUB";
        self.sp()?;
        let reference = self.mailbox()?;
        self.sp()?;
        let pattern = self.list_mailbox()?;
        Ok(CommandBody::Lsub { reference, pattern })
    }

    /// RFC 9051 §6.3.11: `"STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"`.
    pub(super) fn status(&mut self) -> PResult<CommandBody> {
        self.cmd = "STATUS";
        self.sp()?;
        let mailbox = self.mailbox()?;
        self.sp()?;
        let items = self.status_items()?;
        Ok(CommandBody::Status { mailbox, items })
    }

    /// `"(" status-att *(SP status-att) ")"` (RFC 9051 §6.3.11, RFC 7162 HIGHESTMODSEQ,
    /// RFC 8474 MAILBOXID); repeated items are kept once.
    fn status_items(&mut self) -> PResult<Vec<StatusItem>> {
        self.open_paren("STATUS item list")?;
        let mut items = Vec::new();
        self.list_rest(|p| {
            let kw = p.keyword_upper("STATUS item")?;
            let item = match kw.as_slice() {
                b"MESSAGES" => StatusItem::Messages,
                b"UIDNEXT" => StatusItem::UidNext,
                b"UIDVALIDITY" => StatusItem::UidValidity,
                b"UNSEEN" => StatusItem::Unseen,
                b"DELETED" => StatusItem::Deleted,
                b"SIZE" => StatusItem::Size,
                b"RECENT" => StatusItem::Recent,
                b"HIGHESTMODSEQ" => StatusItem::HighestModSeq,
                b"MAILBOXID" => StatusItem::MailboxId,
                _ => return Err(p.unknown("STATUS item", &kw)),
            };
            if !items.contains(&item) {
                items.push(item);
            }
            Ok(())
        })?;
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn create_special_use() {
        assert_eq!(
            ok(b"a CREATE MySpecial (USE (\\Drafts \\Sent))"),
            CommandBody::Create {
                mailbox: MailboxArg(b"MySpecial".to_vec()),
                special_use: vec!["\\Drafts".into(), "\\Sent".into()]
            }
        );
        assert_eq!(
            bad(b"a CREATE x (FOO)").text,
            "Unknown CREATE parameter FOO"
        );
    }

    #[test]
    fn mailbox_bytes_are_raw() {
        assert_eq!(
            ok(b"a DELETE \"caf\xc3\xa9\""),
            CommandBody::Delete {
                mailbox: MailboxArg("café".as_bytes().to_vec())
            }
        );
        assert_eq!(
            ok(b"a SUBSCRIBE \"\xe9\""),
            CommandBody::Subscribe {
                mailbox: MailboxArg(b"\xe9".to_vec())
            }
        );
    }

    #[test]
    fn list_errors() {
        assert_eq!(
            bad(b"a LIST (RECURSIVEMATCH) \"\" *").text,
            "RECURSIVEMATCH requires another selection option"
        );
        assert_eq!(
            bad(b"a LIST (FOO) \"\" *").text,
            "Unknown LIST selection option FOO"
        );
        assert_eq!(
            bad(b"a LIST \"\" * RETURN (FOO)").text,
            "Unknown LIST return option FOO"
        );
        assert_eq!(
            bad(b"a LIST \"\" * FOO").text,
            "Expected RETURN after the LIST pattern"
        );
        assert_eq!(
            ok(b"a LSUB \"\" news.*"),
            CommandBody::Lsub {
                reference: MailboxArg(vec![]),
                pattern: MailboxArg(b"news.*".to_vec())
            }
        );
    }

    #[test]
    fn status() {
        assert_eq!(
            ok(b"a STATUS INBOX (messages uidnext uidvalidity unseen deleted size recent highestmodseq)"),
            CommandBody::Status {
                mailbox: MailboxArg(b"INBOX".to_vec()),
                items: vec![
                    StatusItem::Messages,
                    StatusItem::UidNext,
                    StatusItem::UidValidity,
                    StatusItem::Unseen,
                    StatusItem::Deleted,
                    StatusItem::Size,
                    StatusItem::Recent,
                    StatusItem::HighestModSeq
                ]
            }
        );
        assert_eq!(
            bad(b"a STATUS INBOX ()").text,
            "Expected STATUS item in STATUS"
        );
        assert_eq!(bad(b"a STATUS INBOX (FOO)").text, "Unknown STATUS item FOO");
    }
}
