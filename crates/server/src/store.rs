//! Opening the mail store: the one place that knows which backend the binary uses.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use loft_store::Store;
use loft_store::embedded::EmbeddedStore;

/// Open (creating if needed) the embedded store in `data_dir`. The server and the CLI may
/// have it open at the same time; SQLite does the locking.
pub async fn open(data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    let store = EmbeddedStore::open(data_dir)
        .await
        .with_context(|| format!("cannot open the mail store in {}", data_dir.display()))?;
    Ok(Arc::new(store))
}
