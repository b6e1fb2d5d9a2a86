//! Recording and correcting one record at a time (the web app's forms): the same rules as an
//! import, applied to the caseload as it would be after the change, with each problem put on
//! the field that must change. A form also may not record a step dated after today.

use crate::dates::parse_date;
use crate::records::Casework;
use crate::rows::{Entry, Row};
use crate::validation::{RecordFile, validate};
use jiff::civil::Date;

/// A problem with the record a form would save: the column to change (`None` when the
/// problem is with another record the change would break) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub column: Option<&'static str>,
    pub message: String,
}

/// How a column is entered on a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A date (entered as day, month and year).
    Date,
    /// One of a code list (in spec order): each code and its words for people.
    Code(Vec<(&'static str, &'static str)>),
    /// True or false.
    Flag,
    /// The id of another of the child's records, of this file.
    Reference(RecordFile),
}

/// How `column` of `file` is entered, as its declaration says.
pub fn field_kind(file: RecordFile, column: &str) -> FieldKind {
    match file.declaration().column(column).map(|c| c.entry) {
        Some(Entry::Date) => FieldKind::Date,
        Some(Entry::Code(codes)) => FieldKind::Code(codes()),
        Some(Entry::Flag) => FieldKind::Flag,
        Some(Entry::Reference(target)) => FieldKind::Reference(target),
        Some(Entry::Text) | None => FieldKind::Text,
    }
}

/// The record types a child's page records and corrects, one at a time: those with a form.
pub fn child_records() -> impl Iterator<Item = RecordFile> {
    RecordFile::ALL.into_iter().filter(|f| f.declaration().form.is_some())
}

/// Checks the record a form would save: `cells` in the order of [`columns`] (empty cells as
/// `None`). `new` is true when it must not replace a record with the same id. Returns the
/// record (as a [`Casework`] holding just it) or every problem, each on its field where it
/// has one: the cell's own shape, the cross-record rules of the interchange spec over the
/// caseload as it would be, and no date after `today`.
pub fn check_record(
    cw: &Casework,
    file: RecordFile,
    cells_in: &[Option<&str>],
    new: bool,
    today: Date,
    measure_ids: &[&str],
) -> Result<Casework, Vec<FieldProblem>> {
    let mut one = Casework::default();
    let mut row = Row::new(file, cells_in);
    let parsed = one.read_row(&mut row);
    let mut problems: Vec<FieldProblem> =
        row.problems.into_iter().map(|(column, message)| FieldProblem { column: Some(column), message }).collect();
    for (column, cell) in file.columns().iter().zip(cells_in) {
        // Casework is recorded once it has happened; staff may start or leave, and posts be
        // funded, on a day to come; tasks, milestones and board actions fall due on one.
        if file.declaration().form.is_some()
            && !column.name.ends_with("due_on")
            && field_kind(file, column.name) == FieldKind::Date
            && let Some(date) = cell.and_then(|c| parse_date(c).ok())
            && date > today
        {
            problems.push(FieldProblem {
                column: Some(column.name),
                message: format!("{} {date} is in the future; record a step once it has happened", column.name),
            });
        }
    }
    if !parsed || !problems.is_empty() {
        return Err(problems);
    }
    let narrowed;
    let cw = if file == RecordFile::Organisations {
        cw
    } else {
        narrowed = with_named_organisations(cw, &one);
        &narrowed
    };
    let id = one.cells(file, 0).into_iter().next().unwrap_or_default();
    // Whether a stored record has the same id: the import's own rule for "updated".
    let exists = cw.replaced_by(&one).total() > 0;
    if new && exists {
        return Err(vec![FieldProblem {
            column: Some(file.columns()[0].name),
            message: format!("a record with id {id} already exists"),
        }]);
    }
    let after = cw.updated_with(&one);
    let found = validate(&after, today, measure_ids);
    // The edited record is the first of its file in `after`.
    let (ours, others): (Vec<_>, Vec<_>) = found.into_iter().partition(|p| p.file == file && p.index == 0);
    problems.extend(ours.into_iter().map(|p| FieldProblem { column: Some(p.column), message: p.message }));
    if !others.is_empty() {
        // Only problems the change brings: those the caseload did not have before.
        let key = |cw: &Casework, p: &crate::validation::Problem| {
            (p.file, cw.cells(p.file, p.index).into_iter().next(), p.column, p.message.clone())
        };
        let before: std::collections::HashSet<_> =
            validate(cw, today, measure_ids).iter().map(|p| key(cw, p)).collect();
        for p in &others {
            let (file, other_id, _, message) = key(&after, p);
            if !before.contains(&key(&after, p)) {
                problems.push(FieldProblem {
                    column: None,
                    message: format!(
                        "this change would break {} {}: {message}",
                        file.file_name().trim_end_matches(".csv"),
                        other_id.unwrap_or_default()
                    ),
                });
            }
        }
    }
    if problems.is_empty() { Ok(one) } else { Err(problems) }
}

