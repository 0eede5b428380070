//! CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4.3): a search or sort with RETURN (UPDATE)
//! reports ADDTO/REMOVEFROM while another session changes flags, delivers and expunges;
//! CANCELUPDATE, tag reuse and NOUPDATE. Also RFC 7162 §3.2.10 / RFC 9051 §7.5.1: no
//! expunge during a UID SEARCH with message numbers in its criteria.
//!
//! Each scenario runs on both backends.

use loft_testkit::server::parse_flags;
use loft_testkit::{Backend, TestConn, TestServer};

const USER: &str = "alice";
const PASS: &str = "secret";
const BACKENDS: [Backend; 2] = [Backend::Embedded, Backend::Postgres];

fn message(subject: &str) -> String {
    format!("From: a@example.org\r\nSubject: {subject}\r\n\r\nbody\r\n")
}

/// INBOX with UID 1 (no flags), 2 (\Seen), 3 (\Flagged).
async fn server(backend: Backend) -> TestServer {
    let srv = TestServer::start_on(backend).await;
    srv.add_user(USER, PASS).await;
    for (subject, flags) in [("c", ""), ("a", "\\Seen"), ("b", "\\Flagged")] {
        srv.append_with(USER, "INBOX", message(subject), parse_flags(flags), None)
            .await;
    }
    srv
}

async fn selected(srv: &TestServer) -> TestConn {
    let mut tc = srv.login(USER, PASS).await;
    tc.ok("SELECT INBOX").await;
    tc
}

/// Run `cmd` with the given tag; returns the untagged responses and the tagged status.
async fn tagged(tc: &mut TestConn, tag: &str, cmd: &str) -> (Vec<String>, String) {
    tc.send(&format!("{tag} {cmd}")).await;
    let r = tc.finish(tag, cmd).await;
    (r.untagged, r.tagged)
}

