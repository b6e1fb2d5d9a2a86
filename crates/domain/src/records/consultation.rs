//! consultations.csv (issue 19): a setting consulted about being named in a draft or amended
//! plan, which has 15 days (counting the day it is sent) to answer.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, ConsultationId, OrganisationId, RequestId, ReviewId};
use crate::rows::{Column, Row, code, date};
use jiff::civil::Date;

/// A consultation of a setting.
#[derive(Debug, Clone, PartialEq)]
pub struct Consultation {
    pub consultation_id: ConsultationId,
    pub child_id: ChildId,
    /// The request whose draft plan would name the setting...
    pub request_id: Option<RequestId>,
    /// ...or the review whose amended plan would.
    pub review_id: Option<ReviewId>,
    pub organisation_id: OrganisationId,
    pub sent_on: Date,
    pub responded_on: Option<Date>,
    pub response: Option<ConsultationResponse>,
}

/// The days a setting has to answer, counting the day the consultation is sent (SEND
/// Regulations 2014, regs. 13(2)(b) and 22(2)(c)'s 15 days).
pub const CONSULTATION_DAYS: i64 = 15;

impl Consultation {
    /// The last day of the 15 (day 1 is the day it was sent).
    pub fn due_on(&self) -> Date {
        crate::dates::add_days(self.sent_on, CONSULTATION_DAYS - 1)
    }

    /// Sent on or before `date`, not answered by it, and past its last day.
    pub fn is_overdue_at(&self, date: Date) -> bool {
        self.sent_on <= date && self.responded_on.is_none_or(|r| r > date) && date > self.due_on()
    }
}

impl Record for Consultation {
    type Key = ConsultationId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Consultations,
        name: "consultation",
        file_name: "consultations.csv",
        table: "consultations",
        key: &["consultation_id"],
        versioned: true,
        form: Some(Form { slug: "consultations", noun: "consultation of a setting", id_prefix: "Q" }),
        columns: &[
            Column::required("consultation_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::optional("request_id").refers_to(RecordFile::Requests).label("About the draft plan of request"),
            Column::optional("review_id").refers_to(RecordFile::Reviews).label("About the amended plan after review"),
            Column::required("organisation_id").refers_to(RecordFile::Organisations).label("The setting consulted"),
            Column::required("sent_on").date().label("Date the consultation was sent"),
            Column::optional("responded_on")
                .date()
                .label("Date the setting answered")
                .hint("Leave empty until it does"),
            Column::optional("response").code::<ConsultationResponse>().label("The setting's answer"),
        ],
    };

    fn key(&self) -> ConsultationId {
        self.consultation_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.consultation_id.to_string(),
            self.child_id.to_string(),
            self.request_id.as_deref().unwrap_or_default().to_string(),
            self.review_id.as_deref().unwrap_or_default().to_string(),
            self.organisation_id.to_string(),
            self.sent_on.to_string(),
            date(self.responded_on),
            code(self.response),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Consultation> {
        let consultation_id = row.required("consultation_id").map(ConsultationId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let request_id = row.text("request_id").map(RequestId::from);
        let review_id = row.text("review_id").map(ReviewId::from);
        let organisation_id = row.required("organisation_id").map(OrganisationId::from);
        let sent_on = row.req("sent_on", parse_date);
        let responded_on = row.opt("responded_on", parse_date);
        let response = row.opt("response", ConsultationResponse::parse);
        Some(Consultation {
            consultation_id: consultation_id?,
            child_id: child_id?,
            request_id,
            review_id,
            organisation_id: organisation_id?,
            sent_on: sent_on?,
            responded_on,
            response,
        })
    }
}
