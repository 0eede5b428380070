//! NOTIFY (RFC 5465): events delivered while no command is in progress, for the selected
//! mailbox (§5.1-§5.3) and for others as STATUS (§5.1-§5.3), MailboxName (§5.4) and
//! SubscriptionChange (§5.5) as LIST; NOTIFY NONE; BADEVENT.
use super::common_selected;

use std::time::Duration;

use common_selected::*;
use loft_testkit::TestConn;

/// Nothing unsolicited arrives within a short while.
async fn quiet(tc: &mut TestConn) {
    if let Ok(r) = tc.next_raw_within(Duration::from_millis(300)).await {
        panic!("unexpected response {:?}", String::from_utf8_lossy(&r));
    }
}

#[tokio::test]
async fn capability_and_errors() {
    let srv = server().await;
    let mut tc = login(&srv).await;
    tc.ok("CAPABILITY").await;
    tc.untagged_contains(" NOTIFY");
    // §3.1: unsupported events are NO [BADEVENT (supported events)].
    let r = tc.command("NOTIFY SET (personal (AnnotationChange))").await;
    assert_eq!(
        r.tagged,
        "NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange)] Unsupported NOTIFY event"
    );
    tc.no("NOTIFY SET (personal (Bogus))").await;
    // §5: MessageNew and MessageExpunge together; FlagChange with both.
    tc.bad("NOTIFY SET (personal (MessageNew))").await;
    tc.bad("NOTIFY SET (personal (MessageExpunge))").await;
    tc.bad("NOTIFY SET (personal (FlagChange))").await;
    // §6.1: one selected specifier, message events only.
    tc.bad("NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))").await;
    tc.bad("NOTIFY SET (selected (MailboxName))").await;
    tc.bad("NOTIFY SET").await;
    // Not before login.
    let mut anon = srv.connect().await;
    anon.bad("NOTIFY NONE").await;
}

#[tokio::test]
async fn other_mailboxes_get_status() {
    let srv = server().await;
    srv.create_mailbox(USER, "Lists", None).await;
    srv.create_mailbox(USER, "Lists/Lemonade", None).await;
    srv.create_mailbox(USER, "misc", None).await;
    let mut tc = login(&srv).await;
    tc.ok("SELECT INBOX").await;
    // §3.1: with STATUS, one STATUS per watched mailbox before the tagged OK.
    let r = tc.ok("NOTIFY SET STATUS (selected (MessageNew (UID) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))").await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(
        r.iter()
            .any(|l| l.starts_with("* STATUS \"Lists\" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY ")),
        "{r:?}"
    );
    assert!(
        r.iter().any(
            |l| l.starts_with("* STATUS \"Lists/Lemonade\" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY ")
        ),
        "{r:?}"
    );
    // A delivery to a watched mailbox, with no command in progress (§5.2).
    srv.append(USER, "Lists/Lemonade", "Subject: a\r\n\r\nx\r\n")
        .await;
    assert_eq!(
        tc.read_response().await,
        "* STATUS \"Lists/Lemonade\" (MESSAGES 1 UIDNEXT 2)"
    );
    // Not watched: nothing.
    srv.append(USER, "misc", "Subject: a\r\n\r\nx\r\n").await;
    quiet(&mut tc).await;
    // Expunge elsewhere (§5.3).
    let mut other = login(&srv).await;
    other.ok("SELECT Lists/Lemonade").await;
    other.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    quiet(&mut tc).await; // FlagChange was not asked for.
    other.ok("EXPUNGE").await;
    assert_eq!(
        tc.read_response().await,
        "* STATUS \"Lists/Lemonade\" (MESSAGES 0 UIDNEXT 2)"
    );
    // A new message in the selected mailbox: EXISTS, then FETCH with the asked items.
    srv.append(USER, "INBOX", "Subject: b\r\n\r\nx\r\n").await;
    assert_eq!(tc.read_response().await, "* 1 EXISTS");
    let mut r = tc.read_response().await;
    if r == "* 1 RECENT" {
        r = tc.read_response().await;
    }
    assert_eq!(r, "* 1 FETCH (UID 1)");
    // NOTIFY NONE: silence again.
    tc.ok("NOTIFY NONE").await;
    srv.append(USER, "Lists", "Subject: a\r\n\r\nx\r\n").await;
    quiet(&mut tc).await;
}

#[tokio::test]
async fn flag_changes_with_condstore() {
    let srv = server().await;
    srv.create_mailbox(USER, "Work", None).await;
    srv.append(USER, "Work", "Subject: a\r\n\r\nx\r\n").await;
    let mut tc = login(&srv).await;
    tc.ok("ENABLE CONDSTORE").await;
    tc.ok("NOTIFY SET (mailboxes Work (MessageNew MessageExpunge FlagChange))")
        .await;
    let mut other = login(&srv).await;
    other.ok("SELECT Work").await;
    other.ok("STORE 1 +FLAGS (\\Seen)").await;
    // §5.1: HIGHESTMODSEQ and UIDVALIDITY (and UNSEEN, as \Seen changed).
    let r = tc.read_response().await;
    assert!(r.starts_with("* STATUS \"Work\" (HIGHESTMODSEQ "), "{r}");
    assert!(
        r.contains(" UIDVALIDITY ") && r.ends_with(" UNSEEN 0)"),
        "{r}"
    );
}

