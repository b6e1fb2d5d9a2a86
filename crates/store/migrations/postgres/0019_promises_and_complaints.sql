-- Keeping families informed (issue 18): communication promises (a row without a child is the
-- authority's standard) and what a complaint is about, how far it went and the Ombudsman's
-- decision.

CREATE TABLE promises (
    promise_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT REFERENCES children (child_id),
    working_days BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX promises_child ON promises (child_id);

ALTER TABLE feedback ADD COLUMN subject TEXT;
ALTER TABLE feedback ADD COLUMN stage TEXT;
ALTER TABLE feedback ADD COLUMN ombudsman_outcome TEXT;
