//! `sendtrack report --format xlsx|html|pdf --month YYYY-MM --out FILE`: the board's workbook
//! or its printable pack (PDF through headless Chromium's print).

use crate::commands::source::Source;
use anyhow::Context;
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::CATALOGUE;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::scorecard::scorecard;
use std::path::Path;
use std::process::ExitCode;

/// The report formats sendtrack writes.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// An Excel workbook (opens in Excel and LibreOffice).
    Xlsx,
    /// The board pack as one printable HTML file.
    Html,
    /// The board pack as PDF (needs Chromium: Debian's `chromium` package).
    Pdf,
}

/// What to report on and where.
pub struct ReportOptions<'o> {
    pub format: ReportFormat,
    pub month: Month,
    pub out: &'o Path,
    pub authority: &'o str,
}

pub async fn run(source: &Source, options: &ReportOptions<'_>, today: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    sendtrack_domain::dates::month_begun(options.month, today).map_err(|e| anyhow::anyhow!("--month {e}"))?;
    let casework = source.load(today).await?;
    source.audit(&format!("board report {}", options.month)).await?;
    let engine = Engine::as_at(&casework, today);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let (month, out) = (options.month, options.out);
    match options.format {
        ReportFormat::Xlsx => sendtrack_report::workbook::write_workbook(&engine, month, threads, out)
            .with_context(|| format!("cannot write {}", out.display()))?,
        ReportFormat::Html | ReportFormat::Pdf => {
            let measures: Vec<_> = CATALOGUE.iter().collect();
            let card = scorecard(&engine, &measures, month.plus(-12), month, threads);
            let forecast = super::forecast::for_report(source, &casework, month, today).await?;
            let paper = sendtrack_report::paper::paper(&casework, &card);
            let html = sendtrack_report::pack::board_pack(
                &card,
                options.authority,
                &today.to_string(),
                Some(&forecast),
                Some(&paper),
            );
            if options.format == ReportFormat::Html {
                std::fs::write(out, html).with_context(|| format!("cannot write {}", out.display()))?;
            } else {
                sendtrack_report::pdf::print_to_pdf(&html, out)?;
            }
        }
    }
    println!("Wrote the {:?} report for the 13 months to {month} to {}.", options.format, out.display());
    Ok(ExitCode::SUCCESS)
}
