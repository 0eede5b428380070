//! The secure-access part of `loft.toml` (issue 3, SECURITY.md): `[[tls.certificate]]`,
//! `[auth]` SCRAM and `[auth.throttle]`, connection limits in `[limits]`, `[timeouts]` and
//! `[audit]`, and `[oauth]` (bearer tokens for OAUTHBEARER/XOAUTH2). Parsed by config.rs,
//! validated here, and documented in loft.example.toml.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use loft_auth::throttle::ThrottleConfig;
use loft_imap::config::{LimitsConfig, Timeouts};
use serde::Deserialize;
use toml::Spanned;

use crate::tls::CertSpec;

/// Where audit events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditTarget {
    Stdout,
    File(PathBuf),
    Off,
}

/// The validated settings, beside `Config::imap` (which gets the timeouts directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecuritySettings {
    /// `[[tls.certificate]]`, in order.
    pub certificates: Vec<CertSpec>,
    pub throttle: ThrottleConfig,
    pub limits: LimitsConfig,
    /// None: `DATA_DIR/audit.log`.
    pub audit: Option<AuditTarget>,
    pub scram_iterations: u32,
    /// `[auth] login_cache_secs`: how long a verified password login is remembered
    /// (loft_auth::login_cache); zero disables the cache.
    pub login_cache_ttl: Duration,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            certificates: Vec::new(),
            throttle: ThrottleConfig::default(),
            limits: LimitsConfig::default(),
            audit: None,
            scram_iterations: loft_auth::credentials::DEFAULT_SCRAM_ITERATIONS,
            login_cache_ttl: loft_auth::login_cache::DEFAULT_TTL,
        }
    }
}

impl SecuritySettings {
    /// The audit target with the default applied.
    pub fn audit_target(&self, data_dir: &Path) -> AuditTarget {
        self.audit
            .clone()
            .unwrap_or_else(|| AuditTarget::File(data_dir.join(AUDIT_FILE)))
    }
}

