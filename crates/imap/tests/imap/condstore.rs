//! CONDSTORE and QRESYNC (RFC 7162): MODSEQ in FETCH/STORE/SEARCH, CHANGEDSINCE,
//! UNCHANGEDSINCE with MODIFIED, HIGHESTMODSEQ, VANISHED, SELECT (QRESYNC), and the
//! two-device resynchronisation the extensions exist for.
use super::common_selected;

use common_selected::*;
use loft_testkit::{TestConn, TestServer};

/// The number inside `[CODE n]` of the one untagged response naming CODE.
fn code_value(responses: &[String], code: &str) -> u64 {
    let line = one(responses, &format!("[{code} "));
    let rest = &line[line.find(&format!("[{code} ")).unwrap() + code.len() + 2..];
    rest[..rest.find(']').unwrap()].parse().unwrap()
}

/// Lines about message data: FETCH and VANISHED responses.
fn sync_lines(responses: &[String]) -> Vec<String> {
    responses
        .iter()
        .filter(|r| r.contains(" FETCH ") || r.starts_with("* VANISHED"))
        .cloned()
        .collect()
}

/// Five plain messages in INBOX (UIDs 1..=5).
async fn server_with_five() -> TestServer {
    let srv = server().await;
    for n in 1..=5 {
        srv.append(USER, "INBOX", format!("Subject: m{n}\r\n\r\nbody {n}\r\n"))
            .await;
    }
    srv
}

/// Device B's changes while A is offline: UID 2 moved away, UID 3 flagged, UID 4 deleted
/// and expunged, one new message (UID 6).
async fn device_b_changes(srv: &TestServer) {
    let mut b = login(srv).await;
    b.ok("SELECT INBOX").await;
    b.ok("UID MOVE 2 Archive").await;
    b.ok("UID STORE 3 +FLAGS.SILENT (\\Flagged)").await;
    b.ok("UID STORE 4 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("UID EXPUNGE 4").await;
    b.ok("LOGOUT").await;
    srv.append(USER, "INBOX", "Subject: m6\r\n\r\nbody 6\r\n")
        .await;
}

#[tokio::test]
async fn two_devices_qresync_gets_exactly_the_changes() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    a.ok("ENABLE QRESYNC").await;
    let r = a.ok("SELECT INBOX").await;
    let uidvalidity = code_value(&r, "UIDVALIDITY");
    let modseq = code_value(&r, "HIGHESTMODSEQ");
    a.ok("LOGOUT").await;

    device_b_changes(&srv).await;

    // A reconnects knowing UIDs 1:5: exactly the vanished UIDs and the changed flags.
    let mut a = login(&srv).await;
    a.ok("ENABLE QRESYNC").await;
    let r = a
        .ok(&format!(
            "SELECT INBOX (QRESYNC ({uidvalidity} {modseq} 1:5))"
        ))
        .await;
    assert!(r.contains(&"* 4 EXISTS".to_string()), "{r:#?}");
    let new_modseq = code_value(&r, "HIGHESTMODSEQ");
    assert!(new_modseq > modseq);
    let lines = sync_lines(&r);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_eq!(lines[0], "* VANISHED (EARLIER) 2,4");
    assert!(
        lines[1].starts_with("* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ ("),
        "{lines:#?}"
    );
    // Nothing changed since: an immediate resync reports nothing.
    a.ok("UNSELECT").await;
    let r = a
        .ok(&format!(
            "SELECT INBOX (QRESYNC ({uidvalidity} {new_modseq} 1:6))"
        ))
        .await;
    assert!(sync_lines(&r).is_empty(), "{r:#?}");
    // Without known UIDs: the new message (UID 6) is reported too.
    a.ok("UNSELECT").await;
    let r = a
        .ok(&format!("SELECT INBOX (QRESYNC ({uidvalidity} {modseq}))"))
        .await;
    let lines = sync_lines(&r);
    assert_eq!(lines[0], "* VANISHED (EARLIER) 2,4");
    assert!(
        lines[2].starts_with("* 4 FETCH (UID 6 FLAGS () MODSEQ ("),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 3, "{lines:#?}");
    // A stale UIDVALIDITY: no VANISHED and no FETCH (RFC 7162 §3.2.5).
    a.ok("UNSELECT").await;
    let r = a
        .ok(&format!(
            "SELECT INBOX (QRESYNC ({} {modseq} 1:5))",
            uidvalidity + 1
        ))
        .await;
    assert!(sync_lines(&r).is_empty(), "{r:#?}");
}

