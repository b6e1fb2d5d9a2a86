-- Professionals and settings (issue 19): the organisations the authority asks for advice and
-- consults, the organisation a piece of advice was asked of, and consultations of settings.

CREATE TABLE organisations (
    organisation_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    email TEXT,
    urn TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

ALTER TABLE advice ADD COLUMN organisation_id TEXT REFERENCES organisations (organisation_id);

CREATE TABLE consultations (
    consultation_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    request_id TEXT REFERENCES requests (request_id),
    review_id TEXT REFERENCES reviews (review_id),
    organisation_id TEXT NOT NULL REFERENCES organisations (organisation_id),
    sent_on TEXT NOT NULL,
    responded_on TEXT,
    response TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX consultations_child ON consultations (child_id);
