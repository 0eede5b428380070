//! LOGIN: RFC 9051 §6.2.3. State: Not authenticated.
//!
//! Also the one place every authentication attempt ends (LOGIN and each AUTHENTICATE
//! mechanism): address bans, app passwords and "app passwords only", the failure delay
//! (`loft_auth::throttle`), the per-account connection limit and the audit log.
use std::net::IpAddr;
use std::time::{Duration, Instant};

use loft_auth::Secret;
use loft_auth::audit::AuditEvent;
use loft_auth::throttle::address_key;
use loft_proto_imap::Code;
use loft_store::{Account, AuthSettings, Ban};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::session::AccountCtx;

/// The audit log's mechanism name for the LOGIN command (not the SASL LOGIN mechanism).
pub const LOGIN_COMMAND: &str = "IMAP-LOGIN";

pub async fn handle(s: &mut Session, user: Vec<u8>, password: Vec<u8>) -> CmdResult {
    let password = Secret::new(password);
    // RFC 9051 §6.2.3 / RFC 5530 PRIVACYREQUIRED: with LOGINDISABLED advertised the
    // command is refused whatever the credentials.
    if !crate::capabilities::is_plaintext_auth_allowed(s) {
        return Err(privacy_required(s, LOGIN_COMMAND));
    }
    check_password(s, LOGIN_COMMAND, &user, password).await?;
    Ok(Done::with_code(
        Code::Capability(crate::capabilities::capabilities(s)),
        "LOGIN completed",
    ))
}

/// Refuse a cleartext password mechanism on an unprotected connection, and log it.
pub(crate) fn privacy_required(s: &Session, mechanism: &str) -> CmdError {
    let mut e = audit_event(s, "login.failure", "failure", mechanism);
    e.reason = Some("cleartext password refused before TLS".into());
    s.ctx.config.security.audit.record(&e);
    CmdError::no_code(
        Code::PrivacyRequired,
        "Plaintext authentication disallowed on a cleartext connection; use STARTTLS",
    )
}

/// Check `user`/`password` (LOGIN, PLAIN, SASL LOGIN) and, on success, move the session
/// to the Authenticated state. An unknown user, a non-UTF-8 name and a wrong password all
/// get the same answer after the same work (argon2 against `dummy_hash()`, the same
/// throttling), so user names cannot be probed.
pub(crate) async fn check_password(
    s: &mut Session,
    mechanism: &str,
    user: &[u8],
    password: Secret<Vec<u8>>,
) -> Result<(), CmdError> {
    check_ban(s, mechanism).await?;
    let name = std::str::from_utf8(user).ok().filter(|n| !n.is_empty());
    let account = match name {
        Some(name) => s.ctx.store.account(name).await?,
        None => None,
    };
    let settings = match &account {
        Some(a) => s.ctx.store.auth_settings(a.id).await?,
        None => AuthSettings::default(),
    };
    let now = unix_now();
    let app_passwords = match &account {
        Some(a) if loft_auth::app_password::looks_like_app_password(password.expose()) => {
            let mut all = s.ctx.store.app_passwords(a.id).await?;
            all.retain(|p| p.expires.is_none_or(|t| t > now));
            all
        }
        _ => Vec::new(),
    };
    let hash = match &account {
        Some(a) => a.password_hash.clone(),
        None => loft_auth::dummy_hash().to_string(),
    };
    // A login verified a moment ago with the same stored hash and password skips argon2
    // (loft_auth::login_cache; only successes are remembered, so a wrong password or an
    // unknown user always pays the full check below). App passwords take the full path:
    // which one matched must be known for its audit record.
    let cache = s.ctx.config.security.login_cache.clone();
    let cached = match &account {
        Some(a) if app_passwords.is_empty() => cache.is_verified(&a.name, &hash, password.expose()),
        _ => false,
    };
    let (app_match, is_main_valid) = if cached {
        (None, Some(password))
    } else {
        let cache_user = account.as_ref().map(|a| a.name.clone());
        // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
        tokio::task::spawn_blocking(move || {
            let app_match = app_passwords
                .into_iter()
                .find(|p| loft_auth::app_password::verify(&p.hash, password.expose()));
            // The main password is checked even when an app password could match, so
            // every failure costs the same argon2 run.
            let is_main_valid =
                app_match.is_none() && loft_auth::verify_password(&hash, password.expose());
            if is_main_valid && let Some(user) = &cache_user {
                cache.remember(user, &hash, password.expose());
            }
            (app_match, is_main_valid.then_some(password))
        })
        .await
        .unwrap_or((None, None))
    };

    match (account, app_match, is_main_valid) {
        (Some(a), Some(app), _) => {
            let ip = s.peer.ip().to_string();
            if let Err(e) = s.ctx.store.app_password_used(a.id, app.id, now, &ip).await {
                tracing::warn!(error = %e, "cannot record app password use");
            }
            let mut e = audit_event(s, "app_password.use", "success", mechanism);
            e.account = Some(a.name.clone());
            e.label = Some(app.label.clone());
            s.ctx.config.security.audit.record(&e);
            succeed(s, a, mechanism, "app-password").await
        }
        (Some(a), None, Some(_)) if settings.app_passwords_only => Err(fail(
            s,
            Some(&a.name),
            mechanism,
            "main password refused: app passwords only",
        )
        .await),
        (Some(a), None, Some(password)) => {
            if settings.scram_sha256.is_none() || !a.password_hash.starts_with("$argon2id$") {
                upgrade_credentials(s, &a, password);
            }
            succeed(s, a, mechanism, "password").await
        }
        (Some(a), None, None) => Err(fail(s, Some(&a.name), mechanism, "wrong password").await),
        (None, _, _) => Err(fail(s, name, mechanism, "unknown user").await),
    }
}

