-- The analyst an admin lets download the SEN2 return (which holds names, dates of birth and
-- UPNs): issue 8 asks that an analyst can, issue 7 that analysts see no personal data by default.
ALTER TABLE users ADD COLUMN submits_sen2 INTEGER NOT NULL DEFAULT 0;
