//! TLS for the listeners: rustls 0.23 with the aws-lc-rs provider, PEM files read with
//! rustls-pki-types, and a self-signed certificate generated on first start when the config
//! names none.
//!
//! RFC 9051 §11.1: IMAP servers MUST implement TLS 1.2 or newer, TLS 1.3 RECOMMENDED; RFC 8996
//! forbids TLS 1.0 and 1.1. So only TLS 1.3 and 1.2 are enabled.
//!
//! Several certificates can be configured; the client's SNI name picks one (RFC 6066 §3),
//! the first is the default. [`Certificates`] is the rustls resolver: [`Certificates::reload`]
//! swaps the whole set atomically, so new handshakes get the new certificates while
//! existing connections keep the ones they started with. [`watch`] reloads on SIGHUP and
//! when a file's modification time changes.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::ServerConfig;
use rustls::crypto::aws_lc_rs;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
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
    Setup {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
    #[error("{}: {reason}", path.display())]
    Generate { path: PathBuf, reason: String },
    #[error("TLS certificate {} expired on {not_after}", path.display())]
    Expired { path: PathBuf, not_after: String },
}

/// A certificate to serve: PEM chain, PEM key, and the SNI names it is for (empty: only as
/// the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSpec {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub names: Vec<String>,
}

/// Warn when a certificate expires within this many days.
pub const EXPIRY_WARNING_DAYS: u64 = 14;
/// How often [`watch`] looks at the files' modification times.
pub const RELOAD_POLL_SECS: u64 = 5;

/// The loaded certificates: the rustls resolver of every TLS listener.
#[derive(Debug)]
pub struct Certificates {
    current: RwLock<Arc<CertSet>>,
}

#[derive(Debug)]
struct CertSet {
    default: Arc<CertifiedKey>,
    /// Lower-case names; `*.example.com` entries match one extra label.
    by_name: HashMap<String, Arc<CertifiedKey>>,
}

impl Certificates {
    /// Load every certificate; any error (missing file, bad PEM, key mismatch, expired)
    /// refuses the whole set. Returns warnings (expiring soon) to log.
    pub fn load(specs: &[CertSpec]) -> Result<(Certificates, Vec<String>), TlsError> {
        let (set, warnings) = load_set(specs)?;
        Ok((
            Certificates {
                current: RwLock::new(Arc::new(set)),
            },
            warnings,
        ))
    }

    /// Replace the set; on error the old one stays in use.
    pub fn reload(&self, specs: &[CertSpec]) -> Result<Vec<String>, TlsError> {
        let (set, warnings) = load_set(specs)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(set);
        Ok(warnings)
    }

    fn snapshot(&self) -> Arc<CertSet> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let set = self.snapshot();
        let Some(name) = hello.server_name() else {
            return Some(set.default.clone());
        };
        let name = name.to_ascii_lowercase();
        if let Some(k) = set.by_name.get(&name) {
            return Some(k.clone());
        }
        let wildcard = name.split_once('.').map(|(_, rest)| format!("*.{rest}"));
        Some(
            wildcard
                .and_then(|w| set.by_name.get(&w).cloned())
                .unwrap_or_else(|| set.default.clone()),
        )
    }
}

