//! cohort_flags.csv (issue 22): what other services know about a child (in care, on a child
//! protection plan, NEET, in an apprenticeship, a health assessment overdue), with dates,
//! matched to the child from a person-level file (`sendtrack cohort import`).

use super::{Casework, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::rows::{Column, Row, date, text};
use jiff::civil::Date;

/// A flag over a span of days.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortFlag {
    pub child_id: String,
    pub flag: CohortFlagKind,
    pub started_on: Date,
    /// The last day it applied; `None` while it still does.
    pub ended_on: Option<Date>,
    /// The service that supplied it.
    pub source: Option<String>,
}

impl CohortFlag {
    /// Whether the flag applied at the end of `day`.
    pub fn applies_on(&self, day: Date) -> bool {
        self.started_on <= day && self.ended_on.is_none_or(|end| end >= day)
    }
}

impl Record for CohortFlag {
    type Key = (String, CohortFlagKind, Date);

    const TYPE: RecordType = RecordType {
        file: RecordFile::CohortFlags,
        name: "cohort flag",
        file_name: "cohort_flags.csv",
        table: "cohort_flags",
        key: &["child_id", "flag", "started_on"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::required("flag").code::<CohortFlagKind>(),
            Column::required("started_on").date(),
            Column::optional("ended_on").date(),
            Column::optional("source"),
        ],
    };

    fn key(&self) -> Self::Key {
        (self.child_id.clone(), self.flag, self.started_on)
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.child_id.clone(),
            self.flag.to_string(),
            self.started_on.to_string(),
            date(self.ended_on),
            text(&self.source).to_string(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.clone())
    }

    fn read(row: &mut Row) -> Option<CohortFlag> {
        let child_id = row.req_string("child_id");
        let flag = row.req("flag", CohortFlagKind::parse);
        let started_on = row.req("started_on", parse_date);
        let ended_on = row.opt("ended_on", parse_date);
        let source = row.opt_string("source");
        Some(CohortFlag { child_id: child_id?, flag: flag?, started_on: started_on?, ended_on, source })
    }
}
