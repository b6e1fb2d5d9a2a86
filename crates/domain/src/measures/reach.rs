//! How far back in the measures a change to some children's records reaches (issue 16): the
//! months before it keep their figures, so a save works out again only the months it touches.
//!
//! A measure of a month reads a record only through what happened by the month's end: a fact
//! of the month is an event dated in it, or the caseload standing at its end, which holds only
//! what was received, issued, requested or started by then. What a record says without a date
//! (a request's caseworker, its statutory exception, a placement's setting) is read through its
//! dated events too, and through the dated events of the records that refer to it: a plan's
//! holder is its request's caseworker; a case-log entry with a contact is an update to the
//! family when the contact is family. So a change reaches back to the earliest date among
//! the changed records, as they were and as they are, and the records that refer to them
//! (following references down, never through the child, whom every record refers to). Three
//! cases are taken more widely, to be safe:
//! - a record with no date at all (a contact, a promise of updates): every month;
//! - a child's own details (date of birth, need): the earliest date among all the child's
//!   records, since every one of them is counted with the child's age and need;
//! - a record of no child (feedback not about a child): every month.
//!
//! A record saved unchanged reaches nothing.
//!
//! The test `a_scorecard_worked_out_again_from_the_months_a_change_reaches_equals_a_full_one`
//! (interchange's tests) holds this against the full computation over a series of changes of
//! every kind a form makes.

use crate::dates::Month;
use crate::records::{Casework, RecordFile};
use crate::rows::Entry;
use jiff::civil::Date;

/// How far back a change reaches in the measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// No month's figures change.
    Nothing,
    /// The months from the one holding this date change; those before it do not.
    From(Date),
    /// Any month's figures may change.
    Everything,
}

impl Reach {
    /// The reach of two changes together.
    pub fn and(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::Everything, _) | (_, Reach::Everything) => Reach::Everything,
            (Reach::Nothing, r) | (r, Reach::Nothing) => r,
            (Reach::From(a), Reach::From(b)) => Reach::From(a.min(b)),
        }
    }

    /// The first month of `from..=to` whose figures may change: `None` when none of them may.
    pub fn first_month(self, from: Month, to: Month) -> Option<Month> {
        let first = match self {
            Reach::Nothing => None,
            Reach::From(d) => Some(Month::containing(d).max(from)),
            Reach::Everything => Some(from),
        };
        first.filter(|first| *first <= to)
    }

    /// How far back the change of the records in `changed` reaches: `before` and `after` hold
    /// every record of the children the change touched, as they were and as they are.
    pub fn of_change(before: &Casework, after: &Casework, changed: &Casework) -> Reach {
        let mut seeds: Vec<(RecordFile, String)> = Vec::new();
        for file in RecordFile::ALL {
            for i in 0..changed.counts().of(file) {
                seeds.push((file, key_of(file, &changed.cells(file, i))));
            }
        }
        let (before, after) = (nodes_of(before), nodes_of(after));
        // A record held by no child touched (feedback with no child) is not followed: every
        // month, to be safe.
        fn find<'n>(nodes: &'n [Node], (file, key): &(RecordFile, String)) -> Option<&'n Vec<String>> {
            nodes.iter().find(|n| n.file == *file && n.key == *key).map(|n| &n.cells)
        }
        let mut unheld = false;
        // A record saved unchanged changes nothing.
        seeds.retain(|s| {
            let (was, is) = (find(&before, s), find(&after, s));
            unheld |= was.is_none() && is.is_none();
            was != is
        });
        if unheld {
            return Reach::Everything;
        }
        reach_in(&before, &seeds).and(reach_in(&after, &seeds))
    }
}

/// One record of a child, as the reach reads it.
struct Node {
    file: RecordFile,
    key: String,
    /// The records it refers to (not the child).
    refers_to: Vec<(RecordFile, String)>,
    /// Its earliest date, if it has any.
    earliest: Option<Date>,
    cells: Vec<String>,
}

/// The record's key cells, joined.
fn key_of(file: RecordFile, cells: &[String]) -> String {
    let declaration = file.declaration();
    let mut key = String::new();
    for name in declaration.key {
        if let Some(at) = declaration.columns.iter().position(|c| c.name == *name) {
            key.push_str(cells.get(at).map_or("", String::as_str));
        }
        key.push('\u{1f}');
    }
    key
}

/// The id other records refer to a record by: its first column, when that is its key.
fn id_of(file: RecordFile, node: &Node) -> Option<&str> {
    let declaration = file.declaration();
    let first = declaration.columns.first()?;
    (declaration.key == [first.name]).then(|| node.key.trim_end_matches('\u{1f}'))
}

/// The records of `held` of the types a child has (not the organisations their own records
/// come with, which no save puts in place).
fn nodes_of(held: &Casework) -> Vec<Node> {
    let mut nodes = Vec::new();
    for file in crate::timeline::CHILD_FILES {
        let columns = file.declaration().columns;
        for i in 0..held.counts().of(file) {
            let cells = held.cells(file, i);
            let mut refers_to = Vec::new();
            let mut earliest: Option<Date> = None;
            for (column, cell) in columns.iter().zip(&cells) {
                match column.entry {
                    Entry::Date => {
                        if let Ok(d) = crate::dates::parse_date(cell) {
                            earliest = Some(earliest.map_or(d, |e| e.min(d)));
                        }
                    }
                    Entry::Reference(to) if to != RecordFile::Children && !cell.is_empty() => {
                        refers_to.push((to, cell.clone()));
                    }
                    _ => {}
                }
            }
            nodes.push(Node { file, key: key_of(file, &cells), refers_to, earliest, cells });
        }
    }
    nodes
}

