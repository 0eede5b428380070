//! TLS for the listeners: rustls 0.23 with the aws-lc-rs provider, PEM files read with
//! rustls-pki-types, and a self-signed certificate generated on first start when the config
//! names none.
//!
//! RFC 9051 §11.1: IMAP servers MUST implement TLS 1.2 or newer, TLS 1.3 RECOMMENDED; RFC 8996
//! forbids TLS 1.0 and 1.1. So only TLS 1.3 and 1.2 are enabled.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::crypto::aws_lc_rs;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Names the generated certificate is valid for: what a local client types.
pub const GENERATED_CERT_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS certificate {}: {reason}", path.display())]
    Cert { path: PathBuf, reason: String },
    #[error("TLS private key {}: {reason}", path.display())]
    Key { path: PathBuf, reason: String },
    #[error("TLS private key {} does not match certificate {}", key.display(), cert.display())]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("TLS setup with certificate {} and key {}: {reason}", cert.display(), key.display())]
    Setup { cert: PathBuf, key: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Generate { path: PathBuf, reason: String },
}

/// What `ensure_generated` found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// A new self-signed certificate was written.
    New,
    /// The certificate of an earlier start is reused.
    Existing,
}

/// Make sure `DATA_DIR/tls/{cert,key}.pem` exist, generating a self-signed certificate for
/// `GENERATED_CERT_NAMES` the first time. The key file is created mode 0600.
pub fn ensure_generated(cert: &Path, key: &Path) -> Result<Generated, TlsError> {
    match (cert.exists(), key.exists()) {
        (true, true) => return Ok(Generated::Existing),
        (false, false) => {}
        (true, false) => {
            return Err(TlsError::Generate {
                path: key.to_path_buf(),
                reason: format!("missing although {} exists; remove both to generate a new pair", cert.display()),
            });
        }
        (false, true) => {
            return Err(TlsError::Generate {
                path: cert.to_path_buf(),
                reason: format!("missing although {} exists; remove both to generate a new pair", key.display()),
            });
        }
    }
    let gen_err = |path: &Path, reason: String| TlsError::Generate { path: path.to_path_buf(), reason };
    let names: Vec<String> = GENERATED_CERT_NAMES.iter().map(|s| s.to_string()).collect();
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| gen_err(cert, e.to_string()))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "loft self-signed certificate");
    let signing_key = rcgen::KeyPair::generate().map_err(|e| gen_err(key, e.to_string()))?;
    let certificate = params.self_signed(&signing_key).map_err(|e| gen_err(cert, e.to_string()))?;

    if let Some(dir) = cert.parent() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| gen_err(dir, e.to_string()))?;
    }
    if let Some(dir) = key.parent() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| gen_err(dir, e.to_string()))?;
    }
    // Key first, certificate last: both exist only once both are complete.
    write_durably(key, signing_key.serialize_pem().as_bytes(), 0o600).map_err(|e| gen_err(key, e.to_string()))?;
    write_durably(cert, certificate.pem().as_bytes(), 0o644).map_err(|e| gen_err(cert, e.to_string()))?;
    Ok(Generated::New)
}

/// Load a PEM certificate chain and private key into a TLS acceptor. Errors name the file.
pub fn load_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, TlsError> {
    let chain = load_certs(cert)?;
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
        path: key.to_path_buf(),
        reason: describe(e, "no private key found (expected a PEM \"PRIVATE KEY\" block)"),
    })?;
    let provider = Arc::new(aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Setup { cert: cert.to_path_buf(), key: key.to_path_buf(), reason: e.to_string() })?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
                TlsError::Mismatch { cert: cert.to_path_buf(), key: key.to_path_buf() }
            }
            other => TlsError::Setup { cert: cert.to_path_buf(), key: key.to_path_buf(), reason: other.to_string() },
        })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let cert_err = |reason: String| TlsError::Cert { path: path.to_path_buf(), reason };
    let no_cert = "no certificate found (expected a PEM \"CERTIFICATE\" block)";
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| cert_err(describe(e, no_cert)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_err(describe(e, no_cert)))?;
    if chain.is_empty() {
        return Err(cert_err(no_cert.to_string()));
    }
    Ok(chain)
}

fn describe(e: pem::Error, none_found: &str) -> String {
    match e {
        pem::Error::Io(io) => io.to_string(),
        pem::Error::NoItemsFound => none_found.to_string(),
        other => format!("not valid PEM: {other}"),
    }
}

/// Write a file so that it is either absent or complete: temp file, fsync, rename, fsync dir.
fn write_durably(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    // A leftover temp file could carry looser permissions; `mode` applies only on creation.
    let _ = std::fs::remove_file(&tmp);
    let mut file = OpenOptions::new().write(true).create_new(true).mode(mode).open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn generate_then_reuse_then_load() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("tls/cert.pem"), dir.path().join("tls/key.pem"));
        assert_eq!(ensure_generated(&cert, &key).unwrap(), Generated::New);
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let first = std::fs::read(&cert).unwrap();
        assert_eq!(ensure_generated(&cert, &key).unwrap(), Generated::Existing);
        assert_eq!(std::fs::read(&cert).unwrap(), first);
        load_acceptor(&cert, &key).unwrap();
    }

    #[test]
    fn half_a_pair_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, "x").unwrap();
        let e = ensure_generated(&cert, &key).unwrap_err().to_string();
        assert!(e.contains("key.pem: missing although"), "{e}");
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let e = load_acceptor(&cert, &key).err().unwrap().to_string();
        assert!(e.starts_with(&format!("TLS certificate {}: No such file", cert.display())), "{e}");

        std::fs::write(&cert, "hello\n").unwrap();
        let e = load_acceptor(&cert, &key).err().unwrap().to_string();
        assert!(e.contains("no certificate found"), "{e}");

        let (c1, k1) = (dir.path().join("a/cert.pem"), dir.path().join("a/key.pem"));
        let (c2, k2) = (dir.path().join("b/cert.pem"), dir.path().join("b/key.pem"));
        ensure_generated(&c1, &k1).unwrap();
        ensure_generated(&c2, &k2).unwrap();
        let e = load_acceptor(&c1, &key).err().unwrap().to_string();
        assert!(e.starts_with(&format!("TLS private key {}: No such file", key.display())), "{e}");
        std::fs::write(&key, "-----BEGIN CERTIFICATE-----\n").unwrap();
        let e = load_acceptor(&c1, &key).err().unwrap().to_string();
        assert!(e.starts_with(&format!("TLS private key {}:", key.display())), "{e}");
        let e = load_acceptor(&c1, &k2).err().unwrap().to_string();
        assert_eq!(e, format!("TLS private key {} does not match certificate {}", k2.display(), c1.display()));
    }
}
