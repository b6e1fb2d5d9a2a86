//! The statutory clock: when each step of a request or a plan is due under the SEND
//! Regulations 2014, and where each request, piece of advice and plan review stands as at
//! any date.
//!
//! | step | due | regulation |
//! |---|---|---|
//! | decision whether to assess | 6 weeks after the request is received | reg. 5(1) |
//! | advice | 6 weeks after it is requested | reg. 8(1) |
//! | notice of a decision not to issue a plan | 16 weeks after the request | reg. 10(1) |
//! | final EHC plan | 20 weeks after the request | reg. 13(2) |
//! | annual review meeting | within 12 months starting with the issue date or the previous review | reg. 18, s.44 CFA 2014 |
//! | LA decision after a review meeting | 4 weeks after the meeting | reg. 20(10) / 21(8) |
//! | amended plan | 8 weeks after the decision to amend | reg. 22(3) |
//! | phase transfer | amended by 15 February of the year of transfer (31 March for post-16) | reg. 18(1)-(2) |
//!
//! "Within N weeks of D" means on or before D + 7N days. An item is overdue as at a date when
//! that date is after its due date.

use crate::codes::{AssessmentDecision, AssessmentOutcome, PhaseTransfer, ReviewDecision};
use crate::dates::{days_between, end_of_twelve_months_starting, within_weeks};
use crate::records::{Advice, Dated, Plan, Request, Review};
use jiff::civil::Date;

/// Weeks the LA has to decide whether to assess.
pub const DECISION_WEEKS: i64 = 6;
/// Weeks a professional has to give advice.
pub const ADVICE_WEEKS: i64 = 6;
/// Weeks to notify a decision not to issue a plan after an assessment.
pub const NO_PLAN_WEEKS: i64 = 16;
/// Weeks to issue the final plan.
pub const FINAL_PLAN_WEEKS: i64 = 20;
/// Weeks the LA has to notify its decision after a review meeting.
pub const REVIEW_DECISION_WEEKS: i64 = 4;
/// Weeks to issue an amended plan after deciding to amend.
pub const AMENDMENT_WEEKS: i64 = 8;

/// The last day for the decision whether to assess.
pub fn decision_due(received_on: Date) -> Date {
    within_weeks(received_on, DECISION_WEEKS)
}

/// The last day for advice requested on `requested_on`.
pub fn advice_due(requested_on: Date) -> Date {
    within_weeks(requested_on, ADVICE_WEEKS)
}

/// The last day for the final EHC plan.
pub fn final_plan_due(received_on: Date) -> Date {
    within_weeks(received_on, FINAL_PLAN_WEEKS)
}

/// The last day to notify a decision not to issue a plan.
pub fn no_plan_due(received_on: Date) -> Date {
    within_weeks(received_on, NO_PLAN_WEEKS)
}

/// The last day of the review period starting with `period_start` (the plan's issue date or
/// its previous review meeting).
pub fn review_due(period_start: Date) -> Date {
    end_of_twelve_months_starting(period_start)
}

/// The last day for the LA's decision after a review meeting.
pub fn review_decision_due(meeting_on: Date) -> Date {
    within_weeks(meeting_on, REVIEW_DECISION_WEEKS)
}

/// The last day for the amended plan after the decision to amend.
pub fn amended_plan_due(decided_on: Date) -> Date {
    within_weeks(decided_on, AMENDMENT_WEEKS)
}

/// The first day (1 September) of the academic year containing `date`.
pub fn academic_year_start(date: Date) -> Date {
    let year = if date.month() >= 9 { date.year() } else { date.year() - 1 };
    // Invariant: 1 September exists in every year.
    Date::new(year, 9, 1).unwrap_or(date)
}

