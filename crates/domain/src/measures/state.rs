//! The caseload as it stood at a month end, record by record, for the forecast (issue 21): the
//! plans in force with their holder's birth date, need, setting and next review, the requests
//! still open, and the work done in a span of months. Everything here reads only what is dated
//! on or before the day asked about, so a forecast from an earlier month uses nothing later.

use super::engine::{Engine, is_assessment, is_plan};
use crate::clock::{RequestStage, ReviewState, review_due, review_status_at};
use crate::codes::{AssessmentDecision, Need, ReviewDecision, Setting};
use crate::dates::Month;
use jiff::civil::Date;

/// A plan in force at a month end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanInForce {
    /// The plan's place in the records, the same at every month end: a plan is followed from
    /// one month to another by it.
    pub index: u32,
    /// The holder's date of birth, when the child is held.
    pub born: Option<Date>,
    pub need: Option<Need>,
    pub setting: Option<Setting>,
    pub issued_on: Date,
    /// Where its annual review stands, and the day the next step is due.
    pub review_state: ReviewState,
    pub review_step_due: Date,
    /// The latest review meeting held, if any.
    pub last_meeting: Option<Date>,
}

/// A request still open at a month end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenRequest {
    pub received_on: Date,
    pub stage: RequestStage,
}

/// A plan ceased in a month, with its holder's birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CeasedPlan {
    pub born: Option<Date>,
    pub ceased_on: Date,
}

/// The casework completed over a span of months: what a time-and-motion model prices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkDone {
    /// Decisions whether to assess notified.
    pub decisions: u32,
    /// Of those, decisions to assess.
    pub to_assess: u32,
    /// Assessments completed (a plan issued, or a decision not to issue one).
    pub assessments: u32,
    pub plans_issued: u32,
    /// Annual reviews whose decision was notified.
    pub reviews: u32,
    /// Plans amended after a review.
    pub amendments: u32,
}

impl<'a> Engine<'a> {
    /// The months from the first request received to `last`, in order; empty when no request
    /// was received by then.
    pub fn months_to(&self, last: Month) -> Vec<Month> {
        let first = self.cw.requests.iter().map(|r| r.received_on).min();
        first.map(|f| Month::containing(f).through(last).collect()).unwrap_or_default()
    }

    /// The plans in force at the end of `month` (or today, for the month to date).
    pub fn plans_in_force(&self, month: Month) -> Vec<PlanInForce> {
        let date = self.end_of(month);
        self.month_plans(month)
            .map(|p| {
                let dates = self.plan_dates[p.plan as usize];
                let status = review_status_at(dates.issued_on, self.meetings_of(p.plan), date);
                PlanInForce {
                    index: p.plan,
                    born: self.child_born(dates.child),
                    need: p.need,
                    setting: p.setting,
                    issued_on: dates.issued_on,
                    review_state: status.state,
                    review_step_due: status.deadline.due,
                    last_meeting: status.last_meeting,
                }
            })
            .collect()
    }

    /// The requests open at the end of `month`.
    pub fn requests_open(&self, month: Month) -> Vec<OpenRequest> {
        self.month_open_requests(month)
            .map(|(i, stage)| OpenRequest { received_on: self.cw.requests[i as usize].received_on, stage })
            .collect()
    }

    /// The plans ceased in `month`.
    pub fn plans_ceased_in(&self, month: Month) -> Vec<CeasedPlan> {
        Engine::in_month(&self.events.ceased, month)
            .filter_map(|i| {
                let dates = self.plan_dates[i as usize];
                Some(CeasedPlan { born: self.child_born(dates.child), ceased_on: dates.ceased_on? })
            })
            .collect()
    }

    /// How many annual reviews fell due in each month: each plan's review cycle (12 months from
    /// its issue, then from each meeting) counted once, in the month its meeting was held when
    /// held before the due date, else in the month of the due date; counted while the plan was
    /// in force, and only up to today when the engine has one. Months with none are left out.
    /// Each month's count is split by how many months early the meeting was held: `[0]` in the
    /// month due, `[j]` j months early, `[3]` three or more.
    pub fn reviews_falling_due(&self) -> std::collections::BTreeMap<Month, [u32; 4]> {
        let mut due = std::collections::BTreeMap::new();
        for (i, dates) in self.plan_dates.iter().enumerate() {
            let in_force = |d: Date| dates.issued_on <= d && dates.ceased_on.is_none_or(|c| c > d);
            let meetings = self.meetings_of(i as u32);
            let starts = std::iter::once(dates.issued_on).chain(meetings.iter().map(|m| m.meeting_on));
            for (k, start) in starts.enumerate() {
                let on = review_due(start);
                let when = meetings.get(k).map_or(on, |next| next.meeting_on.min(on));
                if in_force(when) && self.today.is_none_or(|t| when <= t) {
                    let (held, falls) = (Month::containing(when), Month::containing(on));
                    let early = (i32::from(falls.year()) - i32::from(held.year())) * 12 + i32::from(falls.month())
                        - i32::from(held.month());
                    due.entry(held).or_insert([0; 4])[early.clamp(0, 3) as usize] += 1;
                }
            }
        }
        due
    }

    /// The casework completed in the months `from` to `to`.
    pub fn work_done(&self, from: Month, to: Month) -> WorkDone {
        let cw = self.cw;
        let decided = self.events.decided.between(from, to).count();
        let to_assess = (self.events.decided.between(from, to))
            .filter(|&i| cw.requests[i as usize].decision.is_some_and(|d| d.value == AssessmentDecision::Assess))
            .count();
        let outcomes =
            self.events.outcome.between(from, to).filter(|&i| is_assessment(&self.request_milestones[i as usize]));
        let issued = self.events.outcome.between(from, to).filter(|&i| is_plan(&self.request_milestones[i as usize]));
        let reviews = self.events.review_decided.between(from, to).count();
        let span = |d: Date| Month::containing(d) >= from && Month::containing(d) <= to;
        let amendments = cw
            .reviews
            .iter()
            .filter(|r| r.decision.is_some_and(|d| d.value == ReviewDecision::Amend))
            .filter(|r| r.amended_on.is_some_and(|a| span(a) && self.today.is_none_or(|t| a <= t)))
            .count();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        WorkDone {
            decisions: count(decided),
            to_assess: count(to_assess),
            assessments: count(outcomes.count()),
            plans_issued: count(issued.count()),
            reviews: count(reviews),
            amendments: count(amendments),
        }
    }
}
