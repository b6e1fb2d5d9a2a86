-- The workforce (issue 17): the funded establishment (posts) and the people who work cases
-- (staff), whose staff_id is what the caseworker columns hold; plans gain the caseworker who
-- holds them for reviews. Decimals (fte) are held as written, like annual_cost.

CREATE TABLE posts (
    post_id TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    team TEXT,
    fte TEXT NOT NULL,
    funded_from TEXT NOT NULL,
    funded_to TEXT,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    team TEXT,
    fte TEXT NOT NULL,
    contract TEXT NOT NULL,
    post_id TEXT REFERENCES posts (post_id),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    version INTEGER NOT NULL DEFAULT 1
);

ALTER TABLE plans ADD COLUMN caseworker TEXT;
