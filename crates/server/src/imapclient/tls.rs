//! The client side of TLS for `loft migrate`: rustls with the aws-lc-rs provider, server
//! certificates verified against the system's roots (Debian's ca-certificates bundle) or a
//! given CA file; `--insecure` accepts any certificate (for testing against self-signed
//! servers; the signature of the handshake is still checked).

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::ClientError;

/// Where the system's trusted roots are on Debian and most other distributions.
const SYSTEM_ROOTS: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// How to check the server's certificate.
#[derive(Debug, Clone)]
pub enum Verify {
    /// Against the system's roots.
    SystemRoots,
    /// Against the certificates in this PEM file.
    CaFile(std::path::PathBuf),
    /// Accept any certificate (testing only).
    Insecure,
}

pub fn client_config(verify: &Verify) -> Result<Arc<ClientConfig>, ClientError> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?;
    let config = match verify {
        Verify::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider)))
            .with_no_client_auth(),
        Verify::SystemRoots => {
            let path = SYSTEM_ROOTS
                .iter()
                .map(Path::new)
                .find(|p| p.exists())
                .ok_or_else(|| {
                    ClientError::Tls("no system CA bundle found; use --ca-file".into())
                })?;
            builder
                .with_root_certificates(roots(path)?)
                .with_no_client_auth()
        }
        Verify::CaFile(path) => builder
            .with_root_certificates(roots(path)?)
            .with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

pub fn server_name(host: &str) -> Result<ServerName<'static>, ClientError> {
    ServerName::try_from(host.to_string())
        .map_err(|e| ClientError::Tls(format!("{host} is not a valid server name: {e}")))
}

fn roots(path: &Path) -> Result<RootCertStore, ClientError> {
    let mut store = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| ClientError::Tls(format!("cannot read {}: {e}", path.display())))?;
    for cert in certs {
        let cert =
            cert.map_err(|e| ClientError::Tls(format!("cannot read {}: {e}", path.display())))?;
        // A bundle may hold a certificate rustls cannot use; the others still count.
        let _ = store.add(cert);
    }
    if store.is_empty() {
        return Err(ClientError::Tls(format!(
            "no usable certificate in {}",
            path.display()
        )));
    }
    Ok(store)
}

/// `--insecure`: any certificate chain is accepted; handshake signatures are verified so
/// the connection is at least consistent with the presented key.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
