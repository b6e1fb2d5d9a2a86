//! The rest of the board paper (issue 22), as pure rules over the records: supplied
//! indicators with their arrows, targets, comparators and staleness; surveys too small to
//! report; the improvement plan's strands with their RAG history and what their milestones
//! suggest; quality audits by section of the framework; and figures that changed after a
//! section of the pack was signed off.

use crate::codes::{AuditGrade, Frequency, Rag};
use crate::dates::Month;
use crate::measures::presentation::{AgainstTarget, Arrow, Verdict, against_target, benchmarks_for, target_for, trend};
use crate::records::{
    Benchmark, BoardAction, Casework, Indicator, IndicatorValue, Milestone, MilestoneState, Strand, StrandKpi,
    StrandRating,
};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Months from `a` to `b` (negative when `b` is earlier).
pub fn months_between(a: Month, b: Month) -> i32 {
    (i32::from(b.year()) * 12 + i32::from(b.month())) - (i32::from(a.year()) * 12 + i32::from(a.month()))
}

/// Whether an indicator is overdue in `month`: nothing has been received, or the latest period
/// received is more than one period of its frequency behind `month` (a monthly figure for
/// October is due by the end of November; a quarterly one for September by the end of
/// December). A partner a whole period late is "not received since" its latest period.
pub fn is_overdue(frequency: Frequency, latest: Option<Month>, month: Month) -> bool {
    latest.is_none_or(|p| months_between(p, month) > frequency.months())
}

/// Whether a survey value has too few responses to report: the indicator sets a minimum and
/// the value's responses (or, when not given, its denominator) fall short of it.
pub fn too_few_responses(indicator: &Indicator, value: &IndicatorValue) -> bool {
    let Some(minimum) = indicator.minimum_responses else { return false };
    let answered = value.responses.map(f64::from).or(value.denominator);
    answered.is_none_or(|n| n < f64::from(minimum))
}

/// A supplied indicator over the months of a scorecard.
#[derive(Debug, Clone)]
pub struct SuppliedLine<'a> {
    pub indicator: &'a Indicator,
    /// For each month: the value received for the period ending that month.
    pub cells: Vec<(Month, Option<&'a IndicatorValue>)>,
    /// The latest value received for a period ending on or before the last month.
    pub latest: Option<&'a IndicatorValue>,
    /// The latest against the value of the period before it.
    pub trend: Option<(Arrow, Verdict)>,
    pub target: Option<AgainstTarget>,
    pub benchmarks: Vec<Benchmark>,
    /// Nothing received for a period that should have been by the last month.
    pub overdue: bool,
    /// The latest value has too few responses to report (surveys).
    pub too_few: bool,
}

impl SuppliedLine<'_> {
    /// The value shown: `None` when none was received or it has too few responses.
    pub fn shown(&self) -> Option<f64> {
        self.latest.filter(|_| !self.too_few).map(|v| v.value)
    }

    /// "Supplied by X, received on D" (or why not).
    pub fn provenance(&self) -> String {
        match self.latest {
            Some(v) => format!(
                "Supplied by {}, received on {} (for {})",
                self.indicator.supplier,
                crate::dates::in_words(v.received_on),
                v.period.long_name()
            ),
            None => format!("Supplied by {}; nothing received yet", self.indicator.supplier),
        }
    }

    /// The flag when overdue: "CAMHS data not received since June 2020".
    pub fn overdue_flag(&self) -> Option<String> {
        self.overdue.then(|| match self.latest {
            Some(v) => format!("{} data not received since {}", self.indicator.supplier, v.period.long_name()),
            None => format!("{} data never received", self.indicator.supplier),
        })
    }
}

