-- The search index of sql/0007 answers words of three characters or more; shorter words were checked with instr over
-- every row of entity_folded, and exclude_deleted looked every match up in entities. This index adds a third column,
-- grams = search_grams(folded label, folded description, is_deleted) (Store/Data/SearchGrams.cs): each character
-- and each pair of adjacent characters of the folded text is one trigram there, and a soft-deleted entity carries
-- one more, so short words, their combinations with longer ones and exclude_deleted are one MATCH over one index.
--
-- The index is contentless: its text is never read back (entity_folded keeps the folded text, the truth for the
-- delete of an old row), so the grams are not stored a second time. A contentless index forgets a row by being told
-- exactly what it indexed: the triggers recompute it from entity_folded and the old is_deleted.
DROP TRIGGER entities_search_insert;
DROP TRIGGER entities_search_update;
DROP TRIGGER entities_search_delete;
DROP TABLE entity_search;

CREATE VIRTUAL TABLE entity_search USING fts5 (label, description, grams, content = '',
    tokenize = 'trigram case_sensitive 1');

INSERT INTO entity_search (rowid, label, description, grams)
SELECT f.id, f.label, f.description, search_grams(f.label, f.description, e.is_deleted)
  FROM entity_folded f JOIN entities e ON e.id = f.id;
INSERT INTO entity_search (entity_search) VALUES ('optimize');

CREATE TRIGGER entities_search_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_folded (id, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
    INSERT INTO entity_search (rowid, label, description, grams)
    SELECT id, label, description, search_grams(label, description, NEW.is_deleted) FROM entity_folded WHERE id = NEW.id;
END;

CREATE TRIGGER entities_search_update AFTER UPDATE OF id, label, description, is_deleted ON entities
WHEN OLD.id IS NOT NEW.id OR OLD.label IS NOT NEW.label OR OLD.description IS NOT NEW.description
  OR OLD.is_deleted IS NOT NEW.is_deleted
BEGIN
    INSERT INTO entity_search (entity_search, rowid, label, description, grams)
    SELECT 'delete', id, label, description, search_grams(label, description, OLD.is_deleted) FROM entity_folded WHERE id = OLD.id;
    DELETE FROM entity_folded WHERE id = OLD.id;
    INSERT INTO entity_folded (id, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
    INSERT INTO entity_search (rowid, label, description, grams)
    SELECT id, label, description, search_grams(label, description, NEW.is_deleted) FROM entity_folded WHERE id = NEW.id;
END;

CREATE TRIGGER entities_search_delete AFTER DELETE ON entities
BEGIN
    INSERT INTO entity_search (entity_search, rowid, label, description, grams)
    SELECT 'delete', id, label, description, search_grams(label, description, OLD.is_deleted) FROM entity_folded WHERE id = OLD.id;
    DELETE FROM entity_folded WHERE id = OLD.id;
END;

-- width= and height= count their matches from an index instead of the table, and their first page walks it in id
-- order; exclude_deleted's deep pages skip rows in (is_deleted, id) order without reading them. ix_entities_id holds
-- only the ids: a deep page of everything skips its OFFSET there (a few bytes an entry) instead of through the table's
-- rows (a few hundred).
CREATE INDEX ix_entities_id ON entities (id);
-- A date range's first page in id order skips the rows before its first match (with dates growing with ids, half the
-- table for "after the middle"): through (id, date) pairs rather than the rows.
CREATE INDEX ix_entities_id_create_date ON entities (id, create_date);
CREATE INDEX ix_entities_id_added_date ON entities (id, added_date);
CREATE INDEX ix_entities_width ON entities (width);
CREATE INDEX ix_entities_height ON entities (height);
CREATE INDEX ix_entities_deleted ON entities (is_deleted);
