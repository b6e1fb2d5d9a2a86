//! plans.csv: an EHC plan.

use super::{Casework, Dated, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{ChildId, PlanId, RequestId, StaffId};
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// An EHC plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub plan_id: PlanId,
    pub child_id: ChildId,
    pub request_id: Option<RequestId>,
    pub issued_on: Date,
    pub ceased: Option<Dated<CeaseReason>>,
    pub transferred_from: Option<String>,
    pub personal_budget: Option<PersonalBudget>,
    /// The member of staff who holds the plan for its reviews (a `staff_id`); when empty, the
    /// caseworker of the request it came from holds it.
    pub caseworker: Option<StaffId>,
}

impl Plan {
    /// Who holds the plan (issue 17): its own caseworker, else the caseworker of the request
    /// it came from, which `request_caseworker` gives by request id.
    pub fn holder<'a>(&'a self, request_caseworker: impl Fn(&str) -> Option<&'a str>) -> Option<&'a str> {
        self.caseworker.as_deref().or_else(|| request_caseworker(self.request_id.as_deref()?))
    }

    /// Active as at `date`: issued on or before it and not ceased by it.
    pub fn is_active_at(&self, date: Date) -> bool {
        self.issued_on <= date && self.ceased.is_none_or(|c| c.on > date)
    }

    /// The last day the plan was in force, once it has ceased: the day before its cease date.
    pub fn last_day_in_force(&self) -> Option<Date> {
        self.ceased.map(|c| crate::dates::add_days(c.on, -1).max(self.issued_on))
    }
}

impl Record for Plan {
    type Key = PlanId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Plans,
        name: "plan",
        file_name: "plans.csv",
        table: "plans",
        key: &["plan_id"],
        versioned: true,
        form: Some(Form { slug: "plans", noun: "EHC plan", id_prefix: "P" }),
        columns: &[
            Column::required("plan_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::optional("request_id").refers_to(RecordFile::Requests).label("Request the plan came from"),
            Column::required("issued_on").date().label("Date the final plan was issued"),
            Column::optional("ceased_on")
                .date()
                .label("Date the plan ceased")
                .hint("Leave empty while the plan is in force"),
            Column::optional("cease_reason").code::<CeaseReason>().label("Reason the plan ceased"),
            Column::optional("transferred_from")
                .label("Transferred in from local authority")
                .hint("The 3-digit LA number"),
            Column::optional("personal_budget").code::<PersonalBudget>().label("Personal budget"),
            Column::optional("caseworker")
                .label("Caseworker (staff id)")
                .hint("Who holds the plan for its reviews; leave empty for the request's caseworker"),
        ],
    };

    fn key(&self) -> PlanId {
        self.plan_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.plan_id.to_string(),
            self.child_id.to_string(),
            self.request_id.as_deref().unwrap_or_default().to_string(),
            self.issued_on.to_string(),
            date(self.ceased.map(|c| c.on)),
            code(self.ceased.map(|c| c.value)),
            text(&self.transferred_from).into(),
            code(self.personal_budget),
            text(&self.caseworker).into(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Plan> {
        let plan_id = row.required("plan_id").map(PlanId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let request_id = row.text("request_id").map(RequestId::from);
        let issued_on = row.req("issued_on", parse_date);
        let ceased = row.dated("cease_reason", "ceased_on", CeaseReason::parse);
        let transferred_from = row.opt_string("transferred_from");
        let personal_budget = row.opt("personal_budget", PersonalBudget::parse);
        let caseworker = row.text("caseworker").map(StaffId::from);
        Some(Plan {
            plan_id: plan_id?,
            child_id: child_id?,
            request_id,
            issued_on: issued_on?,
            ceased,
            transferred_from,
            personal_budget,
            caseworker,
        })
    }
}