/// The last day on which a phase transfer reviewed in the academic year containing
/// `meeting_on` is finalised in time: 14 February (before 15 February) for a move into or
/// between schools, 30 March (before 31 March) for a move to post-16, in the spring of that
/// academic year.
pub fn phase_transfer_deadline(transfer: PhaseTransfer, meeting_on: Date) -> Date {
    let year = academic_year_start(meeting_on).year() + 1;
    let (month, day) = match transfer {
        PhaseTransfer::School => (2, 14),
        PhaseTransfer::Post16 => (3, 30),
    };
    // Invariant: 14 February and 30 March exist in every year.
    Date::new(year, month, day).unwrap_or(meeting_on)
}

/// Whether the decision on a request was notified within 6 weeks.
pub fn decision_on_time(request: &Request) -> Option<bool> {
    request.decision.map(|d| d.on <= decision_due(request.received_on))
}

/// Whether an assessment finished on time: a plan within 20 weeks, or a decision not to
/// issue within 16 weeks. `None` for other outcomes or none yet.
pub fn assessment_on_time(request: &Request) -> Option<bool> {
    RequestMilestones::of(request).assessment_on_time()
}

/// Whether advice was received within 6 weeks of being requested (`None` until received).
pub fn advice_on_time(advice: &Advice) -> Option<bool> {
    advice.received_on.map(|r| r <= advice_due(advice.requested_on))
}

/// Where a date stands against a due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due: Date,
    /// Days past the due date as at the date asked about; 0 when not overdue.
    pub days_overdue: i64,
}

impl Deadline {
    pub fn as_at(due: Date, date: Date) -> Deadline {
        Deadline { due, days_overdue: days_between(due, date).max(0) }
    }

    pub fn is_overdue(&self) -> bool {
        self.days_overdue > 0
    }
}

/// The stage of an open request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestStage {
    /// Received, no decision whether to assess notified yet.
    AwaitingDecision,
    /// The decision to assess was notified; no outcome yet.
    Assessing,
}

impl RequestStage {
    pub fn code(self) -> &'static str {
        match self {
            RequestStage::AwaitingDecision => "awaiting_decision",
            RequestStage::Assessing => "assessing",
        }
    }
}

/// A request as at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Received after the date.
    NotYetReceived,
    /// Refused, withdrawn, or its outcome notified, on or before the date.
    Closed { on: Date },
    /// Received and not closed; due is the decision (awaiting decision) or the final plan
    /// (assessing).
    Open { stage: RequestStage, deadline: Deadline, days_open: i64 },
}

/// The dated milestones of a request that the clock reads: a small copy of the record, so
/// that the whole caseload can be walked month by month without touching the full records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestMilestones {
    pub received_on: Date,
    pub decision: Option<Dated<AssessmentDecision>>,
    pub outcome: Option<Dated<AssessmentOutcome>>,
}

impl RequestMilestones {
    pub fn of(request: &Request) -> RequestMilestones {
        RequestMilestones { received_on: request.received_on, decision: request.decision, outcome: request.outcome }
    }

    /// Whether the assessment finished on time: a plan within 20 weeks, or a decision not to
    /// issue within 16 weeks. `None` for other outcomes or none yet.
    pub fn assessment_on_time(&self) -> Option<bool> {
        let outcome = self.outcome?;
        match outcome.value {
            AssessmentOutcome::Plan => Some(outcome.on <= final_plan_due(self.received_on)),
            AssessmentOutcome::NoPlan => Some(outcome.on <= no_plan_due(self.received_on)),
            AssessmentOutcome::Withdrawn => None,
        }
    }

    /// Where the request stands at the end of `date`.
    pub fn status(&self, date: Date) -> RequestStatus {
        if self.received_on > date {
            return RequestStatus::NotYetReceived;
        }
        if let Some(outcome) = self.outcome.filter(|o| o.on <= date) {
            return RequestStatus::Closed { on: outcome.on };
        }
        let days_open = days_between(self.received_on, date);
        match self.decision.filter(|d| d.on <= date) {
            Some(d) if d.value != AssessmentDecision::Assess => RequestStatus::Closed { on: d.on },
            Some(_) => RequestStatus::Open {
                stage: RequestStage::Assessing,
                deadline: Deadline::as_at(final_plan_due(self.received_on), date),
                days_open,
            },
            None => RequestStatus::Open {
                stage: RequestStage::AwaitingDecision,
                deadline: Deadline::as_at(decision_due(self.received_on), date),
                days_open,
            },
        }
    }
}

