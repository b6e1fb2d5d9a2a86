//! organisations.csv (issue 19): the advice givers (the educational psychology service, health
//! trusts, social care teams) and settings (schools and colleges, by URN), each with a team
//! inbox that tasks and digests go to.

use super::{Casework, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::identifiers::OrganisationId;
use crate::rows::{Column, Row, code, text};

/// An organisation the authority works with.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub organisation_id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    /// The team inbox.
    pub email: Option<String>,
    /// A setting's URN.
    pub urn: Option<String>,
}

impl Record for Organisation {
    type Key = OrganisationId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Organisations,
        name: "organisation",
        file_name: "organisations.csv",
        table: "organisations",
        key: &["organisation_id"],
        versioned: true,
        form: None,
        columns: &[
            Column::required("organisation_id")
                .label("Organisation id")
                .hint("A short id of your choosing, for example eps"),
            Column::required("name").label("Name"),
            Column::required("kind").code::<OrganisationKind>().label("Kind of organisation"),
            Column::optional("email").label("Team inbox").hint("The shared e-mail address tasks and reminders go to"),
            Column::optional("urn").label("URN").hint("For a school or college: its 6-digit URN"),
        ],
    };

    fn key(&self) -> OrganisationId {
        self.organisation_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.organisation_id.to_string(),
            self.name.clone(),
            code(Some(self.kind)),
            text(&self.email).into(),
            text(&self.urn).into(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        None
    }

    fn read(row: &mut Row) -> Option<Organisation> {
        let organisation_id = row.required("organisation_id").map(OrganisationId::from);
        let name = row.req_string("name");
        let kind = row.req("kind", OrganisationKind::parse);
        let email = row.opt_string("email");
        let urn = row.opt_string("urn");
        Some(Organisation { organisation_id: organisation_id?, name: name?, kind: kind?, email, urn })
    }
}
