//! The board paper from the command line (issue 22): cohort flags from another service's
//! person-level file, matched to the children held.

use anyhow::{Context, bail};
use sendtrack_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// `sendtrack cohort import`: matches each person of `file` to a child held, checks the flags
/// against the records, and writes them in one transaction (all or nothing). People not held
/// are counted by line, never named.
pub async fn import_cohort(
    db: &str,
    file: &Path,
    source: Option<&str>,
    by: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = Store::open_existing(db).await?;
    let held = store.load().await?;
    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().to_string());
    let matched = match sendtrack_interchange::cohort::match_file(&bytes, &held, source) {
        Ok(m) => m,
        Err(problems) => {
            for p in &problems {
                eprintln!("{name}:{}:{}: {}", p.line, p.column, p.message);
            }
            bail!(
                "{} problem{} in {name}; nothing was imported",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
        }
    };
    let read = sendtrack_interchange::FolderRead::from_records(matched.flags);
    let problems = sendtrack_interchange::check_casework(&read, &held, today);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        bail!(
            "the matched flags break {} rule{}; nothing was imported",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
    }
    let n = read.casework.cohort_flags.len();
    let event = super::protection::command_event(by, &format!("import {n} cohort flags from {name}"));
    store.write_rows(&read.casework, &event).await?;
    let unmatched = matched.unmatched_lines.len();
    println!("Imported {n} cohort flag{} of children held.", if n == 1 { "" } else { "s" });
    if unmatched > 0 {
        let lines: Vec<String> = matched.unmatched_lines.iter().take(20).map(ToString::to_string).collect();
        let more = if unmatched > 20 { ", ..." } else { "" };
        println!(
            "{unmatched} {} matched no child held (by UPN, ULN, or name and date of birth) and {} left out: line{} {}{more}.",
            if unmatched == 1 { "person" } else { "people" },
            if unmatched == 1 { "was" } else { "were" },
            if unmatched == 1 { "" } else { "s" },
            lines.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