/// Refuse attempts from a banned address: `NO [UNAVAILABLE]` (RFC 5530), no credential
/// is even looked at.
pub(crate) async fn check_ban(s: &mut Session, mechanism: &str) -> Result<(), CmdError> {
    let key = address_key(s.peer.ip());
    if let Some(ban) = s.ctx.store.ban(&key, unix_now()).await? {
        let mut e = audit_event(s, "login.failure", "failure", mechanism);
        e.reason = Some("address banned".into());
        e.ban_key = Some(ban.key);
        e.until = Some(rfc3339(ban.until));
        s.ctx.config.security.audit.record(&e);
        return Err(CmdError::no_code(
            Code::Unavailable,
            "Too many failed logins from your address; try again later",
        ));
    }
    Ok(())
}

/// The session becomes Authenticated as `account`, unless the account has too many
/// connections already (`NO [UNAVAILABLE]`).
pub(crate) async fn succeed(
    s: &mut Session,
    account: Account,
    mechanism: &str,
    credential: &'static str,
) -> Result<(), CmdError> {
    let security = s.ctx.config.security.clone();
    let slot = match security.limits.login(&account.name) {
        Ok(slot) => slot,
        Err(_) => {
            let mut e = audit_event(s, "login.failure", "failure", mechanism);
            e.account = Some(account.name.clone());
            e.credential = Some(credential);
            e.reason = Some("too many connections for this account".into());
            security.audit.record(&e);
            return Err(CmdError::no_code(
                Code::Unavailable,
                "Too many connections for this account",
            ));
        }
    };
    security.throttle.success(&account.name);
    let mut e = audit_event(s, "login.success", "success", mechanism);
    e.account = Some(account.name.clone());
    e.credential = Some(credential);
    security.audit.record(&e);
    tracing::info!(peer = %s.peer, account = %account.name, mechanism, "authenticated");
    s.account_slot = Some(slot);
    s.account = Some(AccountCtx {
        id: account.id,
        name: account.name,
    });
    Ok(())
}

