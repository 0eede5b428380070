//! STORE (RFC 9051 §6.4.6) with the UNCHANGEDSINCE modifier (RFC 7162 §3.1.3).

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// STORE: RFC 9051 §6.4.6, UNCHANGEDSINCE RFC 7162 §3.1.3.
    pub(super) fn store(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "STORE";
        self.sp()?;
        let set = self.sequence_set()?;
        self.sp()?;
        let mut unchanged_since = None;
        if self.eat(b'(') {
            self.list_rest(|p| {
                let kw = p.keyword_upper("STORE modifier")?;
                if kw != b"UNCHANGEDSINCE" {
                    return Err(p.unknown("STORE modifier", &kw));
                }
                p.sp()?;
                unchanged_since = Some(p.number64("mod-sequence")?);
                Ok(())
            })?;
            self.sp()?;
        }
        let mode = if self.eat(b'+') {
            StoreMode::Add
        } else if self.eat(b'-') {
            StoreMode::Remove
        } else {
            StoreMode::Replace
        };
        let kw = self.keyword_upper("FLAGS")?;
        let is_silent = match kw.as_slice() {
            b"FLAGS" => false,
            b"FLAGS.SILENT" => true,
            _ => {
                return Err(self.err(format!(
                    "Invalid STORE data item {}",
                    String::from_utf8_lossy(&kw)
                )));
            }
        };
        self.sp()?;
        // RFC 9051 §9: store-att-flags takes a flag-list or bare `flag *(SP flag)`.
        let flags = if self.peek() == Some(b'(') {
            self.flag_list()?
        } else {
            let mut flags = vec![self.flag()?];
            while self.eat(b' ') {
                flags.push(self.flag()?);
            }
            flags
        };
        Ok(CommandBody::Store(StoreCommand {
            numbering,
            set,
            mode,
            is_silent,
            flags,
            unchanged_since,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok, set};
    use crate::ast::*;

    #[test]
    fn store_forms() {
        assert_eq!(
            ok(b"a UID STORE 1:3 (UNCHANGEDSINCE 320162338) -flags.silent \\Seen $Work \\Custom"),
            CommandBody::Store(StoreCommand {
                numbering: Numbering::Uid,
                set: set(&[(1, 3)]),
                mode: StoreMode::Remove,
                is_silent: true,
                flags: vec![
                    Flag::Seen,
                    Flag::Keyword("$Work".into()),
                    Flag::Extension("Custom".into())
                ],
                unchanged_since: Some(320162338),
            })
        );
        let CommandBody::Store(s) = ok(b"a STORE 1 FLAGS ()") else {
            panic!()
        };
        assert_eq!(s.mode, StoreMode::Replace);
        assert!(s.flags.is_empty());
        assert_eq!(
            bad(b"a STORE 1 +FLAGS (\\Recent)").text,
            "\\Recent cannot be set by a client (RFC 9051 §2.3.2)"
        );
        assert_eq!(
            bad(b"a STORE 1 +FLAGS \\*").text,
            "\\* is not a flag a client can set"
        );
        assert_eq!(
            bad(b"a STORE 1 +LABELS x").text,
            "Invalid STORE data item LABELS"
        );
        assert_eq!(
            bad(b"a STORE 1 (FOO 1) FLAGS x").text,
            "Unknown STORE modifier FOO"
        );
    }
}
