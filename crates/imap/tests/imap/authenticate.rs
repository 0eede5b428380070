//! AUTHENTICATE PLAIN (RFC 9051 §6.2.2, RFC 4616) with and without SASL-IR (RFC 4959).

use base64::Engine;
use loft_testkit::TestServer;

fn b64(s: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

async fn server() -> TestServer {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "secret").await;
    server
}

#[tokio::test]
async fn plain_with_initial_response() {
    let server = server().await;
    let mut tc = server.connect().await;
    let reply = tc
        .command(&format!("AUTHENTICATE PLAIN {}", b64(b"\0alice\0secret")))
        .await;
    assert!(
        reply.tagged.starts_with("OK [CAPABILITY "),
        "{}",
        reply.tagged
    );
    tc.ok("SELECT INBOX").await;
}

#[tokio::test]
async fn plain_with_continuation() {
    let server = server().await;
    let mut tc = server.connect().await;
    tc.send("a1 authenticate plain").await;
    let cont = tc.read_response().await;
    assert_eq!(cont, "+ ");
    tc.send(&b64(b"alice\0alice\0secret")).await;
    let reply = tc.finish("a1", "AUTHENTICATE").await;
    assert_eq!(reply.status(), "OK", "{}", reply.tagged);
}

#[tokio::test]
async fn cancel_is_bad() {
    let server = server().await;
    let mut tc = server.connect().await;
    tc.send("a1 AUTHENTICATE PLAIN").await;
    assert!(tc.read_response().await.starts_with('+'));
    tc.send("*").await;
    let reply = tc.finish("a1", "AUTHENTICATE").await;
    assert_eq!(reply.status(), "BAD", "{}", reply.tagged);
    // The connection goes on.
    tc.ok("NOOP").await;
}

#[tokio::test]
async fn failures() {
    let server = server().await;
    let mut tc = server.connect().await;
    let r = tc
        .command(&format!("AUTHENTICATE PLAIN {}", b64(b"\0alice\0wrong")))
        .await;
    assert_eq!(r.tagged, "NO [AUTHENTICATIONFAILED] Authentication failed");
    let r = tc
        .command(&format!(
            "AUTHENTICATE PLAIN {}",
            b64(b"bob\0alice\0secret")
        ))
        .await;
    assert!(
        r.tagged.starts_with("NO [AUTHORIZATIONFAILED]"),
        "{}",
        r.tagged
    );
    let r = tc.command("AUTHENTICATE PLAIN !!!notbase64").await;
    assert_eq!(r.status(), "BAD", "{}", r.tagged);
    let r = tc
        .command(&format!("AUTHENTICATE PLAIN {}", b64(b"alice-secret")))
        .await;
    assert_eq!(r.status(), "BAD", "{}", r.tagged);
    let r = tc.command("AUTHENTICATE PLAIN =").await;
    assert_eq!(r.status(), "BAD", "{}", r.tagged);
    let r = tc.command("AUTHENTICATE CRAM-MD5").await;
    assert_eq!(r.status(), "NO", "{}", r.tagged);
    // Same authzid as authcid is fine.
    let r = tc
        .command(&format!(
            "AUTHENTICATE PLAIN {}",
            b64(b"alice\0alice\0secret")
        ))
        .await;
    assert_eq!(r.status(), "OK", "{}", r.tagged);
}
