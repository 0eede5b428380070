//! `loft ban list|remove`: the address bans the failed-login throttle issued (kept in the
//! store, so a running server sees a removal at the next connection).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use loft_auth::audit::AuditEvent;

use super::app_password::time;
use super::{Location, existing_data_dir};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the bans in force: address (IPv4, or IPv6 /64), since, until, reason.
    List {
        #[command(flatten)]
        location: Location,
    },
    /// Lift the ban of an address (as `list` shows it; an IPv6 address stands for its /64).
    Remove {
        address: String,
        #[command(flatten)]
        location: Location,
    },
}

pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::List { location } => list(location).await,
        Command::Remove { address, location } => remove(location, &address).await,
    }
}

async fn list(location: Location) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let bans = store
        .bans(chrono::Utc::now().timestamp())
        .await
        .context("cannot list bans")?;
    if bans.is_empty() {
        eprintln!("no bans in force");
    }
    let mut out = std::io::stdout().lock();
    for b in bans {
        writeln!(
            out,
            "{}\tsince {}\tuntil {}\t{}",
            b.key,
            time(b.created),
            time(b.until),
            b.reason
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn remove(location: Location, address: &str) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    // Accept a plain address too: it maps to the key the throttle bans under.
    let key = match address.parse::<std::net::IpAddr>() {
        Ok(ip) => loft_auth::throttle::address_key(ip),
        Err(_) => address.to_string(),
    };
    if !store
        .remove_ban(&key)
        .await
        .context("cannot remove the ban")?
    {
        anyhow::bail!("no ban for {key}");
    }
    let mut e = AuditEvent::new("ban.remove", "success");
    e.ban_key = Some(key.clone());
    crate::audit::record_cli(&config, e);
    println!("ban of {key} removed");
    Ok(ExitCode::SUCCESS)
}
