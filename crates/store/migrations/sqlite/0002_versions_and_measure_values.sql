-- Each casework record carries a version, raised by every change, so that two people editing
-- the same record cannot silently overwrite each other (optimistic concurrency).

ALTER TABLE children ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE requests ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE advice ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE placements ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE reviews ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE disputes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE feedback ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Month-end measure values, stored by `sendtrack scorecard --save` for BI tools.
-- dimension and key are '' for the headline value; value is NULL when undefined.
CREATE TABLE measure_values (
    measure TEXT NOT NULL,
    period TEXT NOT NULL,
    dimension TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL DEFAULT '',
    value REAL,
    computed_on TEXT NOT NULL,
    PRIMARY KEY (measure, period, dimension, key)
);
