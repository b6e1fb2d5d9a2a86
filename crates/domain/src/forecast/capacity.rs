//! The capacity model ("time and motion"): the hours the staff in post can give to casework
//! each month, the hours each piece of work takes, and the open work taken oldest deadline
//! first, month by month, with the forecast demand arriving. It projects the work done, the
//! backlog and the share of plans and reviews that meet their statutory limits.

use crate::clock::{RequestStage, ReviewState};
use crate::dates::{Month, epoch_day};
use crate::measures::state::{OpenRequest, PlanInForce};

/// Hours each piece of casework takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskHours {
    /// Deciding whether to assess (evidence gathered, panel, letter).
    pub decision: f64,
    /// Coordinating an assessment (advice asked for, chased and read).
    pub assessment: f64,
    /// Drafting a plan, consulting settings and issuing it.
    pub plan: f64,
    /// Processing an annual review (meeting, report read, decision letter).
    pub annual_review: f64,
    /// Amending a plan after a review.
    pub amendment: f64,
}

impl Default for TaskHours {
    fn default() -> TaskHours {
        TaskHours { decision: 2.0, assessment: 6.0, plan: 8.0, annual_review: 2.0, amendment: 2.5 }
    }
}

impl TaskHours {
    /// The tasks by name, as the settings file and the web form spell them.
    pub const NAMES: [&'static str; 5] = ["decision", "assessment", "plan", "annual_review", "amendment"];

    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "decision" => self.decision,
            "assessment" => self.assessment,
            "plan" => self.plan,
            "annual_review" => self.annual_review,
            "amendment" => self.amendment,
            _ => return None,
        })
    }

    pub fn set(&mut self, name: &str, hours: f64) -> bool {
        let slot = match name {
            "decision" => &mut self.decision,
            "assessment" => &mut self.assessment,
            "plan" => &mut self.plan,
            "annual_review" => &mut self.annual_review,
            "amendment" => &mut self.amendment,
            _ => return false,
        };
        *slot = hours;
        true
    }
}

impl TaskHours {
    /// The hours `done` took at these hours per task: on requests (decisions, assessments,
    /// plans) and on reviews (reviews and amendments).
    pub fn priced(&self, done: &crate::measures::state::WorkDone) -> (f64, f64) {
        let requests = f64::from(done.decisions) * self.decision
            + f64::from(done.to_assess) * self.assessment
            + f64::from(done.plans_issued) * self.plan;
        let reviews = f64::from(done.reviews) * self.annual_review + f64::from(done.amendments) * self.amendment;
        (requests, reviews)
    }
}

/// The rates that turn a request or a review into work, from the year before the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// Of decisions, the share to assess.
    pub assess: f64,
    /// Of assessments completed, the share that ended in a plan.
    pub plan: f64,
    /// Of reviews completed, the share followed by an amended plan.
    pub amend: f64,
}

/// Everything the simulation is given.
#[derive(Debug, Clone)]
pub struct Inputs<'i> {
    pub origin: Month,
    pub requests: &'i [OpenRequest],
    pub plans: &'i [PlanInForce],
    /// New requests in each month after the origin.
    pub new_requests: &'i [f64],
    /// Reviews falling due in each month after the origin.
    pub reviews_due: &'i [f64],
    /// Hours available for casework in each month after the origin.
    pub hours_available: &'i [f64],
    pub hours: TaskHours,
    pub conversion: Conversion,
    /// The fewest weeks a request takes to a plan however quickly it is worked: the advice
    /// takes its six weeks and the draft its 15 days.
    pub minimum_weeks: f64,
    /// The share of the hours that goes to requests first (the rest to reviews first), as the
    /// hours of the work done in the year before were shared.
    pub request_share: f64,
    /// Of each kind's hours, the share spent first on cases that can still be on time (the
    /// service's triage); the rest goes oldest deadline first. 0: strictly oldest first.
    pub fresh_share: f64,
}

