//! One user action, one transaction. A [`Work`] is a transaction with this store's turn to
//! write: the free functions of [`crate::people`], [`crate::audit`] and [`crate::casework`]
//! take it, so a use case (a sign-in with its session and audit row, a form save with its audit
//! row and the casework version) puts its writes in one transaction and commits them together,
//! or not at all when it is dropped.
//!
//! [`Sql`] builds the statements whose shape depends on the data (bulk inserts, a record's
//! columns): sqlx's own `QueryBuilder` cannot be used here, because over the `Any` driver it
//! writes `?` placeholders, which PostgreSQL rejects; `Sql` writes each backend's own.

use crate::{Backend, Store, StoreError};
use sendtrack_domain::records::RecordFile;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments as _, AssertSqlSafe};

/// A transaction, holding the store's turn to write until it ends.
pub struct Work<'s> {
    pub(crate) tx: sqlx::Transaction<'static, Any>,
    pub(crate) backend: Backend,
    /// The casework records this unit has changed, recorded with the casework version it
    /// raises (see [`crate::casework::raise_version`]).
    pub(crate) changed: Changed,
    _turn: Option<tokio::sync::MutexGuard<'s, ()>>,
}

impl Store {
    /// Begins a unit of work: everything written through it is committed by
    /// [`Work::commit`], and nothing if it is dropped first.
    pub async fn begin(&self) -> Result<Work<'_>, StoreError> {
        let turn = self.write_turn().await;
        let tx = self.pool().begin().await?;
        Ok(Work { tx, backend: self.backend(), changed: Changed::Nothing, _turn: turn })
    }
}

/// What a unit of work has changed in the casework records, as far as it can tell.
#[derive(Debug, Default)]
pub(crate) enum Changed {
    #[default]
    Nothing,
    /// These records (their type and id), each written whole by [`crate::casework::write_record`]
    /// or [`Store::reallocate`].
    Records(Vec<(RecordFile, String)>),
    /// Records not told one by one (many rows of any type, an erasure): a running app must
    /// read everything again.
    Unknown,
}

impl Work<'_> {
    /// Notes that the record `id` of `file` has been written.
    pub(crate) fn changed_record(&mut self, file: RecordFile, id: &str) {
        match &mut self.changed {
            Changed::Nothing => self.changed = Changed::Records(vec![(file, id.to_string())]),
            Changed::Records(list) => list.push((file, id.to_string())),
            Changed::Unknown => {}
        }
    }

    /// Notes that records have been written that are not told one by one.
    pub(crate) fn changed_unknown(&mut self) {
        self.changed = Changed::Unknown;
    }

    /// Commits every write of the unit.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// The transaction's connection, for a statement.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// A statement for this backend.
    pub(crate) fn sql(&self, start: &str) -> Sql {
        Sql::new(self.backend, start)
    }
}

/// A statement built piece by piece, with each bound value's placeholder written as its
/// backend wants it: `?` for SQLite (which binds them in order, in linear time), `$1, $2, ...`
/// for PostgreSQL.
pub(crate) struct Sql {
    text: String,
    arguments: AnyArguments,
    bound: usize,
    backend: Backend,
}

impl Sql {
    pub(crate) fn new(backend: Backend, start: &str) -> Sql {
        Sql { text: start.to_string(), arguments: AnyArguments::default(), bound: 0, backend }
    }

    /// Appends SQL text (never a value: values are bound).
    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder and binds `value` to it.
    pub(crate) fn bind<T>(&mut self, value: T) -> &mut Sql
    where
        T: 'static + Send + sqlx::Encode<'static, Any> + sqlx::Type<Any>,
    {
        self.bound += 1;
        match self.backend {
            Backend::Sqlite => self.text.push('?'),
            Backend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.bound.to_string());
            }
        }
        // Encoding into the Any driver's buffer cannot fail for the types sendtrack binds
        // (text, integers, reals and their Options); a failure would surface at execution.
        let _ = self.arguments.add(value);
        self
    }

    /// Appends `items`, each written by `each`, separated by `separator`.
    pub(crate) fn list<I>(&mut self, items: I, separator: &str, mut each: impl FnMut(&mut Sql, I::Item)) -> &mut Sql
    where
        I: IntoIterator,
    {
        for (k, item) in items.into_iter().enumerate() {
            if k > 0 {
                self.text.push_str(separator);
            }
            each(self, item);
        }
        self
    }

    /// The statement, ready to execute.
    pub(crate) fn query(self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        sqlx::query_with(AssertSqlSafe(self.text), self.arguments)
    }

    /// The statement, returning one row of several columns.
    pub(crate) fn query_as<O>(self) -> sqlx::query::QueryAs<'static, Any, O, AnyArguments>
    where
        O: Send + Unpin + for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_as_with(AssertSqlSafe(self.text), self.arguments)
    }

    /// The statement, returning one column.
    pub(crate) fn scalar<O>(self) -> sqlx::query::QueryScalar<'static, Any, O, AnyArguments>
    where
        O: Send + Unpin,
        (O,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_scalar_with(AssertSqlSafe(self.text), self.arguments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_each_backends_own() {
        let mut sqlite = Sql::new(Backend::Sqlite, "UPDATE t SET a = ");
        sqlite.bind(1_i64).push(" WHERE b = ").bind("x".to_string());
        assert_eq!(sqlite.text, "UPDATE t SET a = ? WHERE b = ?");
        let mut postgres = Sql::new(Backend::Postgres, "INSERT INTO t VALUES ");
        postgres.list([1_i64, 2, 3], ", ", |s, v| {
            s.push("(").bind(v).push(")");
        });
        assert_eq!(postgres.text, "INSERT INTO t VALUES ($1), ($2), ($3)");
        assert_eq!(postgres.bound, 3);
    }
}
