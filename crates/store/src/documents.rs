//! A child's documents (issue 18): each version a row, its content in the row or in a file of
//! the documents directory. Filing a document goes in one transaction with the record change
//! it brings (advice marked received, a letter's case log entry) and its audit row.

use crate::casework::{Saved, write_record};
use crate::{AuditEvent, Store, StoreError, audit};
use sendtrack_domain::records::Casework;
use sendtrack_domain::validation::RecordFile;
use sqlx::Row as _;
use sqlx::any::AnyRow;
use std::path::{Path, PathBuf};

/// What is known about one version of a document (not its content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Random and unguessable: 32 hexadecimal digits.
    pub document_id: String,
    /// The document_id of the first version.
    pub series_id: String,
    /// 1 for the first version.
    pub version: i64,
    pub child_id: String,
    pub title: String,
    pub file_name: String,
    /// The type found from the content (never from the name).
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// When it was filed (UTC, ISO 8601).
    pub uploaded_at: String,
    /// Who filed it (their email).
    pub uploaded_by: String,
    pub request_id: Option<String>,
    pub advice_id: Option<String>,
    pub plan_id: Option<String>,
    pub review_id: Option<String>,
    /// Where the content is, when it is kept in the documents directory.
    pub file_path: Option<String>,
    /// Shared with the child's family in the portal (issue 20).
    pub shared_with_family: bool,
}

const COLUMNS: &str = "document_id, series_id, version, child_id, title, file_name, content_type, size, sha256, \
     uploaded_at, uploaded_by, request_id, advice_id, plan_id, review_id, file_path, shared_with_family";

fn document_of(row: &AnyRow) -> Result<Document, StoreError> {
    Ok(Document {
        document_id: row.try_get(0)?,
        series_id: row.try_get(1)?,
        version: row.try_get(2)?,
        child_id: row.try_get(3)?,
        title: row.try_get(4)?,
        file_name: row.try_get(5)?,
        content_type: row.try_get(6)?,
        size: row.try_get(7)?,
        sha256: row.try_get(8)?,
        uploaded_at: row.try_get(9)?,
        uploaded_by: row.try_get(10)?,
        request_id: row.try_get(11)?,
        advice_id: row.try_get(12)?,
        plan_id: row.try_get(13)?,
        review_id: row.try_get(14)?,
        file_path: row.try_get(15)?,
        shared_with_family: row.try_get::<i64, _>(16)? != 0,
    })
}

/// A record written with a document: its file, the one record and the version it was read at.
pub type WithRecord<'a> = (RecordFile, &'a Casework, Option<i64>);

impl Store {
    /// Files `document` with its `content` (in `dir` when given, else in the database), the
    /// record changes that come with it and `event`, in one transaction: all, or nothing (a
    /// file written to `dir` is removed again when the transaction fails). Returns the last
    /// saved record's version and the casework version when records changed.
    pub async fn file_document(
        &self,
        document: &Document,
        content: &[u8],
        dir: Option<&Path>,
        with: &[WithRecord<'_>],
        event: &AuditEvent,
    ) -> Result<Option<Saved>, StoreError> {
        let path = match dir {
            Some(dir) => {
                let path = dir.join(&document.document_id);
                std::fs::write(&path, content)
                    .map_err(|e| StoreError::Files(format!("cannot write a document: {e}")))?;
                Some(path)
            }
            None => None,
        };
        let filed = self.file_document_rows(document, content, path.as_deref(), with, event).await;
        if filed.is_err()
            && let Some(path) = &path
        {
            let _ = std::fs::remove_file(path);
        }
        filed
    }

    async fn file_document_rows(
        &self,
        d: &Document,
        content: &[u8],
        path: Option<&Path>,
        with: &[WithRecord<'_>],
        event: &AuditEvent,
    ) -> Result<Option<Saved>, StoreError> {
        let mut work = self.begin().await?;
        let mut insert = work.sql(&format!("INSERT INTO documents ({COLUMNS}, content) VALUES ("));
        insert.bind(d.document_id.clone()).push(", ").bind(d.series_id.clone()).push(", ").bind(d.version);
        insert.push(", ").bind(d.child_id.clone()).push(", ").bind(d.title.clone()).push(", ");
        insert.bind(d.file_name.clone()).push(", ").bind(d.content_type.clone()).push(", ").bind(d.size);
        insert.push(", ").bind(d.sha256.clone()).push(", ").bind(d.uploaded_at.clone()).push(", ");
        insert.bind(d.uploaded_by.clone()).push(", ").bind(d.request_id.clone()).push(", ");
        insert.bind(d.advice_id.clone()).push(", ").bind(d.plan_id.clone()).push(", ");
        insert.bind(d.review_id.clone()).push(", ");
        insert.bind(path.map(|p| p.display().to_string())).push(", ");
        insert.bind(i64::from(d.shared_with_family)).push(", ");
        insert.bind(if path.is_some() { None } else { Some(content.to_vec()) }).push(")");
        insert.query().execute(work.conn()).await?;
        let mut version = None;
        for (file, record, expected) in with {
            version = Some(write_record(&mut work, *file, record, *expected).await?);
        }
        let saved = match version {
            Some(version) => Some(Saved { version, raised: crate::casework::raise(&mut work).await? }),
            None => None,
        };
        audit::record(&mut work, event).await?;
        work.commit().await?;
        Ok(saved)
    }

    /// Shares a document with the child's family, or stops sharing it, with its audit row.
    pub async fn share_document(&self, document_id: &str, shared: bool, event: &AuditEvent) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        let done = sqlx::query("UPDATE documents SET shared_with_family = $1 WHERE document_id = $2")
            .bind(i64::from(shared))
            .bind(document_id.to_string())
            .execute(work.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound { record: "document", id: document_id.to_string() });
        }
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// Every version of every document of a child, newest first within each document.
    pub async fn documents_of(&self, child_id: &str) -> Result<Vec<Document>, StoreError> {
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents WHERE child_id = $1 ORDER BY series_id, version DESC"
        )))
        .bind(child_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(document_of).collect()
    }

    /// One version of a document.
    pub async fn document(&self, document_id: &str) -> Result<Option<Document>, StoreError> {
        let row: Option<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM documents WHERE document_id = $1")))
                .bind(document_id.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.as_ref().map(document_of).transpose()
    }

    /// A document's content, from the database or its file.
    pub async fn document_content(&self, document: &Document) -> Result<Vec<u8>, StoreError> {
        if let Some(path) = &document.file_path {
            return std::fs::read(path).map_err(|e| StoreError::Files(format!("cannot read a document: {e}")));
        }
        let content: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM documents WHERE document_id = $1")
            .bind(document.document_id.clone())
            .fetch_optional(self.pool())
            .await?
            .flatten();
        content.ok_or_else(|| StoreError::NotFound { record: "document", id: document.document_id.clone() })
    }
}

/// Deletes a child's documents (erasure), returning the files to remove once committed.
pub(crate) async fn erase_documents(work: &mut crate::Work<'_>, child_id: &str) -> Result<Vec<PathBuf>, StoreError> {
    let paths: Vec<Option<String>> = sqlx::query_scalar("SELECT file_path FROM documents WHERE child_id = $1")
        .bind(child_id.to_string())
        .fetch_all(work.conn())
        .await?;
    sqlx::query("DELETE FROM documents WHERE child_id = $1").bind(child_id.to_string()).execute(work.conn()).await?;
    Ok(paths.into_iter().flatten().map(PathBuf::from).collect())
}
