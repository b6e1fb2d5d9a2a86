//! The casework records in their tables: loading them all, saving an import, and the use
//! cases that write one record (a form's save, an erasure) inside the caller's [`Work`].
//! Records are written and read through the same row form as the interchange files
//! ([`sendtrack_domain::rows`]), so a record has one written form.

use crate::tables::{Table, tables};
use crate::work::{Sql, Work};
use crate::{AuditEvent, Backend, ROWS_PER_STATEMENT, Store, StoreError, audit};
use sendtrack_domain::records::{Casework, RecordCounts, RecordFile};
use sendtrack_domain::rows::{Column, Personal, Row, Storage};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row as _};

/// A cell as its column stores it (`None`: NULL, of the column's type).
enum Stored<'c> {
    Text(Option<&'c str>),
    Integer(Option<i64>),
    Real(Option<f64>),
}

/// How a cell of `column` is stored, the one rule for every way rows are written (a bound
/// statement, PostgreSQL's `COPY`, the first SQLite import's prepared statement): empty text
/// as NULL, or as "" in a key column (`key`), which cannot be NULL; numbers as numbers.
fn stored<'c>(column: &Column, cell: &'c str, key: bool) -> Stored<'c> {
    match column.storage {
        Storage::Text if cell.is_empty() && !key => Stored::Text(None),
        Storage::Text => Stored::Text(Some(cell)),
        Storage::Integer => Stored::Integer(cell.parse().ok()),
        Storage::Real => Stored::Real(cell.parse().ok()),
    }
}

/// Binds one cell as its column stores it.
fn bind_cell(sql: &mut Sql, column: &Column, cell: String, key: bool) {
    match stored(column, &cell, key) {
        Stored::Text(text) => sql.bind(text.map(str::to_string)),
        Stored::Integer(number) => sql.bind(number),
        Stored::Real(number) => sql.bind(number),
    };
}

/// Reads the first `columns.len()` columns of a database row as text cells.
fn texts(row: &AnyRow, columns: &[Column]) -> Result<Vec<Option<String>>, StoreError> {
    columns
        .iter()
        .enumerate()
        .map(|(k, column)| {
            Ok(match column.storage {
                Storage::Text => row.try_get::<Option<String>, _>(k)?,
                Storage::Integer => row.try_get::<Option<i64>, _>(k)?.map(|v| v.to_string()),
                Storage::Real => row.try_get::<Option<f64>, _>(k)?.map(|v| v.to_string()),
            })
        })
        .collect()
}

/// A column's name in SQL, quoted: a few of the interchange's names are SQL keywords (the case
/// log's `on` and `by`), and every name is lower case, which quoting keeps on both backends.
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// A table's columns, quoted, for a column list.
fn column_list(table: &Table) -> String {
    table.columns.iter().map(|c| quoted(c.name)).collect::<Vec<_>>().join(", ")
}

/// `INSERT INTO into (columns) VALUES (...), ...` for records `range` of `table` in `casework`,
/// updating rows whose key is already there (and raising their version when `versioned`).
fn upsert(
    backend: Backend,
    table: &Table,
    into: &str,
    casework: &Casework,
    range: std::ops::Range<usize>,
    versioned: bool,
) -> Sql {
    let mut sql = Sql::new(backend, &format!("INSERT INTO {into} ({}) VALUES ", column_list(table)));
    sql.list(range, ", ", |sql, i| {
        sql.push("(").list(table.columns.iter().zip(casework.cells(table.file, i)), ", ", |sql, (column, cell)| {
            bind_cell(sql, column, cell, table.key.contains(&column.name));
        });
        sql.push(")");
    });
    sql.push(&on_conflict(table, versioned));
    sql
}

/// One record's cells as a line of `COPY ... (FORMAT csv)`: an empty cell is NULL (unquoted),
/// except in a key column, which cannot be NULL (`""`, the empty string); others quoted.
fn copy_row(out: &mut Vec<u8>, table: &Table, cells: Vec<String>) {
    for (k, (column, cell)) in table.columns.iter().zip(cells).enumerate() {
        if k > 0 {
            out.push(b',');
        }
        match stored(column, &cell, table.key.contains(&column.name)) {
            // NULL: nothing between the commas.
            Stored::Text(None) | Stored::Integer(None) | Stored::Real(None) => {}
            Stored::Text(Some(text)) => {
                out.push(b'"');
                for b in text.bytes() {
                    if b == b'"' {
                        out.push(b'"');
                    }
                    out.push(b);
                }
                out.push(b'"');
            }
            Stored::Integer(Some(number)) => out.extend_from_slice(number.to_string().as_bytes()),
            Stored::Real(Some(number)) => out.extend_from_slice(number.to_string().as_bytes()),
        }
    }
    out.push(b'\n');
}

/// ` ON CONFLICT (key) DO UPDATE SET ...` (or `DO NOTHING` when every column is in the key).
fn on_conflict(table: &Table, versioned: bool) -> String {
    let mut updates: Vec<String> = table
        .columns
        .iter()
        .map(|c| c.name)
        .filter(|n| !table.key.contains(n))
        .map(|n| format!("{0} = excluded.{0}", quoted(n)))
        .collect();
    if versioned {
        // A record an import writes over counts as edited, for concurrent-edit detection.
        updates.push(format!("version = {}.version + 1", table.table));
    }
    let mut sql = format!(" ON CONFLICT ({}) DO ", table.key.join(", "));
    if updates.is_empty() {
        sql.push_str("NOTHING");
    } else {
        sql.push_str(&format!("UPDATE SET {}", updates.join(", ")));
    }
    sql
}

