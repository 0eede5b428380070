//! The audit log writer: one JSON line per security event (schema in SECURITY.md), to a
//! file (appended, created mode 0600) or stdout. Lines are written whole with one
//! `write_all` under a lock, so concurrent events never interleave.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use loft_auth::audit::{AuditEvent, AuditSink, NullSink};

use crate::security_config::AuditTarget;

#[derive(Debug)]
enum Out {
    Stdout,
    File(Mutex<File>),
}

/// Writes events as JSON lines.
#[derive(Debug)]
pub struct JsonLines {
    out: Out,
}

impl AuditSink for JsonLines {
    fn record(&self, event: &AuditEvent) {
        let mut line = event.to_json();
        line.push('\n');
        let result = match &self.out {
            Out::Stdout => std::io::stdout().lock().write_all(line.as_bytes()),
            Out::File(f) => f
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .write_all(line.as_bytes()),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, event = event.event, "cannot write to the audit log");
        }
    }
}

/// Open the configured sink.
pub fn open(target: &AuditTarget) -> anyhow::Result<Arc<dyn AuditSink>> {
    Ok(match target {
        AuditTarget::Off => Arc::new(NullSink),
        AuditTarget::Stdout => Arc::new(JsonLines { out: Out::Stdout }),
        AuditTarget::File(path) => Arc::new(JsonLines {
            out: Out::File(Mutex::new(open_file(path)?)),
        }),
    })
}

fn open_file(path: &Path) -> anyhow::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the audit log directory {}", dir.display()))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open the audit log {}", path.display()))
}

/// Record one event from a CLI command (admin changes), for `location`'s config.
pub fn record_cli(config: &crate::config::Config, mut event: AuditEvent) {
    event.service = Some("cli");
    let target = config.security.audit_target(&config.data_dir);
    match open(&target) {
        // CLI output goes to stdout; an audit line there would mix with it.
        Ok(_) if target == AuditTarget::Stdout => eprintln!("{}", event.to_json()),
        Ok(sink) => sink.record(&event),
        Err(e) => eprintln!("loft: warning: {e:#}"),
    }
}
