//! The child's case file from the command line (issue 18): contacts, promises and the case log
//! round-trip; `sendtrack letter` writes the statutory wording as PDF and DOCX, refuses what the
//! record cannot support, and files what it is asked to; subject access holds it all and
//! erasure removes it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{ok, run as sendtrack, text};
use std::path::Path;
use std::process::Command;

/// The rows of a CSV file as maps of column to cell.
fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, c)| (h.to_string(), c.to_string())).collect())
        .collect()
}

/// The text of a DOCX as LibreOffice reads it; `None` (after saying so) without LibreOffice,
/// except under CI, where that fails the test.
fn docx_text(docx: &Path, dir: &Path) -> Option<String> {
    let converted = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display()))
        .args(["--headless", "--convert-to", "txt:Text"])
        .arg("--outdir")
        .arg(dir)
        .arg(docx)
        .output();
    match converted {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("LibreOffice could not open the letter: {}", text(&out.stderr)),
        Err(e) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but LibreOffice is not installed: {e}");
            eprintln!("!!! LibreOffice is not installed: the DOCX read-back is SKIPPED");
            return None;
        }
    }
    let stem = docx.file_stem().unwrap().to_string_lossy();
    Some(std::fs::read_to_string(dir.join(format!("{stem}.txt"))).unwrap_or_default())
}

#[test]
fn a_case_file_round_trips_its_letters_carry_the_statutory_wording_and_erasure_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let db = tmp.path().join("st.db");
    let (data_s, db_s) = (data.to_str().unwrap(), db.to_str().unwrap());
    ok(&["demo-data", "--out", data_s, "--children", "300", "--seed", "6"]);
    // The demo's contacts and case log, and promises written here, import and export unchanged.
    let requests = rows(&data.join("requests.csv"));
    let refused = requests.iter().find(|r| r["decision"] == "refuse").unwrap();
    let (request, child) = (refused["request_id"].clone(), refused["child_id"].clone());
    let promises = format!("promise_id,child_id,working_days\nM-1,{child},10\nstandard,,15\n");
    std::fs::write(data.join("promises.csv"), &promises).unwrap();
    ok(&["import", "--db", db_s, data_s]);
    ok(&["export", "--db", db_s, out.to_str().unwrap()]);
    for file in ["contacts.csv", "case_log.csv", "promises.csv", "feedback.csv"] {
        let (before, after) =
            (std::fs::read_to_string(data.join(file)).unwrap(), std::fs::read_to_string(out.join(file)).unwrap());
        assert_eq!(before, after, "{file}");
        assert!(before.lines().count() > 2, "{file} holds records");
    }
    assert!(std::fs::read_to_string(out.join("feedback.csv")).unwrap().contains(",communication,"));
    let contact = rows(&data.join("contacts.csv")).into_iter().find(|c| c["child_id"] == child).unwrap();
    let person = rows(&data.join("children.csv")).into_iter().find(|c| c["child_id"] == child).unwrap();
    let name = format!("{} {}", person["forename"], person["surname"]);

    // The decision not to assess, as PDF: the child, the dates in words and the appeal rights.
    let pdf = tmp.path().join("decision.pdf");
    let said = ok(&[
        "letter",
        "--db",
        db_s,
        "--request",
        &request,
        "--kind",
        "decision_not_to_assess",
        "--out",
        pdf.to_str().unwrap(),
        "--file",
        "--by",
        "cw@example.org",
    ]);
    assert!(said.contains("filed it in the child's documents"), "{said}");
    let printed = Command::new("pdftotext").arg(&pdf).arg("-").output();
    match printed {
        Ok(o) => {
            let words = text(&o.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
            let decided = jiff::civil::Date::strptime("%Y-%m-%d", &refused["decided_on"]).unwrap();
            let in_words = sendtrack_domain::dates::in_words(decided);
            for wanted in [
                name.as_str(),
                contact["name"].as_str(),
                &format!("We made this decision on {in_words}"),
                "regulation 5 of the Special Educational Needs and Disability Regulations 2014",
                "appeal against this decision to the First-tier Tribunal (Special Educational Needs and Disability)",
                "within two months of the date of this letter (30 January 2027)",
                "or within one month of the date of a mediation certificate",
                "you must contact a mediation adviser and consider mediation",
                "information, advice and support",
            ] {
                assert!(words.contains(wanted), "the letter lacks {wanted:?}:\n{words}");
            }
        }
        Err(e) => assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but pdftotext is missing: {e}"),
    }
    // A letter the record cannot support is refused, with the reason, and nothing written.
    let notice = tmp.path().join("draft.docx");
    let no = sendtrack(&[
        "letter",
        "--db",
        db_s,
        "--request",
        &request,
        "--kind",
        "draft_plan",
        "--out",
        notice.to_str().unwrap(),
    ]);
    assert!(!no.status.success());
    assert!(
        text(&no.stderr).contains(&format!("request {request} has no draft plan issue date recorded yet")),
        "{}",
        text(&no.stderr)
    );
    assert!(!notice.exists());
    let bad = sendtrack(&[
        "letter",
        "--db",
        db_s,
        "--request",
        &request,
        "--kind",
        "apology",
        "--out",
        notice.to_str().unwrap(),
    ]);
    assert!(text(&bad.stderr).contains("'apology' is not a known kind of letter"), "{}", text(&bad.stderr));
    // The same letter as DOCX opens in LibreOffice with the same words.
    let docx = tmp.path().join("decision.docx");
    ok(&[
        "letter",
        "--db",
        db_s,
        "--request",
        &request,
        "--kind",
        "decision_not_to_assess",
        "--out",
        docx.to_str().unwrap(),
    ]);
    if let Some(words) = docx_text(&docx, tmp.path()) {
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains(&name) && words.contains("First-tier Tribunal (Special Educational Needs and Disability)"),
            "{words}"
        );
    }

    // Subject access holds the case log (with the letter filed), contacts, promise and documents.
    let sar = tmp.path().join("sar");
    ok(&["subject-access", "--db", db_s, "--child", &child, "--out", sar.to_str().unwrap()]);
    let log = std::fs::read_to_string(sar.join("case_log.csv")).unwrap();
    assert!(log.contains("Decision not to carry out an EHC needs assessment sent (filed in documents)."), "{log}");
    assert!(std::fs::read_to_string(sar.join("contacts.csv")).unwrap().contains(&contact["name"]));
    assert!(std::fs::read_to_string(sar.join("promises.csv")).unwrap().contains("M-1"));
    let documents = rows(&sar.join("documents.csv"));
    assert_eq!(documents.len(), 1);
    let filed = std::fs::read(sar.join(&documents[0]["file"])).unwrap();
    assert_eq!(filed, std::fs::read(&pdf).unwrap(), "the document filed is the letter printed");

    // Erasure removes the contacts' details, the case log's words and the documents.
    ok(&["erase", "--db", db_s, "--child", &child]);
    let after = tmp.path().join("after");
    ok(&["subject-access", "--db", db_s, "--child", &child, "--out", after.to_str().unwrap()]);
    assert!(!after.join("documents.csv").exists() && !after.join("documents").exists());
    let contacts = std::fs::read_to_string(after.join("contacts.csv")).unwrap();
    assert!(!contacts.contains(&contact["name"]) && contacts.contains("(erased)"), "{contacts}");
    if !contact["email"].is_empty() {
        assert!(!contacts.contains(&contact["email"]));
    }
    assert!(!std::fs::read_to_string(after.join("case_log.csv")).unwrap().contains("Update on the progress"));
}

