//! `loft store copy --from embedded:DIR --to postgres:URL` (and back): moves a whole
//! installation between backends, keeping UIDVALIDITY, UIDs, MODSEQs, flags and
//! subscriptions so clients need not resync (loft_store::copy). Stop the servers first:
//! the source is read while nothing writes to it, the destination must be empty.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use loft_store::copy::{Progress, copy_store};
use loft_store::postgres::PgSettings;
use loft_store::{EmbeddedStore, PostgresStore, Store};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Copy every account, mailbox, message and subscription into an empty store, then
    /// verify. STORE is `embedded:DIR` or `postgres:URL` (also a bare postgres:// URL).
    Copy {
        #[arg(long, value_name = "STORE")]
        from: String,
        #[arg(long, value_name = "STORE")]
        to: String,
    },
}

/// Where a store is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spec {
    Embedded(PathBuf),
    Postgres(String),
}

fn parse_spec(s: &str) -> Result<Spec, crate::UsageError> {
    if let Some(dir) = s.strip_prefix("embedded:") {
        if dir.is_empty() {
            return Err(crate::UsageError("embedded: needs a directory".into()));
        }
        return Ok(Spec::Embedded(PathBuf::from(dir)));
    }
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        return Ok(Spec::Postgres(s.to_string()));
    }
    if let Some(url) = s.strip_prefix("postgres:") {
        loft_store::postgres::validate_url(url).map_err(crate::UsageError)?;
        return Ok(Spec::Postgres(url.to_string()));
    }
    Err(crate::UsageError(format!(
        "unknown store {s:?}: expected embedded:DIR or postgres:URL"
    )))
}

async fn open(spec: &Spec, is_destination: bool) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match spec {
        Spec::Embedded(dir) => {
            if !is_destination && !dir.join(loft_store::embedded::DB_FILE).is_file() {
                anyhow::bail!("no embedded store in {}", dir.display());
            }
            Arc::new(
                EmbeddedStore::open(dir)
                    .await
                    .with_context(|| format!("cannot open {}", dir.display()))?,
            )
        }
        Spec::Postgres(url) => {
            // The source must already have this binary's schema; the destination gets it.
            let settings = PgSettings {
                migrate: is_destination,
                listen: false,
                ..PgSettings::new(url.clone())
            };
            Arc::new(
                PostgresStore::open(&settings)
                    .await
                    .context("cannot open the PostgreSQL store")?,
            )
        }
    })
}

pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    let Command::Copy { from, to } = command;
    let (from, to) = (parse_spec(&from)?, parse_spec(&to)?);
    if from == to {
        return Err(crate::UsageError("--from and --to name the same store".into()).into());
    }
    let source = open(&from, false).await?;
    let destination = open(&to, true).await?;
    let started = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {elapsed_precise} {pos} messages {msg}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let mut last_line = Instant::now();
    let mut copied = 0u64;
    let mut on_progress = |p: Progress| match p {
        Progress::Account {
            name,
            index,
            total,
            messages,
        } => {
            let line = format!(
                "account {}/{total}: {name} ({messages} messages)",
                index + 1
            );
            match &bar {
                Some(b) => b.set_message(line),
                None => eprintln!("{line}"),
            }
        }
        Progress::Messages { count, .. } => {
            copied += count;
            match &bar {
                Some(b) => b.set_position(copied),
                None if last_line.elapsed() >= Duration::from_secs(5) => {
                    last_line = Instant::now();
                    eprintln!("progress: {copied} messages");
                }
                None => {}
            }
        }
    };
    let report = copy_store(source.as_ref(), destination.as_ref(), &mut on_progress)
        .await
        .context(
            "store copy failed (the destination is incomplete: empty it before trying again)",
        )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    println!(
        "copied {} accounts, {} mailboxes, {} messages ({} bytes), {} subscriptions in {:.1}s",
        report.accounts,
        report.mailboxes,
        report.messages,
        report.bytes,
        report.subscriptions,
        started.elapsed().as_secs_f64()
    );
    println!(
        "verified {} mailboxes and {} messages: {}",
        report.verified_mailboxes,
        report.verified_messages,
        if report.problems.is_empty() {
            "identical".to_string()
        } else {
            format!("{} difference(s)", report.problems.len())
        }
    );
    for p in &report.problems {
        println!("  {p}");
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec("embedded:/var/lib/loft").unwrap(),
            Spec::Embedded("/var/lib/loft".into())
        );
        assert_eq!(
            parse_spec("postgres:postgres://u@h/db").unwrap(),
            Spec::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            parse_spec("postgresql://u@h/db").unwrap(),
            Spec::Postgres("postgresql://u@h/db".into())
        );
        assert_eq!(
            parse_spec("postgres:host=h dbname=db").unwrap(),
            Spec::Postgres("host=h dbname=db".into())
        );
        assert!(parse_spec("embedded:").is_err());
        assert!(parse_spec("maildir:/x").is_err());
    }
}
