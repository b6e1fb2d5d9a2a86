//! feedback.csv: a complaint or a compliment.

use super::{Casework, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, FeedbackId};
use crate::rows::{Column, Row};
use jiff::civil::Date;

/// A complaint or a compliment.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub feedback_id: FeedbackId,
    pub kind: FeedbackKind,
    pub received_on: Date,
    pub child_id: Option<ChildId>,
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
        form: None,
        columns: &[
            Column::required("feedback_id"),
            Column::required("kind").code::<FeedbackKind>(),
            Column::required("received_on").date(),
            Column::optional("child_id").refers_to(RecordFile::Children),
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
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        self.child_id.as_ref().map(ToString::to_string)
    }

    fn read(row: &mut Row) -> Option<Feedback> {
        let feedback_id = row.req_string("feedback_id").map(FeedbackId::from);
        let kind = row.req("kind", FeedbackKind::parse);
        let received_on = row.req("received_on", parse_date);
        let child_id = row.opt_string("child_id").map(ChildId::from);
        Some(Feedback { feedback_id: feedback_id?, kind: kind?, received_on: received_on?, child_id })
    }
}
