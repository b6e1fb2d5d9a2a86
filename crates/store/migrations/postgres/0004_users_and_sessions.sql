-- People who sign in to the web app, and their sessions. A session is found by the SHA-256
-- of its random token; the token itself is only ever in the user's cookie.
CREATE TABLE users (
    email TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_on TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL REFERENCES users (email),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_email ON sessions (email);
