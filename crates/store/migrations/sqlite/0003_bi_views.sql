-- Read-only views for BI tools, with the same stable column names as on PostgreSQL (see the
-- README). SQLite has no date type: dates are ISO text. No names, dates of birth or UPNs.

CREATE VIEW bi_requests AS
SELECT request_id, child_id, received_on, source, caseworker, decision, decided_on, draft_issued_on, outcome,
       outcome_on, exception, in_youth_accommodation = 'true' AS in_youth_accommodation,
       date(received_on, '+42 days') AS decision_due_on, date(received_on, '+140 days') AS final_plan_due_on
FROM requests;

CREATE VIEW bi_advice AS
SELECT advice_id, request_id, kind, provider, requested_on, received_on, date(requested_on, '+42 days') AS due_on
FROM advice;

CREATE VIEW bi_plans AS
SELECT plan_id, child_id, request_id, issued_on, ceased_on, cease_reason, transferred_from, personal_budget
FROM plans;

CREATE VIEW bi_placements AS
SELECT placement_id, child_id, setting, urn, establishment, started_on, ended_on, CAST(annual_cost AS REAL) AS annual_cost,
       ukprn, COALESCE(rank, '1') AS rank, sen_unit = 'true' AS sen_unit, resourced_provision = 'true' AS resourced_provision
FROM placements;

CREATE VIEW bi_reviews AS
SELECT review_id, plan_id, meeting_on, decision, decided_on, amended_on, phase_transfer
FROM reviews;

CREATE VIEW bi_measure_values AS
SELECT measure, period, NULLIF(dimension, '') AS dimension, NULLIF(key, '') AS key, value, computed_on
FROM measure_values;
