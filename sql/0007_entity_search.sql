-- Search over label and description (GET /entities?search_query=): a trigram index of the folded text, so that a
-- word inside a longer word is found from the index instead of by reading every row.
--
-- The indexed text is fold(text), the service's own case rule (.NET's invariant lower case, registered on every
-- connection the service opens, DbUp's included), and the tokenizer folds nothing itself (case_sensitive 1): a
-- word folded the same way matches exactly when the old rule `instr(fold(text), word)` did, with no second case
-- rule that could disagree beyond ASCII. The table also keeps the folded text, so words too short for trigrams
-- (one or two characters) are checked against it with instr, still without calling into .NET per row.
-- rowid is the entity's id. Only these triggers write it, like the history.
CREATE VIRTUAL TABLE entity_search USING fts5 (label, description, tokenize = 'trigram case_sensitive 1');

INSERT INTO entity_search (rowid, label, description) SELECT id, fold(label), fold(description) FROM entities;

CREATE TRIGGER entities_search_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_search (rowid, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
END;

CREATE TRIGGER entities_search_update AFTER UPDATE OF id, label, description ON entities
WHEN OLD.id IS NOT NEW.id OR OLD.label IS NOT NEW.label OR OLD.description IS NOT NEW.description
BEGIN
    DELETE FROM entity_search WHERE rowid = OLD.id;
    INSERT INTO entity_search (rowid, label, description) VALUES (NEW.id, fold(NEW.label), fold(NEW.description));
END;

CREATE TRIGGER entities_search_delete AFTER DELETE ON entities
BEGIN
    DELETE FROM entity_search WHERE rowid = OLD.id;
END;
