//! The SQLite store keeps every record exactly, updates by id, and writes all or nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::records::Casework;
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_store::Store;

fn demo(children: usize, seed: u64) -> Casework {
    generate(&DemoOptions { children, seed, as_at: jiff::civil::date(2026, 11, 30) })
}

/// Both collections hold the same records, in any order.
fn assert_same_records(a: &Casework, b: &Casework) {
    fn sorted<T: std::fmt::Debug>(rows: &[T]) -> Vec<String> {
        let mut v: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
        v.sort();
        v
    }
    assert_eq!(a.counts(), b.counts());
    assert_eq!(sorted(&a.children), sorted(&b.children));
    assert_eq!(sorted(&a.requests), sorted(&b.requests));
    assert_eq!(sorted(&a.advice), sorted(&b.advice));
    assert_eq!(sorted(&a.plans), sorted(&b.plans));
    assert_eq!(sorted(&a.placements), sorted(&b.placements));
    assert_eq!(sorted(&a.reviews), sorted(&b.reviews));
    assert_eq!(sorted(&a.disputes), sorted(&b.disputes));
    assert_eq!(sorted(&a.feedback), sorted(&b.feedback));
    assert_eq!(sorted(&a.population), sorted(&b.population));
    assert_eq!(sorted(&a.benchmarks), sorted(&b.benchmarks));
    assert_eq!(sorted(&a.targets), sorted(&b.targets));
}

async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test store.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn a_generated_authority_reads_back_exactly() {
    let (_dir, store) = fresh().await;
    let mut cw = demo(800, 5);
    cw.benchmarks.push(sendtrack_domain::records::Benchmark {
        measure: "plans_issued_within_20_weeks_pct".into(),
        period: sendtrack_domain::records::BenchmarkPeriod::Year(2024),
        comparator: sendtrack_domain::codes::Comparator::England,
        value: 46.4,
    });
    cw.targets.push(sendtrack_domain::records::Target {
        measure: "plans_active".into(),
        target: 0.00001,
        due_on: None,
    });
    store.save(&cw, &|_| {}).await.unwrap();
    assert_same_records(&store.load().await.unwrap(), &cw);
}

#[tokio::test]
async fn saving_again_updates_records_with_the_same_ids_and_adds_the_rest() {
    let (_dir, store) = fresh().await;
    let cw = demo(300, 1);
    store.save(&cw, &|_| {}).await.unwrap();
    let mut update = Casework { children: vec![cw.children[0].clone()], ..Casework::default() };
    update.children[0].surname = "Corrected".into();
    let mut new_child = cw.children[1].clone();
    new_child.child_id = "NEW1".into();
    update.children.push(new_child);
    store.save(&update, &|_| {}).await.unwrap();
    let stored = store.load().await.unwrap();
    let expected = cw.updated_with(&update);
    assert_same_records(&stored, &expected);
    assert_eq!(stored.children.len(), cw.children.len() + 1);
    assert!(stored.children.iter().any(|c| c.child_id == cw.children[0].child_id && c.surname == "Corrected"));
}

#[tokio::test]
async fn a_failed_save_leaves_the_database_as_it_was() {
    let (_dir, store) = fresh().await;
    let cw = demo(200, 2);
    store.save(&cw, &|_| {}).await.unwrap();
    // A request for a child the database does not hold breaks a foreign key in the second
    // table, after the first table was written in the same transaction.
    let mut bad = Casework {
        children: vec![cw.children[0].clone()],
        requests: vec![cw.requests[0].clone()],
        ..Casework::default()
    };
    bad.children[0].surname = "ShouldNotBeSaved".into();
    bad.requests[0].child_id = "NOBODY".into();
    assert!(store.save(&bad, &|_| {}).await.is_err());
    assert_same_records(&store.load().await.unwrap(), &cw);
}

#[tokio::test]
async fn reopening_a_database_keeps_its_records_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.db");
    let path = path.to_str().unwrap();
    let cw = demo(100, 3);
    {
        let store = Store::open(path).await.unwrap();
        store.save(&cw, &|_| {}).await.unwrap();
        store.close().await;
    }
    let store = Store::open(path).await.unwrap();
    assert_eq!(store.counts().await.unwrap(), cw.counts());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(store.pool()).await.unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn both_backends_have_the_same_migration_versions() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}
