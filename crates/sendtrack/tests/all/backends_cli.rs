//! The command line against every storage backend: import, export, scorecard, migrate, copy
//! between SQLite and PostgreSQL, and storing measure values for BI tools.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{folder_lines, ok, run};

use sendtrack_store::testing::{TestDb, fresh_databases};

async fn cleanup(dbs: &[TestDb]) {
    for db in dbs {
        db.drop_it().await;
    }
}

#[tokio::test]
async fn import_export_and_scorecard_on_every_backend() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_s = data.to_str().unwrap();
    ok(&["demo-data", "--out", data_s, "--children", "400", "--seed", "8"]);
    let expected = ok(&["scorecard", "--data", data_s, "--from", "2026-01", "--to", "2026-11", "--format", "csv"]);
    let dbs = fresh_databases("cli_round_trip").await;
    for db in &dbs {
        let out = tmp.path().join(format!("out-{}", db.backend));
        ok(&["import", "--db", &db.location, data_s]);
        ok(&["export", "--db", &db.location, out.to_str().unwrap()]);
        assert_eq!(folder_lines(&data), folder_lines(&out), "{}", db.backend);
        let from_db =
            ok(&["scorecard", "--db", &db.location, "--from", "2026-01", "--to", "2026-11", "--format", "csv"]);
        assert_eq!(from_db, expected, "{}", db.backend);
        assert!(ok(&["migrate", "--db", &db.location]).contains("versions and measure values"), "{}", db.backend);
    }
    cleanup(&dbs).await;
}

#[tokio::test]
async fn copy_moves_every_record_and_refuses_a_target_in_use() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_s = data.to_str().unwrap();
    ok(&["demo-data", "--out", data_s, "--children", "300", "--seed", "9"]);
    let trial = tmp.path().join("trial.db").to_str().unwrap().to_string();
    let back = tmp.path().join("back.db").to_str().unwrap().to_string();
    ok(&["import", "--db", &trial, data_s]);
    let dbs = fresh_databases("cli_copy").await;
    // The shared server: PostgreSQL when there is one, else another SQLite file.
    let server = dbs.last().unwrap().location.clone();
    let server = if dbs.len() > 1 { server } else { tmp.path().join("server.db").to_str().unwrap().to_string() };
    let copied = ok(&["copy", "--from", &trial, "--to", &server]);
    assert!(copied.contains("Copied"), "{copied}");
    ok(&["copy", "--from", &server, "--to", &back]);
    let out = tmp.path().join("out");
    ok(&["export", "--db", &back, out.to_str().unwrap()]);
    assert_eq!(folder_lines(&data), folder_lines(&out));
    let refused = run(&["copy", "--from", &trial, "--to", &server]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already holds casework records"));
    cleanup(&dbs).await;
}

#[tokio::test]
async fn scorecard_save_stores_the_values_for_bi_tools() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_s = data.to_str().unwrap();
    ok(&["demo-data", "--out", data_s, "--children", "300", "--seed", "10"]);
    let dbs = fresh_databases("cli_save").await;
    for db in &dbs {
        ok(&["import", "--db", &db.location, data_s]);
        let csv = ok(&[
            "scorecard",
            "--db",
            &db.location,
            "--from",
            "2026-10",
            "--to",
            "2026-11",
            "--format",
            "csv",
            "--save",
        ]);
        let store = sendtrack_store::Store::open(&db.location).await.unwrap();
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM bi_measure_values").fetch_one(store.pool()).await.unwrap();
        assert_eq!(stored as usize, csv.lines().count() - 1, "{}", db.backend);
        let active: Option<f64> = sqlx::query_scalar(
            "SELECT value FROM bi_measure_values WHERE measure = 'plans_active' AND period = '2026-11' AND dimension IS NULL",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        let line = csv.lines().find(|l| l.starts_with("plans_active,2026-11,,,")).unwrap();
        assert_eq!(active.unwrap().to_string(), line.rsplit(',').next().unwrap(), "{}", db.backend);
        store.close().await;
    }
    cleanup(&dbs).await;
}
