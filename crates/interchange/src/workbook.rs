//! The board's Excel workbook: a Scorecard sheet (measures down, 13 months across, trend,
//! target, England / region / neighbours), one sheet per table of the board reports, and the
//! definitions. Numbers are stored as numbers with number formats (a percentage is stored as
//! 46.4 and shown as 46.4%), headers are frozen and columns sized.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::scorecard::{Scorecard, scorecard};
use sendtrack_domain::measures::{CATALOGUE, Dimension, MeasureDef, Unit, find};
use std::collections::BTreeSet;
use std::path::Path;

/// Something went wrong writing the workbook.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

fn number_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "#,##0",
        Unit::Percent => "0.0\\%",
        Unit::Rate | Unit::Weeks => "0.0",
        Unit::Pounds => "£#,##0",
    }
}

fn month_label(m: Month) -> String {
    const NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {}", NAMES[(m.month() - 1) as usize], m.year())
}

/// A row of a table: its label and, per month, the value of a measure or one of its keys.
struct Row {
    label: String,
    /// `None` only if a table names an id the catalogue lacks (a test rules that out).
    measure: Option<&'static MeasureDef>,
    values: Vec<Option<f64>>,
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

    /// The headline of `id` in each month of the card.
    fn headline(&self, id: &str, label: &str) -> Row {
        let measure = find(id);
        let line = self.card.lines.iter().find(|l| l.measure.id == id);
        let values = line.map_or_else(Vec::new, |l| l.cells.iter().map(|c| c.value.headline).collect());
        Row { label: label.to_string(), measure, values }
    }

    /// One row per key of `id`'s breakdown by `dimension`, over the months of the card.
    fn keys(&self, id: &str, dimension: Dimension, prefix: &str) -> Vec<Row> {
        let measure = find(id);
        let Some(line) = self.card.lines.iter().find(|l| l.measure.id == id) else { return Vec::new() };
        let keys: BTreeSet<&str> = line
            .cells
            .iter()
            .flat_map(|c| c.value.breakdowns.iter().filter(|(d, _, _)| *d == dimension).map(|(_, k, _)| k.as_str()))
            .collect();
        keys.into_iter()
            .map(|key| Row {
                label: format!("{prefix}{key}"),
                measure,
                values: line
                    .cells
                    .iter()
                    .map(|c| {
                        c.value.breakdowns.iter().find(|(d, k, _)| *d == dimension && k == key).and_then(|(_, _, v)| *v)
                    })
                    .collect(),
            })
            .collect()
    }