#[test]
fn a_gias_extract_loads_as_the_register_of_schools() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let db = tmp.path().join("st.db");
    ok(&["demo-data", "--out", data.to_str().unwrap(), "--children", "60"]);
    ok(&["import", "--db", db.to_str().unwrap(), data.to_str().unwrap()]);
    let extract = tmp.path().join("edubasealldata.csv");
    let mut bytes =
        b"URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Town\n100001,Ash Grove Acad"
            .to_vec();
    bytes.extend([0xe9, 0x6d, 0x79]); // "Académy" in Windows-1252
    bytes.extend(
        b",Academy converter,Open,Exeter\n100002,Beech Special School,Community special school,Open,Crediton\n",
    );
    std::fs::write(&extract, bytes).unwrap();
    let said = ok(&["establishments", "import", "--db", db.to_str().unwrap(), extract.to_str().unwrap()]);
    assert!(said.contains("Loaded 2 schools and settings"), "{said}");
    std::fs::write(&extract, "URN,EstablishmentName\nabc,X\n").unwrap();
    let bad = sendtrack(&["establishments", "import", "--db", db.to_str().unwrap(), extract.to_str().unwrap()]);
    assert!(text(&bad.stderr).contains("edubasealldata.csv:2: URN: 'abc' is not a URN"), "{}", text(&bad.stderr));
}

#[test]
fn an_organisation_is_added_from_the_command_line_and_advice_can_name_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let db = tmp.path().join("st.db");
    let db_s = db.to_str().unwrap();
    ok(&["demo-data", "--out", data.to_str().unwrap(), "--children", "60"]);
    ok(&["import", "--db", db_s, data.to_str().unwrap()]);
    let said = ok(&[
        "org",
        "add",
        "--db",
        db_s,
        "--id",
        "eps",
        "--name",
        "Educational Psychology",
        "--kind",
        "provider",
        "--email",
        "eps@example.org",
    ]);
    assert!(said.contains("Added organisation eps"), "{said}");
    let bad = sendtrack(&[
        "org",
        "add",
        "--db",
        db_s,
        "--id",
        "x1",
        "--name",
        "X",
        "--kind",
        "charity",
        "--email",
        "not an address",
    ]);
    assert!(!bad.status.success());
    let errors = text(&bad.stderr);
    assert!(errors.contains("--kind: 'charity' is not a known kind of organisation"), "{errors}");
    let bad = sendtrack(&[
        "org",
        "add",
        "--db",
        db_s,
        "--id",
        "x1",
        "--name",
        "X",
        "--kind",
        "other",
        "--email",
        "not an address",
    ]);
    let errors = text(&bad.stderr);
    assert!(!bad.status.success() && errors.contains("is not an email address"), "{errors}");
    ok(&["export", "--db", db_s, out.to_str().unwrap()]);
    let organisations = std::fs::read_to_string(out.join("organisations.csv")).unwrap();
    assert!(organisations.contains("eps,Educational Psychology,provider,eps@example.org,"), "{organisations}");
    assert!(!organisations.contains("x1,"));
    // Advice naming an organisation that does not exist is refused at its cell.
    let advice = std::fs::read_to_string(out.join("advice.csv")).unwrap();
    let first = advice.lines().nth(1).unwrap();
    let wrong = advice.replacen(first, &format!("{},nosuch", first.rsplit_once(',').unwrap().0), 1);
    std::fs::write(out.join("advice.csv"), wrong).unwrap();
    let refused = sendtrack(&["check", out.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let all = text(&refused.stdout) + &text(&refused.stderr);
    assert!(
        all.contains("advice.csv:2:organisation_id: organisation_id 'nosuch' does not exist in organisations.csv"),
        "{all}"
    );
}
