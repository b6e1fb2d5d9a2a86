//! The command line, end to end: the binary run as a user runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{folder_lines, ok, run as sendtrack, text};

#[test]
fn import_then_export_reproduces_the_generated_authority() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let db = tmp.path().join("st.db");
    let (data_s, out_s, db_s) = (data.to_str().unwrap(), out.to_str().unwrap(), db.to_str().unwrap());
    ok(&["demo-data", "--out", data_s, "--children", "1200", "--seed", "9"]);
    assert!(ok(&["check", data_s]).contains("no problems"));
    let summary = ok(&["import", "--db", db_s, data_s]);
    assert!(summary.contains("children"), "{summary}");
    ok(&["export", "--db", db_s, out_s]);
    assert_eq!(folder_lines(&data), folder_lines(&out));
}

#[test]
fn a_bad_row_in_the_last_file_leaves_the_database_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let db = tmp.path().join("st.db");
    let before = tmp.path().join("before");
    let after = tmp.path().join("after");
    let (data_s, db_s) = (data.to_str().unwrap(), db.to_str().unwrap());
    ok(&["demo-data", "--out", data_s, "--children", "400", "--seed", "4"]);
    ok(&["import", "--db", db_s, data_s]);
    ok(&["export", "--db", db_s, before.to_str().unwrap()]);

    // Change a child (in the first file) and break the last row of the last file.
    let children = std::fs::read_to_string(data.join("children.csv")).unwrap();
    let first_surname = children.lines().nth(1).unwrap().split(',').nth(3).unwrap().to_string();
    let changed = children.replacen(&format!(",{first_surname},"), ",Changed,", 1);
    std::fs::write(data.join("children.csv"), changed).unwrap();
    let mut targets = std::fs::read_to_string(data.join("targets.csv")).unwrap();
    targets.push_str("plans_active,lots,\n");
    std::fs::write(data.join("targets.csv"), &targets).unwrap();
    let last_line = targets.lines().count();

    let out = sendtrack(&["import", "--db", db_s, data_s]);
    assert_eq!(out.status.code(), Some(1));
    let errors = text(&out.stderr);
    assert!(errors.contains(&format!("targets.csv:{last_line}:target: 'lots' is not a number")), "{errors}");
    assert!(errors.contains("Nothing was imported."), "{errors}");

    ok(&["export", "--db", db_s, after.to_str().unwrap()]);
    assert_eq!(folder_lines(&before), folder_lines(&after));
}

#[test]
fn check_lists_every_problem_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("children.csv"),
        "child_id,forename,surname,date_of_birth,sex\nC1,A,B,2015-01-01,x\nC1,A,B,2099-01-01,f\n",
    )
    .unwrap();
    let out = sendtrack(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = text(&out.stderr);
    assert!(errors.contains("children.csv:2:sex: 'x' is not a known sex"), "{errors}");
    assert!(errors.contains("children.csv:3:child_id: child_id 'C1' is used more than once (see line 2)"), "{errors}");
    assert!(errors.contains("children.csv:3:date_of_birth: date of birth 2099-01-01 is in the future"), "{errors}");
    assert!(errors.contains("3 problems in 1 file."), "{errors}");
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    ok(&["demo-data", "--out", a.to_str().unwrap(), "--children", "300", "--seed", "5"]);
    ok(&["demo-data", "--out", b.to_str().unwrap(), "--children", "300", "--seed", "5"]);
    ok(&["demo-data", "--out", c.to_str().unwrap(), "--children", "300", "--seed", "6"]);
    for file in ["children.csv", "requests.csv", "reviews.csv"] {
        assert_eq!(std::fs::read(a.join(file)).unwrap(), std::fs::read(b.join(file)).unwrap(), "{file}");
        assert_ne!(std::fs::read(a.join(file)).unwrap(), std::fs::read(c.join(file)).unwrap(), "{file}");
    }
}

