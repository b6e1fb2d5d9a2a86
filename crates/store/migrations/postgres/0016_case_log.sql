-- The chronology of a case (issue 18): calls, emails, letters, meetings, visits and notes.
-- with_whom and summary are free text about a child: replaced by "(erased)" on erasure.

CREATE TABLE case_log (
    entry_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    "on" TEXT NOT NULL,
    time TEXT,
    kind TEXT NOT NULL,
    direction TEXT,
    with_whom TEXT,
    contact_id TEXT,
    summary TEXT NOT NULL,
    request_id TEXT REFERENCES requests (request_id),
    plan_id TEXT REFERENCES plans (plan_id),
    review_id TEXT REFERENCES reviews (review_id),
    by TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX case_log_child ON case_log (child_id);
