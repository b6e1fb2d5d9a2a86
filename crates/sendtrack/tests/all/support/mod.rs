//! Helpers shared by the command-line tests: running the binary and comparing folders.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Not every test file uses every helper; a panic is a failed test.

use std::path::Path;
use std::process::{Command, Output};

/// The day every test works on.
pub const TODAY: &str = "2026-11-30";

/// Runs `sendtrack --today TODAY ARGS`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sendtrack")).args(["--today", TODAY]).args(args).output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `sendtrack` and returns its standard output, failing the test if it fails.
pub fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "sendtrack {args:?} failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

/// Every file's lines, sorted, so folders compare regardless of row order.
pub fn folder_lines(dir: &Path) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let mut lines: Vec<String> = std::fs::read_to_string(&f).unwrap().lines().map(str::to_string).collect();
            lines.sort();
            (f.file_name().unwrap().to_string_lossy().into_owned(), lines)
        })
        .collect()
}

/// A demo authority's interchange folder of about `children` children from `seed`, as at
/// TODAY, in a temporary folder kept while the first value lives.
pub fn demo_folder_of(children: usize, seed: u64) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data").to_str().unwrap().to_string();
    ok(&["demo-data", "--out", &data, "--children", &children.to_string(), "--seed", &seed.to_string()]);
    (tmp, data)
}
