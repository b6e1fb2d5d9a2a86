-- The portal (issue 19): members of organisations sign in with a one-time code sent to their
-- e-mail address, in sessions of their own (never the staff app's); and every e-mail the
-- service sends on its own (digests, notices), claimed once so that one instance sends it.

CREATE TABLE portal_members (
    organisation_id TEXT NOT NULL REFERENCES organisations (organisation_id),
    email TEXT NOT NULL,
    -- The organisation's own admin: adds and removes its members in the portal.
    is_admin INTEGER NOT NULL DEFAULT 0,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, email)
);
CREATE INDEX portal_members_email ON portal_members (email);

-- One live code per address (a new one replaces it), kept as its SHA-256, used once; three
-- wrong guesses and it is gone.
CREATE TABLE portal_codes (
    email TEXT PRIMARY KEY NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    wrong INTEGER NOT NULL DEFAULT 0
);

-- Each code sent, to limit how many an address or a client may ask for.
CREATE TABLE portal_code_requests (
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX portal_code_requests_email ON portal_code_requests (email, at);
CREATE INDEX portal_code_requests_address ON portal_code_requests (address, at);

CREATE TABLE portal_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX portal_sessions_email ON portal_sessions (email);

-- Every e-mail the service sends by itself (digests, notices; never sign-in codes), queued under
-- a key so that it is sent once: a digest by its inbox and day. Its text holds references and
-- dates only, never a child's name, date of birth or UPN. `children`: the ids of the children it
-- concerns (comma-separated), whose chronologies record it once sent.
-- status: queued, sending (claimed by one instance), sent, failed (tried again, up to 5 times).
CREATE TABLE mail (
    mail_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    inbox TEXT NOT NULL,
    to_whom TEXT NOT NULL,
    day TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    children TEXT NOT NULL,
    -- The child's contact it was sent to (a family member, issue 20), for the chronology.
    contact_id TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    queued_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT
);
CREATE INDEX mail_status ON mail (status, queued_at);