/// The staging copy of a table, in the connection's temporary database.
fn staged(table: &Table) -> String {
    format!("temp.staged_{}", table.table)
}

/// Moves a table's staged rows into it, updating rows whose key is already there (SQLite).
fn merge_staged(table: &Table) -> String {
    // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    format!(
        "INSERT INTO {} ({cols}) SELECT {cols} FROM {} WHERE true{}",
        table.table,
        staged(table),
        on_conflict(table, table.versioned),
        cols = column_list(table)
    )
}

/// The table of a record type that is edited one record at a time.
fn versioned_table(file: RecordFile) -> Result<&'static Table, StoreError> {
    let table = file.declaration();
    if table.versioned && table.key.len() == 1 {
        Ok(table)
    } else {
        Err(StoreError::Corrupt {
            table: "(none)",
            column: "",
            message: format!("{} records are not edited one at a time", file.file_name()),
        })
    }
}

/// How many casework versions' changes are kept in `casework_changes`: an app further behind
/// than this reads every record again.
pub const CHANGES_KEPT: i64 = 10_000;

/// Raises the casework version: every write of casework records does, in its transaction, so
/// that a running web app can tell its in-memory copy is stale. The records the unit of work
/// wrote one by one are recorded with the new version (see [`Store::changes`]); a unit that
/// wrote others records none, which tells a running app to read everything. Returns the new
/// version.
pub async fn raise_version(work: &mut Work<'_>) -> Result<i64, StoreError> {
    Ok(raise(work).await?.after.version)
}

/// [`raise_version`], telling where the casework stood before the raise and after it: a web
/// app holding the snapshot of `before` makes the next one from what it just wrote.
pub async fn raise(work: &mut Work<'_>) -> Result<Raised, StoreError> {
    // One statement raises and tells where it started (an UPDATE's right-hand sides read the
    // row as it was), so that a save holds the database's one writer no longer than before.
    let stamp = new_stamp();
    let mut raise = work.sql("UPDATE casework_version SET version = version + 1, previous_stamp = stamp, stamp = ");
    raise.bind(stamp).push(" WHERE id = 1 RETURNING version, previous_stamp");
    let (version, previous): (i64, i64) = raise.query_as().fetch_one(work.conn()).await?;
    let before = Position { version: version - 1, stamp: previous };
    sqlx::query(STAMP_KEPT).execute(work.conn()).await?;
    if let crate::work::Changed::Records(records) = std::mem::take(&mut work.changed) {
        for some in records.chunks(ROWS_PER_STATEMENT) {
            let mut insert = work.sql("INSERT INTO casework_changes (version, record_type, record_id) VALUES ");
            insert.list(some, ", ", |sql, (file, id)| {
                sql.push("(").bind(version).push(", ").bind(file.declaration().table.to_string());
                sql.push(", ").bind(id.clone()).push(")");
            });
            insert.query().execute(work.conn()).await?;
        }
    }
    // The old changes and stamps are let go of every 64th version, not on every save: up to
    // 63 more versions are kept for a while, which `changes` reads as it would any.
    if version % 64 == 0 {
        for table in ["casework_changes", "casework_stamps"] {
            let mut forget = work.sql(&format!("DELETE FROM {table} WHERE version <= "));
            forget.bind(version - CHANGES_KEPT);
            forget.query().execute(work.conn()).await?;
        }
    }
    Ok(Raised { before, after: Position { version, stamp } })
}

/// Where a raise of the casework version took it from, and to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raised {
    pub before: Position,
    pub after: Position,
}

/// The stamp of a raise of the casework version: its time in nanoseconds, so that the same
/// version raised in two histories (before a restore from a backup, and after it) has two
/// stamps.
pub(crate) fn new_stamp() -> i64 {
    // A clock before 1970 gives 0, which is never a kept version's stamp that could match.
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}

/// The statements that raise the casework version after an import, which records no changes
/// (every app reads everything), with a new stamp, and keep the version raised with its stamp
/// (the same SQL on both backends; the stamp is a number this code makes, written in).
fn import_raise() -> String {
    format!(
        "UPDATE casework_version SET version = version + 1, previous_stamp = stamp, stamp = {} WHERE id = 1; {STAMP_KEPT}",
        new_stamp()
    )
}

/// Keeps the version just raised with its stamp (the same SQL on both backends).
pub(crate) const STAMP_KEPT: &str =
    "INSERT INTO casework_stamps (version, stamp) SELECT version, stamp FROM casework_version WHERE id = 1";

/// Where the casework stands: its version and that version's stamp (see [`raise_version`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub version: i64,
    pub stamp: i64,
}

/// What a form's save wrote: the record's own new version, and the casework version the save
/// raised (the web app makes its next snapshot from the record when it held the one before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    pub version: i64,
    /// The casework version's raise.
    pub raised: Raised,
}

