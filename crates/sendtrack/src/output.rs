//! Terminal output shared by the commands: problem lists and progress bars (tables are the
//! report crate's `DataTable::text`).

use indicatif::{ProgressBar, ProgressStyle};
use sendtrack_interchange::FolderProblem;
use std::io::IsTerminal;

/// Prints every problem, one per line, then a count.
pub fn print_problems(problems: &[FolderProblem]) {
    for p in problems {
        eprintln!("{p}");
    }
    let files: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.file).collect();
    eprintln!(
        "{} problem{} in {} file{}.",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
}

/// A progress bar on standard error when it is a terminal and the work is large; hidden
/// otherwise.
pub fn progress(total: usize, message: &'static str) -> ProgressBar {
    if total < 20_000 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({eta} left)")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(message);
    bar
}
