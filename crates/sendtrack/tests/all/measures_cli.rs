//! `scorecard`, `drill` and `measures` from the command line.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support;
use crate::support::ok as sendtrack;

use std::process::Command;

fn demo_folder() -> (tempfile::TempDir, String) {
    crate::support::demo_folder_of(500, 3)
}

#[test]
fn the_csv_follows_the_machine_readable_rules() {
    let (_tmp, data) = demo_folder();
    let csv = sendtrack(&["scorecard", "--data", &data, "--from", "2025-12", "--to", "2026-02", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("measure,period,dimension,key,value"));
    let rows: Vec<Vec<String>> = lines
        .map(|l| {
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(l.as_bytes());
            r.records().next().unwrap().unwrap().iter().map(str::to_string).collect()
        })
        .collect();
    // A headline row for every measure and period.
    for m in sendtrack_domain::measures::CATALOGUE {
        for period in ["2025-12", "2026-01", "2026-02"] {
            assert!(
                rows.iter().any(|r| r[0] == m.id && r[1] == period && r[2].is_empty() && r[3].is_empty()),
                "{} {period}",
                m.id
            );
        }
    }
    // Sorted as plain strings.
    let keys: Vec<_> = rows.iter().map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Integers for counts, exactly four decimals otherwise, empty when undefined.
    for r in &rows {
        let m = sendtrack_domain::measures::find(&r[0]).unwrap();
        if r[4].is_empty() {
            continue;
        }
        if m.is_count() {
            assert!(r[4].parse::<u64>().is_ok(), "{r:?}");
        } else {
            let (_, decimals) = r[4].split_once('.').unwrap_or_else(|| panic!("{r:?}"));
            assert_eq!(decimals.len(), 4, "{r:?}");
        }
    }
    // No population before 2020 in the demo: a rate in 2019 is undefined, an empty cell.
    let early = sendtrack(&[
        "scorecard",
        "--data",
        &data,
        "--from",
        "2019-06",
        "--to",
        "2019-06",
        "--measure",
        "requests_rate_per_10k",
        "--format",
        "csv",
    ]);
    assert_eq!(early, "measure,period,dimension,key,value\nrequests_rate_per_10k,2019-06,,,\n");
}

#[test]
fn the_database_and_the_folder_give_the_same_scorecard() {
    let (tmp, data) = demo_folder();
    let db = tmp.path().join("st.db").to_str().unwrap().to_string();
    sendtrack(&["import", "--db", &db, &data]);
    let args = ["--from", "2025-01", "--to", "2026-11", "--format", "csv"];
    let from_db = sendtrack(&[&["scorecard", "--db", &db][..], &args].concat());
    let from_folder = sendtrack(&[&["scorecard", "--data", &data][..], &args].concat());
    assert_eq!(from_db, from_folder);
}

#[test]
fn json_and_table_carry_the_same_values() {
    let (_tmp, data) = demo_folder();
    let json = sendtrack(&["scorecard", "--data", &data, "--from", "2026-10", "--to", "2026-11", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let measures = doc["measures"].as_array().unwrap();
    assert_eq!(measures.len(), sendtrack_domain::measures::CATALOGUE.len());
    let active = measures.iter().find(|m| m["id"] == "plans_active").unwrap();
    assert_eq!(active["unit"], "count");
    assert_eq!(active["better"], "–");
    let value = active["values"][1]["value"].as_f64().unwrap();
    let csv = sendtrack(&[
        "scorecard",
        "--data",
        &data,
        "--from",
        "2026-11",
        "--to",
        "2026-11",
        "--measure",
        "plans_active",
        "--format",
        "csv",
    ]);
    assert!(csv.contains(&format!("plans_active,2026-11,,,{}\n", value as u64)), "{csv}");
    let table =
        sendtrack(&["scorecard", "--data", &data, "--from", "2026-10", "--to", "2026-11", "--measure", "plans_active"]);
    assert!(table.contains("Active EHC plans"), "{table}");
    assert!(table.contains(&format!("{}", value as u64)), "{table}");
}

#[test]
fn drill_lists_exactly_the_records_behind_a_count() {
    let (_tmp, data) = demo_folder();
    let csv = sendtrack(&[
        "scorecard",
        "--data",
        &data,
        "--from",
        "2026-11",
        "--to",
        "2026-11",
        "--measure",
        "advice_outstanding",
        "--format",
        "csv",
    ]);
    let by_kind: Vec<(String, u64)> = csv
        .lines()
        .filter(|l| l.contains(",kind,"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[3].to_string(), cells[4].parse().unwrap())
        })
        .collect();
    assert!(!by_kind.is_empty());
    for (key, count) in by_kind {
        let listed = sendtrack(&[
            "drill",
            "--data",
            &data,
            "advice_outstanding",
            "2026-11",
            "--by",
            "kind",
            "--key",
            &key,
            "--format",
            "csv",
        ]);
        let rows: Vec<&str> = listed.lines().skip(1).collect();
        assert_eq!(rows.len() as u64, count, "{key}");
        assert!(rows.iter().all(|r| r.starts_with("advice,A")), "{listed}");
    }
}

#[test]
fn the_catalogue_lists_every_measure_with_its_definition() {
    let list = sendtrack(&["measures"]);
    for m in sendtrack_domain::measures::CATALOGUE {
        assert!(list.contains(m.id) && list.contains(m.definition), "{}", m.id);
    }
}

#[test]
fn unknown_measures_and_breakdowns_are_refused() {
    let (_tmp, data) = demo_folder();
    let out = Command::new(env!("CARGO_BIN_EXE_sendtrack"))
        .args(["drill", "--data", &data, "plans_active", "2026-11", "--by", "colour", "--key", "red"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'colour' is not a breakdown"));
    let out = Command::new(env!("CARGO_BIN_EXE_sendtrack"))
        .args(["scorecard", "--data", &data, "--measure", "nope"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("'nope' is not a measure id"));
}

#[test]
fn dfe_benchmarks_appear_beside_the_scorecard() {
    let (tmp, data) = demo_folder();
    let db = tmp.path().join("st.db").to_str().unwrap().to_string();
    sendtrack(&["import", "--db", &db, &data]);
    let dfe = concat!(env!("CARGO_MANIFEST_DIR"), "/../interchange/data/dfe-devon-extract");
    let stored = sendtrack(&["benchmarks", "--dfe", dfe, "--la", "Devon", "--db", &db]);
    assert!(stored.contains("for Devon (878, South West)"), "{stored}");
    let json = sendtrack(&[
        "scorecard",
        "--db",
        &db,
        "--from",
        "2025-06",
        "--to",
        "2025-06",
        "--measure",
        "plans_issued_within_20_weeks_pct",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let benchmarks = doc["measures"][0]["benchmarks"].as_array().unwrap();
    let england = benchmarks.iter().find(|b| b["comparator"] == "england").unwrap();
    assert_eq!((england["period"].as_str(), england["value"].as_f64()), (Some("2024"), Some(46.4344)));
    assert_eq!(benchmarks.len(), 4, "{benchmarks:?}");
    let table = sendtrack(&[
        "scorecard",
        "--db",
        &db,
        "--from",
        "2025-06",
        "--to",
        "2025-06",
        "--measure",
        "plans_issued_within_20_weeks_pct",
    ]);
    assert!(
        table.contains("46.4% (2024)") && table.contains("28.5% (2024)") && table.contains("32.9% (2024)"),
        "{table}"
    );
    let out = tmp.path().join("benchmarks.csv");
    sendtrack(&["benchmarks", "--dfe", dfe, "--la", "878", "--out", out.to_str().unwrap()]);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("measure,period,comparator,value\n"));
    assert!(written.contains("plans_issued_within_20_weeks_pct,2024,england,46.4344\n"), "{written}");
    // The census-day shares (issue 23), worked out by hand from sen_needs_all_plans.csv, Type of
    // placement, January 2025: Devon 4,226 of 9,848 plans in mainstream; 863 independent and
    // 34 non-maintained special; 241 home educated; 511 NEET of the 2,567 aged 16 to 25.
    // England: 278,236 of 638,745 in mainstream.
    for line in [
        "plans_in_mainstream_pct,2025-01,published,42.9123",
        "plans_in_independent_special_pct,2025-01,published,9.1084",
        "plans_ehe_pct,2025-01,published,2.4472",
        "plans_neet_16_25_pct,2025-01,published,19.9065",
        "plans_in_mainstream_pct,2025-01,england,43.5598",
    ] {
        assert!(written.contains(&format!("{line}\n")), "{line}");
    }
    // The scorecard of January 2025 sets them beside the measure.
    let table =
        sendtrack(&["scorecard", "--db", &db, "--from", "2025-01", "--to", "2025-01", "--measure", "plans_ehe_pct"]);
    assert!(table.contains("1.1% (2025-01)"), "England's share beside ours:\n{table}");
}

#[test]
fn the_month_to_date_is_labelled_a_month_to_come_refused_and_drill_writes_json() {
    let (_tmp, data) = demo_folder();
    // support::TODAY is 30 November 2026: the default range ends with October, the last
    // complete month.
    let json = sendtrack(&["scorecard", "--data", &data, "--measure", "advice_overdue", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((doc["from"].as_str(), doc["to"].as_str()), (Some("2025-10"), Some("2026-10")));
    assert!(doc["to_date"].is_null());
    let json = sendtrack(&[
        "scorecard",
        "--data",
        &data,
        "--measure",
        "advice_overdue",
        "--to",
        "2026-11",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["to_date"].as_str(), Some("2026-11"));
    let values = doc["measures"][0]["values"].as_array().unwrap();
    assert_eq!(values.last().unwrap()["to_date"], true);
    assert_eq!(values[0]["to_date"], false);
    let table = sendtrack(&["scorecard", "--data", &data, "--measure", "advice_overdue", "--to", "2026-11"]);
    assert!(table.contains("Nov 2026 (to date)"), "{table}");
    // A month still to come has no figures.
    for args in [
        vec!["scorecard", "--data", &data, "--to", "2026-12"],
        vec!["drill", "--data", &data, "plans_active", "2026-12"],
        vec!["report", "--data", &data, "--format", "html", "--month", "2026-12", "--out", "/dev/null"],
    ] {
        let out = support::run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(support::text(&out.stderr).contains("2026-12 has not started yet"), "{}", support::text(&out.stderr));
    }
    // drill --format json is JSON, with the value and every record.
    let drilled = sendtrack(&["drill", "--data", &data, "advice_overdue", "2026-11", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&drilled).unwrap();
    assert_eq!(
        (doc["measure"].as_str(), doc["period"].as_str(), doc["to_date"].as_bool()),
        (Some("advice_overdue"), Some("2026-11"), Some(true))
    );
    let records = doc["records"].as_array().unwrap();
    assert_eq!(doc["value"].as_f64(), Some(records.len() as f64));
    assert!(records.iter().all(|r| r["record"] == "advice" && r["child_id"].as_str().is_some()));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let (_tmp, data) = demo_folder();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sendtrack"))
        // Three years of the whole catalogue: far more than a pipe holds (about 240 kB).
        .args(["--today", support::TODAY, "scorecard", "--data", &data, "--from", "2023-11", "--to", "2026-10"])
        .args(["--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `| head -n 1` does.
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(line, "measure,period,dimension,key,value\n");
    assert!(!support::text(&out.stderr).contains("panicked"), "{}", support::text(&out.stderr));
}

#[test]
fn two_breakdowns_cross_and_their_margins_are_the_one_way_values() {
    let (_tmp, data) = demo_folder();
    for measure in ["plans_active", "requests_received", "plans_ceased"] {
        let csv = sendtrack(&[
            "scorecard",
            "--data",
            &data,
            "--measure",
            measure,
            "--by",
            "age_band",
            "--by",
            "phase",
            "--from",
            "2026-09",
            "--to",
            "2026-10",
            "--format",
            "csv",
        ]);
        let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
        let crossed: Vec<&Vec<&str>> = rows.iter().filter(|r| r[2] == "age_band|phase").collect();
        assert!(!crossed.is_empty(), "{measure}: no crossed rows");
        for period in ["2026-09", "2026-10"] {
            for one_way in rows.iter().filter(|r| r[1] == period && r[2] == "age_band") {
                let margin: f64 = crossed
                    .iter()
                    .filter(|r| r[1] == period && r[3].split('|').next() == Some(one_way[3]))
                    .map(|r| r[4].parse::<f64>().unwrap())
                    .sum();
                assert_eq!(margin, one_way[4].parse::<f64>().unwrap(), "{measure} {period} {}", one_way[3]);
            }
            let across: f64 = crossed.iter().filter(|r| r[1] == period).map(|r| r[4].parse::<f64>().unwrap()).sum();
            let headline = rows.iter().find(|r| r[1] == period && r[2].is_empty()).unwrap()[4].parse::<f64>().unwrap();
            assert_eq!(across, headline, "{measure} {period}: the crossed values add up to the headline");
        }
    }
    // A cell's records, drilled by both keys, are as many as its value.
    let csv = sendtrack(&[
        "scorecard",
        "--data",
        &data,
        "--measure",
        "plans_active",
        "--by",
        "setting",
        "--by",
        "phase",
        "--from",
        "2026-10",
        "--to",
        "2026-10",
        "--format",
        "csv",
    ]);
    let cell =
        csv.lines().find(|l| l.contains(",setting|phase,mainstream|primary,")).expect("a mainstream primary cell");
    let value: usize = cell.rsplit(',').next().unwrap().parse().unwrap();
    let drill = |format: &str| {
        sendtrack(&[
            "drill",
            "plans_active",
            "2026-10",
            "--data",
            &data,
            "--by",
            "setting",
            "--key",
            "mainstream",
            "--by",
            "phase",
            "--key",
            "primary",
            "--format",
            format,
        ])
    };
    assert_eq!(drill("csv").lines().count() - 1, value);
    let json: serde_json::Value = serde_json::from_str(&drill("json")).unwrap();
    assert_eq!(json["dimension"], "setting|phase");
    assert_eq!(json["key"], "mainstream|primary");
    assert_eq!(json["value"], value as f64);
    // One --by, the same twice, or a pair no measure has: refused with why.
    for (args, says) in [
        (vec!["--by", "setting"], "--by goes twice"),
        (vec!["--by", "setting", "--by", "setting"], "twice"),
        (vec!["--by", "kind", "--by", "phase"], "no measure asked for has both"),
    ] {
        let mut all = vec!["scorecard", "--data", data.as_str(), "--measure", "plans_active"];
        all.extend(args);
        let out = support::run(&all);
        assert!(!out.status.success());
        assert!(support::text(&out.stderr).contains(says), "{}", support::text(&out.stderr));
    }
}

#[test]
fn periods_pool_the_months_and_compare_two_spans() {
    let (_tmp, data) = demo_folder();
    // The same measures by month and over periods.
    let args = |extra: &[&str]| {
        let mut a = vec!["scorecard", "--data", data.as_str(), "--format", "csv"];
        for m in [
            "plans_issued",
            "plans_issued_within_20_weeks",
            "plans_active",
            "plans_issued_within_20_weeks_incl_exceptions_pct",
        ] {
            a.extend(["--measure", m]);
        }
        a.extend_from_slice(extra);
        sendtrack(&a)
    };
    let monthly = args(&["--from", "2026-01", "--to", "2026-05"]);
    let headline = |csv: &str, measure: &str, period: &str| -> f64 {
        csv.lines()
            .find(|l| l.starts_with(&format!("{measure},{period},,,")))
            .unwrap_or_else(|| panic!("{measure} {period}"))
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"];
    let issued: f64 = months.iter().map(|m| headline(&monthly, "plans_issued", m)).sum();
    let within: f64 = months.iter().map(|m| headline(&monthly, "plans_issued_within_20_weeks", m)).sum();
    let csv = args(&["--period", "span:2026-01..2026-05", "--period", "span:2026-06..2026-10"]);
    let span = "2026-01..2026-05";
    // A count adds up over the months; its mean per month is the total over five.
    assert_eq!(headline(&csv, "plans_issued", span), issued);
    let mean = csv.lines().find(|l| l.starts_with(&format!("plans_issued,{span},mean_per_month,,"))).unwrap();
    assert_eq!(mean.rsplit(',').next().unwrap().parse::<f64>().unwrap(), issued / 5.0);
    // A share is over every plan of the five months, not a mean of the months' shares.
    let share = headline(&csv, "plans_issued_within_20_weeks_incl_exceptions_pct", span);
    assert!((share - within / issued * 100.0).abs() < 1e-3, "{share} against {within}/{issued}");
    // Plans in force are taken at the end of the span.
    assert_eq!(headline(&csv, "plans_active", span), headline(&monthly, "plans_active", "2026-05"));
    // The change from the first span to the second: % for a count, points for a share.
    let later = headline(&csv, "plans_issued", "2026-06..2026-10");
    let change = headline(&csv, "plans_issued", "2026-01..2026-05 vs 2026-06..2026-10");
    assert!((change - (later - issued) / issued * 100.0).abs() < 1e-3, "{change}");
    let points =
        headline(&csv, "plans_issued_within_20_weeks_incl_exceptions_pct", "2026-01..2026-05 vs 2026-06..2026-10");
    let later_share = headline(&csv, "plans_issued_within_20_weeks_incl_exceptions_pct", "2026-06..2026-10");
    assert!((points - (later_share - share)).abs() < 1e-3);
    // The academic year to date runs from September; the table says which months.
    let table = sendtrack(&["scorecard", "--data", &data, "--period", "academic_ytd", "--measure", "plans_issued"]);
    assert!(table.contains("Academic year to date (September 2026 to October 2026)"), "{table}");
    let term =
        sendtrack(&["scorecard", "--data", &data, "--period", "term", "--to", "2026-05", "--measure", "plans_issued"]);
    assert!(term.contains("Summer term to date (April 2026 to May 2026)"), "{term}");
    let out = support::run(&["scorecard", "--data", &data, "--period", "quarter"]);
    assert!(!out.status.success() && support::text(&out.stderr).contains("is not a period"));
    // The last 45 days to today (30 November 2026): the requests received from 17 October,
    // across two months, counted by hand from requests.csv.
    let csv = sendtrack(&[
        "scorecard",
        "--data",
        &data,
        "--period",
        "days:45",
        "--measure",
        "requests_received",
        "--format",
        "csv",
    ]);
    let mut reader = csv::Reader::from_path(std::path::Path::new(&data).join("requests.csv")).unwrap();
    let received = reader.headers().unwrap().iter().position(|h| h == "received_on").unwrap();
    let by_hand = reader
        .records()
        .filter(|r| {
            let day = r.as_ref().unwrap()[received].to_string();
            ("2026-10-17".to_string()..="2026-11-30".to_string()).contains(&day)
        })
        .count();
    assert!(by_hand > 0, "the demo has requests in those days");
    assert_eq!(headline(&csv, "requests_received", "2026-10-17..2026-11-30"), by_hand as f64);
}
