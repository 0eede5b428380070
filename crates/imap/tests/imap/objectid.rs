//! OBJECTID (RFC 8474): MAILBOXID in CREATE/SELECT/STATUS/LIST-STATUS, stable across
//! RENAME; EMAILID stable across COPY/MOVE; THREADID from References/In-Reply-To; SEARCH.

use loft_testkit::{TestConn, TestServer};

fn objectid(line: &str, item: &str) -> String {
    let start = line
        .find(&format!("{item} ("))
        .unwrap_or_else(|| panic!("{item} in {line}"))
        + item.len()
        + 2;
    let end = line[start..].find(')').expect("closing paren") + start;
    line[start..end].to_string()
}

const A: &str =
    "Subject: Message A\r\nMessage-ID: <fake.1521475657.54797@example.com>\r\n\r\na\r\n";
const B: &str = "Subject: Re: Message A\r\nMessage-ID: <fake.1521475657.21213@example.org>\r\nReferences: <fake.1521475657.54797@example.com>\r\n\r\nb\r\n";
const C: &str =
    "Subject: Message C\r\nMessage-ID: <fake.1521475657.60280@example.com>\r\n\r\nc\r\n";

async fn setup() -> (TestServer, TestConn) {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    for m in [A, B, C] {
        server.append("alice", "INBOX", m).await;
    }
    let tc = server.login("alice", "pw").await;
    (server, tc)
}

#[tokio::test]
async fn mailboxid_create_select_status_rename() {
    let (_s, mut tc) = setup().await;
    let r = tc.command("CREATE foo").await;
    assert!(r.tagged.starts_with("OK [MAILBOXID (F"), "{}", r.tagged);
    let created = objectid(&r.tagged, "MAILBOXID");
    let st = tc.ok("STATUS foo (MAILBOXID)").await;
    assert_eq!(
        st,
        vec![format!("* STATUS \"foo\" (MAILBOXID ({created}))")]
    );
    tc.ok("RENAME foo renamed").await;
    let st = tc.ok("STATUS renamed (MAILBOXID MESSAGES)").await;
    assert_eq!(
        st,
        vec![format!(
            "* STATUS \"renamed\" (MAILBOXID ({created}) MESSAGES 0)"
        )]
    );
    let bar = objectid(&tc.command("CREATE bar").await.tagged, "MAILBOXID");
    assert_ne!(bar, created);
    let sel = tc.ok("SELECT renamed").await;
    assert!(
        sel.contains(&format!("* OK [MAILBOXID ({created})] Ok")),
        "{sel:?}"
    );
    tc.ok("EXAMINE bar").await;
    tc.untagged_contains(&format!("[MAILBOXID ({bar})]"));
    let list = tc.ok("LIST \"\" \"*\" RETURN (STATUS (MAILBOXID))").await;
    assert!(
        list.contains(&format!("* STATUS \"bar\" (MAILBOXID ({bar}))")),
        "{list:?}"
    );
    // A deleted and re-created name gets a new id (RFC 8474 §4: never reused).
    tc.ok("DELETE bar").await;
    let again = objectid(&tc.command("CREATE bar").await.tagged, "MAILBOXID");
    assert_ne!(again, bar);
}

#[tokio::test]
async fn emailid_threadid_fetch_move_search() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE foo").await;
    tc.ok("SELECT INBOX").await;
    let f = tc.ok("FETCH 1:* (EMAILID THREADID)").await;
    assert_eq!(f.len(), 3, "{f:?}");
    let e: Vec<String> = f.iter().map(|l| objectid(l, "EMAILID")).collect();
    let t: Vec<String> = f.iter().map(|l| objectid(l, "THREADID")).collect();
    assert!(
        e.iter().all(|x| x.starts_with('M')) && t.iter().all(|x| x.starts_with('T')),
        "{f:?}"
    );
    assert_ne!(e[0], e[1]);
    // RFC 8474 §5.2: the reply shares its thread; the unrelated message does not.
    assert_eq!(t[0], t[1]);
    assert_ne!(t[0], t[2]);
    let s = tc.ok(&format!("SEARCH EMAILID {}", e[0])).await;
    assert_eq!(s, vec!["* SEARCH 1".to_string()]);
    let s = tc.ok(&format!("SEARCH THREADID {}", t[0])).await;
    assert_eq!(s, vec!["* SEARCH 1 2".to_string()]);
    let s = tc.ok("SEARCH EMAILID Mnothing").await;
    assert_eq!(s, vec!["* SEARCH".to_string()]);
    // RFC 8474 §5.1: MOVE and COPY keep the EMAILID (and so the THREADID).
    tc.ok("MOVE 2 foo").await;
    tc.ok("COPY 1 foo").await;
    tc.ok("SELECT foo").await;
    let f = tc.ok("UID FETCH 1:* (EMAILID THREADID)").await;
    assert_eq!(objectid(&f[0], "EMAILID"), e[1]);
    assert_eq!(objectid(&f[0], "THREADID"), t[1]);
    assert_eq!(objectid(&f[1], "EMAILID"), e[0]);
}
