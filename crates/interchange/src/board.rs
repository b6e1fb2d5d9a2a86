//! The tables of the board reports (see `shared/seeds/`), computed from a scorecard: requests,
//! assessments and timeliness, open cases, advice, plans issued and ceased, active plans,
//! annual reviews, disputes and placement costs, months across. The workbook and the HTML
//! board pack show the same tables.

use sendtrack_domain::measures::scorecard::Scorecard;
use sendtrack_domain::measures::{Dimension, MeasureDef, find};
use std::collections::BTreeSet;

/// A row of a table: its label and, per month, the value of a measure or one of its keys.
pub struct Row {
    pub label: String,
    /// `None` only if a table names an id the catalogue lacks (a test rules that out).
    pub measure: Option<&'static MeasureDef>,
    pub values: Vec<Option<f64>>,
}

/// One table of the board report: its name and rows.
pub struct Table {
    pub name: &'static str,
    /// The measure a chart of the table shows (its headline row).
    pub chart: &'static str,
    pub rows: Vec<Row>,
}

impl Table {
    /// The row the table's chart shows.
    pub fn chart_row(&self) -> Option<&Row> {
        self.rows.iter().find(|r| r.measure.is_some_and(|m| m.id == self.chart))
    }
}

/// Reads rows out of a scorecard.
struct Rows<'c> {
    card: &'c Scorecard,
}

impl Rows<'_> {
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
}

/// The tables of the board report, from a scorecard of the whole catalogue.
pub fn tables(card: &Scorecard) -> Vec<Table> {
    let w = Rows { card };
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
    [
        ("Requests", "requests_received", requests),
        ("Assessments", "plans_issued_within_20_weeks_pct", assessments),
        ("Open cases", "requests_open_over_20_weeks", open),
        ("Advice", "advice_overdue", advice),
        ("Plans issued and ceased", "plans_issued", issued_ceased),
        ("Active plans", "plans_active", active),
        ("Annual reviews", "reviews_overdue", reviews),
        ("Disputes and feedback", "appeals_registered_ytd", disputes),
        ("Placement costs", "placement_avg_annual_cost", costs),
    ]
    .into_iter()
    .map(|(name, chart, rows)| Table { name, chart, rows })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sendtrack_domain::dates::Month;
    use sendtrack_domain::measures::CATALOGUE;
    use sendtrack_domain::measures::engine::Engine;
    use sendtrack_domain::measures::scorecard::scorecard;

    #[test]
    fn every_table_names_measures_of_the_catalogue() {
        let cw = sendtrack_domain::records::Casework::default();
        let engine = Engine::new(&cw);
        let month = Month::containing(jiff::civil::date(2025, 6, 1));
        let card = scorecard(&engine, &CATALOGUE.iter().collect::<Vec<_>>(), month.plus(-12), month, 1);
        for table in tables(&card) {
            assert!(table.chart_row().is_some(), "{} charts a measure it does not show", table.name);
            for row in table.rows {
                assert!(row.measure.is_some(), "{} names no measure of the catalogue", row.label);
                assert_eq!(row.values.len(), 13, "{}", row.label);
            }
        }
    }
}