/// Writes the one record of `file` in `record`. A new record (`expected_version` `None`) must
/// not exist yet ([`StoreError::Duplicate`]); a changed one is written only if nobody else has
/// changed it since it was read at `expected_version` ([`StoreError::Conflict`]). Returns the
/// record's new version.
pub async fn write_record(
    work: &mut Work<'_>,
    file: RecordFile,
    record: &Casework,
    expected_version: Option<i64>,
) -> Result<i64, StoreError> {
    let table = versioned_table(file)?;
    let mut cells = record.cells(file, 0).into_iter();
    let id = cells.next().unwrap_or_default();
    work.changed_record(file, &id);
    let mut select = work.sql(&format!("SELECT version FROM {} WHERE {} = ", table.table, table.key[0]));
    select.bind(id.clone());
    let current: Option<i64> = select.scalar().fetch_optional(work.conn()).await?;
    match (expected_version, current) {
        (None, Some(_)) => Err(StoreError::Duplicate { record: file.declaration().name, id }),
        (Some(_), None) => Err(StoreError::NotFound { record: file.declaration().name, id }),
        (Some(expected), Some(actual)) if expected != actual => {
            Err(StoreError::Conflict { record: file.declaration().name, id, expected, actual })
        }
        (None, None) => {
            let mut insert = work.sql(&format!("INSERT INTO {} ({}) VALUES (", table.table, column_list(table)));
            insert.bind(id).push(", ");
            insert.list(table.columns[1..].iter().zip(cells), ", ", |sql, (column, cell)| {
                bind_cell(sql, column, cell, false);
            });
            insert.push(")");
            insert.query().execute(work.conn()).await?;
            Ok(1)
        }
        (Some(expected), Some(_)) => {
            let mut update = work.sql(&format!("UPDATE {} SET ", table.table));
            update.list(table.columns[1..].iter().zip(cells), ", ", |sql, (column, cell)| {
                sql.push(&quoted(column.name)).push(" = ");
                bind_cell(sql, column, cell, false);
            });
            update.push(&format!(", version = version + 1 WHERE {} = ", table.key[0])).bind(id.clone());
            update.push(" AND version = ").bind(expected);
            let done = update.query().execute(work.conn()).await?;
            if done.rows_affected() != 1 {
                // Someone else's write landed between our read and our update.
                return Err(StoreError::Conflict {
                    record: file.declaration().name,
                    id,
                    expected,
                    actual: expected + 1,
                });
            }
            Ok(expected + 1)
        }
    }
}

/// Removes a child's personal data, as the children's declaration says for each column: the
/// names become "(erased)"; UPN, ULN, postcode and ethnicity are removed. The opaque id, date
/// of birth, sex and needs stay, with every other record: the measures of past months count
/// children by age band and need, and must not change when a child is erased.
pub async fn erase_child(work: &mut Work<'_>, child_id: &str) -> Result<(), StoreError> {
    work.changed_unknown();
    let mut update = work.sql("UPDATE children SET ");
    let personal =
        RecordFile::Children.columns().iter().filter(|c| matches!(c.personal, Personal::Name | Personal::Erased));
    update.list(personal, ", ", |sql, c| {
        sql.push(&quoted(c.name)).push(" = ");
        match c.personal {
            Personal::Name => sql.bind("(erased)".to_string()),
            _ => sql.bind(None::<String>),
        };
    });
    update.push(", version = version + 1 WHERE child_id = ").bind(child_id.to_string());
    let done = update.query().execute(work.conn()).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { record: "child", id: child_id.to_string() });
    }
    // The free text other records hold about the child (a task's words, a contact's name and
    // address) goes too.
    for file in RecordFile::ALL.into_iter().filter(|f| *f != RecordFile::Children) {
        let named: Vec<&Column> =
            file.columns().iter().filter(|c| matches!(c.personal, Personal::Name | Personal::Erased)).collect();
        if named.is_empty() || file.declaration().column("child_id").is_none() {
            continue;
        }
        let mut update = work.sql(&format!("UPDATE {} SET ", file.declaration().table));
        update.list(named.iter(), ", ", |sql, c| {
            sql.push(&quoted(c.name)).push(" = ");
            match c.personal {
                Personal::Name => sql.bind("(erased)".to_string()),
                _ => sql.bind(None::<String>),
            };
        });
        update.push(", version = version + 1 WHERE child_id = ").bind(child_id.to_string());
        update.query().execute(work.conn()).await?;
    }
    Ok(())
}

