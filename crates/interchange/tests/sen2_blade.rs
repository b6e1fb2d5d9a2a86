//! Reading COLLECT Blade exports of the SEN2 return (the newer and the older column sets) and
//! checking them before submission: the hand-written exports in `tests/fixtures/sen2` pass
//! every check, and a deliberately broken one fails exactly the expected rules.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::sen2::{Module, check};
use sendtrack_interchange::sen2::{Sen2ReadError, read_blade};
use std::path::{Path, PathBuf};

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 30);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sen2").join(name)
}

#[test]
fn both_column_sets_read_and_pass_every_check() {
    for set in ["newer", "older"] {
        let (blade, files) = read_blade(&fixture(set)).unwrap();
        assert_eq!(blade.rows(Module::Person).len(), 13, "{set}");
        assert_eq!(files[&Module::Person], "Blade-Export_20-01-2026_person.csv");
        assert_eq!(blade.census_day(None), Some(jiff::civil::date(2026, 1, 15)));
        let person = &blade.rows(Module::Person)[0];
        let sex = if set == "newer" { person.get("sex") } else { person.get("gendercurrent") };
        assert_eq!(sex, Some("F"), "{set}: column names are read in lower case");
        assert_eq!(check(&blade, TODAY, None), vec![], "{set}");
    }
}

#[test]
fn a_broken_export_fails_exactly_the_expected_rules() {
    let (blade, _) = read_blade(&fixture("broken")).unwrap();
    let mut found: Vec<(&str, String)> = check(&blade, TODAY, None).into_iter().map(|f| (f.rule, f.person)).collect();
    found.sort();
    let mut expected: Vec<(&str, String)> = [
        ("SEN2-01", "P13"),
        ("SEN2-02", "P2"),
        ("SEN2-04", "P3"),
        ("SEN2-06", "P3"),
        ("SEN2-07", "P1"),
        ("SEN2-08", "P5"),
        ("SEN2-09", "P4"),
        ("SEN2-10", "P2"),
        ("SEN2-13", "P1"),
        ("SEN2-14", "P4"),
    ]
    .into_iter()
    .map(|(r, p)| (r, p.to_string()))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_missing_module_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("newer")).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("_senneed.csv") {
            std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let error = read_blade(tmp.path()).unwrap_err();
    assert!(matches!(error, Sen2ReadError::Missing { module: "senneed", .. }), "{error}");
    std::fs::write(tmp.path().join("Blade-Export_20-01-2026_senneed.csv"), "a,b\n1\n").unwrap();
    let error = read_blade(tmp.path()).unwrap_err().to_string();
    assert!(error.starts_with("Blade-Export_20-01-2026_senneed.csv:2:"), "{error}");
}
