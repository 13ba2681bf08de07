-- Ids without gaps after a crash (issue 12, item 7): H2 hands out identity values from a cache of 32 and writes
-- only the end of the cached range to disk, so after a SIGKILL the next id jumped by about 31. With a cache of one
-- every id is written as it is taken. PostgreSQL's identities already cache one value; the statement is the same.
-- (V10 is PostgreSQL's rate_buckets, in db/vendor/postgresql.)
ALTER TABLE users ALTER COLUMN id SET CACHE 1;
ALTER TABLE generations ALTER COLUMN id SET CACHE 1;