/// The first import into a new SQLite database (a new authority: no records, and nobody who
/// could sign in to the web app): every row bound to one prepared statement per table, straight
/// into the tables, in one transaction that holds the database's write lock throughout, which
/// is why it is only for a database nobody can be using. The foreign keys are checked once,
/// over the whole database, before the commit (`PRAGMA foreign_key_check`) instead of row by
/// row: the same checks, and a broken reference still undoes everything. The tables' indexes
/// are dropped and built again from the whole tables, in the same transaction. `Ok(false)`,
/// with nothing written, when the database is not new: the staged path then merges the records
/// into those held without holding the lock while it writes them.
fn save_into_empty_sqlite(
    path: &std::path::Path,
    casework: &Casework,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<bool, StoreError> {
    // One thread uses the connection: SQLite's own locking of it (a mutex taken and released
    // around every call, a tenth of an import's time in `perf`) is not needed.
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = rusqlite::Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Off for this connection only, and only outside a transaction; checked before the commit.
    conn.pragma_update(None, "foreign_keys", false)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A larger page cache than the default 2 MB for the import's B-trees (freed on return).
    conn.pragma_update(None, "cache_size", -262_144)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let union = tables().map(|t| t.table).chain(["users"]).map(|t| format!("SELECT 1 FROM {t}")).collect::<Vec<_>>();
    let union = union.join(" UNION ALL ");
    let empty: bool = tx.query_row(&format!("SELECT NOT EXISTS ({union})"), [], |row| row.get(0))?;
    if !empty {
        return Ok(false);
    }
    // Building an index from the whole table sorts once instead of inserting row by row.
    let names: Vec<String> = tables().map(|t| format!("'{}'", t.table)).collect();
    let indexes: Vec<(String, String)> = tx
        .prepare(&format!(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({})",
            names.join(", ")
        ))?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &indexes {
        tx.execute(&format!("DROP INDEX \"{name}\""), [])?;
    }
    let counts = casework.counts();
    let to_write: Vec<&Table> = tables().filter(|t| counts.of(t.file) > 0).collect();
    // SQLite writes on one thread; the records' cells are made on another meanwhile, a batch
    // of rows at a time, in the order they are written (a fifth of the rows' time on one).
    const BATCH: usize = 4096;
    std::thread::scope(|scope| {
        let (batches, ready) = std::sync::mpsc::sync_channel::<Vec<Vec<String>>>(4);
        let to_make = &to_write;
        scope.spawn(move || {
            for table in to_make {
                let total = counts.of(table.file);
                for start in (0..total).step_by(BATCH) {
                    let batch = (start..(start + BATCH).min(total)).map(|i| casework.cells(table.file, i)).collect();
                    // The writer stopped (on an error): nothing more is wanted.
                    if batches.send(batch).is_err() {
                        return;
                    }
                }
            }
        });
        let mut written = 0;
        for table in &to_write {
            let total = counts.of(table.file);
            let marks = vec!["?"; table.columns.len()].join(", ");
            let mut insert =
                tx.prepare(&format!("INSERT INTO {} ({}) VALUES ({marks})", table.table, column_list(table)))?;
            let mut done = 0;
            while done < total {
                // The maker ends early only by panicking, which the scope passes on.
                let Ok(batch) = ready.recv() else {
                    return Err(StoreError::Files("the rows to import could not be made".into()));
                };
                for cells in batch {
                    for (k, (column, cell)) in table.columns.iter().zip(cells).enumerate() {
                        let at = k + 1;
                        match stored(column, &cell, table.key.contains(&column.name)) {
                            Stored::Text(text) => insert.raw_bind_parameter(at, text)?,
                            Stored::Integer(number) => insert.raw_bind_parameter(at, number)?,
                            Stored::Real(number) => insert.raw_bind_parameter(at, number)?,
                        }
                    }
                    insert.raw_execute()?;
                    done += 1;
                    if done % 65_536 == 0 {
                        progress(written + done);
                    }
                }
            }
            written += total;
            progress(written);
        }
        Ok(())
    })?;
    for (_, sql) in &indexes {
        tx.execute(sql, [])?;
    }
    let broken: Option<(String, String)> = tx
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |row| Ok((row.get(0)?, row.get(2)?)))?
        .next()
        .transpose()?;
    if let Some((table, parent)) = broken {
        return Err(StoreError::BrokenReference { table, parent });
    }
    tx.execute_batch(&import_raise())?;
    tx.commit()?;
    // The import's pages are in the write-ahead log: folded into the database now and the log
    // emptied, or every read and write after it would go through a log the size of the
    // database (a save on a 200,000-child authority took 218 ms instead of 3).
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(true)
}

/// One row of `table` read into `cw`; a row that is not a record (the database changed by hand,
/// say) is reported by table, column and why, and nothing of it is kept.
fn read_row(table: &Table, cells: &[Option<&str>], cw: &mut Casework) -> Result<(), StoreError> {
    let mut row = Row::new(table.file, cells);
    let parsed = cw.read_row(&mut row);
    match (parsed, row.problems.into_iter().next()) {
        (true, None) => Ok(()),
        (_, problem) => {
            if parsed {
                cw.pop_last(table.file);
            }
            let (column, message) = problem.unwrap_or((table.key[0], "the row could not be read".into()));
            Err(StoreError::Corrupt { table: table.table, column, message })
        }
    }
}

