//! The board workbook opens in LibreOffice and shows the scorecard's values.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::ok as sendtrack;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Converts every sheet of `workbook` to CSV with LibreOffice; `None` (after saying so) when
/// LibreOffice is not installed, except under CI where that fails the test.
fn sheets_as_csv(workbook: &Path, dir: &Path) -> Option<HashMap<String, String>> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let profile = dir.join("lo-profile");
    let converted = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        ])
        .arg("--outdir")
        .arg(dir)
        .arg(workbook)
        .output();
    match converted {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("LibreOffice could not open the workbook: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            assert!(!ci, "CI=true but LibreOffice (soffice) is not installed: {e}");
            eprintln!(
                "!!! LibreOffice is not installed: the workbook read-back test is SKIPPED (scripts/test-all installs it)"
            );
            return None;
        }
    }
    let stem = workbook.file_stem().unwrap().to_string_lossy().into_owned();
    let mut sheets = HashMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(sheet) = name.strip_prefix(&format!("{stem}-")).and_then(|n| n.strip_suffix(".csv")) {
            sheets.insert(sheet.to_string(), std::fs::read_to_string(&path).unwrap());
        }
    }
    Some(sheets)
}

#[test]
fn the_workbook_opens_in_libreoffice_and_shows_the_scorecard_values() {
    let tmp = tempfile::tempdir().unwrap();
    let db = authority(tmp.path());
    let workbook = tmp.path().join("board.xlsx");
    sendtrack(&["report", "--db", &db, "--format", "xlsx", "--month", "2026-10", "--out", workbook.to_str().unwrap()]);
    let Some(sheets) = sheets_as_csv(&workbook, tmp.path()) else { return };
    for name in [
        "Scorecard",
        "Requests",
        "Assessments",
        "Open cases",
        "Advice",
        "Plans issued and ceased",
        "Active plans",
        "Annual reviews",
        "Disputes and feedback",
        "Placement costs",
        "Definitions",
    ] {
        assert!(sheets.contains_key(name), "no sheet {name}: {:?}", sheets.keys());
    }
    // Every value of the Scorecard sheet equals the scorecard's.
    let expected_csv =
        sendtrack(&["scorecard", "--db", &db, "--from", "2025-10", "--to", "2026-10", "--format", "csv"]);
    let mut expected: HashMap<(String, String), String> = HashMap::new();
    for line in expected_csv.lines().skip(1) {
        let cells: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        if cells[2].is_empty() {
            expected.insert((cells[0].clone(), cells[1].clone()), cells[4].clone());
        }
    }
    let mut reader = csv::Reader::from_reader(sheets["Scorecard"].as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[4], "Oct 2025");
    assert_eq!(header[16], "Oct 2026");
    let periods: Vec<String> = Month::range("2025-10", 13);
    let mut compared = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let id = record.get(1).unwrap().to_string();
        for (k, period) in periods.iter().enumerate() {
            let shown = record.get(4 + k).unwrap();
            let want = &expected[&(id.clone(), period.clone())];
            if want.is_empty() {
                assert!(shown.is_empty(), "{id} {period}: the scorecard has no value, the workbook {shown}");
            } else {
                let (shown, want): (f64, f64) = (shown.parse().unwrap(), want.parse().unwrap());
                assert!((shown - want).abs() < 0.00006, "{id} {period}: workbook {shown}, scorecard {want}");
            }
            compared += 1;
        }
        if id == "plans_issued_within_20_weeks_pct" {
            assert_eq!(record.get(20), Some("46.4344"), "England beside the scorecard");
            assert_eq!(record.get(21), Some("2024"));
        }
    }
    let measures = sendtrack_domain::measures::CATALOGUE.len();
    assert_eq!(compared, measures * 13);
    assert_eq!(sheets["Definitions"].lines().count(), measures + 1);
}

/// Months as the scorecard writes them.
struct Month;

impl Month {
    fn range(first: &str, count: usize) -> Vec<String> {
        let (y, m) = first.split_once('-').unwrap();
        let start = y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1;
        (0..count as i32).map(|k| format!("{:04}-{:02}", (start + k) / 12, (start + k) % 12 + 1)).collect()
    }
}

