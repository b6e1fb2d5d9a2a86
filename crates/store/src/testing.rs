//! Test support, for this crate's tests and the others' (feature `testing`): runs a test on
//! every backend: an embedded SQLite file, and the PostgreSQL at `DATABASE_URL` in a schema of
//! its own that is dropped afterwards (so tests run in parallel and leave nothing behind).
//! Without a reachable PostgreSQL the PostgreSQL half is skipped loudly, except under CI
//! (`CI=true`), where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test support: a panic is a failed test.
use crate::Store;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL to test against, or `None` (after saying so) when there is none.
pub async fn postgres_url() -> Option<String> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Ok(url) = std::env::var("DATABASE_URL") else {
        assert!(!ci, "CI=true but DATABASE_URL is not set: the PostgreSQL tests must run in CI");
        eprintln!("!!! DATABASE_URL is not set: PostgreSQL storage tests SKIPPED (scripts/test-all sets it)");
        return None;
    };
    sqlx::any::install_default_drivers();
    match sqlx::AnyPool::connect(&url).await {
        Ok(pool) => {
            pool.close().await;
            Some(url)
        }
        Err(e) => {
            assert!(!ci, "CI=true but PostgreSQL at {url} is unreachable: {e}");
            eprintln!("!!! PostgreSQL at {url} is unreachable ({e}): PostgreSQL storage tests SKIPPED");
            None
        }
    }
}

/// A database location for one test on one backend, and how to clean it up.
pub struct TestDb {
    pub location: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn drop_it(&self) {
        if let Some((url, schema)) = &self.schema
            && let Ok(pool) = sqlx::AnyPool::connect(url).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
                .execute(&pool)
                .await;
            pool.close().await;
        }
    }
}

/// A fresh, empty database location on each available backend.
pub async fn fresh_databases(test: &str) -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{test} store.db")).to_str().unwrap().to_string();
    let mut dbs = vec![TestDb { location: path, backend: "sqlite", _dir: Some(dir), schema: None }];
    if let Some(url) = postgres_url().await {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let schema = format!(
            "st_{}_{}_{n}",
            test.chars().filter(char::is_ascii_alphanumeric).take(30).collect::<String>(),
            std::process::id()
        );
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&pool).await.unwrap();
        pool.close().await;
        let separator = if url.contains('?') { '&' } else { '?' };
        let location = format!("{url}{separator}options=-c%20search_path%3D{schema}");
        dbs.push(TestDb { location, backend: "postgres", _dir: None, schema: Some((url, schema)) });
    }
    dbs
}

/// Runs `body` with a fresh store on each backend, cleaning up even when it fails.
pub async fn on_each_backend<F, Fut>(test: &str, body: F)
where
    F: Fn(Store, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    for db in fresh_databases(test).await {
        let store = Store::open(&db.location).await.unwrap_or_else(|e| panic!("{}: {e}", db.backend));
        let result = tokio::spawn(body(store.clone(), db.location.clone())).await;
        store.close().await;
        db.drop_it().await;
        if let Err(e) = result {
            eprintln!("(failed on {})", db.backend);
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
            panic!("{e}");
        }
    }
}
