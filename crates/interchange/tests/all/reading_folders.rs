//! Reading interchange folders: every kind of bad input gets a located message, and a
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.
//! folder written by sendtrack reads back as the same records.

use sendtrack_domain::records::Casework;
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_interchange::{check_casework, read_folder, write_folder};
use std::path::Path;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 30)
}

const CHILDREN: &str = "child_id,forename,surname,date_of_birth\nC1,Alex,Smith,2015-03-01\nC2,Sam,Jones,2016-07-12\n";
const REQUESTS: &str =
    "request_id,child_id,received_on,source,decision,decided_on\nR1,C1,2024-01-10,parent,assess,2024-02-10\n";

/// Writes files into a fresh folder and returns the problems found in it, as text.
fn problems(files: &[(&str, &[u8])]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let folder = read_folder(dir.path()).unwrap();
    check_casework(&folder, &Casework::default(), today()).iter().map(ToString::to_string).collect()
}

fn assert_problems(files: &[(&str, &[u8])], expected: &[&str]) {
    let found = problems(files);
    assert_eq!(found.len(), expected.len(), "found: {found:#?}");
    for (f, e) in found.iter().zip(expected) {
        assert!(f.starts_with(e), "expected a problem starting {e:?}, found {f:?}\nall: {found:#?}");
    }
}

#[test]
fn a_good_folder_has_no_problems() {
    assert_problems(&[("children.csv", CHILDREN.as_bytes()), ("requests.csv", REQUESTS.as_bytes())], &[]);
}

#[test]
fn missing_unknown_and_repeated_columns_are_reported_on_line_1() {
    let children = "child_id,forename,date_of_birth,favourite_colour,forename\nC1,Alex,2015-03-01,red,Al\n";
    assert_problems(
        &[("children.csv", children.as_bytes())],
        &[
            "children.csv:1:favourite_colour: 'favourite_colour' is not a column",
            "children.csv:1:forename: column 'forename' appears twice",
            "children.csv:1:surname: the required column 'surname' is missing",
        ],
    );
}

#[test]
fn bad_cells_are_reported_with_line_and_column() {
    let requests = "request_id,child_id,received_on,source,decision,decided_on,in_youth_accommodation\n\
                    R1,C1,2024-02-30,parent,,,\n\
                    R2,C1,2024-01-10,GP,,,\n\
                    R3,C1,10/01/2024,parent,assess,,\n\
                    R4,C1,2024-01-10,parent,,2024-02-01,yes\n\
                    ,C1,2024-01-10,parent,,,\n";
    assert_problems(
        &[("children.csv", CHILDREN.as_bytes()), ("requests.csv", requests.as_bytes())],
        &[
            "requests.csv:2:received_on: '2024-02-30' is not a real date",
            "requests.csv:3:source: 'GP' is not a known request source",
            "requests.csv:4:received_on: '10/01/2024' is not a date written YYYY-MM-DD",
            "requests.csv:4:decided_on: decided_on is required when decision is filled",
            "requests.csv:5:decision: decision is required when decided_on is filled",
            "requests.csv:5:in_youth_accommodation: 'yes' is not a yes/no flag",
            "requests.csv:6:request_id: request_id is required but the cell is empty",
        ],
    );
}

/// sendtrack's one relaxation of the interchange spec (see the README): what a SEN2 return
/// cannot say may be left empty in these two columns, which every file must still have.
#[test]
fn an_unknown_source_and_an_undated_dispute_on_a_request_are_accepted_but_the_columns_are_not_optional() {
    let requests = "request_id,child_id,received_on,source\nR1,C1,2024-01-10,\n";
    let disputes = "dispute_id,child_id,kind,request_id,opened_on\n\
                    D1,C1,mediation,R1,\n\
                    D2,C1,appeal,,\n\
                    D3,C1,appeal,,2024-05-01\n";
    assert_problems(
        &[
            ("children.csv", CHILDREN.as_bytes()),
            ("requests.csv", requests.as_bytes()),
            ("disputes.csv", disputes.as_bytes()),
        ],
        &["disputes.csv:3:opened_on: opened_on is required when request_id is empty"],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("children.csv"), CHILDREN).unwrap();
    std::fs::write(dir.path().join("requests.csv"), requests).unwrap();
    std::fs::write(
        dir.path().join("disputes.csv"),
        "dispute_id,child_id,kind,request_id,opened_on\nD1,C1,mediation,R1,\n",
    )
    .unwrap();
    let folder = read_folder(dir.path()).unwrap();
    assert_eq!(folder.casework.requests[0].source, None);
    assert_eq!(folder.casework.disputes[0].opened_on, None);
    // Written back, the empty cells stay empty and read again the same.
    let out = tempfile::tempdir().unwrap();
    write_folder(out.path(), &folder.casework).unwrap();
    assert_eq!(read_folder(out.path()).unwrap().casework, folder.casework);
    // The columns themselves are still required.
    assert_problems(
        &[
            ("children.csv", CHILDREN.as_bytes()),
            ("requests.csv", b"request_id,child_id,received_on\nR1,C1,2024-01-10\n"),
            ("disputes.csv", b"dispute_id,child_id,kind,request_id\nD1,C1,mediation,R1\n"),
        ],
        &[
            "requests.csv:1:source: the required column 'source' is missing",
            "disputes.csv:1:opened_on: the required column 'opened_on' is missing",
        ],
    );
}

