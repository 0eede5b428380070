//! `loft`: the Loft IMAP server and its administration commands.
//! Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.

mod audit;
mod cli;
mod config;
mod imapclient;
mod listen;
mod lmtp_listen;
mod logging;
mod mailio;
mod security_config;
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
    // clap prints usage errors itself and exits with 2; `loft deliver` exits with
    // sysexits.h EX_USAGE (64) instead, which is what an MTA expects of a delivery agent.
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && std::env::args().nth(1).as_deref() == Some("deliver") => {
            let _ = e.print();
            return ExitCode::from(64);
        }
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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
    let is_usage = e
        .chain()
        .any(|c| c.is::<UsageError>() || c.is::<config::ConfigError>() || c.is::<tls::TlsError>());
    if is_usage {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}
