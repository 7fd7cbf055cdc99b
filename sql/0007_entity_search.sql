-- Search over label and description (GET /entities?search_query=): a trigram index of the folded text, so that a
-- word inside a longer word is found from the index instead of by reading every row.
--
-- The indexed text is fold(text), the service's own case rule (.NET's invariant lower case, registered on every
-- connection the service opens, DbUp's included), and the tokenizer folds nothing itself (case_sensitive 1): a
-- word folded the same way matches exactly when the old rule `instr(fold(text), word)` did, with no second case
-- rule that could disagree beyond ASCII. The folded text is kept in entity_folded (the index's external content),
-- so words too short for trigrams (one or two characters) are checked against it with instr: a scan of a narrow
-- table, still without calling into .NET per row. id and rowid are the entity's id. Only these triggers write
-- either table, like the history.
CREATE TABLE entity_folded (
    id          INTEGER PRIMARY KEY,
    label       TEXT,
    description TEXT
);

CREATE VIRTUAL TABLE entity_search USING fts5 (label, description, content = 'entity_folded', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1');

INSERT INTO entity_folded (id, label, description) SELECT id, fold(label), fold(description) FROM entities;
INSERT INTO entity_search (entity_search) VALUES ('rebuild');

CREATE TRIGGER entities_search_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_folded (id, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
    INSERT INTO entity_search (rowid, label, description) SELECT id, label, description FROM entity_folded WHERE id = NEW.id;
END;

-- An external-content index forgets a row by being told its old text, which entity_folded still holds here.
CREATE TRIGGER entities_search_update AFTER UPDATE OF id, label, description ON entities
WHEN OLD.id IS NOT NEW.id OR OLD.label IS NOT NEW.label OR OLD.description IS NOT NEW.description
BEGIN
    INSERT INTO entity_search (entity_search, rowid, label, description)
    SELECT 'delete', id, label, description FROM entity_folded WHERE id = OLD.id;
    DELETE FROM entity_folded WHERE id = OLD.id;
    INSERT INTO entity_folded (id, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
    INSERT INTO entity_search (rowid, label, description) SELECT id, label, description FROM entity_folded WHERE id = NEW.id;
END;

CREATE TRIGGER entities_search_delete AFTER DELETE ON entities
BEGIN
    INSERT INTO entity_search (entity_search, rowid, label, description)
    SELECT 'delete', id, label, description FROM entity_folded WHERE id = OLD.id;
    DELETE FROM entity_folded WHERE id = OLD.id;
END;
