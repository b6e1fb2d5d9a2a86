//! `sendtrack import --db PATH DIR`: validate the whole folder against what the database
//! already holds, then write it in one transaction.

use crate::output::{print_problems, progress};
use anyhow::Context;
use sendtrack_domain::records::{Casework, RecordCounts};
use sendtrack_interchange::{check_casework, read_folder};
use sendtrack_report::table::{Cell, DataTable};
use sendtrack_store::Store;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(db: &str, dir: &Path, today: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let folder = read_folder(dir).with_context(|| format!("cannot read the folder {}", dir.display()))?;
    let store = Store::open(db).await?;
    let stored = if store.counts().await?.total() > 0 { store.load().await? } else { Casework::default() };
    let problems = check_casework(&folder, &stored, today);
    if !problems.is_empty() {
        print_problems(&problems);
        eprintln!("Nothing was imported.");
        return Ok(ExitCode::from(1));
    }
    let replaced = stored.replaced_by(&folder.casework);
    save(&store, &folder.casework).await?;
    println!("Imported {} into {db}:", dir.display());
    print!("{}", summary(&folder.casework.counts(), &replaced));
    Ok(ExitCode::SUCCESS)
}

/// Writes `casework` with a progress bar on a terminal.
pub async fn save(store: &Store, casework: &Casework) -> anyhow::Result<()> {
    let bar = progress(casework.counts().total(), "Importing");
    store.save(casework, &|n| bar.set_position(n as u64)).await.context("the import failed and nothing was written")?;
    bar.finish_and_clear();
    Ok(())
}

/// A table of how many records of each kind were added and updated.
pub fn summary(counts: &RecordCounts, replaced: &RecordCounts) -> String {
    let rows: Vec<Vec<String>> = counts
        .rows()
        .iter()
        .zip(replaced.rows())
        .filter(|((_, n), _)| *n > 0)
        .map(|((name, n), (_, updated))| {
            vec![name.to_string(), n.to_string(), (n - updated).to_string(), updated.to_string()]
        })
        .collect();
    let mut summary = DataTable::new("imported", "Imported", &["records", "rows", "added", "updated"]);
    summary.rows = rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect();
    summary.text()
}