/// Every supplied indicator over `months` (oldest first), in the order defined.
pub fn supplied<'a>(cw: &'a Casework, months: &[Month]) -> Vec<SuppliedLine<'a>> {
    let Some(&last) = months.last() else { return Vec::new() };
    let mut by_indicator: BTreeMap<&str, Vec<&IndicatorValue>> = BTreeMap::new();
    for v in &cw.indicator_values {
        by_indicator.entry(v.indicator_id.as_str()).or_default().push(v);
    }
    cw.indicators
        .iter()
        .map(|indicator| {
            let mut values: Vec<&IndicatorValue> = by_indicator
                .get(indicator.indicator_id.as_str())
                .map(|v| v.iter().copied().filter(|v| v.period <= last).collect())
                .unwrap_or_default();
            values.sort_by_key(|v| v.period);
            let cells = months.iter().map(|&m| (m, values.iter().copied().find(|v| v.period == m))).collect();
            let latest = values.last().copied();
            let too_few = latest.is_some_and(|v| too_few_responses(indicator, v));
            let reportable = |v: &IndicatorValue| !too_few_responses(indicator, v);
            let shown = latest.filter(|v| reportable(v)).map(|v| v.value);
            let before = values.iter().rev().nth(1).filter(|v| reportable(v)).map(|v| v.value);
            let target = shown.and(latest).and_then(|v| {
                target_for(indicator, &cw.targets, v.period).map(|t| against_target(indicator, t, shown))
            });
            let benchmarks = latest
                .map(|v| benchmarks_for(indicator, &cw.benchmarks, v.period).into_iter().cloned().collect())
                .unwrap_or_default();
            SuppliedLine {
                indicator,
                cells,
                latest,
                trend: trend(indicator, before, shown),
                target,
                benchmarks,
                overdue: is_overdue(indicator.frequency, latest.map(|v| v.period), last),
                too_few,
            }
        })
        .collect()
}

/// A strand of the improvement plan as it stands on a day.
#[derive(Debug, Clone)]
pub struct StrandView<'a> {
    pub strand: &'a Strand,
    /// Its ratings up to the day, oldest first; the last is the current one.
    pub ratings: Vec<&'a StrandRating>,
    pub milestones: Vec<(&'a Milestone, MilestoneState)>,
    pub actions: Vec<&'a BoardAction>,
    pub kpis: Vec<&'a StrandKpi>,
}

impl<'a> StrandView<'a> {
    pub fn current(&self) -> Option<&'a StrandRating> {
        self.ratings.last().copied()
    }

    /// The rating before the current one, for "moved to amber from green".
    pub fn previous(&self) -> Option<&'a StrandRating> {
        self.ratings.iter().rev().nth(1).copied()
    }

    /// What the milestones say the rating should be, and why: red with any overdue, amber
    /// with any slipped (or done late), else green.
    pub fn suggested(&self) -> (Rag, String) {
        let count = |state: fn(&MilestoneState) -> bool| self.milestones.iter().filter(|(_, s)| state(s)).count();
        let overdue = count(|s| *s == MilestoneState::Overdue);
        let slipped = count(|s| matches!(s, MilestoneState::Slipped | MilestoneState::Done { late: true }));
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if overdue > 0 {
            (
                Rag::Red,
                format!(
                    "{} past {} date",
                    plural(overdue, "milestone", "milestones"),
                    if overdue == 1 { "its" } else { "their" }
                ),
            )
        } else if slipped > 0 {
            (Rag::Amber, format!("{} slipped", plural(slipped, "milestone", "milestones")))
        } else {
            (Rag::Green, "every milestone on track or done".into())
        }
    }

    /// A line for the tracker: "Moved to amber from green on 3 September 2026: milestones
    /// slipped", or, rated the same since, "Amber since 3 September 2026 (last rated 3 October
    /// 2026): milestones slipped".
    pub fn movement(&self) -> Option<String> {
        let now = self.current()?;
        let rag = now.rag.label().to_lowercase();
        // The rating that began the current run of the same colour, and the one before it.
        let start = self.ratings.iter().rposition(|r| r.rag != now.rag).map_or(0, |k| k + 1);
        // In range: `now` is the last rating, and `start` is at most its index.
        let began = self.ratings[start];
        let from = start.checked_sub(1).map(|k| self.ratings[k].rag.label().to_lowercase());
        let on = crate::dates::in_words;
        Some(match (from, began.rated_on == now.rated_on) {
            (Some(from), true) => format!("Moved to {rag} from {from} on {}: {}", on(now.rated_on), now.reason),
            (None, true) => format!("Rated {rag} on {}: {}", on(now.rated_on), now.reason),
            (_, false) => format!(
                "{} since {} (last rated {}): {}",
                now.rag.label(),
                on(began.rated_on),
                on(now.rated_on),
                now.reason
            ),
        })
    }
}