/// Where `request` stands at the end of `date`.
pub fn request_status(request: &Request, date: Date) -> RequestStatus {
    RequestMilestones::of(request).status(date)
}

/// Advice as at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdviceStatus {
    /// Requested after the date.
    NotYetRequested,
    /// Received on or before the date.
    Received { on: Date, on_time: bool },
    /// Not received, but its request was closed by the date: nobody is waiting for it.
    NoLongerAwaited,
    /// Requested, not received, for a request still open: someone is waiting for it.
    Outstanding(Deadline),
}

/// Where `advice` (asked for under `request`) stands at the end of `date`.
pub fn advice_status(advice: &Advice, request: &Request, date: Date) -> AdviceStatus {
    advice_status_at(advice.requested_on, advice.received_on, &RequestMilestones::of(request), date)
}

/// Where advice requested on `requested_on` (and received on `received_on`, if it was) for
/// `request` stands at the end of `date`.
pub fn advice_status_at(
    requested_on: Date,
    received_on: Option<Date>,
    request: &RequestMilestones,
    date: Date,
) -> AdviceStatus {
    if requested_on > date {
        return AdviceStatus::NotYetRequested;
    }
    let due = advice_due(requested_on);
    match received_on.filter(|r| *r <= date) {
        Some(on) => AdviceStatus::Received { on, on_time: on <= due },
        None => match request.status(date) {
            RequestStatus::Open { .. } => AdviceStatus::Outstanding(Deadline::as_at(due, date)),
            _ => AdviceStatus::NoLongerAwaited,
        },
    }
}

/// The state of a plan's current review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReviewState {
    /// The next meeting is awaited (the school convenes it): "waiting for school action".
    AwaitingMeeting,
    /// The meeting was held; the LA has not notified its decision: "waiting for service action".
    AwaitingDecision,
    /// The LA decided to amend and the amended plan is not issued: "waiting for amendments".
    InAmendment,
}

impl ReviewState {
    pub const ALL: [ReviewState; 3] =
        [ReviewState::AwaitingMeeting, ReviewState::AwaitingDecision, ReviewState::InAmendment];

    pub fn code(self) -> &'static str {
        match self {
            ReviewState::AwaitingMeeting => "awaiting_meeting",
            ReviewState::AwaitingDecision => "awaiting_decision",
            ReviewState::InAmendment => "in_amendment",
        }
    }
}

/// An active plan's current review as at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanReviewStatus {
    pub state: ReviewState,
    pub deadline: Deadline,
    /// The latest meeting held on or before the date, if any.
    pub last_meeting: Option<Date>,
}

/// A review meeting that was held, with what followed it: the part of a review the clock reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meeting {
    pub meeting_on: Date,
    pub decision: Option<Dated<ReviewDecision>>,
    pub amended_on: Option<Date>,
}

impl Meeting {
    /// The meeting of `review`; `None` when no meeting was held (reviews with an empty
    /// meeting_on are not meetings).
    pub fn of(review: &Review) -> Option<Meeting> {
        Some(Meeting { meeting_on: review.meeting_on?, decision: review.decision, amended_on: review.amended_on })
    }

    /// The meetings of `reviews`, in date order.
    pub fn all_of(reviews: &[&Review]) -> Vec<Meeting> {
        let mut meetings: Vec<Meeting> = reviews.iter().filter_map(|r| Meeting::of(r)).collect();
        meetings.sort_by_key(|m| m.meeting_on);
        meetings
    }
}

