//! The board's Excel workbook: a Scorecard sheet (measures down, 13 months across, trend,
//! target, England / region / neighbours), one sheet per table of the board reports, and the
//! definitions. Numbers are stored as numbers with number formats (a percentage is stored as
//! 46.4 and shown as 46.4%), headers are frozen and columns sized.

use crate::board::{Row, tables};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::scorecard::{Scorecard, scorecard};
use sendtrack_domain::measures::{CATALOGUE, MeasureDef, Unit};
use std::path::Path;

/// Something went wrong writing the workbook.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write the workbook to {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

fn number_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "#,##0",
        Unit::Percent => "0.0\\%",
        Unit::Rate | Unit::Weeks | Unit::PerFte | Unit::Days => "0.0",
        Unit::Fte => "0.00",
        Unit::Pounds => "£#,##0",
    }
}

struct Writer<'c> {
    card: &'c Scorecard,
    header: Format,
    formats: Vec<(Unit, Format)>,
}

impl Writer<'_> {
    fn format(&self, unit: Unit) -> &Format {
        // Invariant: a format is made for every unit in `write_workbook`.
        &self.formats.iter().find(|(u, _)| *u == unit).unwrap_or(&self.formats[0]).1
    }

    /// Writes a table: a title, months across, one row per `rows`.
    fn table(&self, sheet: &mut Worksheet, title: &str, rows: &[Row]) -> Result<(), XlsxError> {
        sheet.set_name(title)?;
        sheet.write_string_with_format(0, 0, title, &self.header)?;
        for (k, month) in self.card.months.iter().enumerate() {
            sheet.write_string_with_format(
                0,
                k as u16 + 1,
                sendtrack_interchange::scorecard::month_label(self.card, *month),
                &self.header,
            )?;
        }
        for (r, row) in rows.iter().enumerate() {
            let line = r as u32 + 1;
            sheet.write_string(line, 0, &row.label)?;
            for (k, value) in row.values.iter().enumerate() {
                if let Some(v) = value {
                    sheet.write_number_with_format(line, k as u16 + 1, *v, self.format(row.measure.unit))?;
                }
            }
        }
        sheet.set_freeze_panes(1, 1)?;
        print_setup(sheet)?;
        sheet.set_column_width(0, 58)?;
        for k in 0..self.card.months.len() {
            sheet.set_column_width(k as u16 + 1, 11)?;
        }
        Ok(())
    }
}

/// Prints a sheet on A4 landscape pages, as wide as one page, its header row on every page.
/// A table of text and numbers on its own sheet, header bold and frozen.
fn data_sheet(
    sheet: &mut Worksheet,
    name: &str,
    table: &crate::table::DataTable,
    header: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    table.write_to(sheet, header)?;
    sheet.set_freeze_panes(1, 1)?;
    print_setup(sheet)?;
    sheet.set_column_width(0, 48)?;
    for k in 1..table.headers.len() {
        sheet.set_column_width(k as u16, 18)?;
    }
    Ok(())
}

fn print_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// Writes the workbook for the 13 months ending with `month` to `path`.
pub fn write_workbook(engine: &Engine, month: Month, threads: usize, path: &Path) -> Result<(), WorkbookError> {
    let bytes = workbook_bytes(engine, month, threads)?;
    std::fs::write(path, bytes).map_err(|source| WorkbookError::Io { path: path.display().to_string(), source })
}

