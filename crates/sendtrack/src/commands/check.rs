//! `sendtrack check DIR`: validate a folder without writing anything.

use crate::output::print_problems;
use anyhow::Context;
use sendtrack_domain::records::Casework;
use sendtrack_interchange::{check_casework, read_folder};
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path, today: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let folder = read_folder(dir).with_context(|| format!("cannot read the folder {}", dir.display()))?;
    let problems = check_casework(&folder, &Casework::default(), today);
    let records = folder.casework.counts().total();
    // The process ends next: handing each of a large authority's million records back to the
    // allocator one by one would only add time before the answer (the system takes it all).
    std::mem::forget(folder);
    if problems.is_empty() {
        println!("{}: no problems in {records} records.", dir.display());
        Ok(ExitCode::SUCCESS)
    } else {
        print_problems(&problems);
        Ok(ExitCode::from(1))
    }
}