fn position(lines: &[String], needle: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in {lines:#?}"))
}

#[tokio::test]
async fn uid_search_updates_on_flags_delivery_and_expunge() {
    for backend in BACKENDS {
        let srv = server(backend).await;
        let mut a = selected(&srv).await;
        let mut b = selected(&srv).await;

        // RFC 5267 §4.3 example B01.
        let (u, t) = tagged(&mut a, "B01", "UID SEARCH RETURN (UPDATE COUNT) FLAGGED").await;
        assert_eq!(u, vec!["* ESEARCH (TAG \"B01\") UID COUNT 1"]);
        assert!(t.starts_with("OK"), "{t}");

        // A flag change by another session adds a message (§4.3.3), after its FETCH.
        b.ok("UID STORE 1 +FLAGS.SILENT (\\Flagged)").await;
        let u = a.ok("NOOP").await;
        let fetch = position(&u, "FETCH");
        let add = position(&u, "* ESEARCH (TAG \"B01\") UID ADDTO (0 1)");
        assert!(fetch < add, "{u:#?}");

        // ... and removes one.
        b.ok("UID STORE 3 -FLAGS.SILENT (\\Flagged)").await;
        let u = a.ok("NOOP").await;
        assert!(
            u.contains(&"* ESEARCH (TAG \"B01\") UID REMOVEFROM (0 3)".to_string()),
            "{u:#?}"
        );

        // A flag change that keeps the match: no update.
        b.ok("UID STORE 1 +FLAGS.SILENT (\\Seen)").await;
        let u = a.ok("NOOP").await;
        assert!(!u.iter().any(|l| l.contains("ESEARCH")), "{u:#?}");

        // A delivery: ADDTO after EXISTS.
        srv.append_with(USER, "INBOX", message("d"), parse_flags("\\Flagged"), None)
            .await;
        srv.append(USER, "INBOX", message("e")).await;
        let u = a.ok("NOOP").await;
        let exists = position(&u, "* 5 EXISTS");
        let add = position(&u, "* ESEARCH (TAG \"B01\") UID ADDTO (0 4)");
        assert!(exists < add, "{u:#?}");

        // An expunge: REMOVEFROM no later than the EXPUNGE (§4.3.4).
        b.ok("UID STORE 1 +FLAGS.SILENT (\\Deleted)").await;
        b.ok("EXPUNGE").await;
        let u = a.ok("NOOP").await;
        let remove = position(&u, "* ESEARCH (TAG \"B01\") UID REMOVEFROM (0 1)");
        let expunge = position(&u, "* 1 EXPUNGE");
        assert!(remove < expunge, "{u:#?}");

        // §4.3: a tag in use by an updating context cannot be reused.
        let (_, t) = tagged(&mut a, "B01", "SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED").await;
        assert!(t.starts_with("BAD"), "{t}");

        // §4.3.5 CANCELUPDATE: no more updates.
        let (_, t) = tagged(&mut a, "B04", "CANCELUPDATE \"B01\"").await;
        assert!(t.starts_with("OK"), "{t}");
        b.ok("UID STORE 5 +FLAGS.SILENT (\\Flagged)").await;
        let u = a.ok("NOOP").await;
        assert!(!u.iter().any(|l| l.contains("ESEARCH")), "{u:#?}");
    }
}

#[tokio::test]
async fn message_number_contexts_follow_expunges() {
    for backend in BACKENDS {
        let srv = server(backend).await;
        let mut a = selected(&srv).await;
        let mut b = selected(&srv).await;
        // No return option but UPDATE: the whole result, as with ALL.
        let (u, _) = tagged(&mut a, "S1", "SEARCH RETURN (UPDATE) UNSEEN").await;
        assert_eq!(u, vec!["* ESEARCH (TAG \"S1\") ALL 1,3"]);
        // Message numbers in the criteria name the messages of that moment (§4.3).
        let (u, _) = tagged(&mut a, "S2", "SEARCH RETURN (COUNT UPDATE) 2:3 UNSEEN").await;
        assert_eq!(u, vec!["* ESEARCH (TAG \"S2\") COUNT 1"]);

        b.ok("UID STORE 1 +FLAGS.SILENT (\\Deleted)").await;
        b.ok("EXPUNGE").await;
        srv.append(USER, "INBOX", message("d")).await;
        let u = a.ok("NOOP").await;
        // REMOVEFROM with the number before the EXPUNGE; the new message is number 3 after
        // it, reported after EXISTS; S2 (then message 2:3) does not grow.
        let remove = position(&u, "* ESEARCH (TAG \"S1\") REMOVEFROM (0 1)");
        let expunge = position(&u, "* 1 EXPUNGE");
        assert!(remove < expunge, "{u:#?}");
        let exists = position(&u, "EXISTS");
        let add = position(&u, "* ESEARCH (TAG \"S1\") ADDTO (0 3)");
        assert!(exists < add, "{u:#?}");
        assert!(!u.iter().any(|l| l.contains("\"S2\"")), "{u:#?}");

        // S2 still tracks its message (now number 2).
        b.ok("UID STORE 3 +FLAGS.SILENT (\\Seen)").await;
        let u = a.ok("NOOP").await;
        assert!(
            u.contains(&"* ESEARCH (TAG \"S2\") REMOVEFROM (0 2)".to_string()),
            "{u:#?}"
        );
        assert!(
            u.contains(&"* ESEARCH (TAG \"S1\") REMOVEFROM (0 2)".to_string()),
            "{u:#?}"
        );

        // Reselecting ends every context (§4.3).
        a.ok("SELECT INBOX").await;
        b.ok("UID STORE 4 +FLAGS.SILENT (\\Seen)").await;
        let u = a.ok("NOOP").await;
        assert!(!u.iter().any(|l| l.contains("ESEARCH")), "{u:#?}");
    }
}

#[tokio::test]
async fn sort_context_reports_positions() {
    for backend in BACKENDS {
        let srv = server(backend).await;
        let mut a = selected(&srv).await;
        let mut b = selected(&srv).await;
        // Subjects: 1 "c", 2 "a", 3 "b".
        let (u, _) = tagged(
            &mut a,
            "C1",
            "UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 ALL",
        )
        .await;
        assert_eq!(u, vec!["* ESEARCH (TAG \"C1\") UID ALL 2:3,1"]);
        let (u, _) = tagged(
            &mut a,
            "C2",
            "SORT RETURN (UPDATE) (REVERSE SUBJECT) UTF-8 UNSEEN",
        )
        .await;
        assert_eq!(u, vec!["* ESEARCH (TAG \"C2\") ALL 1,3"]);

        // "bb" sorts between "b" and "c": position 3 in C1; in C2 (c, b) position 2.
        srv.append(USER, "INBOX", message("bb")).await;
        let u = a.ok("NOOP").await;
        assert!(
            u.contains(&"* ESEARCH (TAG \"C1\") UID ADDTO (3 4)".to_string()),
            "{u:#?}"
        );
        assert!(
            u.contains(&"* ESEARCH (TAG \"C2\") ADDTO (2 4)".to_string()),
            "{u:#?}"
        );

        // Seen: leaves C2 at its position.
        b.ok("UID STORE 3 +FLAGS.SILENT (\\Seen)").await;
        let u = a.ok("NOOP").await;
        assert!(
            u.contains(&"* ESEARCH (TAG \"C2\") REMOVEFROM (3 3)".to_string()),
            "{u:#?}"
        );
        assert!(!u.iter().any(|l| l.contains("\"C1\"")), "{u:#?}");

        // Expunged: leaves C1 at its position (2, 3, 4, 1 -> "a" is first).
        b.ok("UID STORE 2 +FLAGS.SILENT (\\Deleted)").await;
        b.ok("UID EXPUNGE 2").await;
        let u = a.ok("NOOP").await;
        let remove = position(&u, "* ESEARCH (TAG \"C1\") UID REMOVEFROM (1 2)");
        let expunge = position(&u, "* 2 EXPUNGE");
        assert!(remove < expunge, "{u:#?}");
    }
}

#[tokio::test]
async fn noupdate_when_too_many_contexts() {
    let srv = server(Backend::Embedded).await;
    let mut a = selected(&srv).await;
    for i in 0..8 {
        let (u, t) = tagged(&mut a, &format!("N{i}"), "UID SEARCH RETURN (UPDATE) ALL").await;
        assert_eq!(u.len(), 1, "{u:#?}");
        assert!(t.starts_with("OK"), "{t}");
    }
    // §4.3.1: NO [NOUPDATE "tag"], the other return options still honoured.
    let (u, t) = tagged(&mut a, "B02", "UID SEARCH RETURN (UPDATE COUNT) ALL").await;
    assert_eq!(
        u,
        vec![
            "* ESEARCH (TAG \"B02\") UID COUNT 3",
            "* NO [NOUPDATE \"B02\"] Too many contexts"
        ]
    );
    assert!(t.starts_with("OK"), "{t}");
    // Cancelling one makes room.
    a.ok("CANCELUPDATE \"N0\" \"N1\"").await;
    let (u, _) = tagged(&mut a, "B03", "UID SEARCH RETURN (UPDATE COUNT) ALL").await;
    assert_eq!(u, vec!["* ESEARCH (TAG \"B03\") UID COUNT 3"]);
    // Not outside the selected state.
    a.ok("UNSELECT").await;
    a.bad("CANCELUPDATE \"B03\"").await;
}

#[tokio::test]
async fn no_expunge_during_uid_search_with_message_numbers() {
    for backend in BACKENDS {
        let srv = server(backend).await;
        let mut a = selected(&srv).await;
        let mut b = selected(&srv).await;
        b.ok("UID STORE 1 +FLAGS.SILENT (\\Deleted)").await;
        b.ok("EXPUNGE").await;
        // RFC 9051 §7.5.1, RFC 7162 §3.2.10: message numbers in the criteria (also inside
        // NOT/OR) keep the expunge back...
        for cmd in [
            "UID SEARCH 1:2",
            "UID SEARCH NOT 3",
            "UID SEARCH OR 1 SEEN",
            "UID SORT (ARRIVAL) UTF-8 1:*",
        ] {
            let u = a.ok(cmd).await;
            assert!(!u.iter().any(|l| l.contains("EXPUNGE")), "{cmd}: {u:#?}");
        }
        // ... `$` and UID criteria do not.
        let u = a.ok("UID SEARCH UID 1:*").await;
        assert!(u.contains(&"* 1 EXPUNGE".to_string()), "{u:#?}");

        // Same with QRESYNC's VANISHED.
        let mut q = srv.login(USER, PASS).await;
        q.ok("ENABLE QRESYNC").await;
        q.ok("SELECT INBOX").await;
        b.ok("UID STORE 2 +FLAGS.SILENT (\\Deleted)").await;
        b.ok("EXPUNGE").await;
        let u = q.ok("UID SEARCH 1").await;
        assert!(!u.iter().any(|l| l.contains("VANISHED")), "{u:#?}");
        let u = q.ok("UID SEARCH ALL").await;
        assert!(u.contains(&"* VANISHED 2".to_string()), "{u:#?}");
    }
}

#[tokio::test]
async fn multisearch_update_applies_to_the_selected_mailbox() {
    let srv = server(Backend::Embedded).await;
    let mut a = srv.login(USER, PASS).await;
    // RFC 7377 §2.2: UPDATE needs a selected mailbox.
    let (_, t) = tagged(
        &mut a,
        "M0",
        "ESEARCH IN (personal) RETURN (UPDATE) FLAGGED",
    )
    .await;
    assert!(t.starts_with("BAD"), "{t}");
    a.ok("SELECT INBOX").await;
    let mut b = selected(&srv).await;
    let (u, t) = tagged(&mut a, "M1", "ESEARCH RETURN (UPDATE) FLAGGED").await;
    assert!(t.starts_with("OK"), "{t}");
    assert_eq!(u.len(), 1, "{u:#?}");
    assert!(u[0].ends_with(" UID ALL 3"), "{u:#?}");
    b.ok("UID STORE 2 +FLAGS.SILENT (\\Flagged)").await;
    let u = a.ok("NOOP").await;
    assert!(
        u.contains(&"* ESEARCH (TAG \"M1\") UID ADDTO (0 2)".to_string()),
        "{u:#?}"
    );
}
