//! Protocol limits and policies of the IMAP layer (the server crate fills them from TOML).

/// When LOGIN and AUTHENTICATE PLAIN are allowed without TLS (RFC 9051 §6.2.3 LOGINDISABLED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaintextAuth {
    /// Only after STARTTLS or on implicit TLS (the default).
    Never,
    /// Also on cleartext connections from a loopback address (for testing).
    Loopback,
    /// Always (not recommended).
    Always,
}

#[derive(Debug, Clone)]
pub struct ImapConfig {
    /// A command line (excluding literal bytes) longer than this gets BAD.
    pub max_line_bytes: usize,
    /// A literal announced larger than this is refused before it is read ([TOOBIG]).
    /// Also the APPENDLIMIT.
    pub max_literal_bytes: u64,
    /// Nesting depth of parenthesised lists and SEARCH keys.
    pub max_nesting: usize,
    /// Commands read ahead of the one being executed before the session stops reading.
    pub max_pipelined_commands: usize,
    pub plaintext_auth: PlaintextAuth,
    /// How often IDLE polls the store for changes made by other processes.
    pub idle_poll_millis: u64,
}

impl Default for ImapConfig {
    fn default() -> Self {
        ImapConfig {
            max_line_bytes: 64 * 1024,
            max_literal_bytes: 64 * 1024 * 1024,
            max_nesting: 32,
            max_pipelined_commands: 64,
            plaintext_auth: PlaintextAuth::Never,
            idle_poll_millis: 1000,
        }
    }
}
