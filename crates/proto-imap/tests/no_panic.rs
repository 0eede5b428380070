//! The decoder and the framer never panic on arbitrary bytes (DESIGN.md invariant 4).

use loft_proto_imap::*;
use proptest::prelude::*;

/// Arbitrary bytes biased towards IMAP syntax so the parser gets deep.
fn imapish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"a1 ".to_vec()),
        Just(b"UID ".to_vec()),
        Just(b"FETCH 1:* (BODY.PEEK[1.HEADER.FIELDS (A B)]<0.5> BINARY[2] FLAGS)".to_vec()),
        Just(b"SEARCH OR NOT (SEEN ".to_vec()),
        Just(b"STORE 1 +FLAGS.SILENT (\\Seen) ".to_vec()),
        Just(b"APPEND x (\\Seen) \"17-Jul-1996 02:44:25 -0700\" ".to_vec()),
        Just(b"LIST (SUBSCRIBED) \"\" (% *) RETURN (STATUS (MESSAGES))".to_vec()),
        Just(b"SELECT INBOX (QRESYNC (1 2 1:5 (1 2)))".to_vec()),
        Just(b"{3}\r\nabc".to_vec()),
        Just(b"~{2+}\r\n\0\0".to_vec()),
        Just(b"{99999999999999999999}\r\n".to_vec()),
        Just(b"\"q\\\"\"".to_vec()),
        Just(b" ".to_vec()),
        Just(b"(".to_vec()),
        Just(b")".to_vec()),
        Just(b"\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(token, 0..24).prop_map(|v| v.concat())
}

fn frame_all(framer: &mut Framer, input: &[u8], step: usize) {
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0;
    let mut guard = 0;
    loop {
        guard += 1;
        assert!(guard < 100_000, "framer does not make progress");
        match framer.next(&buf) {
            FrameStatus::Incomplete => {
                if fed >= input.len() {
                    return;
                }
                let n = step.min(input.len() - fed);
                buf.extend_from_slice(&input[fed..fed + n]);
                fed += n;
            }
            FrameStatus::LiteralFound { .. } => {}
            FrameStatus::Complete { len } => {
                assert!(len <= buf.len());
                let _ = parse_command(&buf[..len], &DecodeOptions::default());
                buf.drain(..len);
                framer.reset();
            }
            FrameStatus::Discarded { len } => {
                assert!(len <= buf.len());
                buf.drain(..len);
                framer.reset();
            }
            FrameStatus::LineTooLong { .. } => framer.skip_line(),
            FrameStatus::LiteralTooBig { sync, .. } => {
                if sync {
                    framer.abandon();
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parse_command_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_command(&bytes, &DecodeOptions::default());
    }

    #[test]
    fn parse_command_never_panics_on_imapish(bytes in imapish()) {
        let _ = parse_command(&bytes, &DecodeOptions { max_nesting: 3 });
        let mut with_crlf = bytes.clone();
        with_crlf.extend_from_slice(b"\r\n");
        let _ = parse_command(&with_crlf, &DecodeOptions::default());
    }

    #[test]
    fn framer_never_panics(bytes in imapish(), step in 1usize..40, max_line in 0usize..64, max_lit in 0u64..16) {
        let mut framer = Framer::new(max_line, max_lit);
        frame_all(&mut framer, &bytes, step);
    }

    #[test]
    fn framer_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), step in 1usize..300) {
        let mut framer = Framer::new(32, 8);
        frame_all(&mut framer, &bytes, step);
    }

    #[test]
    fn mailbox_names_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40), utf8 in any::<bool>()) {
        if let Ok(name) = mailbox_name::decode(&bytes, utf8) {
            // Whatever decodes re-encodes to something that decodes to the same name.
            let again = mailbox_name::decode(&mailbox_name::encode(&name, utf8), utf8);
            prop_assert_eq!(again, Ok(name));
        }
    }

    #[test]
    fn datetime_never_panics(s in "\\PC{0,32}", t in "[ 0-9A-Za-z:+\\-\"é]{0,32}") {
        let _ = datetime::parse_date_time(&s);
        let _ = datetime::parse_date(&s);
        if let Some(dt) = datetime::parse_date_time(&t) {
            prop_assert_eq!(datetime::parse_date_time(&datetime::format_date_time(&dt)), Some(dt));
        }
        let _ = datetime::parse_date(&t);
    }

    #[test]
    fn mutf7_round_trip(name in "\\PC{1,20}") {
        prop_assume!(!name.chars().any(|c| c.is_control()));
        let wire = mailbox_name::encode(&name, false);
        prop_assert!(wire.is_ascii());
        prop_assert_eq!(mailbox_name::decode(&wire, false), Ok(mailbox_name::normalize_inbox(name)));
    }
}
