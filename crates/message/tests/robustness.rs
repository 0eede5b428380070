//! `parse` never panics and always produces well-formed output (DESIGN.md invariant 4): on
//! arbitrary bytes, on MIME-shaped random messages, and on mutated fixtures.

mod common;

use std::path::Path;

use loft_message::{Part, header_values, parse, search_text};
use loft_proto_imap::{Section, SectionText};
use proptest::prelude::*;

/// Everything about one parse that must hold for any input.
fn check(raw: &[u8]) {
    let m = parse(raw);
    common::grammar::check_envelope(&m.envelope).expect("ENVELOPE grammar");
    common::grammar::check_body(&m.body, false).expect("BODY grammar");
    common::grammar::check_body(&m.bodystructure, true).expect("BODYSTRUCTURE grammar");
    if !common::is_too_deep_for_imap_codec(&m) {
        common::imap_codec_check(&m).expect("imap-codec decodes the FETCH response");
    }
    check_part(&m.root, raw.len());
    // The store keeps the result as JSON; even the deepest tree must read back.
    let json = serde_json::to_string(&m).expect("serialize");
    let back: loft_message::ParsedMessage = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, m);
    // Every section of every part, and a few that do not exist.
    for path in paths(&m.root) {
        for text in [
            None,
            Some(SectionText::Mime),
            Some(SectionText::Header),
            Some(SectionText::Text),
            Some(SectionText::HeaderFields(vec!["subject".into()])),
            Some(SectionText::HeaderFieldsNot(vec!["subject".into()])),
        ] {
            let _ = m.section(
                raw,
                &Section {
                    part: path.clone(),
                    text,
                },
            );
        }
        let _ = m.binary(raw, &path);
    }
    let _ = header_values(raw, "subject");
    let _ = search_text(raw, true);
}

fn check_part(p: &Part, len: usize) {
    assert!(
        p.header_start <= p.body_start && p.body_start <= p.body_end && p.body_end <= len,
        "{p:?}"
    );
    for c in &p.children {
        assert!(
            c.header_start >= p.body_start && c.body_end <= p.body_end,
            "child outside parent"
        );
        check_part(c, len);
    }
}

fn paths(root: &Part) -> Vec<Vec<u32>> {
    let mut out = vec![
        vec![],
        vec![1],
        vec![2],
        vec![1, 1],
        vec![1, 2, 1],
        vec![u32::MAX],
    ];
    fn walk(p: &Part, prefix: Vec<u32>, out: &mut Vec<Vec<u32>>) {
        for (i, c) in p.children.iter().enumerate() {
            let mut path = prefix.clone();
            path.push(i as u32 + 1);
            out.push(path.clone());
            walk(c, path, out);
        }
    }
    walk(root, vec![], &mut out);
    out
}

const VOCAB: &[&str] = &[
    "Content-Type: multipart/mixed; boundary=x\r\n",
    "Content-Type: multipart/alternative; boundary=\"y\"\r\n",
    "Content-Type: multipart/digest; boundary=x\r\n",
    "Content-Type: message/rfc822\r\n",
    "Content-Type: text/plain; charset*0*=utf-8''%C3; charset*1=x\r\n",
    "Content-Type: text/html; name=\"a\r\n",
    "Content-Transfer-Encoding: base64\r\n",
    "Content-Transfer-Encoding: quoted-printable\r\n",
    "Content-Disposition: attachment; filename*=''%\r\n",
    "Content-Language: en,\r\n",
    "From: \"a\\\" <b@c>, (x) d:;, <@e:f@g>\r\n",
    "To: g: a@b, c; h:\r\n",
    "Subject: =?utf-8?q?x=\r\n",
    "Date: Mon, 32 Foo 99999 25:61:61 +9999\r\n",
    " folded\r\n",
    "\r\n",
    "\n",
    "\r",
    "--x\r\n",
    "--x--\r\n",
    "--y\r\n",
    "--y--\r\n",
    "--x",
    "body text\r\n",
    "=C3=\r\n",
    "aGVsbG8=\r\n",
    "\u{0}",
    "\u{ff}",
    "é",
];

fn mime_message() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(VOCAB), 0..60).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(raw in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&raw);
    }

    #[test]
    fn mime_shaped(raw in mime_message()) {
        check(&raw);
    }
}

/// Deterministic mutations of every fixture: truncation at many offsets, byte flips, and
/// deletion of CR/LF.
#[test]
fn mutated_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for entry in std::fs::read_dir(dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).expect("read");
        check(&raw);
        let step = (raw.len() / 40).max(1);
        for cut in (0..raw.len()).step_by(step) {
            check(&raw[..cut]);
        }
        for _ in 0..60 {
            let mut m = raw.clone();
            if m.is_empty() {
                break;
            }
            for _ in 0..4 {
                let i = (next() as usize) % m.len();
                m[i] = match next() % 4 {
                    0 => b'\n',
                    1 => b'-',
                    2 => b'"',
                    _ => next() as u8,
                };
            }
            check(&m);
        }
        let no_cr: Vec<u8> = raw.iter().copied().filter(|&b| b != b'\r').collect();
        check(&no_cr);
    }
}

#[test]
fn pathological_sizes() {
    // Very deep nesting of message/rfc822 and of multiparts with one boundary each.
    let mut deep = Vec::new();
    for _ in 0..5000 {
        deep.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\n");
    }
    check(&deep);
    let mut deep = Vec::new();
    for i in 0..3000 {
        deep.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n").as_bytes(),
        );
    }
    check(&deep);
    // Many parts.
    let mut many = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n".to_vec();
    for _ in 0..20_000 {
        many.extend_from_slice(b"--x\r\n\r\na\r\n");
    }
    let m = parse(&many);
    assert!(m.root.children.len() <= loft_message::MAX_PARTS);
    common::grammar::check_body(&m.bodystructure, true).expect("grammar");
}
