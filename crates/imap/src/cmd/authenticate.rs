//! AUTHENTICATE: RFC 9051 §6.2.2, SASL-IR RFC 4959, response codes RFC 5530.
//! Mechanisms (crate `loft_auth::sasl`): PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login),
//! SCRAM-SHA-256 (RFC 7677) and SCRAM-SHA-256-PLUS with `tls-exporter` channel binding
//! (RFC 5802 §6, RFC 9266), OAUTHBEARER (RFC 7628) and XOAUTH2 with `[oauth]` configured.
//! State: Not authenticated.
use loft_auth::sasl::{self, SaslError, Step};
use loft_auth::{ScramCreds, Secret, StoredCreds};
use loft_proto_imap::Code;
use loft_store::Account;

use super::login::{self, check_ban, fail, privacy_required, succeed};
use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, mechanism: String, initial: Option<Vec<u8>>) -> CmdResult {
    let initial = initial.map(Secret::new);
    let bindings = s
        .tls_info
        .as_ref()
        .map(|t| t.channel_bindings())
        .unwrap_or_default();
    let is_token_mechanism =
        sasl::oauth::is_token_mechanism(&mechanism) && s.ctx.config.oauth.is_some();
    // RFC 7628 §5: a bearer token is as good as a password to whoever sees it.
    let is_cleartext_mechanism = is_token_mechanism
        || mechanism.eq_ignore_ascii_case(sasl::PLAIN)
        || mechanism.eq_ignore_ascii_case(sasl::LOGIN);
    // RFC 9051 §6.2.2 / §11.1: PLAIN and LOGIN send the password in the clear (and the
    // token mechanisms a bearer token).
    if is_cleartext_mechanism && !crate::capabilities::is_plaintext_auth_allowed(s) {
        return Err(privacy_required(s, &mechanism.to_ascii_uppercase()));
    }
    // RFC 9051 §6.2.2: NO for a mechanism the server does not support (here: also
    // SCRAM-SHA-256-PLUS without channel binding data, which is not advertised then).
    let mech = if is_token_mechanism {
        sasl::oauth::server_mechanism(&mechanism)
    } else {
        sasl::server_mechanism(&mechanism, &bindings)
    };
    let Some(mut mech) = mech else {
        return Err(CmdError::no("Unsupported authentication mechanism"));
    };
    let name = mech.name();
    check_ban(s, name).await?;

    let response = match &initial {
        Some(ir) => decode(ir.expose())?,
        None => challenge(s, &mech.initial_challenge()).await?,
    };
    let mut step = mech.step(response.expose());
    // The account the SCRAM exchange looked up, and why it was refused if it was.
    let mut scram_account: Option<Account> = None;
    let mut authcid: Option<String> = None;
    let mut refusal: Option<&'static str> = None;
    // The final NO for a refused bearer token, sent after the error challenge.
    let mut token_refusal: Option<CmdError> = None;
    loop {
        step = match step {
            Step::Challenge(c) => {
                let response = challenge(s, &c).await?;
                mech.step(response.expose())
            }
            Step::NeedCredentials { authcid: user } => {
                let creds = match s.ctx.store.account(&user).await? {
                    Some(account) => {
                        let settings = s.ctx.store.auth_settings(account.id).await?;
                        let scram = settings
                            .scram_sha256
                            .as_deref()
                            .and_then(|t| ScramCreds::parse(t).ok());
                        if settings.app_passwords_only {
                            // SCRAM proves the main password: refused like LOGIN with it.
                            refusal = Some("main password refused: app passwords only");
                            None
                        } else {
                            if scram.is_none() {
                                refusal = Some(
                                    "no SCRAM credentials (log in once with PLAIN or reset the password)",
                                );
                            }
                            scram_account = Some(account.clone());
                            Some(StoredCreds {
                                argon2_hash: None,
                                scram_sha256: scram,
                            })
                        }
                    }
                    None => None,
                };
                authcid = Some(user);
                mech.provide_credentials(creds)
            }
            Step::VerifyPassword {
                authcid,
                authzid: _,
                password,
            } => {
                // The mechanism already refused any authzid other than authcid.
                login::check_password(s, name, authcid.as_bytes(), password).await?;
                return Ok(completed(s));
            }
            Step::VerifyToken { authzid, token } => {
                match check_token(s, name, authzid, token).await? {
                    None => return Ok(completed(s)),
                    Some(no) => {
                        token_refusal = Some(no);
                        let challenge = s
                            .ctx
                            .config
                            .oauth
                            .as_ref()
                            .map(|o| o.error_challenge())
                            .unwrap_or_default();
                        mech.reject_token(challenge)
                    }
                }
            }
            // RFC 7628 §3.2.3: the client acknowledged the error challenge; now the NO.
            Step::Failed(SaslError::InvalidToken) if token_refusal.is_some() => {
                return Err(token_refusal
                    .take()
                    .unwrap_or_else(|| CmdError::no("Authentication failed")));
            }
            Step::Done {
                authcid: user,
                authzid: _,
            } => {
                return match scram_account.take() {
                    Some(account) if account.name.eq_ignore_ascii_case(&user) => {
                        succeed(s, account, name, "scram").await?;
                        Ok(completed(s))
                    }
                    // Invariant of the mechanism: Done only after provide_credentials(Some).
                    _ => Err(fail(s, Some(&user), name, "internal: no account").await),
                };
            }
            Step::Failed(SaslError::AuthorizationFailed) => {
                // RFC 5530 AUTHORIZATIONFAILED: right credentials maybe, but not allowed to
                // act as the requested authzid. Counts as a failure all the same.
                let _ = fail(
                    s,
                    authcid.as_deref(),
                    name,
                    "authorization identity refused",
                )
                .await;
                return Err(CmdError::no_code(
                    Code::AuthorizationFailed,
                    "Not authorized to act as another user",
                ));
            }
            // RFC 9051 §6.2.2: BAD for a response that is not a valid message of the
            // mechanism; no credential was tried, so nothing to count.
            Step::Failed(SaslError::Malformed(_) | SaslError::InvalidUtf8 | SaslError::TooLong) => {
                return Err(CmdError::bad("Malformed SASL response"));
            }
            Step::Failed(e) => {
                let reason = match (&e, refusal) {
                    (
                        SaslError::UnknownUser
                        | SaslError::NoScramCredentials
                        | SaslError::InvalidProof,
                        Some(r),
                    ) => r.to_string(),
                    (SaslError::UnknownUser, None) => "unknown user".to_string(),
                    (SaslError::InvalidProof, None) => "wrong password".to_string(),
                    _ => e.to_string(),
                };
                return Err(fail(s, authcid.as_deref(), name, &reason).await);
            }
        };
    }
}

