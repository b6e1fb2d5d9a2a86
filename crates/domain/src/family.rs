//! What a family sees (issue 20): where each request and plan of their child stands, in plain
//! English (GOV.UK content style: short sentences, the date things happen by, "late" said when
//! it is), from the same statutory clock the caseworkers and the measures use; the draft plan's
//! 15 days for comments; and when a young person is over compulsory school age.

use crate::clock::{
    AdviceStatus, RequestStage, RequestStatus, ReviewState, advice_status, decision_due, final_plan_due,
    plan_review_status, request_status,
};
use crate::codes::{AssessmentDecision, AssessmentOutcome};
use crate::dates::{add_days, in_words};
use crate::records::{Casework, Plan, Request};
use jiff::civil::{Date, Weekday};

/// The days a family has to comment on a draft plan, counting the day it is sent (SEND
/// Regulations 2014, reg. 13(1)(b)).
pub const DRAFT_COMMENT_DAYS: i64 = 15;

/// The last day of the comment period of a draft sent on `sent_on`.
pub fn comments_end(sent_on: Date) -> Date {
    add_days(sent_on, DRAFT_COMMENT_DAYS - 1)
}

/// The step still to come, and by when the law says it must happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub what: String,
    pub by: Date,
    /// The date has passed and it has not happened.
    pub late: bool,
}

/// Where one request or plan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// For example "Request for an EHC needs assessment, received 3 August 2026".
    pub title: String,
    /// The stage, in a sentence.
    pub stage: String,
    pub next: Vec<Next>,
    /// What has happened, oldest first.
    pub history: Vec<(Date, String)>,
}

/// Where a request stands at the end of `today`, as its family reads it.
pub fn request_standing(cw: &Casework, request: &Request, today: Date) -> Standing {
    let mut history = vec![(request.received_on, "We received the request for an assessment.".to_string())];
    let mut next = Vec::new();
    let decided = request.decision.filter(|d| d.on <= today);
    if let Some(d) = decided {
        let words = match d.value {
            AssessmentDecision::Assess => "We decided to carry out an EHC needs assessment.",
            AssessmentDecision::Refuse => {
                "We decided not to carry out an EHC needs assessment. The letter explains why and how to appeal."
            }
            AssessmentDecision::Withdrawn => "The request was withdrawn.",
        };
        history.push((d.on, words.to_string()));
    }
    for a in cw.advice.iter().filter(|a| a.request_id == request.request_id && a.requested_on <= today) {
        history.push((a.requested_on, format!("We asked for {} advice.", a.kind.label().to_lowercase())));
        if let AdviceStatus::Received { on, .. } = advice_status(a, request, today) {
            history.push((on, format!("We received the {} advice.", a.kind.label().to_lowercase())));
        }
    }
    if let Some(sent) = request.draft_issued_on.filter(|d| *d <= today) {
        history.push((
            sent,
            format!("We sent you the draft EHC plan. You can comment until {}.", in_words(comments_end(sent))),
        ));
    }
    let outcome = request.outcome.filter(|o| o.on <= today);
    if let Some(o) = outcome {
        let words = match o.value {
            AssessmentOutcome::Plan => "We issued the final EHC plan.",
            AssessmentOutcome::NoPlan => {
                "We decided not to issue an EHC plan. The letter explains why and how to appeal."
            }
            AssessmentOutcome::Withdrawn => "The request was withdrawn during the assessment.",
        };
        history.push((o.on, words.to_string()));
    }
    history.sort_by_key(|(d, _)| *d);
    let stage = match request_status(request, today) {
        RequestStatus::NotYetReceived => "We have not received this request yet.".to_string(),
        RequestStatus::Closed { .. } => "This request is finished.".to_string(),
        RequestStatus::Open { stage: RequestStage::AwaitingDecision, .. } => {
            let by = decision_due(request.received_on);
            next.push(Next { what: "We decide whether to carry out an assessment.".into(), by, late: today > by });
            "We are deciding whether to carry out an EHC needs assessment.".to_string()
        }
        RequestStatus::Open { stage: RequestStage::Assessing, .. } => {
            let final_due = final_plan_due(request.received_on);
            let draft = request.draft_issued_on.filter(|d| *d <= today);
            if draft.is_none() {
                let by = add_days(final_due, -15);
                next.push(Next { what: "We send you the draft EHC plan.".into(), by, late: today > by });
            }
            next.push(Next {
                what: "We issue the final EHC plan, or tell you we will not issue one.".into(),
                by: final_due,
                late: today > final_due,
            });
            match draft {
                Some(sent) if today <= comments_end(sent) => {
                    format!(
                        "The draft EHC plan is with you. Tell us what you think by {}.",
                        in_words(comments_end(sent))
                    )
                }
                Some(_) => "We are finishing the EHC plan after the draft.".to_string(),
                None => "We are carrying out the EHC needs assessment: gathering advice about your child's needs."
                    .to_string(),
            }
        }
    };
    Standing {
        title: format!("Request for an EHC needs assessment, received {}", in_words(request.received_on)),
        stage,
        next,
        history,
    }
}

