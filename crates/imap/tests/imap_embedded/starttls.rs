//! STARTTLS (RFC 9051 §6.2.1), including the plaintext command-injection defence.

use super::common;

use loft_imap::{ImapConfig, PlaintextAuth};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use common::{TlsServer, read_line, read_until_tagged, tls_server};

fn never() -> ImapConfig {
    ImapConfig {
        plaintext_auth: PlaintextAuth::Never,
        ..ImapConfig::default()
    }
}

#[tokio::test]
async fn starttls_then_login() {
    let server = tls_server(never()).await;
    server.add_user("alice", "secret").await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let greeting = read_line(&mut tcp).await;
    assert!(greeting.contains(" STARTTLS"), "{greeting}");
    assert!(greeting.contains(" LOGINDISABLED"), "{greeting}");
    tcp.write_all(b"a1 LOGIN alice secret\r\n").await.unwrap();
    let lines = read_until_tagged(&mut tcp, "a1").await;
    assert!(
        lines.last().unwrap().starts_with("a1 NO [PRIVACYREQUIRED]"),
        "{lines:?}"
    );

    tcp.write_all(b"a2 STARTTLS\r\n").await.unwrap();
    let lines = read_until_tagged(&mut tcp, "a2").await;
    assert!(lines.last().unwrap().starts_with("a2 OK"), "{lines:?}");
    let mut tls = server
        .connector()
        .connect(TlsServer::server_name(), tcp)
        .await
        .expect("TLS handshake");

    tls.write_all(b"a3 CAPABILITY\r\n").await.unwrap();
    let lines = read_until_tagged(&mut tls, "a3").await;
    assert!(!lines[0].contains("STARTTLS"), "{lines:?}");
    assert!(!lines[0].contains("LOGINDISABLED"), "{lines:?}");
    assert!(lines[0].contains("AUTH=PLAIN"), "{lines:?}");
    tls.write_all(b"a4 STARTTLS\r\n").await.unwrap();
    let lines = read_until_tagged(&mut tls, "a4").await;
    assert!(lines.last().unwrap().starts_with("a4 BAD"), "{lines:?}");
    tls.write_all(b"a5 LOGIN alice secret\r\n").await.unwrap();
    let lines = read_until_tagged(&mut tls, "a5").await;
    assert!(lines.last().unwrap().starts_with("a5 OK"), "{lines:?}");
}

/// RFC 9051 §6.2.1 / CERT-555316: commands pipelined in cleartext behind STARTTLS must not
/// run inside the TLS session. The injected LOGIN would succeed over TLS; afterwards the
/// session must still be unauthenticated and no answer to it may appear.
#[tokio::test]
async fn pipelined_plaintext_after_starttls_is_not_executed() {
    let server = tls_server(never()).await;
    server.add_user("alice", "secret").await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let _greeting = read_line(&mut tcp).await;
    // One write, so both commands land in the server's buffer together.
    tcp.write_all(b"a1 STARTTLS\r\nx1 LOGIN alice secret\r\nx2 NOOP\r\n")
        .await
        .unwrap();
    let line = read_line(&mut tcp).await;
    assert!(line.starts_with("a1 OK"), "{line}");
    let mut tls = server
        .connector()
        .connect(TlsServer::server_name(), tcp)
        .await
        .expect("TLS handshake");
    tls.write_all(b"a2 SELECT INBOX\r\n").await.unwrap();
    let lines = read_until_tagged(&mut tls, "a2").await;
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("x1") && !l.starts_with("x2")),
        "{lines:?}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("a2 BAD") && last.contains("not authenticated"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn starttls_unavailable_without_tls_config() {
    let server = loft_testkit::TestServer::start().await;
    let mut tc = server.connect().await;
    tc.bad("STARTTLS").await;
}
