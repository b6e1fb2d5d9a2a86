-- The casework records: one table per interchange file, with the same column names.
-- Dates are ISO civil dates (YYYY-MM-DD) held as text; codes as their interchange spelling.

CREATE TABLE children (
    child_id TEXT PRIMARY KEY NOT NULL,
    upn TEXT,
    forename TEXT NOT NULL,
    surname TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex TEXT,
    postcode TEXT,
    primary_need TEXT,
    secondary_need TEXT,
    uln TEXT,
    upn_unknown TEXT,
    ethnicity TEXT
);

CREATE TABLE requests (
    request_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    received_on TEXT NOT NULL,
    source TEXT NOT NULL,
    caseworker TEXT,
    decision TEXT,
    decided_on TEXT,
    draft_issued_on TEXT,
    outcome TEXT,
    outcome_on TEXT,
    exception TEXT,
    in_youth_accommodation TEXT
);
CREATE INDEX requests_child ON requests (child_id);

CREATE TABLE advice (
    advice_id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (request_id),
    kind TEXT NOT NULL,
    provider TEXT,
    requested_on TEXT NOT NULL,
    received_on TEXT
);
CREATE INDEX advice_request ON advice (request_id);

CREATE TABLE plans (
    plan_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    request_id TEXT REFERENCES requests (request_id),
    issued_on TEXT NOT NULL,
    ceased_on TEXT,
    cease_reason TEXT,
    transferred_from TEXT,
    personal_budget TEXT
);
CREATE INDEX plans_child ON plans (child_id);

CREATE TABLE placements (
    placement_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    setting TEXT NOT NULL,
    urn TEXT,
    establishment TEXT,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    annual_cost TEXT,
    ukprn TEXT,
    rank TEXT,
    sen_unit TEXT,
    resourced_provision TEXT
);
CREATE INDEX placements_child ON placements (child_id);

CREATE TABLE reviews (
    review_id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (plan_id),
    meeting_on TEXT,
    decision TEXT,
    decided_on TEXT,
    amended_on TEXT,
    phase_transfer TEXT
);
CREATE INDEX reviews_plan ON reviews (plan_id);

CREATE TABLE disputes (
    dispute_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    kind TEXT NOT NULL,
    request_id TEXT REFERENCES requests (request_id),
    opened_on TEXT NOT NULL,
    outcome TEXT,
    closed_on TEXT
);
CREATE INDEX disputes_child ON disputes (child_id);

CREATE TABLE feedback (
    feedback_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    received_on TEXT NOT NULL,
    child_id TEXT REFERENCES children (child_id)
);

CREATE TABLE population (
    year BIGINT NOT NULL,
    age BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (year, age)
);

CREATE TABLE benchmarks (
    measure TEXT NOT NULL,
    period TEXT NOT NULL,
    comparator TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure, period, comparator)
);

-- due_on is '' when the target has no date, so that it can be part of the key.
CREATE TABLE targets (
    measure TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    due_on TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (measure, due_on)
);
