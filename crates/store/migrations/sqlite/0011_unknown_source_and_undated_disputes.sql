-- no-transaction
-- What a SEN2 return cannot say is held as unknown, not invented: a request's source, and the
-- date of a dispute known only from a mediation or tribunal flag on its request.
-- SQLite cannot drop NOT NULL, so both tables are rebuilt (its documented 12-step way: foreign
-- keys off outside the transaction, which is why this migration manages its own).
PRAGMA foreign_keys = OFF;
BEGIN;

DROP VIEW bi_requests;

CREATE TABLE requests_rebuilt (
    request_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    received_on TEXT NOT NULL,
    source TEXT,
    caseworker TEXT,
    decision TEXT,
    decided_on TEXT,
    draft_issued_on TEXT,
    outcome TEXT,
    outcome_on TEXT,
    exception TEXT,
    in_youth_accommodation TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO requests_rebuilt
SELECT request_id, child_id, received_on, source, caseworker, decision, decided_on, draft_issued_on, outcome,
       outcome_on, exception, in_youth_accommodation, version
FROM requests;
DROP TABLE requests;
ALTER TABLE requests_rebuilt RENAME TO requests;
CREATE INDEX requests_child ON requests (child_id);

CREATE TABLE disputes_rebuilt (
    dispute_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    kind TEXT NOT NULL,
    request_id TEXT REFERENCES requests (request_id),
    opened_on TEXT,
    outcome TEXT,
    closed_on TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO disputes_rebuilt
SELECT dispute_id, child_id, kind, request_id, opened_on, outcome, closed_on, version FROM disputes;
DROP TABLE disputes;
ALTER TABLE disputes_rebuilt RENAME TO disputes;
CREATE INDEX disputes_child ON disputes (child_id);

CREATE VIEW bi_requests AS
SELECT request_id, child_id, received_on, source, caseworker, decision, decided_on, draft_issued_on, outcome,
       outcome_on, exception, in_youth_accommodation = 'true' AS in_youth_accommodation,
       date(received_on, '+42 days') AS decision_due_on, date(received_on, '+140 days') AS final_plan_due_on
FROM requests;

COMMIT;
PRAGMA foreign_keys = ON;
