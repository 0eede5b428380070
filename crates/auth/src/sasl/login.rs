//! LOGIN: draft-murchison-sasl-login-00. The server asks "Username:" then "Password:"; the
//! client answers each with the bare value. Obsolete but still sent by Outlook and old
//! phones. The caller checks the password ([`Step::VerifyPassword`]).

use super::{MAX_RESPONSE_BYTES, Mechanism, SaslError, Step, utf8_identity};
use crate::Secret;

/// draft-murchison-sasl-login §2.1: the challenges are these exact strings.
pub const USERNAME_CHALLENGE: &[u8] = b"Username:";
pub const PASSWORD_CHALLENGE: &[u8] = b"Password:";

/// The LOGIN server side.
#[derive(Debug, Default)]
pub struct Login {
    state: State,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    AwaitingUsername,
    AwaitingPassword(String),
    Finished,
}

impl Login {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Mechanism for Login {
    fn name(&self) -> &'static str {
        super::LOGIN
    }

    /// draft-murchison-sasl-login §2.1: the server starts with "Username:". A client that
    /// sends the user name as an initial response (SASL-IR) skips it.
    fn initial_challenge(&self) -> Vec<u8> {
        USERNAME_CHALLENGE.to_vec()
    }

    fn step(&mut self, client_response: &[u8]) -> Step {
        if client_response.len() > MAX_RESPONSE_BYTES {
            self.state = State::Finished;
            return Step::Failed(SaslError::TooLong);
        }
        match std::mem::replace(&mut self.state, State::Finished) {
            State::AwaitingUsername => match utf8_identity(client_response) {
                Ok(user) => {
                    self.state = State::AwaitingPassword(user);
                    Step::Challenge(PASSWORD_CHALLENGE.to_vec())
                }
                Err(e) => Step::Failed(e),
            },
            // The draft puts no syntax on the password; any bytes but NUL (which no
            // password store here could hold) go to the caller's check.
            State::AwaitingPassword(authcid) => {
                if client_response.contains(&0) {
                    return Step::Failed(SaslError::Malformed("NUL in password"));
                }
                Step::VerifyPassword {
                    authcid,
                    authzid: None,
                    password: Secret::new(client_response.to_vec()),
                }
            }
            State::Finished => Step::Failed(SaslError::OutOfSequence),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_then_password() {
        let mut m = Login::new();
        assert_eq!(m.initial_challenge(), b"Username:");
        assert_eq!(m.step(b"tim"), Step::Challenge(b"Password:".to_vec()));
        assert_eq!(
            m.step(b"tanstaaf"),
            Step::VerifyPassword {
                authcid: "tim".into(),
                authzid: None,
                password: Secret::new(b"tanstaaf".to_vec())
            }
        );
        assert_eq!(m.step(b"again"), Step::Failed(SaslError::OutOfSequence));
    }

    #[test]
    fn bad_usernames_fail() {
        assert_eq!(
            Login::new().step(b"\xfe"),
            Step::Failed(SaslError::InvalidUtf8)
        );
        assert!(matches!(
            Login::new().step(b""),
            Step::Failed(SaslError::Malformed(_))
        ));
        assert!(matches!(
            Login::new().step(b"a\0b"),
            Step::Failed(SaslError::Malformed(_))
        ));
        let mut m = Login::new();
        assert_eq!(
            m.step(&vec![b'a'; MAX_RESPONSE_BYTES + 1]),
            Step::Failed(SaslError::TooLong)
        );
        assert_eq!(m.step(b"tim"), Step::Failed(SaslError::OutOfSequence));
    }

    #[test]
    fn nul_in_password_fails() {
        let mut m = Login::new();
        m.step(b"tim");
        assert!(matches!(
            m.step(b"p\0w"),
            Step::Failed(SaslError::Malformed(_))
        ));
    }
}
