-- Which records each raise of the casework version changed (issue 16, goal 1): a running web
-- app that sees the version move puts just those records into the caseload it holds, instead
-- of reading every record again. A version with no rows here (an import, an erasure, records
-- no child owns) still means reading everything. Only the latest few thousand are kept.
CREATE TABLE casework_changes (
    version BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL
);

CREATE INDEX casework_changes_version ON casework_changes (version);
