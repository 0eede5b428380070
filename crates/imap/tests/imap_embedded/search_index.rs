//! SEARCH through the store's search index (issue 6): every answer is identical whether
//! the messages are not indexed yet (scanned), or indexed (FTS5 trigram / field table).
//! RFC 9051 §6.4.4: BODY/TEXT/FROM/... are case-insensitive substring matches.
use std::sync::Arc;

use loft_store::EmbeddedStore;
use loft_testkit::server::{parse_flags, test_config};
use loft_testkit::{TestConn, TestServer};

const MESSAGES: &[&str] = &[
    "From: Alice Example <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Plain one\r\n\r\n\
     The QUETZALCOATLUS was here.\r\n",
    "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>\r\nTo: alice@example.com\r\n\
     Cc: Carol <carol@example.net>\r\nSubject: =?utf-8?b?w5xiZXIgZGVuIFBsYW4=?=\r\n\
     MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
     R3LDvMOfZSBhdXMgS8O2bG4sIHF1ZXR6YWxjb2F0bHVzIQ==\r\n",
    "From: bob@example.org\r\nTo: alice@example.com\r\nBcc: secret@example.com\r\nSubject: qp\r\n\
     MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
     Caf=E9 cr=E8me, soft line=\r\n break here.\r\n",
    "From: Dave <dave@example.com>\r\nTo: alice@example.com\r\nSubject: html\r\n\
     MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
     --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Meet at <b>noon</b></p>\r\n--b--\r\n",
];

const QUERIES: &[&str] = &[
    "SEARCH BODY quetzalcoatlus",
    "SEARCH BODY QUETZAL",
    "SEARCH BODY \"grüße aus köln\"",
    "SEARCH BODY \"café crème\"",
    "SEARCH BODY \"line break\"",
    "SEARCH BODY noon",
    "SEARCH BODY \"at noon\"",
    "SEARCH BODY subject",
    "SEARCH BODY ab",
    "SEARCH BODY \"é\"",
    "SEARCH BODY \"\"",
    "SEARCH TEXT subject",
    "SEARCH TEXT \"plain one\"",
    "SEARCH TEXT \"über den\"",
    "SEARCH TEXT qp",
    "SEARCH TEXT \"from: bob\"",
    "SEARCH FROM \"jürgen\"",
    "SEARCH FROM \"müller <jm@\"",
    "SEARCH FROM EXAMPLE.COM",
    "SEARCH FROM \"\"",
    "SEARCH TO alice",
    "SEARCH CC carol",
    "SEARCH CC \"\"",
    "SEARCH BCC secret",
    "SEARCH BCC \"\"",
    "SEARCH SUBJECT \"über\"",
    "SEARCH SUBJECT \"\"",
    "SEARCH OR BODY noon FROM bob",
    "SEARCH NOT BODY quetzalcoatlus",
    "SEARCH UNSEEN TEXT example",
];

async fn server(paused: bool) -> (TestServer, EmbeddedStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).await.unwrap();
    store.set_search_indexer_paused(paused);
    let srv = TestServer::with_store(Arc::new(store.clone()), test_config(), dir).await;
    srv.add_user("alice", "secret").await;
    for m in MESSAGES {
        srv.append_with("alice", "INBOX", *m, parse_flags(""), None)
            .await;
    }
    (srv, store)
}

async fn answers(tc: &mut TestConn) -> Vec<String> {
    let mut out = Vec::new();
    for q in QUERIES {
        let u = tc
            .ok(&q.replacen("SEARCH", "SEARCH CHARSET UTF-8", 1))
            .await;
        assert_eq!(u.len(), 1, "{q}: {u:?}");
        out.push(format!("{q} => {}", u[0]));
    }
    out
}

#[tokio::test]
async fn indexed_and_unindexed_answers_agree() {
    let (srv, store) = server(true).await;
    let mut tc = srv.login("alice", "secret").await;
    tc.ok("SELECT INBOX").await;
    let scanned = answers(&mut tc).await;
    store.index_all().await.unwrap();
    let indexed = answers(&mut tc).await;
    assert_eq!(scanned, indexed);
    let expect = |q: &str| {
        scanned
            .iter()
            .find(|a| a.starts_with(&format!("{q} =>")))
            .unwrap()
            .split(" => ")
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(expect("SEARCH BODY quetzalcoatlus"), "* SEARCH 1 2");
    assert_eq!(expect("SEARCH BODY \"grüße aus köln\""), "* SEARCH 2");
    assert_eq!(expect("SEARCH BODY \"café crème\""), "* SEARCH 3");
    assert_eq!(expect("SEARCH BODY \"line break\""), "* SEARCH 3");
    assert_eq!(expect("SEARCH BODY \"at noon\""), "* SEARCH 4");
    assert_eq!(expect("SEARCH BODY subject"), "* SEARCH");
    assert_eq!(expect("SEARCH TEXT \"über den\""), "* SEARCH 2");
    assert_eq!(expect("SEARCH FROM \"jürgen\""), "* SEARCH 2");
    assert_eq!(expect("SEARCH CC carol"), "* SEARCH 2");
    assert_eq!(expect("SEARCH BCC secret"), "* SEARCH 3");
    assert_eq!(expect("SEARCH SUBJECT \"über\""), "* SEARCH 2");
    assert_eq!(expect("SEARCH BODY \"é\""), "* SEARCH 3");
    assert_eq!(expect("SEARCH NOT BODY quetzalcoatlus"), "* SEARCH 3 4");
}

#[tokio::test]
async fn half_indexed_mailbox_and_immediate_search() {
    // Background indexer running: search right after APPEND, whatever is indexed by then.
    let (srv, store) = server(false).await;
    let mut tc = srv.login("alice", "secret").await;
    tc.ok("SELECT INBOX").await;
    let racing = answers(&mut tc).await;
    store.index_all().await.unwrap();
    // Appended after indexing: the mailbox is part indexed, part not.
    store.set_search_indexer_paused(true);
    let extra = "From: Eve <eve@example.com>\r\nSubject: late\r\n\r\nquetzalcoatlus again\r\n";
    tc.ok(&format!("APPEND INBOX {{{}+}}\r\n{extra}", extra.len()))
        .await;
    tc.ok("NOOP").await;
    let u = tc.ok("SEARCH BODY quetzalcoatlus").await;
    assert_eq!(u, vec!["* SEARCH 1 2 5".to_string()]);
    let u = tc.ok("SEARCH FROM eve").await;
    assert_eq!(u, vec!["* SEARCH 5".to_string()]);
    tc.ok("STORE 5 +FLAGS (\\Deleted)").await;
    tc.ok("EXPUNGE").await;
    assert_eq!(racing, answers(&mut tc).await);
}
