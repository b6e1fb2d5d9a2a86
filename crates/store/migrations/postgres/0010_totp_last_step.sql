-- A one-time code is accepted once (RFC 6238 section 5.2): the last time step accepted for each
-- person, so a code seen over someone's shoulder cannot be used again in its 30 seconds.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
