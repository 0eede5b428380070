//! `loft app-password add|list|revoke`: per-client passwords (issue 3, SECURITY.md). The
//! generated password is printed once and only its hash is stored.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use loft_auth::audit::AuditEvent;
use loft_store::{AccountId, StoreError};

use super::{Location, existing_data_dir};
use crate::UsageError;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate an app password for USER and print it (once).
    Add {
        user: String,
        /// What it is for (unique per user), e.g. "phone".
        #[arg(long)]
        label: String,
        /// Expire after this long: `90d`, `12h`, `30m` (default: never).
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
        #[command(flatten)]
        location: Location,
    },
    /// List USER's app passwords: label, creation, expiry, last use and address.
    List {
        user: String,
        #[command(flatten)]
        location: Location,
    },
    /// Revoke USER's app password LABEL.
    Revoke {
        user: String,
        label: String,
        #[command(flatten)]
        location: Location,
    },
}

pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Add {
            user,
            label,
            expires,
            location,
        } => add(location, &user, &label, expires.as_deref()).await,
        Command::List { user, location } => list(location, &user).await,
        Command::Revoke {
            user,
            label,
            location,
        } => revoke(location, &user, &label).await,
    }
}

async fn add(
    location: Location,
    user: &str,
    label: &str,
    expires: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let ttl = expires.map(parse_duration).transpose()?;
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let account = account_id(&*store, user).await?;
    let generated = loft_auth::app_password::generate();
    let now = chrono::Utc::now().timestamp();
    let until = ttl.map(|secs| now.saturating_add(secs));
    match store
        .add_app_password(account, label, &generated.hash, now, until)
        .await
    {
        Ok(_) => {}
        Err(StoreError::AlreadyExists(_)) => {
            return Err(UsageError(format!(
                "{user} already has an app password labelled {label:?}; revoke it first"
            ))
            .into());
        }
        Err(StoreError::Invalid(m)) => return Err(UsageError(m).into()),
        Err(e) => return Err(e).context("cannot store the app password"),
    }
    let mut e = AuditEvent::new("app_password.create", "success");
    e.account = Some(user.to_string());
    e.label = Some(label.to_string());
    e.until = until.map(time);
    crate::audit::record_cli(&config, e);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "app password for {user} ({label}); it is shown only now:"
    )?;
    writeln!(out, "{}", generated.password.expose())?;
    if let Some(until) = until {
        writeln!(out, "expires {}", time(until))?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn list(location: Location, user: &str) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let account = account_id(&*store, user).await?;
    let all = store
        .app_passwords(account)
        .await
        .context("cannot list app passwords")?;
    if all.is_empty() {
        eprintln!("{user} has no app passwords");
    }
    let now = chrono::Utc::now().timestamp();
    let mut out = std::io::stdout().lock();
    for p in all {
        let expires = match p.expires {
            Some(t) if t <= now => format!("expired {}", time(t)),
            Some(t) => format!("expires {}", time(t)),
            None => "no expiry".to_string(),
        };
        let used = match (p.last_used, &p.last_ip) {
            (Some(t), Some(ip)) => format!("last used {} from {ip}", time(t)),
            (Some(t), None) => format!("last used {}", time(t)),
            _ => "never used".to_string(),
        };
        writeln!(
            out,
            "{}\tcreated {}\t{expires}\t{used}",
            p.label,
            time(p.created)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn revoke(location: Location, user: &str, label: &str) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let account = account_id(&*store, user).await?;
    match store.revoke_app_password(account, label).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => {
            anyhow::bail!("{user} has no app password labelled {label:?}")
        }
        Err(e) => return Err(e).context("cannot revoke the app password"),
    }
    let mut e = AuditEvent::new("app_password.revoke", "success");
    e.account = Some(user.to_string());
    e.label = Some(label.to_string());
    crate::audit::record_cli(&config, e);
    println!("revoked app password {label:?} of {user}");
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn account_id(
    store: &dyn loft_store::Store,
    user: &str,
) -> anyhow::Result<AccountId> {
    match store.account(user).await? {
        Some(a) => Ok(a.id),
        None => anyhow::bail!("no such user {user}"),
    }
}

/// `90d`, `12h`, `30m`, `3600s` (or bare seconds) into seconds.
fn parse_duration(s: &str) -> Result<i64, UsageError> {
    let bad = || UsageError(format!("invalid duration {s:?}: use e.g. 90d, 12h or 30m"));
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    match n.checked_mul(mult) {
        Some(secs) if secs > 0 => Ok(secs),
        _ => Err(bad()),
    }
}

pub(crate) fn time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d").unwrap(), 90 * 86_400);
        assert_eq!(parse_duration("12h").unwrap(), 12 * 3600);
        assert_eq!(parse_duration("30").unwrap(), 30);
        for bad in ["", "d", "0d", "5y", "-1d", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
