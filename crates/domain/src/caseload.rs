//! What is open and overdue as at a date, across the whole caseload: the counts a team
//! manager looks at each morning, from the statutory clock.

use crate::clock::{
    AdviceStatus, RequestStage, RequestStatus, ReviewState, advice_status, plan_review_status, request_status,
};
use crate::codes::AdviceKind;
use crate::records::{Casework, Request, Review};
use jiff::civil::Date;
use std::collections::HashMap;

/// Counts of open and overdue work as at one date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseloadSummary {
    pub requests_awaiting_decision: usize,
    pub decisions_overdue: usize,
    pub assessments_in_progress: usize,
    /// Open requests past 20 weeks (140 days) from receipt.
    pub requests_past_20_weeks: usize,
    /// Outstanding advice, and how much of it is overdue, by kind (in code-list order).
    pub advice_outstanding: Vec<(AdviceKind, usize, usize)>,
    pub plans_active: usize,
    /// Overdue reviews of active plans, by state (in [`ReviewState::ALL`] order).
    pub reviews_overdue: Vec<(ReviewState, usize)>,
}

/// Indexes the records by the ids other records refer to.
pub struct CaseIndex<'a> {
    pub requests: HashMap<&'a str, &'a Request>,
    pub reviews_by_plan: HashMap<&'a str, Vec<&'a Review>>,
}

impl<'a> CaseIndex<'a> {
    pub fn new(cw: &'a Casework) -> CaseIndex<'a> {
        let requests = cw.requests.iter().map(|r| (r.request_id.as_str(), r)).collect();
        let mut reviews_by_plan: HashMap<&str, Vec<&Review>> = HashMap::new();
        for r in &cw.reviews {
            reviews_by_plan.entry(r.plan_id.as_str()).or_default().push(r);
        }
        CaseIndex { requests, reviews_by_plan }
    }

    pub fn reviews_of(&self, plan_id: &str) -> &[&'a Review] {
        self.reviews_by_plan.get(plan_id).map_or(&[], |v| v.as_slice())
    }
}

/// Counts open and overdue work as at the end of `date`.
pub fn summarise(cw: &Casework, date: Date) -> CaseloadSummary {
    let index = CaseIndex::new(cw);
    let mut s = CaseloadSummary::default();
    for r in &cw.requests {
        if let RequestStatus::Open { stage, deadline, days_open } = request_status(r, date) {
            match stage {
                RequestStage::AwaitingDecision => {
                    s.requests_awaiting_decision += 1;
                    s.decisions_overdue += usize::from(deadline.is_overdue());
                }
                RequestStage::Assessing => s.assessments_in_progress += 1,
            }
            s.requests_past_20_weeks += usize::from(days_open > 140);
        }
    }
    s.advice_outstanding = AdviceKind::ALL.iter().map(|&k| (k, 0, 0)).collect();
    for a in &cw.advice {
        let Some(request) = index.requests.get(a.request_id.as_str()) else {
            continue;
        };
        if let AdviceStatus::Outstanding(deadline) = advice_status(a, request, date)
            && let Some(row) = s.advice_outstanding.iter_mut().find(|(k, _, _)| *k == a.kind)
        {
            row.1 += 1;
            row.2 += usize::from(deadline.is_overdue());
        }
    }
    s.reviews_overdue = ReviewState::ALL.iter().map(|&st| (st, 0)).collect();
    for p in &cw.plans {
        if let Some(status) = plan_review_status(p, index.reviews_of(&p.plan_id), date) {
            s.plans_active += 1;
            if status.deadline.is_overdue()
                && let Some(row) = s.reviews_overdue.iter_mut().find(|(st, _)| *st == status.state)
            {
                row.1 += 1;
            }
        }
    }
    s
}
