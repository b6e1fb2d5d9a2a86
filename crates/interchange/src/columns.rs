//! The columns of each interchange file, in the order they are written, and whether the
//! spec requires them ("required: yes"). Columns "required with" another are optional here;
//! the pairing is checked cell by cell.

use sendtrack_domain::validation::RecordFile;

/// A column: its exact name and whether it must be present and filled in every row.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// The columns of `file`, in spec order.
pub fn columns(file: RecordFile) -> &'static [Column] {
    match file {
        RecordFile::Children => {
            const C: &[Column] = &[
                req("child_id"),
                opt("upn"),
                req("forename"),
                req("surname"),
                req("date_of_birth"),
                opt("sex"),
                opt("postcode"),
                opt("primary_need"),
                opt("secondary_need"),
                opt("uln"),
                opt("upn_unknown"),
                opt("ethnicity"),
            ];
            C
        }
        RecordFile::Requests => {
            const C: &[Column] = &[
                req("request_id"),
                req("child_id"),
                req("received_on"),
                req("source"),
                opt("caseworker"),
                opt("decision"),
                opt("decided_on"),
                opt("draft_issued_on"),
                opt("outcome"),
                opt("outcome_on"),
                opt("exception"),
                opt("in_youth_accommodation"),
            ];
            C
        }
        RecordFile::Advice => {
            const C: &[Column] = &[
                req("advice_id"),
                req("request_id"),
                req("kind"),
                opt("provider"),
                req("requested_on"),
                opt("received_on"),
            ];
            C
        }
        RecordFile::Plans => {
            const C: &[Column] = &[
                req("plan_id"),
                req("child_id"),
                opt("request_id"),
                req("issued_on"),
                opt("ceased_on"),
                opt("cease_reason"),
                opt("transferred_from"),
                opt("personal_budget"),
            ];
            C
        }
        RecordFile::Placements => {
            const C: &[Column] = &[
                req("placement_id"),
                req("child_id"),
                req("setting"),
                opt("urn"),
                opt("establishment"),
                req("started_on"),
                opt("ended_on"),
                opt("annual_cost"),
                opt("ukprn"),
                opt("rank"),
                opt("sen_unit"),
                opt("resourced_provision"),
            ];
            C
        }
        RecordFile::Reviews => {
            const C: &[Column] = &[
                req("review_id"),
                req("plan_id"),
                opt("meeting_on"),
                opt("decision"),
                opt("decided_on"),
                opt("amended_on"),
                opt("phase_transfer"),
            ];
            C
        }
        RecordFile::Disputes => {
            const C: &[Column] = &[
                req("dispute_id"),
                req("child_id"),
                req("kind"),
                opt("request_id"),
                req("opened_on"),
                opt("outcome"),
                opt("closed_on"),
            ];
            C
        }
        RecordFile::Feedback => {
            const C: &[Column] = &[
                req("feedback_id"),
                req("kind"),
                req("received_on"),
                opt("child_id"),
            ];
            C
        }
        RecordFile::Population => {
            const C: &[Column] = &[req("year"), req("age"), req("count")];
            C
        }
        RecordFile::Benchmarks => {
            const C: &[Column] = &[
                req("measure"),
                req("period"),
                req("comparator"),
                req("value"),
            ];
            C
        }
        RecordFile::Targets => {
            const C: &[Column] = &[req("measure"), req("target"), opt("due_on")];
            C
        }
    }
}
