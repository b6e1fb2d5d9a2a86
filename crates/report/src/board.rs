//! The tables of the board reports (see `shared/seeds/`), computed from a scorecard: requests,
//! assessments and timeliness, open cases, advice, plans issued and ceased, active plans,
//! annual reviews, disputes and placement costs, months across. The workbook and the HTML
//! board pack show the same tables.

use sendtrack_domain::measures::scorecard::Scorecard;
use sendtrack_domain::measures::{Dimension, MeasureDef, MeasureId};
use std::collections::BTreeSet;

/// A row of a table: its label and, per month, the value of a measure or one of its keys.
pub struct Row {
    pub label: String,
    pub measure: &'static MeasureDef,
    pub values: Vec<Option<f64>>,
}

/// One table of the board report: its name and rows.
pub struct Table {
    pub name: &'static str,
    /// The measure a chart of the table shows (its headline row).
    pub chart: MeasureId,
    pub rows: Vec<Row>,
}

impl Table {
    /// The table as data, months across (`months`: each month's heading): the label, then the
    /// row's value in each month.
    pub fn data(&self, id: impl Into<String>, months: &[String]) -> crate::table::DataTable {
        use crate::table::{Cell, DataTable};
        let mut headers = vec![self.name.to_string()];
        headers.extend(months.iter().cloned());
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![Cell::text(row.label.clone())];
                cells.extend(row.values.iter().map(|v| Cell::value(row.measure, *v)));
                cells
            })
            .collect();
        DataTable { id: id.into(), title: self.name.to_string(), headers, rows }
    }

    /// The row the table's chart shows.
    pub fn chart_row(&self) -> Option<&Row> {
        self.rows.iter().find(|r| r.measure.measure == self.chart)
    }
}

/// Reads rows out of a scorecard.
struct Rows<'c> {
    card: &'c Scorecard,
}

