//! `loft.toml`: parsed with serde (unknown fields refused) and validated at load, so a bad
//! config stops the server at start with the file, line, column and reason (STYLE.md rule 11)
//! and never fails later at use. `loft.example.toml` at the repository root documents every
//! option with its default.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use loft_imap::{ImapConfig, PlaintextAuth};
use serde::Deserialize;
use toml::Spanned;

/// Where mail and the generated certificate live when neither the config nor `--data-dir`
/// says otherwise (relative to the working directory).
pub const DEFAULT_DATA_DIR: &str = "loft-data";
/// RFC 9051 §6.2.1: STARTTLS on the plain IMAP port (143 needs root; 1143 does not).
pub const DEFAULT_STARTTLS_ADDRESS: &str = "127.0.0.1:1143";
/// RFC 8314 §3.3: implicit TLS, the recommended way (993 needs root; 1993 does not).
pub const DEFAULT_IMPLICIT_TLS_ADDRESS: &str = "127.0.0.1:1993";
pub const DEFAULT_TLS_HANDSHAKE_TIMEOUT_SECS: u64 = 10;
/// RFC 7162 §4: clients may send command lines of about 8192 octets (CONDSTORE/QRESYNC
/// UID sets); a smaller limit would refuse ordinary clients.
pub const MIN_LINE_BYTES: u64 = 8192;

/// The validated configuration. Paths are absolute or relative to the working directory
/// (relative paths in a config file are resolved against the file's directory).
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from; None for the built-in defaults.
    pub source: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub listeners: Vec<Listener>,
    pub tls: TlsFiles,
    pub tls_handshake_timeout: Duration,
    pub imap: ImapConfig,
    pub log: LogConfig,
    /// `[lmtp]`: delivery listeners (off by default), recipient domains and aliases.
    pub lmtp: crate::lmtp_listen::LmtpSettings,
    /// Extra certificates, throttling, connection limits, audit log (security_config.rs).
    pub security: crate::security_config::SecuritySettings,
    /// `[store]`: the embedded store (default) or PostgreSQL (crate::store).
    pub store: crate::store::StoreSettings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// Port 0 asks the OS for a free port; `loft serve` prints the one it got.
    pub address: SocketAddr,
    pub tls: TlsMode,
}

/// How a listener speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Cleartext greeting, STARTTLS offered (RFC 9051 §6.2.1).
    Starttls,
    /// TLS from the first byte (RFC 8314 §3.3).
    Implicit,
    /// Cleartext only, STARTTLS not offered.
    None,
}

impl TlsMode {
    pub fn needs_certificate(self) -> bool {
        self != TlsMode::None
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsMode::Starttls => "STARTTLS",
            TlsMode::Implicit => "implicit TLS",
            TlsMode::None => "no TLS",
        })
    }
}

/// The certificate and key the TLS listeners use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFiles {
    /// A self-signed certificate generated on first start into `DATA_DIR/tls/`.
    Generated,
    Files {
        cert: PathBuf,
        key: PathBuf,
    },
}

impl TlsFiles {
    /// The (cert, key) paths for a given data directory.
    pub fn paths(&self, data_dir: &Path) -> (PathBuf, PathBuf) {
        match self {
            TlsFiles::Generated => (
                data_dir.join("tls").join("cert.pem"),
                data_dir.join("tls").join("key.pem"),
            ),
            TlsFiles::Files { cert, key } => (cert.clone(), key.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    pub format: LogFormat,
    /// An `EnvFilter` directive (`info`, `loft_imap=debug,info`); RUST_LOG wins when set.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A config that cannot be used. Display: `FILE:LINE:COLUMN: reason`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read config: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    At {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
}

impl Config {
    /// The configuration when no file is given: STARTTLS and implicit TLS on loopback,
    /// data in `./loft-data`, a generated certificate.
    pub fn defaults() -> Config {
        Config {
            source: None,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            listeners: default_listeners(),
            tls: TlsFiles::Generated,
            tls_handshake_timeout: Duration::from_secs(DEFAULT_TLS_HANDSHAKE_TIMEOUT_SECS),
            imap: ImapConfig::default(),
            log: LogConfig {
                format: LogFormat::Text,
                level: "info".to_string(),
            },
            lmtp: crate::lmtp_listen::LmtpSettings::default(),
            security: crate::security_config::SecuritySettings::default(),
            store: crate::store::StoreSettings::Embedded,
        }
    }

    /// Read and validate a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parse and validate config text; `path` names it in errors and anchors relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let at = |span: Option<Range<usize>>, message: String| match span {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                ConfigError::At {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message,
                }
            }
            None => ConfigError::File {
                path: path.to_path_buf(),
                message,
            },
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim_end().to_string()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        validate(raw, base, path).map_err(|(span, message)| at(Some(span), message))
    }
}

