//! NOTIFY (RFC 5465 §8), and the filter-mailboxes rule ESEARCH (RFC 7377 §4) shares with it.

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// RFC 5465 §8: `"NOTIFY" SP (notify-set / "NONE")`.
    pub(super) fn notify(&mut self) -> PResult<CommandBody> {
        self.cmd = "NOTIFY";
        self.sp()?;
        let kw = self.keyword_upper("NOTIFY SET or NONE")?;
        match kw.as_slice() {
            b"NONE" => return Ok(CommandBody::Notify(None)),
            b"SET" => {}
            _ => return Err(self.err("Expected NOTIFY SET or NOTIFY NONE")),
        }
        self.sp()?;
        let status = self.peek_keyword(b"STATUS");
        if status {
            self.sp()?;
        }
        let mut groups = Vec::new();
        loop {
            groups.push(self.notify_group()?);
            if !self.eat(b' ') {
                break;
            }
        }
        Ok(CommandBody::Notify(Some(NotifySet { status, groups })))
    }

    /// RFC 5465 §8 filter-mailboxes; with `is_esearch`, RFC 7377 §4's `subtree-one` and no
    /// `selected-delayed`.
    pub(super) fn filter_mailboxes(&mut self, is_esearch: bool) -> PResult<NotifyFilter> {
        let kw = self.keyword_upper("mailbox specifier")?;
        Ok(match kw.as_slice() {
            b"SELECTED" => NotifyFilter::Selected,
            b"SELECTED-DELAYED" if !is_esearch => NotifyFilter::SelectedDelayed,
            b"INBOXES" => NotifyFilter::Inboxes,
            b"PERSONAL" => NotifyFilter::Personal,
            b"SUBSCRIBED" => NotifyFilter::Subscribed,
            b"SUBTREE" | b"MAILBOXES" | b"SUBTREE-ONE" if is_esearch || kw != b"SUBTREE-ONE" => {
                self.sp()?;
                let names = self.one_or_list(Self::mailbox)?;
                match kw.as_slice() {
                    b"SUBTREE" => NotifyFilter::Subtree(names),
                    b"SUBTREE-ONE" => NotifyFilter::SubtreeOne(names),
                    _ => NotifyFilter::Mailboxes(names),
                }
            }
            _ => return Err(self.unknown("mailbox specifier", &kw)),
        })
    }

    /// `"(" filter-mailboxes SP events ")"`, events being `"(" event *(SP event) ")"` or
    /// `NONE`.
    fn notify_group(&mut self) -> PResult<NotifyGroup> {
        self.open_paren("NOTIFY event group")?;
        let filter = self.filter_mailboxes(false)?;
        self.sp()?;
        let mut events = Vec::new();
        if self.eat(b'(') {
            events = self.list_items(Self::notify_event)?;
        } else if !self.peek_word_is(b"NONE") {
            // RFC 5465 §3.1's own example writes the events without parentheses
            // (`(selected MessageNew (uid ...) MessageExpunge)`): accepted too.
            loop {
                events.push(self.notify_event()?);
                if !self.eat(b' ') {
                    break;
                }
            }
        }
        self.expect(b')', "')'")?;
        Ok(NotifyGroup { filter, events })
    }

    /// RFC 5465 §8 event; `MessageNew` may carry `"(" fetch-att *(SP fetch-att) ")"`.
    fn notify_event(&mut self) -> PResult<NotifyEvent> {
        let kw = self.keyword_upper("NOTIFY event")?;
        Ok(match kw.as_slice() {
            b"MESSAGENEW" => {
                let mut attrs = Vec::new();
                if self.peek() == Some(b' ') && self.input.get(self.pos + 1) == Some(&b'(') {
                    self.pos += 2;
                    attrs = self.list_items(Self::fetch_att)?;
                }
                NotifyEvent::MessageNew(attrs)
            }
            b"MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
            b"FLAGCHANGE" => NotifyEvent::FlagChange,
            b"ANNOTATIONCHANGE" => NotifyEvent::AnnotationChange,
            b"MAILBOXNAME" => NotifyEvent::MailboxName,
            b"SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
            b"MAILBOXMETADATACHANGE" => NotifyEvent::MailboxMetadataChange,
            b"SERVERMETADATACHANGE" => NotifyEvent::ServerMetadataChange,
            _ if !kw.is_empty() => NotifyEvent::Other(String::from_utf8_lossy(&kw).into_owned()),
            _ => return Err(self.err("Expected a NOTIFY event")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn notify() {
        // RFC 5465 §3.1 example.
        let CommandBody::Notify(Some(n)) = ok(b"b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge) (subtree Lists MessageNew)") else { panic!() };
        assert!(n.status);
        assert_eq!(n.groups.len(), 2);
        assert_eq!(n.groups[0].filter, NotifyFilter::Selected);
        assert!(matches!(&n.groups[0].events[0], NotifyEvent::MessageNew(a) if a.len() == 2));
        assert_eq!(n.groups[0].events[1], NotifyEvent::MessageExpunge);
        assert_eq!(
            n.groups[1].filter,
            NotifyFilter::Subtree(vec![MailboxArg(b"Lists".to_vec())])
        );
        let CommandBody::Notify(Some(n)) = ok(b"a notify set (mailboxes (INBOX \"a b\") (Messagenew messageExpunge)) (personal (SubscriptionChange)) (selected-delayed NONE) (inboxes (Foo))") else { panic!() };
        assert!(!n.status);
        assert_eq!(
            n.groups[0].filter,
            NotifyFilter::Mailboxes(vec![
                MailboxArg(b"INBOX".to_vec()),
                MailboxArg(b"a b".to_vec())
            ])
        );
        assert_eq!(n.groups[1].events, vec![NotifyEvent::SubscriptionChange]);
        assert!(n.groups[2].events.is_empty());
        assert_eq!(n.groups[3].events, vec![NotifyEvent::Other("FOO".into())]);
        assert_eq!(ok(b"a NOTIFY NONE"), CommandBody::Notify(None));
        for b in [
            &b"a NOTIFY"[..],
            b"a NOTIFY SET",
            b"a NOTIFY SET (selected)",
            b"a NOTIFY SET (bogus (MessageNew))",
            b"a NOTIFY SET (personal (MailboxName)) x",
        ] {
            bad(b);
        }
    }
}
