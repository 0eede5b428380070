//! tracing-subscriber setup: text or JSON lines on stderr (stdout is for the CLI's own
//! output). RUST_LOG, when set, overrides `log.level` from the config.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// Install the global subscriber. Call once, before anything logs.
pub fn init(log: &LogConfig) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(env) if !env.trim().is_empty() => EnvFilter::builder()
            .parse(&env)
            .map_err(|e| crate::UsageError(format!("invalid RUST_LOG {env:?}: {e}")))?,
        // Validated at config load.
        _ => EnvFilter::builder()
            .parse(&log.level)
            .map_err(|e| crate::UsageError(format!("invalid log.level: {e}")))?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let result = match log.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))
}
