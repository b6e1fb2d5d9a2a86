//! feedback.csv: a complaint or a compliment.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, FeedbackId};
use crate::rows::{Column, Row, code};
use jiff::civil::Date;

/// A complaint or a compliment.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub feedback_id: FeedbackId,
    pub kind: FeedbackKind,
    pub received_on: Date,
    pub child_id: Option<ChildId>,
    /// What a complaint is about (issue 18).
    pub subject: Option<ComplaintSubject>,
    /// How far a complaint has gone.
    pub stage: Option<ComplaintStage>,
    /// What the Ombudsman decided, for a complaint that went to them.
    pub ombudsman_outcome: Option<OmbudsmanOutcome>,
}

impl Record for Feedback {
    type Key = FeedbackId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Feedback,
        name: "feedback",
        file_name: "feedback.csv",
        table: "feedback",
        key: &["feedback_id"],
        versioned: true,
        form: Some(Form { slug: "feedback", noun: "complaint or compliment", id_prefix: "F" }),
        columns: &[
            Column::required("feedback_id"),
            Column::required("kind").code::<FeedbackKind>().label("Complaint or compliment"),
            Column::required("received_on").date().label("Date received"),
            Column::optional("child_id").refers_to(RecordFile::Children),
            Column::optional("subject").code::<ComplaintSubject>().label("What the complaint is about"),
            Column::optional("stage").code::<ComplaintStage>().label("Stage the complaint has reached"),
            Column::optional("ombudsman_outcome")
                .code::<OmbudsmanOutcome>()
                .label("The Ombudsman's decision")
                .hint("Once the complaint has gone to the Ombudsman and they have decided"),
        ],
    };

    fn key(&self) -> FeedbackId {
        self.feedback_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.feedback_id.to_string(),
            self.kind.to_string(),
            self.received_on.to_string(),
            self.child_id.as_deref().unwrap_or_default().to_string(),
            code(self.subject),
            code(self.stage),
            code(self.ombudsman_outcome),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        self.child_id.as_ref().map(ToString::to_string)
    }

    fn read(row: &mut Row) -> Option<Feedback> {
        let feedback_id = row.required("feedback_id").map(FeedbackId::from);
        let kind = row.req("kind", FeedbackKind::parse);
        let received_on = row.req("received_on", parse_date);
        let child_id = row.text("child_id").map(ChildId::from);
        let subject = row.opt("subject", ComplaintSubject::parse);
        let stage = row.opt("stage", ComplaintStage::parse);
        let ombudsman_outcome = row.opt("ombudsman_outcome", OmbudsmanOutcome::parse);
        Some(Feedback {
            feedback_id: feedback_id?,
            kind: kind?,
            received_on: received_on?,
            child_id,
            subject,
            stage,
            ombudsman_outcome,
        })
    }
}
