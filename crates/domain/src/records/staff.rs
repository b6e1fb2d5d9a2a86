//! staff.csv: the people who work cases, one row per person.

use super::{Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{Fte, PostId, StaffId};
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// A member of staff.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    pub staff_id: StaffId,
    pub name: String,
    pub email: Option<String>,
    pub role: StaffRole,
    pub team: Option<String>,
    pub fte: Fte,
    pub contract: Contract,
    pub post_id: Option<PostId>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

impl StaffMember {
    /// In post at `date`: started on or before it, and not ended before it (a leaver is in
    /// post on their last day).
    pub fn is_in_post_at(&self, date: Date) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|end| end >= date)
    }
}

impl Record for StaffMember {
    type Key = StaffId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Staff,
        name: "member of staff",
        file_name: "staff.csv",
        table: "staff",
        key: &["staff_id"],
        versioned: true,
        form: None,
        columns: &[
            Column::required("staff_id")
                .label("Staff id")
                .hint("The id that caseworker columns hold, for example cw014"),
            Column::required("name").label("Name"),
            Column::optional("email").label("Email address").hint("Links the person to their sign-in account"),
            Column::required("role").code::<StaffRole>().label("Role"),
            Column::optional("team").label("Team").hint("For example, Early years and primary"),
            Column::required("fte").label("Full-time equivalent").hint("From 0.01 to 1.00, for example 0.6"),
            Column::required("contract").code::<Contract>().label("Contract"),
            Column::optional("post_id").refers_to(RecordFile::Posts).label("Post"),
            Column::required("started_on").date().label("Started on"),
            Column::optional("ended_on").date().label("Left on").hint("Their last day; leave empty while in post"),
        ],
    };

    fn key(&self) -> StaffId {
        self.staff_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.staff_id.to_string(),
            self.name.clone(),
            text(&self.email).into(),
            code(Some(self.role)),
            text(&self.team).into(),
            self.fte.as_str().to_string(),
            code(Some(self.contract)),
            self.post_id.as_deref().unwrap_or_default().to_string(),
            self.started_on.to_string(),
            date(self.ended_on),
        ]
    }

    fn read(row: &mut Row) -> Option<StaffMember> {
        let staff_id = row.required("staff_id").map(StaffId::from);
        let name = row.req_string("name");
        let email = row.opt_string("email");
        let role = row.req("role", StaffRole::parse);
        let team = row.opt_string("team");
        let fte = row.req("fte", Fte::parse);
        let contract = row.req("contract", Contract::parse);
        let post_id = row.text("post_id").map(PostId::from);
        let started_on = row.req("started_on", parse_date);
        let ended_on = row.opt("ended_on", parse_date);
        Some(StaffMember {
            staff_id: staff_id?,
            name: name?,
            email,
            role: role?,
            team,
            fte: fte?,
            contract: contract?,
            post_id,
            started_on: started_on?,
            ended_on,
        })
    }
}