/// A TLS acceptor (TLS 1.3 and 1.2 only) over the resolver.
pub fn acceptor(certs: Arc<Certificates>) -> Result<TlsAcceptor, TlsError> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Setup {
            cert: PathBuf::new(),
            key: PathBuf::new(),
            reason: e.to_string(),
        })?
        .with_no_client_auth()
        .with_cert_resolver(certs);
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Reload the certificates on SIGHUP and when a file changes, until the process ends.
/// Failures are logged and the old certificates stay.
pub fn watch(certs: Arc<Certificates>, specs: Vec<CertSpec>) {
    tokio::spawn(async move {
        let mut hup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "cannot install the SIGHUP handler; certificates reload only on file change");
                None
            }
        };
        let mut stamps = mtimes(&specs);
        let mut tick = tokio::time::interval(Duration::from_secs(RELOAD_POLL_SECS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let why = tokio::select! {
                Some(()) = async { match hup.as_mut() { Some(h) => h.recv().await, None => std::future::pending().await } } => "SIGHUP",
                _ = tick.tick() => {
                    let now = mtimes(&specs);
                    if now == stamps { continue; }
                    stamps = now;
                    "file change"
                }
            };
            match certs.reload(&specs) {
                Ok(warnings) => {
                    tracing::info!(
                        trigger = why,
                        certificates = specs.len(),
                        "TLS certificates reloaded"
                    );
                    for w in warnings {
                        tracing::warn!("{w}");
                    }
                }
                Err(e) => {
                    tracing::error!(trigger = why, error = %e, "TLS certificate reload failed; keeping the old certificates")
                }
            }
        }
    });
}

fn mtimes(specs: &[CertSpec]) -> Vec<Option<SystemTime>> {
    specs
        .iter()
        .flat_map(|s| [&s.cert, &s.key])
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

fn load_set(specs: &[CertSpec]) -> Result<(CertSet, Vec<String>), TlsError> {
    let provider = aws_lc_rs::default_provider();
    let mut default = None;
    let mut by_name = HashMap::new();
    let mut warnings = Vec::new();
    for spec in specs {
        let (key, warning) = load_certified(spec, &provider)?;
        warnings.extend(warning);
        let key = Arc::new(key);
        for name in &spec.names {
            by_name
                .entry(name.to_ascii_lowercase())
                .or_insert_with(|| key.clone());
        }
        default.get_or_insert(key);
    }
    let Some(default) = default else {
        return Err(TlsError::Setup {
            cert: PathBuf::new(),
            key: PathBuf::new(),
            reason: "no certificate configured".into(),
        });
    };
    Ok((CertSet { default, by_name }, warnings))
}

fn load_certified(
    spec: &CertSpec,
    provider: &rustls::crypto::CryptoProvider,
) -> Result<(CertifiedKey, Option<String>), TlsError> {
    let (cert, key) = (&spec.cert, &spec.key);
    let chain = load_certs(cert)?;
    let warning = check_validity(cert, &chain[0])?;
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
        path: key.to_path_buf(),
        reason: describe(
            e,
            "no private key found (expected a PEM \"PRIVATE KEY\" block)",
        ),
    })?;
    let signing = provider
        .key_provider
        .load_private_key(private_key)
        .map_err(|e| TlsError::Key {
            path: key.to_path_buf(),
            reason: e.to_string(),
        })?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
            Ok((certified, warning))
        }
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err(TlsError::Mismatch {
                cert: cert.to_path_buf(),
                key: key.to_path_buf(),
            })
        }
        Err(other) => Err(TlsError::Setup {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            reason: other.to_string(),
        }),
    }
}

/// Refuse an expired end-entity certificate; warn when it expires within
/// `EXPIRY_WARNING_DAYS`. A validity we cannot read is left to the clients to judge.
fn check_validity(path: &Path, cert: &CertificateDer<'_>) -> Result<Option<String>, TlsError> {
    let Some(not_after) = x509_not_after(cert.as_ref()) else {
        return Ok(None);
    };
    let now = chrono::Utc::now();
    let shown = not_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if not_after <= now {
        return Err(TlsError::Expired {
            path: path.to_path_buf(),
            not_after: shown,
        });
    }
    let days_left = (not_after - now).num_days();
    if days_left < EXPIRY_WARNING_DAYS as i64 {
        return Ok(Some(format!(
            "TLS certificate {} expires on {shown} ({days_left} days left)",
            path.display()
        )));
    }
    Ok(None)
}