#[test]
fn demo_creates_a_database_and_summarises_today() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.db");
    let out = ok(&["demo", "--db", db.to_str().unwrap(), "--children", "600", "--no-serve"]);
    assert!(out.contains("Open and overdue on 2026-11-30"), "{out}");
    assert!(out.contains("Requests awaiting a decision"), "{out}");
    assert!(out.contains("Annual reviews overdue: awaiting_meeting"), "{out}");
    // A path that exists is never overwritten.
    let again = sendtrack(&["demo", "--db", db.to_str().unwrap(), "--children", "600", "--no-serve"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists"));
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let out = sendtrack(&["check", "/no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read the folder /no/such/folder"), "{}", text(&out.stderr));
}

#[test]
fn user_add_reads_the_password_from_standard_input_never_a_flag() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("users.db");
    let add = |email: &str, role: &str, password: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sendtrack"))
            .args(["user", "add", "--db", db.to_str().unwrap(), "--email", email, "--role", role])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    // The database must exist: a mistyped --db is not a new, empty one.
    let missing = add("case.worker@example.org", "caseworker", "a long enough password");
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("there is no database at"), "{}", text(&missing.stderr));
    assert!(!db.exists(), "nothing was created");
    assert!(sendtrack(&["migrate", "--db", db.to_str().unwrap()]).status.success());
    let out = add("Case.Worker@Example.org", "caseworker", "a long enough password\na long enough password");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Added case.worker@example.org as caseworker."));
    let short = add("other@example.org", "viewer", "short");
    assert!(text(&short.stderr).contains("at least 12 characters"));
    let bad_role = add("other@example.org", "boss", "a long enough password");
    assert!(text(&bad_role.stderr).contains("'boss' is not a role"));
    let mismatch = add("third@example.org", "viewer", "a long enough password\na long enough passw0rd");
    assert!(text(&mismatch.stderr).contains("the two passwords are not the same"), "{}", text(&mismatch.stderr));
    let common = add("third@example.org", "viewer", "password1234");
    assert!(text(&common.stderr).contains("harder to guess"), "{}", text(&common.stderr));
    let spaced = add("third person@example.org", "viewer", "a long enough password");
    assert!(text(&spaced.stderr).contains("is not an email address"), "{}", text(&spaced.stderr));
    let again = add("case.worker@example.org", "viewer", "a long enough password");
    assert!(text(&again.stderr).contains("already a user case.worker@example.org"));
}

