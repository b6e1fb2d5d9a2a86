-- Families in the portal (issue 20): a parent, carer or the young person, invited by the
-- caseworker from the child's contacts, signs in at /portal as organisations' members do. One
-- access per contact; the caseworker ends it (ended_at). A young person over compulsory school
-- age may have their own account: whether their parents keep access is recorded with their
-- consent (parents_keep_access on the young person's row).
CREATE TABLE family_access (
    contact_id TEXT PRIMARY KEY NOT NULL REFERENCES contacts (contact_id),
    child_id TEXT NOT NULL REFERENCES children (child_id),
    email TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    invited_at TEXT NOT NULL,
    ended_by TEXT,
    ended_at TEXT,
    parents_keep_access BIGINT
);
CREATE INDEX family_access_email ON family_access (email);
CREATE INDEX family_access_child ON family_access (child_id);

-- The documents the caseworker shares with the family.
ALTER TABLE documents ADD COLUMN shared_with_family BIGINT NOT NULL DEFAULT 0;
