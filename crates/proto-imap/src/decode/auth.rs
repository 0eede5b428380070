//! LOGIN (RFC 9051 §6.2.3) and AUTHENTICATE (RFC 9051 §6.2.2) with the SASL-IR initial
//! response (RFC 4959 §7).

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// `"LOGIN" SP userid SP password`, both astrings.
    pub(super) fn login(&mut self) -> PResult<CommandBody> {
        self.cmd = "LOGIN";
        self.sp()?;
        let user = self.astring("user name")?;
        self.sp()?;
        let password = self.astring("password")?;
        Ok(CommandBody::Login { user, password })
    }

    /// RFC 9051 §6.2.2, SASL-IR (RFC 4959 §7): `"AUTHENTICATE" SP auth-type [SP (base64 / "=")]`.
    pub(super) fn authenticate(&mut self) -> PResult<CommandBody> {
        self.cmd = "AUTHENTICATE";
        self.sp()?;
        let mech = self.atom("SASL mechanism name")?;
        let mechanism = String::from_utf8_lossy(&mech).to_ascii_uppercase();
        let mut initial = None;
        if self.eat(b' ') {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            {
                self.pos += 1;
            }
            let arg = &self.input[start..self.pos];
            if arg.is_empty() || !(arg == b"=" || is_base64(arg)) {
                return Err(self.err("Invalid base64 in AUTHENTICATE initial response"));
            }
            initial = Some(arg.to_vec());
        }
        Ok(CommandBody::Authenticate { mechanism, initial })
    }
}

fn is_base64(s: &[u8]) -> bool {
    let body = s.iter().position(|&b| b == b'=').map_or(s, |p| &s[..p]);
    let pad = s.len() - body.len();
    s.len().is_multiple_of(4)
        && pad <= 2
        && s[body.len()..].iter().all(|&b| b == b'=')
        && body
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn login_and_authenticate() {
        assert_eq!(
            ok(b"a LOGIN \"fr\\\"ed\" {3+}\r\n\xff\x00p"),
            CommandBody::Login {
                user: b"fr\"ed".to_vec(),
                password: b"\xff\x00p".to_vec()
            }
        );
        assert_eq!(
            ok(b"a authenticate plain"),
            CommandBody::Authenticate {
                mechanism: "PLAIN".into(),
                initial: None
            }
        );
        assert_eq!(
            ok(b"a AUTHENTICATE EXTERNAL ="),
            CommandBody::Authenticate {
                mechanism: "EXTERNAL".into(),
                initial: Some(b"=".to_vec())
            }
        );
        assert!(bad(b"a AUTHENTICATE PLAIN abc").text.contains("base64"));
        assert!(bad(b"a AUTHENTICATE PLAIN ab=c").text.contains("base64"));
        assert!(bad(b"a LOGIN \"a\\b\" x").text.contains("escape"));
        assert_eq!(bad(b"a LOGIN \"abc x").text, "Unterminated quoted string");
        assert_eq!(
            bad(b"a LOGIN ~{1}\r\nx y").text,
            "A literal8 is not allowed for the user name"
        );
        assert_eq!(
            bad(b"a LOGIN {10}\r\nx y").text,
            "Literal data is truncated"
        );
    }
}