/// Check a bearer token (OAUTHBEARER, XOAUTH2) and, when it is good, move the session to
/// the Authenticated state (`Ok(None)`). A refused token is counted, delayed and audited
/// like a wrong password right away (so cancelling after the error challenge saves the
/// client nothing); `Ok(Some(no))` is the answer to send once the exchange ends. The token
/// never reaches a log: the audit log gets the mechanism, the account and why.
async fn check_token(
    s: &mut Session,
    mechanism: &str,
    authzid: Option<String>,
    token: Secret<String>,
) -> Result<Option<CmdError>, CmdError> {
    let Some(oauth) = s.ctx.config.oauth.clone() else {
        return Ok(Some(
            fail(s, authzid.as_deref(), mechanism, "oauth not configured").await,
        ));
    };
    let identity = match oauth.validate(token.expose()) {
        Ok(identity) => identity,
        Err(e) => {
            return Ok(Some(
                fail(s, authzid.as_deref(), mechanism, &e.to_string()).await,
            ));
        }
    };
    // RFC 7628 §3.1: the authzid (XOAUTH2: `user=`) must be the user the token was issued to.
    if let Some(user) = &authzid
        && !user.eq_ignore_ascii_case(&identity.username)
    {
        return Ok(Some(
            fail(s, Some(user), mechanism, "token issued to another user").await,
        ));
    }
    match s.ctx.store.account(&identity.username).await? {
        Some(account) => {
            succeed(s, account, mechanism, "token").await?;
            Ok(None)
        }
        None => Ok(Some(
            fail(
                s,
                Some(&identity.username),
                mechanism,
                "token names an unknown account",
            )
            .await,
        )),
    }
}

fn completed(s: &Session) -> Done {
    Done::with_code(
        Code::Capability(crate::capabilities::capabilities(s)),
        "AUTHENTICATE completed",
    )
}

/// Send a challenge and read the client's answer. RFC 9051 §6.2.2: `*` cancels the
/// exchange and the server MUST answer BAD.
async fn challenge(s: &mut Session, challenge: &[u8]) -> Result<Secret<Vec<u8>>, CmdError> {
    s.out.continuation(&sasl::encode_challenge(challenge));
    let line = Secret::new(s.read_line().await?);
    if line.expose().as_slice() == b"*" {
        return Err(CmdError::bad("Authentication cancelled"));
    }
    decode(line.expose())
}

fn decode(line: &[u8]) -> Result<Secret<Vec<u8>>, CmdError> {
    sasl::decode_response(line)
        .map(Secret::new)
        .map_err(|_| CmdError::bad("Invalid base64 in SASL response"))
}