/// [`Store::load`] of a SQLite database: every table read over one `rusqlite` connection in
/// one read transaction (so the tables agree with each other however many writes land while it
/// reads), each text cell borrowed from SQLite's row rather than copied into a `String` first.
/// Through sqlx's `Any` driver a 200,000-child authority took about half a minute to read.
fn load_sqlite(path: &std::path::Path) -> Result<Casework, StoreError> {
    use rusqlite::types::ValueRef;
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = rusqlite::Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let tx = conn.transaction()?;
    let mut cw = Casework::default();
    for table in tables() {
        let sql = format!("SELECT {} FROM {} ORDER BY {}", column_list(table), table.table, table.key.join(", "));
        let mut statement = tx.prepare(&sql)?;
        let mut rows = statement.query([])?;
        let corrupt = |column: &'static str, message: &str| StoreError::Corrupt {
            table: table.table,
            column,
            message: message.to_string(),
        };
        let mut numbers: Vec<Option<String>> = vec![None; table.columns.len()];
        while let Some(db_row) = rows.next()? {
            for (k, column) in table.columns.iter().enumerate() {
                numbers[k] = match column.storage {
                    Storage::Text => None,
                    Storage::Integer => db_row.get::<_, Option<i64>>(k)?.map(|v| v.to_string()),
                    Storage::Real => db_row.get::<_, Option<f64>>(k)?.map(|v| v.to_string()),
                };
            }
            let mut cells: Vec<Option<&str>> = Vec::with_capacity(table.columns.len());
            for (k, column) in table.columns.iter().enumerate() {
                cells.push(match column.storage {
                    Storage::Text => match db_row.get_ref(k)? {
                        ValueRef::Null => None,
                        ValueRef::Text(text) => {
                            Some(std::str::from_utf8(text).map_err(|_| corrupt(column.name, "the text is not UTF-8"))?)
                        }
                        _ => return Err(corrupt(column.name, "a number or blob where text belongs")),
                    },
                    Storage::Integer | Storage::Real => numbers[k].as_deref(),
                });
            }
            read_row(table, &cells, &mut cw)?;
        }
    }
    Ok(cw)
}

/// The rows of `table` as PostgreSQL's `COPY ... (FORMAT csv)` wrote them, read into `cw`. A
/// real number is written again as Rust writes it, as the row-by-row read does.
fn read_copied(table: &Table, bytes: &[u8], cw: &mut Casework) -> Result<(), StoreError> {
    let corrupt = |column: &'static str, message: String| StoreError::Corrupt { table: table.table, column, message };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut reals: Vec<Option<String>> = vec![None; table.columns.len()];
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(corrupt("", e.to_string())),
        }
        for (k, column) in table.columns.iter().enumerate() {
            reals[k] = match (column.storage, record.get(k)) {
                (Storage::Real, Some(cell)) if !cell.is_empty() => {
                    Some(cell.parse::<f64>().map_err(|e| corrupt(column.name, e.to_string()))?.to_string())
                }
                _ => None,
            };
        }
        let cells: Vec<Option<&str>> = table
            .columns
            .iter()
            .enumerate()
            .map(|(k, column)| match column.storage {
                Storage::Real => reals[k].as_deref(),
                _ => record.get(k),
            })
            .collect();
        read_row(table, &cells, cw)?;
    }
}

impl Store {
    /// How many records of each kind the database holds.
    pub async fn counts(&self) -> Result<RecordCounts, StoreError> {
        let mut counts = RecordCounts::default();
        for table in tables() {
            let sql = format!("SELECT COUNT(*) FROM {}", table.table);
            let count: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(self.pool()).await?;
            *counts.of_mut(table.file) = usize::try_from(count).unwrap_or(0);
        }
        Ok(counts)
    }

    /// Every record in the database.
    pub async fn load(&self) -> Result<Casework, StoreError> {
        match (self.backend(), self.sqlite_path.clone()) {
            (Backend::Sqlite, Some(path)) => tokio::task::spawn_blocking(move || load_sqlite(&path))
                .await
                .map_err(|e| StoreError::Corrupt { table: "(all)", column: "", message: e.to_string() })?,
            _ => self.load_copied().await,
        }
    }

    /// [`Store::load`] on PostgreSQL: each table copied out as CSV (`COPY ... TO STDOUT`,
    /// PostgreSQL's bulk path, with no row-by-row protocol) and read as the interchange's rows
    /// are, all tables in one read-only transaction at one snapshot of the database.
    async fn load_copied(&self) -> Result<Casework, StoreError> {
        use futures_util::TryStreamExt as _;
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(&self.url.0).await?;
        let mut tx = conn.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        let mut cw = Casework::default();
        for table in tables() {
            let sql = format!(
                "COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT WITH (FORMAT csv)",
                column_list(table),
                table.table,
                table.key.join(", ")
            );
            let mut bytes = Vec::new();
            {
                let mut copied = tx.copy_out_raw(&sql).await?;
                while let Some(chunk) = copied.try_next().await? {
                    bytes.extend_from_slice(&chunk);
                }
            }
            read_copied(table, &bytes, &mut cw)?;
        }
        tx.commit().await?;
        Ok(cw)
    }

