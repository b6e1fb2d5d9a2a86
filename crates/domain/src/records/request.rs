//! requests.csv: a request for an EHC needs assessment, and the assessment that follows it.

use super::{Casework, Dated, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, RequestId, StaffId};
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// A request for an EHC needs assessment, and the assessment that follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub request_id: RequestId,
    pub child_id: ChildId,
    /// Day 0 of the statutory clock.
    pub received_on: Date,
    /// Who made the request; `None` when not known (a SEN2 return does not say).
    pub source: Option<RequestSource>,
    pub caseworker: Option<StaffId>,
    pub decision: Option<Dated<AssessmentDecision>>,
    pub draft_issued_on: Option<Date>,
    pub outcome: Option<Dated<AssessmentOutcome>>,
    pub exception: Option<TimeLimitException>,
    pub in_youth_accommodation: Option<bool>,
    /// The primary need the request was made for (issue 23): what requests by need count,
    /// so they do not move when the child's need is later recorded differently. `None`: the
    /// child's current primary need stands in.
    pub primary_need: Option<Need>,
}

impl Request {
    /// The decision, if one was notified on or before `date`.
    pub fn decision_as_at(&self, date: Date) -> Option<AssessmentDecision> {
        self.decision.filter(|d| d.on <= date).map(|d| d.value)
    }

    /// The outcome, if it was notified on or before `date`.
    pub fn outcome_as_at(&self, date: Date) -> Option<AssessmentOutcome> {
        self.outcome.filter(|o| o.on <= date).map(|o| o.value)
    }
}

impl Record for Request {
    type Key = RequestId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Requests,
        name: "request",
        file_name: "requests.csv",
        table: "requests",
        key: &["request_id"],
        versioned: true,
        form: Some(Form { slug: "requests", noun: "request for an EHC needs assessment", id_prefix: "R" }),
        columns: &[
            Column::required("request_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::required("received_on")
                .date()
                .label("Date the request was received")
                .hint("For example, 27 3 2026"),
            Column::present("source")
                .code::<RequestSource>()
                .label("Who made the request")
                .hint("Leave empty only when it is not known (a SEN2 return does not say)"),
            Column::optional("caseworker").label("Caseworker (staff id)"),
            Column::optional("decision")
                .code::<AssessmentDecision>()
                .label("Decision whether to assess")
                .hint("Leave empty until the decision is sent"),
            Column::optional("decided_on").date().label("Date the decision was sent"),
            Column::optional("draft_issued_on").date().label("Date the draft plan was issued"),
            Column::optional("outcome")
                .code::<AssessmentOutcome>()
                .label("Outcome of the assessment")
                .hint("Leave empty until the final plan or the decision not to issue one is sent"),
            Column::optional("outcome_on")
                .date()
                .label("Date the outcome was sent")
                .hint("For a plan, the date the final plan was issued"),
            Column::optional("exception").code::<TimeLimitException>().label("Exception to the 20-week time limit"),
            Column::optional("in_youth_accommodation")
                .flag()
                .label("Made while the young person was in youth accommodation"),
            Column::optional("primary_need")
                .code::<Need>()
                .label("Primary need the request was made for")
                .hint("Leave empty to count the request under the child's primary need"),
        ],
    };

    fn key(&self) -> RequestId {
        self.request_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.request_id.to_string(),
            self.child_id.to_string(),
            self.received_on.to_string(),
            code(self.source),
            text(&self.caseworker).into(),
            code(self.decision.map(|d| d.value)),
            date(self.decision.map(|d| d.on)),
            date(self.draft_issued_on),
            code(self.outcome.map(|o| o.value)),
            date(self.outcome.map(|o| o.on)),
            code(self.exception),
            code(self.in_youth_accommodation),
            code(self.primary_need),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Request> {
        let request_id = row.required("request_id").map(RequestId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let received_on = row.req("received_on", parse_date);
        let source = row.opt("source", RequestSource::parse);
        let caseworker = row.text("caseworker").map(StaffId::from);
        let decision = row.dated("decision", "decided_on", AssessmentDecision::parse);
        let draft_issued_on = row.opt("draft_issued_on", parse_date);
        let outcome = row.dated("outcome", "outcome_on", AssessmentOutcome::parse);
        let exception = row.opt("exception", TimeLimitException::parse);
        let in_youth_accommodation = row.opt("in_youth_accommodation", parse_flag);
        let primary_need = row.opt("primary_need", Need::parse);
        Some(Request {
            request_id: request_id?,
            child_id: child_id?,
            received_on: received_on?,
            source,
            caseworker,
            decision,
            draft_issued_on,
            outcome,
            exception,
            in_youth_accommodation,
            primary_need,
        })
    }
}