/// Where a plan stands at the end of `today`: its next annual review.
pub fn plan_standing(cw: &Casework, plan: &Plan, today: Date) -> Standing {
    let reviews: Vec<&crate::records::Review> = cw.reviews.iter().filter(|v| v.plan_id == plan.plan_id).collect();
    let mut history = vec![(plan.issued_on, "We issued the EHC plan.".to_string())];
    for v in &reviews {
        if let Some(m) = v.meeting_on.filter(|m| *m <= today) {
            history.push((m, "The annual review meeting was held.".to_string()));
        }
        if let Some(d) = v.decision.filter(|d| d.on <= today) {
            history.push((
                d.on,
                format!("We told you our decision after the review: {}.", d.value.label().to_lowercase()),
            ));
        }
    }
    if let Some(c) = plan.ceased.filter(|c| c.on <= today) {
        history.push((c.on, "The EHC plan ended.".to_string()));
    }
    history.sort_by_key(|(d, _)| *d);
    let mut next = Vec::new();
    let stage = match plan_review_status(plan, &reviews, today) {
        None => "This EHC plan has ended.".to_string(),
        Some(status) => {
            let what = match status.state {
                ReviewState::AwaitingMeeting => "The plan's annual review meeting is held.",
                ReviewState::AwaitingDecision => "We tell you our decision after the review meeting.",
                ReviewState::InAmendment => "We issue the amended EHC plan.",
            };
            next.push(Next { what: what.into(), by: status.deadline.due, late: status.deadline.days_overdue > 0 });
            "The EHC plan is in place.".to_string()
        }
    };
    Standing { title: format!("EHC plan, issued {}", in_words(plan.issued_on)), stage, next, history }
}

/// The day a young person born on `born` ceases to be of compulsory school age: the last
/// Friday in June of the school year (1 September to 31 August) in which they turn 16
/// (Education Act 1996, s. 8, and the School Leaving Date Order 1997).
pub fn end_of_compulsory_school_age(born: Date) -> Date {
    let sixteen = born.checked_add(jiff::Span::new().years(16)).unwrap_or(born);
    let year = if sixteen.month() >= 9 { sixteen.year() + 1 } else { sixteen.year() };
    let mut day = jiff::civil::date(year, 6, 30);
    while day.weekday() != Weekday::Friday {
        day = add_days(day, -1);
    }
    day
}

/// Whether a young person born on `born` is over compulsory school age at `date` (and so may
/// have their own account, and decide whether their parents keep theirs).
pub fn is_over_compulsory_school_age(born: Date, date: Date) -> bool {
    date > end_of_compulsory_school_age(born)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Dated;
    use crate::testing::{advice, plan, request};
    use jiff::civil::date;

    #[test]
    fn a_request_says_its_stage_what_comes_next_by_when_and_when_it_is_late() {
        let mut cw = Casework::default();
        let mut r = request("R1", "C1", date(2026, 8, 3));
        let s = request_standing(&cw, &r, date(2026, 9, 1));
        assert_eq!(s.stage, "We are deciding whether to carry out an EHC needs assessment.");
        assert_eq!(s.next[0].by, date(2026, 9, 14));
        assert!(!s.next[0].late);
        assert!(request_standing(&cw, &r, date(2026, 9, 15)).next[0].late, "late is said when it is");
        r.decision = Some(Dated::new(AssessmentDecision::Assess, date(2026, 9, 10)));
        cw.advice.push_back(advice("A1", "R1", crate::codes::AdviceKind::Health, date(2026, 9, 11)));
        let s = request_standing(&cw, &r, date(2026, 10, 1));
        assert!(s.stage.contains("carrying out the EHC needs assessment"));
        assert_eq!(s.next.iter().map(|n| n.by).collect::<Vec<_>>(), [date(2026, 12, 6), date(2026, 12, 21)]);
        assert!(s.history.iter().any(|(d, w)| *d == date(2026, 9, 11) && w == "We asked for health advice."));
        r.draft_issued_on = Some(date(2026, 11, 20));
        let s = request_standing(&cw, &r, date(2026, 12, 4));
        assert_eq!(s.stage, "The draft EHC plan is with you. Tell us what you think by 4 December 2026.");
        assert_eq!(comments_end(date(2026, 11, 20)), date(2026, 12, 4), "15 days counting the day it was sent");
        assert_eq!(
            request_standing(&cw, &r, date(2026, 12, 5)).stage,
            "We are finishing the EHC plan after the draft."
        );
        assert_eq!(request_standing(&cw, &r, date(2026, 12, 22)).next.last().map(|n| n.late), Some(true));
    }

    #[test]
    fn a_plan_says_when_its_review_is_due() {
        let cw = Casework::default();
        let p = plan("P1", "C1", date(2025, 12, 1));
        let s = plan_standing(&cw, &p, date(2026, 11, 1));
        assert_eq!(s.next[0].by, date(2026, 11, 30));
        assert!(!s.next[0].late && plan_standing(&cw, &p, date(2026, 12, 1)).next[0].late);
    }

    #[test]
    fn compulsory_school_age_ends_on_the_last_friday_of_june_of_the_year_they_turn_sixteen() {
        // Born 10 March 2010: 16 on 10 March 2026, in the school year 2025-26: Friday 26 June 2026.
        assert_eq!(end_of_compulsory_school_age(date(2010, 3, 10)), date(2026, 6, 26));
        // Born 1 September 2010: 16 on 1 September 2026, in 2026-27: Friday 25 June 2027.
        assert_eq!(end_of_compulsory_school_age(date(2010, 9, 1)), date(2027, 6, 25));
        // Born 31 August 2010: 16 on 31 August 2026, still in 2025-26.
        assert_eq!(end_of_compulsory_school_age(date(2010, 8, 31)), date(2026, 6, 26));
        assert!(!is_over_compulsory_school_age(date(2010, 3, 10), date(2026, 6, 26)));
        assert!(is_over_compulsory_school_age(date(2010, 3, 10), date(2026, 6, 27)));
    }
}
