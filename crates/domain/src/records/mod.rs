//! The casework records of the interchange format. Each record type is declared once, in its
//! own module here: its struct, and its [`Record`] impl, which says everything else about it:
//! its file and table, its key, its columns (required or not, codes, references, labels and
//! hints for forms, which are personal data), and how a record is written as cells and read
//! back. Reading and writing files, the store's tables, the forms and erasure all work from
//! that declaration; [`record_types!`] lists the types once and makes the rest.
//!
//! A code that must come with its date ("required: with") is held as one [`Dated`] value, so
//! a decision without a date cannot exist in memory.

mod advice;
mod audit;
mod benchmark;
mod case_log;
mod child;
mod cohort;
mod commentary;
mod consultation;
mod contact;
mod dispute;
mod feedback;
mod indicator;
mod organisation;
mod placement;
mod plan;
mod plan_setting;
mod population;
mod post;
mod promise;
mod request;
mod review;
mod staff;
mod strand;
mod target;
mod task;

pub use advice::Advice;
pub use audit::{AuditAnswer, AuditQuestion, QualityAudit};
pub use benchmark::{Benchmark, BenchmarkPeriod};
pub use case_log::CaseLogEntry;
pub use child::Child;
pub use cohort::CohortFlag;
pub use commentary::{Commentary, SignedFigure};
pub use consultation::{CONSULTATION_DAYS, Consultation};
pub use contact::Contact;
pub use dispute::Dispute;
pub use feedback::Feedback;
pub use indicator::{Indicator, IndicatorValue};
pub use organisation::Organisation;
pub use placement::Placement;
pub use plan::Plan;
pub use plan_setting::PlanSetting;
pub use population::PopulationCount;
pub use post::Post;
pub use promise::{Promise, STANDARD_WORKING_DAYS, promised_working_days};
pub use request::Request;
pub use review::Review;
pub use staff::StaffMember;
pub use strand::{BoardAction, Milestone, MilestoneState, Strand, StrandKpi, StrandRating};
pub use target::Target;
pub use task::Task;

use crate::rows::{Column, Row};
use jiff::civil::Date;

/// One type's records, in their order: a persistent vector, so that a copy of a whole caseload
/// with one record changed shares every other record with the original (what lets a save make
/// the next snapshot of a large authority in microseconds; see the web app's snapshot).
pub type Records<T> = imbl::Vector<T>;

/// A code together with the date it took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated<T> {
    pub value: T,
    pub on: Date,
}

impl<T: Copy> Dated<T> {
    pub fn new(value: T, on: Date) -> Dated<T> {
        Dated { value, on }
    }
}

/// How the web app's forms record a type: the name in its URLs, what it is called in words,
/// and the letter that starts the ids of new records.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    pub slug: &'static str,
    pub noun: &'static str,
    pub id_prefix: &'static str,
}

/// Everything about a record type except its values.
#[derive(Debug, Clone, Copy)]
pub struct RecordType {
    pub file: RecordFile,
    /// One record, in words for messages ("request", "plan").
    pub name: &'static str,
    /// Its interchange file.
    pub file_name: &'static str,
    /// Its database table.
    pub table: &'static str,
    /// The columns that identify a record: its id, or the natural key.
    pub key: &'static [&'static str],
    /// Whether the table's rows carry a version raised by every change (records forms edit).
    pub versioned: bool,
    /// How a child's page records it; `None` for records forms do not edit.
    pub form: Option<Form>,
    /// Its columns, in spec order; the first is its id where it has one.
    pub columns: &'static [Column],
}

