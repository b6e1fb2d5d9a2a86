//! The rest of the board paper (issue 22) as the pack, the workbook and the web app show it:
//! the supplied indicators, the improvement plan tracker, quality audits by section, and each
//! section's commentary, sign-off and figures changed after it.

use crate::charts::label;
use crate::table::{Cell, DataTable};
use sendtrack_domain::board::{
    Changed, SectionResult, StrandView, SuppliedLine, audit_grades, audit_sections, changed_since_sign_off, supplied,
    tracker,
};
use sendtrack_domain::codes::{AuditGrade, IndicatorUnit};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::scorecard::Scorecard;
use sendtrack_domain::measures::{Unit, find};
use sendtrack_domain::records::{Casework, Commentary, MilestoneState};

/// The unit a supplied indicator is shown in.
pub fn unit_of(unit: IndicatorUnit) -> Unit {
    match unit {
        IndicatorUnit::Count => Unit::Count,
        IndicatorUnit::Percent => Unit::Percent,
        IndicatorUnit::Rate => Unit::Rate,
        IndicatorUnit::Pounds => Unit::Pounds,
        IndicatorUnit::Number => Unit::Weeks,
    }
}

/// A supplied indicator's value as text.
pub fn indicator_text(unit: IndicatorUnit, v: Option<f64>) -> String {
    v.map_or("–".into(), |v| label(unit_of(unit), v))
}

/// Everything of the board paper beyond the measures, for one month.
pub struct Paper<'a> {
    pub month: Month,
    pub supplied: Vec<SuppliedLine<'a>>,
    pub tracker: Vec<StrandView<'a>>,
    /// Audits of the month, by section of the framework.
    pub audit_sections: Vec<SectionResult>,
    /// Audits of the 12 months to the month's end, by the grade that stands.
    pub audit_grades: Vec<(AuditGrade, usize)>,
    /// The month's commentary, by section.
    pub commentary: Vec<&'a Commentary>,
    cw: &'a Casework,
}

/// The board paper for the last month of `card`, from the records `cw`.
pub fn paper<'a>(cw: &'a Casework, card: &Scorecard) -> Paper<'a> {
    let month = card.months.last().copied().unwrap_or_else(|| Month::containing(sendtrack_domain::Date::default()));
    let end = month.last_day();
    let year_start = month.plus(-11).first_day();
    Paper {
        month,
        supplied: supplied(cw, &card.months),
        tracker: tracker(cw, end),
        audit_sections: audit_sections(cw, month.first_day(), end),
        audit_grades: audit_grades(cw, year_start, end),
        commentary: cw.commentaries.iter().filter(|c| c.month == month).collect(),
        cw,
    }
}

/// A section of the pack that commentary is written against, with its figures for the month.
#[derive(Debug, Clone)]
pub struct PackSection {
    pub id: String,
    pub title: String,
    /// Each figure's label and value for the month.
    pub figures: Vec<(String, Option<f64>)>,
}

