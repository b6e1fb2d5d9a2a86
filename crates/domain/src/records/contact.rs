//! contacts.csv (issue 18): the people around a child - parents and carers, the young person,
//! the school's SENCo, the social worker, health professionals - and how to reach them.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::identifiers::{ChildId, ContactId};
use crate::rows::{Column, Personal, Row, code, text};

/// One person around a child.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub contact_id: ContactId,
    pub child_id: ChildId,
    pub role: ContactRole,
    /// Their name: personal data.
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub preferred: Option<Preferred>,
    /// Whether they hold parental responsibility for the child.
    pub parental_responsibility: bool,
    /// The school, service or team they work for.
    pub organisation: Option<String>,
    /// The school's URN, for a SENCo (or a setting's).
    pub urn: Option<String>,
}

impl Record for Contact {
    type Key = ContactId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Contacts,
        name: "contact",
        file_name: "contacts.csv",
        table: "contacts",
        key: &["contact_id"],
        versioned: true,
        form: Some(Form { slug: "contacts", noun: "contact", id_prefix: "K" }),
        columns: &[
            Column::required("contact_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::required("role").code::<ContactRole>().label("Who they are to the child"),
            Column::required("name").label("Name").personal(Personal::Name),
            Column::optional("email").label("Email address").personal(Personal::Erased),
            Column::optional("phone").label("Phone number").personal(Personal::Erased),
            Column::optional("address").label("Postal address").personal(Personal::Erased),
            Column::optional("preferred").code::<Preferred>().label("How they prefer to be contacted"),
            Column::optional("parental_responsibility").flag().label("Has parental responsibility"),
            Column::optional("organisation").label("Organisation").hint("The school, service or team"),
            Column::optional("urn")
                .label("School URN")
                .hint("6 digits; search for a school's URN under Schools and settings"),
        ],
    };

    fn key(&self) -> ContactId {
        self.contact_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.contact_id.to_string(),
            self.child_id.to_string(),
            code(Some(self.role)),
            self.name.clone(),
            text(&self.email).into(),
            text(&self.phone).into(),
            text(&self.address).into(),
            code(self.preferred),
            if self.parental_responsibility { "true".into() } else { String::new() },
            text(&self.organisation).into(),
            text(&self.urn).into(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Contact> {
        let contact_id = row.required("contact_id").map(ContactId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let role = row.req("role", ContactRole::parse);
        let name = row.req_string("name");
        let email = row.opt_string("email");
        let phone = row.opt_string("phone");
        let address = row.opt_string("address");
        let preferred = row.opt("preferred", Preferred::parse);
        let parental_responsibility = row.opt("parental_responsibility", parse_flag).unwrap_or(false);
        let organisation = row.opt_string("organisation");
        let urn = row.opt_string("urn");
        Some(Contact {
            contact_id: contact_id?,
            child_id: child_id?,
            role: role?,
            name: name?,
            email,
            phone,
            address,
            preferred,
            parental_responsibility,
            organisation,
            urn,
        })
    }
}
