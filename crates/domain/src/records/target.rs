//! targets.csv: the authority's own targets for its measures.

use super::{Record, RecordFile, RecordType};
use crate::dates::parse_date;
use crate::rows::{Column, Row, date, parse_text_number};
use jiff::civil::Date;

/// A local target for a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub measure: String,
    pub target: f64,
    pub due_on: Option<Date>,
}

impl Record for Target {
    type Key = (String, Option<Date>);

    const TYPE: RecordType = RecordType {
        file: RecordFile::Targets,
        name: "target",
        file_name: "targets.csv",
        table: "targets",
        key: &["measure", "due_on"],
        versioned: false,
        form: None,
        columns: &[Column::required("measure"), Column::decimal("target"), Column::optional("due_on").date()],
    };

    fn key(&self) -> Self::Key {
        (self.measure.clone(), self.due_on)
    }

    fn cells(&self) -> Vec<String> {
        vec![self.measure.clone(), self.target.to_string(), date(self.due_on)]
    }

    fn read(row: &mut Row) -> Option<Target> {
        let measure = row.req_string("measure");
        let target = row.req("target", parse_text_number);
        let due_on = row.opt("due_on", parse_date);
        Some(Target { measure: measure?, target: target?, due_on })
    }
}
