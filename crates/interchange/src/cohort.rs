//! A person-level file of cohort flags from another service (issue 22): children in care,
//! on a child protection plan, NEET or in an apprenticeship, with the health assessments of
//! children in care that are overdue. Each row names a person as that service knows them, and
//! is matched to a child sendtrack holds as the SEN2 import matches people (UPN, else ULN,
//! else forename, surname and date of birth). People sendtrack does not hold (most children in
//! care have no EHC plan) are counted and left out; no name is ever written to the output.
//!
//! Columns: `upn`, `uln`, `forename`, `surname`, `date_of_birth`, `flag`, `started_on`,
//! `ended_on` (`upn`, `uln` and `ended_on` may be left out or empty).

use crate::sen2::matching::ChildFinder;
use sendtrack_domain::codes::CohortFlagKind;
use sendtrack_domain::dates::parse_date;
use sendtrack_domain::records::{Casework, CohortFlag};

/// One problem with the file, at a line (1 is the header) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// What a file matched: the flags of children held, and the lines of people not held.
#[derive(Debug, Default)]
pub struct Matched {
    pub flags: Casework,
    pub unmatched_lines: Vec<u64>,
}

const COLUMNS: [&str; 8] = ["upn", "uln", "forename", "surname", "date_of_birth", "flag", "started_on", "ended_on"];
const REQUIRED: [&str; 5] = ["forename", "surname", "date_of_birth", "flag", "started_on"];

/// Reads `bytes` (a CSV file, header first) and matches each person to `held`; `source` is the
/// service that supplied the file. Every problem is collected; with any, nothing is matched.
pub fn match_file(bytes: &[u8], held: &Casework, source: Option<&str>) -> Result<Matched, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect(),
        Err(e) => return Err(vec![Problem { line: 1, column: "(header)".into(), message: e.to_string() }]),
    };
    for name in &header {
        if !COLUMNS.contains(&name.as_str()) {
            let message = format!("'{name}' is not a column of a cohort file; the columns are: {}", COLUMNS.join(", "));
            problems.push(Problem { line: 1, column: name.clone(), message });
        }
    }
    for name in REQUIRED {
        if !header.iter().any(|h| h == name) {
            problems.push(Problem {
                line: 1,
                column: name.into(),
                message: format!("the required column '{name}' is missing"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let at = |name: &str| header.iter().position(|h| h == name);
    let finder = ChildFinder::new(held);
    let mut out = Matched::default();
    for (k, row) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                problems.push(Problem { line, column: "(row)".into(), message: e.to_string() });
                continue;
            }
        };
        let cell = |name: &str| at(name).and_then(|i| row.get(i)).map(str::trim).filter(|t| !t.is_empty());
        let mut problem =
            |column: &str, message: String| problems.push(Problem { line, column: column.into(), message });
        let mut required = |name: &str| {
            let value = cell(name);
            if value.is_none() {
                problem(name, format!("{name} is required but the cell is empty"));
            }
            value
        };
        let (forename, surname) = (required("forename"), required("surname"));
        let born = required("date_of_birth");
        let flag = required("flag");
        let started = required("started_on");
        let mut parsed_date = |name: &str, text: Option<&str>| {
            text.and_then(|t| {
                parse_date(t).map_err(|m| problems.push(Problem { line, column: name.into(), message: m })).ok()
            })
        };
        let born = parsed_date("date_of_birth", born);
        let started_on = parsed_date("started_on", started);
        let ended_on = parsed_date("ended_on", cell("ended_on"));
        let flag = flag.and_then(|f| {
            CohortFlagKind::parse(f)
                .map_err(|m| problems.push(Problem { line, column: "flag".into(), message: m }))
                .ok()
        });
        if let (Some(start), Some(end)) = (started_on, ended_on)
            && end < start
        {
            problems.push(Problem {
                line,
                column: "ended_on".into(),
                message: format!("ended_on {end} is before started_on {start}"),
            });
        }
        let (Some(forename), Some(surname), Some(born), Some(flag), Some(started_on)) =
            (forename, surname, born, flag, started_on)
        else {
            continue;
        };
        match finder.find(cell("upn"), cell("uln"), forename, surname, born) {
            Some(child) => out.flags.cohort_flags.push_back(CohortFlag {
                child_id: child.child_id.to_string(),
                flag,
                started_on,
                ended_on,
                source: source.map(str::to_string),
            }),
            None => out.unmatched_lines.push(line),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use jiff::civil::date;
    use sendtrack_domain::records::Child;

    fn held() -> Casework {
        let mut cw = Casework::default();
        let mut a = sendtrack_domain::testing::child("C1", date(2010, 3, 1));
        a.upn = Some("A123456789012".into());
        a.forename = "Ada".into();
        a.surname = "Lovelace".into();
        let mut b: Child = sendtrack_domain::testing::child("C2", date(2009, 5, 6));
        b.forename = "Alan".into();
        b.surname = "Turing".into();
        cw.children.push_back(a);
        cw.children.push_back(b);
        cw
    }

    #[test]
    fn people_are_matched_by_upn_else_by_name_and_date_of_birth_and_others_are_counted() {
        let file = "upn,forename,surname,date_of_birth,flag,started_on,ended_on\n\
            A123456789012,Ada,Byron,2010-03-01,in_care,2025-04-01,\n\
            ,alan,TURING,2009-05-06,neet,2025-09-01,2026-01-31\n\
            ,Grace,Hopper,2011-12-09,in_care,2025-01-01,\n";
        let m = match_file(file.as_bytes(), &held(), Some("Children's social care")).unwrap();
        let got: Vec<(&str, CohortFlagKind)> =
            m.flags.cohort_flags.iter().map(|f| (f.child_id.as_str(), f.flag)).collect();
        assert_eq!(got, [("C1", CohortFlagKind::InCare), ("C2", CohortFlagKind::Neet)]);
        assert_eq!(m.unmatched_lines, [4]);
        assert_eq!(m.flags.cohort_flags[1].ended_on, Some(date(2026, 1, 31)));
    }

    #[test]
    fn a_bad_row_is_located_and_nothing_is_matched() {
        let file = "forename,surname,date_of_birth,flag,started_on\nAda,Lovelace,2010-03-01,looked_after,2025-04-01\nAlan,Turing,06/05/2009,neet,2025-09-01\n";
        let problems = match_file(file.as_bytes(), &held(), None).unwrap_err();
        let at: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.column.as_str())).collect();
        assert_eq!(at, [(2, "flag"), (3, "date_of_birth")]);
        let missing = match_file(b"forename,surname,flag\n", &held(), None).unwrap_err();
        assert!(missing.iter().any(|p| p.column == "date_of_birth" && p.message.contains("missing")));
    }
}
