//! Golden tests: every `tests/fixtures/*.eml` -> ENVELOPE, BODY, BODYSTRUCTURE, sent date and
//! the part table, compared with `<name>.expected`. `BLESS=1 cargo test -p loft-message`
//! rewrites the expected files; review them by eye against RFC 9051 §7.5.2 / §9.
//!
//! Every produced ENVELOPE/BODY/BODYSTRUCTURE is also decoded by imap-codec (an independent
//! IMAP parser) inside `* 1 FETCH (...)`, and by the strict grammar checker in
//! `common/grammar.rs` (which, unlike imap-codec, has no 8-level recursion limit).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use loft_message::{ParsedMessage, Part, parse};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    v.sort();
    v
}

/// The text written to `<name>.expected`.
fn render(raw: &[u8], m: &ParsedMessage) -> String {
    let mut s = String::new();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    writeln!(s, "ENVELOPE {}", text(&m.envelope)).unwrap();
    writeln!(s, "BODY {}", text(&m.body)).unwrap();
    writeln!(s, "BODYSTRUCTURE {}", text(&m.bodystructure)).unwrap();
    writeln!(
        s,
        "SENT_DATE {:?} offset {}",
        m.sent_date, m.sent_date_offset_secs
    )
    .unwrap();
    writeln!(s, "PARTS").unwrap();
    for (path, part) in part_paths(&m.root) {
        let name = path
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        let binary = match m.binary(raw, &path) {
            Ok(Some(b)) => format!("{:?}", preview(&b)),
            Ok(None) => "NONE".to_string(),
            Err(_) => "UNKNOWN-CTE".to_string(),
        };
        writeln!(
            s,
            "  {name} {} {} header@{} body@{}..{} BINARY {binary}",
            part.content_type, part.encoding, part.header_start, part.body_start, part.body_end
        )
        .unwrap();
    }
    s
}

fn preview(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(48)]).into_owned();
    if b.len() > 48 { format!("{s}...") } else { s }
}

/// Every IMAP part number of the message with its part (RFC 9051 §6.4.5).
pub fn part_paths(root: &Part) -> Vec<(Vec<u32>, &Part)> {
    fn message(entity: &Part, prefix: &[u32], out: &mut Vec<(Vec<u32>, *const Part)>) {
        if entity.is_multipart() {
            children(entity, prefix, out);
        } else {
            let p = [prefix, &[1]].concat();
            out.push((p.clone(), entity));
            descend(entity, &p, out);
        }
    }
    fn children(entity: &Part, prefix: &[u32], out: &mut Vec<(Vec<u32>, *const Part)>) {
        for (i, c) in entity.children.iter().enumerate() {
            let p = [prefix, &[i as u32 + 1]].concat();
            out.push((p.clone(), c));
            descend(c, &p, out);
        }
    }
    fn descend(c: &Part, p: &[u32], out: &mut Vec<(Vec<u32>, *const Part)>) {
        if c.is_multipart() {
            children(c, p, out);
        } else if c.is_message() {
            message(&c.children[0], p, out);
        }
    }
    let mut out = Vec::new();
    message(root, &[], &mut out);
    // Re-resolve through the public API so the test also checks `Part::find`.
    out.into_iter()
        .map(|(p, ptr)| {
            let found = root.find(&p).expect("every enumerated path resolves");
            assert!(
                std::ptr::eq(found, ptr),
                "find({p:?}) returned another part"
            );
            (p, found)
        })
        .collect()
}

#[test]
fn golden_fixtures() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let all = fixtures();
    assert!(all.len() >= 14, "fixture corpus missing");
    for path in all {
        let raw = std::fs::read(&path).expect("read fixture");
        let m = parse(&raw);
        let got = render(&raw, &m);
        let expected_path = path.with_extension("expected");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();

        for (what, bytes) in [
            ("ENVELOPE", &m.envelope),
            ("BODY", &m.body),
            ("BODYSTRUCTURE", &m.bodystructure),
        ] {
            let ok = match what {
                "ENVELOPE" => common::grammar::check_envelope(bytes),
                _ => common::grammar::check_body(bytes, what == "BODYSTRUCTURE"),
            };
            if let Err(e) = ok {
                failures.push(format!("{name}: {what} violates RFC 9051 grammar: {e}"));
            }
        }
        if !common::is_too_deep_for_imap_codec(&m)
            && let Err(e) = common::imap_codec_check(&m)
        {
            failures.push(format!("{name}: imap-codec refused: {e}"));
        }

        // The stored form round-trips through serde.
        let json = serde_json::to_string(&m).expect("serialize");
        let back: ParsedMessage = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, m);

        if bless {
            std::fs::write(&expected_path, &got).expect("write expected");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{name}: output differs from {}\n--- expected\n{want}\n--- got\n{got}",
                expected_path.display()
            )),
            Err(_) => failures.push(format!(
                "{name}: no {} (run with BLESS=1)",
                expected_path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The oracles are not vacuous: they refuse a BODYSTRUCTURE missing a field.
#[test]
fn oracles_reject_malformed_output() {
    let mut m = parse(b"Subject: x\r\n\r\nhello\r\n");
    // media-basic accepts any type, so a missing line count would still parse: drop the
    // encoding instead.
    m.bodystructure = b"(\"TEXT\" \"PLAIN\" NIL NIL NIL 1 1)".to_vec();
    assert!(common::imap_codec_check(&m).is_err());
    assert!(common::grammar::check_body(&m.bodystructure, true).is_err());
    assert!(common::grammar::check_envelope(b"(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)").is_err());
}
