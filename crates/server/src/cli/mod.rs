//! The command line (clap derive): `serve`, `user ...`, `check`.

mod check;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(name = "loft", version, about = "Loft: an IMAP server in one binary and a data directory")]
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
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account with the default mailboxes.
    Add {
        name: String,
        /// Read the password as one line from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
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
        Ok(config)
    }

    /// How to repeat this location on another command line (for hints).
    pub fn hint(&self, config: &Config) -> String {
        match (&self.config, &self.data_dir) {
            (Some(c), None) => format!("--config {}", c.display()),
            (Some(c), Some(_)) => format!("--config {} --data-dir {}", c.display(), config.data_dir.display()),
            (None, _) => format!("--data-dir {}", config.data_dir.display()),
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(location) => serve::run(location).await,
        Command::Check(location) => check::run(location).await,
        Command::User(UserCommand::Add { name, password_stdin, location }) => user::add(location, &name, password_stdin).await,
        Command::User(UserCommand::List { location }) => user::list(location).await,
        Command::User(UserCommand::Passwd { name, password_stdin, location }) => {
            user::passwd(location, &name, password_stdin).await
        }
        Command::User(UserCommand::Del { name, yes, location }) => user::del(location, &name, yes).await,
    }
}

/// The data directory must already exist (commands that only read or change existing data).
pub fn existing_data_dir(config: &Config) -> anyhow::Result<()> {
    if config.data_dir.is_dir() {
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
