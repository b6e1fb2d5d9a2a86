//! The tables of the casework schema: which record file each holds and its key.

use sendtrack_domain::validation::RecordFile;

pub struct Table {
    pub name: &'static str,
    pub file: RecordFile,
    /// The columns that identify a record: its id, or the natural key.
    pub key: &'static [&'static str],
}

/// Every casework table, in [`RecordFile::ALL`] order (parents before children, so inserts
/// satisfy the foreign keys).
pub const TABLES: [Table; 11] = [
    Table { name: "children", file: RecordFile::Children, key: &["child_id"] },
    Table { name: "requests", file: RecordFile::Requests, key: &["request_id"] },
    Table { name: "advice", file: RecordFile::Advice, key: &["advice_id"] },
    Table { name: "plans", file: RecordFile::Plans, key: &["plan_id"] },
    Table { name: "placements", file: RecordFile::Placements, key: &["placement_id"] },
    Table { name: "reviews", file: RecordFile::Reviews, key: &["review_id"] },
    Table { name: "disputes", file: RecordFile::Disputes, key: &["dispute_id"] },
    Table { name: "feedback", file: RecordFile::Feedback, key: &["feedback_id"] },
    Table { name: "population", file: RecordFile::Population, key: &["year", "age"] },
    Table { name: "benchmarks", file: RecordFile::Benchmarks, key: &["measure", "period", "comparator"] },
    Table { name: "targets", file: RecordFile::Targets, key: &["measure", "due_on"] },
];
