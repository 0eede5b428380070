//! BODY[section] and BINARY[part] extraction with exact expected bytes (RFC 9051 §6.4.5,
//! RFC 3516), plus header_values and search_text.

use std::path::Path;

use loft_message::{UnknownCte, header_values, parse, search_text};
use loft_proto_imap::{Section, SectionText};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

fn sec(part: &[u32], text: Option<SectionText>) -> Section {
    Section {
        part: part.to_vec(),
        text,
    }
}

fn fields(names: &[&str]) -> Option<SectionText> {
    Some(SectionText::HeaderFields(
        names.iter().map(|s| s.to_string()).collect(),
    ))
}

fn get(raw: &[u8], part: &[u32], text: Option<SectionText>) -> Option<Vec<u8>> {
    parse(raw)
        .section(raw, &sec(part, text))
        .map(|c| c.into_owned())
}

fn s(b: &str) -> Option<Vec<u8>> {
    Some(b.as_bytes().to_vec())
}

#[test]
fn whole_message_header_and_text() {
    let raw = fixture("simple.eml");
    assert_eq!(get(&raw, &[], None), Some(raw.clone()));
    let header_len = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(
        get(&raw, &[], Some(SectionText::Header)),
        Some(raw[..header_len].to_vec())
    );
    let text = "Hi Bob,\r\n\r\nCan we move the meeting to 3pm?\r\n\r\n-- \r\nAlice\r\n";
    assert_eq!(get(&raw, &[], Some(SectionText::Text)), s(text));
    // A non-multipart message has exactly one part, its body.
    assert_eq!(get(&raw, &[1], None), s(text));
    assert_eq!(
        get(&raw, &[1], Some(SectionText::Mime)),
        Some(raw[..header_len].to_vec())
    );
    assert_eq!(get(&raw, &[2], None), None);
    assert_eq!(get(&raw, &[1, 1], None), None);
    assert_eq!(get(&raw, &[0], None), None);
    // HEADER after a part number needs a MESSAGE/RFC822 part.
    assert_eq!(get(&raw, &[1], Some(SectionText::Header)), None);
    assert_eq!(get(&raw, &[], Some(SectionText::Mime)), None);
}

