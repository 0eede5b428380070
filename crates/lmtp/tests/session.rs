//! LMTP sessions over an in-memory stream against a real embedded store.

use std::sync::Arc;
use std::time::Duration;

use loft_lmtp::{LmtpConfig, LmtpContext, Recipients};
use loft_store::{Change, EmbeddedStore, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    ctx: Arc<LmtpContext>,
}

async fn fixture(config: LmtpConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).await.unwrap());
    let alice = store.create_account("alice", "x").await.unwrap();
    store.create_account("bob", "x").await.unwrap();
    store.create_mailbox(alice, "lists", None).await.unwrap();
    let ctx = Arc::new(LmtpContext {
        store: store.clone(),
        config,
    });
    Fixture {
        _dir: dir,
        store,
        ctx,
    }
}

fn config() -> LmtpConfig {
    let mut c = LmtpConfig::default();
    c.hostname = "mx.example.org".into();
    c.recipients = Recipients {
        domains: vec!["example.org".into()],
        aliases: [("postmaster".to_string(), "alice".to_string())]
            .into_iter()
            .collect(),
        separator: "+".into(),
    };
    c
}

fn connect(ctx: &Arc<LmtpContext>) -> DuplexStream {
    let (client, server) = tokio::io::duplex(1 << 20);
    tokio::spawn(loft_lmtp::serve(ctx.clone(), server));
    client
}

/// Reads until `n` complete reply lines whose 4th byte is a space have arrived.
async fn replies(c: &mut DuplexStream, n: usize) -> Vec<String> {
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    loop {
        let done: Vec<String> = got.split_terminator("\r\n").map(str::to_string).collect();
        let finals = done
            .iter()
            .filter(|l| l.as_bytes().get(3) == Some(&b' '))
            .count();
        if finals >= n && got.ends_with("\r\n") {
            return done;
        }
        let k = tokio::time::timeout(Duration::from_secs(10), c.read(&mut buf))
            .await
            .expect("reply in time")
            .unwrap();
        assert!(k > 0, "connection closed; got so far: {got}");
        got.push_str(std::str::from_utf8(&buf[..k]).unwrap());
    }
}

async fn inbox_messages(
    store: &Arc<dyn Store>,
    user: &str,
    mailbox: &str,
) -> Vec<(Vec<u8>, String)> {
    let account = store.account(user).await.unwrap().unwrap().id;
    let mb = store.mailbox(account, mailbox).await.unwrap().unwrap();
    let snap = store.snapshot(account, mb.id).await.unwrap();
    let uids: Vec<_> = snap.messages.iter().map(|m| m.uid).collect();
    let mut out = Vec::new();
    for r in store.records(account, mb.id, &uids).await.unwrap() {
        out.push((
            store.blob(account, &r.blob).await.unwrap(),
            r.blob.0.clone(),
        ));
    }
    out
}

#[tokio::test]
async fn pipelined_multi_recipient_transaction_stores_one_blob() {
    let f = fixture(config()).await;
    let mut feed = f.store.subscribe();
    let mut c = connect(&f.ctx);
    let greeting = replies(&mut c, 1).await;
    assert!(
        greeting[0].starts_with("220 mx.example.org"),
        "{greeting:?}"
    );
    c.write_all(
        b"LHLO client\r\nMAIL FROM:<sender@remote.test> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\n\
          RCPT TO:<nobody@example.org>\r\nRCPT TO:<Bob@Example.org>\r\nRCPT TO:<x@elsewhere.test>\r\nDATA\r\n",
    )
    .await
    .unwrap();
    let r = replies(&mut c, 7).await;
    let lhlo: Vec<&String> = r.iter().filter(|l| l.starts_with("250")).take(7).collect();
    for cap in [
        "PIPELINING",
        "8BITMIME",
        "SMTPUTF8",
        "ENHANCEDSTATUSCODES",
        "CHUNKING",
        "SIZE ",
    ] {
        assert!(lhlo.iter().any(|l| l.contains(cap)), "{cap} missing: {r:?}");
    }
    let tail = &r[r.len() - 6..];
    assert!(tail[0].starts_with("250 2.1.0"), "{r:?}");
    assert!(tail[1].starts_with("250 2.1.5"), "{r:?}");
    assert!(tail[2].starts_with("550 5.1.1"), "{r:?}");
    assert!(tail[3].starts_with("250 2.1.5"), "{r:?}");
    assert!(tail[4].starts_with("550 5.1.1"), "{r:?}");
    assert!(tail[5].starts_with("354"), "{r:?}");
    c.write_all(b"Subject: hi\nFrom: s@remote.test\n\n..dot\nbody\n.\r\n")
        .await
        .unwrap();
    let r = replies(&mut c, 2).await;
    assert_eq!(r.len(), 2, "one reply per accepted recipient: {r:?}");
    assert!(r.iter().all(|l| l.starts_with("250 2.0.0")), "{r:?}");

    // The change feed announced it (IDLE sessions on this store wake up at once).
    let change = tokio::time::timeout(Duration::from_secs(10), feed.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(change, Change::Mailbox { .. }));

    let a = inbox_messages(&f.store, "alice", "INBOX").await;
    let b = inbox_messages(&f.store, "bob", "INBOX").await;
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_eq!(a[0].1, b[0].1, "one blob for both recipients");
    assert_eq!(
        a[0].0,
        b"Return-Path: <sender@remote.test>\r\nSubject: hi\r\nFrom: s@remote.test\r\n\r\n.dot\r\nbody\r\n".to_vec()
    );
    c.write_all(b"QUIT\r\n").await.unwrap();
    assert!(replies(&mut c, 1).await[0].starts_with("221"));
}

