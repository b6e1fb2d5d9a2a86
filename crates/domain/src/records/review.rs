//! reviews.csv: an annual review of a plan.

use super::{Casework, Dated, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{PlanId, ReviewId};
use crate::rows::{Column, Row, code, date};
use jiff::civil::Date;

/// An annual review of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub review_id: ReviewId,
    pub plan_id: PlanId,
    pub meeting_on: Option<Date>,
    pub decision: Option<Dated<ReviewDecision>>,
    pub amended_on: Option<Date>,
    pub phase_transfer: Option<PhaseTransfer>,
}

impl Record for Review {
    type Key = ReviewId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Reviews,
        name: "review",
        file_name: "reviews.csv",
        table: "reviews",
        key: &["review_id"],
        versioned: true,
        form: Some(Form { slug: "reviews", noun: "annual review", id_prefix: "V" }),
        columns: &[
            Column::required("review_id"),
            Column::required("plan_id").refers_to(RecordFile::Plans).label("Plan reviewed"),
            Column::optional("meeting_on").date().label("Date of the review meeting"),
            Column::optional("decision")
                .code::<ReviewDecision>()
                .label("Decision after the review")
                .hint("Leave empty until the decision is sent"),
            Column::optional("decided_on").date().label("Date the decision was sent"),
            Column::optional("amended_on").date().label("Date the amended plan was issued"),
            Column::optional("phase_transfer").code::<PhaseTransfer>().label("Phase transfer review"),
        ],
    };

    fn key(&self) -> ReviewId {
        self.review_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.review_id.to_string(),
            self.plan_id.to_string(),
            date(self.meeting_on),
            code(self.decision.map(|d| d.value)),
            date(self.decision.map(|d| d.on)),
            date(self.amended_on),
            code(self.phase_transfer),
        ]
    }

    fn child_id(&self, held: &Casework) -> Option<String> {
        held.plans.iter().find(|p| p.plan_id == self.plan_id).map(|p| p.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Review> {
        let review_id = row.required("review_id").map(ReviewId::from);
        let plan_id = row.required("plan_id").map(PlanId::from);
        let meeting_on = row.opt("meeting_on", parse_date);
        let decision = row.dated("decision", "decided_on", ReviewDecision::parse);
        let amended_on = row.opt("amended_on", parse_date);
        let phase_transfer = row.opt("phase_transfer", PhaseTransfer::parse);
        Some(Review { review_id: review_id?, plan_id: plan_id?, meeting_on, decision, amended_on, phase_transfer })
    }
}
