//! Commands that negotiate the connection rather than touch mail: ID (RFC 2971 §4),
//! ENABLE (RFC 5161 §3.1) and COMPRESS (RFC 4978 §3).

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// RFC 2971 §4: `"ID" SP ("(" #(string SP nstring) ")" / nil)`.
    pub(super) fn id(&mut self) -> PResult<CommandBody> {
        self.cmd = "ID";
        self.sp()?;
        if self.eat_nil() {
            return Ok(CommandBody::Id(None));
        }
        self.open_paren("ID parameter list")?;
        if self.eat(b')') {
            return Ok(CommandBody::Id(Some(Vec::new())));
        }
        let pairs = self.list_items(|p| {
            let field = p.string("ID field name")?;
            p.sp()?;
            let value = p.nstring("ID field value")?;
            Ok((
                String::from_utf8_lossy(&field).into_owned(),
                value.map(|v| String::from_utf8_lossy(&v).into_owned()),
            ))
        })?;
        Ok(CommandBody::Id(Some(pairs)))
    }

    /// RFC 5161 §3.1: `"ENABLE" 1*(SP capability)`; capability names are upper-cased.
    pub(super) fn enable(&mut self) -> PResult<CommandBody> {
        self.cmd = "ENABLE";
        let mut caps = Vec::new();
        loop {
            self.sp()?;
            let cap = self.atom("capability name")?;
            caps.push(String::from_utf8_lossy(&cap).to_ascii_uppercase());
            if self.at_line_end() {
                return Ok(CommandBody::Enable(caps));
            }
        }
    }

    /// RFC 4978 §3: `"COMPRESS" SP algorithm`.
    pub(super) fn compress(&mut self) -> PResult<CommandBody> {
        self.cmd = "COMPRESS";
        self.sp()?;
        let name = self.atom("compression mechanism")?;
        Ok(CommandBody::Compress(
            String::from_utf8_lossy(&name).to_ascii_uppercase(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::ok;
    use crate::ast::*;

    #[test]
    fn id_and_enable() {
        assert_eq!(ok(b"a ID NIL"), CommandBody::Id(None));
        assert_eq!(
            ok(b"a ID (\"name\" \"sodr\" \"version\" NIL)"),
            CommandBody::Id(Some(vec![
                ("name".into(), Some("sodr".into())),
                ("version".into(), None)
            ]))
        );
        assert_eq!(ok(b"a ID ()"), CommandBody::Id(Some(vec![])));
        assert_eq!(
            ok(b"a enable condstore utf8=accept"),
            CommandBody::Enable(vec!["CONDSTORE".into(), "UTF8=ACCEPT".into()])
        );
    }
}
