//! `loft serve`: load the config, prepare TLS and the store, bind every listener, print
//! where everything is, then serve until SIGINT or SIGTERM.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use loft_imap::PlaintextAuth;
use tokio::signal::unix::{SignalKind, signal};
use tracing::{info, warn};

use super::{Location, create_data_dir};
use crate::config::{Config, TlsFiles, TlsMode};
use crate::listen::{self, Server};
use crate::tls::{self, Generated};

pub async fn run(location: Location) -> anyhow::Result<ExitCode> {
    let mut config = location.config()?;
    crate::logging::init(&config.log)?;
    for l in config.listeners.iter().filter(|l| l.tls == TlsMode::None) {
        let reachable = match config.imap.plaintext_auth {
            PlaintextAuth::Never => false,
            PlaintextAuth::Loopback => l.address.ip().is_loopback(),
            PlaintextAuth::Always => true,
        };
        if !reachable {
            // RFC 9051 §6.2.3: LOGINDISABLED; such a listener is useless for logging in.
            warn!(address = %l.address, "listener without TLS where auth.plaintext forbids logging in");
        }
    }
    create_data_dir(&config.data_dir)?;
    let data_dir =
        std::path::absolute(&config.data_dir).unwrap_or_else(|_| config.data_dir.clone());

    let needs_tls = config.listeners.iter().any(|l| l.tls.needs_certificate());
    let (cert, key) = config.tls.paths(&data_dir);
    let mut generated = None;
    let extra = &config.security.certificates;
    let acceptor = if needs_tls || config.tls != TlsFiles::Generated || !extra.is_empty() {
        // The [tls] pair is the default certificate; with only [[tls.certificate]] entries
        // the first of them is, and nothing is generated.
        let mut specs = Vec::new();
        if config.tls != TlsFiles::Generated || extra.is_empty() {
            if config.tls == TlsFiles::Generated {
                generated = Some(tls::ensure_generated(&cert, &key)?);
            }
            specs.push(tls::CertSpec {
                cert: cert.clone(),
                key: key.clone(),
                names: Vec::new(),
            });
        }
        specs.extend(extra.iter().cloned());
        let (certs, warnings) = tls::Certificates::load(&specs)?;
        for w in warnings {
            warn!("{w}");
        }
        let certs = std::sync::Arc::new(certs);
        let acceptor = tls::acceptor(certs.clone())?;
        tls::watch(certs, specs);
        Some(acceptor)
    } else {
        None
    };
    config.imap.security = loft_imap::config::Security {
        throttle: std::sync::Arc::new(loft_auth::throttle::Throttle::new(config.security.throttle)),
        audit: crate::audit::open(&config.security.audit_target(&data_dir))?,
        limits: std::sync::Arc::new(loft_imap::config::ConnectionLimits::new(
            config.security.limits,
        )),
        scram_iterations: config.security.scram_iterations,
        login_cache: std::sync::Arc::new(loft_auth::login_cache::LoginCache::new(
            config.security.login_cache_ttl,
        )),
    };

    // Register the handlers before announcing anything, so a signal sent right after the
    // listen lines appear already shuts down gracefully.
    let mut sigint =
        signal(SignalKind::interrupt()).context("cannot install the SIGINT handler")?;
    let mut sigterm =
        signal(SignalKind::terminate()).context("cannot install the SIGTERM handler")?;

    let store = crate::store::open(&data_dir).await?;
    let bound = listen::bind(&config.listeners).await?;
    let lmtp = crate::lmtp_listen::start(&config.lmtp, store.clone()).await?;

    print_banner(
        &config,
        &location,
        &data_dir,
        &bound,
        acceptor.as_ref().map(|_| (&*cert, &*key, generated)),
    );
    for line in &lmtp {
        println!("  listening:   {line}");
    }
    for b in &bound {
        info!(address = %b.local_addr, tls = %b.tls, "listening for IMAP");
    }

    let server = Server {
        store,
        acceptor,
        imap: config.imap.clone(),
        tls_handshake_timeout: config.tls_handshake_timeout,
    };
    let shutdown = async move {
        tokio::select! {
            _ = sigint.recv() => info!("SIGINT received"),
            _ = sigterm.recv() => info!("SIGTERM received"),
        }
    };
    listen::serve(bound, server, shutdown).await;
    Ok(ExitCode::SUCCESS)
}

fn print_banner(
    config: &Config,
    location: &Location,
    data_dir: &Path,
    bound: &[listen::BoundListener],
    tls: Option<(&Path, &Path, Option<Generated>)>,
) {
    println!("loft {} serving IMAP", env!("CARGO_PKG_VERSION"));
    if let Some(source) = &config.source {
        println!("  config:      {}", source.display());
    }
    for b in bound {
        println!("  listening:   imap on {} ({})", b.local_addr, b.tls);
    }
    println!("  data:        {}", data_dir.display());
    if let Some((cert, key, generated)) = tls {
        let note = match generated {
            Some(Generated::New) => " (self-signed, generated now)",
            Some(Generated::Existing) => " (self-signed, generated earlier)",
            None => "",
        };
        println!("  certificate: {}{note}", cert.display());
        println!("  key:         {}", key.display());
    }
    let hint_config = Config {
        data_dir: data_dir.to_path_buf(),
        ..config.clone()
    };
    println!(
        "  add a user:  loft user add alice {}",
        location.hint(&hint_config)
    );
}
