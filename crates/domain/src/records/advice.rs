//! advice.csv: statutory advice requested during an assessment.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{AdviceId, OrganisationId, RequestId};
use crate::rows::{Column, Row, date, text};
use jiff::civil::Date;

/// Statutory advice requested during an assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub advice_id: AdviceId,
    pub request_id: RequestId,
    pub kind: AdviceKind,
    pub provider: Option<String>,
    pub requested_on: Date,
    pub received_on: Option<Date>,
    /// The organisation asked (organisations.csv, issue 19); `provider` keeps the words.
    pub organisation_id: Option<OrganisationId>,
}

impl Record for Advice {
    type Key = AdviceId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Advice,
        name: "advice",
        file_name: "advice.csv",
        table: "advice",
        key: &["advice_id"],
        versioned: true,
        form: Some(Form { slug: "advice", noun: "request for advice", id_prefix: "A" }),
        columns: &[
            Column::required("advice_id"),
            Column::required("request_id").refers_to(RecordFile::Requests).label("Request the advice is for"),
            Column::required("kind").code::<AdviceKind>().label("Kind of advice"),
            Column::optional("provider")
                .label("Who gives the advice")
                .hint("The team or service, for example Educational psychology service"),
            Column::required("requested_on").date().label("Date the advice was requested"),
            Column::optional("received_on")
                .date()
                .label("Date the advice was received")
                .hint("Leave empty until it arrives"),
            Column::optional("organisation_id").refers_to(RecordFile::Organisations).label("The organisation asked"),
        ],
    };

    fn key(&self) -> AdviceId {
        self.advice_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.advice_id.to_string(),
            self.request_id.to_string(),
            self.kind.to_string(),
            text(&self.provider).into(),
            self.requested_on.to_string(),
            date(self.received_on),
            self.organisation_id.as_deref().unwrap_or_default().to_string(),
        ]
    }

    fn child_id(&self, held: &Casework) -> Option<String> {
        held.requests.iter().find(|r| r.request_id == self.request_id).map(|r| r.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Advice> {
        let advice_id = row.required("advice_id").map(AdviceId::from);
        let request_id = row.required("request_id").map(RequestId::from);
        let kind = row.req("kind", AdviceKind::parse);
        let provider = row.opt_string("provider");
        let requested_on = row.req("requested_on", parse_date);
        let received_on = row.opt("received_on", parse_date);
        let organisation_id = row.text("organisation_id").map(OrganisationId::from);
        Some(Advice {
            advice_id: advice_id?,
            request_id: request_id?,
            kind: kind?,
            provider,
            requested_on: requested_on?,
            received_on,
            organisation_id,
        })
    }
}