#[test]
fn rows_with_the_wrong_number_of_cells_are_reported() {
    let children = "child_id,forename,surname,date_of_birth\nC1,Alex,Smith\nC2,Sam,Jones,2016-07-12,extra\n";
    assert_problems(
        &[("children.csv", children.as_bytes())],
        &[
            "children.csv:2:(row): the row has 3 cells but the header has 4 columns",
            "children.csv:3:(row): the row has 5 cells",
        ],
    );
}

#[test]
fn duplicates_overlaps_and_references_are_reported_where_the_spec_says() {
    let children = format!("{CHILDREN}C1,Alex,Smith,2015-03-01\n");
    let plans = "plan_id,child_id,issued_on,ceased_on,cease_reason\nP1,C1,2020-01-01,,\nP2,C1,2021-01-01,,\nP3,C9,2021-01-01,,\n";
    let advice = "advice_id,request_id,kind,requested_on\nA1,R9,health,2024-03-01\n";
    assert_problems(
        &[
            ("children.csv", children.as_bytes()),
            ("requests.csv", REQUESTS.as_bytes()),
            ("plans.csv", plans.as_bytes()),
            ("advice.csv", advice.as_bytes()),
        ],
        &[
            "children.csv:4:child_id: child_id 'C1' is used more than once (see line 2)",
            "advice.csv:2:request_id: request_id 'R9' does not exist in requests.csv",
            "plans.csv:3:issued_on: this plan overlaps plan 'P1'",
            "plans.csv:4:child_id: child_id 'C9' does not exist in children.csv",
        ],
    );
}

#[test]
fn a_reference_to_an_unreadable_row_is_not_reported_twice() {
    let children = "child_id,forename,surname,date_of_birth\nC1,Alex,Smith,not-a-date\n";
    assert_problems(
        &[("children.csv", children.as_bytes()), ("requests.csv", REQUESTS.as_bytes())],
        &["children.csv:2:date_of_birth: 'not-a-date' is not a date"],
    );
}

/// A duplicated id where one of the two rows cannot be read is found by the reader (the rules
/// see only the rows read), on the later row and naming the line of the first, whichever of
/// them is unreadable.
#[test]
fn an_id_used_twice_is_reported_when_either_row_cannot_be_read() {
    let children = "child_id,forename,surname,date_of_birth\n\
        C1,Alex,Smith,not-a-date\n\
        C1,Sam,Jones,2015-01-01\n\
        C2,Ann,Lee,2015-01-01\n\
        C2,Bo,Lee,bad\n\
        C3,Cy,Lee,2015-01-01\n\
        C1,Di,Lee,2015-01-01\n\
        C4,Ed,Lee,bad\n\
        C4,Flo,Lee,worse\n\
        C3,Gus,Lee,2015-01-01\n";
    assert_problems(
        &[("children.csv", children.as_bytes())],
        &[
            "children.csv:2:date_of_birth: 'not-a-date' is not a date",
            "children.csv:3:child_id: child_id 'C1' is used more than once (see line 2)",
            "children.csv:5:child_id: child_id 'C2' is used more than once (see line 4)",
            "children.csv:5:date_of_birth: 'bad' is not a date",
            "children.csv:7:child_id: child_id 'C1' is used more than once (see line 2)",
            "children.csv:7:child_id: child_id 'C1' is used more than once (see line 3)",
            "children.csv:8:date_of_birth: 'bad' is not a date",
            "children.csv:9:child_id: child_id 'C4' is used more than once (see line 8)",
            "children.csv:9:date_of_birth: 'worse' is not a date",
            "children.csv:10:child_id: child_id 'C3' is used more than once (see line 6)",
        ],
    );
}

/// A file ended by lone carriage returns (an old Mac spreadsheet's) has every row on line 1:
/// the first row with an id is still the first in the file, and each duplicate is said where
/// it would be found reading the rows in turn.
#[test]
fn duplicates_follow_the_rows_order_when_every_row_is_on_one_line() {
    let children = "child_id,forename,surname,date_of_birth\r\
        C1,Sam,Jones,2015-01-01\r\
        C1,Alex,Smith,not-a-date\r\
        C1,Di,Lee,2015-01-01\r";
    assert_problems(
        &[("children.csv", children.as_bytes())],
        &[
            "children.csv:1:child_id: child_id 'C1' is used more than once (see line 1)",
            "children.csv:1:date_of_birth: 'not-a-date' is not a date",
            "children.csv:1:child_id: child_id 'C1' is used more than once (see line 1)",
        ],
    );
    let children = "child_id,forename,surname,date_of_birth\r\
        C1,Sam,Jones,bad\r\
        C2,Alex,Smith,bad\r\
        C1,Di,Lee,bad\r";
    assert_problems(
        &[("children.csv", children.as_bytes())],
        &[
            "children.csv:1:date_of_birth: 'bad' is not a date",
            "children.csv:1:date_of_birth: 'bad' is not a date",
            "children.csv:1:child_id: child_id 'C1' is used more than once (see line 1)",
            "children.csv:1:date_of_birth: 'bad' is not a date",
        ],
    );
}

