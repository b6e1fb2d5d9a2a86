-- Protecting children's records (issue 7).
--
-- The audit trail records where each event came from, and the database itself refuses to
-- change or remove an audit row: no route, no bug and no SQL run by the application can.
ALTER TABLE audit ADD COLUMN address TEXT;
-- The order events were written in (SQLite's rowid plays this part there).
ALTER TABLE audit ADD COLUMN seq BIGSERIAL;
CREATE INDEX audit_email_at ON audit (email, at);
CREATE INDEX audit_at ON audit (at);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$;
CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Failed sign-ins, by account and by address, to slow and then lock repeated guessing.
CREATE TABLE failed_sign_ins (
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX failed_sign_ins_email ON failed_sign_ins (email, at);
CREATE INDEX failed_sign_ins_address ON failed_sign_ins (address, at);

-- A caseworker edits only their own caseload unless a manager lets them edit any case; a
-- person may have a second factor (TOTP, RFC 6238); settings such as which roles must use it.
ALTER TABLE users ADD COLUMN edits_any_case BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- A session whose password was right but whose one-time code is still awaited.
ALTER TABLE sessions ADD COLUMN pending_second_factor BIGINT NOT NULL DEFAULT 0;
