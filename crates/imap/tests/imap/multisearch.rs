//! MULTISEARCH (RFC 7377): ESEARCH over several mailboxes.
use super::common_selected;

use common_selected::*;

async fn setup() -> loft_testkit::TestServer {
    let srv = server().await;
    for name in [
        "folder1",
        "folder2",
        "folder2/banana",
        "folder2/banana/deep",
        "other",
    ] {
        srv.create_mailbox(USER, name, None).await;
    }
    for (mbox, subject) in [
        ("folder1", "chad"),
        ("folder1", "x"),
        ("folder1", "chad 2"),
        ("folder2/banana", "chad"),
        ("folder2/banana/deep", "chad"),
        ("other", "chad"),
    ] {
        srv.append(USER, mbox, format!("Subject: {subject}\r\n\r\nbody\r\n"))
            .await;
    }
    srv
}

#[tokio::test]
async fn esearch_in_mailboxes() {
    let srv = setup().await;
    let mut tc = login(&srv).await;
    tc.ok("CAPABILITY").await;
    tc.untagged_contains(" MULTISEARCH");
    // §2.2 example: mailboxes and subtree-one; mailboxes without matches get no response.
    let r = tc
        .ok("ESEARCH IN (mailboxes \"folder1\" subtree-one \"folder2\") subject \"chad\"")
        .await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(
        r[0].starts_with("* ESEARCH (TAG \"t3\" MAILBOX \"folder1\" UIDVALIDITY ")
            && r[0].ends_with(") UID ALL 1,3"),
        "{r:?}"
    );
    assert!(
        r[1].starts_with("* ESEARCH (TAG \"t3\" MAILBOX \"folder2/banana\" UIDVALIDITY ")
            && r[1].ends_with(") UID ALL 1"),
        "{r:?}"
    );
    // subtree goes all the way down; MIN/MAX/COUNT per mailbox.
    let r = tc
        .ok("ESEARCH IN (subtree folder2) RETURN (COUNT) subject chad")
        .await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r.iter().all(|l| l.ends_with(") UID COUNT 1")), "{r:?}");
    // personal: every mailbox; nothing anywhere: no untagged response.
    assert_eq!(tc.ok("ESEARCH IN (personal) subject chad").await.len(), 4);
    assert!(
        tc.ok("ESEARCH IN (personal) subject nowhere")
            .await
            .is_empty()
    );
    // "selected" (also the default) needs a selected mailbox; SAVE only with selected alone.
    tc.bad("ESEARCH subject chad").await;
    tc.bad("ESEARCH IN (selected) subject chad").await;
    tc.ok("SELECT folder1").await;
    let r = tc.ok("ESEARCH subject chad").await;
    assert_eq!(r.len(), 1);
    assert!(
        r[0].contains(" MAILBOX \"folder1\" ") && r[0].ends_with(") UID ALL 1,3"),
        "{r:?}"
    );
    tc.bad("ESEARCH IN (personal) RETURN (SAVE) subject chad")
        .await;
    assert!(
        tc.ok("ESEARCH IN (selected) RETURN (SAVE) subject chad")
            .await
            .is_empty()
    );
    assert_eq!(tc.ok("UID SEARCH UID $").await, vec!["* SEARCH 1 3"]);
    tc.bad("ESEARCH IN (selected-delayed) subject chad").await;
    tc.bad("ESEARCH IN (bogus) subject chad").await;
}
