//! Where the measure commands take their records from: a database (`--db`) or straight from
//! an interchange folder (`--data`), which must be valid.

use crate::output::print_problems;
use anyhow::{Context, bail};
use sendtrack_domain::records::Casework;
use sendtrack_interchange::{check_casework, read_folder};
use sendtrack_store::Store;
use std::path::PathBuf;

/// `--db PATH | --data DIR`, one of them required.
#[derive(clap::Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// The database: a SQLite file path or a postgres:// URL.
    #[arg(long)]
    pub db: Option<String>,
    /// Compute straight from an interchange folder, without a database.
    #[arg(long)]
    pub data: Option<PathBuf>,
}

impl Source {
    /// Records an export of the database's records in its audit trail (nothing for a folder,
    /// which is not the service's record).
    pub async fn audit(&self, action: &str) -> anyhow::Result<()> {
        if let Some(db) = &self.db {
            let store = Store::open_existing(db).await?;
            super::protection::audit_export(&store, action).await?;
        }
        Ok(())
    }

    pub async fn load(&self, today: jiff::civil::Date) -> anyhow::Result<Casework> {
        match (&self.db, &self.data) {
            (Some(db), _) => {
                let store = Store::open_existing(db).await?;
                Ok(store.load().await?)
            }
            (None, Some(dir)) => {
                let folder = read_folder(dir).with_context(|| format!("cannot read the folder {}", dir.display()))?;
                let problems = check_casework(&folder, &Casework::default(), today);
                if !problems.is_empty() {
                    print_problems(&problems);
                    bail!("{} has problems; fix them (sendtrack check) before computing measures", dir.display());
                }
                Ok(folder.casework)
            }
            (None, None) => bail!("give --db PATH or --data DIR"),
        }
    }
}