impl Rows<'_> {
    /// The headline of `id` in each month of the card.
    fn headline(&self, id: MeasureId, label: &str) -> Row {
        let measure = id.def();
        let line = self.card.lines.iter().find(|l| l.measure.measure == id);
        let values = line.map_or_else(Vec::new, |l| l.cells.iter().map(|c| c.value.headline).collect());
        Row { label: label.to_string(), measure, values }
    }

    /// One row per key of `id`'s breakdown by `dimension`, over the months of the card.
    fn keys(&self, id: MeasureId, dimension: Dimension, prefix: &str) -> Vec<Row> {
        let measure = id.def();
        let Some(line) = self.card.lines.iter().find(|l| l.measure.measure == id) else { return Vec::new() };
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
        w.headline(MeasureId::RequestsReceived, "Requests received in the month"),
        w.headline(MeasureId::RequestsReceivedChangePct, "Change on the same month a year before (%)"),
        w.headline(MeasureId::RequestsReceivedYtd, "Requests received, year to date"),
        w.headline(MeasureId::RequestsFromParentsPct, "Made by parents or young people (%)"),
        w.headline(MeasureId::RequestsRatePer10k, "Requests per 10,000 aged 0-24 (12 months)"),
        w.headline(MeasureId::DecisionsMade, "Decisions whether to assess"),
        w.headline(MeasureId::DecisionsWithin6WeeksPct, "Decisions within 6 weeks (%)"),
        w.headline(MeasureId::AssessRatePct, "Agreed for assessment (12 months, %)"),
    ];
    requests.extend(w.keys(MeasureId::RequestsReceived, Dimension::Source, "Received from: "));
    let assessments = vec![
        w.headline(MeasureId::AssessmentsCompleted, "Assessments completed"),
        w.headline(MeasureId::AssessmentsCompletedOnTime, "Completed on time"),
        w.headline(MeasureId::AssessmentsCompletedOnTimePct, "Completed on time (%)"),
        w.headline(MeasureId::AssessmentsCompletedOnTimePctYtd, "Completed on time, cumulative (%)"),
        w.headline(MeasureId::PlansIssued, "New EHC plans issued"),
        w.headline(MeasureId::PlansIssuedWithin20Weeks, "Issued within 20 weeks"),
        w.headline(MeasureId::PlansIssuedWithin20WeeksPct, "Within 20 weeks, excluding exceptions (%)"),
        w.headline(MeasureId::PlansIssuedWithin20WeeksInclExceptionsPct, "Within 20 weeks, all cases (%)"),
        w.headline(MeasureId::PlansIssuedWithin20WeeksPctYtd, "Within 20 weeks, cumulative (%)"),
        w.headline(MeasureId::PlansIssuedAvgWeeks, "Average weeks from request to plan"),
    ];
    let open = vec![
        w.headline(MeasureId::RequestsOpen, "Requests open"),
        w.headline(MeasureId::AssessmentsInProgress, "Assessments in progress"),
        w.headline(MeasureId::DecisionsOverdue, "Decisions overdue (past 6 weeks)"),
        w.headline(MeasureId::RequestsOpenOver20Weeks, "Open past 20 weeks"),
        w.headline(MeasureId::RequestsOpenOver30Weeks, "Open past 30 weeks"),
        w.headline(MeasureId::RequestsOpenOver52Weeks, "Open past 52 weeks"),
    ];
    let mut advice = vec![w.headline(MeasureId::AdviceOverdue, "Advice overdue (past 6 weeks)")];
    advice.extend(w.keys(MeasureId::AdviceOverdue, Dimension::Kind, "Overdue: "));
    advice.extend(w.keys(MeasureId::AdviceOverdue, Dimension::Provider, "Overdue from: "));
    advice.push(w.headline(MeasureId::AdviceOutstanding, "Advice outstanding"));
    advice.push(w.headline(MeasureId::AdviceWithin6WeeksPct, "Advice received within 6 weeks (%)"));
    let mut issued_ceased = vec![w.headline(MeasureId::PlansIssued, "New plans issued")];
    issued_ceased.extend(w.keys(MeasureId::PlansIssued, Dimension::AgeBand, "Issued, aged "));
    issued_ceased.push(w.headline(MeasureId::PlansCeased, "Plans ceased"));
    issued_ceased.extend(w.keys(MeasureId::PlansCeased, Dimension::AgeBand, "Ceased, aged "));
    issued_ceased.extend(w.keys(MeasureId::PlansCeased, Dimension::CeaseReason, "Ceased because: "));
    let mut active = vec![
        w.headline(MeasureId::PlansActive, "Active EHC plans"),
        w.headline(MeasureId::PlansActiveChangePct, "Change on 12 months before (%)"),
        w.headline(MeasureId::PlansActivePct0To24, "As % of population 0-24"),
        w.headline(MeasureId::PlansInMainstreamPct, "In mainstream settings (%)"),
        w.headline(MeasureId::PlansInIndependentSpecialPct, "In independent and non-maintained special schools (%)"),
        w.headline(MeasureId::PlansEotasPct, "Education otherwise than at school (%)"),
        w.headline(MeasureId::PlansEhePct, "Elective home education (%)"),
        w.headline(MeasureId::PlansNeet16To25Pct, "Aged 16-25 and NEET (%)"),
    ];
    active.extend(w.keys(MeasureId::PlansActive, Dimension::Setting, "In setting: "));
    active.extend(w.keys(MeasureId::PlansActive, Dimension::PrimaryNeed, "Primary need: "));
    let mut reviews = vec![
        w.headline(MeasureId::ReviewsCompleted, "Annual reviews completed"),
        w.headline(MeasureId::ReviewsCompletedOnTimePct, "Completed on time (%)"),
        w.headline(MeasureId::ReviewsDecisionAvgWeeks, "Average weeks from meeting to decision"),
        w.headline(MeasureId::ReviewsOverdue, "Annual reviews overdue"),
    ];
    reviews.extend(w.keys(MeasureId::ReviewsOverdue, Dimension::State, "Overdue, "));
    reviews.push(w.headline(MeasureId::PhaseTransfersFinalisedPct, "Phase transfers finalised by the deadline (%)"));
    let disputes = vec![
        w.headline(MeasureId::MediationsYtd, "Mediations, year to date"),
        w.headline(MeasureId::AppealsRegisteredYtd, "Appeals registered, year to date"),
        w.headline(MeasureId::AppealsLostPctYtd, "Conceded or found for parents, year to date (%)"),
        w.headline(MeasureId::AppealsWonPctYtd, "Withdrawn or found for the LA, year to date (%)"),
        w.headline(MeasureId::MediationsFollowedByAppealPctYtd, "Mediations followed by an appeal (%)"),
        w.headline(MeasureId::Complaints, "Complaints"),
        w.headline(MeasureId::Compliments, "Compliments"),
    ];
    let mut costs = vec![
        w.headline(MeasureId::PlacementAvgAnnualCost, "Average annual placement cost"),
        w.headline(MeasureId::IndependentSpendSharePct, "Share of spend in independent special schools (%)"),
    ];
    costs.extend(w.keys(MeasureId::PlacementAvgAnnualCost, Dimension::Setting, "Average cost: "));
    let mut workforce = vec![
        w.headline(MeasureId::StaffInPost, "Staff in post"),
        w.headline(MeasureId::StaffInPostFte, "Staff in post (full-time equivalent)"),
        w.headline(MeasureId::StaffInterimAgencyPct, "On interim or agency contracts (%)"),
        w.headline(MeasureId::StaffStarters, "Started in the month"),
        w.headline(MeasureId::StaffLeavers, "Left in the month"),
        w.headline(MeasureId::PostsVacantFte, "Vacant posts (full-time equivalent)"),
        w.headline(MeasureId::PlansUnallocated, "Active plans not allocated"),
        w.headline(MeasureId::CaseloadPerCaseworkerFte, "Cases per caseworker (full-time equivalent)"),
    ];
    workforce.extend(w.keys(MeasureId::StaffInPost, Dimension::Team, "In post, team: "));
    workforce.extend(w.keys(MeasureId::PlansActive, Dimension::Team, "Active plans held by team: "));
    let mut quality = vec![
        w.headline(MeasureId::PlansAudited, "EHC plans audited for quality"),
        w.headline(MeasureId::AuditsMeetingStandardPct, "Audits meeting quality standards (%)"),
        w.headline(MeasureId::AuditsModeratedAgreementPct, "Moderation agreed the auditor's grade (%)"),
    ];
    quality.extend(w.keys(MeasureId::AuditsMeetingStandardPct, Dimension::Team, "Meeting standards (%), team: "));
    let cohorts = vec![
        w.headline(MeasureId::PlansInCare, "Children in care with an EHC plan"),
        w.headline(MeasureId::PlansInCareHealthAssessmentOverduePct, "Of them, health assessment overdue (%)"),
        w.headline(MeasureId::PlansChildProtection, "On a child protection plan with an EHC plan"),
        w.headline(MeasureId::PlansNeet16To18FlaggedPct, "16-18s with a plan who are NEET (%)"),
        w.headline(MeasureId::PlansApprenticeship16To25Pct, "16-25s with a plan in an apprenticeship (%)"),
    ];
    [
        ("Requests", MeasureId::RequestsReceived, requests),
        ("Assessments", MeasureId::PlansIssuedWithin20WeeksPct, assessments),
        ("Open cases", MeasureId::RequestsOpenOver20Weeks, open),
        ("Advice", MeasureId::AdviceOverdue, advice),
        ("Plans issued and ceased", MeasureId::PlansIssued, issued_ceased),
        ("Active plans", MeasureId::PlansActive, active),
        ("Annual reviews", MeasureId::ReviewsOverdue, reviews),
        ("Disputes and feedback", MeasureId::AppealsRegisteredYtd, disputes),
        ("Placement costs", MeasureId::PlacementAvgAnnualCost, costs),
        ("Workforce and caseloads", MeasureId::CaseloadPerCaseworkerFte, workforce),
        ("Quality of plans", MeasureId::AuditsMeetingStandardPct, quality),
        ("Cohorts", MeasureId::PlansInCare, cohorts),
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
    fn every_table_charts_a_measure_it_shows_over_every_month() {
        let cw = sendtrack_domain::records::Casework::default();
        let engine = Engine::new(&cw);
        let month = Month::containing(jiff::civil::date(2025, 6, 1));
        let card = scorecard(&engine, &CATALOGUE.iter().collect::<Vec<_>>(), month.plus(-12), month, 1);
        let names: Vec<&str> = tables(&card).iter().map(|t| t.name).collect();
        assert_eq!(names.last(), Some(&"Cohorts"), "{names:?}");
        for table in tables(&card) {
            assert!(table.chart_row().is_some(), "{} charts a measure it does not show", table.name);
            for row in table.rows {
                assert_eq!(row.values.len(), 13, "{}", row.label);
            }
        }
    }
}
