-- The latest views of a child's record are read by child and time: index both, so the
-- newest rows come straight from the index instead of sorting every row about the child.
DROP INDEX audit_child;
CREATE INDEX audit_child_at ON audit (child_id, at);
