//! THREAD and UID THREAD: RFC 5256 §3 ORDEREDSUBJECT and REFERENCES.
use super::common_selected;

use common_selected::*;

fn msg(n: u32, subject: &str, extra: &str) -> String {
    format!(
        "Date: Mon, 1 Jun 2020 10:0{n}:00 +0000\r\nFrom: u{n}@x\r\nMessage-ID: <{n}@x>\r\nSubject: {subject}\r\n{extra}\r\nbody {n}\r\n"
    )
}

async fn thread_server() -> loft_testkit::TestServer {
    let srv = server().await;
    let msgs = [
        msg(1, "meeting", ""),
        msg(2, "Re: meeting", "In-Reply-To: <1@x>\r\n"),
        msg(
            3,
            "Re: meeting",
            "In-Reply-To: <2@x>\r\nReferences: <1@x>\r\n <2@x>\r\n",
        ),
        msg(4, "lunch", ""),
        // References only (no In-Reply-To): found in the raw header.
        msg(5, "Re: meeting", "References: <\"1\"@x>\r\n"),
        // No references: joins "lunch" by subject (RFC 5256 §3 step 5).
        msg(6, "Re: lunch", ""),
        // Both reply to a message that is not in the mailbox.
        msg(7, "other", "References: <gone@x>\r\n"),
        msg(8, "Re: other", "In-Reply-To: <gone@x>\r\n"),
    ];
    for m in msgs {
        srv.append(USER, "INBOX", m).await;
    }
    srv
}

async fn thread(tc: &mut loft_testkit::TestConn, cmd: &str) -> String {
    let u = tc.ok(cmd).await;
    assert_eq!(u.len(), 1, "{cmd}: {u:?}");
    u[0].clone()
}

#[tokio::test]
async fn references_algorithm() {
    let srv = thread_server().await;
    let mut tc = selected(&srv).await;
    assert_eq!(
        thread(&mut tc, "THREAD REFERENCES UTF-8 ALL").await,
        "* THREAD (1 (2 3)(5))(4 6)((7)(8))"
    );
    // Only the matching messages are threaded: 3 keeps its place under the missing 2.
    assert_eq!(
        thread(&mut tc, "THREAD REFERENCES US-ASCII NOT 2").await,
        "* THREAD (1 (3)(5))(4 6)((7)(8))"
    );
    assert_eq!(
        thread(&mut tc, "THREAD REFERENCES UTF-8 2:3").await,
        "* THREAD (2 3)"
    );
    assert_eq!(
        thread(&mut tc, "THREAD REFERENCES UTF-8 7").await,
        "* THREAD (7)"
    );
}

#[tokio::test]
async fn ordered_subject_algorithm() {
    let srv = thread_server().await;
    let mut tc = selected(&srv).await;
    assert_eq!(
        thread(&mut tc, "THREAD ORDEREDSUBJECT UTF-8 ALL").await,
        "* THREAD (1 (2)(3)(5))(4 6)(7 8)"
    );
    // RFC 5256 §3 example: nothing matches.
    assert_eq!(
        thread(&mut tc, "THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"").await,
        "* THREAD"
    );
}

#[tokio::test]
async fn uid_thread_numbers_are_uids() {
    let srv = thread_server().await;
    let mut tc = selected(&srv).await;
    tc.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    tc.ok("EXPUNGE").await;
    assert_eq!(
        thread(&mut tc, "UID THREAD REFERENCES UTF-8 ALL").await,
        "* THREAD ((2 3)(5))(4 6)((7)(8))"
    );
    assert_eq!(
        thread(&mut tc, "THREAD REFERENCES UTF-8 ALL").await,
        "* THREAD ((1 2)(4))(3 5)((6)(7))"
    );
}

#[tokio::test]
async fn errors_and_capabilities() {
    let srv = server().await;
    let mut tc = selected(&srv).await;
    assert_eq!(
        thread(&mut tc, "THREAD REFERENCES UTF-8 ALL").await,
        "* THREAD"
    );
    tc.bad("THREAD JWZ UTF-8 ALL").await;
    tc.bad("THREAD REFERENCES").await;
    let r = tc.command("THREAD REFERENCES KOI8-R ALL").await;
    assert!(r.tagged.starts_with("NO [BADCHARSET"), "{r:?}");
    let caps = tc.ok("CAPABILITY").await;
    assert!(
        caps[0].contains(" THREAD=ORDEREDSUBJECT") && caps[0].contains(" THREAD=REFERENCES"),
        "{caps:?}"
    );
}
