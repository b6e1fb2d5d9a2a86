-- Who read or changed what: one row per event, written by the application and never updated
-- or deleted by it. Holds opaque ids only (no names, dates of birth or free text).
CREATE TABLE audit (
    at TEXT NOT NULL,
    email TEXT NOT NULL,
    action TEXT NOT NULL,
    child_id TEXT,
    detail TEXT
);
CREATE INDEX audit_child ON audit (child_id);