/// The current review, at the end of `date`, of a plan issued on `issued_on` and active then,
/// given its meetings in date order.
pub fn review_status_at(issued_on: Date, meetings: &[Meeting], date: Date) -> PlanReviewStatus {
    let held = meetings.partition_point(|m| m.meeting_on <= date);
    let latest = held.checked_sub(1).map(|k| meetings[k]);
    let status = |state, due| PlanReviewStatus {
        state,
        deadline: Deadline::as_at(due, date),
        last_meeting: latest.map(|m| m.meeting_on),
    };
    let Some(m) = latest else {
        return status(ReviewState::AwaitingMeeting, review_due(issued_on));
    };
    match m.decision.filter(|d| d.on <= date) {
        None => status(ReviewState::AwaitingDecision, review_decision_due(m.meeting_on)),
        Some(d) if d.value == ReviewDecision::Amend && m.amended_on.is_none_or(|a| a > date) => {
            status(ReviewState::InAmendment, amended_plan_due(d.on))
        }
        Some(_) => status(ReviewState::AwaitingMeeting, review_due(m.meeting_on)),
    }
}

/// The current review of `plan` at the end of `date`, given the plan's reviews; `None` when the
/// plan is not active then.
pub fn plan_review_status(plan: &Plan, reviews: &[&Review], date: Date) -> Option<PlanReviewStatus> {
    plan.is_active_at(date).then(|| review_status_at(plan.issued_on, &Meeting::all_of(reviews), date))
}

/// The due date of a meeting held on `meeting_on`: the end of the 12 months starting with the
/// plan's previous meeting (of `meetings`, in date order), or its issue date.
pub fn meeting_due(issued_on: Date, meetings: &[Meeting], meeting_on: Date) -> Date {
    let earlier = meetings.partition_point(|m| m.meeting_on < meeting_on);
    review_due(earlier.checked_sub(1).map_or(issued_on, |k| meetings[k].meeting_on))
}

/// The due date of `review`'s meeting: the end of the 12 months starting with the plan's
/// previous meeting, or its issue date.
pub fn review_meeting_due(plan: &Plan, reviews: &[&Review], review: &Review) -> Date {
    let meeting_on = review.meeting_on.unwrap_or(plan.issued_on);
    meeting_due(plan.issued_on, &Meeting::all_of(reviews), meeting_on)
}

/// Whether a completed review meeting was on time: held on or before its due date, with the
/// decision notified within 4 weeks. `None` until the decision is notified.
pub fn meeting_on_time(issued_on: Date, meetings: &[Meeting], meeting: &Meeting) -> Option<bool> {
    let decision = meeting.decision?;
    Some(
        meeting.meeting_on <= meeting_due(issued_on, meetings, meeting.meeting_on)
            && decision.on <= review_decision_due(meeting.meeting_on),
    )
}

/// Whether a completed review was on time: the meeting on or before its due date and the
/// decision notified within 4 weeks of the meeting. `None` until the decision is notified.
pub fn review_on_time(plan: &Plan, reviews: &[&Review], review: &Review) -> Option<bool> {
    meeting_on_time(plan.issued_on, &Meeting::all_of(reviews), &Meeting::of(review)?)
}

