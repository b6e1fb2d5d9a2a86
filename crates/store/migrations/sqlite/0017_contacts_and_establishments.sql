-- The people around a child (issue 18). name is replaced by "(erased)" on erasure, email,
-- phone and address emptied.

CREATE TABLE contacts (
    contact_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    preferred TEXT,
    parental_responsibility TEXT,
    organisation TEXT,
    urn TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_child ON contacts (child_id);

-- Schools and settings from a Get Information About Schools extract, by URN: reference data,
-- replaced whole by `sendtrack establishments import`.
CREATE TABLE establishments (
    urn TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    phase TEXT NOT NULL,
    status TEXT NOT NULL,
    local_authority TEXT NOT NULL,
    town TEXT NOT NULL,
    postcode TEXT NOT NULL
);
CREATE INDEX establishments_name ON establishments (name);