/// A small authority in a database, with Devon's comparators.
fn authority(tmp: &Path) -> String {
    let data = tmp.join("data");
    sendtrack(&["demo-data", "--out", data.to_str().unwrap(), "--children", "400", "--seed", "13"]);
    let db = tmp.join("st.db").to_str().unwrap().to_string();
    sendtrack(&["import", "--db", &db, data.to_str().unwrap()]);
    let dfe = concat!(env!("CARGO_MANIFEST_DIR"), "/../interchange/data/dfe-devon-extract");
    sendtrack(&["benchmarks", "--dfe", dfe, "--la", "Devon", "--db", &db]);
    db
}

#[test]
fn the_html_board_pack_has_headlines_tables_charts_comparators_and_definitions() {
    let tmp = tempfile::tempdir().unwrap();
    let db = authority(tmp.path());
    let out = tmp.path().join("pack.html");
    sendtrack(&[
        "report",
        "--db",
        &db,
        "--format",
        "html",
        "--month",
        "2026-10",
        "--authority",
        "Demo County Council",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en-GB\">"));
    assert!(html.contains("<title>SEND board report: Demo County Council, October 2026</title>"));
    assert!(html.contains("Headline measures for October 2026"));
    for section in [
        "Requests",
        "Assessments",
        "Open cases",
        "Advice",
        "Plans issued and ceased",
        "Active plans",
        "Annual reviews",
        "Disputes and feedback",
        "Placement costs",
        "Forecast",
    ] {
        assert!(html.contains(&format!(">{section}</h2>")), "no section {section}");
    }
    // The Forecast page (issue 21): from the end of the report's month, a year ahead.
    assert!(html.contains("Forecast from the end of October 2026"), "the forecast's table");
    assert!(html.contains("SEN2 census day 2027-01-21"), "the census day anticipated");
    assert!(html.contains("Error a year ahead"));
    // Every chart is an image with a title and a description; every table has a caption and
    // takes the keyboard's focus (it scrolls in its own box on a phone).
    assert_eq!(html.matches("<svg").count(), html.matches("role=\"img\"").count());
    assert!(html.matches("<svg").count() >= 9);
    assert_eq!(html.matches("<table").count(), html.matches("<caption>").count());
    assert_eq!(html.matches("<table tabindex=\"0\">").count(), html.matches("<table").count());
    assert!(html.contains("England 2024: 46.4%"), "the England comparator beside the 20-week chart");
    for m in sendtrack_domain::measures::CATALOGUE {
        assert!(html.contains(&format!("({})</dt>", m.id)), "no definition of {}", m.id);
    }
    // The same value as the scorecard.
    let csv = sendtrack(&[
        "scorecard",
        "--db",
        &db,
        "--from",
        "2026-10",
        "--to",
        "2026-10",
        "--measure",
        "plans_active",
        "--format",
        "csv",
    ]);
    let active = csv.lines().nth(1).unwrap().rsplit(',').next().unwrap();
    assert!(html.contains(&format!("<th scope=\"row\">Active EHC plans</th><td>{active}</td>")), "{active}");
}

#[test]
fn the_pdf_board_pack_is_a_real_pdf_with_its_pages_and_text() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let chromium = std::env::var("SENDTRACK_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    if Command::new(&chromium).arg("--version").output().is_err() {
        assert!(!ci, "CI=true but Chromium is not installed");
        eprintln!("!!! Chromium is not installed: the PDF board pack test is SKIPPED (scripts/test-all installs it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = authority(tmp.path());
    let out = tmp.path().join("pack.pdf");
    sendtrack(&[
        "report",
        "--db",
        &db,
        "--format",
        "pdf",
        "--month",
        "2026-10",
        "--authority",
        "Demo County Council",
        "--out",
        out.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let info = Command::new("pdfinfo").arg(&out).output().expect("pdfinfo (poppler-utils) is needed to check the PDF");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    // The cover, at least a page for each of the nine tables, the comparison and the definitions.
    assert!((12..=40).contains(&pages), "{pages} pages");
    let text = Command::new("pdftotext").arg(&out).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "Demo County Council",
        "SEND statutory performance: board report, October",
        "Headline measures for October 2026",
        "Comparison with England",
        "Definitions",
        "plans_issued_within_20_weeks_pct",
    ] {
        assert!(text.contains(expected), "the PDF does not say {expected:?}");
    }
}
