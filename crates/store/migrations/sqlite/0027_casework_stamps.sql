-- Which history each casework version belongs to (issue 16): every raise of the version is
-- stamped with its time, kept beside the version and, for the latest few thousand, here. A
-- running web app holding version V puts in the records changed since only while the
-- database's version V has the stamp the app read with it. Restored from a backup, the
-- database goes back to an earlier version and raises it again with new stamps: the app sees
-- another history, and reads every record again.
-- The stamp before the present one rides along, so that a raise tells the position it started
-- from in the one statement that raises.
ALTER TABLE casework_version ADD COLUMN stamp BIGINT NOT NULL DEFAULT 0;
ALTER TABLE casework_version ADD COLUMN previous_stamp BIGINT NOT NULL DEFAULT 0;

CREATE TABLE casework_stamps (
    version BIGINT PRIMARY KEY,
    stamp BIGINT NOT NULL
);
