//! Helpers these tests need beyond loft-testkit: a server context with TLS (testkit's
//! `TestServer` has none) and a TLS client that trusts a generated self-signed certificate.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use loft_imap::{ImapConfig, ServerContext};
use loft_store::Store;
use loft_store::embedded::EmbeddedStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::TcpListener;

pub struct TlsServer {
    pub ctx: Arc<ServerContext>,
    pub addr: SocketAddr,
    pub cert: CertificateDer<'static>,
    _dir: tempfile::TempDir,
}

/// A loopback server with STARTTLS available, on a fresh store.
pub async fn tls_server(config: ImapConfig) -> TlsServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> =
        Arc::new(EmbeddedStore::open(dir.path()).await.expect("open store"));
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("generate cert");
    let cert = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .expect("server cert");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
    let ctx = Arc::new(ServerContext {
        store,
        tls: Some(acceptor),
        config,
    });
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let loop_ctx = ctx.clone();
    tokio::spawn(async move {
        while let Ok((stream, peer)) = listener.accept().await {
            let ctx = loop_ctx.clone();
            tokio::spawn(loft_imap::serve_connection(
                ctx,
                Box::new(stream),
                peer,
                false,
            ));
        }
    });
    TlsServer {
        ctx,
        addr,
        cert,
        _dir: dir,
    }
}

impl TlsServer {
    pub async fn add_user(&self, name: &str, password: &str) {
        let hash =
            loft_auth::hash_password(&loft_auth::Secret::new(password.to_string())).expect("hash");
        self.ctx
            .store
            .create_account(name, &hash)
            .await
            .expect("create account");
    }

    /// A TLS connector that trusts exactly this server's certificate.
    pub fn connector(&self) -> tokio_rustls::TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(self.cert.clone())
            .expect("add self-signed cert as root");
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }

    pub fn server_name() -> ServerName<'static> {
        ServerName::try_from("localhost").expect("valid DNS name")
    }
}

/// Read one CRLF-terminated line byte by byte (so nothing past it is consumed), without
/// the CRLF. Panics after 10 s.
pub async fn read_line<S: AsyncRead + Unpin>(stream: &mut S) -> String {
    let fut = async {
        let mut line = Vec::new();
        loop {
            let b = stream.read_u8().await.expect("read a byte");
            line.push(b);
            if line.ends_with(b"\r\n") {
                line.truncate(line.len() - 2);
                return String::from_utf8_lossy(&line).into_owned();
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), fut)
        .await
        .expect("line within 10 s")
}

/// Read lines until the one starting with `tag `; returns all of them.
pub async fn read_until_tagged<S: AsyncRead + Unpin>(stream: &mut S, tag: &str) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let line = read_line(stream).await;
        let done = line.starts_with(&format!("{tag} "));
        lines.push(line);
        if done {
            return lines;
        }
    }
}