/// The statutory limit from request to plan: 20 weeks.
const TWENTY_WEEKS: i64 = 140;
/// A review decision is due within 4 weeks of the meeting.
const REVIEW_DECISION_DAYS: i64 = 28;
/// Reviews are prepared in the month before they fall due.
const REVIEW_LEAD_DAYS: i64 = 31;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Review,
}

/// A piece of open work, or a month's worth of new work of one kind.
#[derive(Debug, Clone, Copy)]
struct Item {
    kind: Kind,
    /// How many cases it stands for (a month's new requests are one item).
    count: f64,
    /// Of those, how many end in a plan (requests only).
    plans: f64,
    /// The day its clock started: the request's receipt, the review's due date.
    started: i64,
    /// The statutory deadline of its next step: 20 weeks from receipt; the review meeting's
    /// due date, or the decision's or amended plan's once the meeting was held. Past it, the
    /// case is overdue.
    deadline: i64,
    /// The day it must be finished by to count as on time: for a review not yet held, 4 weeks
    /// after the meeting's due date (the decision's).
    on_time_by: i64,
    /// The first day it can be worked.
    available: i64,
    hours: f64,
    left: f64,
}

/// The month-by-month result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    pub hours_available: Vec<f64>,
    /// The hours of the work arriving in the month.
    pub hours_needed: Vec<f64>,
    pub hours_worked: Vec<f64>,
    /// At each month end: requests open for more than 20 weeks.
    pub requests_over_20_weeks: Vec<f64>,
    /// At each month end: reviews past their due date and not completed.
    pub reviews_overdue: Vec<f64>,
    /// Of the plans issued in the month, the share within 20 weeks (%); `None` with none issued.
    pub plans_within_20_weeks_pct: Vec<Option<f64>>,
    pub plans_issued: Vec<f64>,
    /// Of the reviews completed in the month, the share on time (%).
    pub reviews_on_time_pct: Vec<Option<f64>>,
    pub reviews_completed: Vec<f64>,
}

/// The open work at the end of the origin month.
fn open_work(inputs: &Inputs<'_>) -> Vec<Item> {
    let h = inputs.hours;
    let c = inputs.conversion;
    let mut items = Vec::new();
    for r in inputs.requests {
        let received = epoch_day(r.received_on);
        let (hours, plans) = match r.stage {
            RequestStage::AwaitingDecision => (h.decision + c.assess * (h.assessment + h.plan), c.assess * c.plan),
            RequestStage::Assessing => (h.assessment + h.plan, c.plan),
        };
        items.push(Item {
            kind: Kind::Request,
            count: 1.0,
            plans,
            started: received,
            deadline: received + TWENTY_WEEKS,
            on_time_by: received + TWENTY_WEEKS,
            available: received,
            hours,
            left: hours,
        });
    }
    let end = inputs.origin.last_day();
    for p in inputs.plans {
        let due = epoch_day(p.review_step_due);
        let hours = match p.review_state {
            // A review not yet held is work only once it is due within the month.
            ReviewState::AwaitingMeeting if p.review_step_due > end => continue,
            ReviewState::AwaitingMeeting => h.annual_review + c.amend * h.amendment,
            // The meeting was held: the decision letter is left, then any amendment.
            ReviewState::AwaitingDecision => h.annual_review / 4.0 + c.amend * h.amendment,
            ReviewState::InAmendment => h.amendment,
        };
        let on_time_by = match p.review_state {
            ReviewState::AwaitingMeeting => due + REVIEW_DECISION_DAYS,
            _ => due,
        };
        items.push(Item {
            kind: Kind::Review,
            count: 1.0,
            plans: 0.0,
            started: due,
            deadline: due,
            on_time_by,
            available: due - REVIEW_LEAD_DAYS,
            hours,
            left: hours,
        });
    }
    items
}

/// What a month's work finished: plans issued and reviews completed, and of them on time.
#[derive(Debug, Default)]
struct Done {
    plans: f64,
    plans_on_time: f64,
    reviewed: f64,
    reviewed_on_time: f64,
}

/// One month's work on the open items, in deadline order.
struct MonthWork<'m> {
    items: &'m mut Vec<Item>,
    first: i64,
    last: i64,
    length: f64,
    minimum_days: i64,
    done: &'m mut Done,
}

