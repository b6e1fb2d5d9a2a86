-- The audit trail's retention (issue 14): rows older than the retention period leave the trail
-- only through `sendtrack audit archive`, which writes them to a file and removes them in one
-- transaction that is itself audited. While it runs, this table holds the one cut-off date it
-- archives before; the trigger refuses every other DELETE (and every UPDATE) as before.
CREATE TABLE audit_archiving (
    before TEXT NOT NULL
);
DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    WHEN NOT EXISTS (SELECT 1 FROM audit_archiving WHERE OLD.at < audit_archiving.before)
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
