-- Counting a common word's matches in entity_search visits each match as a phrase of trigrams, position by
-- position (about 0.3 µs a match: 40-50 ms for a word in 15% of a million entities), and total_items is exact.
-- This adds a vocabulary and a second, much smaller index, so that a word is answered by single tokens instead:
--
-- search_terms: every distinct run of folded text (a longest stretch without white space or the grams column's
-- markers, Store/Data/SearchGrams.cs Runs) among all entities, with the number of entities holding it. A query
-- word never holds white space or a marker, so it is inside an entity's text exactly when it is inside one of
-- that entity's runs: its matches are the entities holding any vocabulary entry that contains it.
-- search_terms_index: the trigram index of the vocabulary, which finds those entries.
-- entity_terms: per entity, one token per run it holds (U+0002 and two private-use characters spelling the
-- entry's id, SearchGrams.TermCode) and the soft-deleted marker of sql/0010. A word with a few vocabulary entries
-- is an OR of their tokens, a query of such words an AND of those, exclude_deleted NOT the marker: single tokens
-- only, so the index keeps no positions (detail = none) and no column sizes, and counts by rowid alone.
--
-- Written only by these triggers, which replace those of sql/0010 so that one body per change keeps the order
-- the contentless indexes need: an old row is forgotten (from entity_folded, before it changes) while the
-- vocabulary ids it was written with still exist, entries are counted up before they are counted down (an
-- unchanged run keeps its id), and an entry no entity holds any more is removed.
CREATE TABLE search_terms (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    term TEXT    NOT NULL UNIQUE,
    n    INTEGER NOT NULL
);
CREATE INDEX ix_search_terms_unused ON search_terms (id) WHERE n = 0;

CREATE VIRTUAL TABLE search_terms_index USING fts5 (term, content = 'search_terms', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1');

CREATE VIRTUAL TABLE entity_terms USING fts5 (codes, content = '', detail = none, columnsize = 0,
    tokenize = 'trigram case_sensitive 1');

INSERT INTO search_terms (term, n)
SELECT j.value, COUNT(*) FROM entity_folded f, json_each(search_runs(f.label, f.description)) j GROUP BY j.value ORDER BY j.value;
INSERT INTO search_terms_index (search_terms_index) VALUES ('rebuild');

-- The tokens of an entity, in the order of its runs of folded text; the same text again when it is forgotten, so the
-- one expression is here for the build below and every trigger (the soft-deleted marker is added by each of them).
CREATE VIEW entity_term_codes AS
SELECT f.id AS id, COALESCE((SELECT group_concat(c, '') FROM (
           SELECT char(2, 983040 + (t.id >> 16), 983040 + (t.id & 65535)) AS c
             FROM json_each(search_runs(f.label, f.description)) j JOIN search_terms t ON t.term = j.value ORDER BY j.key)), '') AS codes
  FROM entity_folded f;

INSERT INTO entity_terms (rowid, codes)
SELECT c.id, c.codes || iif(e.is_deleted, char(2, 2, 2), '') FROM entity_term_codes c JOIN entities e ON e.id = c.id;
INSERT INTO entity_terms (entity_terms) VALUES ('optimize');

CREATE TRIGGER search_terms_insert AFTER INSERT ON search_terms
BEGIN
    INSERT INTO search_terms_index (rowid, term) VALUES (NEW.id, NEW.term);
END;

CREATE TRIGGER search_terms_delete AFTER DELETE ON search_terms
BEGIN
    INSERT INTO search_terms_index (search_terms_index, rowid, term) VALUES ('delete', OLD.id, OLD.term);
END;

DROP TRIGGER entities_search_insert;
DROP TRIGGER entities_search_update;
DROP TRIGGER entities_search_delete;

CREATE TRIGGER entities_search_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_folded (id, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
    INSERT INTO entity_search (rowid, label, description, grams)
    SELECT id, label, description, search_grams(label, description, NEW.is_deleted) FROM entity_folded WHERE id = NEW.id;
    INSERT INTO search_terms (term, n)
    SELECT j.value, 1 FROM entity_folded f, json_each(search_runs(f.label, f.description)) j WHERE f.id = NEW.id
    ON CONFLICT (term) DO UPDATE SET n = n + 1;
    INSERT INTO entity_terms (rowid, codes)
    SELECT id, codes || iif(NEW.is_deleted, char(2, 2, 2), '') FROM entity_term_codes WHERE id = NEW.id;
END;

CREATE TRIGGER entities_search_update AFTER UPDATE OF id, label, description, is_deleted ON entities
WHEN OLD.id IS NOT NEW.id OR OLD.label IS NOT NEW.label OR OLD.description IS NOT NEW.description
  OR OLD.is_deleted IS NOT NEW.is_deleted
BEGIN
    INSERT INTO entity_search (entity_search, rowid, label, description, grams)
    SELECT 'delete', id, label, description, search_grams(label, description, OLD.is_deleted) FROM entity_folded WHERE id = OLD.id;
    INSERT INTO entity_terms (entity_terms, rowid, codes)
    SELECT 'delete', id, codes || iif(OLD.is_deleted, char(2, 2, 2), '') FROM entity_term_codes WHERE id = OLD.id;
    UPDATE search_terms SET n = n - 1
     WHERE term IN (SELECT j.value FROM entity_folded f, json_each(search_runs(f.label, f.description)) j WHERE f.id = OLD.id);
    DELETE FROM entity_folded WHERE id = OLD.id;
    INSERT INTO entity_folded (id, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
    INSERT INTO entity_search (rowid, label, description, grams)
    SELECT id, label, description, search_grams(label, description, NEW.is_deleted) FROM entity_folded WHERE id = NEW.id;
    INSERT INTO search_terms (term, n)
    SELECT j.value, 1 FROM entity_folded f, json_each(search_runs(f.label, f.description)) j WHERE f.id = NEW.id
    ON CONFLICT (term) DO UPDATE SET n = n + 1;
    DELETE FROM search_terms WHERE n = 0;
    INSERT INTO entity_terms (rowid, codes)
    SELECT id, codes || iif(NEW.is_deleted, char(2, 2, 2), '') FROM entity_term_codes WHERE id = NEW.id;
END;

CREATE TRIGGER entities_search_delete AFTER DELETE ON entities
BEGIN
    INSERT INTO entity_search (entity_search, rowid, label, description, grams)
    SELECT 'delete', id, label, description, search_grams(label, description, OLD.is_deleted) FROM entity_folded WHERE id = OLD.id;
    INSERT INTO entity_terms (entity_terms, rowid, codes)
    SELECT 'delete', id, codes || iif(OLD.is_deleted, char(2, 2, 2), '') FROM entity_term_codes WHERE id = OLD.id;
    UPDATE search_terms SET n = n - 1
     WHERE term IN (SELECT j.value FROM entity_folded f, json_each(search_runs(f.label, f.description)) j WHERE f.id = OLD.id);
    DELETE FROM search_terms WHERE n = 0;
    DELETE FROM entity_folded WHERE id = OLD.id;
END;