/// `tbsCertificate.validity.notAfter` of a DER certificate (RFC 5280 §4.1), by a minimal
/// DER walk: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
/// serialNumber, signature, issuer, validity SEQUENCE { notBefore, notAfter }, ... } ... }.
fn x509_not_after(der: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let (_, cert, _) = der_item(der)?;
    let (_, tbs, _) = der_item(cert)?;
    let mut rest = tbs;
    let (tag, _, after) = der_item(rest)?;
    if tag == 0xa0 {
        rest = after; // explicit version
    }
    for _ in 0..3 {
        // serialNumber, signature, issuer
        rest = der_item(rest)?.2;
    }
    let (_, validity, _) = der_item(rest)?;
    let not_before_rest = der_item(validity)?.2;
    let (tag, time, _) = der_item(not_before_rest)?;
    let text = std::str::from_utf8(time).ok()?;
    let parsed = match tag {
        // UTCTime YYMMDDHHMMSSZ: RFC 5280 §4.1.2.5.1, years 50-99 are 19xx.
        0x17 => {
            let yy: i32 = text.get(0..2)?.parse().ok()?;
            let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
            chrono::NaiveDateTime::parse_from_str(
                &format!("{year}{}", text.get(2..)?),
                "%Y%m%d%H%M%SZ",
            )
            .ok()?
        }
        // GeneralizedTime YYYYMMDDHHMMSSZ.
        0x18 => chrono::NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%SZ").ok()?,
        _ => return None,
    };
    Some(parsed.and_utc())
}

/// One DER TLV: (tag, contents, rest). Definite lengths only (DER).
fn der_item(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, input.get(header..end)?, input.get(end..)?))
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
                reason: format!(
                    "missing although {} exists; remove both to generate a new pair",
                    cert.display()
                ),
            });
        }
        (false, true) => {
            return Err(TlsError::Generate {
                path: cert.to_path_buf(),
                reason: format!(
                    "missing although {} exists; remove both to generate a new pair",
                    key.display()
                ),
            });
        }
    }
    let gen_err = |path: &Path, reason: String| TlsError::Generate {
        path: path.to_path_buf(),
        reason,
    };
    let names: Vec<String> = GENERATED_CERT_NAMES.iter().map(|s| s.to_string()).collect();
    let mut params =
        rcgen::CertificateParams::new(names).map_err(|e| gen_err(cert, e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "loft self-signed certificate");
    let signing_key = rcgen::KeyPair::generate().map_err(|e| gen_err(key, e.to_string()))?;
    let certificate = params
        .self_signed(&signing_key)
        .map_err(|e| gen_err(cert, e.to_string()))?;

    if let Some(dir) = cert.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| gen_err(dir, e.to_string()))?;
    }
    if let Some(dir) = key.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| gen_err(dir, e.to_string()))?;
    }
    // Key first, certificate last: both exist only once both are complete.
    write_durably(key, signing_key.serialize_pem().as_bytes(), 0o600)
        .map_err(|e| gen_err(key, e.to_string()))?;
    write_durably(cert, certificate.pem().as_bytes(), 0o644)
        .map_err(|e| gen_err(cert, e.to_string()))?;
    Ok(Generated::New)
}