/// The improvement plan's strands as they stood at the end of `day`, in the order defined.
pub fn tracker(cw: &Casework, day: Date) -> Vec<StrandView<'_>> {
    cw.strands
        .iter()
        .map(|strand| {
            let mine = |id: &str| id == strand.strand_id;
            let mut ratings: Vec<&StrandRating> =
                cw.strand_ratings.iter().filter(|r| mine(&r.strand_id) && r.rated_on <= day).collect();
            ratings.sort_by_key(|r| r.rated_on);
            let mut milestones: Vec<(&Milestone, MilestoneState)> =
                cw.milestones.iter().filter(|m| mine(&m.strand_id)).map(|m| (m, m.state(day))).collect();
            milestones.sort_by_key(|(m, _)| (m.due(), m.milestone_id.clone()));
            let mut actions: Vec<&BoardAction> = cw.board_actions.iter().filter(|a| mine(&a.strand_id)).collect();
            actions.sort_by_key(|a| (a.due_on, a.action_id.clone()));
            let kpis = cw.strand_kpis.iter().filter(|k| mine(&k.strand_id)).collect();
            StrandView { strand, ratings, milestones, actions, kpis }
        })
        .collect()
}

/// One section of the audit framework over a span of days: how many audits answered it and how
/// many met the standard in it (every question of the section answered `good` or better).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionResult {
    pub section: String,
    pub audits: usize,
    pub meeting: usize,
}

impl SectionResult {
    pub fn pct(&self) -> Option<f64> {
        (self.audits > 0).then(|| self.meeting as f64 * 100.0 / self.audits as f64)
    }
}

/// Audits with audited_on from `from` to `to`, by section of the framework (in the order the
/// sections first appear in audit_questions.csv).
pub fn audit_sections(cw: &Casework, from: Date, to: Date) -> Vec<SectionResult> {
    let section_of: std::collections::HashMap<&str, &str> =
        cw.audit_questions.iter().map(|q| (q.question_id.as_str(), q.section.as_str())).collect();
    let in_span: std::collections::HashSet<&str> = cw
        .quality_audits
        .iter()
        .filter(|a| a.audited_on >= from && a.audited_on <= to)
        .map(|a| a.audit_id.as_str())
        .collect();
    // (section, audit) → every answer in it meets the standard.
    let mut answered: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for x in cw.audit_answers.iter().filter(|x| in_span.contains(x.audit_id.as_str())) {
        let Some(&section) = section_of.get(x.question_id.as_str()) else { continue };
        let meets = answered.entry((section, x.audit_id.as_str())).or_insert(true);
        *meets &= x.grade.meets_standard();
    }
    let mut order: Vec<&str> = Vec::new();
    for q in &cw.audit_questions {
        if !order.contains(&q.section.as_str()) {
            order.push(q.section.as_str());
        }
    }
    order
        .into_iter()
        .map(|section| {
            let mine: Vec<bool> = answered.iter().filter(|((s, _), _)| *s == section).map(|(_, &m)| m).collect();
            SectionResult {
                section: section.to_string(),
                audits: mine.len(),
                meeting: mine.iter().filter(|&&m| m).count(),
            }
        })
        .collect()
}