#[tokio::test]
async fn selected_mailbox_events() {
    let srv = server_with_messages().await;
    let mut tc = login(&srv).await;
    tc.ok("ENABLE IMAP4rev2").await;
    tc.ok("SELECT INBOX").await;
    tc.ok("NOTIFY SET (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange))")
        .await;
    let mut other = selected_rev2(&srv).await;
    other.ok("STORE 1 +FLAGS (\\Answered)").await;
    assert_eq!(
        tc.read_response().await,
        "* 1 FETCH (UID 1 FLAGS (\\Answered))"
    );
    other.ok("STORE 3 +FLAGS.SILENT (\\Deleted)").await;
    assert_eq!(
        tc.read_response().await,
        "* 3 FETCH (UID 3 FLAGS (\\Flagged \\Deleted $Work))"
    );
    other.ok("EXPUNGE").await;
    assert_eq!(tc.read_response().await, "* 3 EXPUNGE");
    srv.append(USER, "INBOX", "Subject: n\r\n\r\nx\r\n").await;
    assert_eq!(tc.read_response().await, "* 3 EXISTS");
    assert_eq!(tc.read_response().await, "* 3 FETCH (UID 4 FLAGS ())");
    // The client's own changes are answered by its commands, not notified again.
    tc.ok("UID STORE 4 +FLAGS (\\Seen)").await;
    quiet(&mut tc).await;
}

#[tokio::test]
async fn selected_delayed_holds_expunges() {
    let srv = server_with_messages().await;
    let mut tc = selected_rev2(&srv).await;
    tc.ok("NOTIFY SET (selected-delayed (MessageNew MessageExpunge))")
        .await;
    let mut other = selected_rev2(&srv).await;
    other.ok("STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    other.ok("EXPUNGE").await;
    // §6.1.2: no EXPUNGE while idle; the next command that allows it gets it.
    quiet(&mut tc).await;
    assert_eq!(tc.ok("NOOP").await, vec!["* 2 EXPUNGE"]);
}

#[tokio::test]
async fn mailbox_name_and_subscription_events() {
    let srv = server().await;
    let mut tc = login(&srv).await;
    tc.ok("NOTIFY SET (personal (MailboxName SubscriptionChange))")
        .await;
    let mut other = login(&srv).await;
    other.ok("CREATE Projects").await;
    assert_eq!(
        tc.read_response().await,
        "* LIST (\\HasNoChildren) \"/\" \"Projects\""
    );
    other.ok("SUBSCRIBE Projects").await;
    assert_eq!(
        tc.read_response().await,
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Projects\""
    );
    other.ok("UNSUBSCRIBE Projects").await;
    assert_eq!(
        tc.read_response().await,
        "* LIST (\\HasNoChildren) \"/\" \"Projects\""
    );
    other.ok("RENAME Projects Archive2").await;
    assert_eq!(
        tc.read_response().await,
        "* LIST (\\HasNoChildren) \"/\" \"Archive2\" (\"OLDNAME\" (\"Projects\"))"
    );
    other.ok("DELETE Archive2").await;
    assert_eq!(
        tc.read_response().await,
        "* LIST (\\NonExistent) \"/\" \"Archive2\""
    );
    // §5: this client's own CREATE is not notified back.
    tc.ok("CREATE Mine").await;
    quiet(&mut tc).await;
}

#[tokio::test]
async fn no_delivery_while_a_command_is_partly_sent() {
    let srv = server().await;
    srv.create_mailbox(USER, "Lists", None).await;
    let mut tc = login(&srv).await;
    tc.ok("NOTIFY SET (mailboxes Lists (MessageNew MessageExpunge))")
        .await;
    // Half a command: the server waits for the rest before notifying.
    tc.send_raw(b"x1 NO").await;
    srv.append(USER, "Lists", "Subject: a\r\n\r\nx\r\n").await;
    quiet(&mut tc).await;
    tc.send_raw(b"OP\r\n").await;
    let r = tc.finish("x1", "NOOP").await;
    assert_eq!(r.tagged, "OK NOOP completed");
}

/// RFC 5465 §4: with NOTIFY set, IDLE delivers the NOTIFY events, other mailboxes' STATUS
/// included, and DONE still ends it.
#[tokio::test]
async fn idle_delivers_notify_events() {
    let srv = server().await;
    srv.create_mailbox(USER, "Lists", None).await;
    let mut tc = login(&srv).await;
    tc.ok("SELECT INBOX").await;
    tc.ok("NOTIFY SET (selected (MessageNew (UID) MessageExpunge)) (mailboxes Lists (MessageNew MessageExpunge))").await;
    tc.idle_start().await;
    srv.append(USER, "Lists", "Subject: a\r\n\r\nx\r\n").await;
    assert_eq!(
        tc.read_response().await,
        "* STATUS \"Lists\" (MESSAGES 1 UIDNEXT 2)"
    );
    srv.append(USER, "INBOX", "Subject: b\r\n\r\nx\r\n").await;
    assert_eq!(tc.read_response().await, "* 1 EXISTS");
    tc.idle_done().await;
}
