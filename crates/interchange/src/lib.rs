//! The case-history interchange format (`interchange.md`): a folder of CSV files, one per
//! record type. Reads a folder into [`Casework`](sendtrack_domain::records::Casework) with
//! every problem located as `file:line:column`, writes casework back to a folder, and
//! generates a realistic demo authority.

pub mod cohort;
pub mod demo;
pub mod dfe;
pub mod for_people;
pub mod forecast;
pub mod gias;
pub mod read;
pub mod scorecard;
pub mod sen2;
pub mod write;

pub use read::{FolderProblem, FolderRead, check_casework, read_folder};
pub use write::{write_folder, write_folder_for_people};
