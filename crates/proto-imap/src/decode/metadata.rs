//! METADATA (RFC 5464): GETMETADATA (§4.2) and SETMETADATA (§4.3), and the LIST
//! `RETURN (METADATA (...))` option of RFC 9590 §3.

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// RFC 5464 §4.2: `"GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`.
    pub(super) fn getmetadata(&mut self) -> PResult<CommandBody> {
        self.cmd = "GETMETADATA";
        self.sp()?;
        let mut options = MetadataOptions::default();
        if self.eat(b'(') {
            self.list_rest(|p| {
                let kw = p.keyword_upper("GETMETADATA option")?;
                p.sp()?;
                match kw.as_slice() {
                    b"MAXSIZE" => options.max_size = Some(p.number("MAXSIZE")?),
                    b"DEPTH" => options.depth = p.metadata_depth()?,
                    _ => return Err(p.err("Unknown GETMETADATA option")),
                }
                Ok(())
            })?;
            self.sp()?;
        }
        let mailbox = self.mailbox()?;
        self.sp()?;
        let entries = self.one_or_list(Self::metadata_entry)?;
        Ok(CommandBody::GetMetadata {
            mailbox,
            options,
            entries,
        })
    }

    /// RFC 5464 §4.3: `"SETMETADATA" SP mailbox SP "(" entry SP value *(SP entry SP value) ")"`.
    pub(super) fn setmetadata(&mut self) -> PResult<CommandBody> {
        self.cmd = "SETMETADATA";
        self.sp()?;
        let mailbox = self.mailbox()?;
        self.sp()?;
        self.open_paren("SETMETADATA entries")?;
        let entries = self.list_items(|p| {
            let entry = p.metadata_entry()?;
            p.sp()?;
            // value = nstring / literal8
            let value = if p.peek() == Some(b'~') {
                Some(p.literal(true)?.0)
            } else {
                p.nstring("metadata value")?
            };
            Ok((entry, value))
        })?;
        Ok(CommandBody::SetMetadata { mailbox, entries })
    }

    /// RFC 9590 §3 METADATA return option: `"(" ... ")"` holding entry names (bare or as a
    /// parenthesized list) and the GETMETADATA options MAXSIZE and DEPTH (RFC 5464 §4.2).
    /// Entry names start with `/`, so they cannot be mistaken for an option keyword.
    pub(super) fn list_metadata(&mut self) -> PResult<ListMetadata> {
        self.open_paren("METADATA return option")?;
        let mut m = ListMetadata::default();
        self.list_rest(|p| {
            if p.eat(b'(') {
                m.entries.extend(p.list_items(Self::metadata_entry)?);
            } else if p.peek_keyword(b"MAXSIZE") {
                p.sp()?;
                m.options.max_size = Some(p.number("MAXSIZE")?);
            } else if p.peek_keyword(b"DEPTH") {
                p.sp()?;
                m.options.depth = p.metadata_depth()?;
            } else {
                m.entries.push(p.metadata_entry()?);
            }
            Ok(())
        })?;
        if m.entries.is_empty() {
            return Err(self.err("METADATA needs at least one entry name"));
        }
        Ok(m)
    }

    /// RFC 5464 §4.2: `depth = "0" / "1" / "infinity"`.
    fn metadata_depth(&mut self) -> PResult<MetadataDepth> {
        let d = self.keyword_upper("DEPTH")?;
        match d.as_slice() {
            b"0" => Ok(MetadataDepth::Zero),
            b"1" => Ok(MetadataDepth::One),
            b"INFINITY" => Ok(MetadataDepth::Infinity),
            _ => Err(self.err("DEPTH must be 0, 1 or infinity")),
        }
    }

    /// RFC 5464 §5: entry = astring, UTF-8 here.
    fn metadata_entry(&mut self) -> PResult<String> {
        let raw = self.astring("metadata entry")?;
        String::from_utf8(raw).map_err(|_| self.err("Metadata entry name is not valid UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn getmetadata_and_setmetadata() {
        // RFC 5464 §4.2.2 example, with MAXSIZE.
        assert_eq!(
            ok(b"a GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/private/comment /shared)"),
            CommandBody::GetMetadata {
                mailbox: MailboxArg(b"INBOX".to_vec()),
                options: MetadataOptions {
                    max_size: Some(1024),
                    depth: MetadataDepth::Infinity
                },
                entries: vec!["/private/comment".into(), "/shared".into()]
            }
        );
        assert_eq!(
            bad(b"a GETMETADATA (DEPTH 2) INBOX /shared").text,
            "DEPTH must be 0, 1 or infinity"
        );
        assert_eq!(
            bad(b"a GETMETADATA (FOO 1) INBOX /shared").text,
            "Unknown GETMETADATA option"
        );
        assert_eq!(
            ok(b"a SETMETADATA INBOX (/private/comment {3}\r\nabc /shared/x NIL)"),
            CommandBody::SetMetadata {
                mailbox: MailboxArg(b"INBOX".to_vec()),
                entries: vec![
                    ("/private/comment".into(), Some(b"abc".to_vec())),
                    ("/shared/x".into(), None)
                ]
            }
        );
    }

    #[test]
    fn list_return_metadata() {
        // RFC 9590 §3: bare and parenthesised entry names mixed with the options.
        let CommandBody::List(l) =
            ok(b"a LIST \"\" % RETURN (METADATA (/shared/a DEPTH 1 (/private/b /private/c)))")
        else {
            panic!()
        };
        let m = l.returns.metadata.unwrap();
        assert_eq!(m.options.depth, MetadataDepth::One);
        assert_eq!(m.entries, ["/shared/a", "/private/b", "/private/c"]);
        assert_eq!(
            bad(b"a LIST \"\" % RETURN (METADATA (MAXSIZE 5))").text,
            "METADATA needs at least one entry name"
        );
    }
}
