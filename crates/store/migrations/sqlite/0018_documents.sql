-- A child's documents (issue 18): uploads and the letters sendtrack writes. Each version of a
-- document is a row; versions of one document share series_id. The content is in the row, or
-- (serve --documents DIR) in a file named by the random document_id, whose path is kept here.
-- Erasing the child deletes the rows and the files.

CREATE TABLE documents (
    document_id TEXT PRIMARY KEY NOT NULL,
    series_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    request_id TEXT,
    advice_id TEXT,
    plan_id TEXT,
    review_id TEXT,
    file_path TEXT,
    content BLOB,
    UNIQUE (series_id, version)
);
CREATE INDEX documents_child ON documents (child_id);
