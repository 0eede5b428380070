//! The command line (clap derive): `serve`, `user ...`, `check`.

mod app_password;
mod ban;
mod check;
mod db;
mod deliver;
mod export;
mod import;
mod migrate;
mod serve;
mod store_copy;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "loft",
    version,
    about = "Loft: an IMAP server in one binary and a data directory"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the IMAP server until SIGINT or SIGTERM.
    Serve(Location),
    /// Add, list, change or delete user accounts (also while the server runs).
    #[command(subcommand)]
    User(UserCommand),
    /// Verify the store: metadata against blobs, counters, reference counts.
    Check(Location),
    /// Per-client app passwords: add (printed once), list, revoke.
    #[command(subcommand)]
    AppPassword(app_password::Command),
    /// Address bans issued after repeated login failures: list, remove.
    #[command(subcommand)]
    Ban(ban::Command),
    /// Deliver one message from standard input (for Postfix, Exim, fetchmail, procmail).
    /// Exit codes from sysexits.h: 67 no such user, 75 try again later, 65 bad message.
    Deliver {
        /// The account name or address (aliases and sub-addressing apply: alice+lists).
        #[arg(long)]
        user: String,
        /// Deliver into this mailbox when it exists (else INBOX).
        #[arg(long, short = 'm')]
        mailbox: Option<String>,
        /// Flags to set, e.g. '\Seen $Label1'.
        #[arg(long)]
        flags: Option<String>,
        /// The envelope sender, written as Return-Path.
        #[arg(long, short = 'f')]
        from: Option<String>,
        #[command(flatten)]
        location: Location,
    },
    /// Import mail: `mbox FILE...` (one mailbox per file; a directory of `*.mbox` files
    /// keeps its hierarchy) or `maildir DIR` (Maildir++).
    /// Re-running adds nothing twice.
    Import {
        #[arg(long)]
        user: String,
        kind: ImportKind,
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// mbox dialect.
        #[arg(long, value_enum, default_value = "mboxrd")]
        mbox_format: crate::mailio::mbox::Format,
        /// Import every mbox file into this mailbox (default: named after the file).
        #[arg(long)]
        mailbox: Option<String>,
        #[command(flatten)]
        location: Location,
    },
    /// Copy every mailbox of an account on another IMAP server, with flags, keywords,
    /// internal dates and (into empty mailboxes) UIDs. Resumable: run it again after an
    /// interruption.
    Migrate(migrate::Args),
    /// The PostgreSQL schema ([store] backend = "postgres"): `loft db migrate`.
    #[command(subcommand)]
    Db(db::Command),
    /// Move a whole installation between backends: `loft store copy --from embedded:DIR
    /// --to postgres:URL` (and back), keeping UIDs and MODSEQs.
    #[command(subcommand)]
    Store(store_copy::Command),
    /// Export every mailbox with flags and keywords: `maildir DIR` or `mbox DIR`.
    Export {
        #[arg(long)]
        user: String,
        format: export::Format,
        dir: PathBuf,
        #[command(flatten)]
        location: Location,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ImportKind {
    Mbox,
    Maildir,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account with the default mailboxes.
    Add {
        name: String,
        /// Read the password as one line from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
        /// Import an existing hash instead of setting a password, e.g. Dovecot's
        /// '{SHA512-CRYPT}$6$...', '{BLF-CRYPT}...', '{ARGON2ID}...'.
        #[arg(long, value_name = "HASH", conflicts_with = "password_stdin")]
        hash: Option<String>,
        #[command(flatten)]
        location: Location,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        location: Location,
    },
    /// Change an account's password.
    Passwd {
        name: String,
        /// Read the password as one line from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        location: Location,
    },
    /// Change an account's settings.
    Set {
        name: String,
        /// Refuse the main password for IMAP: only app passwords log in.
        #[arg(long, value_name = "BOOL")]
        app_passwords_only: Option<bool>,
        #[command(flatten)]
        location: Location,
    },
    /// Delete an account and all its mail.
    #[command(alias = "delete")]
    Del {
        name: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
        #[command(flatten)]
        location: Location,
    },
}

/// Where the configuration and the data are.
#[derive(Debug, Clone, Args)]
pub struct Location {
    /// Configuration file (TOML); built-in defaults without it.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory; overrides `data_dir` from the config [default: ./loft-data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

impl Location {
    /// The validated config with `--data-dir` applied.
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut config = match &self.config {
            Some(path) => Config::load(path)?,
            None => Config::defaults(),
        };
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        crate::store::select(&config.store);
        Ok(config)
    }

    /// How to repeat this location on another command line (for hints).
    pub fn hint(&self, config: &Config) -> String {
        match (&self.config, &self.data_dir) {
            (Some(c), None) => format!("--config {}", c.display()),
            (Some(c), Some(_)) => format!(
                "--config {} --data-dir {}",
                c.display(),
                config.data_dir.display()
            ),
            (None, _) => format!("--data-dir {}", config.data_dir.display()),
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(location) => serve::run(location).await,
        Command::Check(location) => check::run(location).await,
        Command::User(UserCommand::Add {
            name,
            password_stdin,
            hash,
            location,
        }) => user::add(location, &name, password_stdin, hash.as_deref()).await,
        Command::User(UserCommand::Set {
            name,
            app_passwords_only,
            location,
        }) => user::set(location, &name, app_passwords_only).await,
        Command::AppPassword(c) => app_password::run(c).await,
        Command::Ban(c) => ban::run(c).await,
        Command::User(UserCommand::List { location }) => user::list(location).await,
        Command::User(UserCommand::Passwd {
            name,
            password_stdin,
            location,
        }) => user::passwd(location, &name, password_stdin).await,
        Command::User(UserCommand::Del {
            name,
            yes,
            location,
        }) => user::del(location, &name, yes).await,
        Command::Deliver {
            user,
            mailbox,
            flags,
            from,
            location,
        } => {
            deliver::run(deliver::Options {
                user,
                mailbox,
                flags,
                from,
                location,
            })
            .await
        }
        Command::Import {
            user,
            kind,
            paths,
            mbox_format,
            mailbox,
            location,
        } => {
            let source = match kind {
                ImportKind::Mbox => import::Source::Mbox {
                    files: paths,
                    format: mbox_format,
                    mailbox,
                },
                ImportKind::Maildir => match <[PathBuf; 1]>::try_from(paths) {
                    Ok([dir]) => import::Source::Maildir { dir },
                    Err(_) => {
                        return Err(crate::UsageError("maildir takes one directory".into()).into());
                    }
                },
            };
            import::run(import::Options {
                user,
                source,
                location,
            })
            .await
        }
        Command::Export {
            user,
            format,
            dir,
            location,
        } => export::run(location, &user, format, dir).await,
        Command::Migrate(args) => migrate::run(args).await,
        Command::Db(c) => db::run(c).await,
        Command::Store(c) => store_copy::run(c).await,
    }
}

/// The data directory must already exist (commands that only read or change existing data).
pub fn existing_data_dir(config: &Config) -> anyhow::Result<()> {
    // On PostgreSQL the mail is in the database: a node may have no data directory yet.
    if config.data_dir.is_dir() || !matches!(config.store, crate::store::StoreSettings::Embedded) {
        Ok(())
    } else {
        anyhow::bail!(
            "no data directory at {} (it is created by `loft serve` or `loft user add`)",
            config.data_dir.display()
        )
    }
}

/// Create the data directory (owner-only: it holds password hashes and mail).
pub fn create_data_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the data directory {}: {e}", dir.display()))
}
