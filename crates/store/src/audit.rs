//! The audit trail: who read, changed or exported what, when and from where. Rows are only
//! ever added; the database refuses to change or remove them (migration 0008), except through
//! [`Store::archive_audit`], the retention policy's one way out (migration 0013).

use crate::work::{Sql, Work};
use crate::{ROWS_PER_STATEMENT, Store, StoreError};
use sqlx::Row as _;
use sqlx::any::AnyRow;

/// One audit event: who did what, when, to which child (by opaque id), from where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditEvent {
    pub at: String,
    pub email: String,
    pub action: String,
    pub child_id: Option<String>,
    /// What changed (JSON of each changed column's value before and after), when anything did.
    pub detail: Option<String>,
    /// The network address the request came from.
    pub address: Option<String>,
}

/// Which audit rows to find: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub email: Option<String>,
    pub child_id: Option<String>,
    /// Rows at or after this time (ISO 8601; a date means its start).
    pub from: Option<String>,
    /// Rows before this time (ISO 8601; a date means its start).
    pub before: Option<String>,
}

impl Store {
    /// The order of audit rows, newest first: by time, then by the order they were written.
    fn newest_first(&self) -> &'static str {
        match self.backend() {
            crate::Backend::Sqlite => "at DESC, rowid DESC",
            crate::Backend::Postgres => "at DESC, seq DESC",
        }
    }

    /// Records several audit events in one transaction (for group commit).
    pub async fn audit_batch(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut work = self.begin().await?;
        record_all(&mut work, events).await?;
        work.commit().await
    }

    /// The latest `limit` audit rows about one child, newest first: (at, email, action).
    pub async fn audit_of_child(
        &self,
        child_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let sql = format!(
            "SELECT at, email, action FROM audit WHERE child_id = $1 ORDER BY {} LIMIT $2",
            self.newest_first()
        );
        let rows: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(child_id.to_string()).bind(limit).fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
    }

    /// The audit rows `query` finds, newest first, at most `limit`.
    pub async fn audit_search(&self, query: &AuditQuery, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        let mut sql = Sql::new(self.backend(), "SELECT at, email, action, child_id, detail, address FROM audit");
        let conditions = [
            ("email", "=", &query.email),
            ("child_id", "=", &query.child_id),
            ("at", ">=", &query.from),
            ("at", "<", &query.before),
        ];
        let given =
            conditions.into_iter().filter_map(|(column, op, value)| Some((column, op, value.clone()?))).enumerate();
        sql.list(given, " AND ", |sql, (k, (column, op, value))| {
            sql.push(if k == 0 { " WHERE " } else { "" }).push(&format!("{column} {op} ")).bind(value);
        });
        sql.push(&format!(" ORDER BY {} LIMIT ", self.newest_first())).bind(limit);
        let rows: Vec<AnyRow> = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(event_of).collect()
    }

    /// Archives the audit trail: in one transaction, hands every row before `before` (oldest
    /// first) to `keep`, which must put them somewhere durable (a file), then removes them and
    /// records `event` (who archived how many rows, to where). If `keep` fails nothing is
    /// removed. This is the only way a row ever leaves the trail: the database's trigger
    /// allows a DELETE only of rows older than the cut-off this transaction declares.
    pub async fn archive_audit<E: std::fmt::Display>(
        &self,
        before: &str,
        event: &AuditEvent,
        keep: impl FnOnce(&[AuditEvent]) -> Result<(), E>,
    ) -> Result<Result<usize, E>, StoreError> {
        let mut work = self.begin().await?;
        sqlx::query("INSERT INTO audit_archiving (before) VALUES ($1)")
            .bind(before.to_string())
            .execute(work.conn())
            .await?;
        let oldest_first = match self.backend() {
            crate::Backend::Sqlite => "at, rowid",
            crate::Backend::Postgres => "at, seq",
        };
        let sql = format!(
            "SELECT at, email, action, child_id, detail, address FROM audit WHERE at < $1 ORDER BY {oldest_first}"
        );
        let rows: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(before.to_string()).fetch_all(work.conn()).await?;
        let events = rows.iter().map(event_of).collect::<Result<Vec<_>, StoreError>>()?;
        if let Err(e) = keep(&events) {
            // Dropped uncommitted: nothing is removed.
            drop(work);
            return Ok(Err(e));
        }
        sqlx::query("DELETE FROM audit WHERE at < $1").bind(before.to_string()).execute(work.conn()).await?;
        sqlx::query("DELETE FROM audit_archiving").execute(work.conn()).await?;
        record(&mut work, event).await?;
        work.commit().await?;
        Ok(Ok(events.len()))
    }
}

fn event_of(r: &AnyRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        at: r.try_get(0)?,
        email: r.try_get(1)?,
        action: r.try_get(2)?,
        child_id: r.try_get(3)?,
        detail: r.try_get(4)?,
        address: r.try_get(5)?,
    })
}

/// Adds one audit row, inside the caller's unit of work.
pub async fn record(work: &mut Work<'_>, event: &AuditEvent) -> Result<(), StoreError> {
    record_all(work, std::slice::from_ref(event)).await
}

/// Adds audit rows, inside the caller's unit of work.
pub async fn record_all(work: &mut Work<'_>, events: &[AuditEvent]) -> Result<(), StoreError> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let mut insert = work.sql("INSERT INTO audit (at, email, action, child_id, detail, address) VALUES ");
        insert.list(chunk, ", ", |sql, e| {
            sql.push("(").bind(e.at.clone()).push(", ").bind(e.email.clone()).push(", ").bind(e.action.clone());
            sql.push(", ").bind(e.child_id.clone()).push(", ").bind(e.detail.clone()).push(", ");
            sql.bind(e.address.clone()).push(")");
        });
        insert.query().execute(work.conn()).await?;
    }
    Ok(())
}