/// The workbook for the 13 months ending with `month`, as the bytes of an XLSX file.
pub fn workbook_bytes(engine: &Engine, month: Month, threads: usize) -> Result<Vec<u8>, WorkbookError> {
    let measures: Vec<&'static MeasureDef> = CATALOGUE.iter().collect();
    let card = scorecard(engine, &measures, month.plus(-12), month, threads);
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_text_wrap();
    let units = Unit::ALL;
    let formats = units.iter().map(|&u| (u, Format::new().set_num_format(number_format(u)))).collect();
    let w = Writer { card: &card, header, formats };

    // The scorecard.
    let sheet = book.add_worksheet();
    sheet.set_name("Scorecard")?;
    let mut columns: Vec<String> = vec!["Measure".into(), "Id".into(), "Unit".into(), "Better".into()];
    columns.extend(card.months.iter().map(|m| sendtrack_interchange::scorecard::month_label(&card, *m)));
    columns.extend(
        [
            "Trend",
            "Target",
            "Target met",
            "England",
            "England period",
            "Region",
            "Region period",
            "Neighbours",
            "Neighbours period",
        ]
        .map(String::from),
    );
    for (k, c) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, k as u16, c, &w.header)?;
    }
    let first_month = 4u16;
    let after = first_month + card.months.len() as u16;
    for (r, line) in card.lines.iter().enumerate() {
        let row = r as u32 + 1;
        let m = line.measure;
        sheet.write_string(row, 0, m.title)?;
        sheet.write_string(row, 1, m.id)?;
        sheet.write_string(row, 2, m.unit.code())?;
        sheet.write_string(row, 3, m.better.code())?;
        for (k, cell) in line.cells.iter().enumerate() {
            if let Some(v) = cell.value.headline {
                sheet.write_number_with_format(row, first_month + k as u16, v, w.format(m.unit))?;
            }
        }
        if let Some((arrow, _)) = line.latest().and_then(|c| c.trend) {
            sheet.write_string(row, after, arrow.symbol())?;
        }
        if let Some(t) = line.target {
            sheet.write_number_with_format(row, after + 1, t.target, w.format(m.unit))?;
            if let Some(met) = t.met {
                sheet.write_string(row, after + 2, if met { "met" } else { "short" })?;
            }
        }
        for (k, comparator) in ["england", "region", "statistical_neighbours"].iter().enumerate() {
            if let Some(b) = line.benchmarks.iter().find(|b| b.comparator.code() == *comparator) {
                let col = after + 3 + 2 * k as u16;
                sheet.write_number_with_format(row, col, b.value, w.format(m.unit))?;
                sheet.write_string(row, col + 1, b.period.to_string())?;
            }
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    print_setup(sheet)?;
    sheet.set_column_width(0, 52)?;
    sheet.set_column_width(1, 34)?;
    for k in 2..(after + 9) {
        sheet.set_column_width(k, 11)?;
    }

    for table in tables(&card) {
        let sheet = book.add_worksheet();
        w.table(sheet, table.name, &table.rows)?;
    }

    // The rest of the board paper (issue 22).
    let paper = crate::paper::paper(engine.casework(), &card);
    let sections = crate::paper::sections(&card, &paper);
    for (name, table) in [
        ("Supplied indicators", paper.indicators_table()),
        ("Improvement plan", paper.tracker_table(&card)),
        ("Audits by section", paper.audit_sections_table()),
        ("Commentary", paper.commentary_table(&sections)),
    ] {
        let sheet = book.add_worksheet();
        data_sheet(sheet, name, &table, &w.header)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Definitions")?;
    for (k, c) in ["Id", "Measure", "Section", "Unit", "Better", "Definition", "Breakdowns"].iter().enumerate() {
        sheet.write_string_with_format(0, k as u16, *c, &w.header)?;
    }
    for (r, m) in CATALOGUE.iter().enumerate() {
        let row = r as u32 + 1;
        let breakdowns: Vec<&str> = m.breakdowns.iter().map(|d| d.code()).collect();
        for (k, text) in
            [m.id, m.title, m.section, m.unit.code(), m.better.code(), m.definition, &breakdowns.join(", ")]
                .iter()
                .enumerate()
        {
            sheet.write_string(row, k as u16, *text)?;
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    print_setup(sheet)?;
    for (k, width) in [34, 52, 30, 7, 7, 90, 36].iter().enumerate() {
        sheet.set_column_width(k as u16, *width)?;
    }
    Ok(book.save_to_buffer()?)
}