#[test]
fn header_fields_keep_original_bytes_and_order() {
    let raw = fixture("simple.eml");
    assert_eq!(
        get(&raw, &[], fields(&["SUBJECT", "from"])),
        s("From: Alice Example <alice@example.com>\r\nSubject: afternoon meeting\r\n\r\n")
    );
    assert_eq!(
        get(&raw, &[], fields(&["Received"])),
        s(
            "Received: from mail.example.com (mail.example.com [192.0.2.1])\r\n\tby mx.example.org with ESMTPS id 4F2B; Tue, 25 Nov 2025 09:14:02 +0100\r\n\r\n"
        )
    );
    assert_eq!(get(&raw, &[], fields(&["X-Absent"])), s("\r\n"));
    let not = Some(SectionText::HeaderFieldsNot(
        [
            "Received",
            "Return-Path",
            "To",
            "Cc",
            "Message-ID",
            "MIME-Version",
            "Content-Type",
            "Content-Disposition",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ));
    assert_eq!(
        get(&raw, &[], not),
        s(
            "Date: Tue, 25 Nov 2025 09:13:58 +0100\r\nFrom: Alice Example <alice@example.com>\r\nSubject: afternoon meeting\r\n\r\n"
        )
    );
}

#[test]
fn bare_lf_folded_field() {
    let raw = fixture("bare-lf.eml");
    assert_eq!(
        get(&raw, &[], fields(&["subject"])),
        s("Subject: bare LF\n folded\n\r\n")
    );
    assert_eq!(get(&raw, &[1], None), s("line one\nline two"));
    assert_eq!(get(&raw, &[2, 1], None), None);
    assert_eq!(
        get(&raw, &[2], Some(SectionText::Mime)),
        s("Content-Type: text/html\n\n")
    );
}

#[test]
fn multipart_parts() {
    let raw = fixture("alternative-related.eml");
    assert_eq!(
        get(&raw, &[1], None),
        s("Deals of the week =E2=80=93 up to 50% off!\r\nVisit https://shop.example/deals")
    );
    assert_eq!(
        get(&raw, &[1], Some(SectionText::Mime)),
        s(
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
    );
    assert_eq!(
        get(&raw, &[2, 1], None),
        s(
            "<html><body><p>Deals of the week =E2=80=93 up to 50% off!</p>\r\n<img src=3D\"cid:logo@shop.example\"></body></html>"
        )
    );
    let related = get(&raw, &[2], None).unwrap();
    assert!(related.starts_with(b"------=_Part_0_2\r\n"));
    assert!(related.ends_with(b"------=_Part_0_2--\r\n"));
    assert_eq!(get(&raw, &[3], None), None);
    assert_eq!(get(&raw, &[2, 3], None), None);

    let m = parse(&raw);
    let png = m.binary(&raw, &[2, 2]).unwrap().unwrap();
    assert_eq!(png.as_ref(), (0u8..120).collect::<Vec<u8>>().as_slice());
    assert_eq!(
        m.binary(&raw, &[1]).unwrap().unwrap().as_ref(),
        "Deals of the week – up to 50% off!\r\nVisit https://shop.example/deals".as_bytes()
    );
    assert_eq!(
        m.binary(&raw, &[]).unwrap().unwrap().as_ref(),
        raw.as_slice()
    );
    assert_eq!(m.binary(&raw, &[4]), Ok(None));
}

#[test]
fn message_rfc822_parts() {
    let raw = fixture("rfc822-attachment.eml");
    let inner_header = "Date: Tue, 25 Nov 2025 09:13:58 +0100\r\nFrom: Alice Example <alice@example.com>\r\nTo: Bob <bob@example.org>\r\nSubject: afternoon meeting\r\nMessage-ID: <20251125091358.GA1234@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n";
    assert_eq!(get(&raw, &[2], Some(SectionText::Header)), s(inner_header));
    let whole = get(&raw, &[2], None).unwrap();
    assert!(whole.starts_with(inner_header.as_bytes()));
    assert!(whole.ends_with(b"--inner--"));
    let text = get(&raw, &[2], Some(SectionText::Text)).unwrap();
    assert_eq!(text, whole[inner_header.len()..].to_vec());
    assert_eq!(
        get(&raw, &[2], Some(SectionText::Mime)),
        s(
            "Content-Type: message/rfc822\r\nContent-Description: Forwarded message\r\nContent-Disposition: attachment; filename=\"meeting.eml\"\r\n\r\n"
        )
    );
    assert_eq!(
        get(&raw, &[2], fields(&["subject"])),
        s("Subject: afternoon meeting\r\n\r\n")
    );
    assert_eq!(
        get(&raw, &[2, 1], None),
        s("Can we move the meeting to 3pm?")
    );
    assert!(
        get(&raw, &[2, 2], Some(SectionText::Mime))
            .unwrap()
            .starts_with(b"Content-Type: application/pdf")
    );
    assert_eq!(get(&raw, &[2, 3], None), None);
    assert_eq!(get(&raw, &[2, 1, 1], None), None);
    assert_eq!(get(&raw, &[1], Some(SectionText::Header)), None);
    assert_eq!(get(&raw, &[1], None), s("See below."));

    let m = parse(&raw);
    assert!(
        m.binary(&raw, &[2, 2])
            .unwrap()
            .unwrap()
            .starts_with(b"%PDF-1.4\n")
    );
}

#[test]
fn message_rfc822_with_single_part_body() {
    let raw = fixture("digest.eml");
    assert_eq!(
        get(&raw, &[1], None),
        s("From: a@example.com\r\nSubject: one\r\n\r\nfirst")
    );
    // 1.1 is the body of the encapsulated non-multipart message.
    assert_eq!(get(&raw, &[1, 1], None), s("first"));
    assert_eq!(get(&raw, &[2, 1], None), s("second"));
    assert_eq!(
        get(&raw, &[2], Some(SectionText::Header)),
        s("From: b@example.com\r\nSubject: two\r\n\r\n")
    );
    assert_eq!(get(&raw, &[2, 2], None), None);
}

#[test]
fn unknown_cte_and_bad_base64() {
    let raw = fixture("bad-base64.eml");
    let m = parse(&raw);
    assert_eq!(m.binary(&raw, &[2]), Err(UnknownCte));
    assert!(
        m.binary(&raw, &[1])
            .unwrap()
            .unwrap()
            .starts_with(b"Hello world")
    );
}

#[test]
fn degenerate_messages() {
    let raw = fixture("empty.eml");
    assert_eq!(get(&raw, &[], Some(SectionText::Header)), s(""));
    assert_eq!(get(&raw, &[], Some(SectionText::Text)), s(""));
    assert_eq!(get(&raw, &[1], None), s(""));
    assert_eq!(get(&raw, &[], fields(&["subject"])), s("\r\n"));

    let raw = fixture("header-only.eml");
    assert_eq!(get(&raw, &[], Some(SectionText::Header)), Some(raw.clone()));
    assert_eq!(get(&raw, &[], Some(SectionText::Text)), s(""));
    assert_eq!(
        get(&raw, &[], fields(&["to"])),
        s("To: bob@example.org\r\n\r\n")
    );

    // A last field without a line break still ends with CRLF in HEADER.FIELDS.
    let raw = b"Subject: x".to_vec();
    assert_eq!(
        get(&raw, &[], fields(&["subject"])),
        s("Subject: x\r\n\r\n")
    );

    let raw = fixture("missing-boundary-param.eml");
    let m = parse(&raw);
    assert_eq!(m.root.content_type, "text/plain");
    assert!(
        get(&raw, &[1], None)
            .unwrap()
            .starts_with(b"--somewhere\r\n")
    );
}

#[test]
fn nesting_cap() {
    let raw = fixture("deep-nesting.eml");
    let m = parse(&raw);
    let mut path = vec![1u32; loft_message::MAX_NESTING_DEPTH];
    let deepest = m.root.find(&path).expect("part at the cap exists");
    assert_eq!(deepest.content_type, "text/plain");
    path.push(1);
    assert!(m.root.find(&path).is_none());
}

#[test]
fn header_values_decode_rfc2047() {
    let raw = fixture("rfc2047.eml");
    assert_eq!(
        header_values(&raw, "subject"),
        vec!["Thè meeting à 15h ☕".to_string()]
    );
    assert_eq!(
        header_values(&raw, "FROM"),
        vec!["André Pirard <PIRARD@vm1.ulg.ac.be>".to_string()]
    );
    assert!(header_values(&raw, "x-none").is_empty());
    let raw = fixture("utf8-headers.eml");
    assert_eq!(
        header_values(&raw, "subject"),
        vec!["Grüße aus Köln".to_string()]
    );
    let raw = fixture("simple.eml");
    assert_eq!(header_values(&raw, "received").len(), 1);
}

#[test]
fn search_text_decodes_text_parts() {
    let raw = fixture("rfc2047.eml");
    assert_eq!(search_text(&raw, false), "Café at 3?\r\n");
    let with = search_text(&raw, true);
    assert!(with.contains("Subject: Thè meeting à 15h ☕"), "{with}");
    assert!(with.ends_with("Café at 3?\r\n"));

    let raw = fixture("alternative-related.eml");
    let body = search_text(&raw, false);
    assert!(
        body.contains("Deals of the week – up to 50% off!"),
        "{body}"
    );
    assert!(!body.contains("<p>"), "html is reduced to text: {body}");
    assert!(
        !body.contains("iVBOR") && !body.contains("AAECAwQF"),
        "images are not text"
    );

    let raw = fixture("rfc822-attachment.eml");
    let body = search_text(&raw, false);
    assert!(body.contains("See below."));
    assert!(
        body.contains("Subject: afternoon meeting"),
        "attached message header is body text"
    );
    assert!(body.contains("Can we move the meeting to 3pm?"));
    assert!(!body.contains("JVBER"));
}

#[test]
fn sent_date() {
    let raw = fixture("alternative-related.eml");
    let m = parse(&raw);
    // Wed, 26 Nov 2025 18:02:11 -0500 = 2025-11-26T23:02:11Z
    assert_eq!(m.sent_date, Some(1_764_198_131));
    assert_eq!(m.sent_date_offset_secs, -5 * 3600);
    assert_eq!(parse(b"Date: not a date\r\n\r\n").sent_date, None);
}
