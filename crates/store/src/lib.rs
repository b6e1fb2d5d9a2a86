//! Durable storage of an authority's casework. One code path (sqlx's `Any` driver, dates as
//! ISO text) serves the embedded SQLite default and PostgreSQL; each backend has its own
//! embedded migrations. Records are written and read through the same row form as the
//! interchange files ([`sendtrack_domain::rows`]), so a record has one written form.

pub mod audit;
pub mod casework;
pub mod documents;
pub mod people;
pub mod portal;
mod tables;
mod work;

pub use audit::{AuditEvent, AuditQuery};
pub use people::{Session, SessionStage, User};
pub use work::Work;
#[cfg(feature = "testing")]
pub mod testing;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row as _};

/// Something went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {location}: {source}")]
    Open { location: String, source: sqlx::Error },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(
        "the database holds a {table} record that does not read back ({column}: {message}); was it edited outside sendtrack?"
    )]
    Corrupt { table: &'static str, column: &'static str, message: String },
    #[error(
        "{record} {id} was changed by someone else since it was read (version {expected} is now {actual}); reload it and make the change again"
    )]
    Conflict { record: &'static str, id: String, expected: i64, actual: i64 },
    #[error("there is no {record} {id}")]
    NotFound { record: &'static str, id: String },
    #[error("there is already a {record} {id}")]
    Duplicate { record: &'static str, id: String },
    #[error("there is no database at {location}; check the path (sendtrack import or sendtrack migrate creates one)")]
    NoDatabase { location: String },
    #[error("{location} is not a SQLite database sendtrack can open (its first bytes are not a SQLite header)")]
    NotADatabase { location: String },
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("{0}")]
    Files(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a record in {table} refers to a record in {parent} that is not there")]
    BrokenReference { table: String, parent: String },
}

impl StoreError {
    /// Whether the database was busy (SQLite's lock held by another writer past the busy
    /// timeout): worth trying again, never a fault of the request.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("5" | "6" | "517")) || e.message().contains("database is locked")
            }
            _ => false,
        }
    }
}

/// The SQLite databases this process has open, so that [`close_all`] can checkpoint and close
/// each before the process exits: otherwise the last writes may sit only in the `-wal` file,
/// and a copy of the `.db` alone misses them.
static OPEN_SQLITE: std::sync::Mutex<Vec<AnyPool>> = std::sync::Mutex::new(Vec::new());

/// Checkpoints every SQLite database this process opened (its write-ahead log folded into the
/// database file) and closes it. Every command calls this before it exits.
pub async fn close_all() {
    let pools: Vec<AnyPool> = OPEN_SQLITE.lock().map(|mut open| std::mem::take(&mut *open)).unwrap_or_default();
    for pool in pools {
        if !pool.is_closed() {
            // A checkpoint that cannot run now (a reader elsewhere) leaves the log to SQLite.
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await;
            pool.close().await;
        }
    }
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An open database of casework.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The database's URL, for PostgreSQL (a bulk import opens its own connection for `COPY`).
    url: Hidden,
    /// The SQLite file (the first import into an empty one writes it on its own connection).
    sqlite_path: Option<std::path::PathBuf>,
    /// SQLite lets one connection write at a time and makes the others retry after a sleep;
    /// under load that sleep, not the write, is what takes the time. Writes through this store
    /// queue here instead, first come first served. (PostgreSQL needs no such queue.)
    sqlite_writes: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A database URL, which may hold a password: never printed.
#[derive(Clone)]
struct Hidden(String);

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(hidden)")
    }
}

/// Rows written in one INSERT statement (kept under both engines' bind-parameter limits).
pub(crate) const ROWS_PER_STATEMENT: usize = 400;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens the database at `location`, which must exist: a `postgres://` URL, or a path to a
    /// SQLite file (a path that does not exist, or a file that is not a SQLite database, is an
    /// error at once, never a new empty database). Brings its schema up to date.
    pub async fn open_existing(location: &str) -> Result<Store, StoreError> {
        if !is_postgres(location) {
            let path =
                location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
            let missing = || StoreError::NoDatabase { location: location.to_string() };
            let mut header = [0u8; 16];
            let mut file = std::fs::File::open(path).map_err(|_| missing())?;
            let length = file.metadata().map_err(|_| missing())?.len();
            if length > 0 {
                let read = std::io::Read::read_exact(&mut file, &mut header);
                if read.is_err() || &header != b"SQLite format 3\0" {
                    return Err(StoreError::NotADatabase { location: location.to_string() });
                }
            }
        }
        Store::open(location).await
    }

    /// Opens (creating when needed) the database at `location`: a `postgres://` URL, or a path
    /// to a SQLite file. Brings its schema up to date. Only the commands that create databases
    /// (`import`, `migrate`, `demo`, `copy --to`) use it; the others [`Store::open_existing`].
    pub async fn open(location: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let open_error = |source| StoreError::Open { location: location.to_string(), source };
        let (backend, url) = if is_postgres(location) {
            (Backend::Postgres, location.to_string())
        } else {
            (Backend::Sqlite, sqlite_url(location))
        };
        let options = AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 4 } else { 16 });
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(&url).await.map_err(open_error)?;
        if backend == Backend::Sqlite
            && let Ok(mut open) = OPEN_SQLITE.lock()
        {
            open.push(pool.clone());
        }
        let store = Store {
            pool,
            backend,
            url: Hidden(url.clone()),
            sqlite_path: (backend == Backend::Sqlite).then(|| sqlite_path(location)),
            sqlite_writes: std::sync::Arc::new(tokio::sync::Mutex::new(())),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Writes a consistent copy of the whole database to the new SQLite file `out` while it
    /// stays in use (SQLite's `VACUUM INTO`: one read transaction, so the copy holds every
    /// committed write, the write-ahead log's included). On PostgreSQL, `pg_dump` is the answer.
    pub async fn backup(&self, out: &std::path::Path) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            return Err(StoreError::Unsupported(
                "backup writes SQLite files; back up a PostgreSQL database with pg_dump (see the README)",
            ));
        }
        let target = out.to_string_lossy().to_string();
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }

    /// Applies the embedded migrations that the database has not had yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Waits for this store's turn to write, on SQLite.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.sqlite_writes.lock().await),
            Backend::Postgres => None,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The versions of the migrations applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows: Vec<AnyRow> = sqlx::query("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?))).collect()
    }

    /// Closes the connections, waiting for them to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Whether a database location is a PostgreSQL URL (else a SQLite file path).
fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// The path of the SQLite file at `location` (a path, or a `sqlite:` URL).
fn sqlite_path(location: &str) -> std::path::PathBuf {
    let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
    std::path::PathBuf::from(path)
}

/// A SQLite connection URL for a file path, creating the file when missing.
fn sqlite_url(path: &str) -> String {
    let path = path.strip_prefix("sqlite://").or_else(|| path.strip_prefix("sqlite:")).unwrap_or(path);
    let encoded: String = path
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '?' => "%3F".to_string(),
            '#' => "%23".to_string(),
            '%' => "%25".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("sqlite://{encoded}?mode=rwc")
}
