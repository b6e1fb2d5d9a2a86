//! children.csv: a child or young person.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::ChildId;
use crate::rows::{Column, Personal, Row, code, text};
use jiff::civil::Date;

/// A child or young person.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub child_id: ChildId,
    pub upn: Option<String>,
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Date,
    pub sex: Option<Sex>,
    pub postcode: Option<String>,
    pub primary_need: Option<Need>,
    pub secondary_need: Option<Need>,
    pub uln: Option<String>,
    pub upn_unknown: Option<UpnUnknown>,
    pub ethnicity: Option<String>,
}

impl Record for Child {
    type Key = ChildId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Children,
        name: "child",
        file_name: "children.csv",
        table: "children",
        key: &["child_id"],
        versioned: true,
        form: Some(Form { slug: "details", noun: "child's details", id_prefix: "C" }),
        columns: &[
            Column::required("child_id"),
            Column::optional("upn")
                .label("Unique pupil number (UPN)")
                .hint("13 characters, for example A123456789012")
                .personal(Personal::Erased),
            Column::required("forename").label("First name").personal(Personal::Name),
            Column::required("surname").label("Last name").personal(Personal::Name),
            Column::required("date_of_birth")
                .date()
                .label("Date of birth")
                .hint("For example, 27 3 2015")
                .personal(Personal::Kept),
            Column::optional("sex").code::<Sex>().label("Sex"),
            Column::optional("postcode").label("Postcode").personal(Personal::Erased),
            Column::optional("primary_need").code::<Need>().label("Primary type of need"),
            Column::optional("secondary_need").code::<Need>().label("Secondary type of need"),
            Column::optional("uln").label("Unique learner number (ULN)").hint("10 digits").personal(Personal::Erased),
            Column::optional("upn_unknown").code::<UpnUnknown>().label("Reason the UPN is not known"),
            Column::optional("ethnicity")
                .label("Ethnicity")
                .hint("The DfE ethnicity code, for example WBRI")
                .personal(Personal::Erased),
        ],
    };

    fn key(&self) -> ChildId {
        self.child_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.child_id.to_string(),
            text(&self.upn).into(),
            self.forename.clone(),
            self.surname.clone(),
            self.date_of_birth.to_string(),
            code(self.sex),
            text(&self.postcode).into(),
            code(self.primary_need),
            code(self.secondary_need),
            text(&self.uln).into(),
            code(self.upn_unknown),
            text(&self.ethnicity).into(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Child> {
        let child_id = row.required("child_id").map(ChildId::from);
        let forename = row.req_string("forename");
        let surname = row.req_string("surname");
        let date_of_birth = row.req("date_of_birth", parse_date);
        let upn = row.opt_string("upn");
        let sex = row.opt("sex", Sex::parse);
        let postcode = row.opt_string("postcode");
        let primary_need = row.opt("primary_need", Need::parse);
        let secondary_need = row.opt("secondary_need", Need::parse);
        let uln = row.opt_string("uln");
        let upn_unknown = row.opt("upn_unknown", UpnUnknown::parse);
        let ethnicity = row.opt_string("ethnicity");
        Some(Child {
            child_id: child_id?,
            upn,
            forename: forename?,
            surname: surname?,
            date_of_birth: date_of_birth?,
            sex,
            postcode,
            primary_need,
            secondary_need,
            uln,
            upn_unknown,
            ethnicity,
        })
    }
}