#[tokio::test]
async fn subaddress_alias_and_delivered_to() {
    let f = fixture(config()).await;
    let mut c = connect(&f.ctx);
    replies(&mut c, 1).await;
    c.write_all(b"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<alice+Lists@example.org>\r\nDATA\r\n")
        .await
        .unwrap();
    let r = replies(&mut c, 4).await;
    assert!(r.last().unwrap().starts_with("354"), "{r:?}");
    c.write_all(b"Subject: a\r\n\r\nx\r\n.\r\n").await.unwrap();
    assert!(replies(&mut c, 1).await[0].starts_with("250 2.0.0"));
    let lists = inbox_messages(&f.store, "alice", "lists").await;
    assert_eq!(lists.len(), 1);
    assert!(lists[0].0.starts_with(
        b"Return-Path: <>\r\nDelivered-To: alice+Lists@example.org\r\nSubject: a\r\n"
    ));

    // Unknown detail: INBOX. Alias: postmaster -> alice.
    c.write_all(b"MAIL FROM:<a@b>\r\nRCPT TO:<alice+nosuch@example.org>\r\nDATA\r\n")
        .await
        .unwrap();
    replies(&mut c, 3).await;
    c.write_all(b"x\r\n.\r\nMAIL FROM:<a@b>\r\nRCPT TO:<postmaster@example.org>\r\nDATA\r\n")
        .await
        .unwrap();
    let r = replies(&mut c, 4).await;
    assert!(
        r[0].starts_with("250 2.0.0") && r[3].starts_with("354"),
        "{r:?}"
    );
    c.write_all(b"y\r\n.\r\n").await.unwrap();
    replies(&mut c, 1).await;
    assert_eq!(inbox_messages(&f.store, "alice", "INBOX").await.len(), 2);
}

#[tokio::test]
async fn bdat_and_sequence_errors() {
    let f = fixture(config()).await;
    let mut c = connect(&f.ctx);
    replies(&mut c, 1).await;
    // Out of sequence: MAIL before LHLO, DATA and BDAT before RCPT, EHLO, VRFY.
    c.write_all(
        b"MAIL FROM:<a@b>\r\nEHLO x\r\nLHLO x\r\nDATA\r\nBDAT 3 LAST\r\nabcVRFY alice\r\nNOOP\r\n",
    )
    .await
    .unwrap();
    let r = replies(&mut c, 7).await;
    assert!(r[0].starts_with("503 5.5.1"), "{r:?}");
    assert!(r[1].starts_with("500 5.5.1"), "{r:?}");
    let after_lhlo: Vec<&String> = r
        .iter()
        .skip_while(|l| !l.starts_with("250 SIZE"))
        .skip(1)
        .collect();
    assert!(after_lhlo[0].starts_with("503"), "{r:?}");
    assert!(after_lhlo[1].starts_with("503"), "{r:?}");
    assert!(after_lhlo[2].starts_with("252"), "{r:?}");
    assert!(after_lhlo[3].starts_with("250 2.0.0"), "{r:?}");

    c.write_all(b"MAIL FROM:<a@b>\r\nRCPT TO:<bob@example.org>\r\nBDAT 9\r\nSubject: BDAT 7 LAST\r\nb\nody\r\n").await.unwrap();
    let r = replies(&mut c, 4).await;
    assert!(r[2].starts_with("250 2.0.0 9 octets"), "{r:?}");
    assert!(r[3].starts_with("250 2.0.0"), "{r:?}");
    let b = inbox_messages(&f.store, "bob", "INBOX").await;
    assert_eq!(
        b[0].0,
        b"Return-Path: <a@b>\r\nDelivered-To: bob@example.org\r\nSubject: b\r\nody\r\n".to_vec()
    );

    // RSET forgets the transaction.
    c.write_all(b"MAIL FROM:<a@b>\r\nRCPT TO:<bob@example.org>\r\nRSET\r\nDATA\r\n")
        .await
        .unwrap();
    let r = replies(&mut c, 4).await;
    assert!(r[3].starts_with("503"), "{r:?}");
}

#[tokio::test]
async fn size_limit() {
    let mut cfg = config();
    cfg.max_message_bytes = 100;
    let f = fixture(cfg).await;
    let mut c = connect(&f.ctx);
    replies(&mut c, 1).await;
    c.write_all(b"LHLO x\r\nMAIL FROM:<a@b> SIZE=1000\r\nMAIL FROM:<a@b>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n").await.unwrap();
    let r = replies(&mut c, 5).await;
    assert!(r.iter().any(|l| l.starts_with("552 5.3.4")), "{r:?}");
    assert!(r.last().unwrap().starts_with("354"));
    let big = format!("{}\r\n.\r\n", "x".repeat(500));
    c.write_all(big.as_bytes()).await.unwrap();
    let r = replies(&mut c, 1).await;
    assert!(r[0].starts_with("552 5.3.4"), "{r:?}");
    assert!(inbox_messages(&f.store, "bob", "INBOX").await.is_empty());
}
