//! `sendtrack report --format xlsx --month YYYY-MM --out FILE`: the board's workbook.

use crate::commands::source::Source;
use anyhow::Context;
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::engine::Engine;
use std::path::Path;
use std::process::ExitCode;

/// The report formats sendtrack writes.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// An Excel workbook (opens in Excel and LibreOffice).
    Xlsx,
}

pub async fn run(
    source: &Source,
    format: ReportFormat,
    month: Month,
    out: &Path,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let casework = source.load(today).await?;
    let engine = Engine::new(&casework);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    match format {
        ReportFormat::Xlsx => sendtrack_interchange::workbook::write_workbook(&engine, month, threads, out)
            .with_context(|| format!("cannot write {}", out.display()))?,
    }
    println!("Wrote the workbook for the 13 months to {month} to {}.", out.display());
    Ok(ExitCode::SUCCESS)
}