#[test]
fn sen2_check_lists_each_failure_with_its_person_and_rule() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interchange/tests/fixtures/sen2");
    let clean = sendtrack(&["sen2", "check", fixtures.join("newer").to_str().unwrap()]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    assert!(text(&clean.stdout).contains("passes every check (census day 2026-01-15)"));
    let broken = sendtrack(&["sen2", "check", fixtures.join("broken").to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(1));
    let out = text(&broken.stdout);
    assert!(out.contains("Blade-Export_20-01-2026_person.csv:3: SEN2-02 person P2: the UPN is also"), "{out}");
    assert!(out.contains("10 failures in the SEN2 return"), "{out}");
    let rules = text(&sendtrack(&["sen2", "rules"]).stdout);
    assert_eq!(rules.lines().count(), 14);
    assert!(rules.starts_with("SEN2-01  "));
    let missing = sendtrack(&["sen2", "check", "/no/such/folder"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read the SEN2 return in /no/such/folder"));
}

#[test]
fn staff_and_posts_import_and_export_unchanged_and_an_unknown_caseworker_is_refused_at_its_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let db = tmp.path().join("st.db");
    let (data_s, db_s) = (data.to_str().unwrap(), db.to_str().unwrap());
    ok(&["demo-data", "--out", data_s, "--children", "600", "--seed", "2"]);
    let staff = std::fs::read_to_string(data.join("staff.csv")).unwrap();
    assert!(staff.starts_with("staff_id,name,email,role,team,fte,contract,post_id,started_on,ended_on\n"), "{staff}");
    assert!(
        std::fs::read_to_string(data.join("posts.csv"))
            .unwrap()
            .starts_with("post_id,role,team,fte,funded_from,funded_to\n")
    );
    ok(&["import", "--db", db_s, data_s]);
    ok(&["export", "--db", db_s, out.to_str().unwrap()]);
    for file in ["staff.csv", "posts.csv", "plans.csv"] {
        assert_eq!(
            std::fs::read_to_string(data.join(file)).unwrap(),
            std::fs::read_to_string(out.join(file)).unwrap(),
            "{file}"
        );
    }

    // A request naming a caseworker staff.csv does not hold: refused at its line and column,
    // whether staff.csv is in the folder or only in the database.
    let requests = std::fs::read_to_string(data.join("requests.csv")).unwrap();
    let header: Vec<&str> = requests.lines().next().unwrap().split(',').collect();
    let k = header.iter().position(|c| *c == "caseworker").unwrap();
    let mut lines: Vec<String> = requests.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    cells[k] = "cw999".into();
    lines[3] = cells.join(",");
    std::fs::write(data.join("requests.csv"), lines.join("\n") + "\n").unwrap();
    let refused = sendtrack(&["import", "--db", db_s, data_s]);
    assert_eq!(refused.status.code(), Some(1));
    let errors = text(&refused.stderr);
    assert!(errors.contains("requests.csv:4:caseworker: caseworker 'cw999' does not exist in staff.csv"), "{errors}");
    std::fs::remove_file(data.join("staff.csv")).unwrap();
    std::fs::remove_file(data.join("posts.csv")).unwrap();
    let refused = sendtrack(&["import", "--db", db_s, data_s]);
    assert_eq!(refused.status.code(), Some(1), "staff.csv is in the database");
    assert!(text(&refused.stderr).contains("requests.csv:4:caseworker"));
    // A folder without staff.csv into a database without staff imports as before.
    let fresh = tmp.path().join("fresh.db");
    ok(&["import", "--db", fresh.to_str().unwrap(), data_s]);
}

#[test]
fn a_case_log_imports_and_exports_unchanged_and_is_checked_against_the_childs_records() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let db = tmp.path().join("st.db");
    let (data_s, db_s) = (data.to_str().unwrap(), db.to_str().unwrap());
    ok(&["demo-data", "--out", data_s, "--children", "300", "--seed", "6"]);
    let requests = std::fs::read_to_string(data.join("requests.csv")).unwrap();
    let first: Vec<&str> = requests.lines().nth(1).unwrap().split(',').collect();
    let (request, child) = (first[0], first[1]);
    let log = format!(
        "entry_id,child_id,on,time,kind,direction,with_whom,contact_id,summary,request_id,plan_id,review_id,by\n\
         E-1,{child},2026-11-27,09:30,call,in,Mother,,\"Asked about the decision, and \"\"when\"\"\",{request},,,cw001\n\
         E-2,{child},2026-11-28,,note,,,,Checked the file,,,,\n"
    );
    std::fs::write(data.join("case_log.csv"), &log).unwrap();
    ok(&["import", "--db", db_s, data_s]);
    ok(&["export", "--db", db_s, out.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(out.join("case_log.csv")).unwrap(), log);
    // An entry about another child's request, or at a time that is not one, is refused.
    let other = requests.lines().find(|l| !l.contains(&format!(",{child},"))).unwrap().split(',').next().unwrap();
    let bad = log.replace(",Checked the file,,,,", &format!(",Checked the file,{other},,,")).replace("09:30", "9.30");
    std::fs::write(data.join("case_log.csv"), bad).unwrap();
    let refused = sendtrack(&["check", data_s]);
    assert_eq!(refused.status.code(), Some(1));
    let errors = text(&refused.stdout) + &text(&refused.stderr);
    assert!(errors.contains("case_log.csv:2:time: '9.30' is not a time"), "{errors}");
    assert!(errors.contains("case_log.csv:3:request_id:"), "{errors}");
}

#[test]
fn sen2_import_takes_the_authoritys_establishment_types_and_keeps_them_for_the_next_import() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interchange/tests/fixtures/sen2");
    let tmp = tempfile::tempdir().unwrap();
    // The fixture's schools, each a Welsh establishment.
    let original = std::fs::read_to_string(fixtures.join("establishments.csv")).unwrap();
    let mut lines = original.lines();
    let mut welsh = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let cells: Vec<&str> = line.splitn(4, ',').collect();
        welsh.push_str(&format!("{},{},{},Welsh establishment\n", cells[0], cells[1], cells[2]));
    }
    let establishments = tmp.path().join("establishments.csv");
    std::fs::write(&establishments, welsh).unwrap();
    let db = tmp.path().join("st.db");
    let (db_s, est) = (db.to_str().unwrap(), establishments.to_str().unwrap());
    let newer = fixtures.join("newer");
    let newer = newer.to_str().unwrap();
    let refused = sendtrack(&["sen2", "import", "--db", db_s, newer, "--establishments", est]);
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stderr);
    assert!(said.contains("_placementdetail.csv:") && said.contains(":urn: URN 1"), "{said}");
    assert!(said.contains("--establishment-types \"Welsh establishment=SETTING\""), "{said}");
    let mapped = ok(&[
        "sen2",
        "import",
        "--db",
        db_s,
        newer,
        "--establishments",
        est,
        "--establishment-types",
        "Welsh establishment=mainstream",
    ]);
    assert!(mapped.contains("- Welsh establishment: mainstream (as you mapped it)"), "{mapped}");
    // The next import needs no flag: the mapping was kept.
    let again = ok(&["sen2", "import", "--db", db_s, newer, "--establishments", est]);
    assert!(again.contains("Welsh establishment: mainstream (as you mapped it)"), "{again}");
}