impl RecordType {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A record type: its declaration, its key, and its cells written and read.
pub trait Record: Sized + Clone {
    type Key: Eq + std::hash::Hash;
    /// The declaration of the type.
    const TYPE: RecordType;
    /// What identifies the record within its file: its id, or the natural key.
    fn key(&self) -> Self::Key;
    /// The cells of the record, in the order of its columns.
    fn cells(&self) -> Vec<String>;
    /// Reads a record from a row; `None` when a required cell could not be read. Problems are
    /// left in [`Row::problems`].
    fn read(row: &mut Row) -> Option<Self>;
    /// The child the record belongs to, read through its parents in `held` where it names
    /// none itself; `None` for records of no child (population, benchmarks, targets).
    fn child_id(&self, held: &Casework) -> Option<String> {
        let _ = held;
        None
    }
}

/// Lists the record types once, in the order they are read and written (parents before
/// children, so inserts satisfy the foreign keys), with each one's field of [`Casework`]: makes
/// [`RecordFile`], [`Casework`], [`RecordCounts`] and the functions that work on any type.
macro_rules! record_types {
    ($($variant:ident => $type:ty, $field:ident;)+) => {
        /// The record types, in the order they are read and written.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RecordFile { $($variant),+ }

        const RECORD_TYPES: usize = [$(stringify!($variant)),+].len();

        impl RecordFile {
            pub const ALL: [RecordFile; RECORD_TYPES] = [$(RecordFile::$variant),+];

            /// The declaration of the type.
            pub fn declaration(self) -> &'static RecordType {
                match self { $(RecordFile::$variant => &<$type as Record>::TYPE),+ }
            }
        }

        /// All the records of one authority: what an interchange folder or a database holds.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Casework { $(pub $field: Records<$type>),+ }

        /// How many records of each kind a set of casework holds.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct RecordCounts { $(pub $field: usize),+ }

        impl RecordCounts {
            /// The count of `file`'s records.
            pub fn of(&self, file: RecordFile) -> usize {
                match file { $(RecordFile::$variant => self.$field),+ }
            }

            /// The count of `file`'s records, to be set.
            pub fn of_mut(&mut self, file: RecordFile) -> &mut usize {
                match file { $(RecordFile::$variant => &mut self.$field),+ }
            }
        }

        impl Casework {
            pub fn counts(&self) -> RecordCounts {
                RecordCounts { $($field: self.$field.len()),+ }
            }

            /// The casework that results from applying `update` over `self`: records of
            /// `update` replace those with the same id (or natural key), the rest of `self` is
            /// kept. In each list the records of `update` come first, in their own order, so
            /// problems found in the result can be traced to the update's rows by index.
            pub fn updated_with(&self, update: &Casework) -> Casework {
                Casework { $($field: merge_rows(&update.$field, &self.$field)),+ }
            }

            /// For each record type, how many records of `update` replace a record of `self`
            /// (the rest are new).
            pub fn replaced_by(&self, update: &Casework) -> RecordCounts {
                RecordCounts { $($field: count_known(&update.$field, &self.$field)),+ }
            }

            /// The cells of the `i`th record of `file`, in the order of its columns.
            pub fn cells(&self, file: RecordFile, i: usize) -> Vec<String> {
                match file { $(RecordFile::$variant => self.$field[i].cells()),+ }
            }

            /// Reads one row into its record and appends it; `false` when a required cell
            /// could not be read. Problems are left in [`Row::problems`]: when there are any,
            /// the caller takes the record back out with [`Casework::pop_last`].
            pub fn read_row(&mut self, row: &mut Row) -> bool {
                match row.file {
                    $(RecordFile::$variant => match <$type as Record>::read(row) {
                        Some(record) => {
                            self.$field.push_back(record);
                            true
                        }
                        None => false,
                    }),+
                }
            }

            /// The child the first record of `file` belongs to (see [`Record::child_id`]).
            pub fn child_of_first(&self, file: RecordFile, held: &Casework) -> Option<String> {
                match file { $(RecordFile::$variant => self.$field.front()?.child_id(held)),+ }
            }

            /// Moves `file`'s records out of `other` into `self`, replacing those `self` held.
            pub fn take_records(&mut self, file: RecordFile, other: &mut Casework) {
                match file { $(RecordFile::$variant => self.$field = std::mem::take(&mut other.$field)),+ }
            }

            /// Removes the record last appended for `file`.
            pub fn pop_last(&mut self, file: RecordFile) {
                match file { $(RecordFile::$variant => drop(self.$field.pop_back())),+ }
            }
        }
    };
}

