-- Read-only views for BI tools (Power BI and the like), with stable, documented column
-- names (see the README). Dates are SQL dates here; no names, dates of birth or UPNs appear.

CREATE VIEW bi_requests AS
SELECT request_id, child_id, CAST(received_on AS date) AS received_on, source, caseworker, decision,
       CAST(decided_on AS date) AS decided_on, CAST(draft_issued_on AS date) AS draft_issued_on, outcome,
       CAST(outcome_on AS date) AS outcome_on, exception, in_youth_accommodation = 'true' AS in_youth_accommodation,
       CAST(received_on AS date) + 42 AS decision_due_on, CAST(received_on AS date) + 140 AS final_plan_due_on
FROM requests;

CREATE VIEW bi_advice AS
SELECT advice_id, request_id, kind, provider, CAST(requested_on AS date) AS requested_on,
       CAST(received_on AS date) AS received_on, CAST(requested_on AS date) + 42 AS due_on
FROM advice;

CREATE VIEW bi_plans AS
SELECT plan_id, child_id, request_id, CAST(issued_on AS date) AS issued_on, CAST(ceased_on AS date) AS ceased_on,
       cease_reason, transferred_from, personal_budget
FROM plans;

CREATE VIEW bi_placements AS
SELECT placement_id, child_id, setting, urn, establishment, CAST(started_on AS date) AS started_on,
       CAST(ended_on AS date) AS ended_on, CAST(annual_cost AS numeric) AS annual_cost, ukprn,
       COALESCE(rank, '1') AS rank, sen_unit = 'true' AS sen_unit, resourced_provision = 'true' AS resourced_provision
FROM placements;

CREATE VIEW bi_reviews AS
SELECT review_id, plan_id, CAST(meeting_on AS date) AS meeting_on, decision, CAST(decided_on AS date) AS decided_on,
       CAST(amended_on AS date) AS amended_on, phase_transfer
FROM reviews;

CREATE VIEW bi_measure_values AS
SELECT measure, period, NULLIF(dimension, '') AS dimension, NULLIF(key, '') AS key, value,
       CAST(computed_on AS date) AS computed_on
FROM measure_values;
