//! The tables of the casework schema: which record file each holds and its key.

use sendtrack_domain::validation::RecordFile;

pub struct Table {
    pub name: &'static str,
    pub file: RecordFile,
    /// The columns that identify a record: its id, or the natural key.
    pub key: &'static [&'static str],
    /// Whether rows carry a version raised by every change.
    pub versioned: bool,
}

/// Every casework table, in [`RecordFile::ALL`] order (parents before children, so inserts
/// satisfy the foreign keys).
const VERSIONED: bool = true;
const UNVERSIONED: bool = false;

pub const TABLES: [Table; 11] = [
    Table { name: "children", file: RecordFile::Children, key: &["child_id"], versioned: VERSIONED },
    Table { name: "requests", file: RecordFile::Requests, key: &["request_id"], versioned: VERSIONED },
    Table { name: "advice", file: RecordFile::Advice, key: &["advice_id"], versioned: VERSIONED },
    Table { name: "plans", file: RecordFile::Plans, key: &["plan_id"], versioned: VERSIONED },
    Table { name: "placements", file: RecordFile::Placements, key: &["placement_id"], versioned: VERSIONED },
    Table { name: "reviews", file: RecordFile::Reviews, key: &["review_id"], versioned: VERSIONED },
    Table { name: "disputes", file: RecordFile::Disputes, key: &["dispute_id"], versioned: VERSIONED },
    Table { name: "feedback", file: RecordFile::Feedback, key: &["feedback_id"], versioned: VERSIONED },
    Table { name: "population", file: RecordFile::Population, key: &["year", "age"], versioned: UNVERSIONED },
    Table {
        name: "benchmarks",
        file: RecordFile::Benchmarks,
        key: &["measure", "period", "comparator"],
        versioned: UNVERSIONED,
    },
    Table { name: "targets", file: RecordFile::Targets, key: &["measure", "due_on"], versioned: UNVERSIONED },
];
