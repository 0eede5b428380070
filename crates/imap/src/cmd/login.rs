//! LOGIN: RFC 9051 §6.2.3. State: Not authenticated.
use loft_auth::Secret;
use loft_proto_imap::Code;

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::session::AccountCtx;

pub async fn handle(s: &mut Session, user: Vec<u8>, password: Vec<u8>) -> CmdResult {
    // RFC 9051 §6.2.3 / RFC 5530 PRIVACYREQUIRED: with LOGINDISABLED advertised the
    // command is refused whatever the credentials.
    if !crate::capabilities::is_plaintext_auth_allowed(s) {
        return Err(CmdError::no_code(
            Code::PrivacyRequired,
            "Plaintext authentication disallowed on a cleartext connection; use STARTTLS",
        ));
    }
    let password = Secret::new(password);
    authenticate(s, &user, password).await?;
    Ok(Done::with_code(
        Code::Capability(crate::capabilities::capabilities(s)),
        "LOGIN completed",
    ))
}

/// Check `user`/`password` and, on success, move the session to the Authenticated state.
/// An unknown user, a non-UTF-8 name and a wrong password all get the same answer after
/// the same work (argon2 against `dummy_hash()`), so user names cannot be probed by timing.
pub(crate) async fn authenticate(
    s: &mut Session,
    user: &[u8],
    password: Secret<Vec<u8>>,
) -> Result<(), CmdError> {
    let name = std::str::from_utf8(user).ok();
    let account = match name {
        Some(name) if !name.is_empty() => s.ctx.store.account(name).await?,
        _ => None,
    };
    let hash = match &account {
        Some(a) => a.password_hash.clone(),
        None => loft_auth::dummy_hash().to_string(),
    };
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let is_valid =
        tokio::task::spawn_blocking(move || loft_auth::verify_password(&hash, password.expose()))
            .await
            .unwrap_or(false);
    match account {
        Some(a) if is_valid => {
            tracing::info!(peer = %s.peer, account = %a.name, "authenticated");
            s.account = Some(AccountCtx {
                id: a.id,
                name: a.name,
            });
            Ok(())
        }
        _ => {
            tracing::info!(peer = %s.peer, "authentication failed");
            Err(CmdError::no_code(
                Code::AuthenticationFailed,
                "Authentication failed",
            ))
        }
    }
}
