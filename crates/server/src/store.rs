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
use loft_store::postgres::{
    DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, PgSettings, PostgresStore,
};
use serde::Deserialize;
use toml::Spanned;

/// Which store the config names.
#[derive(Debug, Clone, Default)]
pub enum StoreSettings {
    #[default]
    Embedded,
    Postgres(PgSettings),
    /// Accounts spread over several PostgreSQL clusters (ARCHITECTURE.md "Beyond one
    /// database"): `url` names the directory database, `[[store.cluster]]` the clusters.
    Routed(loft_store::routed::RoutedSettings),
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
    let settings = SELECTED
        .read()
        .ok()
        .and_then(|s| s.clone())
        .unwrap_or_default();
    open_with(&settings, data_dir).await
}

pub async fn open_with(
    settings: &StoreSettings,
    data_dir: &Path,
) -> anyhow::Result<Arc<dyn Store>> {
    match settings {
        StoreSettings::Embedded => {
            let store = EmbeddedStore::open(data_dir)
                .await
                .with_context(|| format!("cannot open the mail store in {}", data_dir.display()))?;
            Ok(Arc::new(store))
        }
        StoreSettings::Postgres(pg) => {
            let store = PostgresStore::open(pg)
                .await
                .context("cannot open the PostgreSQL mail store")?;
            Ok(Arc::new(store))
        }
        StoreSettings::Routed(routed) => {
            let store = loft_store::RoutedStore::open(routed)
                .await
                .context("cannot open the routed mail store")?;
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
    /// `[[store.cluster]]`, with backend = "routed".
    cluster: Option<Spanned<Vec<RawCluster>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCluster {
    /// Kept in the high bits of the cluster's account ids: never renumber a cluster.
    id: Spanned<u64>,
    url: Spanned<String>,
    /// Whether new accounts may be placed here (default true).
    new_accounts: Option<bool>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Backend {
    Embedded,
    Postgres,
    Routed,
}

type Invalid = (std::ops::Range<usize>, String);

pub fn settings(raw: RawStore) -> Result<StoreSettings, Invalid> {
    let backend = raw
        .backend
        .as_ref()
        .map(|b| *b.get_ref())
        .unwrap_or(Backend::Embedded);
    if backend == Backend::Embedded {
        for (name, span) in [
            ("store.url", raw.url.as_ref().map(Spanned::span)),
            ("store.pool_size", raw.pool_size.as_ref().map(Spanned::span)),
            (
                "store.statement_timeout_ms",
                raw.statement_timeout_ms.as_ref().map(Spanned::span),
            ),
            ("[[store.cluster]]", raw.cluster.as_ref().map(Spanned::span)),
        ] {
            if let Some(span) = span {
                return Err((
                    span,
                    format!("{name} is set but store.backend is not \"postgres\""),
                ));
            }
        }
        return Ok(StoreSettings::Embedded);
    }
    if backend != Backend::Routed
        && let Some(c) = &raw.cluster
    {
        return Err((
            c.span(),
            "[[store.cluster]] is set but store.backend is not \"routed\"".into(),
        ));
    }
    let Some(url) = raw.url else {
        let span = raw.backend.map(|b| b.span()).unwrap_or(0..0);
        let msg = match backend {
            Backend::Routed => {
                "store.backend = \"routed\" needs store.url (the directory database)"
            }
            _ => {
                "store.backend = \"postgres\" needs store.url (postgres://user:password@host:port/db)"
            }
        };
        return Err((span, msg.into()));
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
            _ => {
                return Err((
                    v.span(),
                    "store.pool_size must be between 1 and 10000".into(),
                ));
            }
        }
    }
    if let Some(v) = raw.statement_timeout_ms {
        if *v.get_ref() == 0 {
            return Err((
                v.span(),
                "store.statement_timeout_ms must be greater than 0".into(),
            ));
        }
        pg.statement_timeout_ms = *v.get_ref();
    }
    if backend != Backend::Routed {
        return Ok(StoreSettings::Postgres(pg));
    }
    routed_settings(pg, raw.cluster)
}

/// backend = "routed": `pg` is the directory database; every cluster shares its pool size
/// and statement timeout.
fn routed_settings(
    directory: PgSettings,
    raw: Option<Spanned<Vec<RawCluster>>>,
) -> Result<StoreSettings, Invalid> {
    use loft_store::routed::{ClusterSettings, MAX_CLUSTERS, RoutedSettings};
    let Some(raw) = raw else {
        return Err((
            0..0,
            "store.backend = \"routed\" needs at least one [[store.cluster]] (id, url)".into(),
        ));
    };
    let span = raw.span();
    let mut clusters: Vec<ClusterSettings> = Vec::new();
    for c in raw.into_inner() {
        let id = match u16::try_from(*c.id.get_ref()) {
            Ok(id) if id < MAX_CLUSTERS => id,
            _ => {
                return Err((
                    c.id.span(),
                    format!("store.cluster.id must be below {MAX_CLUSTERS}"),
                ));
            }
        };
        if clusters.iter().any(|k| k.id == id) {
            return Err((c.id.span(), format!("store.cluster.id {id} is used twice")));
        }
        if let Err(e) = loft_store::postgres::validate_url(c.url.get_ref()) {
            return Err((c.url.span(), e));
        }
        let pg = PgSettings {
            url: c.url.into_inner(),
            ..directory.clone()
        };
        clusters.push(ClusterSettings {
            id,
            pg,
            accepts_new_accounts: c.new_accounts.unwrap_or(true),
        });
    }
    if !clusters.iter().any(|c| c.accepts_new_accounts) {
        return Err((
            span,
            "at least one [[store.cluster]] must take new accounts (new_accounts = true)".into(),
        ));
    }
    Ok(StoreSettings::Routed(RoutedSettings {
        directory,
        clusters,
    }))
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
        assert!(matches!(
            parse("backend = \"embedded\""),
            Ok(StoreSettings::Embedded)
        ));
        let Ok(StoreSettings::Postgres(pg)) = parse(
            "backend = \"postgres\"\nurl = \"postgres://loft:pw@db:5432/mail\"\npool_size = 8\nstatement_timeout_ms = 500",
        ) else {
            panic!("postgres settings");
        };
        assert_eq!((pg.pool_size, pg.statement_timeout_ms), (8, 500));
        assert!(!format!("{pg:?}").contains("pw"));
        assert!(
            parse("backend = \"postgres\"")
                .unwrap_err()
                .contains("store.url")
        );
        assert!(
            parse("backend = \"postgres\"\nurl = \"postgres://x/y\"\npool_size = 0")
                .unwrap_err()
                .contains("pool_size")
        );
        assert!(
            parse("url = \"postgres://x/y\"")
                .unwrap_err()
                .contains("not \"postgres\"")
        );
        assert!(parse("backend = \"postgres\"\nurl = \"postgres://h:notaport/db\"").is_err());
        assert!(parse("backend = \"mysql\"").is_err());
    }

    #[test]
    fn routed_store_section() {
        let text = "backend = \"routed\"\nurl = \"postgres://loft:pw@dir/loft_directory\"\npool_size = 8\n\
                    [[cluster]]\nid = 0\nurl = \"postgres://a/loft\"\nnew_accounts = false\n\
                    [[cluster]]\nid = 1\nurl = \"postgres://b/loft\"\n";
        let Ok(StoreSettings::Routed(r)) = parse(text) else {
            panic!("routed settings")
        };
        assert_eq!(
            r.clusters
                .iter()
                .map(|c| (c.id, c.accepts_new_accounts))
                .collect::<Vec<_>>(),
            [(0, false), (1, true)]
        );
        assert!(r.clusters.iter().all(|c| c.pg.pool_size == 8));
        assert_eq!(r.clusters[1].pg.url, "postgres://b/loft");
        assert!(
            parse("backend = \"routed\"\nurl = \"postgres://d/x\"")
                .unwrap_err()
                .contains("[[store.cluster]]")
        );
        assert!(
            parse("backend = \"routed\"")
                .unwrap_err()
                .contains("directory")
        );
        let twice = "backend = \"routed\"\nurl = \"postgres://d/x\"\n[[cluster]]\nid = 1\nurl = \"postgres://a/x\"\n[[cluster]]\nid = 1\nurl = \"postgres://b/x\"";
        assert!(parse(twice).unwrap_err().contains("twice"));
        let closed = "backend = \"routed\"\nurl = \"postgres://d/x\"\n[[cluster]]\nid = 0\nurl = \"postgres://a/x\"\nnew_accounts = false";
        assert!(parse(closed).unwrap_err().contains("new accounts"));
        let stray = "backend = \"postgres\"\nurl = \"postgres://d/x\"\n[[cluster]]\nid = 0\nurl = \"postgres://a/x\"";
        assert!(parse(stray).unwrap_err().contains("not \"routed\""));
        assert!(parse("backend = \"routed\"\nurl = \"postgres://d/x\"\n[[cluster]]\nid = 20000\nurl = \"postgres://a/x\"").is_err());
    }
}
