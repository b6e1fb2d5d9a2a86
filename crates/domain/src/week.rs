//! A caseworker's week (issue 17): every statutory step on the cases a person (or team) holds
//! that is overdue or falls due today, this week or next week, from the clock; review meetings
//! falling due in the next 8 weeks (so that the 2 weeks' notice and the circulation of advice
//! can be planned) and phase transfers whose deadline is within 12 weeks.

use crate::clock::{
    AdviceStatus, RequestStage, RequestStatus, ReviewState, advice_status, decision_due, final_plan_due,
    phase_transfer_deadline, plan_review_status, request_status, review_finalised_on,
};
use crate::dates::add_days;
use crate::records::{Casework, Review};
use jiff::civil::{Date, Weekday};
use std::collections::HashMap;

/// What a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    Decision,
    Advice,
    Draft,
    FinalPlan,
    ReviewMeeting,
    ReviewDecision,
    AmendedPlan,
    PhaseTransfer,
    /// The person's own dated to-do on a child.
    Task,
}

impl StepKind {
    pub const ALL: [StepKind; 9] = [
        StepKind::Decision,
        StepKind::Advice,
        StepKind::Draft,
        StepKind::FinalPlan,
        StepKind::ReviewMeeting,
        StepKind::ReviewDecision,
        StepKind::AmendedPlan,
        StepKind::PhaseTransfer,
        StepKind::Task,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StepKind::Decision => "decision",
            StepKind::Advice => "advice",
            StepKind::Draft => "draft",
            StepKind::FinalPlan => "final_plan",
            StepKind::ReviewMeeting => "review_meeting",
            StepKind::ReviewDecision => "review_decision",
            StepKind::AmendedPlan => "amended_plan",
            StepKind::PhaseTransfer => "phase_transfer",
            StepKind::Task => "task",
        }
    }

    pub fn parse(code: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The step in words, as the caseworker does it.
    pub fn words(self) -> &'static str {
        match self {
            StepKind::Decision => "Decide whether to assess",
            StepKind::Advice => "Chase advice",
            StepKind::Draft => "Send the draft plan (15 days for comments before week 20)",
            StepKind::FinalPlan => "Issue the final plan",
            StepKind::ReviewMeeting => "Annual review meeting falls due",
            StepKind::ReviewDecision => "Notify the decision after the review",
            StepKind::AmendedPlan => "Issue the amended plan",
            StepKind::PhaseTransfer => "Finalise the phase transfer",
            StepKind::Task => "Task",
        }
    }

    /// The step in a few words, for a table's row heading.
    pub fn short(self) -> &'static str {
        match self {
            StepKind::Decision => "Decisions",
            StepKind::Advice => "Advice to chase",
            StepKind::Draft => "Drafts to send",
            StepKind::FinalPlan => "Final plans",
            StepKind::ReviewMeeting => "Review meetings",
            StepKind::ReviewDecision => "Review decisions",
            StepKind::AmendedPlan => "Amended plans",
            StepKind::PhaseTransfer => "Phase transfers",
            StepKind::Task => "Own tasks",
        }
    }

    /// How far ahead the step is listed: to the end of next week, or (meetings) 8 weeks and
    /// (phase transfers) 12 weeks ahead.
    fn horizon(self, date: Date) -> Date {
        match self {
            StepKind::ReviewMeeting => add_days(date, 56),
            StepKind::PhaseTransfer => add_days(date, 84),
            _ => end_of_next_week(date),
        }
    }
}

/// When a step falls due, against the day it is looked at (weeks run Monday to Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum When {
    Overdue,
    Today,
    ThisWeek,
    NextWeek,
    Later,
}

impl When {
    pub const ALL: [When; 5] = [When::Overdue, When::Today, When::ThisWeek, When::NextWeek, When::Later];

    pub fn of(due: Date, date: Date) -> When {
        let sunday = add_days(date, i64::from(7 - date.weekday().to_monday_one_offset()));
        if due < date {
            When::Overdue
        } else if due == date {
            When::Today
        } else if due <= sunday {
            When::ThisWeek
        } else if due <= add_days(sunday, 7) {
            When::NextWeek
        } else {
            When::Later
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            When::Overdue => "Overdue",
            When::Today => "Today",
            When::ThisWeek => "This week",
            When::NextWeek => "Next week",
            When::Later => "Later",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            When::Overdue => "overdue",
            When::Today => "today",
            When::ThisWeek => "this_week",
            When::NextWeek => "next_week",
            When::Later => "later",
        }
    }
}

/// The Sunday that ends the week after the one containing `date`.
fn end_of_next_week(date: Date) -> Date {
    debug_assert!(Weekday::Sunday.to_monday_one_offset() == 7);
    add_days(date, i64::from(7 - date.weekday().to_monday_one_offset()) + 7)
}

/// One step due on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueStep {
    pub kind: StepKind,
    pub due: Date,
    pub child_id: String,
    /// The request, advice, plan or review the step is on.
    pub record_id: String,
    /// Who the advice is asked of (advice only).
    pub provider: Option<String>,
    /// What to do, in the person's words (tasks only).
    pub note: Option<String>,
    /// The case's holder.
    pub caseworker: Option<String>,
}

