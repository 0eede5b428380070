//! A strict checker for the ENVELOPE and BODY/BODYSTRUCTURE grammar of RFC 9051 §9, written
//! from the ABNF (independent of the crate under test). BODY must carry no extension data;
//! BODYSTRUCTURE must carry all of it (md5/params, dsp, lang, loc), as Loft always sends.

pub fn check_envelope(s: &[u8]) -> Result<(), String> {
    let mut p = P { s, i: 0 };
    p.envelope()?;
    p.end()
}

pub fn check_body(s: &[u8], extended: bool) -> Result<(), String> {
    let mut p = P { s, i: 0 };
    p.body(extended)?;
    p.end()
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn err<T>(&self, what: &str) -> Result<T, String> {
        let ctx = String::from_utf8_lossy(
            &self.s[self.i.min(self.s.len())..(self.i + 40).min(self.s.len())],
        );
        Err(format!("expected {what} at byte {}: {ctx:?}", self.i))
    }
    fn end(&self) -> Result<(), String> {
        if self.i == self.s.len() {
            Ok(())
        } else {
            self.err("end")
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn lit(&mut self, t: &[u8]) -> Result<(), String> {
        if self.s[self.i..].starts_with(t) {
            self.i += t.len();
            Ok(())
        } else {
            self.err(&String::from_utf8_lossy(t))
        }
    }
    fn sp(&mut self) -> Result<(), String> {
        self.lit(b" ")
    }
    fn is_nil(&mut self) -> bool {
        if self.s[self.i..].starts_with(b"NIL") {
            self.i += 3;
            true
        } else {
            false
        }
    }
    /// string = quoted / literal
    fn string(&mut self) -> Result<Vec<u8>, String> {
        match self.peek() {
            Some(b'"') => {
                self.i += 1;
                let mut out = Vec::new();
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            self.i += 1;
                            return Ok(out);
                        }
                        Some(b'\\') => match self.s.get(self.i + 1) {
                            Some(&c @ (b'"' | b'\\')) => {
                                out.push(c);
                                self.i += 2;
                            }
                            _ => return self.err("quoted-special after backslash"),
                        },
                        // QUOTED-CHAR: 7-bit TEXT-CHAR, no NUL/CR/LF.
                        Some(c) if (0x01..0x80).contains(&c) && c != b'\r' && c != b'\n' => {
                            out.push(c);
                            self.i += 1;
                        }
                        _ => return self.err("QUOTED-CHAR"),
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let n = self.number()?;
                self.lit(b"}\r\n")?;
                let n = n as usize;
                if self.i + n > self.s.len() {
                    return self.err("literal octets");
                }
                let v = self.s[self.i..self.i + n].to_vec();
                if v.contains(&0) {
                    return self.err("CHAR8 (no NUL) in literal");
                }
                self.i += n;
                Ok(v)
            }
            _ => self.err("string"),
        }
    }
    fn nstring(&mut self) -> Result<Option<Vec<u8>>, String> {
        if self.is_nil() {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }
    fn number(&mut self) -> Result<u64, String> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if start == self.i {
            return self.err("number");
        }
        std::str::from_utf8(&self.s[start..self.i])
            .unwrap()
            .parse()
            .or_else(|_| self.err("number"))
    }
    fn envelope(&mut self) -> Result<(), String> {
        self.lit(b"(")?;
        self.nstring()?; // date
        self.sp()?;
        self.nstring()?; // subject
        for _ in 0..6 {
            self.sp()?;
            self.address_list()?;
        }
        self.sp()?;
        self.nstring()?; // in-reply-to
        self.sp()?;
        self.nstring()?; // message-id
        self.lit(b")")
    }
    /// "(" 1*address ")" / nil; group start/end markers must balance.
    fn address_list(&mut self) -> Result<(), String> {
        if self.is_nil() {
            return Ok(());
        }
        self.lit(b"(")?;
        let mut n = 0;
        let mut in_group = false;
        while self.peek() == Some(b'(') {
            self.i += 1;
            let name = self.nstring()?;
            self.sp()?;
            let adl = self.nstring()?;
            self.sp()?;
            let mailbox = self.nstring()?;
            self.sp()?;
            let host = self.nstring()?;
            self.lit(b")")?;
            if host.is_none() {
                match (&name, &adl, &mailbox) {
                    (None, None, Some(_)) if !in_group => in_group = true,
                    (None, None, None) if in_group => in_group = false,
                    _ => return self.err("well-formed group syntax"),
                }
            } else if mailbox.is_none() {
                return self.err("mailbox with a host");
            }
            n += 1;
        }
        if n == 0 || in_group {
            return self.err("1*address with closed groups");
        }
        self.lit(b")")
    }
    fn body(&mut self, ext: bool) -> Result<(), String> {
        self.lit(b"(")?;
        if self.peek() == Some(b'(') {
            while self.peek() == Some(b'(') {
                self.body(ext)?;
            }
            self.sp()?;
            self.string()?; // media-subtype
            if ext {
                self.sp()?;
                self.params()?;
                self.sp()?;
                self.dsp_lang_loc()?;
            }
        } else {
            let t = self.string()?.to_ascii_uppercase();
            self.sp()?;
            let st = self.string()?.to_ascii_uppercase();
            self.sp()?;
            self.params()?;
            self.sp()?;
            self.nstring()?; // id
            self.sp()?;
            self.nstring()?; // desc
            self.sp()?;
            self.string()?; // enc
            self.sp()?;
            self.number()?; // octets
            if t == b"MESSAGE" && (st == b"RFC822" || st == b"GLOBAL") {
                self.sp()?;
                self.envelope()?;
                self.sp()?;
                self.body(ext)?;
                self.sp()?;
                self.number()?;
            } else if t == b"TEXT" {
                self.sp()?;
                self.number()?;
            }
            if ext {
                self.sp()?;
                self.nstring()?; // md5
                self.sp()?;
                self.dsp_lang_loc()?;
            }
        }
        self.lit(b")")
    }
    fn params(&mut self) -> Result<(), String> {
        if self.is_nil() {
            return Ok(());
        }
        self.lit(b"(")?;
        self.string()?;
        self.sp()?;
        self.string()?;
        while self.peek() == Some(b' ') {
            self.sp()?;
            self.string()?;
            self.sp()?;
            self.string()?;
        }
        self.lit(b")")
    }
    fn dsp_lang_loc(&mut self) -> Result<(), String> {
        if !self.is_nil() {
            self.lit(b"(")?;
            self.string()?;
            self.sp()?;
            self.params()?;
            self.lit(b")")?;
        }
        self.sp()?;
        if self.peek() == Some(b'(') {
            self.i += 1;
            self.string()?;
            while self.peek() == Some(b' ') {
                self.sp()?;
                self.string()?;
            }
            self.lit(b")")?;
        } else {
            self.nstring()?;
        }
        self.sp()?;
        self.nstring()?;
        Ok(())
    }
}