impl MonthWork<'_> {
    /// Works up to `budget` hours on the items available this month, of `kind` or any, oldest
    /// deadline first; when `fresh`, only those that can still be on time, newest first (the
    /// triage that keeps new cases on track while the backlog waits). The hours used.
    fn work(&mut self, kind: Option<Kind>, fresh: bool, budget: f64) -> f64 {
        let mut used = 0.0;
        let (first, last) = (self.first, self.last);
        let order: Box<dyn Iterator<Item = &mut Item>> =
            if fresh { Box::new(self.items.iter_mut().rev()) } else { Box::new(self.items.iter_mut()) };
        for item in order.filter(|i| i.available <= last && i.left > 1e-9) {
            if kind.is_some_and(|k| k != item.kind) || (fresh && item.on_time_by < first) {
                continue;
            }
            if used >= budget {
                break;
            }
            let take = item.left.min(budget - used);
            used += take;
            item.left -= take;
            let part = if item.hours > 0.0 { take / item.hours } else { 1.0 };
            // The part done is finished, on average, halfway through the hours it took.
            let done_on = (first + ((used - take / 2.0) / budget.max(1e-9) * self.length) as i64).max(item.available);
            match item.kind {
                Kind::Request => {
                    let issued_on = done_on.max(item.started + self.minimum_days);
                    self.done.plans += part * item.plans;
                    if issued_on <= item.on_time_by {
                        self.done.plans_on_time += part * item.plans;
                    }
                }
                Kind::Review => {
                    self.done.reviewed += part * item.count;
                    if done_on <= item.on_time_by {
                        self.done.reviewed_on_time += part * item.count;
                    }
                }
            }
        }
        used
    }
}

/// Works the open work and the new work month by month.
pub fn simulate(inputs: &Inputs<'_>) -> Projection {
    let h = inputs.hours;
    let c = inputs.conversion;
    let minimum_days = (inputs.minimum_weeks * 7.0).round() as i64;
    let mut items = open_work(inputs);
    let months = inputs.hours_available.len();
    let mut out = Projection::default();
    for k in 0..months {
        let month = inputs.origin.plus(k as i32 + 1);
        let (first, last) = (epoch_day(month.first_day()), epoch_day(month.last_day()));
        let length = (last - first + 1) as f64;
        // New work arrives in the middle of the month.
        let middle = first + 14;
        let requests = inputs.new_requests.get(k).copied().unwrap_or(0.0);
        let request_hours = requests * (h.decision + c.assess * (h.assessment + h.plan));
        let reviews = inputs.reviews_due.get(k).copied().unwrap_or(0.0);
        let review_hours = reviews * (h.annual_review + c.amend * h.amendment);
        for (kind, count, hours, plans, started, deadline) in [
            (Kind::Request, requests, request_hours, requests * c.assess * c.plan, middle, middle + TWENTY_WEEKS),
            (Kind::Review, reviews, review_hours, 0.0, middle, middle),
        ] {
            if count > 0.0 {
                let available = if kind == Kind::Review { middle - REVIEW_LEAD_DAYS } else { middle };
                let on_time_by = if kind == Kind::Review { deadline + REVIEW_DECISION_DAYS } else { deadline };
                items.push(Item { kind, count, plans, started, deadline, on_time_by, available, hours, left: hours });
            }
        }
        out.hours_needed.push(request_hours + review_hours);

        let capacity = inputs.hours_available[k].max(0.0);
        items.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.started.cmp(&b.started)));
        // Each kind of work within its share of the hours: first, the policy's share of it on
        // cases that can still be on time, then the rest oldest deadline first; last, the hours
        // one kind did not need go to the other's, oldest deadline first again.
        let share = inputs.request_share.clamp(0.0, 1.0);
        let fresh = inputs.fresh_share.clamp(0.0, 1.0);
        let mut done = Done::default();
        let mut month = MonthWork { items: &mut items, first, last, length, minimum_days, done: &mut done };
        let mut spare = 0.0;
        let mut used_in_all = 0.0;
        for (kind, budget) in [(Kind::Request, capacity * share), (Kind::Review, capacity * (1.0 - share))] {
            let on_fresh = month.work(Some(kind), true, budget * fresh);
            let on_rest = month.work(Some(kind), false, budget - on_fresh);
            spare += budget - on_fresh - on_rest;
            used_in_all += on_fresh + on_rest;
        }
        used_in_all += month.work(None, false, spare);
        let Done { plans, plans_on_time, reviewed, reviewed_on_time } = done;
        let used = used_in_all;
        items.retain(|i| i.left > 1e-9);
        let remaining = |i: &Item| if i.hours > 0.0 { i.count * i.left / i.hours } else { 0.0 };
        out.requests_over_20_weeks
            .push(items.iter().filter(|i| i.kind == Kind::Request && i.deadline < last).map(remaining).sum());
        out.reviews_overdue
            .push(items.iter().filter(|i| i.kind == Kind::Review && i.deadline < last).map(remaining).sum());
        out.hours_available.push(capacity);
        out.hours_worked.push(used);
        let pct = |on_time: f64, all: f64| (all > 1e-6).then(|| (100.0 * on_time / all).min(100.0));
        out.plans_within_20_weeks_pct.push(pct(plans_on_time, plans));
        out.plans_issued.push(plans);
        out.reviews_on_time_pct.push(pct(reviewed_on_time, reviewed));
        out.reviews_completed.push(reviewed);
    }
    out
}

