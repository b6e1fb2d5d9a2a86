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
    if problems.is_empty() {
        println!("{}: no problems in {} records.", dir.display(), folder.casework.counts().total());
        Ok(ExitCode::SUCCESS)
    } else {
        print_problems(&problems);
        Ok(ExitCode::from(1))
    }
}
