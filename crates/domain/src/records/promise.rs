//! promises.csv (issue 18): how often a family is promised an update while a request is open,
//! in working days. A row without a child is the authority's standard; a child's own row
//! changes it for them.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::identifiers::{ChildId, PromiseId};
use crate::rows::{Column, Row, parse_whole};

/// A communication promise.
#[derive(Debug, Clone, PartialEq)]
pub struct Promise {
    pub promise_id: PromiseId,
    /// The child it is for; `None` for the authority's standard.
    pub child_id: Option<ChildId>,
    /// An update at least every this many working days.
    pub working_days: u32,
}

/// The authority's standard when it has not set one: an update at least every 20 working days.
pub const STANDARD_WORKING_DAYS: u32 = 20;

impl Record for Promise {
    type Key = PromiseId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Promises,
        name: "communication promise",
        file_name: "promises.csv",
        table: "promises",
        key: &["promise_id"],
        versioned: true,
        form: Some(Form { slug: "promise", noun: "communication promise", id_prefix: "M" }),
        columns: &[
            Column::required("promise_id"),
            Column::optional("child_id").refers_to(RecordFile::Children),
            Column::whole("working_days")
                .label("An update at least every (working days)")
                .hint("From 1 to 65; the authority's standard is usually 20"),
        ],
    };

    fn key(&self) -> PromiseId {
        self.promise_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.promise_id.to_string(),
            self.child_id.as_deref().unwrap_or_default().to_string(),
            self.working_days.to_string(),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        self.child_id.as_ref().map(ToString::to_string)
    }

    fn read(row: &mut Row) -> Option<Promise> {
        let promise_id = row.required("promise_id").map(PromiseId::from);
        let child_id = row.text("child_id").map(ChildId::from);
        let working_days = row.req("working_days", parse_whole::<u32>("a whole number of working days"));
        Some(Promise { promise_id: promise_id?, child_id, working_days: working_days? })
    }
}

/// The promise that holds for `child_id`: their own, else the authority's standard, else
/// [`STANDARD_WORKING_DAYS`].
pub fn promised_working_days<'a>(promises: impl IntoIterator<Item = &'a Promise>, child_id: &str) -> u32 {
    let mut standard = None;
    for p in promises {
        match p.child_id.as_deref() {
            Some(c) if c == child_id => return p.working_days,
            None => standard = Some(p.working_days),
            Some(_) => {}
        }
    }
    standard.unwrap_or(STANDARD_WORKING_DAYS)
}