#[test]
fn sen2_reconcile_lists_each_published_figure_sendtracks_and_the_difference() {
    let tmp = tempfile::tempdir().unwrap();
    // The DfE's files for Devon, as the demo stands in for Devon.
    let dfe = tmp.path().join("dfe");
    std::fs::create_dir_all(&dfe).unwrap();
    for (name, bytes) in sendtrack_interchange::dfe::DEVON_EXTRACT {
        std::fs::write(dfe.join(name), bytes).unwrap();
    }
    let db = tmp.path().join("demo.db");
    ok(&["demo", "--db", db.to_str().unwrap(), "--children", "1500", "--no-serve"]);
    // `sen2 reconcile` of the demo as Devon for `year`, with `more` arguments.
    let (db_s, dfe_s) = (db.to_str().unwrap().to_string(), dfe.to_str().unwrap().to_string());
    let reconcile = |year: &str, more: &[&str]| -> Vec<String> {
        let mut args = vec!["sen2", "reconcile", "--db", &db_s, "--year", year, "--dfe", &dfe_s, "--la", "878"];
        args.extend_from_slice(more);
        args.into_iter().map(str::to_string).collect()
    };
    fn as_strs(args: &[String]) -> Vec<&str> {
        args.iter().map(String::as_str).collect()
    }
    let said = ok(&as_strs(&reconcile("2024", &[])));
    assert!(said.starts_with("Devon in 2024:"), "{said}");
    // Each of the six published figures, with sendtrack's and the difference worked out.
    for id in [
        "plans_issued_within_20_weeks_pct",
        "decisions_within_6_weeks_pct",
        "assess_rate_pct",
        "assessment_to_plan_pct",
        "requests_received_ytd",
    ] {
        let line = said.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id}: {said}"));
        let cells: Vec<f64> = line.split_whitespace().skip(1).take(3).map(|c| c.parse().unwrap()).collect();
        assert_eq!(cells.len(), 3, "{line}");
        assert!((cells[1] - cells[0] - cells[2]).abs() < 0.11, "difference = sendtrack - published: {line}");
    }
    // Devon published 2,265 requests received in 2024.
    assert!(said.lines().any(|l| l.starts_with("requests_received_ytd") && l.contains(" 2265 ")), "{said}");
    // By age band and need (issue 24): the bands add up to the total on both sides, and
    // Devon's 2,696 plans for autism on the January 2025 census day are there.
    let counts = |prefix: &str| -> Vec<(f64, f64)> {
        said.lines()
            .filter(|l| l.starts_with(prefix))
            .map(|l| {
                // The last three cells: published, sendtrack's, the difference.
                let cells: Vec<&str> = l.split_whitespace().collect();
                let n = cells.len();
                (cells[n - 3].parse().unwrap(), cells[n - 2].parse().unwrap())
            })
            .collect()
    };
    for measure in ["requests_received", "plans_issued", "plans_active"] {
        let total = counts(&format!("{measure} "))[0];
        let bands = counts(&format!("{measure} age_band="));
        assert_eq!(bands.len(), 5, "{measure}: {said}");
        let sum = bands.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        assert_eq!(sum.1, total.1, "{measure}: sendtrack's bands add up to its total");
        assert!(sum.0 <= total.0, "{measure}: the published bands leave out only unknown ages");
    }
    assert!(
        said.lines().any(|l| l.starts_with("plans_active primary_need=asd")
            && l.contains(" 2025-01-16 ")
            && l.contains(" 2696 ")),
        "{said}"
    );
    assert_eq!(counts("requests_received ")[0].0, 2265.0);

    // Last year's return as sent, with one date of birth since corrected in sendtrack.
    let previous = tmp.path().join("sen2-2024");
    ok(&["sen2", "return", "--db", db.to_str().unwrap(), "--year", "2024", "--out", previous.to_str().unwrap()]);
    let person = std::fs::read_dir(&previous)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_person.csv"))
        .unwrap();
    let text_of = std::fs::read_to_string(&person).unwrap();
    let mut lines: Vec<String> = text_of.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let (upn, born) = (
        header.iter().position(|h| *h == "upn").unwrap(),
        header.iter().position(|h| *h == "personbirthdate").unwrap(),
    );
    let row = 1 + lines[1..]
        .iter()
        .position(|l| l.split(',').nth(upn).is_some_and(|u| !u.is_empty()) && !l.contains('"'))
        .unwrap();
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
    cells[born] = "2003-Feb-01 00:00:00".into();
    lines[row] = cells.join(",");
    std::fs::write(&person, lines.join("\n") + "\n").unwrap();
    let said = ok(&as_strs(&reconcile("2024", &["--previous", previous.to_str().unwrap()])));
    let changed: Vec<&str> = said.lines().filter(|l| l.contains("(date of birth changed)")).collect();
    assert_eq!(changed.len(), 1, "{said}");
    assert!(
        changed[0].contains("): explained") && changed[0].contains("a correction") && !changed[0].contains("2003"),
        "{said}"
    );
    assert!(said.contains("not explained by sendtrack's records."), "{said}");
    let none = sendtrack(&as_strs(&reconcile("1999", &[])));
    assert!(!none.status.success() && text(&none.stderr).contains("publish nothing for Devon in 1999"));
}
