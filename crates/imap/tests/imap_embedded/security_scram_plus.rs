//! SCRAM-SHA-256-PLUS with `tls-exporter` channel binding (RFC 5802 §6, RFC 9266) after
//! STARTTLS, against a client written here from the RFC on rustls' own exporter: the
//! binding data comes from the client side of the TLS connection, independently of the
//! server's. (Python's ssl module cannot export keying material, so the e2e suite covers
//! SCRAM-SHA-256 with scramp and this covers -PLUS.)

use super::common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use loft_imap::{ImapConfig, PlaintextAuth};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use common::{TlsServer, read_line, read_until_tagged, tls_server};

const PASSWORD: &str = "pencil-case-9";

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

async fn server() -> TlsServer {
    let server = tls_server(ImapConfig {
        plaintext_auth: PlaintextAuth::Never,
        ..ImapConfig::default()
    })
    .await;
    server.add_user("alice", PASSWORD).await;
    let store = &server.ctx.store;
    let id = store.account("alice").await.unwrap().unwrap().id;
    let creds =
        loft_auth::ScramCreds::derive(&loft_auth::Secret::new(PASSWORD.to_string()), 4096).unwrap();
    store
        .set_scram_credentials(id, Some(&creds.to_string()))
        .await
        .unwrap();
    server
}

/// One SCRAM-SHA-256-PLUS exchange; returns the tagged line.
async fn scram_plus<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    cb_data: &[u8],
    password: &str,
) -> String {
    let gs2 = "p=tls-exporter,,";
    let bare = "n=alice,r=fyko+d2lbbFgONRv9qkxdawL";
    s.write_all(
        format!(
            "a1 AUTHENTICATE SCRAM-SHA-256-PLUS {}\r\n",
            STANDARD.encode(format!("{gs2}{bare}"))
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let line = read_line(s).await;
    let Some(first) = line.strip_prefix("+ ") else {
        return line;
    };
    let server_first = String::from_utf8(STANDARD.decode(first).unwrap()).unwrap();
    let mut nonce = "";
    let mut salt = Vec::new();
    let mut iterations = 0u32;
    for attr in server_first.split(',') {
        match attr.split_at(2) {
            ("r=", v) => nonce = v,
            ("s=", v) => salt = STANDARD.decode(v).unwrap(),
            ("i=", v) => iterations = v.parse().unwrap(),
            _ => {}
        }
    }
    let mut cbind = gs2.as_bytes().to_vec();
    cbind.extend_from_slice(cb_data);
    let without_proof = format!("c={},r={nonce}", STANDARD.encode(&cbind));
    let auth_message = format!("{bare},{server_first},{without_proof}");
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, &mut salted);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(&client_key);
    let signature = hmac(&stored_key, auth_message.as_bytes());
    let proof: Vec<u8> = client_key
        .iter()
        .zip(&signature)
        .map(|(a, b)| a ^ b)
        .collect();
    let final_msg = format!("{without_proof},p={}", STANDARD.encode(proof));
    s.write_all(format!("{}\r\n", STANDARD.encode(final_msg)).as_bytes())
        .await
        .unwrap();
    let line = read_line(s).await;
    let Some(v) = line.strip_prefix("+ ") else {
        return line;
    };
    // RFC 5802 §3: check the server signature before accepting the outcome.
    let server_key = hmac(&salted, b"Server Key");
    let expected = format!(
        "v={}",
        STANDARD.encode(hmac(&server_key, auth_message.as_bytes()))
    );
    assert_eq!(
        String::from_utf8(STANDARD.decode(v).unwrap()).unwrap(),
        expected
    );
    s.write_all(b"\r\n").await.unwrap();
    read_until_tagged(s, "a1").await.pop().unwrap()
}

async fn starttls(server: &TlsServer) -> tokio_rustls::client::TlsStream<TcpStream> {
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let greeting = read_line(&mut tcp).await;
    // Before TLS: SCRAM-SHA-256 yes (no password crosses the wire), -PLUS no.
    assert!(greeting.contains("AUTH=SCRAM-SHA-256 "), "{greeting}");
    assert!(!greeting.contains("AUTH=SCRAM-SHA-256-PLUS"), "{greeting}");
    assert!(!greeting.contains("AUTH=PLAIN"), "{greeting}");
    tcp.write_all(b"a0 AUTHENTICATE SCRAM-SHA-256-PLUS\r\n")
        .await
        .unwrap();
    let lines = read_until_tagged(&mut tcp, "a0").await;
    assert!(lines.last().unwrap().starts_with("a0 NO"), "{lines:?}");
    tcp.write_all(b"s1 STARTTLS\r\n").await.unwrap();
    read_until_tagged(&mut tcp, "s1").await;
    let mut tls = server
        .connector()
        .connect(TlsServer::server_name(), tcp)
        .await
        .unwrap();
    tls.write_all(b"c1 CAPABILITY\r\n").await.unwrap();
    let caps = read_until_tagged(&mut tls, "c1").await;
    assert!(caps[0].contains("AUTH=SCRAM-SHA-256-PLUS"), "{caps:?}");
    tls
}

fn exporter(tls: &tokio_rustls::client::TlsStream<TcpStream>) -> Vec<u8> {
    let conn = tls.get_ref().1;
    assert_eq!(
        conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    conn.export_keying_material([0u8; 32], b"EXPORTER-Channel-Binding", None)
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn scram_plus_with_tls_exporter_succeeds() {
    let server = server().await;
    let mut tls = starttls(&server).await;
    let cb = exporter(&tls);
    let tagged = scram_plus(&mut tls, &cb, PASSWORD).await;
    assert!(tagged.starts_with("a1 OK"), "{tagged}");
    tls.write_all(b"a2 SELECT INBOX\r\n").await.unwrap();
    assert!(
        read_until_tagged(&mut tls, "a2")
            .await
            .last()
            .unwrap()
            .starts_with("a2 OK")
    );
}

#[tokio::test]
async fn scram_plus_with_wrong_binding_or_password_fails() {
    let server = server().await;
    let mut tls = starttls(&server).await;
    let mut cb = exporter(&tls);
    cb[0] ^= 1;
    let tagged = scram_plus(&mut tls, &cb, PASSWORD).await;
    assert!(
        tagged.starts_with("a1 NO [AUTHENTICATIONFAILED]"),
        "{tagged}"
    );
    let cb = exporter(&tls);
    let tagged = scram_plus(&mut tls, &cb, "wrong").await;
    assert!(
        tagged.starts_with("a1 NO [AUTHENTICATIONFAILED]"),
        "{tagged}"
    );
}
