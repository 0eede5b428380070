//! `loft db migrate`: applies the PostgreSQL schema migrations this binary knows (also
//! done by `loft serve` at start). Refuses a database whose schema is newer.

use std::process::ExitCode;

use anyhow::Context;
use loft_store::postgres::PostgresStore;

use super::Location;
use crate::store::StoreSettings;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create or upgrade the PostgreSQL schema ([store] backend = "postgres").
    Migrate {
        #[command(flatten)]
        location: Location,
    },
}

pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Migrate { location } => {
            let config = location.config()?;
            if let StoreSettings::Routed(routed) = &config.store {
                for c in &routed.clusters {
                    let (before, after) =
                        PostgresStore::migrate(&c.pg).await.with_context(|| {
                            format!("cannot migrate the PostgreSQL schema of cluster {}", c.id)
                        })?;
                    println!("cluster {}: schema version {before} -> {after}", c.id);
                }
                return Ok(ExitCode::SUCCESS);
            }
            let StoreSettings::Postgres(pg) = &config.store else {
                return Err(crate::UsageError(
                    "`loft db migrate` is for [store] backend = \"postgres\"; the embedded store migrates itself when opened"
                        .into(),
                )
                .into());
            };
            let (before, after) = PostgresStore::migrate(pg)
                .await
                .context("cannot migrate the PostgreSQL schema")?;
            if before == after {
                println!("schema is up to date (version {after})");
            } else {
                println!("schema migrated from version {before} to {after}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
