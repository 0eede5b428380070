//! RFC 5322 §3.4 address lists, read tolerantly from the raw (unfolded, not RFC 2047-decoded)
//! header value, in the shape of the IMAP ENVELOPE `address` (RFC 9051 §7.5.2, §9):
//! `(name adl mailbox host)`, with group syntax as `(NIL NIL "group" NIL)` ...
//! `(NIL NIL NIL NIL)`.

/// One element of an ENVELOPE address list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Addr {
    Mailbox {
        /// The display name (phrase, quotes removed; encoded words kept as sent), or the
        /// comment of `user@host (Name)` when there is no phrase.
        name: Option<Vec<u8>>,
        /// Obsolete source route `@a,@b` (RFC 5322 §4.4), usually None.
        adl: Option<Vec<u8>>,
        /// The local-part as written (a quoted local-part keeps its quotes).
        mailbox: Vec<u8>,
        /// The domain; empty when the address has none (an empty string, not NIL, because
        /// NIL host means group syntax to IMAP clients).
        host: Vec<u8>,
    },
    GroupStart(Vec<u8>),
    GroupEnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Atom(Vec<u8>),
    /// (raw with quotes, unescaped content)
    Quoted(Vec<u8>, Vec<u8>),
    Comment(Vec<u8>),
    Literal(Vec<u8>),
    Special(u8),
}

/// Parse an address-list (or mailbox-list). Empty elements are skipped.
pub(crate) fn parse_address_list(value: &[u8]) -> Vec<Addr> {
    let tokens = tokenize(value);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // Find the end of this element: a top-level ',' (outside <>), unless we are in a
        // group, which runs to ';'.
        let is_group = is_group_start(&tokens[i..]);
        if is_group {
            let colon = i + tokens[i..]
                .iter()
                .position(|t| *t == Token::Special(b':'))
                .unwrap_or(0);
            out.push(Addr::GroupStart(phrase(&tokens[i..colon])));
            let mut j = colon + 1;
            loop {
                let end = element_end(&tokens, j, true);
                if let Some(a) = mailbox(&tokens[j..end]) {
                    out.push(a);
                }
                j = end;
                if j >= tokens.len() || tokens[j] == Token::Special(b';') {
                    j += 1;
                    break;
                }
                j += 1; // ','
            }
            out.push(Addr::GroupEnd);
            i = j;
            // Skip the ',' after the group, if any.
            while i < tokens.len() && matches!(tokens[i], Token::Special(b',') | Token::Comment(_))
            {
                i += 1;
            }
        } else {
            let end = element_end(&tokens, i, false);
            if let Some(a) = mailbox(&tokens[i..end]) {
                out.push(a);
            }
            i = end + 1;
        }
    }
    out
}

/// A group starts with a phrase and a ':' seen before any '<', '@' or ','.
fn is_group_start(tokens: &[Token]) -> bool {
    for t in tokens {
        match t {
            Token::Special(b':') => return true,
            Token::Special(b'<' | b'@' | b',' | b';') => return false,
            _ => {}
        }
    }
    false
}

/// Index of the ',' (or ';' in a group, or end) that ends the element starting at `from`.
fn element_end(tokens: &[Token], from: usize, in_group: bool) -> usize {
    let mut in_angle = false;
    for (k, t) in tokens.iter().enumerate().skip(from) {
        match t {
            Token::Special(b'<') => in_angle = true,
            Token::Special(b'>') => in_angle = false,
            Token::Special(b',') if !in_angle => return k,
            Token::Special(b';') if in_group => return k,
            _ => {}
        }
    }
    tokens.len()
}

fn mailbox(tokens: &[Token]) -> Option<Addr> {
    if tokens
        .iter()
        .all(|t| matches!(t, Token::Comment(_) | Token::Special(b';' | b':')))
    {
        return None;
    }
    if let Some(lt) = tokens.iter().position(|t| *t == Token::Special(b'<')) {
        // name-addr: [phrase] "<" [route ":"] addr-spec ">"
        let close = tokens[lt..]
            .iter()
            .position(|t| *t == Token::Special(b'>'))
            .map_or(tokens.len(), |p| lt + p);
        let mut inner = &tokens[lt + 1..close];
        let mut adl = None;
        if let Some(colon) = inner.iter().position(|t| *t == Token::Special(b':')) {
            adl = Some(concat_raw(&inner[..colon]));
            inner = &inner[colon + 1..];
        }
        let name = phrase(&tokens[..lt]);
        let name = if name.is_empty() {
            first_comment(tokens)
        } else {
            Some(name)
        };
        let (mailbox, host) = addr_spec(inner);
        if mailbox.is_empty() && host.is_empty() && name.is_none() {
            return None;
        }
        return Some(Addr::Mailbox {
            name,
            adl: adl.filter(|a| !a.is_empty()),
            mailbox,
            host,
        });
    }
    let (mailbox, host) = addr_spec(tokens);
    if mailbox.is_empty() && host.is_empty() {
        return None;
    }
    Some(Addr::Mailbox {
        name: first_comment(tokens),
        adl: None,
        mailbox,
        host,
    })
}

/// `local@domain` -> (local, domain); the last '@' separates them. Without '@' the words
/// are the mailbox and the host is empty.
fn addr_spec(tokens: &[Token]) -> (Vec<u8>, Vec<u8>) {
    match tokens.iter().rposition(|t| *t == Token::Special(b'@')) {
        Some(at) => (concat_raw(&tokens[..at]), concat_raw(&tokens[at + 1..])),
        None => (phrase(tokens), Vec::new()),
    }
}