#[test]
fn files_that_are_not_utf8_or_not_csv_give_errors_not_panics() {
    let latin1 = b"child_id,forename,surname,date_of_birth\nC1,Ren\xe9e,Smith,2015-03-01\n";
    assert_problems(&[("children.csv", latin1)], &["children.csv:2:forename: the cell is not UTF-8 text"]);
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00";
    assert_problems(&[("children.csv", png)], &["children.csv:1:(column 1): the header is not UTF-8 text"]);
    assert_problems(&[("children.csv", b"")], &["children.csv:1:(header): the file is empty"]);
    let prose = "Dear colleague, please find attached.\nKind regards\n";
    let found = problems(&[("children.csv", prose.as_bytes())]);
    assert!(found.iter().any(|p| p.contains("is not a column of children.csv")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("required column 'child_id' is missing")), "{found:?}");
}

#[test]
fn a_byte_order_mark_from_excel_is_accepted() {
    let with_bom = format!("\u{feff}{CHILDREN}");
    assert_problems(&[("children.csv", with_bom.as_bytes())], &[]);
}

#[test]
fn an_unexpected_csv_file_in_the_folder_is_reported() {
    assert_problems(
        &[("children.csv", CHILDREN.as_bytes()), ("child.csv", b"x\n")],
        &["(folder):0:child.csv: child.csv is not a file of the interchange format"],
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut rows = String::from("child_id,forename,surname,date_of_birth\n");
    for i in 0..50 {
        rows.push_str(&format!("C{i},Alex,Smith,2015-13-{i:02}\n"));
    }
    assert_eq!(problems(&[("children.csv", rows.as_bytes())]).len(), 50);
}

#[test]
fn a_folder_written_by_sendtrack_reads_back_as_the_same_records() {
    let cw = generate(&DemoOptions { children: 1500, seed: 11, as_at: today() });
    assert!(cw.plan_settings.len() > 500, "named settings (plan_settings.csv) are in the folder too");
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), &cw).unwrap();
    let folder = read_folder(dir.path()).unwrap();
    assert!(folder.problems.is_empty(), "{:?}", &folder.problems[..folder.problems.len().min(3)]);
    assert_eq!(folder.casework, cw);
    assert!(check_casework(&folder, &Casework::default(), today()).is_empty());
}

#[test]
fn a_missing_folder_is_an_error() {
    assert!(read_folder(Path::new("/no/such/folder")).is_err());
}

#[test]
fn an_unterminated_quote_is_reported_where_it_opens() {
    let children = "child_id,forename,surname,date_of_birth\nC1,Alex,Smith,2015-03-01\nC2,\"Sam,Jones,2016-07-12\nC3,Kim,Lee,2017-01-01\n";
    let found = problems(&[("children.csv", children.as_bytes())]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("children.csv:3:(row): a quote (\") opened on this line is never closed"),
        "{found:#?}"
    );
    // A doubled quote inside a quoted cell is not an open quote.
    let quoted = "child_id,forename,surname,date_of_birth\nC1,\"Al \"\"Lex\"\"\",Smith,2015-03-01\n";
    assert_problems(&[("children.csv", quoted.as_bytes())], &[]);
}

#[test]
fn a_header_of_a_million_columns_is_reported_once() {
    let mut header = String::from("child_id,forename,surname,date_of_birth");
    for k in 0..1_000_000 {
        header.push_str(&format!(",x{k}"));
    }
    let children = format!("{header}\n");
    let found = problems(&[("children.csv", children.as_bytes())]);
    assert_eq!(found.len(), 1, "{:?}", &found[..found.len().min(3)]);
    assert!(found[0].starts_with("children.csv:1:(header): 1000000 of the header's 1000004 columns are not columns"));
    assert!(found[0].len() < 2000, "the message is short");
}

#[test]
fn ids_that_would_change_a_web_address_are_refused_at_import() {
    let children = "child_id,forename,surname,date_of_birth\n../x,Alex,Smith,2015-03-01\nC?2,Sam,Jones,2016-07-12\nC#3,Kim,Lee,2017-01-01\nC/4,Jo,Ray,2017-01-01\n";
    let found = problems(&[("children.csv", children.as_bytes())]);
    let located: Vec<&str> = found.iter().map(|p| p.split(": ").next().unwrap()).collect();
    assert_eq!(
        located,
        ["children.csv:2:child_id", "children.csv:3:child_id", "children.csv:4:child_id", "children.csv:5:child_id"]
    );
}
