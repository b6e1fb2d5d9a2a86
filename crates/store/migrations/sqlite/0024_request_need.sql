-- The need a request was made for (issue 23): requests by need count it, so they do not move
-- when the child's need is later recorded differently. Empty: the child's need stands in.
ALTER TABLE requests ADD COLUMN primary_need TEXT;
