//! Client commands from the examples of RFC 9051 §6-§8 (and a few from the extension RFCs),
//! decoded with `parse_command`. Multi-line examples are joined with the literal bytes.

use loft_proto_imap::*;

fn parse(s: &str) -> Command {
    parse_bytes(s.as_bytes())
}

fn parse_bytes(s: &[u8]) -> Command {
    let mut line = s.to_vec();
    line.extend_from_slice(b"\r\n");
    match parse_command(&line, &DecodeOptions::default()) {
        Ok(c) => c,
        Err(e) => panic!("{:?}: {e}", String::from_utf8_lossy(s)),
    }
}

fn set(ranges: &[(u32, u32)]) -> SequenceSet {
    SequenceSet::Ranges(
        ranges
            .iter()
            .map(|&(a, b)| SeqRange {
                start: bound(a),
                end: bound(b),
            })
            .collect(),
    )
}

/// 0 stands for `*`.
fn bound(n: u32) -> SeqBound {
    if n == 0 {
        SeqBound::Star
    } else {
        SeqBound::Value(n)
    }
}

fn mb(s: &str) -> MailboxArg {
    MailboxArg(s.as_bytes().to_vec())
}

#[test]
fn every_single_line_example_decodes() {
    for line in [
        "a004 fetch 12 body[header]",
        "a005 store 12 +flags \\deleted",
        "a006 logout",
        "A001 AUTHENTICATE SCRAM-SHA-256",
        "a000 starttls",
        "a002 select inbox",
        "a003 fetch 12 full",
        "babc ENABLE IMAP4rev2",
        "1001 RENAME X Y",
        "1002 SUBSCRIBE Y",
        "1003 UNSUBSCRIBE X",
        "A001 AUTHENTICATE GSSAPI",
        "A001 LOGIN fred blurdybloop",
        "A001 NAMESPACE",
        "A001 SELECT INBOX",
        "A002 CREATE \"INBOX.Sent Mail\"",
        "A002 IDLE",
        "A002 LIST \"\" \"#Users/%\"",
        "A002 LIST \"\" \"~mark/%\"",
        "A002 LIST (SPECIAL-USE) \"\" \"*\"",
        "A002 SUBSCRIBE #news.comp.mail.mime",
        "A003 COPY 2:4 MEETING",
        "A003 CREATE owatagusiam/",
        "A003 FETCH 4 ALL",
        "A003 LIST (SPECIAL-USE) \"#mh/\" \"*\"",
        "A003 STORE 2:4 +FLAGS (\\Deleted)",
        "A003 UID EXPUNGE 3000:3002",
        "A004 CREATE owatagusiam/blurdybloop",
        "A005 UID COPY 305:310 meeting",
        "A006 CREATE \"#mh/Deleted Items\"",
        "A01 AUTHENTICATE EXTERNAL =",
        "A01 LIST \"\" \"*\"",
        "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))",
        "A02 CAPABILITY",
        "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))",
        "A03 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
        "A03 LIST () \"\" \"%\" RETURN (CHILDREN)",
        "A04 LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)",
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
        "A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"",
        "A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)",
        "A101 LIST \"\" \"\"",
        "A102 LIST #news.comp.mail.misc \"\"",
        "A103 LIST /usr/staff/jones \"\"",
        "A202 EXPUNGE",
        "A202 LIST ~/Mail/ %",
        "A282 SEARCH RETURN (MIN COUNT) FLAGGED",
        "A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994",
        "A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])",
        "A283 SEARCH RETURN () FLAGGED",
        "A284 SEARCH TEXT \"string not in mailbox\"",
        "A285 UID SEARCH RETURN (MIN MAX) 1:5000",
        "A286 SEARCH RETURN (COUNT) DELETED",
        "A301 UID SEARCH $ SMALLER 4096",
        "A301 UID SEARCH UID $ SMALLER 4096",
        "A341 CLOSE",
        "A342 UNSELECT",
        "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
        "A683 RENAME blurdybloop sarasoop",
        "A685 DELETE foo/bar",
        "A682 LIST \"\" *",
        "A932 EXAMINE blurdybloop",
        "A999 UID FETCH 4827313:4828442 FLAGS",
        "C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)",
        "C285 SEARCH RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
        "C286 SEARCH RETURN (MAX SAVE MIN COUNT) SINCE 12-Feb-2006",
        "D03 LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*2\"",
        "E283 COPY $ \"Other Messages\"",
        "F282 SEARCH RETURN (SAVE) KEYWORD $Junk",
        "F284 STORE $ +FLAGS.Silent (\\Deleted)",
        "Z433 RENAME INBOX old-mail",
        "a LOGIN \"fred\" \"foo\"",
        "a UID MOVE 42:69 foo",
        "a1 ENABLE CONDSTORE",
        "a1 LIST \"\" (\"foo\")",
        "a3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" foo RETURN (CHILDREN)",
        "a3.1 LIST \"\" (% music/rock)",
        "t2 ENABLE CONDSTORE X-GOOD-IDEA",
        "f select \"/archive/projects/experiment-iv\"",
        "h search from maria@example.com",
        "k2 status \"/archive/projects/experiment-iv\" (messages)",
        "l create \"///////\"",
        "m STORE 42 FLAGS f1 f2 f3 f4 f5 f250",
        "n1 uid copy 1:* oldmail",
    ] {
        parse(line);
    }
}

#[test]
fn login_with_literal() {
    let c = parse_bytes(b"A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man");
    assert_eq!(c.tag.as_str(), "A001");
    assert_eq!(
        c.body,
        CommandBody::Login {
            user: b"FRED FOOBAR".to_vec(),
            password: b"fat man".to_vec()
        }
    );
}

