//! `loft store copy --from embedded:DIR --to postgres:URL` (and back): moves a whole
//! installation between backends, keeping UIDVALIDITY, UIDs, MODSEQs, flags and
//! subscriptions so clients need not resync (loft_store::copy). Stop the servers first:
//! the source is read while nothing writes to it, the destination must be empty.
//!
//! `config:FILE` names the store a `loft.toml` configures, which is also the way to a
//! routed store (`backend = "routed"`, accounts over several PostgreSQL clusters): the
//! copy works through the `Store` trait only, and the routed store places each copied
//! account on a cluster as it places new accounts (ARCHITECTURE.md "Beyond one database").

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

use crate::store::StoreSettings;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Copy every account, mailbox, message and subscription into an empty store, then
    /// verify. STORE is `embedded:DIR`, `postgres:URL` (also a bare postgres:// URL) or
    /// `config:FILE` (the store a loft.toml configures: embedded, postgres or routed).
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
    /// The `[store]` (and `data_dir`) of a config file.
    Config(PathBuf),
}

fn parse_spec(s: &str) -> Result<Spec, crate::UsageError> {
    if let Some(dir) = s.strip_prefix("embedded:") {
        if dir.is_empty() {
            return Err(crate::UsageError("embedded: needs a directory".into()));
        }
        return Ok(Spec::Embedded(PathBuf::from(dir)));
    }
    if let Some(file) = s.strip_prefix("config:") {
        if file.is_empty() {
            return Err(crate::UsageError("config: needs a file".into()));
        }
        return Ok(Spec::Config(PathBuf::from(file)));
    }
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        return Ok(Spec::Postgres(s.to_string()));
    }
    if let Some(url) = s.strip_prefix("postgres:") {
        loft_store::postgres::validate_url(url).map_err(crate::UsageError)?;
        return Ok(Spec::Postgres(url.to_string()));
    }
    Err(crate::UsageError(format!(
        "unknown store {s:?}: expected embedded:DIR, postgres:URL or config:FILE"
    )))
}

async fn open(spec: &Spec, is_destination: bool) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match spec {
        Spec::Config(file) => {
            let config = crate::config::Config::load(file)?;
            match config.store {
                StoreSettings::Embedded => {
                    Box::pin(open(&Spec::Embedded(config.data_dir), is_destination)).await?
                }
                StoreSettings::Postgres(pg) => {
                    // As for postgres: below, keeping the file's pool size and timeout.
                    let settings = PgSettings {
                        migrate: is_destination,
                        listen: false,
                        ..pg
                    };
                    Arc::new(
                        PostgresStore::open(&settings)
                            .await
                            .context("cannot open the PostgreSQL store")?,
                    )
                }
                StoreSettings::Routed(mut routed) => {
                    // As for postgres: below, for the directory and every cluster.
                    for pg in std::iter::once(&mut routed.directory)
                        .chain(routed.clusters.iter_mut().map(|c| &mut c.pg))
                    {
                        pg.migrate = is_destination;
                        pg.listen = false;
                    }
                    Arc::new(
                        loft_store::RoutedStore::open(&routed)
                            .await
                            .context("cannot open the routed store")?,
                    )
                }
            }
        }
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
        assert_eq!(
            parse_spec("config:/etc/loft/loft.toml").unwrap(),
            Spec::Config("/etc/loft/loft.toml".into())
        );
        assert!(parse_spec("config:").is_err());
        assert!(parse_spec("embedded:").is_err());
        assert!(parse_spec("maildir:/x").is_err());
    }

    /// `config:FILE` reaches a routed store (two databases of a throw-away PostgreSQL
    /// cluster as two clusters): an embedded store copied in, and back out, verified.
    #[tokio::test]
    async fn copy_into_and_out_of_a_routed_store_named_by_a_config_file() {
        let pg = loft_store::postgres::testing::shared();
        let directory = pg.create_database().await;
        let (a, b) = (pg.create_database().await, pg.create_database().await);
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("source");
        {
            let s = EmbeddedStore::open(&source).await.unwrap();
            for name in ["alice", "bob"] {
                let account = s.create_account(name, "hash").await.unwrap();
                let inbox = s.mailbox(account, "INBOX").await.unwrap().unwrap();
                let message = loft_store::NewMessage {
                    content: format!("Subject: for {name}\r\n\r\nbody\r\n").into_bytes(),
                    flags: loft_store::Flags::default(),
                    internal_date: None,
                };
                s.append(account, inbox.id, vec![message]).await.unwrap();
            }
        }
        let config = tmp.path().join("loft.toml");
        std::fs::write(
            &config,
            format!(
                "[store]\nbackend = \"routed\"\nurl = \"{directory}\"\npool_size = 2\n\
                 [[store.cluster]]\nid = 0\nurl = \"{a}\"\n\
                 [[store.cluster]]\nid = 1\nurl = \"{b}\"\n"
            ),
        )
        .unwrap();
        let copy = |from: String, to: String| run(Command::Copy { from, to });
        let code = copy(
            format!("embedded:{}", source.display()),
            format!("config:{}", config.display()),
        )
        .await
        .unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        let back = tmp.path().join("back");
        let code = copy(
            format!("config:{}", config.display()),
            format!("embedded:{}", back.display()),
        )
        .await
        .unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        let s = EmbeddedStore::open(&back).await.unwrap();
        for name in ["alice", "bob"] {
            let account = s.account(name).await.unwrap().unwrap().id;
            let inbox = s.mailbox(account, "INBOX").await.unwrap().unwrap();
            assert_eq!(s.status(account, inbox.id).await.unwrap().messages, 1);
        }
    }
}
