//! `loft user add|list|passwd|del`. These open the same store as a running server; SQLite
//! does the locking, so they work while `loft serve` runs.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use loft_auth::Secret;
use loft_store::{DEFAULT_MAILBOXES, StoreError};

use super::{Location, create_data_dir, existing_data_dir};
use crate::UsageError;

/// Longest accepted user name, in bytes.
pub const MAX_USER_NAME_BYTES: usize = 255;

/// `imported_hash`: an existing hash (Dovecot `{SHA512-CRYPT}$6$...`, `{BLF-CRYPT}`,
/// `{ARGON2ID}`, `{SCRAM-SHA-256}`...) instead of a password, so users move without a reset.
pub async fn add(
    location: Location,
    name: &str,
    password_stdin: bool,
    imported_hash: Option<&str>,
) -> anyhow::Result<ExitCode> {
    check_name(name)?;
    let config = location.config()?;
    if let Some(h) = imported_hash
        && loft_auth::legacy::scheme_of(h.trim()).is_none()
    {
        return Err(UsageError(
            "unsupported hash: use {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {ARGON2ID} or {SCRAM-SHA-256} (Dovecot format) or a PHC argon2id string".into(),
        )
        .into());
    }
    create_data_dir(&config.data_dir)?;
    let store = crate::store::open(&config.data_dir).await?;
    // Before asking for a password the user would type in vain.
    if store.account(name).await?.is_some() {
        anyhow::bail!("user {name} already exists");
    }
    let (hash, scram) = match imported_hash {
        Some(h) => {
            let h = h.trim().to_string();
            let scram = loft_auth::credentials::is_scram_sha256(&h)
                .then(|| loft_auth::ScramCreds::parse(&h).ok().map(|c| c.to_string()))
                .flatten();
            (h, scram)
        }
        None => {
            credentials(
                read_new_password(password_stdin)?,
                config.security.scram_iterations,
            )
            .await?
        }
    };
    let id = match store.create_account(name, &hash).await {
        Ok(id) => id,
        Err(StoreError::AlreadyExists(_)) => anyhow::bail!("user {name} already exists"),
        Err(e) => return Err(e).context(format!("cannot add user {name}")),
    };
    if scram.is_some() {
        store
            .set_scram_credentials(id, scram.as_deref())
            .await
            .context("cannot store SCRAM credentials")?;
    }
    let mut e = loft_auth::audit::AuditEvent::new("account.create", "success");
    e.account = Some(name.to_string());
    e.credential = Some(if imported_hash.is_some() {
        "imported-hash"
    } else {
        "password"
    });
    crate::audit::record_cli(&config, e);
    let mailboxes: Vec<&str> = DEFAULT_MAILBOXES.iter().map(|(n, _)| *n).collect();
    println!("added user {name} (mailboxes: {})", mailboxes.join(", "));
    Ok(ExitCode::SUCCESS)
}

pub async fn list(location: Location) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let mut accounts = store.accounts().await.context("cannot list users")?;
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    if accounts.is_empty() {
        eprintln!(
            "no users yet; add one with: loft user add NAME {}",
            location.hint(&config)
        );
    }
    let mut out = std::io::stdout().lock();
    for a in accounts {
        writeln!(out, "{}", a.name)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn passwd(
    location: Location,
    name: &str,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    if store.account(name).await?.is_none() {
        anyhow::bail!("no such user {name}");
    }
    let (hash, scram) = credentials(
        read_new_password(password_stdin)?,
        config.security.scram_iterations,
    )
    .await?;
    match store.set_password(name, &hash).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => anyhow::bail!("no such user {name}"),
        Err(e) => return Err(e).context(format!("cannot change the password of {name}")),
    }
    // After the password: the store clears SCRAM keys when the hash changes.
    let id = super::app_password::account_id(&*store, name).await?;
    store
        .set_scram_credentials(id, scram.as_deref())
        .await
        .context("cannot store SCRAM credentials")?;
    let mut e = loft_auth::audit::AuditEvent::new("account.password", "success");
    e.account = Some(name.to_string());
    crate::audit::record_cli(&config, e);
    println!("password of {name} changed");
    Ok(ExitCode::SUCCESS)
}