/// The default audit log file inside the data directory.
pub const AUDIT_FILE: &str = "audit.log";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCertificate {
    cert: Spanned<String>,
    key: Spanned<String>,
    #[serde(default)]
    names: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawThrottle {
    base_delay_millis: Option<Spanned<u64>>,
    max_delay_millis: Option<Spanned<u64>>,
    window_secs: Option<Spanned<u64>>,
    ban_after: Option<Spanned<u32>>,
    ban_secs: Option<Spanned<u64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTimeouts {
    not_authenticated_secs: Option<Spanned<u64>>,
    authenticated_secs: Option<Spanned<u64>>,
    idle_secs: Option<Spanned<u64>>,
    idle_keepalive_secs: Option<Spanned<u64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAudit {
    /// `"stdout"`, `"off"`, or a file path (relative to the config file).
    log: Option<Spanned<String>>,
}

/// Connection limits from `[limits]` (0 = unlimited).
#[derive(Default)]
pub struct RawConnLimits {
    pub max_connections: Option<Spanned<u64>>,
    pub max_connections_per_ip: Option<Spanned<u64>>,
    pub max_connections_per_account: Option<Spanned<u64>>,
}

pub struct RawSecurity {
    pub certificates: Vec<RawCertificate>,
    pub throttle: RawThrottle,
    pub scram_iterations: Option<Spanned<u32>>,
    pub login_cache_secs: Option<Spanned<u64>>,
    pub limits: RawConnLimits,
    pub timeouts: RawTimeouts,
    pub audit: RawAudit,
}

type Invalid = (Range<usize>, String);

/// Validate; the timeouts go into `timeouts`.
pub fn settings(
    raw: RawSecurity,
    base: &Path,
    timeouts: &mut Timeouts,
) -> Result<SecuritySettings, Invalid> {
    let mut s = SecuritySettings::default();
    for c in raw.certificates {
        for (what, v) in [
            ("tls.certificate.cert", &c.cert),
            ("tls.certificate.key", &c.key),
        ] {
            if v.get_ref().is_empty() {
                return Err((v.span(), format!("{what} is empty")));
            }
        }
        if let Some(bad) = c
            .names
            .iter()
            .find(|n| n.is_empty() || n.contains(char::is_whitespace))
        {
            return Err((
                c.cert.span(),
                format!("tls.certificate.names: invalid name {bad:?}"),
            ));
        }
        s.certificates.push(CertSpec {
            cert: base.join(c.cert.get_ref()),
            key: base.join(c.key.get_ref()),
            names: c.names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        });
    }

    let t = raw.throttle;
    if let Some(v) = t.base_delay_millis {
        s.throttle.base_delay = Duration::from_millis(*v.get_ref());
    }
    if let Some(v) = t.max_delay_millis {
        s.throttle.max_delay = Duration::from_millis(*v.get_ref());
        if s.throttle.max_delay < s.throttle.base_delay {
            return Err((
                v.span(),
                "auth.throttle.max_delay_millis is below base_delay_millis".into(),
            ));
        }
    }
    if let Some(v) = t.window_secs {
        s.throttle.window = Duration::from_secs(positive(&v, "auth.throttle.window_secs")?);
    }
    if let Some(v) = t.ban_after {
        s.throttle.ban_after = *v.get_ref();
    }
    if let Some(v) = t.ban_secs {
        s.throttle.ban_duration = Duration::from_secs(positive(&v, "auth.throttle.ban_secs")?);
    }
    if let Some(v) = raw.scram_iterations {
        let n = *v.get_ref();
        // RFC 7677 §4: at least 4096.
        if !(4096..=loft_auth::credentials::MAX_SCRAM_ITERATIONS).contains(&n) {
            return Err((
                v.span(),
                format!(
                    "auth.scram_iterations must be between 4096 (RFC 7677 §4) and {}",
                    loft_auth::credentials::MAX_SCRAM_ITERATIONS
                ),
            ));
        }
        s.scram_iterations = n;
    }
    if let Some(v) = raw.login_cache_secs {
        // A day at most: a remembered login outlives a password known to be leaked only
        // until the password is changed (the stored hash is part of the key), but a bound
        // keeps an operator's typo from meaning "forever".
        if *v.get_ref() > 86_400 {
            return Err((
                v.span(),
                "auth.login_cache_secs must be at most 86400 (one day); 0 disables the cache"
                    .into(),
            ));
        }
        s.login_cache_ttl = Duration::from_secs(*v.get_ref());
    }

    let l = raw.limits;
    let count = |v: &Option<Spanned<u64>>, default: usize| -> Result<usize, Invalid> {
        match v {
            Some(v) => {
                usize::try_from(*v.get_ref()).map_err(|_| (v.span(), "too large".to_string()))
            }
            None => Ok(default),
        }
    };
    s.limits = LimitsConfig {
        max_connections: count(&l.max_connections, s.limits.max_connections)?,
        max_connections_per_ip: count(&l.max_connections_per_ip, s.limits.max_connections_per_ip)?,
        max_connections_per_account: count(
            &l.max_connections_per_account,
            s.limits.max_connections_per_account,
        )?,
    };

    let tm = raw.timeouts;
    if let Some(v) = tm.not_authenticated_secs {
        timeouts.not_authenticated =
            Duration::from_secs(positive(&v, "timeouts.not_authenticated_secs")?);
    }
    if let Some(v) = tm.authenticated_secs {
        let n = positive(&v, "timeouts.authenticated_secs")?;
        timeouts.authenticated = Duration::from_secs(n);
    }
    if let Some(v) = tm.idle_secs {
        timeouts.idle = Duration::from_secs(positive(&v, "timeouts.idle_secs")?);
    }
    if let Some(v) = tm.idle_keepalive_secs {
        timeouts.idle_keepalive =
            Duration::from_secs(positive(&v, "timeouts.idle_keepalive_secs")?);
    }

    if let Some(log) = raw.audit.log {
        s.audit = Some(match log.get_ref().as_str() {
            "" => {
                return Err((
                    log.span(),
                    "audit.log is empty: use \"stdout\", \"off\" or a file path".into(),
                ));
            }
            "stdout" => AuditTarget::Stdout,
            "off" => AuditTarget::Off,
            path => AuditTarget::File(base.join(path)),
        });
    }
    Ok(s)
}

/// `[oauth]`: JWT access tokens for OAUTHBEARER (RFC 7628) and XOAUTH2.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOAuth {
    issuer: Spanned<String>,
    audience: Spanned<String>,
    /// One path or a list (relative to the config file).
    jwks_file: Spanned<OneOrMany>,
    username_claim: Option<Spanned<String>>,
    leeway_secs: Option<Spanned<u64>>,
    scope: Option<String>,
    openid_configuration: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Validate `[oauth]` and read its JWKS files now, so a missing or broken key file stops
/// the server at start (the error names the file). `None` when the section is absent.
pub fn oauth(
    raw: Option<RawOAuth>,
    base: &Path,
) -> Result<Option<std::sync::Arc<loft_auth::jwks::OAuthValidator>>, Invalid> {
    let Some(raw) = raw else { return Ok(None) };
    for (what, v) in [
        ("oauth.issuer", &raw.issuer),
        ("oauth.audience", &raw.audience),
    ] {
        if v.get_ref().trim().is_empty() {
            return Err((v.span(), format!("{what} is empty")));
        }
    }
    let files_span = raw.jwks_file.span();
    let files = match raw.jwks_file.into_inner() {
        OneOrMany::One(f) => vec![f],
        OneOrMany::Many(f) => f,
    };
    if files.is_empty() || files.iter().any(String::is_empty) {
        return Err((
            files_span,
            "oauth.jwks_file: give one or more JWKS file paths".into(),
        ));
    }
    let mut settings = loft_auth::jwks::OAuthSettings::new(
        raw.issuer.get_ref(),
        raw.audience.get_ref(),
        files.iter().map(|f| base.join(f)).collect(),
    );
    if let Some(claim) = raw.username_claim {
        if claim.get_ref().is_empty() {
            return Err((claim.span(), "oauth.username_claim is empty".into()));
        }
        settings.username_claim = claim.into_inner();
    }
    if let Some(leeway) = raw.leeway_secs {
        // RFC 7519 §4.1.4 allows "a small leeway, usually no more than a few minutes".
        if *leeway.get_ref() > 3600 {
            return Err((
                leeway.span(),
                "oauth.leeway_secs must be at most 3600".into(),
            ));
        }
        settings.leeway_secs = *leeway.get_ref();
    }
    settings.scope = raw.scope.filter(|s| !s.is_empty());
    if let Some(url) = raw.openid_configuration {
        if url.get_ref().is_empty() {
            return Err((url.span(), "oauth.openid_configuration is empty".into()));
        }
        settings.openid_configuration = Some(url.into_inner());
    }
    loft_auth::jwks::OAuthValidator::load(settings)
        .map(|v| Some(std::sync::Arc::new(v)))
        .map_err(|e| (files_span, format!("oauth.jwks_file: {e}")))
}

fn positive(v: &Spanned<u64>, name: &str) -> Result<u64, Invalid> {
    match *v.get_ref() {
        0 => Err((v.span(), format!("{name} must be greater than 0"))),
        n => Ok(n),
    }
}

#[cfg(test)]
mod oauth_tests {
    use std::path::Path;

    use crate::config::Config;

    fn jwks() -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/e2e/oauth/jwks.json")
            .display()
            .to_string()
    }

    fn parse(oauth: &str) -> Result<Config, String> {
        Config::parse(
            &format!("[oauth]\n{oauth}"),
            Path::new("/etc/loft/loft.toml"),
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn oauth_section() {
        assert!(parse("").is_err());
        assert!(
            Config::parse("", Path::new("/x/loft.toml"))
                .unwrap()
                .imap
                .oauth
                .is_none()
        );
        let c = parse(&format!(
            "issuer = \"https://id.example.net\"\naudience = \"imap\"\njwks_file = \"{}\"\nusername_claim = \"sub\"\nleeway_secs = 5\n",
            jwks()
        ))
        .unwrap();
        let oauth = c.imap.oauth.expect("[oauth] configured");
        assert_eq!(oauth.settings().username_claim, "sub");
        assert_eq!(oauth.settings().leeway_secs, 5);
        assert_eq!(
            oauth.key_ids(),
            vec![Some("rsa-1".to_string()), Some("ec-1".to_string())]
        );
        // A list of files; the same file twice repeats its key ids.
        let e = parse(&format!(
            "issuer = \"i\"\naudience = \"a\"\njwks_file = [\"{0}\", \"{0}\"]\n",
            jwks()
        ))
        .unwrap_err();
        assert!(
            e.starts_with("/etc/loft/loft.toml:4:13: oauth.jwks_file: "),
            "{e}"
        );
        assert!(e.contains("appears twice"), "{e}");
    }

    #[test]
    fn oauth_errors_name_the_file() {
        let e = parse("issuer = \"i\"\naudience = \"a\"\njwks_file = \"keys/missing.json\"\n")
            .unwrap_err();
        assert!(
            e.starts_with("/etc/loft/loft.toml:4:13: oauth.jwks_file: /etc/loft/keys/missing.json: cannot read JWKS file"),
            "{e}"
        );
        let e = parse(&format!(
            "issuer = \"\"\naudience = \"a\"\njwks_file = \"{}\"\n",
            jwks()
        ))
        .unwrap_err();
        assert!(e.contains("oauth.issuer is empty"), "{e}");
        let e = parse("issuer = \"i\"\naudience = \"a\"\njwks_file = []\n").unwrap_err();
        assert!(e.contains("give one or more JWKS file paths"), "{e}");
        let e = parse(&format!(
            "issuer = \"i\"\naudience = \"a\"\njwks_file = \"{}\"\nleeway_secs = 86400\n",
            jwks()
        ))
        .unwrap_err();
        assert!(e.contains("leeway_secs must be at most 3600"), "{e}");
        let e = parse(&format!(
            "issuer = \"i\"\naudience = \"a\"\njwks_file = \"{}\"\nkid = 1\n",
            jwks()
        ))
        .unwrap_err();
        assert!(e.contains("unknown field `kid`"), "{e}");
    }
}