record_types! {
    Organisations => Organisation, organisations;
    Posts => Post, posts;
    Staff => StaffMember, staff;
    Children => Child, children;
    Requests => Request, requests;
    Advice => Advice, advice;
    Plans => Plan, plans;
    Placements => Placement, placements;
    PlanSettings => PlanSetting, plan_settings;
    Reviews => Review, reviews;
    Disputes => Dispute, disputes;
    Feedback => Feedback, feedback;
    Tasks => Task, tasks;
    Contacts => Contact, contacts;
    CaseLog => CaseLogEntry, case_log;
    Promises => Promise, promises;
    Consultations => Consultation, consultations;
    Population => PopulationCount, population;
    Benchmarks => Benchmark, benchmarks;
    Targets => Target, targets;
    Indicators => Indicator, indicators;
    IndicatorValues => IndicatorValue, indicator_values;
    Strands => Strand, strands;
    StrandRatings => StrandRating, strand_ratings;
    Milestones => Milestone, milestones;
    BoardActions => BoardAction, board_actions;
    StrandKpis => StrandKpi, strand_kpis;
    Commentaries => Commentary, commentaries;
    SignedFigures => SignedFigure, signed_figures;
    AuditQuestions => AuditQuestion, audit_questions;
    QualityAudits => QualityAudit, quality_audits;
    AuditAnswers => AuditAnswer, audit_answers;
    CohortFlags => CohortFlag, cohort_flags;
}

impl RecordFile {
    /// The interchange file's name, for example `children.csv`.
    pub fn file_name(self) -> &'static str {
        self.declaration().file_name
    }

    /// The columns, in spec order.
    pub fn columns(self) -> &'static [Column] {
        self.declaration().columns
    }
}

/// A new record's id: the letter of its type's form and 8 hexadecimal digits of `random`
/// (random bytes the caller draws, so that this stays a pure function).
pub fn new_record_id(file: RecordFile, random: [u8; 4]) -> String {
    let prefix = file.declaration().form.map_or("X", |f| f.id_prefix);
    format!("{prefix}-{}", random.iter().map(|b| format!("{b:02X}")).collect::<String>())
}

impl RecordCounts {
    pub fn total(&self) -> usize {
        RecordFile::ALL.iter().map(|&f| self.of(f)).sum()
    }

    /// Each record type's table name with its count, in file order.
    pub fn rows(&self) -> Vec<(&'static str, usize)> {
        RecordFile::ALL.iter().map(|&f| (f.declaration().table, self.of(f))).collect()
    }
}

fn merge_rows<T: Record>(update: &Records<T>, base: &Records<T>) -> Records<T> {
    let replaced: std::collections::HashSet<T::Key> = update.iter().map(Record::key).collect();
    update.iter().cloned().chain(base.iter().filter(|r| !replaced.contains(&r.key())).cloned()).collect()
}

fn count_known<T: Record>(update: &Records<T>, base: &Records<T>) -> usize {
    let known: std::collections::HashSet<T::Key> = base.iter().map(Record::key).collect();
    update.iter().filter(|r| known.contains(&r.key())).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_carry_their_types_letter() {
        assert_eq!(new_record_id(RecordFile::Plans, [0, 0xAB, 0x10, 0xFF]), "P-00AB10FF");
        assert_eq!(new_record_id(RecordFile::Children, [1, 2, 3, 4]), "C-01020304");
    }

    /// Every declaration belongs to its own variant, names its columns once, keys on columns
    /// it has, and gives every column a form shows a label.
    #[test]
    fn declarations_are_consistent() {
        for file in RecordFile::ALL {
            let t = file.declaration();
            assert_eq!(t.file, file);
            assert!(!t.name.is_empty());
            assert_eq!(t.file_name, format!("{}.csv", t.table));
            let mut names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), t.columns.len(), "{}: a column is declared twice", t.table);
            for k in t.key {
                assert!(t.column(k).is_some(), "{}: key column {k} is not a column", t.table);
            }
            if t.form.is_some() {
                for c in &t.columns[1..] {
                    assert!(c.name == "child_id" || !c.label.is_empty(), "{}.{} has no label", t.table, c.name);
                }
            }
        }
    }
}
