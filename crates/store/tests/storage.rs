//! The store on every backend keeps every record exactly, updates by id, writes all or
//! nothing, refuses stale edits, loses no concurrent update, and serves the BI views.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::codes::*;
use sendtrack_domain::records::*;
use sendtrack_domain::validation::RecordFile;
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_store::casework::Position;
use sendtrack_store::testing::on_each_backend;
use sendtrack_store::{AuditEvent, Store, StoreError};

fn demo(children: usize, seed: u64) -> Casework {
    generate(&DemoOptions { children, seed, as_at: jiff::civil::date(2026, 11, 30) })
}

/// Both collections hold the same records, in any order.
fn assert_same_records(a: &Casework, b: &Casework) {
    fn sorted<T: std::fmt::Debug + Clone>(rows: &imbl::Vector<T>) -> Vec<String> {
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

#[tokio::test]
async fn a_generated_authority_reads_back_exactly() {
    on_each_backend("round_trip", |store, _| async move {
        let mut cw = demo(1000, 5);
        // More rows of a table than one batch of SQLite's first import (4,096).
        assert!(cw.case_log.len() > 4096, "{}", cw.case_log.len());
        cw.benchmarks.push_back(Benchmark {
            measure: "plans_issued_within_20_weeks_pct".into(),
            period: BenchmarkPeriod::Year(2024),
            comparator: Comparator::England,
            value: 46.4,
        });
        cw.targets.push_back(Target { measure: "plans_active".into(), target: 0.00001, due_on: None });
        // What a SEN2 import leaves unknown: a request's source, a dispute's date.
        cw.requests[0].source = None;
        let request_id = cw.requests[0].request_id.clone();
        cw.disputes.push_back(Dispute {
            dispute_id: "FROM-SEN2".into(),
            child_id: cw.requests[0].child_id.clone(),
            kind: DisputeKind::Appeal,
            request_id: Some(request_id),
            opened_on: None,
            outcome: None,
        });
        store.save(&cw, &|_| {}).await.unwrap();
        assert_same_records(&store.load().await.unwrap(), &cw);
    })
    .await;
}

#[tokio::test]
async fn saving_again_updates_records_with_the_same_ids_and_adds_the_rest() {
    on_each_backend("upsert", |store, _| async move {
        let cw = demo(300, 1);
        store.save(&cw, &|_| {}).await.unwrap();
        let mut update = Casework { children: imbl::vector![cw.children[0].clone()], ..Casework::default() };
        update.children[0].surname = "Corrected".into();
        let mut new_child = cw.children[1].clone();
        new_child.child_id = "NEW1".into();
        update.children.push_back(new_child);
        store.save(&update, &|_| {}).await.unwrap();
        let stored = store.load().await.unwrap();
        assert_same_records(&stored, &cw.updated_with(&update));
        assert!(stored.children.iter().any(|c| c.child_id == cw.children[0].child_id && c.surname == "Corrected"));
    })
    .await;
}

#[tokio::test]
async fn a_failed_save_leaves_the_database_as_it_was() {
    on_each_backend("failed_save", |store, _| async move {
        let cw = demo(200, 2);
        store.save(&cw, &|_| {}).await.unwrap();
        // A request for a child the database does not hold breaks a foreign key in the second
        // table, after the first table was written in the same transaction.
        let mut bad = Casework {
            children: imbl::vector![cw.children[0].clone()],
            requests: imbl::vector![cw.requests[0].clone()],
            ..Casework::default()
        };
        bad.children[0].surname = "ShouldNotBeSaved".into();
        bad.requests[0].child_id = "NOBODY".into();
        assert!(store.save(&bad, &|_| {}).await.is_err());
        assert_same_records(&store.load().await.unwrap(), &cw);
    })
    .await;
}

/// The first import into an empty database (PostgreSQL copies straight into its tables, its
/// keys and indexes set aside and built again at the end): a broken reference or a repeated
/// key still undoes everything, and the keys and indexes are all there afterwards.
#[tokio::test]
async fn a_failed_first_import_leaves_the_database_empty_with_its_keys() {
    on_each_backend("failed_first_import", |store, _| async move {
        // The first import drops the tables' indexes (on PostgreSQL, their keys too) and builds
        // them again.
        let indexes = || async {
            let sql = match store.backend() {
                sendtrack_store::Backend::Sqlite => {
                    "SELECT name || ':' || sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
                }
                sendtrack_store::Backend::Postgres => {
                    "SELECT * FROM (SELECT conrelid::regclass::text || ':' || conname || ':' || pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
                     UNION ALL SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = current_schema()) x \
                     ORDER BY 1"
                }
            };
            sqlx::query_scalar::<_, String>(sql).fetch_all(store.pool()).await.unwrap()
        };
        let before = indexes().await;
        let mut bad = demo(100, 3);
        bad.requests[5].child_id = "NOBODY".into();
        let error = store.save(&bad, &|_| {}).await.unwrap_err();
        if store.backend() == sendtrack_store::Backend::Sqlite {
            assert_eq!(error.to_string(), "a record in requests refers to a record in children that is not there");
        }
        assert!(store.is_empty().await.unwrap());
        assert_eq!(indexes().await, before);
        if store.backend() == sendtrack_store::Backend::Postgres {
            assert!(before.iter().any(|i| i.contains("PRIMARY KEY")), "{before:?}");
            assert!(before.iter().any(|i| i.contains("FOREIGN KEY")), "{before:?}");
        }
        // A key given twice (which the folder's checks would have refused first).
        let mut twice = demo(100, 3);
        let again = twice.requests[3].clone();
        twice.requests.push_back(again);
        assert!(store.save(&twice, &|_| {}).await.is_err());
        assert!(store.is_empty().await.unwrap());
        assert_eq!(indexes().await, before);
        let good = demo(100, 3);
        store.save(&good, &|_| {}).await.unwrap();
        assert_same_records(&store.load().await.unwrap(), &good);
        assert_eq!(indexes().await, before);
        // Still enforced once the import is done.
        let mut orphan = Casework { requests: imbl::vector![good.requests[0].clone()], ..Casework::default() };
        orphan.requests[0].request_id = "R-ORPHAN".into();
        orphan.requests[0].child_id = "NOBODY".into();
        assert!(store.save(&orphan, &|_| {}).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn reopening_a_database_keeps_its_records_and_schema() {
    on_each_backend("reopen", |store, location| async move {
        let cw = demo(100, 3);
        store.save(&cw, &|_| {}).await.unwrap();
        store.close().await;
        let again = Store::open(&location).await.unwrap();
        assert_eq!(again.counts().await.unwrap(), cw.counts());
        let migrations = again.applied_migrations().await.unwrap();
        assert_eq!(migrations.iter().map(|m| m.0).collect::<Vec<_>>(), (1..=27).collect::<Vec<_>>());
        if again.backend() == sendtrack_store::Backend::Sqlite {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(again.pool()).await.unwrap();
            assert_eq!(mode.to_lowercase(), "wal");
            let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(again.pool()).await.unwrap();
            assert_eq!(fk, 1);
        }
        again.close().await;
    })
    .await;
}

async fn request_with_version(store: &Store, id: &str) -> Result<(Request, i64), StoreError> {
    let (mut cw, version) = store.record_with_version(RecordFile::Requests, id).await?;
    Ok((cw.requests.pop_back().unwrap(), version))
}

fn change(email: &str, id: &str) -> AuditEvent {
    AuditEvent {
        at: "2026-11-30T10:00:00Z".into(),
        email: email.into(),
        action: "change request".into(),
        child_id: None,
        detail: Some(id.into()),
        address: Some("127.0.0.1".into()),
    }
}

async fn update_request(store: &Store, request: &Request, version: i64) -> Result<i64, StoreError> {
    let one = Casework { requests: imbl::vector![request.clone()], ..Casework::default() };
    store
        .write_record(RecordFile::Requests, &one, Some(version), &change("test@example.org", &request.request_id))
        .await
        .map(|saved| saved.version)
}

async fn audit_rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit").fetch_one(store.pool()).await.unwrap()
}

#[tokio::test]
async fn a_new_record_is_added_once_with_its_audit_row() {
    on_each_backend("new_record", |store, _| async move {
        let cw = demo(50, 5);
        store.save(&cw, &|_| {}).await.unwrap();
        let mut advice = cw.advice[0].clone();
        advice.advice_id = "NEW-ADVICE-1".into();
        advice.received_on = None;
        let one = Casework { advice: imbl::vector![advice.clone()], ..Casework::default() };
        let event = change("a@example.org", "NEW-ADVICE-1");
        let before = store.casework_version().await.unwrap();
        let saved = store.write_record(RecordFile::Advice, &one, None, &event).await.unwrap();
        // The save tells the casework version it raised: the web app's next snapshot is made
        // from it when nobody else wrote in between.
        assert_eq!((saved.version, saved.raised.after.version), (1, before + 1));
        assert_eq!(saved.raised.before.version, before);
        assert_eq!(store.casework_version().await.unwrap(), before + 1);
        assert_eq!(audit_rows(&store).await, 1);
        // Adding it again is refused, and leaves no second audit row.
        assert!(matches!(
            store.write_record(RecordFile::Advice, &one, None, &event).await,
            Err(StoreError::Duplicate { .. })
        ));
        assert_eq!(audit_rows(&store).await, 1);
        let (read, version) = store.record_with_version(RecordFile::Advice, "NEW-ADVICE-1").await.unwrap();
        assert_eq!((read.advice, version), (imbl::vector![advice], 1));
        // Population counts are not edited one at a time.
        assert!(store.record_with_version(RecordFile::Population, "2020").await.is_err());
    })
    .await;
}

/// A use case's writes go in one unit of work: a sign-in's session, cleared failures and audit
/// row are committed together, and a unit dropped before its commit leaves nothing behind.
#[tokio::test]
async fn a_unit_of_work_commits_all_its_writes_or_none() {
    use sendtrack_domain::access::Role;
    use sendtrack_store::{SessionStage, audit, people};
    on_each_backend("unit_of_work", |store, _| async move {
        store.add_user("cw@example.org", Role::Caseworker, "hash", None, "2026-11-30").await.unwrap();
        let sessions = |store: Store| async move {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(store.pool()).await.unwrap();
            n
        };
        // Dropped: neither the session nor the audit row is there.
        let mut work = store.begin().await.unwrap();
        people::create_session(&mut work, "t1", "cw@example.org", SessionStage::Full, "2026-11-30T10:00:00Z")
            .await
            .unwrap();
        audit::record(&mut work, &change("cw@example.org", "sign in")).await.unwrap();
        drop(work);
        assert_eq!((sessions(store.clone()).await, audit_rows(&store).await), (0, 0));
        // Committed: both are.
        let mut work = store.begin().await.unwrap();
        people::record_failed_sign_in(&mut work, "cw@example.org", "127.0.0.1", "2026-11-30T09:59:00Z", "2026-11-30")
            .await
            .unwrap();
        people::create_session(&mut work, "t2", "cw@example.org", SessionStage::Full, "2026-11-30T10:00:00Z")
            .await
            .unwrap();
        people::clear_failed_sign_ins(&mut work, "cw@example.org").await.unwrap();
        audit::record(&mut work, &change("cw@example.org", "sign in")).await.unwrap();
        work.commit().await.unwrap();
        assert_eq!((sessions(store.clone()).await, audit_rows(&store).await), (1, 1));
        let (failures, _) = store.failed_sign_ins("cw@example.org", "127.0.0.1", "2026-01-01").await.unwrap();
        assert_eq!(failures, 0, "the failure recorded and cleared in the same unit");
    })
    .await;
}

/// Text that a bulk path must carry exactly (PostgreSQL's import streams CSV through `COPY`):
/// quotes, commas, a line break, a backslash; and a target whose key has an empty date.
#[tokio::test]
async fn awkward_text_and_empty_keys_read_back_exactly() {
    on_each_backend("awkward_text", |store, _| async move {
        let mut cw = demo(20, 9);
        cw.children[0].forename = "Zoë \"Jo\", O'Neil\nsecond line \\ end".into();
        cw.children[1].postcode = None;
        cw.targets.push_back(Target { measure: "requests_received".into(), target: 40.5, due_on: None });
        store.save(&cw, &|_| {}).await.unwrap();
        let back = store.load().await.unwrap();
        let child = back.children.iter().find(|c| c.child_id == cw.children[0].child_id).unwrap();
        assert_eq!(child.forename, cw.children[0].forename);
        assert!(back.targets.iter().any(|t| t.measure == "requests_received" && t.due_on.is_none()));
        assert_same_records(&cw, &back);
    })
    .await;
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_changes_nothing() {
    on_each_backend("stale_edit", |store, _| async move {
        let cw = demo(100, 4);
        store.save(&cw, &|_| {}).await.unwrap();
        let id = cw.requests[0].request_id.clone();
        let (first, version) = request_with_version(&store, &id).await.unwrap();
        let (second, same_version) = request_with_version(&store, &id).await.unwrap();
        assert_eq!(version, same_version);
        let mut mine = first.clone();
        mine.caseworker = Some("alice".into());
        let mut theirs = second.clone();
        theirs.caseworker = Some("bob".into());
        assert_eq!(update_request(&store, &mine, version).await.unwrap(), version + 1);
        assert_eq!(audit_rows(&store).await, 1);
        match update_request(&store, &theirs, version).await {
            Err(StoreError::Conflict { expected, actual, .. }) => {
                assert_eq!((expected, actual), (version, version + 1))
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let (now, _) = request_with_version(&store, &id).await.unwrap();
        assert_eq!(now.caseworker.as_deref(), Some("alice"));
        assert_eq!(audit_rows(&store).await, 1, "the refused save left no audit row");
        assert!(matches!(request_with_version(&store, "NOPE").await, Err(StoreError::NotFound { .. })));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_writers_lose_no_update() {
    on_each_backend("concurrency", |store, _| async move {
        let cw = demo(300, 6);
        store.save(&cw, &|_| {}).await.unwrap();
        let shared = cw.requests[0].request_id.clone();
        let own: Vec<String> = cw.requests.iter().skip(1).take(8).map(|r| r.request_id.to_string()).collect();
        let mut tasks = Vec::new();
        for task in 0..16usize {
            let store = store.clone();
            // Half the writers edit the same request, half a request of their own.
            let id = if task % 2 == 0 { shared.clone() } else { own[task / 2].clone().into() };
            tasks.push(tokio::spawn(async move {
                let mut conflicts = 0;
                loop {
                    let (mut request, version) = request_with_version(&store, &id).await.unwrap();
                    // Each writer records its own milestone: it appends its name to the caseworker.
                    let before = request.caseworker.clone().unwrap_or_default();
                    request.caseworker = Some(format!("{before}w{task};").into());
                    match update_request(&store, &request, version).await {
                        Ok(_) => return conflicts,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("writer {task}: {e}"),
                    }
                }
            }));
        }
        let mut total_conflicts = 0;
        for t in tasks {
            total_conflicts += t.await.unwrap();
        }
        let (shared_now, shared_version) = request_with_version(&store, &shared).await.unwrap();
        let written = shared_now.caseworker.unwrap_or_default();
        for task in (0..16).step_by(2) {
            assert!(written.contains(&format!("w{task};")), "writer {task}'s update was lost: {written}");
        }
        assert_eq!(shared_version, 1 + 8, "eight edits of the shared request");
        for (k, id) in own.iter().enumerate() {
            let (r, v) = request_with_version(&store, id).await.unwrap();
            assert!(r.caseworker.unwrap_or_default().ends_with(&format!("w{};", 2 * k + 1)));
            assert_eq!(v, 2);
        }
        eprintln!("{total_conflicts} stale saves were refused and retried");
    })
    .await;
}

#[tokio::test]
async fn the_bi_views_show_the_records_with_documented_columns() {
    on_each_backend("bi_views", |store, _| async move {
        let cw = demo(200, 7);
        store.save(&cw, &|_| {}).await.unwrap();
        for (view, columns, rows) in [
            (
                "bi_requests",
                "request_id, child_id, received_on, decision_due_on, final_plan_due_on, in_youth_accommodation",
                cw.requests.len(),
            ),
            ("bi_advice", "advice_id, request_id, kind, provider, requested_on, received_on, due_on", cw.advice.len()),
            ("bi_plans", "plan_id, child_id, issued_on, ceased_on, cease_reason", cw.plans.len()),
            (
                "bi_placements",
                "placement_id, child_id, setting, started_on, ended_on, annual_cost, rank",
                cw.placements.len(),
            ),
            (
                "bi_reviews",
                "review_id, plan_id, meeting_on, decision, decided_on, amended_on, phase_transfer",
                cw.reviews.len(),
            ),
        ] {
            let sql = format!("SELECT COUNT(*) FROM (SELECT {columns} FROM {view}) AS v");
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{view}: {e}"));
            assert_eq!(n as usize, rows, "{view}");
        }
        // A due date computed by the view matches the statutory clock.
        let r = &cw.requests[0];
        let due: String =
            sqlx::query_scalar("SELECT CAST(decision_due_on AS TEXT) FROM bi_requests WHERE request_id = $1")
                .bind(r.request_id.to_string())
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(due, sendtrack_domain::clock::decision_due(r.received_on).to_string());
        // Measure values, stored and replaced month by month.
        let row = |m: &str, p: &str, v: Option<f64>| (m.to_string(), p.to_string(), String::new(), String::new(), v);
        store
            .save_measure_values(
                &[row("plans_active", "2026-10", Some(10.0)), row("plans_active", "2026-11", None)],
                "2026-11-30",
            )
            .await
            .unwrap();
        store.save_measure_values(&[row("plans_active", "2026-11", Some(12.0))], "2026-11-30").await.unwrap();
        let values: Vec<(String, Option<f64>)> =
            sqlx::query_as("SELECT period, value FROM bi_measure_values WHERE dimension IS NULL ORDER BY period")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(values, [("2026-10".to_string(), Some(10.0)), ("2026-11".to_string(), Some(12.0))]);
    })
    .await;
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
    assert!(names("sqlite").len() >= 3);
}

fn audit_row(at: &str, email: &str) -> AuditEvent {
    AuditEvent { at: at.into(), email: email.into(), action: "view child".into(), ..AuditEvent::default() }
}

#[tokio::test]
async fn the_audit_trail_leaves_only_through_an_audited_archive_of_rows_before_a_date() {
    on_each_backend("audit_archive", |store, _| async move {
        store
            .audit_batch(&[
                audit_row("2018-03-01T10:00:00Z", "old@example.org"),
                audit_row("2019-11-30T23:59:59Z", "old@example.org"),
                audit_row("2019-12-01T00:00:00Z", "kept@example.org"),
            ])
            .await
            .unwrap();
        // No other DELETE or UPDATE gets through, before or after an archive.
        assert!(sqlx::query("DELETE FROM audit").execute(store.pool()).await.is_err());
        assert!(sqlx::query("UPDATE audit SET email = 'x'").execute(store.pool()).await.is_err());
        // A failure to keep the rows removes nothing.
        let archive = audit_row("2026-12-01T09:00:00Z", "admin@example.org");
        let failed = store.archive_audit("2019-12-01T00:00:00Z", &archive, |_| Err("disk full")).await.unwrap();
        assert_eq!(failed, Err("disk full"));
        assert_eq!(audit_rows(&store).await, 3);
        let mut kept = Vec::new();
        let archived = store
            .archive_audit("2019-12-01T00:00:00Z", &archive, |rows| {
                kept = rows.to_vec();
                Ok::<(), String>(())
            })
            .await
            .unwrap();
        assert_eq!(archived, Ok(2));
        assert_eq!(
            kept.iter().map(|e| e.at.as_str()).collect::<Vec<_>>(),
            ["2018-03-01T10:00:00Z", "2019-11-30T23:59:59Z"]
        );
        let left = store.audit_search(&sendtrack_store::AuditQuery::default(), 10).await.unwrap();
        assert_eq!(
            left.iter().map(|e| e.email.as_str()).collect::<Vec<_>>(),
            ["admin@example.org", "kept@example.org"]
        );
        assert!(sqlx::query("DELETE FROM audit").execute(store.pool()).await.is_err(), "still append-only");
    })
    .await;
}

#[tokio::test]
async fn a_missing_path_or_a_file_that_is_not_a_database_is_an_error_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("typo.db");
    let error = Store::open_existing(missing.to_str().unwrap()).await.unwrap_err();
    assert!(matches!(error, StoreError::NoDatabase { .. }), "{error}");
    assert!(!missing.exists());
    let text = tmp.path().join("notes.db");
    std::fs::write(&text, "these are notes, not a database").unwrap();
    let error = Store::open_existing(text.to_str().unwrap()).await.unwrap_err();
    assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
}

#[tokio::test]
async fn a_backup_taken_while_the_database_is_in_use_holds_every_committed_record() {
    on_each_backend("backup", |store, _| async move {
        let cw = demo(300, 4);
        store.save(&cw, &|_| {}).await.unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("backup.db");
        match store.backend() {
            sendtrack_store::Backend::Sqlite => {
                // The store stays open (its last writes may be only in the -wal file).
                store.backup(&out).await.unwrap();
                let copy = Store::open_existing(out.to_str().unwrap()).await.unwrap();
                assert_same_records(&copy.load().await.unwrap(), &cw);
                copy.close().await;
            }
            sendtrack_store::Backend::Postgres => {
                let error = store.backup(&out).await.unwrap_err();
                assert!(error.to_string().contains("pg_dump"), "{error}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn another_process_writes_while_a_large_import_is_under_way() {
    // Two stores on one SQLite file stand for the command-line import and the web app.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("busy.db").to_str().unwrap().to_string();
    let importer = Store::open(&path).await.unwrap();
    let app = Store::open(&path).await.unwrap();
    // Someone can sign in: the import may not take the database's lock for its whole length, as
    // the first import into a new database does.
    app.add_user("case@example.org", sendtrack_domain::access::Role::Caseworker, "x", None, "2026-12-01")
        .await
        .unwrap();
    let cw = demo(4000, 6);
    let (started, mut under_way) = tokio::sync::mpsc::unbounded_channel::<()>();
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let import = {
        let finished = finished.clone();
        let importer = importer.clone();
        tokio::spawn(async move {
            importer
                .save(&cw, &move |n| {
                    if n > 2000 {
                        let _ = started.send(());
                    }
                })
                .await
                .unwrap();
            finished.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    under_way.recv().await.unwrap();
    // The web app's write (an audit row) goes in while the import is still writing its rows.
    app.audit_batch(&[audit_row("2026-12-01T09:00:00Z", "case@example.org")]).await.unwrap();
    assert!(
        !finished.load(std::sync::atomic::Ordering::SeqCst),
        "the app's write waited for the whole import to finish"
    );
    import.await.unwrap();
    assert_eq!(importer.counts().await.unwrap().total(), demo(4000, 6).counts().total());
    importer.close().await;
    app.close().await;
}

#[tokio::test]
async fn erasing_a_child_erases_the_words_of_their_tasks() {
    on_each_backend("erase_tasks", |store, _| async move {
        let mut cw = demo(60, 2);
        let child = cw.children[0].child_id.clone();
        cw.tasks.push_back(sendtrack_domain::records::Task {
            task_id: "T-1".into(),
            child_id: child.clone(),
            caseworker: None,
            due_on: jiff::civil::date(2026, 12, 4),
            what: "Ring the child's mother about the meeting".into(),
            done_on: None,
        });
        store.save(&cw, &|_| {}).await.unwrap();
        store.erase_child(&child, &change("dpo@example.org", &child)).await.unwrap();
        let after = store.load().await.unwrap();
        let task = after.tasks.iter().find(|t| t.task_id == "T-1").unwrap();
        assert_eq!(task.what, "(erased)");
        assert_eq!(task.due_on, jiff::civil::date(2026, 12, 4), "the task itself stays");
    })
    .await;
}

/// Each raise of the casework version records the records written one by one, so that a
/// running app can put just those in (issue 16, goal 1); anything else (an import, many rows,
/// an erasure) records none, which tells it to read everything.
#[tokio::test]
async fn each_version_tells_the_records_it_changed_or_that_everything_must_be_read() {
    on_each_backend("casework_changes", |store, _| async move {
        let cw = demo(40, 6);
        let start = store.casework_version().await.unwrap();
        store.save(&cw, &|_| {}).await.unwrap();
        let imported = store.casework_version().await.unwrap();
        assert_eq!(store.changes(at(&store, start).await, imported).await.unwrap(), None, "an import is read whole");
        assert_eq!(store.changes(at(&store, imported).await, imported).await.unwrap(), Some(vec![]));

        let request = cw.requests[0].clone();
        let (_, version) = request_with_version(&store, &request.request_id).await.unwrap();
        update_request(&store, &request, version).await.unwrap();
        let plan = cw.plans[0].plan_id.to_string();
        let cases = [(RecordFile::Requests, request.request_id.to_string()), (RecordFile::Plans, plan.clone())];
        store.reallocate(&cases, "cw009", &[change("m@example.org", "moved")]).await.unwrap();
        let now = store.casework_version().await.unwrap();
        assert_eq!(now, imported + 2);
        let id = request.request_id.to_string();
        // In version order; the records of one version in any order.
        let mut told = store.changes(at(&store, imported).await, now).await.unwrap().unwrap();
        told[1..].sort_by_key(|(file, id)| (file.declaration().table, id.clone()));
        assert_eq!(
            told,
            vec![(RecordFile::Requests, id.clone()), (RecordFile::Plans, plan), (RecordFile::Requests, id.clone())]
        );
        assert_eq!(store.changes(at(&store, imported + 1).await, now).await.unwrap().map(|c| c.len()), Some(2));
        // Each version is stamped, and the present one's stamp is the position's.
        let position = store.casework_position().await.unwrap();
        assert_eq!((position.version, Some(position.stamp)), (now, store.stamp_of(now).await.unwrap()));
        assert_ne!(store.stamp_of(now - 1).await.unwrap(), store.stamp_of(now).await.unwrap());
        // A version of another history (a database restored from a backup, then written to)
        // has another stamp: everything is read.
        let elsewhere = Position { version: imported, stamp: at(&store, imported).await.stamp + 1 };
        assert_eq!(store.changes(elsewhere, now).await.unwrap(), None, "another history");
        // A refused write records nothing and raises nothing.
        assert!(update_request(&store, &request, version).await.is_err());
        assert_eq!(store.casework_version().await.unwrap(), now);

        // Rows of any type written together, or an erasure: everything is read again, even with
        // a change told one by one around them.
        let figures = Casework { population: cw.population.iter().take(1).cloned().collect(), ..Casework::default() };
        store.write_rows(&figures, &change("a@example.org", "figures")).await.unwrap();
        let (_, version) = request_with_version(&store, &id).await.unwrap();
        update_request(&store, &request, version).await.unwrap();
        let later = store.casework_version().await.unwrap();
        assert_eq!(store.changes(at(&store, now).await, later).await.unwrap(), None);
        assert_eq!(
            store.changes(at(&store, now + 1).await, later).await.unwrap(),
            Some(vec![(RecordFile::Requests, id.clone())])
        );
        let child = cw.children[1].child_id.to_string();
        store.erase_child(&child, &change("dpo@example.org", &child)).await.unwrap();
        assert_eq!(store.changes(at(&store, later).await, later + 1).await.unwrap(), None);
        // Further behind than the changes kept: everything.
        assert_eq!(
            store.changes(at(&store, later - sendtrack_store::casework::CHANGES_KEPT - 1).await, later).await.unwrap(),
            None
        );
    })
    .await;
}

/// Version `version` with the stamp the database keeps for it (0 when it keeps none).
async fn at(store: &Store, version: i64) -> Position {
    Position { version, stamp: store.stamp_of(version).await.unwrap().unwrap_or(0) }
}

/// A row that cannot be read back as a record (changed in the database by hand, say) stops the
/// read with the table, the column and why, on each backend, rather than being left out.
#[tokio::test]
async fn a_damaged_row_is_reported_by_table_and_column_when_the_records_are_read() {
    on_each_backend("damaged_row", |store, _| async move {
        let cw = demo(30, 4);
        store.save(&cw, &|_| {}).await.unwrap();
        assert_eq!(store.load().await.unwrap().counts(), cw.counts());
        let id = cw.requests[0].request_id.to_string();
        let mut damage = sqlx::query("UPDATE requests SET received_on = 'the 3rd' WHERE request_id = $1");
        damage = damage.bind(id);
        damage.execute(store.pool()).await.unwrap();
        match store.load().await {
            Err(StoreError::Corrupt { table, column, message }) => {
                assert_eq!((table, column), ("requests", "received_on"));
                assert!(message.contains("the 3rd"), "{message}");
            }
            other => panic!("expected the damaged row to be reported, got {:?}", other.map(|c| c.counts())),
        }
    })
    .await;
}
