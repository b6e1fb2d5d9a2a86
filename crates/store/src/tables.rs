//! The tables of the casework schema: one per record type, named, keyed and versioned as the
//! record type's declaration in the domain says.

use sendtrack_domain::records::RecordFile;
pub use sendtrack_domain::records::RecordType as Table;

/// Every casework table, in [`RecordFile::ALL`] order (parents before children, so inserts
/// satisfy the foreign keys).
pub fn tables() -> impl Iterator<Item = &'static Table> {
    RecordFile::ALL.into_iter().map(RecordFile::declaration)
}
