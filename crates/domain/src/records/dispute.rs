//! disputes.csv: mediation or a SEND Tribunal appeal.

use super::{Casework, Dated, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, DisputeId, RequestId};
use crate::rows::{Column, Row, code, date};
use jiff::civil::Date;

/// Mediation or a SEND Tribunal appeal.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispute {
    pub dispute_id: DisputeId,
    pub child_id: ChildId,
    pub kind: DisputeKind,
    pub request_id: Option<RequestId>,
    /// Mediation held or appeal registered; `None` only for a dispute known from a SEN2 flag
    /// on its request, which carries no date (then `request_id` is always filled).
    pub opened_on: Option<Date>,
    pub outcome: Option<Dated<DisputeOutcome>>,
}

impl Record for Dispute {
    type Key = DisputeId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Disputes,
        name: "dispute",
        file_name: "disputes.csv",
        table: "disputes",
        key: &["dispute_id"],
        versioned: true,
        form: Some(Form { slug: "disputes", noun: "mediation or appeal", id_prefix: "D" }),
        columns: &[
            Column::required("dispute_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::required("kind").code::<DisputeKind>().label("Kind"),
            Column::optional("request_id").refers_to(RecordFile::Requests).label("Request it is about"),
            Column::present("opened_on").date().label("Date it began").hint(
                "Leave empty only when it is known from a SEN2 return, which gives no date, and the request is named",
            ),
            Column::optional("outcome").code::<DisputeOutcome>().label("Outcome"),
            Column::optional("closed_on").date().label("Date it concluded"),
        ],
    };

    fn key(&self) -> DisputeId {
        self.dispute_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.dispute_id.to_string(),
            self.child_id.to_string(),
            self.kind.to_string(),
            self.request_id.as_deref().unwrap_or_default().to_string(),
            date(self.opened_on),
            code(self.outcome.map(|o| o.value)),
            date(self.outcome.map(|o| o.on)),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Dispute> {
        let dispute_id = row.required("dispute_id").map(DisputeId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let kind = row.req("kind", DisputeKind::parse);
        let request_id = row.text("request_id").map(RequestId::from);
        let opened_on = row.opt("opened_on", parse_date);
        if request_id.is_none() && row.text("opened_on").is_none() {
            row.problem("opened_on", "opened_on is required when request_id is empty");
        }
        let outcome = row.dated("outcome", "closed_on", DisputeOutcome::parse);
        Some(Dispute { dispute_id: dispute_id?, child_id: child_id?, kind: kind?, request_id, opened_on, outcome })
    }
}
