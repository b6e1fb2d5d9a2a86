-- A dated to-do on a child for a member of staff (issue 17): shown in that person's week.
-- `what` is free text about a child: replaced by "(erased)" when the child is erased.

CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (child_id),
    caseworker TEXT,
    due_on TEXT NOT NULL,
    what TEXT NOT NULL,
    done_on TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_child ON tasks (child_id);
