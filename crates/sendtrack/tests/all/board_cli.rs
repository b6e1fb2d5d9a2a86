//! The board paper from the command line (issue 22): a partner's values imported as a folder
//! holding only `indicator_values.csv`, cohort flags matched from a person-level file, and the
//! supplied indicators beside the scorecard.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{ok as sendtrack, run, text};

/// A demo database and its folder.
fn demo_db() -> (tempfile::TempDir, String, String) {
    let (tmp, data) = crate::support::demo_folder_of(600, 7);
    let db = tmp.path().join("demo.db").to_str().unwrap().to_string();
    sendtrack(&["import", "--db", &db, &data]);
    (tmp, data, db)
}

#[test]
fn a_partners_values_import_alone_and_the_scorecard_shows_them_with_their_flags() {
    let (tmp, _, db) = demo_db();
    let table = sendtrack(&["scorecard", "--db", &db]);
    assert!(table.contains("SUPPLIED INDICATORS"));
    assert!(table.contains("! CAMHS data not received since"), "{table}");
    assert!(table.contains("! too few responses to report (fewer than 20)"));

    let part = tmp.path().join("camhs");
    std::fs::create_dir(&part).unwrap();
    std::fs::write(
        part.join("indicator_values.csv"),
        "indicator_id,period,value,numerator,denominator,received_on,note\ncamhs_seen_18_weeks_pct,2026-10,70.5,141,200,2026-11-12,\n",
    )
    .unwrap();
    let said = sendtrack(&["import", "--db", &db, part.to_str().unwrap()]);
    assert!(said.contains("indicator_values     1      1        0"), "{said}");
    let table = sendtrack(&["scorecard", "--db", &db]);
    assert!(!table.contains("CAMHS data not received since"));
    let camhs = table.lines().find(|l| l.starts_with("Children and young people seen by CAMHS")).unwrap();
    assert!(
        camhs.contains("70.5%")
            && camhs.contains("2026-10")
            && camhs.contains("75.0% short")
            && camhs.contains("2026-11-12"),
        "{camhs}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&sendtrack(&["scorecard", "--db", &db, "--format", "json"])).unwrap();
    let camhs = json["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "camhs_seen_18_weeks_pct").unwrap();
    assert_eq!(camhs["latest"]["value"], 70.5);
    assert_eq!(camhs["not_received_since"], serde_json::Value::Null);
    // The CSV stays the measures' file.
    let csv = sendtrack(&["scorecard", "--db", &db, "--format", "csv"]);
    assert!(!csv.contains("camhs"));

    // A value for an indicator nobody defined is refused with its place, and nothing is written.
    std::fs::write(
        part.join("indicator_values.csv"),
        "indicator_id,period,value,received_on\nno_such,2026-10,1,2026-11-01\n",
    )
    .unwrap();
    let out = run(&["import", "--db", &db, part.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("indicator_values.csv:2:indicator_id: indicator_id 'no_such' does not exist in indicators.csv"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn cohort_flags_are_matched_to_children_held_and_people_not_held_are_counted_by_line() {
    let (tmp, data, db) = demo_db();
    // Two children of the demo, by UPN and by name and date of birth, and someone not held.
    let children = std::fs::read_to_string(std::path::Path::new(&data).join("children.csv")).unwrap();
    let rows: Vec<Vec<&str>> = children.lines().skip(1).take(2).map(|l| l.split(',').collect()).collect();
    let (forename, surname, born) = (rows[1][2], rows[1][3], rows[1][4]);
    let file = tmp.path().join("care.csv");
    std::fs::write(
        &file,
        format!(
            "upn,forename,surname,date_of_birth,flag,started_on,ended_on\n{},{},{},{},in_care,2026-01-05,\n,{forename},{surname},{born},child_protection,2026-02-01,2026-06-30\n,Nobody,Known,2012-01-01,in_care,2026-01-01,\n",
            rows[0][1], "Someone", "Else", rows[0][4]
        ),
    )
    .unwrap();
    let said =
        sendtrack(&["cohort", "import", "--db", &db, file.to_str().unwrap(), "--source", "Children's social care"]);
    assert!(said.contains("Imported 2 cohort flags of children held."), "{said}");
    assert!(
        said.contains(
            "1 person matched no child held (by UPN, ULN, or name and date of birth) and was left out: line 4."
        )
    );
    assert!(!said.contains("Nobody"), "no name is written out");
    let export = tmp.path().join("out");
    sendtrack(&["export", "--db", &db, export.to_str().unwrap()]);
    let flags = std::fs::read_to_string(export.join("cohort_flags.csv")).unwrap();
    assert!(flags.contains(&format!("{},in_care,2026-01-05,,Children's social care", rows[0][0])), "matched by UPN");
    assert!(
        flags.contains(&format!("{},child_protection,2026-02-01,2026-06-30,Children's social care", rows[1][0])),
        "by name and date of birth"
    );

    // A bad row: located, and nothing imported.
    std::fs::write(&file, "forename,surname,date_of_birth,flag,started_on\nA,B,2014-13-01,in_care,2026-01-05\n")
        .unwrap();
    let out = run(&["cohort", "import", "--db", &db, file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("care.csv:2:date_of_birth:"), "{}", text(&out.stderr));
    let again = std::fs::read_to_string({
        sendtrack(&["export", "--db", &db, tmp.path().join("out2").to_str().unwrap()]);
        tmp.path().join("out2").join("cohort_flags.csv")
    })
    .unwrap();
    assert_eq!(again.lines().count(), flags.lines().count());
}
