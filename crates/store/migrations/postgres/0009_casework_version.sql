-- A counter raised by every write of casework records (imports, forms, erasure), in the same
-- transaction. Each running web app keeps the records in memory; it reads this counter on
-- each request and reloads when another instance (or a command) has changed them.
CREATE TABLE casework_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO casework_version (id, version) VALUES (1, 0);
