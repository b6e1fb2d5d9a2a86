//! The audit trail: who read, changed or exported what, when and from where. Rows are only
//! ever added; the database refuses to change or remove them (migration 0008), except through
//! [`Store::archive_audit`], the retention policy's one way out (migration 0013).

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
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        for chunk in events.chunks(ROWS_PER_STATEMENT) {
            let groups: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let k = r * 6;
                    format!("(${}, ${}, ${}, ${}, ${}, ${})", k + 1, k + 2, k + 3, k + 4, k + 5, k + 6)
                })
                .collect();
            let sql = format!(
                "INSERT INTO audit (at, email, action, child_id, detail, address) VALUES {}",
                groups.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(self.placeholders(&sql)));
            for e in chunk {
                query = query
                    .bind(e.at.clone())
                    .bind(e.email.clone())
                    .bind(e.action.clone())
                    .bind(e.child_id.clone())
                    .bind(e.detail.clone())
                    .bind(e.address.clone());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
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
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(self.placeholders(&sql)))
            .bind(child_id.to_string())
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
    }

    /// The audit rows `query` finds, newest first, at most `limit`.
    pub async fn audit_search(&self, query: &AuditQuery, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        for (column, op, value) in [
            ("email", "=", &query.email),
            ("child_id", "=", &query.child_id),
            ("at", ">=", &query.from),
            ("at", "<", &query.before),
        ] {
            if let Some(v) = value {
                values.push(v.clone());
                conditions.push(format!("{column} {op} ${}", values.len()));
            }
        }
        let filter = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        let sql = format!(
            "SELECT at, email, action, child_id, detail, address FROM audit{filter} ORDER BY {} LIMIT ${}",
            self.newest_first(),
            values.len() + 1
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.placeholders(&sql)));
        for v in values {
            q = q.bind(v);
        }
        let rows: Vec<AnyRow> = q.bind(limit).fetch_all(self.pool()).await?;
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
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        sqlx::query(sqlx::AssertSqlSafe(self.placeholders("INSERT INTO audit_archiving (before) VALUES ($1)")))
            .bind(before.to_string())
            .execute(&mut *tx)
            .await?;
        let oldest_first = match self.backend() {
            crate::Backend::Sqlite => "at, rowid",
            crate::Backend::Postgres => "at, seq",
        };
        let sql = format!(
            "SELECT at, email, action, child_id, detail, address FROM audit WHERE at < $1 ORDER BY {oldest_first}"
        );
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(self.placeholders(&sql)))
            .bind(before.to_string())
            .fetch_all(&mut *tx)
            .await?;
        let events = rows.iter().map(event_of).collect::<Result<Vec<_>, StoreError>>()?;
        if let Err(e) = keep(&events) {
            tx.rollback().await?;
            return Ok(Err(e));
        }
        sqlx::query(sqlx::AssertSqlSafe(self.placeholders("DELETE FROM audit WHERE at < $1")))
            .bind(before.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM audit_archiving").execute(&mut *tx).await?;
        crate::insert_audit(&mut tx, self, event).await?;
        tx.commit().await?;
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