impl DueStep {
    pub fn when(&self, date: Date) -> When {
        When::of(self.due, date)
    }
}

/// Every step at the end of `date` on the cases whose holder `holds` accepts (an open
/// request's caseworker; a plan's own caseworker, else its request's), soonest first.
pub fn steps_due(cw: &Casework, date: Date, holds: &dyn Fn(Option<&str>) -> bool) -> Vec<DueStep> {
    let mut steps = Vec::new();
    let mut push =
        |kind: StepKind, due: Date, child: &str, record: &str, provider: Option<&str>, holder: Option<&str>| {
            if due <= kind.horizon(date) {
                steps.push(DueStep {
                    kind,
                    due,
                    child_id: child.to_string(),
                    record_id: record.to_string(),
                    provider: provider.map(str::to_string),
                    note: None,
                    caseworker: holder.map(str::to_string),
                });
            }
        };
    let mut requests = HashMap::new();
    for r in &cw.requests {
        requests.insert(r.request_id.as_str(), r);
        let holder = r.caseworker.as_deref();
        if !holds(holder) {
            continue;
        }
        let RequestStatus::Open { stage, .. } = request_status(r, date) else { continue };
        match stage {
            RequestStage::AwaitingDecision => {
                push(StepKind::Decision, decision_due(r.received_on), &r.child_id, &r.request_id, None, holder)
            }
            RequestStage::Assessing => {
                let final_due = final_plan_due(r.received_on);
                if r.draft_issued_on.is_none_or(|d| d > date) {
                    push(StepKind::Draft, add_days(final_due, -15), &r.child_id, &r.request_id, None, holder);
                }
                push(StepKind::FinalPlan, final_due, &r.child_id, &r.request_id, None, holder);
            }
        }
    }
    for a in &cw.advice {
        let Some(r) = requests.get(a.request_id.as_str()) else { continue };
        if !holds(r.caseworker.as_deref()) {
            continue;
        }
        if let AdviceStatus::Outstanding(deadline) = advice_status(a, r, date) {
            let provider = a.provider.as_deref();
            push(StepKind::Advice, deadline.due, &r.child_id, &a.advice_id, provider, r.caseworker.as_deref());
        }
    }
    let mut reviews: HashMap<&str, Vec<&Review>> = HashMap::new();
    for v in &cw.reviews {
        reviews.entry(v.plan_id.as_str()).or_default().push(v);
    }
    for p in &cw.plans {
        let holder = p.holder(|r| requests.get(r)?.caseworker.as_deref());
        if !holds(holder) {
            continue;
        }
        let own = reviews.get(p.plan_id.as_str()).map_or(&[][..], Vec::as_slice);
        let Some(status) = plan_review_status(p, own, date) else { continue };
        let kind = match status.state {
            ReviewState::AwaitingMeeting => StepKind::ReviewMeeting,
            ReviewState::AwaitingDecision => StepKind::ReviewDecision,
            ReviewState::InAmendment => StepKind::AmendedPlan,
        };
        push(kind, status.deadline.due, &p.child_id, &p.plan_id, None, holder);
        // A phase transfer reviewed and not yet finalised.
        for v in own {
            let (Some(transfer), Some(meeting)) = (v.phase_transfer, v.meeting_on) else { continue };
            if meeting > date || review_finalised_on(v).is_some_and(|f| f <= date) {
                continue;
            }
            let deadline = phase_transfer_deadline(transfer, meeting);
            // Only this academic year's transfer: one whose deadline passed long ago is history.
            if deadline >= add_days(date, -365) {
                push(StepKind::PhaseTransfer, deadline, &p.child_id, &v.review_id, None, holder);
            }
        }
    }
    for t in cw.tasks.iter().filter(|t| t.done_on.is_none_or(|d| d > date)) {
        let holder = t.caseworker.as_deref();
        if holds(holder) && t.due_on <= StepKind::Task.horizon(date) {
            steps.push(DueStep {
                kind: StepKind::Task,
                due: t.due_on,
                child_id: t.child_id.to_string(),
                record_id: t.task_id.to_string(),
                provider: None,
                note: Some(t.what.clone()),
                caseworker: holder.map(str::to_string),
            });
        }
    }
    steps.sort_by(|a, b| a.due.cmp(&b.due).then(a.kind.cmp(&b.kind)).then_with(|| a.record_id.cmp(&b.record_id)));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::records::*;
    use jiff::civil::date;

    // Wednesday 2 December 2026: this week runs to Sunday 6 December, next week to the 13th.
    const TODAY: Date = date(2026, 12, 2);

    #[test]
    fn weeks_run_monday_to_sunday() {
        assert_eq!(When::of(date(2026, 12, 1), TODAY), When::Overdue);
        assert_eq!(When::of(TODAY, TODAY), When::Today);
        assert_eq!(When::of(date(2026, 12, 6), TODAY), When::ThisWeek);
        assert_eq!(When::of(date(2026, 12, 7), TODAY), When::NextWeek);
        assert_eq!(When::of(date(2026, 12, 13), TODAY), When::NextWeek);
        assert_eq!(When::of(date(2026, 12, 14), TODAY), When::Later);
        // On a Sunday, "this week" is that day only; next week is the coming Monday to Sunday.
        let sunday = date(2026, 12, 6);
        assert_eq!(When::of(date(2026, 12, 7), sunday), When::NextWeek);
        assert_eq!(When::of(date(2026, 12, 13), sunday), When::NextWeek);
        assert_eq!(When::of(date(2026, 12, 14), sunday), When::Later);
    }

    fn held(id: &str, child: &str, received: Date, caseworker: &str) -> Request {
        Request { caseworker: Some(caseworker.into()), ..crate::testing::request(id, child, received) }
    }

    #[test]
    fn each_step_due_on_a_persons_cases_and_nobody_elses() {
        // Decision due 6 weeks after 2026-10-22 = 2026-12-03 (this week).
        let awaiting = held("R1", "C1", date(2026, 10, 22), "cw001");
        // Assessing since August: final plan due 20 weeks after 2026-07-23 = 2026-12-10 (next
        // week); the draft 15 days before, 2026-11-25 (overdue).
        let mut assessing = held("R2", "C2", date(2026, 7, 23), "cw001");
        assessing.decision = Some(Dated::new(AssessmentDecision::Assess, date(2026, 8, 20)));
        // Someone else's request: not listed.
        let other = held("R3", "C3", date(2026, 10, 22), "cw002");
        let advice = Advice {
            provider: Some("County EP Service".into()),
            ..crate::testing::advice("A1", "R2", AdviceKind::EducationalPsychology, date(2026, 10, 22))
        };
        // A plan held by cw001 itself, issued 2026-01-20: its first review meeting is due
        // 2027-01-19, within 8 weeks.
        let mut plan = crate::testing::plan("P1", "C4", date(2026, 1, 20));
        plan.caseworker = Some("cw001".into());
        // A plan from R3 (cw002's) but held by nobody else: cw002's.
        let mut theirs = crate::testing::plan("P2", "C3", date(2026, 1, 20));
        theirs.request_id = Some("R3".into());
        // A phase transfer reviewed in October 2026, not finalised: due 2027-02-14 (11 weeks).
        let mut transfer = crate::testing::plan("P3", "C5", date(2020, 1, 10));
        transfer.caseworker = Some("cw001".into());
        let review = Review {
            review_id: "V1".into(),
            plan_id: "P3".into(),
            meeting_on: Some(date(2026, 10, 5)),
            decision: None,
            amended_on: None,
            phase_transfer: Some(PhaseTransfer::School),
        };
        let cw = Casework {
            requests: imbl::vector![awaiting, assessing, other],
            advice: imbl::vector![advice],
            plans: imbl::vector![plan, theirs, transfer],
            reviews: imbl::vector![review],
            tasks: imbl::vector![
                Task {
                    task_id: "T1".into(),
                    child_id: "C1".into(),
                    caseworker: Some("cw001".into()),
                    due_on: date(2026, 12, 4),
                    what: "Phone the school".into(),
                    done_on: None,
                },
                // Done: not listed.
                Task {
                    task_id: "T2".into(),
                    child_id: "C1".into(),
                    caseworker: Some("cw001".into()),
                    due_on: date(2026, 12, 1),
                    what: "Send the letter".into(),
                    done_on: Some(date(2026, 12, 1)),
                },
            ],
            ..Casework::default()
        };
        let mine = steps_due(&cw, TODAY, &|h| h == Some("cw001"));
        let seen: Vec<(StepKind, &str, Date, When)> =
            mine.iter().map(|s| (s.kind, s.record_id.as_str(), s.due, s.when(TODAY))).collect();
        assert_eq!(
            seen,
            [
                (StepKind::ReviewDecision, "P3", date(2026, 11, 2), When::Overdue),
                (StepKind::Draft, "R2", date(2026, 11, 25), When::Overdue),
                (StepKind::Decision, "R1", date(2026, 12, 3), When::ThisWeek),
                (StepKind::Advice, "A1", date(2026, 12, 3), When::ThisWeek),
                (StepKind::Task, "T1", date(2026, 12, 4), When::ThisWeek),
                (StepKind::FinalPlan, "R2", date(2026, 12, 10), When::NextWeek),
                (StepKind::ReviewMeeting, "P1", date(2027, 1, 19), When::Later),
                (StepKind::PhaseTransfer, "V1", date(2027, 2, 14), When::Later),
            ]
        );
        assert_eq!(
            mine.iter().find(|s| s.kind == StepKind::Advice).unwrap().provider.as_deref(),
            Some("County EP Service")
        );
        let theirs = steps_due(&cw, TODAY, &|h| h == Some("cw002"));
        // P2 is held through its request R3: its meeting, due 2027-01-19, is within 8 weeks.
        assert_eq!(theirs.iter().map(|s| s.record_id.as_str()).collect::<Vec<_>>(), ["R3", "P2"]);
    }
}
