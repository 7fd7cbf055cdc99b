-- Search (each word a substring of the folded label or description): trigram GIN indexes over the folded
-- columns. pg_trgm answers LIKE '%word%' from the index for words of three characters or more and, for shorter
-- ones, still answers rightly (by a scan of the index's rows), so no second structure is needed as in SQLite.
-- The indexes are expressions, kept by PostgreSQL itself on every write: no write path can forget them.
-- The fold is PostgreSQL's lower() under the database's ctype, applied to the words too, so the rule is one rule.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_entities_label_trgm ON entities USING gin (lower(label) gin_trgm_ops);
CREATE INDEX ix_entities_description_trgm ON entities USING gin (lower(description) gin_trgm_ops);