fn reach_in(nodes: &[Node], seeds: &[(RecordFile, String)]) -> Reach {
    let mut reach = Reach::Nothing;
    for (file, key) in seeds {
        let Some(seed) = nodes.iter().position(|n| n.file == *file && n.key == *key) else {
            continue;
        };
        if *file == RecordFile::Children {
            // The child's age and need go with every one of their records.
            let others = nodes.iter().filter(|n| n.file != RecordFile::Children).filter_map(|n| n.earliest);
            reach = reach.and(others.min().map_or(Reach::Nothing, Reach::From));
            continue;
        }
        if nodes[seed].earliest.is_none() {
            return Reach::Everything;
        }
        // The seed and every record referring to it, directly or through others.
        let mut reached = vec![seed];
        let mut next = 0;
        while let Some(&at) = reached.get(next) {
            next += 1;
            let Some(id) = id_of(nodes[at].file, &nodes[at]) else { continue };
            let target = (nodes[at].file, id.to_string());
            for (i, n) in nodes.iter().enumerate() {
                if !reached.contains(&i) && n.refers_to.contains(&target) {
                    reached.push(i);
                }
            }
        }
        if let Some(earliest) = reached.iter().filter_map(|&i| nodes[i].earliest).min() {
            reach = reach.and(Reach::From(earliest));
        }
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::AdviceKind;
    use crate::testing;
    use jiff::civil::date;

    #[test]
    fn a_change_reaches_back_to_the_earliest_date_of_the_records_referring_to_it() {
        let mut held = Casework::default();
        held.children.push_back(testing::child("C1", date(2015, 3, 1)));
        held.requests.push_back(testing::request("R1", "C1", date(2025, 6, 2)));
        let mut plan = testing::plan("P1", "C1", date(2025, 11, 20));
        plan.request_id = Some("R1".into());
        held.plans.push_back(plan.clone());
        let mut review = testing::review("V1", "P1");
        review.meeting_on = Some(date(2026, 10, 5));
        held.reviews.push_back(review.clone());
        // The reach of saving `update` over `from`.
        let change = |from: &Casework, update: &Casework| Reach::of_change(from, &from.updated_with(update), update);
        let allocated = |mut r: crate::records::Request| {
            r.caseworker = Some("cw009".into());
            r
        };

        // A review reaches back to its own dates only.
        let mut update = Casework::default();
        let mut later = review.clone();
        later.meeting_on = Some(date(2026, 11, 9));
        update.reviews.push_back(later);
        assert_eq!(change(&held, &update), Reach::From(date(2026, 10, 5)), "the earlier of before and after");
        let moved = held.updated_with(&update);
        update.reviews[0].meeting_on = Some(date(2026, 11, 12));
        assert_eq!(change(&moved, &update), Reach::From(date(2026, 11, 9)));
        // A plan reaches its reviews, and its own issue.
        let mut update = Casework::default();
        plan.caseworker = Some("cw009".into());
        update.plans.push_back(plan);
        assert_eq!(change(&held, &update), Reach::From(date(2025, 11, 20)));
        // A request reaches the plan made from it and back to its own receipt.
        let mut update = Casework::default();
        update.requests.push_back(allocated(held.requests[0].clone()));
        assert_eq!(change(&held, &update), Reach::From(date(2025, 6, 2)));
        // A request reaches the records referring to it, where one is dated earlier (advice
        // asked for before the request was recorded, as an old system may have held it).
        let mut early = held.clone();
        early.advice.push_back(testing::advice("A1", "R1", AdviceKind::EducationalPsychology, date(2025, 5, 20)));
        assert_eq!(change(&early, &update), Reach::From(date(2025, 5, 20)));
        // A child's details reach every record of theirs, not their date of birth.
        let mut update = Casework::default();
        let mut child = held.children[0].clone();
        child.date_of_birth = date(2015, 4, 1);
        update.children.push_back(child);
        assert_eq!(change(&held, &update), Reach::From(date(2025, 6, 2)));
        // A record with no date reaches every month.
        let mut update = Casework::default();
        update.promises.push_back(crate::records::Promise {
            promise_id: "PR1".into(),
            child_id: Some("C1".into()),
            working_days: 10,
        });
        assert_eq!(change(&held, &update), Reach::Everything);
        // A record saved as it was reaches nothing.
        let mut same = Casework::default();
        same.requests.push_back(held.requests[0].clone());
        assert_eq!(change(&held, &same), Reach::Nothing);
    }

    #[test]
    fn reaches_combine_to_the_wider() {
        let (a, b) = (Reach::From(date(2026, 1, 5)), Reach::From(date(2025, 12, 1)));
        assert_eq!(a.and(b), b);
        assert_eq!(Reach::Nothing.and(a), a);
        assert_eq!(a.and(Reach::Everything), Reach::Everything);
        let from = Month::containing(date(2025, 11, 1));
        let to = from.plus(12);
        assert_eq!(b.first_month(from, to), Some(Month::containing(date(2025, 12, 1))));
        assert_eq!(Reach::From(date(2020, 1, 1)).first_month(from, to), Some(from));
        assert_eq!(Reach::Nothing.first_month(from, to), None);
        assert_eq!(Reach::From(date(2027, 1, 1)).first_month(from, to), None, "after the months shown");
    }
}
