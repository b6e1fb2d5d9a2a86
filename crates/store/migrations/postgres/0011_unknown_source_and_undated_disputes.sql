-- What a SEN2 return cannot say is held as unknown, not invented: a request's source, and the
-- date of a dispute known only from a mediation or tribunal flag on its request.
ALTER TABLE requests ALTER COLUMN source DROP NOT NULL;
ALTER TABLE disputes ALTER COLUMN opened_on DROP NOT NULL;