pub async fn del(location: Location, name: &str, yes: bool) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    if store.account(name).await?.is_none() {
        anyhow::bail!("no such user {name}");
    }
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(UsageError(format!(
                "not deleting {name}: no terminal to confirm on; pass --yes"
            ))
            .into());
        }
        print!("Delete {name} and all their mail? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            println!("not deleted");
            return Ok(ExitCode::FAILURE);
        }
    }
    match store.delete_account(name).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => anyhow::bail!("no such user {name}"),
        Err(e) => return Err(e).context(format!("cannot delete {name}")),
    }
    let mut e = loft_auth::audit::AuditEvent::new("account.delete", "success");
    e.account = Some(name.to_string());
    crate::audit::record_cli(&config, e);
    println!("deleted user {name}");
    Ok(ExitCode::SUCCESS)
}

/// User names are what clients type as the LOGIN user: letters, digits and `. _ - @ +`, so
/// they are valid IMAP atoms (RFC 9051 §9 `atom`) and need no quoting.
fn check_name(name: &str) -> Result<(), UsageError> {
    if name.is_empty() {
        return Err(UsageError("user name is empty".into()));
    }
    if name.len() > MAX_USER_NAME_BYTES {
        return Err(UsageError(format!(
            "user name is longer than {MAX_USER_NAME_BYTES} bytes"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+')))
    {
        return Err(UsageError(format!(
            "user name {name:?} contains {c:?}: use letters, digits and . _ - @ + only"
        )));
    }
    Ok(())
}

/// Prompt twice on a terminal (unless `--password-stdin`), else read one line of stdin.
fn read_new_password(password_stdin: bool) -> anyhow::Result<Secret<String>> {
    let stdin = std::io::stdin();
    let password = if !password_stdin && stdin.is_terminal() {
        let first =
            rpassword::prompt_password("New password: ").context("cannot read the password")?;
        let second =
            rpassword::prompt_password("Repeat password: ").context("cannot read the password")?;
        if first != second {
            return Err(UsageError("the passwords do not match".into()).into());
        }
        first
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let trimmed = line.strip_suffix('\n').unwrap_or(&line);
        let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
        trimmed.to_string()
    };
    if password.is_empty() {
        return Err(UsageError("empty password".into()).into());
    }
    Ok(Secret::new(password))
}

/// `loft user set NAME --app-passwords-only true|false`.
pub async fn set(
    location: Location,
    name: &str,
    app_passwords_only: Option<bool>,
) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let id = super::app_password::account_id(&*store, name).await?;
    let Some(on) = app_passwords_only else {
        return Err(
            UsageError("nothing to set: pass --app-passwords-only true|false".into()).into(),
        );
    };
    store
        .set_app_passwords_only(id, on)
        .await
        .context("cannot change the setting")?;
    let mut e = loft_auth::audit::AuditEvent::new("account.setting", "success");
    e.account = Some(name.to_string());
    e.detail = Some(format!("app_passwords_only={on}"));
    crate::audit::record_cli(&config, e);
    println!("{name}: app passwords only = {on}");
    Ok(ExitCode::SUCCESS)
}

/// The argon2id hash and the SCRAM-SHA-256 keys (Dovecot format) of a new password. Both
/// are deliberately slow: keep them off the async workers.
async fn credentials(
    password: Secret<String>,
    scram_iterations: u32,
) -> anyhow::Result<(String, Option<String>)> {
    let creds = tokio::task::spawn_blocking(move || {
        loft_auth::StoredCreds::from_password(&password, scram_iterations)
    })
    .await
    .context("password hashing task failed")?
    .context("cannot hash the password")?;
    let hash = creds.argon2_hash.context("no password hash derived")?;
    Ok((hash, creds.scram_sha256.map(|c| c.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        for ok in [
            "alice",
            "bob.smith",
            "a_b-c",
            "alice@example.com",
            "x+tag",
            "zoë",
        ] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "a\"b", "a\\b", "a\r\n", "(x)", "a*", "a%"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"a".repeat(256)).is_err());
    }
}
