//! SELECT of a mailbox selected before is built from the view kept from an
//! earlier SELECT plus the store's delta since (selected/shared.rs, issue 6). It must say
//! exactly what a full read says: EXAMINE always reads the whole mailbox.
use super::common_selected;

use common_selected::*;
use loft_store::{Flags, NewMessage};

#[tokio::test]
async fn select_from_kept_view_matches_full_read() {
    let srv = server().await;
    let account = srv.account_id(USER).await;
    let inbox = srv
        .store()
        .mailbox(account, "INBOX")
        .await
        .unwrap()
        .unwrap();
    let messages = (0..1_100)
        .map(|i| NewMessage {
            content: format!("Subject: m{i}\r\n\r\nx\r\n").into_bytes(),
            flags: if i % 3 == 0 {
                Flags {
                    bits: Flags::SEEN,
                    keywords: vec![],
                }
            } else {
                Flags::default()
            },
            internal_date: None,
        })
        .collect();
    srv.store()
        .append(account, inbox.id, messages)
        .await
        .unwrap();

    // The first SELECT reads everything and keeps the view.
    let mut a = login(&srv).await;
    a.ok("SELECT INBOX").await;
    // Changes after it: flags and a new keyword, expunges in the middle, appends, and an
    // appended message expunged again (UIDNEXT must still move past it).
    let mut b = login(&srv).await;
    b.ok("SELECT INBOX").await;
    b.ok("STORE 5 +FLAGS (\\Seen $Junk)").await;
    b.ok("STORE 2 -FLAGS (\\Seen)").await;
    b.ok("STORE 7,9 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    b.ok("APPEND INBOX (\\Flagged) {9+}\r\nSubject: \r\n").await;
    b.ok("APPEND INBOX {9+}\r\nSubject: \r\n").await;
    b.ok("NOOP").await;
    b.ok("STORE 1100 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;

    let mut c = login(&srv).await;
    let kept = c.ok("SELECT INBOX").await;
    let kept_fetch = c.ok("FETCH 1:* (UID FLAGS MODSEQ)").await;
    let mut d = login(&srv).await;
    let full = d.ok("EXAMINE INBOX").await;
    let full_fetch = d.ok("FETCH 1:* (UID FLAGS MODSEQ)").await;

    // \Recent differs by design (SELECT claims it, EXAMINE does not); the rest must match.
    let strip = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|l| !l.ends_with(" RECENT") && !l.contains("PERMANENTFLAGS"))
            .map(|l| {
                l.replace(" \\Recent", "")
                    .replace("\\Recent ", "")
                    .replace("(\\Recent)", "()")
            })
            .collect()
    };
    assert_eq!(strip(&kept), strip(&full));
    assert_eq!(strip(&kept_fetch), strip(&full_fetch));
    assert!(kept.iter().any(|l| l == "* 1099 EXISTS"), "{kept:?}");
    assert!(
        kept_fetch.iter().any(|l| l.contains("$Junk")),
        "keyword of a changed message"
    );
    assert!(
        full.iter().any(|l| l.contains("[UIDNEXT 1103]")),
        "{full:?}"
    );
}