    /// Writes every record of `casework` in one transaction: records with ids already stored
    /// are updated, the rest added. Either all are written or none. `progress` is told how
    /// many rows have been written so far.
    pub async fn save(&self, casework: &Casework, progress: &(dyn Fn(usize) + Sync)) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => {
                if let Some(path) = &self.sqlite_path {
                    let _turn = self.write_turn().await;
                    // rusqlite is synchronous: on the command line's many-threaded runtime the
                    // thread is given up to the import for its seconds; a single-threaded one
                    // (a test) simply waits for it.
                    let write = || save_into_empty_sqlite(path, casework, progress);
                    let written = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
                        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(write)?,
                        _ => write()?,
                    };
                    if written {
                        return Ok(());
                    }
                }
                self.save_staged(casework, progress).await
            }
            Backend::Postgres => self.save_copied(casework, progress).await,
        }
    }

    /// [`Store::save`] on PostgreSQL: each table's rows are streamed with `COPY` into a
    /// temporary staging table, then moved in with one `INSERT ... SELECT ... ON CONFLICT`
    /// (updating rows whose key is already there), tables in order, all in one transaction.
    /// `COPY` is PostgreSQL's bulk path: no statement to parse or parameters to bind per row.
    async fn save_copied(&self, casework: &Casework, progress: &(dyn Fn(usize) + Sync)) -> Result<(), StoreError> {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(&self.url.0).await?;
        let mut tx = conn.begin().await?;
        let counts = casework.counts();
        let mut written = 0;
        // The first import into an empty database (a new authority, or a move from SQLite)
        // copies straight into the tables, with their keys and indexes set aside and built
        // again from the whole tables: each foreign key checked once, by one query, when it is
        // added back, each primary key's index sorted once. The same checks, in the same
        // transaction (a broken reference or a repeated key still undoes everything). The
        // tables are locked for the import's few seconds; nothing reads an empty database.
        let empty: bool = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT NOT EXISTS ({})",
            tables().map(|t| format!("SELECT 1 FROM {}", t.table)).collect::<Vec<_>>().join(" UNION ALL ")
        )))
        .fetch_one(&mut *tx)
        .await?;
        // The tables' constraints (foreign keys first, with those of other tables that point
        // at them, then primary keys and unique ones) and their other indexes, set aside for a
        // first import and put back after it.
        let mut keys: Vec<(String, String, String)> = Vec::new();
        let mut indexes: Vec<(String, String)> = Vec::new();
        if empty {
            let names: Vec<String> = tables().map(|t| t.table.to_string()).collect();
            // An index built from a whole table sorts it once, where `COPY` into an indexed
            // table inserts every row into every index in turn; a larger sort memory than
            // the default 64 MB keeps a million rows' sort off the disk (for this transaction).
            sqlx::raw_sql("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut *tx).await?;
            keys = sqlx::query_as(
                "SELECT c.conrelid::regclass::text, c.conname::text, pg_get_constraintdef(c.oid) \
                 FROM pg_constraint c WHERE (c.contype IN ('f', 'p', 'u') AND c.conrelid::regclass::text = ANY($1)) \
                 OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY($1)) \
                 ORDER BY c.contype = 'f' DESC, c.conname",
            )
            .bind(&names)
            .fetch_all(&mut *tx)
            .await?;
            indexes = sqlx::query_as(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i \
                 WHERE i.indrelid::regclass::text = ANY($1) \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) \
                 ORDER BY 1",
            )
            .bind(&names)
            .fetch_all(&mut *tx)
            .await?;
            for (table, name, _) in &keys {
                sqlx::raw_sql(AssertSqlSafe(format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\"")))
                    .execute(&mut *tx)
                    .await?;
            }
            for (index, _) in &indexes {
                sqlx::raw_sql(AssertSqlSafe(format!("DROP INDEX {index}"))).execute(&mut *tx).await?;
            }
        }
        for table in tables() {
            let total = counts.of(table.file);
            if total == 0 {
                continue;
            }
            let cols = column_list(table);
            // Into the (empty) table itself, or into a staging copy merged in after.
            let target = if empty {
                table.table.to_string()
            } else {
                let staged = format!("staged_{}", table.table);
                let create = format!(
                    "CREATE TEMP TABLE {staged} ON COMMIT DROP AS SELECT {cols} FROM {} WITH NO DATA",
                    table.table
                );
                sqlx::raw_sql(AssertSqlSafe(create)).execute(&mut *tx).await?;
                staged
            };
            let mut copy = tx.copy_in_raw(&format!("COPY {target} ({cols}) FROM STDIN WITH (FORMAT csv)")).await?;
            let mut chunk = Vec::with_capacity(1 << 20);
            for i in 0..total {
                copy_row(&mut chunk, table, casework.cells(table.file, i));
                if chunk.len() >= 1 << 20 {
                    copy.send(std::mem::take(&mut chunk)).await?;
                    progress(written + i + 1);
                }
            }
            copy.send(chunk).await?;
            copy.finish().await?;
            written += total;
            progress(written);
            if !empty {
                let merge = format!(
                    "INSERT INTO {} ({cols}) SELECT {cols} FROM {target}{}",
                    table.table,
                    on_conflict(table, table.versioned)
                );
                sqlx::raw_sql(AssertSqlSafe(merge)).execute(&mut *tx).await?;
            }
        }
        // Primary and unique keys before the foreign keys that point at them.
        for (_, definition) in &indexes {
            sqlx::raw_sql(AssertSqlSafe(definition.clone())).execute(&mut *tx).await?;
        }
        for (table, name, definition) in keys.iter().rev() {
            sqlx::raw_sql(AssertSqlSafe(format!("ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}")))
                .execute(&mut *tx)
                .await?;
        }
        // The import records no changes: every app reads everything; stamped as every raise is.
        sqlx::raw_sql(AssertSqlSafe(import_raise())).execute(&mut *tx).await?;
        tx.commit().await?;
        conn.close().await?;
        Ok(())
    }

    /// [`Store::save`] on SQLite, where one writer at a time holds the database's lock (across
    /// processes: a command-line import and the web app serving the same file): the rows are
    /// first written, batch by batch, into staging copies of the tables in this connection's
    /// temporary database, which takes no lock on the database; then one short transaction
    /// moves them all in (`INSERT ... SELECT`, all or nothing). The web app's own writes (an
    /// audit row, a save) wait only for that last step, never for the whole import.
    async fn save_staged(&self, casework: &Casework, progress: &(dyn Fn(usize) + Sync)) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        for table in tables() {
            let keys = table.key.join(", ");
            let create = format!(
                "DROP TABLE IF EXISTS {staged}; CREATE TEMP TABLE staged_{name} AS SELECT {cols} FROM main.{name} WHERE 0; CREATE UNIQUE INDEX temp.staged_{name}_key ON staged_{name} ({keys})",
                staged = staged(table),
                name = table.table,
                cols = column_list(table)
            );
            sqlx::raw_sql(AssertSqlSafe(create)).execute(&mut *conn).await?;
        }
        let counts = casework.counts();
        let staged_rows = async {
            let mut written = 0;
            for table in tables() {
                let total = counts.of(table.file);
                let into = staged(table);
                for start in (0..total).step_by(ROWS_PER_STATEMENT) {
                    let end = (start + ROWS_PER_STATEMENT).min(total);
                    upsert(Backend::Sqlite, table, &into, casework, start..end, false)
                        .query()
                        .execute(&mut *conn)
                        .await?;
                    written += end - start;
                    progress(written);
                }
            }
            let _turn = self.write_turn().await;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            for table in tables() {
                sqlx::query(AssertSqlSafe(merge_staged(table))).execute(&mut *tx).await?;
            }
            sqlx::raw_sql(AssertSqlSafe(import_raise())).execute(&mut *tx).await?;
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
        Ok(self.casework_position().await?.version)
    }

    /// The casework version with its stamp: a running web app checks both, so that a database
    /// restored from a backup (an earlier version raised again) is never taken for the same
    /// history.
    pub async fn casework_position(&self) -> Result<Position, StoreError> {
        let (version, stamp) =
            sqlx::query_as("SELECT version, stamp FROM casework_version WHERE id = 1").fetch_one(self.pool()).await?;
        Ok(Position { version, stamp })
    }

    /// The stamp the database keeps for casework version `version`, if it keeps it.
    pub async fn stamp_of(&self, version: i64) -> Result<Option<i64>, StoreError> {
        let stamp = sqlx::query_scalar("SELECT stamp FROM casework_stamps WHERE version = $1")
            .bind(version)
            .fetch_optional(self.pool())
            .await?;
        Ok(stamp)
    }

    /// The records changed by the casework versions after `after` up to `upto`, in version
    /// order (a record changed twice is listed twice), as [`raise_version`]
    /// recorded them; `None` when any of those versions changed records not told one by one
    /// (an import, an erasure, many rows) or is no longer kept, or when the database's version
    /// `after` is of another history than `after` (restored from a backup since), and
    /// everything must be read.
    pub async fn changes(&self, after: Position, upto: i64) -> Result<Option<Vec<(RecordFile, String)>>, StoreError> {
        // Too far behind for the changes kept: known without asking the database.
        if upto - after.version > CHANGES_KEPT {
            return Ok(None);
        }
        if self.stamp_of(after.version).await? != Some(after.stamp) {
            return Ok(None);
        }
        let after = after.version;
        if upto <= after {
            return Ok(Some(Vec::new()));
        }
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT version, record_type, record_id FROM casework_changes \
             WHERE version > $1 AND version <= $2 ORDER BY version",
        )
        .bind(after)
        .bind(upto)
        .fetch_all(self.pool())
        .await?;
        let mut versions: Vec<i64> = rows.iter().map(|r| r.0).collect();
        versions.dedup();
        if versions.len() as i64 != upto - after {
            return Ok(None);
        }
        let mut changes = Vec::with_capacity(rows.len());
        for (_, table, id) in rows {
            match RecordFile::ALL.into_iter().find(|f| f.declaration().table == table) {
                Some(file) => changes.push((file, id)),
                None => return Ok(None),
            }
        }
        Ok(Some(changes))
    }

    /// Whether the database holds no casework records at all.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.counts().await?.total() == 0)
    }

    /// One record, as a [`Casework`] holding just it, with the version it is at, for an edit
    /// that must not overwrite someone else's.
    pub async fn record_with_version(&self, file: RecordFile, id: &str) -> Result<(Casework, i64), StoreError> {
        let table = versioned_table(file)?;
        let sql = format!("SELECT {}, version FROM {} WHERE {} = $1", column_list(table), table.table, table.key[0]);
        let row: Option<AnyRow> =
            sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(self.pool()).await?;
        let row = row.ok_or_else(|| StoreError::NotFound { record: file.declaration().name, id: id.to_string() })?;
        let texts = texts(&row, table.columns)?;
        let version: i64 = row.try_get(table.columns.len())?;
        let cells: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
        let mut cw = Casework::default();
        read_row(table, &cells, &mut cw)?;
        Ok((cw, version))
    }

    /// A form's save, as one transaction: the one record of `file` in `record` (see
    /// [`write_record`]), `event` in the audit trail, and the casework version raised. A
    /// refused write changes nothing.
    pub async fn write_record(
        &self,
        file: RecordFile,
        record: &Casework,
        expected_version: Option<i64>,
        event: &AuditEvent,
    ) -> Result<Saved, StoreError> {
        let mut work = self.begin().await?;
        let version = write_record(&mut work, file, record, expected_version).await?;
        audit::record(&mut work, event).await?;
        let raised = raise(&mut work).await?;
        work.commit().await?;
        Ok(Saved { version, raised })
    }

    /// Records of any types written as one transaction, each added or, where its key is
    /// already stored, written over (an upload of a partner's figures, a commentary saved, a
    /// section signed off with its figures), with `event` in the audit trail and the casework
    /// version raised once. Returns the raise.
    pub async fn write_rows(&self, update: &Casework, event: &AuditEvent) -> Result<Raised, StoreError> {
        let mut work = self.begin().await?;
        work.changed_unknown();
        let counts = update.counts();
        for table in tables() {
            let total = counts.of(table.file);
            for start in (0..total).step_by(ROWS_PER_STATEMENT) {
                let end = (start + ROWS_PER_STATEMENT).min(total);
                let sql = upsert(self.backend(), table, table.table, update, start..end, table.versioned);
                let query = sql.query();
                query.execute(work.conn()).await?;
            }
        }
        audit::record(&mut work, event).await?;
        let raised = raise(&mut work).await?;
        work.commit().await?;
        Ok(raised)
    }

    /// Several records' saves as one transaction (each as [`write_record`]), `event` in the
    /// audit trail and the casework version raised once: all, or nothing. Returns the raise.
    pub async fn write_records(
        &self,
        records: &[(RecordFile, &Casework, Option<i64>)],
        event: &AuditEvent,
    ) -> Result<Raised, StoreError> {
        let mut work = self.begin().await?;
        for (file, record, expected) in records {
            write_record(&mut work, *file, record, *expected).await?;
        }
        audit::record(&mut work, event).await?;
        let raised = raise(&mut work).await?;
        work.commit().await?;
        Ok(raised)
    }

    /// Reallocates cases, as one transaction: the `caseworker` of each request or plan in
    /// `cases` set to `to` (its version raised, so that a form opened before is refused), one
    /// audit event per case, and the casework version raised once. A case that does not exist
    /// is refused ([`StoreError::NotFound`]) and nothing is changed. Returns the casework
    /// version.
    pub async fn reallocate(
        &self,
        cases: &[(RecordFile, String)],
        to: &str,
        events: &[AuditEvent],
    ) -> Result<i64, StoreError> {
        let mut work = self.begin().await?;
        for (file, id) in cases {
            if !matches!(file, RecordFile::Requests | RecordFile::Plans) {
                return Err(StoreError::Corrupt {
                    table: file.declaration().table,
                    column: "caseworker",
                    message: "only requests and plans are held by a caseworker".into(),
                });
            }
            let table = file.declaration();
            let mut update = work.sql(&format!("UPDATE {} SET caseworker = ", table.table));
            update.bind(to.to_string());
            update.push(&format!(", version = version + 1 WHERE {} = ", table.key[0])).bind(id.clone());
            if update.query().execute(work.conn()).await?.rows_affected() != 1 {
                return Err(StoreError::NotFound { record: table.name, id: id.clone() });
            }
            work.changed_record(*file, id);
        }
        audit::record_all(&mut work, events).await?;
        let version = raise_version(&mut work).await?;
        work.commit().await?;
        Ok(version)
    }

    /// An erasure, as one transaction: the child's personal data removed (see
    /// [`erase_child`]), `event` in the audit trail, and the casework version raised.
    pub async fn erase_child(&self, child_id: &str, event: &AuditEvent) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        erase_child(&mut work, child_id).await?;
        let files = crate::documents::erase_documents(&mut work, child_id).await?;
        crate::portal::erase_family(&mut work, child_id).await?;
        audit::record(&mut work, event).await?;
        raise_version(&mut work).await?;
        work.commit().await?;
        // Committed: every file is tried (one already gone is fine), and one that cannot be
        // removed is reported by its random name alone, never failing the erasure after the fact.
        for file in files {
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::error!(
                    document = %file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
                    "an erased child's document file could not be removed: {e}"
                ),
            }
        }
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
        let mut work = self.begin().await?;
        let periods: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
        for period in periods {
            sqlx::query("DELETE FROM measure_values WHERE period = $1")
                .bind(period.to_string())
                .execute(work.conn())
                .await?;
        }
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut insert =
                work.sql("INSERT INTO measure_values (measure, period, dimension, key, value, computed_on) VALUES ");
            insert.list(chunk, ", ", |sql, (measure, period, dimension, key, value)| {
                sql.push("(").bind(measure.clone()).push(", ").bind(period.clone()).push(", ");
                sql.bind(dimension.clone()).push(", ").bind(key.clone()).push(", ").bind(*value).push(", ");
                sql.bind(computed_on.to_string()).push(")");
            });
            insert.query().execute(work.conn()).await?;
        }
        work.commit().await
    }
}
