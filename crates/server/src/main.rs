//! `loft`: the Loft IMAP server and its administration commands.
//! Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.

mod cli;
mod config;
mod listen;
mod logging;
mod store;
mod tls;

use std::process::ExitCode;

use clap::Parser;

/// A mistake in how loft was invoked or configured (exit code 2), as opposed to a failure
/// while running (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2.
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loft: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("loft: {e:#}");
            exit_code(&e)
        }
    }
}

fn exit_code(e: &anyhow::Error) -> ExitCode {
    let is_usage = e.chain().any(|c| c.is::<UsageError>() || c.is::<config::ConfigError>() || c.is::<tls::TlsError>());
    if is_usage { ExitCode::from(2) } else { ExitCode::FAILURE }
}