#[test]
fn append_rfc_example() {
    let msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>\r\nSubject: afternoon meeting\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
    let cmd = format!(
        "A003 APPEND saved-messages (\\Seen) {{{}}}\r\n{msg}",
        msg.len()
    );
    let c = parse(&cmd);
    let CommandBody::Append { mailbox, messages } = c.body else {
        panic!()
    };
    assert_eq!(mailbox, mb("saved-messages"));
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].flags, vec![Flag::Seen]);
    assert_eq!(messages[0].content, msg.as_bytes());
    assert!(!messages[0].is_binary);
    assert_eq!(messages[0].date, None);
}

#[test]
fn search_charset_literal_rfc_example() {
    let text = "мать";
    let cmd = format!(
        "P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {{{}+}}\r\n{text}",
        text.len()
    );
    let c = parse(&cmd);
    let CommandBody::Search(s) = c.body else {
        panic!()
    };
    assert_eq!(s.charset.as_deref(), Some("UTF-8"));
    assert_eq!(
        s.key,
        SearchKey::And(vec![
            SearchKey::Or(
                Box::new(SearchKey::SequenceSet(SequenceSet::Saved)),
                Box::new(SearchKey::SequenceSet(set(&[(1, 1), (3000, 3021)]))),
            ),
            SearchKey::Text(text.into()),
        ])
    );
}

#[test]
fn search_bad_charset_rfc_example() {
    let e = parse_command(
        b"B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\nabcd\r\n",
        &DecodeOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.tag.as_ref().map(|t| t.as_str()), Some("B283"));
    assert_eq!(
        e.code,
        Some(Code::BadCharset(vec!["US-ASCII".into(), "UTF-8".into()]))
    );
    assert!(e.is_refusal());
    assert!(e.text.contains("KOI8-R"), "{}", e.text);
}

#[test]
fn unknown_command_rfc_example() {
    let e = parse_command(b"A442 XPIG-LATIN\r\n", &DecodeOptions::default()).unwrap_err();
    assert_eq!(e.text, "Unknown command XPIG-LATIN");
    assert_eq!(e.tag.unwrap().as_str(), "A442");
}

#[test]
fn select_examples() {
    assert_eq!(
        parse("d select inbox").body,
        CommandBody::Select {
            mailbox: mb("inbox"),
            params: SelectParams::default()
        }
    );
    // RFC 7162 §3.2.5.2 example.
    let c = parse("A03 SELECT INBOX (QRESYNC (67890007 90060115194045000 41,43:211,214:541))");
    let CommandBody::Select { params, .. } = c.body else {
        panic!()
    };
    let q = params.qresync.unwrap();
    assert_eq!(q.uid_validity, 67890007);
    assert_eq!(q.modseq, 90060115194045000);
    assert_eq!(q.known_uids, Some(set(&[(41, 41), (43, 211), (214, 541)])));
    assert_eq!(q.seq_match, None);
    let c = parse(
        "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))",
    );
    let CommandBody::Select { params, .. } = c.body else {
        panic!()
    };
    assert!(params.qresync.unwrap().seq_match.is_some());
    let c = parse("a EXAMINE INBOX (CONDSTORE)");
    let CommandBody::Examine { params, .. } = c.body else {
        panic!()
    };
    assert!(params.condstore);
}

#[test]
fn list_extended_shapes() {
    let c = parse("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))");
    let CommandBody::List(l) = c.body else {
        panic!()
    };
    assert!(l.is_extended);
    assert_eq!(l.patterns, vec![mb("%")]);
    assert_eq!(
        l.returns.status,
        Some(vec![StatusItem::Messages, StatusItem::Unseen])
    );
    let c = parse("a3.1 LIST \"\" (% music/rock)");
    let CommandBody::List(l) = c.body else {
        panic!()
    };
    assert_eq!(l.patterns, vec![mb("%"), mb("music/rock")]);
    let c = parse("A682 LIST \"\" *");
    let CommandBody::List(l) = c.body else {
        panic!()
    };
    assert!(!l.is_extended);
    assert_eq!(l.reference, mb(""));
    let c = parse(
        "A02 LIST (SUBSCRIBED RECURSIVEMATCH SPECIAL-USE) \"\" % RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)",
    );
    let CommandBody::List(l) = c.body else {
        panic!()
    };
    assert!(l.selection.subscribed && l.selection.recursive_match && l.selection.special_use);
    assert!(l.returns.subscribed && l.returns.children && l.returns.special_use);
}

#[test]
fn fetch_rfc_examples() {
    let c = parse("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])");
    let CommandBody::Fetch(f) = c.body else {
        panic!()
    };
    assert_eq!(f.set, set(&[(2, 4)]));
    assert_eq!(
        f.attrs,
        vec![
            FetchAttr::Flags,
            FetchAttr::BodySection {
                peek: false,
                section: Section {
                    part: vec![],
                    text: Some(SectionText::HeaderFields(vec![
                        "DATE".into(),
                        "FROM".into()
                    ]))
                },
                partial: None
            }
        ]
    );
    let c = parse("a003 fetch 12 full");
    let CommandBody::Fetch(f) = c.body else {
        panic!()
    };
    assert_eq!(f.attrs.len(), 5);
    assert!(f.attrs.contains(&FetchAttr::Body));
}

#[test]
fn store_rfc_example() {
    let c = parse("F284 STORE $ +FLAGS.Silent (\\Deleted)");
    assert_eq!(
        c.body,
        CommandBody::Store(StoreCommand {
            numbering: Numbering::Seq,
            set: SequenceSet::Saved,
            mode: StoreMode::Add,
            is_silent: true,
            flags: vec![Flag::Deleted],
            unchanged_since: None,
        })
    );
}
