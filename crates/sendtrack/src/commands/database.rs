//! `sendtrack migrate` brings a database's schema up to date; `sendtrack copy` moves every
//! record from one database to another (SQLite to PostgreSQL and back).

use crate::commands::import::{save, summary};
use anyhow::{Context, bail};
use sendtrack_store::Store;
use std::process::ExitCode;

pub async fn migrate(db: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(db).await?;
    let applied = store.applied_migrations().await?;
    println!("{db} is up to date ({:?}); migrations applied:", store.backend());
    for (version, description) in applied {
        println!("  {version:>4}  {description}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn copy(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let source = Store::open_existing(from).await.with_context(|| format!("cannot open the source {from}"))?;
    let target = Store::open(to).await.with_context(|| format!("cannot open the target {to}"))?;
    if !target.is_empty().await? {
        bail!("{to} already holds casework records; copy needs an empty target so that nothing is mixed or lost");
    }
    let casework = source.load().await?;
    // One transaction on the target: all records or none.
    save(&target, &casework).await?;
    let copied = target.counts().await?;
    if copied != casework.counts() {
        bail!("the target holds {} records after the copy, the source {}", copied.total(), casework.counts().total());
    }
    println!("Copied {} records from {from} to {to}:", copied.total());
    print!("{}", summary(&copied, &Default::default()));
    Ok(ExitCode::SUCCESS)
}