/// A failed attempt: count it, maybe ban the address, wait the growing delay, and return
/// the one uniform answer. `reason` goes to the audit log only.
pub(crate) async fn fail(
    s: &mut Session,
    name: Option<&str>,
    mechanism: &str,
    reason: &str,
) -> CmdError {
    let security = s.ctx.config.security.clone();
    let ip = s.peer.ip();
    let verdict = security.throttle.failure(ip, name, Instant::now());
    if let Some((key, duration)) = &verdict.ban {
        ban(s, key, *duration, verdict.address_failures, mechanism).await;
    }
    let mut e = audit_event(s, "login.failure", "failure", mechanism);
    e.account = name.map(|n| n.chars().filter(|c| !c.is_control()).take(255).collect());
    e.reason = Some(reason.to_string());
    e.delay_ms = Some(u64::try_from(verdict.delay.as_millis()).unwrap_or(u64::MAX));
    security.audit.record(&e);
    tracing::info!(peer = %s.peer, mechanism, "authentication failed");
    tokio::time::sleep(verdict.delay).await;
    CmdError::no_code(Code::AuthenticationFailed, "Authentication failed")
}

async fn ban(s: &mut Session, key: &str, duration: Duration, failures: u32, mechanism: &str) {
    let now = unix_now();
    let until = now.saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 2));
    let ban = Ban {
        key: key.to_string(),
        created: now,
        until,
        reason: format!("{failures} failed logins"),
    };
    if let Err(e) = s.ctx.store.add_ban(&ban).await {
        tracing::error!(error = %e, ban = key, "cannot store a ban");
    }
    tracing::warn!(ban = key, until = %rfc3339(until), "address banned after repeated login failures");
    let mut e = audit_event(s, "ban.add", "info", mechanism);
    e.ban_key = Some(key.to_string());
    e.until = Some(rfc3339(until));
    e.reason = Some(ban.reason);
    s.ctx.config.security.audit.record(&e);
}

/// Derive SCRAM keys (and an argon2id hash for an imported legacy hash) from a password
/// that just proved right, in the background: imported users get SCRAM without a reset.
fn upgrade_credentials(s: &Session, account: &Account, password: Secret<Vec<u8>>) {
    let Ok(text) = String::from_utf8(password.expose().clone()) else {
        return;
    };
    let store = s.ctx.store.clone();
    let iterations = s.ctx.config.security.scram_iterations;
    let (id, name, is_argon2) = (
        account.id,
        account.name.clone(),
        account.password_hash.starts_with("$argon2id$"),
    );
    tokio::spawn(async move {
        let secret = Secret::new(text);
        let derived = tokio::task::spawn_blocking(move || {
            loft_auth::StoredCreds::from_password(&secret, iterations)
        })
        .await;
        let Ok(Ok(creds)) = derived else { return };
        if !is_argon2 && let Some(hash) = &creds.argon2_hash {
            // The store clears the SCRAM keys on a password change; set them after.
            if let Err(e) = store.set_password(&name, hash).await {
                tracing::warn!(error = %e, "cannot upgrade an imported password hash");
                return;
            }
        }
        if let Some(scram) = &creds.scram_sha256
            && let Err(e) = store
                .set_scram_credentials(id, Some(&scram.to_string()))
                .await
        {
            tracing::warn!(error = %e, "cannot store SCRAM credentials");
        }
    });
}

/// An audit event with the connection's details filled in.
pub(crate) fn audit_event(
    s: &Session,
    event: &'static str,
    outcome: &'static str,
    mechanism: &str,
) -> AuditEvent {
    let mut e = AuditEvent::new(event, outcome);
    e.service = Some("imap");
    e.mechanism = Some(mechanism.to_string());
    e.client_ip = Some(canonical_ip(s.peer.ip()).to_string());
    e.client_port = Some(s.peer.port());
    if let Some(tls) = &s.tls_info {
        e.tls_version = Some(tls.version.clone());
        e.tls_cipher = Some(tls.cipher.clone());
    } else if s.is_tls {
        e.tls_version = Some("TLS".into());
    }
    e.client_id = s.client_id.clone();
    e
}

fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
