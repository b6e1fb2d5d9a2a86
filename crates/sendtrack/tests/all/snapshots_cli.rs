//! Snapshots of the command line's text outputs: a change to what a person or a script reads
//! shows as a diff of the snapshot in review (`crates/sendtrack/tests/all/snapshots/`), and is
//! accepted by re-running with `INSTA_UPDATE=always` and committing the new snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{ok as sendtrack, run, text};

fn demo_folder() -> (tempfile::TempDir, String) {
    crate::support::demo_folder_of(400, 11)
}

#[test]
fn the_scorecard_as_text() {
    let (_tmp, data) = demo_folder();
    let table = sendtrack(&["scorecard", "--data", &data, "--from", "2026-09", "--to", "2026-11"]);
    insta::assert_snapshot!(table);
}

#[test]
fn a_drill_as_text() {
    let (_tmp, data) = demo_folder();
    let listed = sendtrack(&["drill", "--data", &data, "decisions_overdue", "2026-11"]);
    insta::assert_snapshot!(listed);
}

#[test]
fn the_problems_check_finds() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("children.csv"),
        "child_id,forename,surname,date_of_birth,sex\nC1,A,B,2015-01-01,x\nC1,A,B,2099-01-01,f\nC2,A,B,2015-02-30,m\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("requests.csv"),
        "request_id,child_id,received_on,source\nR1,C9,2026-01-05,parent\n",
    )
    .unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stderr));
}
