//! `sendtrack export --db PATH DIR`: write the database back as an interchange folder.

use anyhow::Context;
use sendtrack_store::Store;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(db: &str, dir: &Path) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    let casework = store.load().await?;
    super::protection::audit_export(&store, &format!("export every record to {}", dir.display())).await?;
    sendtrack_interchange::write_folder(dir, &casework)
        .with_context(|| format!("cannot write the folder {}", dir.display()))?;
    println!("Exported {} records from {db} to {}.", casework.counts().total(), dir.display());
    Ok(ExitCode::SUCCESS)
}