    /// Writes a table: a title, months across, one row per `rows`.
    fn table(&self, sheet: &mut Worksheet, title: &str, rows: &[Row]) -> Result<(), XlsxError> {
        sheet.set_name(title)?;
        sheet.write_string_with_format(0, 0, title, &self.header)?;
        for (k, month) in self.card.months.iter().enumerate() {
            sheet.write_string_with_format(0, k as u16 + 1, month_label(*month), &self.header)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let line = r as u32 + 1;
            sheet.write_string(line, 0, &row.label)?;
            for (k, value) in row.values.iter().enumerate() {
                if let (Some(v), Some(m)) = (value, row.measure) {
                    sheet.write_number_with_format(line, k as u16 + 1, *v, self.format(m.unit))?;
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

/// The tables of the workbook: (sheet name, rows).
fn tables(w: &Writer) -> Vec<(&'static str, Vec<Row>)> {
    let mut requests = vec![
        w.headline("requests_received", "Requests received in the month"),
        w.headline("requests_received_change_pct", "Change on the same month a year before (%)"),
        w.headline("requests_received_ytd", "Requests received, year to date"),
        w.headline("requests_from_parents_pct", "Made by parents or young people (%)"),
        w.headline("requests_rate_per_10k", "Requests per 10,000 aged 0-24 (12 months)"),
        w.headline("decisions_made", "Decisions whether to assess"),
        w.headline("decisions_within_6_weeks_pct", "Decisions within 6 weeks (%)"),
        w.headline("assess_rate_pct", "Agreed for assessment (12 months, %)"),
    ];
    requests.extend(w.keys("requests_received", Dimension::Source, "Received from: "));
    let assessments = vec![
        w.headline("assessments_completed", "Assessments completed"),
        w.headline("assessments_completed_on_time", "Completed on time"),
        w.headline("assessments_completed_on_time_pct", "Completed on time (%)"),
        w.headline("assessments_completed_on_time_pct_ytd", "Completed on time, cumulative (%)"),
        w.headline("plans_issued", "New EHC plans issued"),
        w.headline("plans_issued_within_20_weeks", "Issued within 20 weeks"),
        w.headline("plans_issued_within_20_weeks_pct", "Within 20 weeks, excluding exceptions (%)"),
        w.headline("plans_issued_within_20_weeks_incl_exceptions_pct", "Within 20 weeks, all cases (%)"),
        w.headline("plans_issued_within_20_weeks_pct_ytd", "Within 20 weeks, cumulative (%)"),
        w.headline("plans_issued_avg_weeks", "Average weeks from request to plan"),
    ];
    let open = vec![
        w.headline("requests_open", "Requests open"),
        w.headline("assessments_in_progress", "Assessments in progress"),
        w.headline("decisions_overdue", "Decisions overdue (past 6 weeks)"),
        w.headline("requests_open_over_20_weeks", "Open past 20 weeks"),
        w.headline("requests_open_over_30_weeks", "Open past 30 weeks"),
        w.headline("requests_open_over_52_weeks", "Open past 52 weeks"),
    ];
    let mut advice = vec![w.headline("advice_overdue", "Advice overdue (past 6 weeks)")];
    advice.extend(w.keys("advice_overdue", Dimension::Kind, "Overdue: "));
    advice.extend(w.keys("advice_overdue", Dimension::Provider, "Overdue from: "));
    advice.push(w.headline("advice_outstanding", "Advice outstanding"));
    advice.push(w.headline("advice_within_6_weeks_pct", "Advice received within 6 weeks (%)"));
    let mut issued_ceased = vec![w.headline("plans_issued", "New plans issued")];
    issued_ceased.extend(w.keys("plans_issued", Dimension::AgeBand, "Issued, aged "));
    issued_ceased.push(w.headline("plans_ceased", "Plans ceased"));
    issued_ceased.extend(w.keys("plans_ceased", Dimension::AgeBand, "Ceased, aged "));
    issued_ceased.extend(w.keys("plans_ceased", Dimension::CeaseReason, "Ceased because: "));
    let mut active = vec![
        w.headline("plans_active", "Active EHC plans"),
        w.headline("plans_active_change_pct", "Change on 12 months before (%)"),
        w.headline("plans_active_pct_0_24", "As % of population 0-24"),
        w.headline("plans_in_mainstream_pct", "In mainstream settings (%)"),
        w.headline("plans_in_independent_special_pct", "In independent and non-maintained special schools (%)"),
        w.headline("plans_eotas_pct", "Education otherwise than at school (%)"),
        w.headline("plans_ehe_pct", "Elective home education (%)"),
        w.headline("plans_neet_16_25_pct", "Aged 16-25 and NEET (%)"),
    ];
    active.extend(w.keys("plans_active", Dimension::Setting, "In setting: "));
    active.extend(w.keys("plans_active", Dimension::PrimaryNeed, "Primary need: "));
    let mut reviews = vec![
        w.headline("reviews_completed", "Annual reviews completed"),
        w.headline("reviews_completed_on_time_pct", "Completed on time (%)"),
        w.headline("reviews_decision_avg_weeks", "Average weeks from meeting to decision"),
        w.headline("reviews_overdue", "Annual reviews overdue"),
    ];
    reviews.extend(w.keys("reviews_overdue", Dimension::State, "Overdue, "));
    reviews.push(w.headline("phase_transfers_finalised_pct", "Phase transfers finalised by the deadline (%)"));
    let disputes = vec![
        w.headline("mediations_ytd", "Mediations, year to date"),
        w.headline("appeals_registered_ytd", "Appeals registered, year to date"),
        w.headline("appeals_lost_pct_ytd", "Conceded or found for parents, year to date (%)"),
        w.headline("appeals_won_pct_ytd", "Withdrawn or found for the LA, year to date (%)"),
        w.headline("mediations_followed_by_appeal_pct_ytd", "Mediations followed by an appeal (%)"),
        w.headline("complaints", "Complaints"),
        w.headline("compliments", "Compliments"),
    ];
    let mut costs = vec![
        w.headline("placement_avg_annual_cost", "Average annual placement cost"),
        w.headline("independent_spend_share_pct", "Share of spend in independent special schools (%)"),
    ];
    costs.extend(w.keys("placement_avg_annual_cost", Dimension::Setting, "Average cost: "));
    vec![
        ("Requests", requests),
        ("Assessments", assessments),
        ("Open cases", open),
        ("Advice", advice),
        ("Plans issued and ceased", issued_ceased),
        ("Active plans", active),
        ("Annual reviews", reviews),
        ("Disputes and feedback", disputes),
        ("Placement costs", costs),
    ]
}

/// Prints a sheet on A4 landscape pages, as wide as one page, its header row on every page.
fn print_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// Writes the workbook for the 13 months ending with `month` to `path`.
pub fn write_workbook(engine: &Engine, month: Month, threads: usize, path: &Path) -> Result<(), WorkbookError> {
    let measures: Vec<&'static MeasureDef> = CATALOGUE.iter().collect();
    let card = scorecard(engine, &measures, month.plus(-12), month, threads);
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_text_wrap();
    let units = [Unit::Count, Unit::Percent, Unit::Rate, Unit::Weeks, Unit::Pounds];
    let formats = units.iter().map(|&u| (u, Format::new().set_num_format(number_format(u)))).collect();
    let w = Writer { card: &card, header, formats };

    // The scorecard.
    let sheet = book.add_worksheet();
    sheet.set_name("Scorecard")?;
    let mut columns: Vec<String> = vec!["Measure".into(), "Id".into(), "Unit".into(), "Better".into()];
    columns.extend(card.months.iter().map(|m| month_label(*m)));
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

    for (name, rows) in tables(&w) {
        let sheet = book.add_worksheet();
        w.table(sheet, name, &rows)?;
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
    book.save(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_names_measures_of_the_catalogue() {
        let cw = sendtrack_domain::records::Casework::default();
        let engine = Engine::new(&cw);
        let month = Month::new(2025, 6).unwrap_or(Month::containing(jiff::civil::date(2025, 6, 1)));
        let card = scorecard(&engine, &CATALOGUE.iter().collect::<Vec<_>>(), month.plus(-12), month, 1);
        let w = Writer { card: &card, header: Format::new(), formats: vec![(Unit::Count, Format::new())] };
        for (_, rows) in tables(&w) {
            for row in rows {
                assert!(row.measure.is_some(), "{} names no measure of the catalogue", row.label);
                assert_eq!(row.values.len(), 13, "{}", row.label);
            }
        }
    }
}