fn concat_raw(tokens: &[Token]) -> Vec<u8> {
    let mut out = Vec::new();
    for t in tokens {
        match t {
            Token::Atom(a) | Token::Literal(a) => out.extend_from_slice(a),
            Token::Quoted(raw, _) => out.extend_from_slice(raw),
            Token::Special(b'.' | b'@' | b',') => {
                if let Token::Special(c) = t {
                    out.push(*c);
                }
            }
            Token::Comment(_) | Token::Special(_) => {}
        }
    }
    out
}

/// Words joined by one space; quoted strings unquoted; comments dropped.
fn phrase(tokens: &[Token]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    for t in tokens {
        let word: &[u8] = match t {
            Token::Atom(a) | Token::Literal(a) => a,
            Token::Quoted(_, content) => content,
            Token::Special(b'.') => b".",
            _ => continue,
        };
        if !out.is_empty() && word != b"." {
            out.push(b' ');
        }
        out.extend_from_slice(word);
    }
    out
}

fn first_comment(tokens: &[Token]) -> Option<Vec<u8>> {
    tokens.iter().find_map(|t| match t {
        Token::Comment(c) if !c.is_empty() => Some(c.clone()),
        _ => None,
    })
}

fn tokenize(v: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'(' => {
                let mut depth = 1usize;
                let mut content = Vec::new();
                i += 1;
                while i < v.len() {
                    match v[i] {
                        b'\\' if i + 1 < v.len() => {
                            content.push(v[i + 1]);
                            i += 1;
                        }
                        b'(' => {
                            depth += 1;
                            content.push(b'(');
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                            content.push(b')');
                        }
                        c => content.push(c),
                    }
                    i += 1;
                }
                out.push(Token::Comment(crate::header::trim(&content).to_vec()));
            }
            b'"' => {
                let start = i;
                let mut content = Vec::new();
                i += 1;
                while i < v.len() {
                    match v[i] {
                        b'\\' if i + 1 < v.len() => {
                            content.push(v[i + 1]);
                            i += 1;
                        }
                        b'"' => {
                            i += 1;
                            break;
                        }
                        c => content.push(c),
                    }
                    i += 1;
                }
                let mut raw = v[start..i.min(v.len())].to_vec();
                if raw.len() < 2 || raw.last() != Some(&b'"') {
                    raw.push(b'"');
                }
                out.push(Token::Quoted(raw, content));
            }
            b'[' => {
                let start = i;
                while i < v.len() && v[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(v.len());
                out.push(Token::Literal(v[start..i].to_vec()));
            }
            b'<' | b'>' | b'@' | b',' | b':' | b';' => {
                out.push(Token::Special(b));
                i += 1;
            }
            _ => {
                let start = i;
                while i < v.len()
                    && !matches!(
                        v[i],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'('
                            | b'"'
                            | b'['
                            | b'<'
                            | b'>'
                            | b'@'
                            | b','
                            | b':'
                            | b';'
                    )
                {
                    i += 1;
                }
                out.push(Token::Atom(v[start..i].to_vec()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mb(name: Option<&str>, mailbox: &str, host: &str) -> Addr {
        Addr::Mailbox {
            name: name.map(|n| n.as_bytes().to_vec()),
            adl: None,
            mailbox: mailbox.as_bytes().to_vec(),
            host: host.as_bytes().to_vec(),
        }
    }

    #[test]
    fn name_addr_and_plain() {
        let v = parse_address_list(b"\"Doe, John\" <john@example.com>, jane@example.org (Jane)");
        assert_eq!(
            v,
            vec![
                mb(Some("Doe, John"), "john", "example.com"),
                mb(Some("Jane"), "jane", "example.org")
            ]
        );
    }

    #[test]
    fn groups() {
        let v = parse_address_list(b"undisclosed-recipients:;");
        assert_eq!(
            v,
            vec![
                Addr::GroupStart(b"undisclosed-recipients".to_vec()),
                Addr::GroupEnd
            ]
        );
        let v = parse_address_list(b"A Group: a@b, c@d; e@f");
        assert_eq!(
            v,
            vec![
                Addr::GroupStart(b"A Group".to_vec()),
                mb(None, "a", "b"),
                mb(None, "c", "d"),
                Addr::GroupEnd,
                mb(None, "e", "f")
            ]
        );
    }

    #[test]
    fn encoded_words_stay_raw_and_route() {
        let v = parse_address_list(b"=?utf-8?q?J=C3=B6rg?= <@relay.example:jorg@example.com>");
        assert_eq!(
            v,
            vec![Addr::Mailbox {
                name: Some(b"=?utf-8?q?J=C3=B6rg?=".to_vec()),
                adl: Some(b"@relay.example".to_vec()),
                mailbox: b"jorg".to_vec(),
                host: b"example.com".to_vec()
            }]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            &b"<"[..],
            b">",
            b"@",
            b":",
            b";",
            b",,,",
            b"\"",
            b"(",
            b"a:b:c;;",
            b"<@:>",
            b"[",
            b"a@",
        ] {
            let _ = parse_address_list(s);
        }
        assert_eq!(parse_address_list(b""), vec![]);
    }
}