#[tokio::test]
async fn two_devices_condstore_only() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    let r = a.ok("SELECT INBOX (CONDSTORE)").await;
    let modseq = code_value(&r, "HIGHESTMODSEQ");
    a.ok("LOGOUT").await;

    device_b_changes(&srv).await;

    let mut a = login(&srv).await;
    let r = a.ok("SELECT INBOX (CONDSTORE)").await;
    assert!(code_value(&r, "HIGHESTMODSEQ") > modseq);
    // RFC 7162 §3.2.6 Example 1 (the CONDSTORE-only way): changed flags, then the UIDs
    // still present to detect the vanished ones.
    let r = a
        .ok(&format!("UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq})"))
        .await;
    assert_eq!(r.len(), 2, "{r:#?}");
    assert!(
        r[0].starts_with("* 2 FETCH (UID 3 MODSEQ (") && r[0].ends_with(" FLAGS (\\Flagged))"),
        "{r:#?}"
    );
    assert!(r[1].starts_with("* 4 FETCH (UID 6 MODSEQ ("), "{r:#?}");
    let r = a.ok("UID SEARCH UID 1:5").await;
    assert_eq!(r, vec!["* SEARCH 1 3 5"]);
}

#[tokio::test]
async fn uid_fetch_vanished() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    // RFC 7162 §3.2.6: VANISHED without ENABLE QRESYNC is BAD.
    a.ok("SELECT INBOX").await;
    a.bad("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
        .await;
    a.ok("LOGOUT").await;
    let mut a = login(&srv).await;
    a.ok("ENABLE QRESYNC").await;
    let r = a.ok("SELECT INBOX").await;
    let modseq = code_value(&r, "HIGHESTMODSEQ");
    a.ok("UID STORE 1,3 +FLAGS.SILENT (\\Deleted)").await;
    let r = a.ok("EXPUNGE").await;
    assert_eq!(r, vec!["* VANISHED 1,3"]);
    a.ok("UID STORE 5 +FLAGS.SILENT ($Work)").await;
    let r = a
        .ok(&format!(
            "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq} VANISHED)"
        ))
        .await;
    assert_eq!(r[0], "* VANISHED (EARLIER) 1,3");
    assert_eq!(r.len(), 2, "{r:#?}");
    assert!(
        r[1].starts_with("* 3 FETCH (UID 5 MODSEQ (") && r[1].ends_with("FLAGS ($Work))"),
        "{r:#?}"
    );
    // Only UIDs of the set are reported.
    let r = a
        .ok(&format!(
            "UID FETCH 2:4 (FLAGS) (CHANGEDSINCE {modseq} VANISHED)"
        ))
        .await;
    assert_eq!(r, vec!["* VANISHED (EARLIER) 3"]);
}

#[tokio::test]
async fn expunge_with_qresync_is_vanished_with_highestmodseq() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    a.ok("ENABLE QRESYNC").await;
    a.ok("SELECT INBOX").await;
    let mut b = selected(&srv).await;
    a.ok("STORE 2,4 +FLAGS.SILENT (\\Deleted)").await;
    // RFC 7162 §3.2.7: VANISHED and the new HIGHESTMODSEQ in the tagged OK.
    let reply = a.command("EXPUNGE").await;
    assert_eq!(reply.untagged, vec!["* VANISHED 2,4"]);
    assert!(
        reply.tagged.starts_with("OK [HIGHESTMODSEQ "),
        "{}",
        reply.tagged
    );
    // An expunge by another session is announced as VANISHED too (§3.2.10.2).
    b.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    let r = a.ok("NOOP").await;
    assert_eq!(r, vec!["* VANISHED 1"]);
}

