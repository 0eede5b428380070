//! Oracle: everything `ResponseWriter` emits must decode as an IMAP response with
//! imap-codec (DESIGN.md: imap-codec is the dev-dependency oracle).

use imap_codec::decode::Decoder;
use imap_codec::imap_types::fetch::MessageDataItem;
use imap_codec::imap_types::response::{Data, Response};
use imap_codec::{GreetingCodec, ResponseCodec};
use loft_proto_imap::writer::render_set;
use loft_proto_imap::*;
use proptest::prelude::*;

fn decodes_whole(bytes: &[u8]) {
    match ResponseCodec::new().decode(bytes) {
        Ok((rest, _)) => assert!(
            rest.is_empty(),
            "trailing bytes after {:?}",
            String::from_utf8_lossy(bytes)
        ),
        Err(e) => panic!(
            "{:?} does not decode: {e:?}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

fn tag() -> Tag {
    Tag::new("A001").unwrap()
}

#[test]
fn status_responses_decode() {
    let codes = [
        None,
        Some(Code::Alert),
        Some(Code::Parse),
        Some(Code::ReadOnly),
        Some(Code::ReadWrite),
        Some(Code::TryCreate),
        Some(Code::Closed),
        Some(Code::UidNext(4392)),
        Some(Code::UidValidity(3857529045)),
        Some(Code::Unseen(12)),
        Some(Code::HighestModSeq(715194045007)),
        Some(Code::NoModSeq),
        Some(Code::Modified(render_set(&[7, 9, 10, 11]))),
        Some(Code::PermanentFlags(
            vec![Flag::Deleted, Flag::Seen, Flag::Keyword("$Junk".into())],
            true,
        )),
        Some(Code::PermanentFlags(vec![], false)),
        Some(Code::Capability(vec![
            "IMAP4rev1".into(),
            "IMAP4rev2".into(),
            "AUTH=PLAIN".into(),
            "LITERAL+".into(),
        ])),
        Some(Code::AppendUid(38505, "3955".into())),
        Some(Code::AppendUid(38505, render_set(&[3955, 3956, 3960]))),
        Some(Code::CopyUid(
            38505,
            "304,319:320".into(),
            "3956:3958".into(),
        )),
        Some(Code::UidNotSticky),
        Some(Code::BadCharset(vec!["US-ASCII".into(), "UTF-8".into()])),
        Some(Code::BadCharset(vec![])),
        Some(Code::AlreadyExists),
        Some(Code::NonExistent),
        Some(Code::Cannot),
        Some(Code::Limit),
        Some(Code::TooBig),
        Some(Code::ServerBug),
        Some(Code::NoPerm),
        Some(Code::InUse),
        Some(Code::ExpungeIssued),
        Some(Code::OverQuota),
        Some(Code::AuthenticationFailed),
        Some(Code::AuthorizationFailed),
        Some(Code::PrivacyRequired),
        Some(Code::ContactAdmin),
        Some(Code::Unavailable),
        Some(Code::ClientBug),
        Some(Code::Corruption),
        Some(Code::Other("UNKNOWN-CTE".into())),
    ];
    for code in &codes {
        for status in [Status::Ok, Status::No, Status::Bad] {
            let mut w = ResponseWriter::new();
            w.tagged(&tag(), status, code.as_ref(), "done here");
            decodes_whole(w.as_bytes());
            let mut w = ResponseWriter::new();
            w.tagged(&tag(), status, code.as_ref(), "");
            decodes_whole(w.as_bytes());
        }
        for status in [Status::Ok, Status::No, Status::Bad, Status::Bye] {
            let mut w = ResponseWriter::new();
            w.untagged_status(
                status,
                code.as_ref(),
                "text with \"quotes\" and \\ and \r\n inside",
            );
            decodes_whole(w.as_bytes());
        }
        // PREAUTH only exists as a greeting (RFC 9051 §7.1.4).
        for status in [Status::Ok, Status::PreAuth, Status::Bye] {
            let mut w = ResponseWriter::new();
            w.untagged_status(status, code.as_ref(), "Loft ready");
            match GreetingCodec::new().decode(w.as_bytes()) {
                Ok((rest, _)) => assert!(rest.is_empty()),
                Err(e) => panic!("{:?}: {e:?}", String::from_utf8_lossy(w.as_bytes())),
            }
        }
    }
}

#[test]
fn continuation_decodes() {
    let mut w = ResponseWriter::new();
    w.continuation("Ready for literal data");
    decodes_whole(w.as_bytes());
    let mut w = ResponseWriter::new();
    w.continuation("");
    decodes_whole(w.as_bytes());
}

/// `* 1 FETCH (BODY[] <string>)` and compare what imap-codec reads back.
fn body_round_trip(write: impl FnOnce(&mut ResponseWriter), expected: &[u8]) {
    let mut w = ResponseWriter::new();
    w.raw(b"* 1 FETCH (FLAGS ");
    w.flag_list(&[Flag::Seen, Flag::Keyword("$Forwarded".into())], true);
    w.raw(b" UID ");
    w.number(4_000_000_000);
    w.raw(b" BODY[] ");
    write(&mut w);
    w.raw(b")\r\n");
    let (rest, rsp) = ResponseCodec::new()
        .decode(w.as_bytes())
        .unwrap_or_else(|e| panic!("{:?}: {e:?}", String::from_utf8_lossy(w.as_bytes())));
    assert!(rest.is_empty());
    let Response::Data(Data::Fetch { items, .. }) = rsp else {
        panic!("{rsp:?}")
    };
    let data = items
        .into_inner()
        .into_iter()
        .find_map(|i| match i {
            MessageDataItem::BodyExt { data, .. } => {
                Some(data.into_option().map(|c| c.into_owned()))
            }
            _ => None,
        })
        .expect("BODY[] item");
    assert_eq!(data.as_deref(), Some(expected));
}

#[test]
fn strings_and_literals_decode_to_the_same_bytes() {
    for s in [
        &b""[..],
        b"plain",
        b"with \"quotes\" and \\backslash",
        b"line\r\nbreak",
        b"8bit \xc3\xa9",
        b"\xff\xfe",
    ] {
        body_round_trip(|w| w.string(s, false), s);
        body_round_trip(|w| w.literal(s), s);
    }
    let big = vec![b'x'; 5000];
    body_round_trip(|w| w.string(&big, false), &big);
}

#[test]
fn nil_and_literal8_decode() {
    let mut w = ResponseWriter::new();
    w.raw(b"* 1 FETCH (BODY[] ");
    w.nstring(None, false);
    w.raw(b")\r\n");
    decodes_whole(w.as_bytes());
    let mut w = ResponseWriter::new();
    w.raw(b"* 1 FETCH (BINARY[] ");
    w.literal8(b"\0\x01binary");
    w.raw(b")\r\n");
    decodes_whole(w.as_bytes());
}

#[test]
fn list_response_with_astring_names_decodes() {
    for name in [
        &b"INBOX"[..],
        b"Sent Items",
        b"a]b",
        b"NIL",
        b"quote\"d",
        b"&U,BTFw-",
    ] {
        let mut w = ResponseWriter::new();
        w.raw(b"* LIST (\\HasNoChildren) \"/\" ");
        w.astring(name, false);
        w.raw(b"\r\n");
        decodes_whole(w.as_bytes());
    }
}

proptest! {
    #[test]
    fn any_text_and_string_decodes(
        text in "\\PC{0,40}",
        other in "\\PC{0,20}",
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut w = ResponseWriter::new();
        w.tagged(&tag(), Status::No, Some(&Code::Other(other)), &text);
        decodes_whole(w.as_bytes());
        // RFC 9051 §4.3: CHAR8 excludes NUL; NUL-bearing data goes as literal8 (BINARY only).
        let bytes: Vec<u8> = bytes.into_iter().filter(|&b| b != 0).collect();
        body_round_trip(|w| w.string(&bytes, false), &bytes);
    }

    #[test]
    fn render_set_decodes(mut nums in proptest::collection::vec(1u32.., 1..50)) {
        nums.sort_unstable();
        let set = render_set(&nums);
        let mut w = ResponseWriter::new();
        w.tagged(&tag(), Status::Ok, Some(&Code::AppendUid(1, set)), "ok");
        decodes_whole(w.as_bytes());
    }
}
