//! feedback.csv: a complaint or a compliment.

use super::{Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::rows::{Column, Row, text};
use jiff::civil::Date;

/// A complaint or a compliment.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub feedback_id: String,
    pub kind: FeedbackKind,
    pub received_on: Date,
    pub child_id: Option<String>,
}

impl Record for Feedback {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Feedback,
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

    fn key(&self) -> String {
        self.feedback_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![self.feedback_id.clone(), self.kind.to_string(), self.received_on.to_string(), text(&self.child_id).into()]
    }

    fn read(row: &mut Row) -> Option<Feedback> {
        let feedback_id = row.req_string("feedback_id");
        let kind = row.req("kind", FeedbackKind::parse);
        let received_on = row.req("received_on", parse_date);
        let child_id = row.opt_string("child_id");
        Some(Feedback { feedback_id: feedback_id?, kind: kind?, received_on: received_on?, child_id })
    }
}