/// How many audits graded each way, from `from` to `to` (the grade that stands).
pub fn audit_grades(cw: &Casework, from: Date, to: Date) -> Vec<(AuditGrade, usize)> {
    AuditGrade::ALL
        .iter()
        .map(|&g| {
            let n = cw
                .quality_audits
                .iter()
                .filter(|a| a.audited_on >= from && a.audited_on <= to && a.final_grade() == g)
                .count();
            (g, n)
        })
        .collect()
}

/// A figure of a signed-off section whose value is not what was signed off.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    pub figure: String,
    pub was: Option<f64>,
    pub now: Option<f64>,
}

/// The figures of `section` for `month` that differ from those recorded at its sign-off
/// (`current`: each figure's label and value now). Nothing when it was not signed off.
pub fn changed_since_sign_off(
    cw: &Casework,
    month: Month,
    section: &str,
    current: &[(String, Option<f64>)],
) -> Vec<Changed> {
    let same = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    };
    cw.signed_figures
        .iter()
        .filter(|f| f.month == month && f.section == section)
        .filter_map(|f| {
            let now = current.iter().find(|(label, _)| *label == f.figure).and_then(|(_, v)| *v);
            (!same(f.value, now)).then(|| Changed { figure: f.figure.clone(), was: f.value, now })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::records::*;
    use jiff::civil::date;

    fn month(y: i16, m: i8) -> Month {
        Month::new(y, m).unwrap()
    }

    fn indicator(id: &str, frequency: Frequency, minimum: Option<u32>) -> Indicator {
        Indicator {
            indicator_id: id.into(),
            title: id.into(),
            unit: IndicatorUnit::Percent,
            better: Some(BetterWay::Up),
            supplier: "CAMHS".into(),
            frequency,
            minimum_responses: minimum,
        }
    }

    fn value(id: &str, period: Month, v: f64) -> IndicatorValue {
        IndicatorValue {
            indicator_id: id.into(),
            period,
            value: v,
            numerator: None,
            denominator: None,
            received_on: period.last_day(),
            note: None,
            responses: None,
        }
    }

    #[test]
    fn an_indicator_is_overdue_a_whole_period_after_its_latest() {
        let nov = month(2026, 11);
        assert!(!is_overdue(Frequency::Monthly, Some(month(2026, 10)), nov));
        assert!(is_overdue(Frequency::Monthly, Some(month(2026, 9)), nov));
        assert!(!is_overdue(Frequency::Quarterly, Some(month(2026, 9)), month(2026, 12)));
        assert!(is_overdue(Frequency::Quarterly, Some(month(2026, 9)), month(2027, 1)));
        assert!(!is_overdue(Frequency::Termly, Some(month(2026, 7)), nov));
        assert!(is_overdue(Frequency::Termly, Some(month(2026, 7)), month(2026, 12)));
        assert!(!is_overdue(Frequency::Yearly, Some(month(2025, 11)), nov));
        assert!(is_overdue(Frequency::Yearly, Some(month(2025, 10)), nov));
        assert!(is_overdue(Frequency::Monthly, None, nov));
    }

    #[test]
    fn a_supplied_line_has_arrows_targets_and_the_overdue_flag() {
        let mut cw = Casework::default();
        cw.indicators.push_back(indicator("camhs", Frequency::Monthly, None));
        cw.indicator_values.push_back(value("camhs", month(2020, 5), 40.0));
        cw.indicator_values.push_back(value("camhs", month(2020, 6), 45.0));
        cw.targets.push_back(Target { measure: "camhs".into(), target: 50.0, due_on: None });
        let months: Vec<Month> = month(2020, 1).through(month(2020, 12)).collect();
        let lines = supplied(&cw, &months);
        let line = &lines[0];
        assert_eq!(line.shown(), Some(45.0));
        assert_eq!(line.trend, Some((Arrow::Up, Verdict::Good)));
        assert_eq!(line.target.map(|t| (t.met, t.short_by)), Some((Some(false), 5.0)));
        assert_eq!(line.overdue_flag().as_deref(), Some("CAMHS data not received since June 2020"));
        assert_eq!(line.cells.iter().filter(|(_, v)| v.is_some()).count(), 2);
        // In July, June's figure is not yet late.
        let july: Vec<Month> = month(2020, 1).through(month(2020, 7)).collect();
        assert!(!supplied(&cw, &july)[0].overdue);
        // A value for a later period than the range is not read.
        cw.indicator_values.push_back(value("camhs", month(2021, 1), 99.0));
        assert_eq!(supplied(&cw, &months)[0].shown(), Some(45.0));
    }

    #[test]
    fn a_survey_with_too_few_responses_is_not_reported() {
        let mut cw = Casework::default();
        cw.indicators.push_back(indicator("survey", Frequency::Termly, Some(30)));
        cw.indicator_values.push_back(IndicatorValue { responses: Some(80), ..value("survey", month(2026, 3), 70.0) });
        cw.indicator_values.push_back(IndicatorValue { responses: Some(12), ..value("survey", month(2026, 7), 90.0) });
        cw.targets.push_back(Target { measure: "survey".into(), target: 75.0, due_on: None });
        let months: Vec<Month> = month(2026, 1).through(month(2026, 8)).collect();
        let line = &supplied(&cw, &months)[0];
        assert!(line.too_few);
        assert_eq!(line.shown(), None);
        assert_eq!(line.trend, None, "no arrow from a value too small to report");
        assert!(line.target.is_none());
        // With enough answers it is reported, and the denominator stands in for responses.
        let enough = IndicatorValue { denominator: Some(40.0), ..value("survey", month(2026, 7), 80.0) };
        assert!(!too_few_responses(&cw.indicators[0], &enough));
        assert!(too_few_responses(&cw.indicators[0], &value("survey", month(2026, 7), 80.0)));
    }

    fn milestone(id: &str, due: Date, revised: Option<Date>, done: Option<Date>) -> Milestone {
        Milestone {
            milestone_id: id.into(),
            strand_id: "s1".into(),
            title: id.into(),
            due_on: due,
            revised_due_on: revised,
            slip_reason: revised.map(|_| "waiting for the new system".into()),
            done_on: done,
        }
    }

    #[test]
    fn milestones_and_the_rag_history_make_the_tracker() {
        let mut cw = Casework::default();
        cw.strands.push_back(Strand {
            strand_id: "s1".into(),
            title: "Timeliness".into(),
            owner: "Head of SEND".into(),
        });
        let rating = |on: Date, rag: Rag, reason: &str| StrandRating {
            strand_id: "s1".into(),
            rated_on: on,
            rag,
            reason: reason.into(),
            rated_by: None,
        };
        cw.strand_ratings.push_back(rating(date(2026, 10, 1), Rag::Amber, "milestones slipped"));
        cw.strand_ratings.push_back(rating(date(2026, 6, 1), Rag::Green, "on track"));
        cw.milestones.push_back(milestone("m1", date(2026, 9, 30), Some(date(2026, 12, 31)), None));
        cw.milestones.push_back(milestone("m2", date(2026, 6, 30), None, Some(date(2026, 6, 20))));
        let view = &tracker(&cw, date(2026, 11, 30))[0];
        assert_eq!(view.ratings.iter().map(|r| r.rag).collect::<Vec<_>>(), [Rag::Green, Rag::Amber]);
        assert_eq!(view.movement().as_deref(), Some("Moved to amber from green on 1 October 2026: milestones slipped"));
        assert_eq!(view.suggested(), (Rag::Amber, "1 milestone slipped".into()));
        // Rated amber again: amber since the move, with the last rating's reason.
        cw.strand_ratings.push_back(rating(date(2026, 11, 2), Rag::Amber, "still waiting"));
        assert_eq!(
            tracker(&cw, date(2026, 11, 30))[0].movement().as_deref(),
            Some("Amber since 1 October 2026 (last rated 2 November 2026): still waiting")
        );
        // Before October the history holds only the green rating.
        assert_eq!(tracker(&cw, date(2026, 9, 1))[0].current().map(|r| r.rag), Some(Rag::Green));
        // Past its new date, the slipped milestone is overdue and the strand should be red.
        let later = &tracker(&cw, date(2027, 1, 5))[0];
        assert_eq!(later.milestones[1].1, MilestoneState::Overdue);
        assert_eq!(later.suggested().0, Rag::Red);
        assert_eq!(
            milestone("m3", date(2026, 1, 1), None, Some(date(2026, 2, 1))).state(date(2026, 3, 1)),
            MilestoneState::Done { late: true }
        );
    }

    #[test]
    fn audits_meet_the_standard_by_section() {
        let mut cw = Casework::default();
        for (q, section) in [("q1", "Outcomes"), ("q2", "Outcomes"), ("q3", "Provision")] {
            cw.audit_questions.push_back(AuditQuestion {
                question_id: q.into(),
                section: section.into(),
                question: q.into(),
            });
        }
        let audit = |id: &str, on: Date| QualityAudit {
            audit_id: id.into(),
            child_id: "C1".into(),
            subject: AuditSubject::Plan,
            subject_id: "P1".into(),
            auditor: "S1".into(),
            audited_on: on,
            grade: AuditGrade::Good,
            moderator: None,
            moderated_on: None,
            moderated_grade: None,
        };
        cw.quality_audits.push_back(audit("a1", date(2026, 11, 3)));
        cw.quality_audits.push_back(audit("a2", date(2026, 11, 4)));
        cw.quality_audits.push_back(audit("a3", date(2026, 10, 4)));
        let answer = |a: &str, q: &str, grade| AuditAnswer { audit_id: a.into(), question_id: q.into(), grade };
        for x in [
            answer("a1", "q1", AuditGrade::Good),
            answer("a1", "q2", AuditGrade::Inadequate),
            answer("a1", "q3", AuditGrade::Outstanding),
            answer("a2", "q1", AuditGrade::Good),
            answer("a2", "q2", AuditGrade::Good),
            answer("a3", "q1", AuditGrade::Inadequate),
        ] {
            cw.audit_answers.push_back(x);
        }
        let sections = audit_sections(&cw, date(2026, 11, 1), date(2026, 11, 30));
        assert_eq!(
            sections,
            [
                SectionResult { section: "Outcomes".into(), audits: 2, meeting: 1 },
                SectionResult { section: "Provision".into(), audits: 1, meeting: 1 },
            ]
        );
        assert_eq!(sections[0].pct(), Some(50.0));
    }

    #[test]
    fn a_figure_changed_after_sign_off_is_listed_with_both_values() {
        let mut cw = Casework::default();
        let m = month(2026, 11);
        let signed =
            |figure: &str, value| SignedFigure { month: m, section: "requests".into(), figure: figure.into(), value };
        cw.signed_figures.push_back(signed("Requests received", Some(41.0)));
        cw.signed_figures.push_back(signed("Within 6 weeks (%)", Some(50.0)));
        cw.signed_figures.push_back(signed("Agreed (%)", None));
        let now = vec![
            ("Requests received".to_string(), Some(42.0)),
            ("Within 6 weeks (%)".to_string(), Some(50.0)),
            ("Agreed (%)".to_string(), None),
        ];
        assert_eq!(
            changed_since_sign_off(&cw, m, "requests", &now),
            [Changed { figure: "Requests received".into(), was: Some(41.0), now: Some(42.0) }]
        );
        assert!(changed_since_sign_off(&cw, m, "advice", &now).is_empty());
        assert!(changed_since_sign_off(&cw, m.plus(-1), "requests", &now).is_empty());
    }
}
