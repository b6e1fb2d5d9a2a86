//! Benchmarks from the DfE's published statistics, checked against values worked out by hand
//! from the files (an extract of them: see data/dfe-devon-extract/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::codes::Comparator;
use sendtrack_domain::dates::Month;
use sendtrack_domain::records::{Benchmark, BenchmarkPeriod};
use sendtrack_interchange::dfe::{DfeError, benchmarks, find_authority};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/dfe-devon-extract")
}

fn value(found: &[Benchmark], measure: &str, period: BenchmarkPeriod, comparator: Comparator) -> Option<f64> {
    found.iter().find(|b| b.measure == measure && b.period == period && b.comparator == comparator).map(|b| b.value)
}

#[test]
fn devon_against_england_its_region_and_its_neighbours() {
    let devon = find_authority(&fixture(), "Devon").unwrap();
    assert_eq!((devon.old_la_code.as_str(), devon.region.as_str()), ("878", "South West"));
    assert_eq!(find_authority(&fixture(), "878").unwrap(), devon);
    assert_eq!(find_authority(&fixture(), "devon").unwrap(), devon);
    let found = benchmarks(&fixture(), &devon).unwrap();
    let y2024 = BenchmarkPeriod::Year(2024);
    let m = "plans_issued_within_20_weeks_pct";
    // England 2024: 39,407 of 84,866 plans (exceptions left out) = 46.4%, as published.
    let england = value(&found, m, y2024, Comparator::England).unwrap();
    assert_eq!(england, 46.4344);
    assert_eq!((england * 10.0).round() / 10.0, 46.4);
    // South West: 2,245 of 7,886.
    assert_eq!(value(&found, m, y2024, Comparator::Region), Some(28.4682));
    // Devon's neighbours (East Sussex, Dorset, Norfolk, Kent, Somerset, Suffolk, West Sussex,
    // Derbyshire, Essex, Worcestershire): 4,037 of 12,259 summed, not an average of their rates.
    assert_eq!(value(&found, m, y2024, Comparator::StatisticalNeighbours), Some(32.9309));
    // Devon as published: 41 of 1,277.
    assert_eq!(value(&found, m, y2024, Comparator::Published), Some(3.2106));
    // Requests received in 2024, as published: a year-to-date count at December; counts are not
    // compared with England.
    let december = BenchmarkPeriod::Month(Month::new(2024, 12).unwrap());
    assert_eq!(value(&found, "requests_received_ytd", december, Comparator::Published), Some(2265.0));
    assert_eq!(value(&found, "requests_received_ytd", december, Comparator::England), None);
    // Devon's 2019 six-week figure is published as x: missing, not zero.
    assert_eq!(value(&found, "decisions_within_6_weeks_pct", BenchmarkPeriod::Year(2019), Comparator::Published), None);
    assert!(value(&found, "decisions_within_6_weeks_pct", y2024, Comparator::England).is_some());
    // Every value names a measure of the catalogue.
    let ids = sendtrack_domain::measures::ids();
    assert!(found.iter().all(|b| ids.contains(&b.measure.as_str())));
}

#[test]
fn a_neighbour_with_a_suppressed_value_is_left_out_of_both_sums() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    // Suppress Kent's 2024 figures.
    let file = tmp.path().join("timeliness_20_week.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let kent: Vec<&str> =
        text.lines().filter(|l| l.starts_with("2024,") && l.contains(",Kent,All EHC plans issued,")).collect();
    assert_eq!(kent.len(), 1);
    let cells: Vec<&str> = kent[0].split(',').collect();
    let (kent_in_time, kent_all) = (cells[15].parse::<f64>().unwrap(), cells[13].parse::<f64>().unwrap());
    let mut suppressed: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    suppressed[13] = "x".into();
    suppressed[15] = "c".into();
    std::fs::write(&file, text.replace(kent[0], &suppressed.join(","))).unwrap();
    let devon = find_authority(tmp.path(), "Devon").unwrap();
    let found = benchmarks(tmp.path(), &devon).unwrap();
    let sn = value(
        &found,
        "plans_issued_within_20_weeks_pct",
        BenchmarkPeriod::Year(2024),
        Comparator::StatisticalNeighbours,
    )
    .unwrap();
    let expected = ((4037.0 - kent_in_time) / (12259.0 - kent_all) * 100.0 * 10_000.0).round() / 10_000.0;
    assert_eq!(sn, expected);
}

#[test]
fn an_unknown_authority_is_named_in_the_error() {
    match find_authority(&fixture(), "Atlantis") {
        Err(e @ DfeError::UnknownAuthority(_)) => assert!(e.to_string().contains("'Atlantis'")),
        other => panic!("{other:?}"),
    }
}
