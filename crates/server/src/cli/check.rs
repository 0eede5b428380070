//! `loft check`: run the store's consistency check; exit 1 when it finds problems.

use std::process::ExitCode;

use super::{Location, existing_data_dir};

pub async fn run(location: Location) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let problems = store
        .check()
        .await
        .map_err(|e| anyhow::anyhow!("store check failed: {e}"))?;
    if problems.is_empty() {
        println!("store OK");
        return Ok(ExitCode::SUCCESS);
    }
    println!("store has {} problem(s):", problems.len());
    for p in &problems {
        println!("  {p}");
    }
    Ok(ExitCode::FAILURE)
}