/// `cw` with only the organisations its records or `one` name: the organisations are the
/// authority's, not a child's (a county holds thousands of schools, practices and services),
/// and a change to a child's records can break a rule only about those they name; checking
/// every organisation on every save cost a 200,000-child authority 200 ms a save.
fn with_named_organisations(cw: &Casework, one: &Casework) -> Casework {
    let named: std::collections::HashSet<&str> = cw
        .advice
        .iter()
        .chain(&one.advice)
        .filter_map(|a| a.organisation_id.as_deref())
        .chain(cw.consultations.iter().chain(&one.consultations).map(|c| c.organisation_id.as_str()))
        .collect();
    let organisations = if named.is_empty() {
        imbl::Vector::new()
    } else {
        cw.organisations.iter().filter(|o| named.contains(o.organisation_id.as_str())).cloned().collect()
    };
    Casework { organisations, ..cw.clone() }
}

/// The columns whose cells differ between the one record of `file` in `before` and in
/// `after`: (column, before, after).
pub fn changes(file: RecordFile, before: &Casework, after: &Casework) -> Vec<(&'static str, String, String)> {
    let a =
        if before.counts().of(file) > 0 { before.cells(file, 0) } else { vec![String::new(); file.columns().len()] };
    let b = after.cells(file, 0);
    file.columns()
        .iter()
        .zip(a.into_iter().zip(b))
        .filter(|(_, (x, y))| x != y)
        .map(|(c, (x, y))| (c.name, x, y))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::records::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 30);

    fn caseload() -> Casework {
        Casework {
            children: imbl::vector![Child {
                forename: "Ada".into(),
                surname: "Lovelace".into(),
                ..crate::testing::child("C1", date(2015, 3, 1))
            }],
            requests: imbl::vector![Request {
                source: Some(RequestSource::Parent),
                caseworker: Some("cw001".into()),
                decision: Some(Dated::new(AssessmentDecision::Assess, date(2026, 10, 5))),
                ..crate::testing::request("R1", "C1", date(2026, 9, 1))
            }],
            // Advice is asked for once the decision to assess is made.
            advice: imbl::vector![Advice {
                advice_id: "A1".into(),
                request_id: "R1".into(),
                kind: AdviceKind::Health,
                provider: None,
                requested_on: date(2026, 10, 6),
                received_on: None,
                organisation_id: None,
            }],
            ..Casework::default()
        }
    }

    fn request_cells<'a>(received: &'a str, decision: &'a str, decided: &'a str) -> Vec<Option<&'a str>> {
        let mut cells = vec![Some("R1"), Some("C1"), Some(received), Some("parent"), Some("cw001")];
        cells.extend([Some(decision), Some(decided), None, None, None, None, None]);
        cells
    }

    #[test]
    fn a_valid_decision_is_accepted_and_its_changes_listed() {
        let cw = caseload();
        let one = check_record(
            &cw,
            RecordFile::Requests,
            &request_cells("2026-09-01", "assess", "2026-10-05"),
            false,
            TODAY,
            &[],
        )
        .unwrap();
        assert_eq!(one.requests[0].decision.map(|d| d.on), Some(date(2026, 10, 5)));
        let mut undecided = cw.requests[0].clone();
        undecided.decision = None;
        let before = Casework { requests: imbl::vector![undecided], ..Casework::default() };
        assert_eq!(
            changes(RecordFile::Requests, &before, &one),
            vec![
                ("decision", String::new(), "assess".to_string()),
                ("decided_on", String::new(), "2026-10-05".to_string())
            ]
        );
    }

    #[test]
    fn impossible_dates_unknown_codes_and_half_filled_pairs_are_put_on_their_fields() {
        let cw = caseload();
        let problems =
            check_record(&cw, RecordFile::Requests, &request_cells("2026-02-30", "maybe", ""), false, TODAY, &[])
                .unwrap_err();
        let columns: Vec<_> = problems.iter().map(|p| p.column).collect();
        assert!(columns.contains(&Some("received_on")), "{problems:?}");
        assert!(columns.contains(&Some("decision")), "{problems:?}");
        assert!(columns.contains(&Some("decided_on")), "{problems:?}");
        assert!(problems.iter().any(|p| p.message.contains("not a real date")));
    }

    #[test]
    fn a_step_dated_after_today_is_refused() {
        let cw = caseload();
        let problems = check_record(
            &cw,
            RecordFile::Requests,
            &request_cells("2026-09-01", "assess", "2026-12-01"),
            false,
            TODAY,
            &[],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].column, Some("decided_on"));
        assert!(problems[0].message.contains("in the future"));
    }

    #[test]
    fn a_decision_before_the_request_is_inconsistent() {
        let cw = caseload();
        let problems = check_record(
            &cw,
            RecordFile::Requests,
            &request_cells("2026-09-01", "assess", "2026-08-01"),
            false,
            TODAY,
            &[],
        )
        .unwrap_err();
        assert!(problems.iter().any(|p| p.column == Some("decided_on")), "{problems:?}");
    }

    #[test]
    fn a_change_that_breaks_another_record_says_which() {
        let cw = caseload();
        // Moving the decision after the advice was asked for makes the advice inconsistent.
        let problems = check_record(
            &cw,
            RecordFile::Requests,
            &request_cells("2026-09-01", "assess", "2026-10-10"),
            false,
            TODAY,
            &[],
        )
        .unwrap_err();
        assert!(problems.iter().any(|p| p.column.is_none() && p.message.contains("advice A1")), "{problems:?}");
    }

    #[test]
    fn a_new_record_may_not_take_an_existing_id() {
        let cw = caseload();
        let problems = check_record(
            &cw,
            RecordFile::Requests,
            &request_cells("2026-09-01", "assess", "2026-10-05"),
            true,
            TODAY,
            &[],
        )
        .unwrap_err();
        assert_eq!(problems[0].column, Some("request_id"));
        let same = request_cells("2026-09-01", "assess", "2026-10-05");
        assert!(check_record(&cw, RecordFile::Requests, &same, false, TODAY, &[]).is_ok());
    }

    #[test]
    fn every_column_of_a_child_record_has_a_way_to_be_entered() {
        for file in child_records() {
            for column in file.columns() {
                let kind = field_kind(file, column.name);
                if let FieldKind::Code(codes) = &kind {
                    assert!(!codes.is_empty(), "{}.{}", file.file_name(), column.name);
                }
            }
        }
        let decisions = ReviewDecision::ALL.iter().map(|c| (c.code(), c.label())).collect();
        assert_eq!(field_kind(RecordFile::Reviews, "decision"), FieldKind::Code(decisions));
        assert_eq!(child_records().count(), 19);
        // A date column is declared as one, wherever it is.
        for file in RecordFile::ALL {
            for column in file.columns() {
                let named_as_date = column.name.ends_with("_on")
                    || ["date_of_birth", "funded_from", "funded_to", "on"].contains(&column.name);
                assert_eq!(named_as_date, field_kind(file, column.name) == FieldKind::Date, "{}", column.name);
            }
        }
        assert_eq!(field_kind(RecordFile::Advice, "requested_on"), FieldKind::Date);
        assert_eq!(field_kind(RecordFile::Reviews, "plan_id"), FieldKind::Reference(RecordFile::Plans));
    }
}
