//! Opening the mail store: the one place that knows which backend the binary uses.
//!
//! `[store] backend = "embedded"` (the default: SQLite and blob files in the data
//! directory) or `"postgres"` (many nodes on one PostgreSQL database; ARCHITECTURE.md
//! "Scale-out"). The backend is chosen by the config (`Location::config` calls [`select`]),
//! so every command opens the same store with `open`.

use std::path::Path;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use loft_store::Store;
use loft_store::embedded::EmbeddedStore;
use loft_store::postgres::{DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, PgSettings, PostgresStore};
use serde::Deserialize;
use toml::Spanned;

/// Which store the config names.
#[derive(Debug, Clone, Default)]
pub enum StoreSettings {
    #[default]
    Embedded,
    Postgres(PgSettings),
}

static SELECTED: RwLock<Option<StoreSettings>> = RwLock::new(None);

/// Makes `open` use this backend (called with every loaded config).
pub fn select(settings: &StoreSettings) {
    if let Ok(mut s) = SELECTED.write() {
        *s = Some(settings.clone());
    }
}

/// Open (creating if needed) the configured store. Embedded: in `data_dir`; the server
/// and the CLI may have it open at the same time, SQLite does the locking. PostgreSQL:
/// connects, applies missing schema migrations, starts listening for other nodes' changes.
pub async fn open(data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    let settings = SELECTED.read().ok().and_then(|s| s.clone()).unwrap_or_default();
    open_with(&settings, data_dir).await
}

pub async fn open_with(settings: &StoreSettings, data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    match settings {
        StoreSettings::Embedded => {
            let store = EmbeddedStore::open(data_dir)
                .await
                .with_context(|| format!("cannot open the mail store in {}", data_dir.display()))?;
            Ok(Arc::new(store))
        }
        StoreSettings::Postgres(pg) => {
            let store = PostgresStore::open(pg).await.context("cannot open the PostgreSQL mail store")?;
            Ok(Arc::new(store))
        }
    }
}

// --- `[store]` in loft.toml (validated at load, STYLE.md rule 11) ---

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawStore {
    backend: Option<Spanned<Backend>>,
    url: Option<Spanned<String>>,
    pool_size: Option<Spanned<u64>>,
    statement_timeout_ms: Option<Spanned<u64>>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Backend {
    Embedded,
    Postgres,
}

type Invalid = (std::ops::Range<usize>, String);

pub fn settings(raw: RawStore) -> Result<StoreSettings, Invalid> {
    let backend = raw.backend.as_ref().map(|b| *b.get_ref()).unwrap_or(Backend::Embedded);
    if backend == Backend::Embedded {
        for (name, span) in [
            ("store.url", raw.url.as_ref().map(Spanned::span)),
            ("store.pool_size", raw.pool_size.as_ref().map(Spanned::span)),
            ("store.statement_timeout_ms", raw.statement_timeout_ms.as_ref().map(Spanned::span)),
        ] {
            if let Some(span) = span {
                return Err((span, format!("{name} is set but store.backend is not \"postgres\"")));
            }
        }
        return Ok(StoreSettings::Embedded);
    }
    let Some(url) = raw.url else {
        let span = raw.backend.map(|b| b.span()).unwrap_or(0..0);
        return Err((span, "store.backend = \"postgres\" needs store.url (postgres://user:password@host:port/db)".into()));
    };
    if let Err(e) = loft_store::postgres::validate_url(url.get_ref()) {
        return Err((url.span(), e));
    }
    let mut pg = PgSettings::new(url.into_inner());
    pg.pool_size = DEFAULT_POOL_SIZE;
    pg.statement_timeout_ms = DEFAULT_STATEMENT_TIMEOUT_MS;
    if let Some(v) = raw.pool_size {
        match usize::try_from(*v.get_ref()) {
            Ok(n) if (1..=10_000).contains(&n) => pg.pool_size = n,
            _ => return Err((v.span(), "store.pool_size must be between 1 and 10000".into())),
        }
    }
    if let Some(v) = raw.statement_timeout_ms {
        if *v.get_ref() == 0 {
            return Err((v.span(), "store.statement_timeout_ms must be greater than 0".into()));
        }
        pg.statement_timeout_ms = *v.get_ref();
    }
    Ok(StoreSettings::Postgres(pg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<StoreSettings, String> {
        let raw: RawStore = toml::from_str(text).map_err(|e| e.to_string())?;
        settings(raw).map_err(|(_, m)| m)
    }

    #[test]
    fn store_section() {
        assert!(matches!(parse(""), Ok(StoreSettings::Embedded)));
        assert!(matches!(parse("backend = \"embedded\""), Ok(StoreSettings::Embedded)));
        let Ok(StoreSettings::Postgres(pg)) =
            parse("backend = \"postgres\"\nurl = \"postgres://loft:pw@db:5432/mail\"\npool_size = 8\nstatement_timeout_ms = 500")
        else {
            panic!("postgres settings");
        };
        assert_eq!((pg.pool_size, pg.statement_timeout_ms), (8, 500));
        assert!(!format!("{pg:?}").contains("pw"));
        assert!(parse("backend = \"postgres\"").unwrap_err().contains("store.url"));
        assert!(parse("backend = \"postgres\"\nurl = \"postgres://x/y\"\npool_size = 0").unwrap_err().contains("pool_size"));
        assert!(parse("url = \"postgres://x/y\"").unwrap_err().contains("not \"postgres\""));
        assert!(parse("backend = \"postgres\"\nurl = \"postgres://h:notaport/db\"").is_err());
        assert!(parse("backend = \"mysql\"").is_err());
    }
}
