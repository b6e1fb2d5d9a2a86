//! Durable storage of an authority's casework. One code path (sqlx's `Any` driver, dates as
//! ISO text) serves the embedded SQLite default and PostgreSQL; each backend has its own
//! embedded migrations. Records are written and read through the same row form as the
//! interchange files ([`sendtrack_domain::rows`]), so a record has one written form.

mod audit;
mod people;
mod tables;

pub use audit::{AuditEvent, AuditQuery};
pub use people::{Session, SessionStage, User};
#[cfg(feature = "testing")]
pub mod testing;

use sendtrack_domain::records::{Casework, RecordCounts};
use sendtrack_domain::rows::{Personal, Row, Storage};
use sendtrack_domain::validation::RecordFile;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row as _};
use tables::{Table, tables};

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
    /// SQLite lets one connection write at a time and makes the others retry after a sleep;
    /// under load that sleep, not the write, is what takes the time. Writes through this store
    /// queue here instead, first come first served. (PostgreSQL needs no such queue.)
    sqlite_writes: std::sync::Arc<tokio::sync::Mutex<()>>,
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
        let store = Store { pool, backend, sqlite_writes: std::sync::Arc::new(tokio::sync::Mutex::new(())) };
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

    /// How many records of each kind the database holds.
    pub async fn counts(&self) -> Result<RecordCounts, StoreError> {
        let mut counts = RecordCounts::default();
        for table in tables() {
            let sql = format!("SELECT COUNT(*) FROM {}", table.table);
            let count: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&self.pool).await?;
            *counts.of_mut(table.file) = usize::try_from(count).unwrap_or(0);
        }
        Ok(counts)
    }

    /// Every record in the database.
    pub async fn load(&self) -> Result<Casework, StoreError> {
        let mut cw = Casework::default();
        for table in tables() {
            let spec = table.file.columns();
            let select: Vec<String> = spec.iter().map(|c| c.name.to_string()).collect();
            let sql = format!("SELECT {} FROM {} ORDER BY {}", select.join(", "), table.table, table.key.join(", "));
            let rows: Vec<AnyRow> = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
            for db_row in rows {
                let mut texts: Vec<Option<String>> = Vec::with_capacity(spec.len());
                for (k, column) in spec.iter().enumerate() {
                    texts.push(match column.storage {
                        Storage::Text => db_row.try_get::<Option<String>, _>(k)?,
                        Storage::Integer => db_row.try_get::<Option<i64>, _>(k)?.map(|v| v.to_string()),
                        Storage::Real => db_row.try_get::<Option<f64>, _>(k)?.map(|v| v.to_string()),
                    });
                }
                let cells: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
                let mut row = Row::new(table.file, &cells);
                let parsed = cw.read_row(&mut row);
                if let Some((column, message)) = row.problems.into_iter().next() {
                    if parsed {
                        cw.pop_last(table.file);
                    }
                    return Err(StoreError::Corrupt { table: table.table, column, message });
                }
            }
        }
        Ok(cw)
    }

    /// Writes every record of `casework` in one transaction: records with ids already stored
    /// are updated, the rest added. Either all are written or none. `progress` is told how
    /// many rows have been written so far.
    pub async fn save(&self, casework: &Casework, progress: &(dyn Fn(usize) + Sync)) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            return self.save_staged(casework, progress).await;
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let counts = casework.counts().rows();
        let mut written = 0;
        for (k, table) in tables().enumerate() {
            let total = counts[k].1;
            let mut start = 0;
            while start < total {
                let end = (start + ROWS_PER_STATEMENT).min(total);
                let sql = upsert_sql(table, end - start, self.backend);
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for i in start..end {
                    query = bind_cells(query, table, casework, i);
                }
                query.execute(&mut *tx).await?;
                written += end - start;
                progress(written);
                start = end;
            }
        }
        bump_casework_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// [`Store::save`] on SQLite, where one writer at a time holds the database's lock (across
    /// processes: a command-line import and the web app serving the same file): the rows are
    /// first written, batch by batch, into staging copies of the tables in this connection's
    /// temporary database, which takes no lock on the database; then one short transaction
    /// moves them all in (`INSERT ... SELECT`, all or nothing). The web app's own writes (an
    /// audit row, a save) wait only for that last step, never for the whole import.
    async fn save_staged(&self, casework: &Casework, progress: &(dyn Fn(usize) + Sync)) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let counts = casework.counts().rows();
        for table in tables() {
            let names: Vec<&str> = table.file.columns().iter().map(|c| c.name).collect();
            let keys = table.key.join(", ");
            let create = format!(
                "DROP TABLE IF EXISTS {staged}; CREATE TEMP TABLE staged_{name} AS SELECT {cols} FROM main.{name} WHERE 0; CREATE UNIQUE INDEX temp.staged_{name}_key ON staged_{name} ({keys})",
                staged = staged(table),
                name = table.table,
                cols = names.join(", ")
            );
            sqlx::raw_sql(AssertSqlSafe(create)).execute(&mut *conn).await?;
        }
        let staged_rows = async {
            let mut written = 0;
            for (k, table) in tables().enumerate() {
                let total = counts[k].1;
                let into = staged(table);
                let mut start = 0;
                while start < total {
                    let end = (start + ROWS_PER_STATEMENT).min(total);
                    let sql = upsert_into(table, &into, end - start, self.backend, false);
                    let mut query = sqlx::query(AssertSqlSafe(sql));
                    for i in start..end {
                        query = bind_cells(query, table, casework, i);
                    }
                    query.execute(&mut *conn).await?;
                    written += end - start;
                    progress(written);
                    start = end;
                }
            }
            let _turn = self.write_turn().await;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            for table in tables() {
                sqlx::query(AssertSqlSafe(merge_sql(table))).execute(&mut *tx).await?;
            }
            bump_casework_version(&mut tx).await?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        // The staging tables go whatever happened (they would go with the connection anyway).
        for table in tables() {
            let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE IF EXISTS {}", staged(table))))
                .execute(&mut *conn)
                .await;
        }
        staged_rows
    }

    /// The casework version: raised by every write of casework records, so that a running web
    /// app can tell its in-memory copy is stale.
    pub async fn casework_version(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT version FROM casework_version WHERE id = 1").fetch_one(&self.pool).await?)
    }

    /// Whether the database holds no casework records at all.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.counts().await?.total() == 0)
    }

    /// The versions of the migrations applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows: Vec<AnyRow> = sqlx::query("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?))).collect()
    }

    /// The versioned table that holds `file`'s records, keyed by a single id.
    fn versioned_table(file: RecordFile) -> Result<&'static Table, StoreError> {
        tables().find(|t| t.file == file && t.versioned && t.key.len() == 1).ok_or(StoreError::Corrupt {
            table: "(none)",
            column: "",
            message: format!("{} records are not edited one at a time", file.file_name()),
        })
    }

    /// One record, as a [`Casework`] holding just it, with the version it is at, for an edit
    /// that must not overwrite someone else's.
    pub async fn record_with_version(&self, file: RecordFile, id: &str) -> Result<(Casework, i64), StoreError> {
        let table = Self::versioned_table(file)?;
        let spec = file.columns();
        let names: Vec<&str> = spec.iter().map(|c| c.name).collect();
        let sql = format!("SELECT {}, version FROM {} WHERE {} = $1", names.join(", "), table.table, table.key[0]);
        let row: Option<AnyRow> =
            sqlx::query(AssertSqlSafe(self.placeholders(&sql))).bind(id.to_string()).fetch_optional(&self.pool).await?;
        let row = row.ok_or_else(|| StoreError::NotFound { record: record_name(file), id: id.to_string() })?;
        let mut texts: Vec<Option<String>> = Vec::with_capacity(spec.len());
        for (k, column) in spec.iter().enumerate() {
            texts.push(match column.storage {
                Storage::Text => row.try_get::<Option<String>, _>(k)?,
                Storage::Integer => row.try_get::<Option<i64>, _>(k)?.map(|v| v.to_string()),
                Storage::Real => row.try_get::<Option<f64>, _>(k)?.map(|v| v.to_string()),
            });
        }
        let version: i64 = row.try_get(spec.len())?;
        let cells: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
        let mut cw = Casework::default();
        let mut parsed_row = Row::new(file, &cells);
        let parsed = cw.read_row(&mut parsed_row);
        match (parsed, parsed_row.problems.into_iter().next()) {
            (true, None) => Ok((cw, version)),
            (_, problem) => {
                let (column, message) = problem.unwrap_or((table.key[0], "the row could not be read".into()));
                Err(StoreError::Corrupt { table: table.table, column, message })
            }
        }
    }

    /// Writes the one record of `file` in `record`, with `event` in the audit trail, in one
    /// transaction. A new record (`expected_version` `None`) must not exist yet
    /// ([`StoreError::Duplicate`]); a changed one is saved only if nobody else has changed it
    /// since it was read at `expected_version` ([`StoreError::Conflict`]). Returns the record's
    /// new version. A refused write changes nothing.
    pub async fn write_record(
        &self,
        file: RecordFile,
        record: &Casework,
        expected_version: Option<i64>,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        let table = Self::versioned_table(file)?;
        let spec = file.columns();
        let cells = record.cells(file, 0);
        let id = cells[0].clone();
        let bind_cells = |mut query: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>, skip: usize| {
            for (column, cell) in spec.iter().zip(&cells).skip(skip) {
                query = match column.storage {
                    Storage::Text => query.bind((!cell.is_empty()).then(|| cell.clone())),
                    Storage::Integer => query.bind(cell.parse::<i64>().ok()),
                    Storage::Real => query.bind(cell.parse::<f64>().ok()),
                };
            }
            query
        };
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let current: Option<i64> = sqlx::query_scalar(AssertSqlSafe(
            self.placeholders(&format!("SELECT version FROM {} WHERE {} = $1", table.table, table.key[0])),
        ))
        .bind(id.clone())
        .fetch_optional(&mut *tx)
        .await?;
        let version = match (expected_version, current) {
            (None, Some(_)) => return Err(StoreError::Duplicate { record: record_name(file), id }),
            (Some(_), None) => return Err(StoreError::NotFound { record: record_name(file), id }),
            (Some(expected), Some(actual)) if expected != actual => {
                return Err(StoreError::Conflict { record: record_name(file), id, expected, actual });
            }
            (None, None) => {
                let names: Vec<&str> = spec.iter().map(|c| c.name).collect();
                let marks: Vec<String> = (1..=spec.len()).map(|k| format!("${k}")).collect();
                let sql = format!("INSERT INTO {} ({}) VALUES ({})", table.table, names.join(", "), marks.join(", "));
                bind_cells(sqlx::query(AssertSqlSafe(self.placeholders(&sql))), 0).execute(&mut *tx).await?;
                1
            }
            (Some(expected), Some(_)) => {
                let sets: Vec<String> =
                    spec.iter().enumerate().skip(1).map(|(k, c)| format!("{} = ${}", c.name, k)).collect();
                let n = spec.len();
                let sql = format!(
                    "UPDATE {} SET {}, version = version + 1 WHERE {} = ${} AND version = ${}",
                    table.table,
                    sets.join(", "),
                    table.key[0],
                    n,
                    n + 1
                );
                let done = bind_cells(sqlx::query(AssertSqlSafe(self.placeholders(&sql))), 1)
                    .bind(id.clone())
                    .bind(expected)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    // Someone else's write landed between our read and our update.
                    return Err(StoreError::Conflict { record: record_name(file), id, expected, actual: expected + 1 });
                }
                expected + 1
            }
        };
        insert_audit(&mut tx, self, event).await?;
        bump_casework_version(&mut tx).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Removes a child's personal data and records `event`, in one transaction: the names
    /// become "(erased)"; UPN, ULN, postcode and ethnicity are removed. The opaque id, date of
    /// birth, sex and needs stay, with every other record: the measures of past months count
    /// children by age band and need, and must not change when a child is erased.
    pub async fn erase_child(&self, child_id: &str, event: &AuditEvent) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // What erasing does to each column is the children's declaration's to say.
        let children = RecordFile::Children.declaration();
        let erased: Vec<String> = children
            .columns
            .iter()
            .filter_map(|c| match c.personal {
                Personal::Name => Some(format!("{} = '(erased)'", c.name)),
                Personal::Erased => Some(format!("{} = NULL", c.name)),
                Personal::No | Personal::Kept => None,
            })
            .collect();
        let sql = format!("UPDATE children SET {}, version = version + 1 WHERE child_id = $1", erased.join(", "));
        let done =
            sqlx::query(AssertSqlSafe(self.placeholders(&sql))).bind(child_id.to_string()).execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { record: "child", id: child_id.to_string() });
        }
        insert_audit(&mut tx, self, event).await?;
        bump_casework_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the stored measure values of the months in `rows` with `rows`, in one
    /// transaction: (measure, period, dimension, key, value), dimension and key empty for a
    /// headline, value `None` when undefined.
    pub async fn save_measure_values(
        &self,
        rows: &[(String, String, String, String, Option<f64>)],
        computed_on: &str,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let periods: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
        for period in periods {
            sqlx::query("DELETE FROM measure_values WHERE period = $1")
                .bind(period.to_string())
                .execute(&mut *tx)
                .await?;
        }
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO measure_values (measure, period, dimension, key, value, computed_on) VALUES ",
            );
            let groups: Vec<String> = (0..chunk.len())
                .map(|r| {
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${})",
                        r * 6 + 1,
                        r * 6 + 2,
                        r * 6 + 3,
                        r * 6 + 4,
                        r * 6 + 5,
                        r * 6 + 6
                    )
                })
                .collect();
            sql.push_str(&groups.join(", "));
            let mut query = sqlx::query(AssertSqlSafe(self.placeholders(&sql)));
            for (measure, period, dimension, key, value) in chunk {
                query = query
                    .bind(measure.clone())
                    .bind(period.clone())
                    .bind(dimension.clone())
                    .bind(key.clone())
                    .bind(*value)
                    .bind(computed_on.to_string());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// SQL written with `$N` placeholders, as this backend wants them: SQLite gets positional
    /// `?` (sqlx-sqlite resolves `$N` names one at a time, quadratic in large statements).
    pub(crate) fn placeholders(&self, sql: &str) -> String {
        match self.backend {
            Backend::Postgres => sql.to_string(),
            Backend::Sqlite => {
                let mut out = String::with_capacity(sql.len());
                let mut chars = sql.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                        while chars.peek().is_some_and(char::is_ascii_digit) {
                            chars.next();
                        }
                        out.push('?');
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    /// Closes the connections, waiting for them to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Binds the cells of record `i` of `table` in `casework`, in column order.
fn bind_cells<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    table: &Table,
    casework: &Casework,
    i: usize,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let cells = casework.cells(table.file, i);
    for (column, cell) in table.file.columns().iter().zip(cells) {
        let empty_key = cell.is_empty() && table.key.contains(&column.name);
        query = match column.storage {
            Storage::Text if empty_key => query.bind(String::new()),
            Storage::Text => query.bind((!cell.is_empty()).then_some(cell)),
            Storage::Integer => query.bind(cell.parse::<i64>().ok()),
            Storage::Real => query.bind(cell.parse::<f64>().ok()),
        };
    }
    query
}

/// Raises the casework version inside a transaction that writes casework records.
async fn bump_casework_version(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), StoreError> {
    sqlx::query("UPDATE casework_version SET version = version + 1 WHERE id = 1").execute(&mut **tx).await?;
    Ok(())
}

/// Adds one audit row inside a transaction.
async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    store: &Store,
    event: &AuditEvent,
) -> Result<(), StoreError> {
    sqlx::query(AssertSqlSafe(store.placeholders(
        "INSERT INTO audit (at, email, action, child_id, detail, address) VALUES ($1, $2, $3, $4, $5, $6)",
    )))
    .bind(event.at.clone())
    .bind(event.email.clone())
    .bind(event.action.clone())
    .bind(event.child_id.clone())
    .bind(event.detail.clone())
    .bind(event.address.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What one record is called in messages.
fn record_name(file: RecordFile) -> &'static str {
    match file {
        RecordFile::Children => "child",
        RecordFile::Requests => "request",
        RecordFile::Advice => "advice",
        RecordFile::Plans => "plan",
        RecordFile::Placements => "placement",
        RecordFile::Reviews => "review",
        RecordFile::Disputes => "dispute",
        RecordFile::Feedback => "feedback",
        RecordFile::Population => "population count",
        RecordFile::Benchmarks => "benchmark",
        RecordFile::Targets => "target",
    }
}

/// `INSERT ... VALUES (...), ... ON CONFLICT (key) DO UPDATE` for `rows` rows of `table`.
fn upsert_sql(table: &Table, rows: usize, backend: Backend) -> String {
    upsert_into(table, table.table, rows, backend, table.versioned)
}

/// The statement that inserts `rows` rows of `table`'s columns into the table `into` (the table
/// itself, or its staging copy, which has no version), updating rows whose key is already there.
fn upsert_into(table: &Table, into: &str, rows: usize, backend: Backend, versioned: bool) -> String {
    let spec = table.file.columns();
    let names: Vec<&str> = spec.iter().map(|c| c.name).collect();
    let mut sql = format!("INSERT INTO {into} ({}) VALUES ", names.join(", "));
    let mut parameter = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..spec.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            parameter += 1;
            // SQLite binds `?` positionally; sqlx-sqlite resolves `$N` names one by one, which
            // costs quadratic time in a statement of thousands of parameters.
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${parameter}")),
            }
        }
        sql.push(')');
    }
    let mut updates: Vec<String> =
        names.iter().filter(|n| !table.key.contains(n)).map(|n| format!("{n} = excluded.{n}")).collect();
    if versioned {
        // A record an import writes over counts as edited, for concurrent-edit detection.
        updates.push(format!("version = {}.version + 1", table.table));
    }
    sql.push_str(&conflict_clause(table, &updates));
    sql
}

/// The staging copy of a table, in the connection's temporary database.
fn staged(table: &Table) -> String {
    format!("temp.staged_{}", table.table)
}

/// Moves a table's staged rows into it, updating rows whose key is already there (SQLite).
fn merge_sql(table: &Table) -> String {
    let names: Vec<&str> = table.file.columns().iter().map(|c| c.name).collect();
    let mut updates: Vec<String> =
        names.iter().filter(|n| !table.key.contains(n)).map(|n| format!("{n} = excluded.{n}")).collect();
    if table.versioned {
        updates.push(format!("version = {}.version + 1", table.table));
    }
    // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    format!(
        "INSERT INTO {} ({cols}) SELECT {cols} FROM {} WHERE true{}",
        table.table,
        staged(table),
        conflict_clause(table, &updates),
        cols = names.join(", ")
    )
}

fn conflict_clause(table: &Table, updates: &[String]) -> String {
    let mut sql = format!(" ON CONFLICT ({}) DO ", table.key.join(", "));
    if updates.is_empty() {
        sql.push_str("NOTHING");
    } else {
        sql.push_str(&format!("UPDATE SET {}", updates.join(", ")));
    }
    sql
}

/// Whether a database location is a PostgreSQL URL (else a SQLite file path).
fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
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
