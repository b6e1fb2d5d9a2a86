-- The rest of the board paper (issue 22): supplied indicators and surveys, the improvement
-- plan (strands, RAG ratings, milestones, board actions, KPIs), the month's commentary and
-- its sign-off, quality audits of plans and advice, and cohort flags other services supply.

CREATE TABLE indicators (
    indicator_id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    better TEXT,
    supplier TEXT NOT NULL,
    frequency TEXT NOT NULL,
    minimum_responses TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE indicator_values (
    indicator_id TEXT NOT NULL REFERENCES indicators (indicator_id),
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    numerator TEXT,
    denominator TEXT,
    received_on TEXT NOT NULL,
    note TEXT,
    responses TEXT,
    PRIMARY KEY (indicator_id, period)
);

CREATE TABLE strands (
    strand_id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE strand_ratings (
    strand_id TEXT NOT NULL REFERENCES strands (strand_id),
    rated_on TEXT NOT NULL,
    rag TEXT NOT NULL,
    reason TEXT NOT NULL,
    rated_by TEXT,
    PRIMARY KEY (strand_id, rated_on)
);

CREATE TABLE milestones (
    milestone_id TEXT PRIMARY KEY NOT NULL,
    strand_id TEXT NOT NULL REFERENCES strands (strand_id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    revised_due_on TEXT,
    slip_reason TEXT,
    done_on TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE board_actions (
    action_id TEXT PRIMARY KEY NOT NULL,
    strand_id TEXT NOT NULL REFERENCES strands (strand_id),
    raised_on TEXT NOT NULL,
    action TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE strand_kpis (
    strand_id TEXT NOT NULL REFERENCES strands (strand_id),
    measure TEXT NOT NULL,
    baseline DOUBLE PRECISION NOT NULL,
    baseline_period TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    due_on TEXT NOT NULL,
    PRIMARY KEY (strand_id, measure)
);

CREATE TABLE commentaries (
    month TEXT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_on TEXT NOT NULL,
    signed_off_by TEXT,
    signed_off_on TEXT,
    PRIMARY KEY (month, section)
);

CREATE TABLE signed_figures (
    month TEXT NOT NULL,
    section TEXT NOT NULL,
    figure TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (month, section, figure)
);

CREATE TABLE audit_questions (
    question_id TEXT PRIMARY KEY NOT NULL,
    section TEXT NOT NULL,
    question TEXT NOT NULL
);

CREATE TABLE quality_audits (
    audit_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    subject TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    auditor TEXT NOT NULL,
    audited_on TEXT NOT NULL,
    grade TEXT NOT NULL,
    moderator TEXT,
    moderated_on TEXT,
    moderated_grade TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE audit_answers (
    audit_id TEXT NOT NULL REFERENCES quality_audits (audit_id),
    question_id TEXT NOT NULL REFERENCES audit_questions (question_id),
    grade TEXT NOT NULL,
    PRIMARY KEY (audit_id, question_id)
);

CREATE TABLE cohort_flags (
    child_id TEXT NOT NULL REFERENCES children (child_id),
    flag TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    source TEXT,
    PRIMARY KEY (child_id, flag, started_on)
);

CREATE INDEX quality_audits_child ON quality_audits (child_id);
CREATE INDEX cohort_flags_child ON cohort_flags (child_id);