fn default_listeners() -> Vec<Listener> {
    // Invariant: both constants are literal socket addresses (checked by a unit test).
    let parse = |s: &str| {
        s.parse::<SocketAddr>()
            .expect("default listen address is a valid socket address")
    };
    vec![
        Listener {
            address: parse(DEFAULT_STARTTLS_ADDRESS),
            tls: TlsMode::Starttls,
        },
        Listener {
            address: parse(DEFAULT_IMPLICIT_TLS_ADDRESS),
            tls: TlsMode::Implicit,
        },
    ]
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

// --- the file as written ---

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    data_dir: Option<Spanned<String>>,
    #[serde(default)]
    imap: RawImap,
    tls: Option<RawTls>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    auth: RawAuth,
    #[serde(default)]
    log: RawLog,
    #[serde(default)]
    lmtp: crate::lmtp_listen::RawLmtp,
    #[serde(default)]
    timeouts: crate::security_config::RawTimeouts,
    #[serde(default)]
    audit: crate::security_config::RawAudit,
    #[serde(default)]
    store: crate::store::RawStore,
    oauth: Option<crate::security_config::RawOAuth>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImap {
    listen: Option<Spanned<Vec<RawListen>>>,
    idle_poll_millis: Option<Spanned<u64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawListen {
    address: Spanned<String>,
    tls: TlsMode,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert: Option<Spanned<String>>,
    key: Option<Spanned<String>>,
    /// `[[tls.certificate]]`: more certificates, chosen by SNI.
    #[serde(default)]
    certificate: Vec<crate::security_config::RawCertificate>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_line_bytes: Option<Spanned<u64>>,
    max_literal_bytes: Option<Spanned<u64>>,
    max_nesting: Option<Spanned<u64>>,
    max_pipelined_commands: Option<Spanned<u64>>,
    tls_handshake_timeout_secs: Option<Spanned<u64>>,
    max_connections: Option<Spanned<u64>>,
    max_connections_per_ip: Option<Spanned<u64>>,
    max_connections_per_account: Option<Spanned<u64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    plaintext: Option<Spanned<RawPlaintext>>,
    scram_iterations: Option<Spanned<u32>>,
    login_cache_secs: Option<Spanned<u64>>,
    #[serde(default)]
    throttle: crate::security_config::RawThrottle,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawPlaintext {
    Never,
    Loopback,
    Always,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: Option<LogFormat>,
    level: Option<Spanned<String>>,
}

type Invalid = (Range<usize>, String);

fn validate(raw: RawConfig, base: &Path, path: &Path) -> Result<Config, Invalid> {
    let mut config = Config::defaults();
    config.source = Some(path.to_path_buf());
    // The default too is relative to the file, like every path written in it.
    config.data_dir = base.join(DEFAULT_DATA_DIR);

    if let Some(dir) = raw.data_dir {
        if dir.get_ref().is_empty() {
            return Err((dir.span(), "data_dir is empty".to_string()));
        }
        config.data_dir = base.join(dir.get_ref());
    }

    let plaintext = raw
        .auth
        .plaintext
        .as_ref()
        .map(|p| *p.get_ref())
        .unwrap_or(RawPlaintext::Never);
    config.imap.plaintext_auth = match plaintext {
        RawPlaintext::Never => PlaintextAuth::Never,
        RawPlaintext::Loopback => PlaintextAuth::Loopback,
        RawPlaintext::Always => PlaintextAuth::Always,
    };

    if let Some(listen) = raw.imap.listen {
        let span = listen.span();
        let entries = listen.into_inner();
        if entries.is_empty() {
            return Err((
                span,
                "imap.listen is empty: loft would not accept any connection".to_string(),
            ));
        }
        let mut listeners: Vec<Listener> = Vec::with_capacity(entries.len());
        for entry in entries {
            let address: SocketAddr = entry.address.get_ref().parse().map_err(|_| {
                (
                    entry.address.span(),
                    format!(
                        "invalid listen address {:?}: expected IP:PORT such as \"127.0.0.1:143\" or \"[::]:993\" (host names are not resolved)",
                        entry.address.get_ref()
                    ),
                )
            })?;
            if address.port() != 0 && listeners.iter().any(|l| l.address == address) {
                return Err((entry.address.span(), format!("{address} is listed twice")));
            }
            // RFC 9051 §11.1 / RFC 8314: passwords must not cross a network in cleartext. A
            // cleartext listener reachable from other hosts that accepts plaintext logins
            // would do exactly that, so refuse it instead of warning.
            if entry.tls == TlsMode::None
                && plaintext == RawPlaintext::Always
                && !address.ip().is_loopback()
            {
                return Err((
                    entry.address.span(),
                    format!(
                        "listener {address} has tls = \"none\" on a non-loopback address while auth.plaintext = \"always\": \
                         passwords would cross the network in cleartext; use tls = \"starttls\" or \"implicit\", \
                         a loopback address, or auth.plaintext = \"never\""
                    ),
                ));
            }
            listeners.push(Listener {
                address,
                tls: entry.tls,
            });
        }
        config.listeners = listeners;
    }
    if let Some(poll) = raw.imap.idle_poll_millis {
        config.imap.idle_poll_millis = positive(&poll, "imap.idle_poll_millis")?;
    }

    let mut certificates = Vec::new();
    if let Some(tls) = raw.tls {
        certificates = tls.certificate;
        config.tls = match (tls.cert, tls.key) {
            (None, None) => TlsFiles::Generated,
            (Some(cert), Some(key)) => {
                for (what, v) in [("tls.cert", &cert), ("tls.key", &key)] {
                    if v.get_ref().is_empty() {
                        return Err((v.span(), format!("{what} is empty")));
                    }
                }
                TlsFiles::Files { cert: base.join(cert.get_ref()), key: base.join(key.get_ref()) }
            }
            (Some(cert), None) => return Err((cert.span(), "tls.cert is set but tls.key is not: set both, or neither for a generated self-signed certificate".to_string())),
            (None, Some(key)) => return Err((key.span(), "tls.key is set but tls.cert is not: set both, or neither for a generated self-signed certificate".to_string())),
        };
    }

    let limits = raw.limits;
    if let Some(v) = limits.max_line_bytes {
        let n = positive(&v, "limits.max_line_bytes")?;
        if n < MIN_LINE_BYTES {
            return Err((
                v.span(),
                format!(
                    "limits.max_line_bytes = {n} is below {MIN_LINE_BYTES}: RFC 7162 §4 lets clients send command lines of about 8192 octets"
                ),
            ));
        }
        config.imap.max_line_bytes = to_usize(&v, n)?;
    }
    if let Some(v) = limits.max_literal_bytes {
        config.imap.max_literal_bytes = positive(&v, "limits.max_literal_bytes")?;
    }
    if let Some(v) = limits.max_nesting {
        let n = positive(&v, "limits.max_nesting")?;
        config.imap.max_nesting = to_usize(&v, n)?;
    }
    if let Some(v) = limits.max_pipelined_commands {
        let n = positive(&v, "limits.max_pipelined_commands")?;
        config.imap.max_pipelined_commands = to_usize(&v, n)?;
    }
    if let Some(v) = limits.tls_handshake_timeout_secs {
        config.tls_handshake_timeout =
            Duration::from_secs(positive(&v, "limits.tls_handshake_timeout_secs")?);
    }

    if let Some(format) = raw.log.format {
        config.log.format = format;
    }
    if let Some(level) = raw.log.level {
        if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(level.get_ref()) {
            return Err((
                level.span(),
                format!("invalid log.level {:?}: {e}", level.get_ref()),
            ));
        }
        config.log.level = level.into_inner();
    }
    config.lmtp = crate::lmtp_listen::settings(raw.lmtp, base)?;
    config.store = crate::store::settings(raw.store)?;
    let security = crate::security_config::RawSecurity {
        certificates,
        throttle: raw.auth.throttle,
        scram_iterations: raw.auth.scram_iterations,
        login_cache_secs: raw.auth.login_cache_secs,
        limits: crate::security_config::RawConnLimits {
            max_connections: limits.max_connections,
            max_connections_per_ip: limits.max_connections_per_ip,
            max_connections_per_account: limits.max_connections_per_account,
        },
        timeouts: raw.timeouts,
        audit: raw.audit,
    };
    config.security = crate::security_config::settings(security, base, &mut config.imap.timeouts)?;
    config.imap.oauth = crate::security_config::oauth(raw.oauth, base)?;
    Ok(config)
}

fn positive(v: &Spanned<u64>, name: &str) -> Result<u64, Invalid> {
    match *v.get_ref() {
        0 => Err((v.span(), format!("{name} must be greater than 0"))),
        n => Ok(n),
    }
}

fn to_usize(v: &Spanned<u64>, n: u64) -> Result<usize, Invalid> {
    usize::try_from(n).map_err(|_| (v.span(), format!("{n} is too large for this platform")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/loft/loft.toml"))
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("config should be refused:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = parse("").unwrap();
        let d = Config::defaults();
        assert_eq!(c.listeners, d.listeners);
        assert_eq!(c.data_dir, PathBuf::from("/etc/loft/loft-data"));
        assert_eq!(c.tls, TlsFiles::Generated);
        assert_eq!(c.imap.max_line_bytes, ImapConfig::default().max_line_bytes);
        assert_eq!(c.imap.plaintext_auth, PlaintextAuth::Never);
        assert_eq!(
            c.log,
            LogConfig {
                format: LogFormat::Text,
                level: "info".into()
            }
        );
    }

    #[test]
    fn full_config() {
        let c = parse(
            r#"
data_dir = "/var/lib/loft"

[[imap.listen]]
address = "0.0.0.0:143"
tls = "starttls"

[[imap.listen]]
address = "[::]:993"
tls = "implicit"

[[imap.listen]]
address = "127.0.0.1:1143"
tls = "none"

[tls]
cert = "certs/fullchain.pem"
key = "/etc/ssl/private/loft.key"

[limits]
max_line_bytes = 10000
max_literal_bytes = 1000
max_nesting = 5
max_pipelined_commands = 7
tls_handshake_timeout_secs = 3

[auth]
plaintext = "loopback"

[log]
format = "json"
level = "loft_imap=debug,info"
"#,
        )
        .unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/loft"));
        assert_eq!(c.listeners.len(), 3);
        assert_eq!(
            c.listeners[1],
            Listener {
                address: "[::]:993".parse().unwrap(),
                tls: TlsMode::Implicit
            }
        );
        assert_eq!(c.listeners[2].tls, TlsMode::None);
        assert_eq!(
            c.tls,
            TlsFiles::Files {
                cert: PathBuf::from("/etc/loft/certs/fullchain.pem"),
                key: PathBuf::from("/etc/ssl/private/loft.key")
            }
        );
        assert_eq!(c.imap.max_line_bytes, 10000);
        assert_eq!(c.imap.max_literal_bytes, 1000);
        assert_eq!(c.imap.max_nesting, 5);
        assert_eq!(c.imap.max_pipelined_commands, 7);
        assert_eq!(c.tls_handshake_timeout, Duration::from_secs(3));
        assert_eq!(c.imap.plaintext_auth, PlaintextAuth::Loopback);
        assert_eq!(c.log.format, LogFormat::Json);
        assert_eq!(c.log.level, "loft_imap=debug,info");
    }

    #[test]
    fn unknown_field_names_file_line_and_column() {
        let e = err("[limits]\nmax_line_bytes = 10000\n\n\n\n\nmax_lines = 5\n");
        assert!(
            e.starts_with("/etc/loft/loft.toml:7:1: unknown field `max_lines`, expected one of"),
            "{e}"
        );
        assert!(e.contains("max_line_bytes"), "{e}");
    }

    #[test]
    fn login_cache_secs() {
        assert_eq!(
            parse("").unwrap().security.login_cache_ttl,
            loft_auth::login_cache::DEFAULT_TTL
        );
        let c = parse("[auth]\nlogin_cache_secs = 0\n").unwrap();
        assert_eq!(c.security.login_cache_ttl, Duration::ZERO);
        let e = err("[auth]\n\nlogin_cache_secs = 100000\n");
        assert!(e.starts_with("/etc/loft/loft.toml:3:"), "{e}");
        assert!(e.contains("login_cache_secs must be at most 86400"), "{e}");
    }

    #[test]
    fn syntax_error_names_line() {
        let e = err("data_dir = \"x\"\n[limits\n");
        assert!(e.starts_with("/etc/loft/loft.toml:2:"), "{e}");
    }

    #[test]
    fn wrong_type_and_bad_enum() {
        let e = err("[limits]\nmax_nesting = \"deep\"\n");
        assert!(e.starts_with("/etc/loft/loft.toml:2:15:"), "{e}");
        let e = err("[[imap.listen]]\naddress = \"127.0.0.1:1\"\ntls = \"maybe\"\n");
        assert!(e.starts_with("/etc/loft/loft.toml:3:7:"), "{e}");
        assert!(e.contains("starttls"), "{e}");
        let e = err("[limits]\nmax_nesting = -1\n");
        assert!(e.starts_with("/etc/loft/loft.toml:2:"), "{e}");
    }

    #[test]
    fn zero_and_small_limits_refused() {
        let e = err("[limits]\nmax_literal_bytes = 0\n");
        assert_eq!(
            e,
            "/etc/loft/loft.toml:2:21: limits.max_literal_bytes must be greater than 0"
        );
        let e = err("[limits]\nmax_line_bytes = 1000\n");
        assert!(
            e.starts_with("/etc/loft/loft.toml:2:18: limits.max_line_bytes = 1000 is below 8192"),
            "{e}"
        );
        let e = err("[limits]\ntls_handshake_timeout_secs = 0\n");
        assert!(e.contains("must be greater than 0"), "{e}");
    }

    #[test]
    fn bad_addresses_refused() {
        let e = err("[[imap.listen]]\naddress = \"localhost:143\"\ntls = \"implicit\"\n");
        assert!(
            e.starts_with("/etc/loft/loft.toml:2:11: invalid listen address \"localhost:143\""),
            "{e}"
        );
        let e = err("[[imap.listen]]\naddress = \"127.0.0.1\"\ntls = \"implicit\"\n");
        assert!(e.contains("invalid listen address"), "{e}");
        let e = err("[imap]\nlisten = []\n");
        assert!(
            e.starts_with("/etc/loft/loft.toml:2:10: imap.listen is empty"),
            "{e}"
        );
        let twice = "[[imap.listen]]\naddress = \"127.0.0.1:5\"\ntls = \"implicit\"\n";
        let e = err(&format!("{twice}{twice}"));
        assert!(
            e.starts_with("/etc/loft/loft.toml:5:11: 127.0.0.1:5 is listed twice"),
            "{e}"
        );
    }

    #[test]
    fn cleartext_passwords_on_the_network_refused() {
        let listen = |addr: &str| {
            format!(
                "[auth]\nplaintext = \"always\"\n[[imap.listen]]\naddress = \"{addr}\"\ntls = \"none\"\n"
            )
        };
        let e = err(&listen("0.0.0.0:143"));
        assert!(
            e.starts_with("/etc/loft/loft.toml:4:11: listener 0.0.0.0:143 has tls = \"none\""),
            "{e}"
        );
        assert!(parse(&listen("127.0.0.1:143")).is_ok());
        assert!(parse(&listen("[::1]:143")).is_ok());
        // Plaintext only after TLS: a cleartext listener is harmless.
        assert!(parse("[[imap.listen]]\naddress = \"0.0.0.0:143\"\ntls = \"none\"\n").is_ok());
    }

    #[test]
    fn tls_needs_cert_and_key() {
        let e = err("[tls]\ncert = \"c.pem\"\n");
        assert!(
            e.starts_with("/etc/loft/loft.toml:2:8: tls.cert is set but tls.key is not"),
            "{e}"
        );
        let e = err("[tls]\nkey = \"k.pem\"\n");
        assert!(e.contains("tls.key is set but tls.cert is not"), "{e}");
        assert_eq!(parse("[tls]\n").unwrap().tls, TlsFiles::Generated);
    }

    #[test]
    fn bad_log_level_refused() {
        let e = err("[log]\nlevel = \"info,=[\"\n");
        assert!(
            e.starts_with("/etc/loft/loft.toml:2:9: invalid log.level"),
            "{e}"
        );
        let e = err("[log]\nformat = \"xml\"\n");
        assert!(e.starts_with("/etc/loft/loft.toml:2:10:"), "{e}");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é\nxé = 1", 6), (2, 3));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn example_config_parses_and_matches_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../loft.example.toml");
        let c = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let d = Config::defaults();
        assert_eq!(c.listeners, d.listeners);
        assert_eq!(c.tls, d.tls);
        assert_eq!(c.tls_handshake_timeout, d.tls_handshake_timeout);
        assert_eq!(c.log, d.log);
        assert_eq!(c.imap.max_line_bytes, d.imap.max_line_bytes);
        assert_eq!(c.imap.max_literal_bytes, d.imap.max_literal_bytes);
        assert_eq!(c.imap.max_nesting, d.imap.max_nesting);
        assert_eq!(c.imap.max_pipelined_commands, d.imap.max_pipelined_commands);
        assert_eq!(c.imap.plaintext_auth, d.imap.plaintext_auth);
        assert_eq!(c.imap.idle_poll_millis, d.imap.idle_poll_millis);
        assert!(c.data_dir.ends_with(DEFAULT_DATA_DIR));
    }
}