#[tokio::test]
async fn unchangedsince_and_modified() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    a.ok("ENABLE IMAP4rev2").await;
    a.ok("SELECT INBOX").await;
    let mut b = selected(&srv).await;
    // The first CONDSTORE enabling command with a mailbox selected reports HIGHESTMODSEQ
    // (RFC 7162 §3.1, Example 5).
    let r = a.ok("FETCH 1:2 (MODSEQ)").await;
    assert!(r[0].starts_with("* OK [HIGHESTMODSEQ "), "{r:#?}");
    let m2: u64 = r[2]
        .trim_start_matches("* 2 FETCH (MODSEQ (")
        .trim_end_matches("))")
        .parse()
        .unwrap();
    b.ok("STORE 1 +FLAGS.SILENT ($Other)").await;
    // Message 1 changed after m2: MODIFIED; message 2 is stored and its new MODSEQ sent
    // even with .SILENT (RFC 7162 §3.1.3), with UID (§3.2.4).
    let reply = a
        .command(&format!(
            "STORE 1:2 (UNCHANGEDSINCE {m2}) +FLAGS.SILENT (\\Seen)"
        ))
        .await;
    assert_eq!(reply.tagged.split(']').next().unwrap(), "OK [MODIFIED 1");
    assert!(
        reply
            .untagged
            .iter()
            .any(|l| l.starts_with("* 2 FETCH (UID 2 MODSEQ (")),
        "{:#?}",
        reply.untagged
    );
    // And the reason for the failure is announced (Example 10).
    assert!(
        reply
            .untagged
            .iter()
            .any(|l| l.starts_with("* 1 FETCH (UID 1 FLAGS ($Other) MODSEQ (")),
        "{:#?}",
        reply.untagged
    );
    let r = a.ok("FETCH 1 (FLAGS)").await;
    assert_eq!(r, vec!["* 1 FETCH (FLAGS ($Other))"]);
    // UID STORE names UIDs; UNCHANGEDSINCE 0 always fails (Example 8).
    let reply = a
        .command("UID STORE 3,5 (UNCHANGEDSINCE 0) +FLAGS ($MDNSent)")
        .await;
    assert_eq!(reply.tagged.split(']').next().unwrap(), "OK [MODIFIED 3,5");
    assert!(
        reply.untagged.iter().all(|l| !l.contains("$MDNSent)")),
        "{:#?}",
        reply.untagged
    );
    // Not .SILENT: FLAGS with UID and MODSEQ.
    let r = a.ok("STORE 4 +FLAGS (\\Answered)").await;
    assert!(
        r[0].starts_with("* 4 FETCH (UID 4 FLAGS (\\Answered) MODSEQ ("),
        "{r:#?}"
    );
}

#[tokio::test]
async fn fetch_setting_seen_carries_uid_and_modseq() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    a.ok("ENABLE CONDSTORE").await;
    a.ok("SELECT INBOX").await;
    let r = a.ok("FETCH 1 (BODY[TEXT])").await;
    assert!(
        r[0].starts_with("* 1 FETCH (BODY[TEXT] {8}")
            && r[0].contains(" FLAGS (\\Seen \\Recent) UID 1 MODSEQ ("),
        "{r:#?}"
    );
}

#[tokio::test]
async fn search_modseq_reports_highest() {
    let srv = server_with_five().await;
    let mut a = selected(&srv).await;
    a.ok("STORE 2 +FLAGS (\\Flagged)").await;
    let r = a.ok("FETCH 2 (MODSEQ)").await;
    let m: u64 = r
        .last()
        .unwrap()
        .trim_start_matches("* 2 FETCH (MODSEQ (")
        .trim_end_matches("))")
        .parse()
        .unwrap();
    // RFC 7162 §3.1.5 Example 15: the highest mod-sequence of the messages found.
    let r = a.ok(&format!("SEARCH MODSEQ {m}")).await;
    assert_eq!(r, vec![format!("* SEARCH 2 (MODSEQ {m})")]);
    // Example 16: nothing found, no MODSEQ.
    let r = a.ok(&format!("SEARCH MODSEQ {}", m + 1)).await;
    assert_eq!(r, vec!["* SEARCH"]);
    // Example 19: ESEARCH carries MODSEQ.
    let r = a.ok("UID SEARCH RETURN (ALL) MODSEQ 1").await;
    assert!(r[0].ends_with(&format!("UID ALL 1:5 MODSEQ {m}")), "{r:#?}");
}