/// The first month after the origin at whose end a backlog (`values`, one per month) is
/// cleared: below half a case. `None` if it is not cleared within the months.
pub fn clears(origin: Month, values: &[f64]) -> Option<Month> {
    values.iter().position(|v| *v < 0.5).map(|k| origin.plus(k as i32 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn month(y: i16, m: i8) -> Month {
        Month::new(y, m).expect("a month")
    }

    fn hours(plan: f64) -> TaskHours {
        TaskHours { decision: 0.0, assessment: 0.0, plan, annual_review: 5.0, amendment: 0.0 }
    }

    const EVERY_REQUEST_A_PLAN: Conversion = Conversion { assess: 1.0, plan: 1.0, amend: 0.0 };

    /// From the end of December 2026: these open requests and plans, new requests and hours a
    /// month, 10 hours a plan, every request a plan, strictly oldest first.
    fn inputs<'i>(
        requests: &'i [OpenRequest],
        plans: &'i [PlanInForce],
        new_requests: &'i [f64],
        hours_available: &'i [f64],
    ) -> Inputs<'i> {
        Inputs {
            origin: month(2026, 12),
            requests,
            plans,
            new_requests,
            reviews_due: &[],
            hours_available,
            hours: hours(10.0),
            conversion: EVERY_REQUEST_A_PLAN,
            minimum_weeks: 14.0,
            request_share: 1.0,
            fresh_share: 0.0,
        }
    }

    #[test]
    fn a_known_capacity_clears_a_known_backlog_in_a_known_month() {
        // 100 requests open since January 2026, each needing 10 hours; 300 hours a month and
        // no new work: 30 requests a month, so the last is done in the fourth month, April 2027.
        let requests: Vec<OpenRequest> =
            (0..100).map(|_| OpenRequest { received_on: date(2026, 1, 5), stage: RequestStage::Assessing }).collect();
        let inputs = inputs(&requests, &[], &[0.0; 6], &[300.0; 6]);
        let p = simulate(&inputs);
        let backlog: Vec<f64> = p.requests_over_20_weeks.iter().map(|v| (v * 1e6).round() / 1e6).collect();
        assert_eq!(backlog, vec![70.0, 40.0, 10.0, 0.0, 0.0, 0.0]);
        assert_eq!(clears(inputs.origin, &p.requests_over_20_weeks), Some(month(2027, 4)));
        assert_eq!(p.hours_worked, vec![300.0, 300.0, 300.0, 100.0, 0.0, 0.0]);
        // Every one of them is past 20 weeks when issued.
        assert_eq!(p.plans_within_20_weeks_pct[0], Some(0.0));
        assert_eq!(p.plans_issued.iter().sum::<f64>(), 100.0);
    }

    #[test]
    fn ample_capacity_issues_new_plans_within_20_weeks_and_none_clears_without_staff() {
        let inputs = inputs(&[], &[], &[50.0; 12], &[10_000.0; 12]);
        let p = simulate(&inputs);
        assert!(p.plans_within_20_weeks_pct.iter().all(|s| *s == Some(100.0)), "{:?}", p.plans_within_20_weeks_pct);
        assert!(p.requests_over_20_weeks.iter().all(|v| *v == 0.0));

        let no_staff = Inputs { hours_available: &[0.0; 12], ..inputs };
        let p = simulate(&no_staff);
        // New requests pass 20 weeks five months after they arrive and pile up.
        assert_eq!(p.requests_over_20_weeks[4], 0.0);
        assert_eq!(p.requests_over_20_weeks[5], 50.0);
        assert_eq!(p.requests_over_20_weeks[11], 350.0);
        assert_eq!(clears(no_staff.origin, &p.requests_over_20_weeks[5..]), None);
    }

    #[test]
    fn overdue_reviews_are_worked_before_requests_with_later_deadlines() {
        let plans: Vec<PlanInForce> = (0..20)
            .map(|_| PlanInForce {
                index: 0,
                born: None,
                need: None,
                setting: None,
                issued_on: date(2025, 6, 1),
                review_state: ReviewState::AwaitingMeeting,
                review_step_due: date(2026, 5, 31),
                last_meeting: None,
            })
            .collect();
        let requests = [OpenRequest { received_on: date(2026, 12, 1), stage: RequestStage::Assessing }];
        // Every hour to reviews first: the request waits for them.
        let inputs = Inputs { request_share: 0.0, ..inputs(&requests, &plans, &[0.0; 3], &[50.0; 3]) };
        let p = simulate(&inputs);
        // 10 reviews a month: the request waits for the reviews, all late.
        assert_eq!(p.reviews_overdue, vec![10.0, 0.0, 0.0]);
        assert_eq!(p.reviews_on_time_pct[0], Some(0.0));
        assert_eq!(p.plans_issued, vec![0.0, 0.0, 1.0]);
        assert_eq!(p.plans_within_20_weeks_pct[2], Some(100.0));

        // Half the hours to requests first: the request is worked in the first month, the
        // reviews take two and a half months.
        let shared = Inputs { request_share: 0.5, ..inputs };
        let p = simulate(&shared);
        assert_eq!(p.plans_issued, vec![1.0, 0.0, 0.0]);
        assert_eq!(p.reviews_overdue, vec![12.0, 2.0, 0.0]);
    }

    #[test]
    fn triage_keeps_some_new_cases_on_time_while_the_backlog_waits() {
        // 100 requests past 20 weeks and 30 new ones a month; 250 hours a month at 10 hours a
        // request: strictly oldest first, every plan of the year is late; with a fifth of the
        // hours kept for the newest cases that can still be on time, 5 a month are.
        let requests: Vec<OpenRequest> =
            (0..100).map(|_| OpenRequest { received_on: date(2026, 1, 5), stage: RequestStage::Assessing }).collect();
        let base = inputs(&requests, &[], &[30.0; 12], &[250.0; 12]);
        // While the 1,000 hours of backlog are worked (four months), every plan issued is late.
        let strict = simulate(&base);
        assert_eq!(strict.plans_within_20_weeks_pct[..4], [Some(0.0); 4], "{:?}", strict.plans_within_20_weeks_pct);
        let triage = simulate(&Inputs { fresh_share: 0.2, ..base });
        // 50 hours a month on the newest cases: 5 plans a month within 20 weeks, and 20 of the
        // backlog, late, for the five months its 1,000 hours take at 200 a month.
        for k in 0..5 {
            assert_eq!(triage.plans_within_20_weeks_pct[k], Some(20.0), "month {}", k + 1);
            assert_eq!(triage.plans_issued[k], 25.0);
        }
    }
}
