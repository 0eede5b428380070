//! Mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3, RFC 9051 Appendix A.1
//! "Mailbox International Naming Convention") for rev1 clients, UTF-8 (RFC 9051 §5.1) once
//! IMAP4rev2 or UTF8=ACCEPT is enabled.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(pub String);

/// Decode a mailbox argument to a UTF-8 name.
///
/// * `utf8 == false` (rev1): the bytes must be printable US-ASCII in strict modified UTF-7:
///   no 8-bit bytes, every shift terminated by `-`, no null or superfluous shifts
///   (`&AGE-&AGE-`), no encoded printable ASCII, no leftover non-zero bits (RFC 3501 §5.1.3).
/// * `utf8 == true` (rev2 / UTF8=ACCEPT): the bytes must be valid UTF-8 (RFC 9051 §5.1).
///   A pure-ASCII name that is *valid* modified UTF-7 with at least one shift is still decoded
///   as modified UTF-7: RFC 6855 §6 says only a UTF8=ONLY server stops accepting the old
///   convention, and clients that enabled UTF8=ACCEPT keep names they learnt before.
///
/// Control characters (NUL, CR, LF, any C0 or DEL) are refused in both modes
/// (RFC 9051 §5.1: names with CTLs are hard to use and SHOULD NOT be created).
/// `INBOX` in any case maps to `INBOX`, also as the first hierarchy component
/// (`inbox/x` -> `INBOX/x`, delimiter `/`; RFC 9051 §5.1 "INBOX is case-insensitive").
pub fn decode(raw: &[u8], utf8: bool) -> Result<String, NameError> {
    if raw.is_empty() {
        return Err(NameError("Empty mailbox name".into()));
    }
    if raw.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(NameError(
            "Mailbox name contains a control character".into(),
        ));
    }
    let name = if utf8 {
        let s = std::str::from_utf8(raw)
            .map_err(|_| NameError("Mailbox name is not valid UTF-8".into()))?;
        match (s.is_ascii() && s.contains('&')).then(|| decode_mutf7(raw)) {
            Some(Ok(decoded)) => decoded,
            _ => s.to_string(),
        }
    } else {
        decode_mutf7(raw)?
    };
    Ok(normalize_inbox(name))
}