/// Load one PEM certificate chain and private key into a TLS acceptor. Errors name the file.
#[cfg(test)]
pub fn load_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, TlsError> {
    let spec = CertSpec {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        names: Vec::new(),
    };
    let (certs, _) = Certificates::load(&[spec])?;
    acceptor(Arc::new(certs))
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let cert_err = |reason: String| TlsError::Cert {
        path: path.to_path_buf(),
        reason,
    };
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
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)?;
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
        let (cert, key) = (
            dir.path().join("tls/cert.pem"),
            dir.path().join("tls/key.pem"),
        );
        assert_eq!(ensure_generated(&cert, &key).unwrap(), Generated::New);
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let first = std::fs::read(&cert).unwrap();
        assert_eq!(ensure_generated(&cert, &key).unwrap(), Generated::Existing);
        assert_eq!(std::fs::read(&cert).unwrap(), first);
        load_acceptor(&cert, &key).unwrap();
    }

    fn write_cert(dir: &Path, name: &str, cn: &str, not_after: (i32, u8, u8)) -> CertSpec {
        let mut params = rcgen::CertificateParams::new(vec![cn.to_string()]).unwrap();
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let spec = CertSpec {
            cert: dir.join(format!("{name}.pem")),
            key: dir.join(format!("{name}.key")),
            names: vec![cn.to_string()],
        };
        std::fs::write(&spec.cert, cert.pem()).unwrap();
        std::fs::write(&spec.key, key.serialize_pem()).unwrap();
        spec
    }

    #[test]
    fn expired_refused_expiring_warned_valid_read() {
        let dir = tempfile::tempdir().unwrap();
        let expired = write_cert(dir.path(), "old", "old.example", (2021, 1, 1));
        let e = Certificates::load(std::slice::from_ref(&expired))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("expired on 2021-01-01T00:00:00Z"), "{e}");
        let soon = chrono::Utc::now() + chrono::Duration::days(3);
        let soon = (
            soon.format("%Y").to_string().parse().unwrap(),
            soon.format("%m").to_string().parse().unwrap(),
            soon.format("%d").to_string().parse().unwrap(),
        );
        let expiring = write_cert(dir.path(), "soon", "soon.example", soon);
        let (_, warnings) = Certificates::load(&[expiring]).unwrap();
        assert!(
            warnings.len() == 1 && warnings[0].contains("days left"),
            "{warnings:?}"
        );
        let good = write_cert(dir.path(), "good", "good.example", (2099, 1, 1));
        let (_, warnings) = Certificates::load(&[good]).unwrap();
        assert!(warnings.is_empty());
    }

    #[test]
    fn der_walk_never_panics_on_garbage() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x03\x30\x01\xa0",
            b"\x30\x80",
        ] {
            assert_eq!(x509_not_after(bad), None);
        }
    }

    #[test]
    fn reload_replaces_and_keeps_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_cert(dir.path(), "a", "a.example", (2099, 1, 1));
        let b = write_cert(dir.path(), "b", "b.example", (2099, 1, 1));
        let (certs, _) = Certificates::load(&[a.clone(), b.clone()]).unwrap();
        let first = certs.snapshot();
        assert!(first.by_name.contains_key("b.example"));
        let missing = CertSpec {
            cert: dir.path().join("nope.pem"),
            ..b.clone()
        };
        assert!(certs.reload(&[a.clone(), missing]).is_err());
        assert!(Arc::ptr_eq(&first, &certs.snapshot()));
        certs.reload(&[a]).unwrap();
        assert!(!certs.snapshot().by_name.contains_key("b.example"));
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
        assert!(
            e.starts_with(&format!("TLS certificate {}: No such file", cert.display())),
            "{e}"
        );

        std::fs::write(&cert, "hello\n").unwrap();
        let e = load_acceptor(&cert, &key).err().unwrap().to_string();
        assert!(e.contains("no certificate found"), "{e}");

        let (c1, k1) = (dir.path().join("a/cert.pem"), dir.path().join("a/key.pem"));
        let (c2, k2) = (dir.path().join("b/cert.pem"), dir.path().join("b/key.pem"));
        ensure_generated(&c1, &k1).unwrap();
        ensure_generated(&c2, &k2).unwrap();
        let e = load_acceptor(&c1, &key).err().unwrap().to_string();
        assert!(
            e.starts_with(&format!("TLS private key {}: No such file", key.display())),
            "{e}"
        );
        std::fs::write(&key, "-----BEGIN CERTIFICATE-----\n").unwrap();
        let e = load_acceptor(&c1, &key).err().unwrap().to_string();
        assert!(
            e.starts_with(&format!("TLS private key {}:", key.display())),
            "{e}"
        );
        let e = load_acceptor(&c1, &k2).err().unwrap().to_string();
        assert_eq!(
            e,
            format!(
                "TLS private key {} does not match certificate {}",
                k2.display(),
                c1.display()
            )
        );
    }
}