#[tokio::test]
async fn status_highestmodseq_and_pending_expunge_floor() {
    let srv = server_with_five().await;
    let mut a = login(&srv).await;
    let r = a.ok("STATUS INBOX (HIGHESTMODSEQ MESSAGES)").await;
    assert!(
        r[0].starts_with("* STATUS \"INBOX\" (HIGHESTMODSEQ ") && r[0].ends_with(" MESSAGES 5)"),
        "{r:#?}"
    );
    let r = a.ok("SELECT INBOX").await;
    let before = code_value(&r, "HIGHESTMODSEQ");
    let mut b = selected(&srv).await;
    b.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    b.ok("STORE 2 +FLAGS.SILENT (\\Flagged)").await;
    // During FETCH the expunge must wait (RFC 9051 §7.5.1) while the flag change (with a
    // higher MODSEQ) is sent: HIGHESTMODSEQ then names a value below the expunge
    // (RFC 7162 §3.2), so a client resyncing from it still learns of the expunge.
    let r = a.ok("FETCH 4 (FLAGS)").await;
    assert!(
        r.iter()
            .any(|l| l.starts_with("* 3 FETCH (UID 3 FLAGS (\\Flagged \\Recent) MODSEQ (")),
        "{r:#?}"
    );
    let floor = code_value(&r, "HIGHESTMODSEQ");
    assert!(floor <= before + 1, "{floor} vs {before}");
    let r = a.ok("NOOP").await;
    assert_eq!(r, vec!["* 1 EXPUNGE"]);
    let mut c: TestConn = login(&srv).await;
    c.ok("ENABLE QRESYNC").await;
    let uv = srv
        .store()
        .mailbox(srv.account_id(USER).await, "INBOX")
        .await
        .unwrap()
        .unwrap()
        .uid_validity
        .get();
    let r = c
        .ok(&format!("EXAMINE INBOX (QRESYNC ({uv} {floor}))"))
        .await;
    assert!(r.contains(&"* VANISHED (EARLIER) 1".to_string()), "{r:#?}");
}

#[tokio::test]
async fn modseq_never_goes_backwards_across_restarts() {
    // A restart on this binary's backend: the same directory, or the same database.
    let dir = tempfile::tempdir().unwrap();
    let pg_url = match super::BACKEND {
        loft_testkit::Backend::Postgres => Some(
            loft_store::postgres::testing::shared()
                .create_database()
                .await,
        ),
        loft_testkit::Backend::Embedded => None,
    };
    let open = || async {
        let store: std::sync::Arc<dyn loft_store::Store> = match &pg_url {
            Some(url) => std::sync::Arc::new(
                loft_store::PostgresStore::open(&loft_store::PgSettings::new(url.clone()))
                    .await
                    .unwrap(),
            ),
            None => std::sync::Arc::new(loft_store::EmbeddedStore::open(dir.path()).await.unwrap()),
        };
        TestServer::with_store(
            store,
            loft_testkit::server::test_config(),
            tempfile::tempdir().unwrap(),
        )
        .await
    };
    let srv = open().await;
    srv.add_user(USER, PASS).await;
    for n in 1..=3 {
        srv.append(USER, "INBOX", format!("Subject: m{n}\r\n\r\nbody\r\n"))
            .await;
    }
    let mut a = login(&srv).await;
    a.ok("SELECT INBOX (CONDSTORE)").await;
    a.ok("STORE 1:3 +FLAGS (\\Deleted)").await;
    a.ok("EXPUNGE").await;
    let r = a.ok("STATUS INBOX (HIGHESTMODSEQ)").await;
    let first: u64 = r[0]
        .trim_start_matches("* STATUS \"INBOX\" (HIGHESTMODSEQ ")
        .trim_end_matches(')')
        .parse()
        .unwrap();
    a.ok("LOGOUT").await;
    drop(srv);

    let srv = open().await;
    let mut a = login(&srv).await;
    let r = a.ok("SELECT INBOX (CONDSTORE)").await;
    assert_eq!(code_value(&r, "HIGHESTMODSEQ"), first);
    srv.append(USER, "INBOX", "Subject: m4\r\n\r\nbody\r\n")
        .await;
    a.ok("NOOP").await;
    let r = a.ok("FETCH 1 (MODSEQ)").await;
    let m: u64 = r
        .last()
        .unwrap()
        .rsplit('(')
        .next()
        .unwrap()
        .trim_end_matches("))")
        .parse()
        .unwrap();
    assert!(m > first, "{m} after {first}");
}