/// The day a review was finalised: its decision, or for `amend` the amended plan's issue.
pub fn review_finalised_on(review: &Review) -> Option<Date> {
    let decision = review.decision?;
    match decision.value {
        ReviewDecision::Amend => review.amended_on,
        _ => Some(decision.on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::dates::add_days;
    use crate::records::Dated;
    use jiff::civil::date;

    fn request(received: Date) -> Request {
        Request { source: Some(RequestSource::Parent), ..crate::testing::request("R1", "C1", received) }
    }

    fn plan(issued: Date) -> Plan {
        crate::testing::plan("P1", "C1", issued)
    }

    fn review(
        id: &str,
        meeting: Option<Date>,
        decision: Option<(ReviewDecision, Date)>,
        amended: Option<Date>,
    ) -> Review {
        Review {
            meeting_on: meeting,
            decision: decision.map(|(v, on)| Dated::new(v, on)),
            amended_on: amended,
            ..crate::testing::review(id, "P1")
        }
    }

    #[test]
    fn due_dates_of_a_request() {
        let received = date(2024, 1, 10);
        assert_eq!(decision_due(received), date(2024, 2, 21)); // day 42
        assert_eq!(no_plan_due(received), date(2024, 5, 1)); // day 112
        assert_eq!(final_plan_due(received), date(2024, 5, 29)); // day 140, across 29 February
        assert_eq!(advice_due(date(2024, 2, 20)), date(2024, 4, 2));
    }

    #[test]
    fn decision_is_overdue_from_day_43() {
        let r = request(date(2024, 1, 10));
        let cases = [(41, false, 0), (42, false, 0), (43, true, 1), (50, true, 8)];
        for (day, overdue, days) in cases {
            let at = add_days(r.received_on, day);
            match request_status(&r, at) {
                RequestStatus::Open { stage, deadline, days_open } => {
                    assert_eq!(stage, RequestStage::AwaitingDecision);
                    assert_eq!(deadline.is_overdue(), overdue, "day {day}");
                    assert_eq!(deadline.days_overdue, days, "day {day}");
                    assert_eq!(days_open, day);
                }
                other => panic!("day {day}: {other:?}"),
            }
        }
        assert_eq!(request_status(&r, date(2024, 1, 9)), RequestStatus::NotYetReceived);
    }

    #[test]
    fn final_plan_is_overdue_from_day_141() {
        let mut r = request(date(2023, 6, 1));
        r.decision = Some(Dated::new(AssessmentDecision::Assess, date(2023, 7, 10)));
        for (day, overdue) in [(140, false), (141, true)] {
            let at = add_days(r.received_on, day);
            let RequestStatus::Open { stage, deadline, .. } = request_status(&r, at) else { panic!("open") };
            assert_eq!(stage, RequestStage::Assessing);
            assert_eq!(deadline.is_overdue(), overdue, "day {day}");
        }
        r.outcome = Some(Dated::new(AssessmentOutcome::Plan, add_days(r.received_on, 140)));
        assert_eq!(assessment_on_time(&r), Some(true));
        r.outcome = Some(Dated::new(AssessmentOutcome::Plan, add_days(r.received_on, 141)));
        assert_eq!(assessment_on_time(&r), Some(false));
        r.outcome = Some(Dated::new(AssessmentOutcome::NoPlan, add_days(r.received_on, 112)));
        assert_eq!(assessment_on_time(&r), Some(true));
        r.outcome = Some(Dated::new(AssessmentOutcome::NoPlan, add_days(r.received_on, 113)));
        assert_eq!(assessment_on_time(&r), Some(false));
        r.outcome = Some(Dated::new(AssessmentOutcome::Withdrawn, add_days(r.received_on, 10)));
        assert_eq!(assessment_on_time(&r), None);
    }

    #[test]
    fn a_request_closes_on_refusal_withdrawal_or_outcome() {
        let mut r = request(date(2024, 3, 1));
        r.decision = Some(Dated::new(AssessmentDecision::Refuse, date(2024, 4, 1)));
        assert!(matches!(request_status(&r, date(2024, 3, 31)), RequestStatus::Open { .. }));
        assert_eq!(request_status(&r, date(2024, 4, 1)), RequestStatus::Closed { on: date(2024, 4, 1) });
        r.decision = Some(Dated::new(AssessmentDecision::Assess, date(2024, 4, 1)));
        r.outcome = Some(Dated::new(AssessmentOutcome::Withdrawn, date(2024, 5, 1)));
        assert!(matches!(
            request_status(&r, date(2024, 4, 30)),
            RequestStatus::Open { stage: RequestStage::Assessing, .. }
        ));
        assert_eq!(request_status(&r, date(2024, 5, 1)), RequestStatus::Closed { on: date(2024, 5, 1) });
        assert_eq!(decision_on_time(&r), Some(true));
    }

    #[test]
    fn advice_is_outstanding_only_while_its_request_is_open() {
        let mut r = request(date(2024, 1, 1));
        r.decision = Some(Dated::new(AssessmentDecision::Assess, date(2024, 2, 1)));
        let a = Advice {
            advice_id: "A1".into(),
            request_id: "R1".into(),
            kind: AdviceKind::EducationalPsychology,
            provider: None,
            requested_on: date(2024, 2, 1),
            received_on: None,
            organisation_id: None,
        };
        assert_eq!(advice_status(&a, &r, date(2024, 1, 31)), AdviceStatus::NotYetRequested);
        let AdviceStatus::Outstanding(d) = advice_status(&a, &r, date(2024, 3, 14)) else { panic!() };
        assert!(!d.is_overdue()); // day 42
        let AdviceStatus::Outstanding(d) = advice_status(&a, &r, date(2024, 3, 15)) else { panic!() };
        assert_eq!(d.days_overdue, 1); // day 43
        r.outcome = Some(Dated::new(AssessmentOutcome::NoPlan, date(2024, 4, 1)));
        assert_eq!(advice_status(&a, &r, date(2024, 4, 1)), AdviceStatus::NoLongerAwaited);
        let received = Advice { received_on: Some(date(2024, 3, 14)), ..a };
        assert_eq!(
            advice_status(&received, &r, date(2024, 3, 20)),
            AdviceStatus::Received { on: date(2024, 3, 14), on_time: true }
        );
        assert_eq!(advice_on_time(&Advice { received_on: Some(date(2024, 3, 15)), ..received.clone() }), Some(false));
    }

    #[test]
    fn first_review_is_due_the_day_before_the_first_anniversary() {
        let p = plan(date(2024, 2, 29));
        let s = plan_review_status(&p, &[], date(2025, 2, 28)).unwrap();
        assert_eq!(s.state, ReviewState::AwaitingMeeting);
        assert_eq!(s.deadline.due, date(2025, 2, 28));
        assert!(!s.deadline.is_overdue());
        let s = plan_review_status(&p, &[], date(2025, 3, 1)).unwrap();
        assert_eq!(s.deadline.days_overdue, 1);
        assert!(plan_review_status(&p, &[], date(2024, 2, 28)).is_none());
    }

    #[test]
    fn review_states_follow_the_meeting_decision_and_amendment() {
        let p = plan(date(2022, 1, 1));
        let r = review(
            "V1",
            Some(date(2022, 12, 1)),
            Some((ReviewDecision::Amend, date(2022, 12, 20))),
            Some(date(2023, 3, 1)),
        );
        let reviews = [&r];
        // Before the decision: awaiting decision, due 28 days after the meeting.
        let s = plan_review_status(&p, &reviews, date(2022, 12, 19)).unwrap();
        assert_eq!(
            (s.state, s.deadline.due, s.deadline.is_overdue()),
            (ReviewState::AwaitingDecision, date(2022, 12, 29), false)
        );
        // Decided to amend, not yet amended: due 56 days after the decision (14 February 2023).
        let s = plan_review_status(&p, &reviews, date(2023, 2, 15)).unwrap();
        assert_eq!(
            (s.state, s.deadline.due, s.deadline.days_overdue),
            (ReviewState::InAmendment, date(2023, 2, 14), 1)
        );
        // Amended: awaiting the next meeting, due within 12 months starting with the meeting.
        let s = plan_review_status(&p, &reviews, date(2023, 3, 1)).unwrap();
        assert_eq!((s.state, s.deadline.due), (ReviewState::AwaitingMeeting, date(2023, 11, 30)));
        // A decision in the future does not count yet.
        let s = plan_review_status(&p, &reviews, date(2022, 12, 10)).unwrap();
        assert_eq!(s.state, ReviewState::AwaitingDecision);
        // A ceased plan has no current review.
        let mut ceased = p.clone();
        ceased.ceased = Some(Dated::new(CeaseReason::NeedsMet, date(2023, 1, 1)));
        assert!(plan_review_status(&ceased, &reviews, date(2023, 1, 1)).is_none());
        assert!(plan_review_status(&ceased, &reviews, date(2022, 12, 31)).is_some());
    }

    #[test]
    fn review_timeliness_uses_the_previous_meeting() {
        let p = plan(date(2021, 5, 10));
        let first = review("V1", Some(date(2022, 5, 9)), Some((ReviewDecision::Maintain, date(2022, 6, 6))), None);
        let second = review("V2", Some(date(2023, 5, 9)), Some((ReviewDecision::Maintain, date(2023, 6, 7))), None);
        let reviews = [&first, &second];
        assert_eq!(review_meeting_due(&p, &reviews, &first), date(2022, 5, 9));
        assert_eq!(review_on_time(&p, &reviews, &first), Some(true)); // meeting on the last day, decision day 28
        assert_eq!(review_meeting_due(&p, &reviews, &second), date(2023, 5, 8));
        assert_eq!(review_on_time(&p, &reviews, &second), Some(false)); // meeting a day late, decision day 29
        let pending = review("V3", Some(date(2024, 5, 1)), None, None);
        assert_eq!(review_on_time(&p, &[&pending], &pending), None);
    }

    #[test]
    fn phase_transfer_deadlines_are_in_the_spring_of_the_academic_year() {
        assert_eq!(phase_transfer_deadline(PhaseTransfer::School, date(2024, 10, 1)), date(2025, 2, 14));
        assert_eq!(phase_transfer_deadline(PhaseTransfer::School, date(2025, 2, 1)), date(2025, 2, 14));
        assert_eq!(phase_transfer_deadline(PhaseTransfer::Post16, date(2025, 8, 31)), date(2025, 3, 30));
        assert_eq!(phase_transfer_deadline(PhaseTransfer::Post16, date(2025, 9, 1)), date(2026, 3, 30));
        assert_eq!(academic_year_start(date(2025, 8, 31)), date(2024, 9, 1));
        let amended = review(
            "V1",
            Some(date(2024, 11, 1)),
            Some((ReviewDecision::Amend, date(2024, 11, 20))),
            Some(date(2025, 1, 10)),
        );
        assert_eq!(review_finalised_on(&amended), Some(date(2025, 1, 10)));
        let unamended = review("V1", Some(date(2024, 11, 1)), Some((ReviewDecision::Amend, date(2024, 11, 20))), None);
        assert_eq!(review_finalised_on(&unamended), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_date() -> impl Strategy<Value = Date> {
            (1995i16..2040, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
        }

        proptest! {
            #[test]
            fn an_open_request_is_overdue_exactly_after_its_due_date(received in any_date(), day in 0i64..400, assessed in any::<bool>()) {
                let mut r = request(received);
                if assessed {
                    r.decision = Some(Dated::new(AssessmentDecision::Assess, received));
                }
                let at = add_days(received, day);
                let RequestStatus::Open { deadline, days_open, .. } = request_status(&r, at) else { panic!("open") };
                let limit = if assessed { 140 } else { 42 };
                prop_assert_eq!(days_open, day);
                prop_assert_eq!(deadline.is_overdue(), day > limit);
                prop_assert_eq!(deadline.days_overdue, (day - limit).max(0));
            }

            #[test]
            fn a_plan_without_reviews_is_overdue_after_twelve_months(issued in any_date(), day in 0i64..800) {
                let p = plan(issued);
                let at = add_days(issued, day);
                let s = plan_review_status(&p, &[], at).unwrap();
                prop_assert_eq!(s.state, ReviewState::AwaitingMeeting);
                prop_assert_eq!(s.deadline.is_overdue(), at >= crate::dates::next_anniversary(issued));
            }
        }
    }
}