/// A section's id from its title: "Plans issued and ceased" → `plans-issued-and-ceased`.
pub fn section_id(title: &str) -> String {
    title.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

/// The id of the supplied indicators' section and of the improvement plan's.
pub const INDICATORS: &str = "supplied-indicators";
pub const IMPROVEMENT: &str = "improvement-plan";

/// The sections of the pack, in order, with their figures: the headlines, each table, the
/// supplied indicators and the improvement plan (its strands' ratings, 1 red to 3 green).
pub fn sections(card: &Scorecard, paper: &Paper) -> Vec<PackSection> {
    let mut out = Vec::new();
    let latest = |id: sendtrack_domain::measures::MeasureId| {
        card.lines.iter().find(|l| l.measure.measure == id).and_then(|l| l.latest()).and_then(|c| c.value.headline)
    };
    out.push(PackSection {
        id: "headlines".into(),
        title: "Headlines".into(),
        figures: crate::pack::HEADLINES.iter().map(|&id| (id.def().title.to_string(), latest(id))).collect(),
    });
    for table in crate::board::tables(card) {
        out.push(PackSection {
            id: section_id(table.name),
            title: table.name.to_string(),
            figures: table.rows.iter().map(|r| (r.label.clone(), r.values.last().copied().flatten())).collect(),
        });
    }
    out.push(PackSection {
        id: INDICATORS.into(),
        title: "Supplied indicators".into(),
        figures: paper.supplied.iter().map(|l| (l.indicator.title.clone(), l.shown())).collect(),
    });
    out.push(PackSection {
        id: IMPROVEMENT.into(),
        title: "Improvement plan".into(),
        figures: paper
            .tracker
            .iter()
            .map(|s| {
                let rag = s.current().map(|r| match r.rag {
                    sendtrack_domain::codes::Rag::Red => 1.0,
                    sendtrack_domain::codes::Rag::Amber => 2.0,
                    sendtrack_domain::codes::Rag::Green => 3.0,
                });
                (format!("{} (RAG: 1 red, 2 amber, 3 green)", s.strand.title), rag)
            })
            .collect(),
    });
    out
}

impl Paper<'_> {
    /// The commentary written on `section` for the month.
    pub fn commentary_on(&self, section: &str) -> Option<&Commentary> {
        self.commentary.iter().copied().find(|c| c.section == section)
    }

    /// The figures of `section` that changed after it was signed off (nothing while its
    /// commentary is a draft: a signed-off section written again is signed off again).
    pub fn changed(&self, section: &PackSection) -> Vec<Changed> {
        if self.commentary_on(&section.id).is_none_or(|c| c.signed_off_on.is_none()) {
            return Vec::new();
        }
        changed_since_sign_off(self.cw, self.month, &section.id, &section.figures)
    }

    /// A KPI's value now: a measure's headline in the month, or an indicator's latest value.
    pub fn kpi_now(&self, card: &Scorecard, measure: &str) -> Option<(f64, Unit)> {
        if let Some(def) = find(measure) {
            let v = card.lines.iter().find(|l| l.measure.id == def.id)?.latest()?.value.headline?;
            return Some((v, def.unit));
        }
        let line = self.supplied.iter().find(|l| l.indicator.indicator_id == measure)?;
        Some((line.shown()?, unit_of(line.indicator.unit)))
    }

    /// The title of a KPI's measure or indicator.
    pub fn kpi_title(&self, measure: &str) -> String {
        find(measure).map(|d| d.title.to_string()).unwrap_or_else(|| {
            self.supplied
                .iter()
                .find(|l| l.indicator.indicator_id == measure)
                .map_or(measure.to_string(), |l| l.indicator.title.clone())
        })
    }

    /// The supplied indicators as a table: latest value, its period, trend, target,
    /// comparators, who supplied it and when, and the flags.
    pub fn indicators_table(&self) -> DataTable {
        let mut t = DataTable::new(
            INDICATORS,
            "Supplied indicators",
            &[
                "Indicator",
                "Id",
                "Latest",
                "For",
                "Against the period before",
                "Target",
                "Target met",
                "England",
                "Supplied by",
                "Received on",
                "Responses",
                "Flag",
            ],
        );
        for l in &self.supplied {
            let number = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Number);
            let england = l.benchmarks.iter().find(|b| b.comparator == sendtrack_domain::codes::Comparator::England);
            let flag = match (l.overdue_flag(), l.too_few) {
                (Some(f), _) => f,
                (None, true) => format!(
                    "Too few responses to report (fewer than {})",
                    l.indicator.minimum_responses.unwrap_or_default()
                ),
                _ => String::new(),
            };
            t.rows.push(vec![
                Cell::text(l.indicator.title.clone()),
                Cell::text(l.indicator.indicator_id.clone()),
                number(l.shown()),
                Cell::text(l.latest.map(|v| v.period.to_string()).unwrap_or_default()),
                Cell::text(l.trend.map(|(a, _)| a.code().to_string()).unwrap_or_default()),
                number(l.target.map(|t| t.target)),
                Cell::text(l.target.and_then(|t| t.met).map_or("", |m| if m { "met" } else { "short" })),
                number(england.map(|b| b.value)),
                Cell::text(l.indicator.supplier.clone()),
                Cell::text(l.latest.map(|v| v.received_on.to_string()).unwrap_or_default()),
                l.latest.and_then(|v| v.responses).map_or(Cell::Empty, |n| Cell::Number(f64::from(n))),
                Cell::text(flag),
            ]);
        }
        t
    }

    /// The improvement plan tracker as a table.
    pub fn tracker_table(&self, card: &Scorecard) -> DataTable {
        let mut t = DataTable::new(
            IMPROVEMENT,
            "Improvement plan",
            &["Strand", "Owner", "RAG", "Since", "Milestones", "Open actions", "KPIs", "The milestones suggest"],
        );
        for s in &self.tracker {
            let (suggested, why) = s.suggested();
            t.rows.push(vec![
                Cell::text(s.strand.title.clone()),
                Cell::text(s.strand.owner.clone()),
                Cell::text(s.current().map_or("Not rated".into(), |r| r.rag.label().to_string())),
                Cell::text(s.movement().unwrap_or_default()),
                Cell::text(milestone_summary(s)),
                Cell::Number(
                    s.actions.iter().filter(|a| a.status == sendtrack_domain::codes::ActionStatus::Open).count() as f64,
                ),
                Cell::text(
                    s.kpis
                        .iter()
                        .map(|k| {
                            let now = self.kpi_now(card, &k.measure).map_or("–".into(), |(v, u)| label(u, v));
                            format!(
                                "{}: {now} (baseline {}, target {} by {})",
                                self.kpi_title(&k.measure),
                                k.baseline,
                                k.target,
                                k.due_on
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Cell::text(format!("{}: {why}", suggested.label())),
            ]);
        }
        t
    }

    /// Audits of the month by section of the framework.
    pub fn audit_sections_table(&self) -> DataTable {
        let mut t = DataTable::new(
            "audit-sections",
            format!("Quality audits by section, {}", self.month.long_name()),
            &["Section", "Audits", "Meeting the standard", "Meeting the standard (%)"],
        );
        for s in &self.audit_sections {
            t.rows.push(vec![
                Cell::text(s.section.clone()),
                Cell::Number(s.audits as f64),
                Cell::Number(s.meeting as f64),
                s.pct().map_or(Cell::Empty, Cell::Number),
            ]);
        }
        t
    }

    /// The month's commentary by section, with who signed it off and when.
    pub fn commentary_table(&self, sections: &[PackSection]) -> DataTable {
        let mut t = DataTable::new(
            "commentary",
            format!("Commentary, {}", self.month.long_name()),
            &["Section", "Commentary", "Written by", "Written on", "Signed off by", "Signed off on", "Changed since"],
        );
        for section in sections {
            let Some(c) = self.commentary_on(&section.id) else { continue };
            let changed = self.changed(section).iter().map(changed_text).collect::<Vec<_>>().join("; ");
            t.rows.push(vec![
                Cell::text(section.title.clone()),
                Cell::text(c.text.clone()),
                Cell::text(c.written_by.clone()),
                Cell::text(c.written_on.to_string()),
                Cell::text(c.signed_off_by.clone().unwrap_or_default()),
                Cell::text(c.signed_off_on.map(|d| d.to_string()).unwrap_or_default()),
                Cell::text(changed),
            ]);
        }
        t
    }
}

/// "2 done, 1 slipped, 1 overdue, 1 on track".
pub fn milestone_summary(s: &StrandView) -> String {
    let count = |f: fn(&MilestoneState) -> bool| s.milestones.iter().filter(|(_, st)| f(st)).count();
    let parts = [
        (count(|st| matches!(st, MilestoneState::Done { .. })), "done"),
        (count(|st| *st == MilestoneState::Slipped), "slipped"),
        (count(|st| *st == MilestoneState::Overdue), "overdue"),
        (count(|st| *st == MilestoneState::OnTrack), "on track"),
    ];
    let words: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, w)| format!("{n} {w}")).collect();
    if words.is_empty() { "None".into() } else { words.join(", ") }
}

/// "Requests received: 41 when signed off, 42 now".
pub fn changed_text(c: &Changed) -> String {
    let v = |x: Option<f64>| x.map_or("undefined".to_string(), |x| format!("{}", (x * 10.0).round() / 10.0));
    format!("{}: {} when signed off, {} now", c.figure, v(c.was), v(c.now))
}