/// Encode a UTF-8 name for the wire: modified UTF-7 unless `utf8`.
pub fn encode(name: &str, utf8: bool) -> Vec<u8> {
    if utf8 {
        return name.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush_base64(&mut out, &mut pending);
            if c == '&' {
                out.extend_from_slice(b"&-");
            } else {
                out.push(c as u8);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush_base64(&mut out, &mut pending);
    out
}

/// `INBOX` (any case) as the whole name or as the first `/`-separated component.
pub fn normalize_inbox(name: String) -> String {
    let head = name.split('/').next().unwrap_or("");
    if head.len() == 5 && head.eq_ignore_ascii_case("INBOX") && head != "INBOX" {
        format!("INBOX{}", &name[5..])
    } else {
        name
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    } as u32)
}

fn flush_base64(out: &mut Vec<u8>, units: &mut Vec<u16>) {
    if units.is_empty() {
        return;
    }
    out.push(b'&');
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &u in units.iter() {
        acc = (acc << 16) | u as u32;
        bits += 16;
        while bits >= 6 {
            bits -= 6;
            out.push(B64[((acc >> bits) & 0x3f) as usize]);
        }
    }
    if bits > 0 {
        out.push(B64[((acc << (6 - bits)) & 0x3f) as usize]);
    }
    out.push(b'-');
    units.clear();
}

fn invalid(what: &str) -> NameError {
    NameError(format!("Mailbox name is not valid modified UTF-7: {what}"))
}

fn decode_mutf7(raw: &[u8]) -> Result<String, NameError> {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mut previous_was_shift = false;
    while i < raw.len() {
        let b = raw[i];
        if b >= 0x80 {
            return Err(invalid(
                "8-bit byte (enable UTF8=ACCEPT to use UTF-8 names)",
            ));
        }
        if b != b'&' {
            out.push(b as char);
            previous_was_shift = false;
            i += 1;
            continue;
        }
        // Shift to modified base64.
        let start = i + 1;
        let end = raw[start..]
            .iter()
            .position(|&c| c == b'-')
            .map(|p| start + p)
            .ok_or_else(|| invalid("unterminated shift (missing '-')"))?;
        i = end + 1;
        if end == start {
            out.push('&');
            previous_was_shift = false;
            continue;
        }
        if previous_was_shift {
            return Err(invalid("superfluous shift"));
        }
        previous_was_shift = true;
        let mut units: Vec<u16> = Vec::with_capacity((end - start) * 6 / 16);
        let mut acc: u32 = 0;
        let mut bits = 0u32;
        for &c in &raw[start..end] {
            let v = b64_value(c).ok_or_else(|| invalid("character outside modified base64"))?;
            acc = ((acc << 6) | v) & 0xffffff;
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push(((acc >> bits) & 0xffff) as u16);
            }
        }
        // RFC 3501 §5.1.3 / RFC 2152: leftover bits must be fewer than 6 and all zero.
        if bits >= 6 || (acc & ((1 << bits) - 1)) != 0 || units.is_empty() {
            return Err(invalid("bad base64 padding"));
        }
        for r in char::decode_utf16(units.iter().copied()) {
            let c = r.map_err(|_| invalid("unpaired UTF-16 surrogate"))?;
            if (' '..='~').contains(&c) {
                return Err(invalid("printable US-ASCII encoded in base64"));
            }
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_example_round_trip() {
        let wire = b"~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        let name = decode(wire, false).unwrap();
        assert_eq!(
            name,
            "~peter/mail/\u{53f0}\u{5317}/\u{65e5}\u{672c}\u{8a9e}"
        );
        assert_eq!(encode(&name, false), wire.to_vec());
        assert_eq!(encode(&name, true), name.as_bytes().to_vec());
    }

    #[test]
    fn ampersand_and_ascii() {
        assert_eq!(decode(b"R&-D", false).unwrap(), "R&D");
        assert_eq!(encode("R&D", false), b"R&-D".to_vec());
        assert_eq!(decode(b"Sent Items", false).unwrap(), "Sent Items");
    }

    #[test]
    fn strict_validation() {
        for bad in [
            &b"&Jjo!"[..],         // no shift back (RFC example)
            b"&U,BTFw-&ZeVnLIqe-", // superfluous shift (RFC example)
            b"&AGE-",              // encoded 'a'
            b"&Jjo",               // unterminated
            b"&Jj*-",              // bad base64 char
            b"&Jjp-",              // non-zero leftover bits
            b"&2D0-",              // lone high surrogate
            b"caf\xc3\xa9",        // 8-bit in rev1 mode
            b"a\0b",
            b"a\r\nb",
            b"",
        ] {
            assert!(
                decode(bad, false).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(decode(b"&Jjo-!", false).unwrap(), "\u{263a}!");
        assert_eq!(
            decode(b"&U,BTF2XlZyyKng-", false).unwrap(),
            "\u{53f0}\u{5317}\u{65e5}\u{672c}\u{8a9e}"
        );
    }

    #[test]
    fn surrogate_pairs() {
        let name = "mail \u{1F600}";
        let wire = encode(name, false);
        assert_eq!(decode(&wire, false).unwrap(), name);
    }

    #[test]
    fn utf8_mode() {
        assert_eq!(decode("café".as_bytes(), true).unwrap(), "café");
        assert!(decode(b"caf\xe9", true).is_err());
        // A literal '&' name that is not valid modified UTF-7 stays as sent.
        assert_eq!(decode(b"R&D", true).unwrap(), "R&D");
        // Valid modified UTF-7 from a client that learnt the name before ENABLE.
        assert_eq!(decode(b"&Jjo-", true).unwrap(), "\u{263a}");
    }

    #[test]
    fn inbox_normalisation() {
        assert_eq!(decode(b"inbox", false).unwrap(), "INBOX");
        assert_eq!(decode(b"InBoX/Sub", true).unwrap(), "INBOX/Sub");
        assert_eq!(decode(b"INBOXES", false).unwrap(), "INBOXES");
        assert_eq!(decode(b"Archive/inbox", false).unwrap(), "Archive/inbox");
    }
}
