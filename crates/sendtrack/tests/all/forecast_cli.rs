//! `sendtrack forecast` from the command line (issue 21): the CSV contract, scenarios, the
//! backtest and bad scenario files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{ok as sendtrack, run, text};

fn demo_folder() -> (tempfile::TempDir, String) {
    crate::support::demo_folder_of(800, 5)
}

#[test]
fn the_csv_has_every_measure_month_and_scenario_with_intervals() {
    let (tmp, data) = demo_folder();
    let scenario = tmp.path().join("more.toml");
    std::fs::write(&scenario, "name = \"Two more caseworkers, demand up 10%\"\ndemand_change_pct = 10\n\n[[staff]]\nfrom = \"2027-03\"\nfte = 2\n").unwrap();
    let csv = sendtrack(&[
        "forecast",
        "--data",
        &data,
        "--as-of",
        "2026-10",
        "--months",
        "12",
        "--scenario",
        scenario.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("measure,period,scenario,value,low,high"));
    let rows: Vec<Vec<String>> = lines
        .map(|l| {
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(l.as_bytes());
            r.records().next().unwrap().unwrap().iter().map(str::to_string).collect()
        })
        .collect();
    let scenario_name = "Two more caseworkers, demand up 10%";
    for measure in
        ["requests_received", "decisions_made", "plans_issued", "plans_ceased", "plans_active", "reviews_due"]
    {
        for scenario in ["baseline", scenario_name] {
            let these: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == measure && r[2] == scenario).collect();
            assert_eq!(these.len(), 12, "{measure} {scenario}");
            assert_eq!(these[0][1], "2026-11");
            assert_eq!(these[11][1], "2027-10");
            for r in these {
                let [value, low, high] = [3, 4, 5].map(|k| r[k].parse::<f64>().unwrap());
                assert!(low <= value && value <= high, "{r:?}");
            }
        }
    }
    // Demand up 10%: every month's requests 10% above the baseline's.
    let requests = |scenario: &str| -> Vec<f64> {
        rows.iter().filter(|r| r[0] == "requests_received" && r[2] == scenario).map(|r| r[3].parse().unwrap()).collect()
    };
    for (b, s) in requests("baseline").iter().zip(requests(scenario_name)) {
        assert!((s - b * 1.1).abs() < 0.11, "{b} {s}");
    }
    // The capacity model: more hours from March 2027 with two more caseworkers.
    let hours = |scenario: &str, period: &str| -> f64 {
        rows.iter().find(|r| r[0] == "casework_hours_available" && r[2] == scenario && r[1] == period).unwrap()[3]
            .parse()
            .unwrap()
    };
    assert_eq!(hours("baseline", "2027-02"), hours(scenario_name, "2027-02"));
    assert!(hours(scenario_name, "2027-03") > hours("baseline", "2027-03"));
    for measure in ["requests_open_over_20_weeks", "reviews_overdue", "casework_hours_needed", "casework_hours_worked"]
    {
        assert!(rows.iter().any(|r| r[0] == measure && r[2] == "baseline"), "{measure}");
    }
}

#[test]
fn the_table_and_json_carry_the_outcomes_and_the_backtest_scores_each_horizon() {
    let (_tmp, data) = demo_folder();
    let table = sendtrack(&["forecast", "--data", &data, "--as-of", "2026-10", "--months", "12"]);
    for expected in
        ["Forecast from the end of October 2026", "SEN2 census day 2027-01-21", "Requests backlog clears", "Backtest"]
    {
        assert!(table.contains(expected), "{expected} in\n{table}");
    }
    let json: serde_json::Value = serde_json::from_str(&sendtrack(&[
        "forecast", "--data", &data, "--as-of", "2026-10", "--months", "12", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(json["as_of"], "2026-10");
    assert_eq!(json["sen2_census"]["census_day"], "2027-01-21");
    assert_eq!(json["scenarios"][0]["scenario"], "baseline");
    let backtest = sendtrack(&["forecast", "--data", &data, "--as-of", "2026-10", "--backtest", "--format", "csv"]);
    let mut lines = backtest.lines();
    assert_eq!(lines.next(), Some("measure,horizon,origins,mape_pct,interval_hit_pct"));
    let rows: Vec<&str> = lines.collect();
    for horizon in ["1", "3", "6", "12", "12_month_total"] {
        assert!(rows.iter().any(|r| r.starts_with(&format!("requests_received,{horizon},"))), "{horizon}");
    }
    assert!(rows.iter().any(|r| r.starts_with("plans_active,12,")));
    assert!(!rows.iter().any(|r| r.starts_with("plans_active,12_month_total")), "a stock has no total");
}

#[test]
fn bad_scenarios_and_months_are_refused_with_where_and_why() {
    let (tmp, data) = demo_folder();
    let scenario = tmp.path().join("bad.toml");
    std::fs::write(&scenario, "name = \"Faster reviews\"\n\n[hours]\nannual_reveiw = 1\n").unwrap();
    let out = run(&["forecast", "--data", &data, "--scenario", scenario.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml, line 4") && err.contains("annual_review"), "{err}");
    let out = run(&["forecast", "--data", &data, "--as-of", "2026-11"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("has not ended"), "{}", text(&out.stderr));
    let out = run(&["forecast", "--data", &data, "--months", "48"]);
    assert!(text(&out.stderr).contains("12 to 36"), "{}", text(&out.stderr));
}
