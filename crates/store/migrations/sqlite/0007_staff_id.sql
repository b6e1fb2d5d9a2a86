-- The staff id a person is recorded under as a caseworker (requests.caseworker), so that a
-- caseworker's "my cases" and a manager's filter by caseworker find their work.
ALTER TABLE users ADD COLUMN staff_id TEXT;
