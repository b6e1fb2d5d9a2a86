-- Named settings (issue 24): the settings a plan names over time, read from and written to
-- SEN2's plandetail module.

CREATE TABLE plan_settings (
    plan_setting_id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (plan_id),
    urn TEXT,
    setting TEXT,
    named_on TEXT NOT NULL,
    ended_on TEXT,
    ukprn TEXT,
    rank TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_settings_plan ON plan_settings (plan_id);

CREATE VIEW bi_plan_settings AS
SELECT plan_setting_id, plan_id, urn, setting, named_on, ended_on, ukprn, COALESCE(rank, '1') AS rank
FROM plan_settings;
