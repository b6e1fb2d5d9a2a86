//! `sendtrack benchmarks --dfe DIR --la NAME_OR_CODE (--db PATH | --out FILE)`: comparator
//! values from the DfE's published statistics, into the database or a benchmarks.csv.

use anyhow::Context;
use sendtrack_domain::records::Casework;
use sendtrack_interchange::dfe::{benchmarks, find_authority};
use sendtrack_store::Store;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--db PATH | --out FILE`, one of them required.
#[derive(clap::Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct Destination {
    /// Store the benchmarks in this database (replacing values of the same measure, period and
    /// comparator).
    #[arg(long)]
    pub db: Option<String>,
    /// Write them as a benchmarks.csv file of the interchange format.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(dfe: &Path, la: &str, destination: &Destination) -> anyhow::Result<ExitCode> {
    let authority = find_authority(dfe, la)?;
    let found = benchmarks(dfe, &authority)?;
    let casework = Casework { benchmarks: found.into(), ..Casework::default() };
    match (&destination.db, &destination.out) {
        (Some(db), _) => {
            let store = Store::open_existing(db).await?;
            store.save(&casework, &|_| {}).await?;
            // The counts by age and need too, for the SEN2 page's reconciliation.
            let figures = sendtrack_interchange::dfe::published_figures(dfe, &authority)?;
            store
                .set_setting(
                    sendtrack_interchange::dfe::PUBLISHED_FIGURES_SETTING,
                    &sendtrack_interchange::dfe::figures_csv(&figures),
                )
                .await?;
            println!(
                "Stored {} benchmark values for {} ({}, {}) in {db}.",
                casework.benchmarks.len(),
                authority.name,
                authority.old_la_code,
                authority.region
            );
        }
        (None, Some(out)) => {
            let dir = tempfile_dir(out)?;
            sendtrack_interchange::write_folder(&dir, &casework)?;
            std::fs::rename(dir.join("benchmarks.csv"), out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            let _ = std::fs::remove_dir_all(&dir);
            println!(
                "Wrote {} benchmark values for {} to {}.",
                casework.benchmarks.len(),
                authority.name,
                out.display()
            );
        }
        (None, None) => anyhow::bail!("give --db PATH or --out FILE"),
    }
    Ok(ExitCode::SUCCESS)
}

/// A scratch folder beside `out` (same file system, so the file can be moved into place).
fn tempfile_dir(out: &Path) -> anyhow::Result<PathBuf> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir = parent.join(format!(".sendtrack-benchmarks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot write in {}", parent.display()))?;
    Ok(dir)
}
