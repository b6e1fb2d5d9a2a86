//! case_log.csv (issue 18): the chronology of a case - calls, emails, letters, meetings,
//! visits and notes on a child, each dated, with who it was with and what was said.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, ContactId, EntryId, PlanId, RequestId, ReviewId, StaffId};
use crate::rows::{Column, Personal, Row, code, text};
use jiff::civil::Date;

/// One entry of a child's case log.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseLogEntry {
    pub entry_id: EntryId,
    pub child_id: ChildId,
    pub on: Date,
    /// `HH:MM`, when known.
    pub time: Option<String>,
    pub kind: ContactKind,
    pub direction: Option<Direction>,
    /// Who it was with, in words: personal data.
    pub with_whom: Option<String>,
    /// The contact it was with (contacts.csv), when recorded.
    pub contact_id: Option<ContactId>,
    /// What was said or done: free text about a child, never logged.
    pub summary: String,
    pub request_id: Option<RequestId>,
    pub plan_id: Option<PlanId>,
    pub review_id: Option<ReviewId>,
    /// Who wrote it (a staff id).
    pub by: Option<StaffId>,
}

impl Record for CaseLogEntry {
    type Key = EntryId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::CaseLog,
        name: "case log entry",
        file_name: "case_log.csv",
        table: "case_log",
        key: &["entry_id"],
        versioned: true,
        form: Some(Form { slug: "log", noun: "case log entry", id_prefix: "E" }),
        columns: &[
            Column::required("entry_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::required("on").date().label("Date"),
            Column::optional("time").label("Time").hint("24-hour clock, for example 14:05"),
            Column::required("kind").code::<ContactKind>().label("Kind of contact"),
            Column::optional("direction").code::<Direction>().label("Which way"),
            Column::optional("with_whom")
                .label("Who it was with")
                .hint("For example, mother; the school's SENCo")
                .personal(Personal::Name),
            Column::optional("contact_id")
                .refers_to(RecordFile::Contacts)
                .label("The contact it was with")
                .hint("One of the child's contacts, when it was with one of them"),
            Column::required("summary").label("What was said or done").personal(Personal::Name),
            Column::optional("request_id").refers_to(RecordFile::Requests).label("About the request"),
            Column::optional("plan_id").refers_to(RecordFile::Plans).label("About the plan"),
            Column::optional("review_id").refers_to(RecordFile::Reviews).label("About the review"),
            Column::optional("by").label("Written by (staff id)"),
        ],
    };

    fn key(&self) -> EntryId {
        self.entry_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.entry_id.to_string(),
            self.child_id.to_string(),
            self.on.to_string(),
            text(&self.time).into(),
            code(Some(self.kind)),
            code(self.direction),
            text(&self.with_whom).into(),
            text(&self.contact_id).into(),
            self.summary.clone(),
            self.request_id.as_deref().unwrap_or_default().to_string(),
            self.plan_id.as_deref().unwrap_or_default().to_string(),
            self.review_id.as_deref().unwrap_or_default().to_string(),
            text(&self.by).into(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<CaseLogEntry> {
        let entry_id = row.required("entry_id").map(EntryId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let on = row.req("on", parse_date);
        let time = row.opt_string("time");
        let kind = row.req("kind", ContactKind::parse);
        let direction = row.opt("direction", Direction::parse);
        let with_whom = row.opt_string("with_whom");
        let contact_id = row.text("contact_id").map(ContactId::from);
        let summary = row.req_string("summary");
        let request_id = row.text("request_id").map(RequestId::from);
        let plan_id = row.text("plan_id").map(PlanId::from);
        let review_id = row.text("review_id").map(ReviewId::from);
        let by = row.text("by").map(StaffId::from);
        Some(CaseLogEntry {
            entry_id: entry_id?,
            child_id: child_id?,
            on: on?,
            time,
            kind: kind?,
            direction,
            with_whom,
            contact_id,
            summary: summary?,
            request_id,
            plan_id,
            review_id,
            by,
        })
    }
}
