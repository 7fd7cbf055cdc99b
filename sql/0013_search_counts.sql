-- A fragment inside very many distinct runs (img_ inside every camera file name: 80,000 runs in the bench's
-- library of a million) is more than the vocabulary of sql/0011 answers with tokens, so its query stays with the
-- phrases of entity_search, where total_items counts every match position by position (half a million matches,
-- 80-100 ms). No finite set of counters holds the count of every substring, but a store is asked the same few
-- such fragments again and again: search_counts keeps the exact count of each query that was asked and was
-- expensive in that way, kept by these triggers like every other count, so that only its first ask counts.
--
-- words: the query's folded words (those the index answers, implied ones left out), sorted, as a JSON array, the
-- key; w1 to w4 the same words one a column (a query of more words is not kept), which is what the triggers read:
-- an entity counts for a query when each word is a substring of its folded label or its folded description, the
-- search rule itself (instr over entity_folded, as the words the index leaves out are checked), here of the two
-- joined by a space, which no word holds. live and deleted split the count by is_deleted, as entity_counts does,
-- so exclude_deleted reads live. asked orders the rows by when they were last asked: the service keeps at most 64
-- (Store/Entities/List/SearchCounts.cs) and drops the least recently asked, so a write tests at most 64 queries
-- (instr over the folded text of the one entity, no index).
--
-- A row is written by a read, in one write transaction that counts and inserts (SearchCounts.cs): no write can
-- come between the count and the row, and from then on every change of an entity's folded text or is_deleted
-- changes the row in the change's own transaction. A later migration that changes what entity_folded holds (the
-- fold rule) must empty this table.
CREATE TABLE search_counts (
    id      INTEGER PRIMARY KEY,
    words   TEXT    NOT NULL UNIQUE,
    w1      TEXT    NOT NULL,
    w2      TEXT,
    w3      TEXT,
    w4      TEXT,
    live    INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    asked   INTEGER NOT NULL
);

-- The view the triggers of sql/0011 spell an entity's tokens with. sql/0011 was first merged without it (its trigger
-- bodies spelled the same tokens inline), so a database migrated then has no view for the bodies below to read.
CREATE VIEW IF NOT EXISTS entity_term_codes AS
SELECT f.id AS id, COALESCE((SELECT group_concat(c, '') FROM (
           SELECT char(2, 983040 + (t.id >> 16), 983040 + (t.id & 65535)) AS c
             FROM json_each(search_runs(f.label, f.description)) j JOIN search_terms t ON t.term = j.value ORDER BY j.key)), '') AS codes
  FROM entity_folded f;

-- The bodies of sql/0011 with the counts added: a count forgets an entity from its folded text while entity_folded
-- still holds the old text, and counts it again once the new text is there.
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
    UPDATE search_counts SET live = live + iif(NEW.is_deleted, 0, 1), deleted = deleted + iif(NEW.is_deleted, 1, 0)
      FROM (SELECT ifnull(label, '') || ' ' || ifnull(description, '') AS text FROM entity_folded WHERE id = NEW.id) f
     WHERE instr(f.text, w1) > 0 AND (w2 IS NULL OR instr(f.text, w2) > 0) AND (w3 IS NULL OR instr(f.text, w3) > 0)
       AND (w4 IS NULL OR instr(f.text, w4) > 0);
END;

CREATE TRIGGER entities_search_update AFTER UPDATE OF id, label, description, is_deleted ON entities
WHEN OLD.id IS NOT NEW.id OR OLD.label IS NOT NEW.label OR OLD.description IS NOT NEW.description
  OR OLD.is_deleted IS NOT NEW.is_deleted
BEGIN
    UPDATE search_counts SET live = live - iif(OLD.is_deleted, 0, 1), deleted = deleted - iif(OLD.is_deleted, 1, 0)
      FROM (SELECT ifnull(label, '') || ' ' || ifnull(description, '') AS text FROM entity_folded WHERE id = OLD.id) f
     WHERE instr(f.text, w1) > 0 AND (w2 IS NULL OR instr(f.text, w2) > 0) AND (w3 IS NULL OR instr(f.text, w3) > 0)
       AND (w4 IS NULL OR instr(f.text, w4) > 0);
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
    UPDATE search_counts SET live = live + iif(NEW.is_deleted, 0, 1), deleted = deleted + iif(NEW.is_deleted, 1, 0)
      FROM (SELECT ifnull(label, '') || ' ' || ifnull(description, '') AS text FROM entity_folded WHERE id = NEW.id) f
     WHERE instr(f.text, w1) > 0 AND (w2 IS NULL OR instr(f.text, w2) > 0) AND (w3 IS NULL OR instr(f.text, w3) > 0)
       AND (w4 IS NULL OR instr(f.text, w4) > 0);
END;

CREATE TRIGGER entities_search_delete AFTER DELETE ON entities
BEGIN
    UPDATE search_counts SET live = live - iif(OLD.is_deleted, 0, 1), deleted = deleted - iif(OLD.is_deleted, 1, 0)
      FROM (SELECT ifnull(label, '') || ' ' || ifnull(description, '') AS text FROM entity_folded WHERE id = OLD.id) f
     WHERE instr(f.text, w1) > 0 AND (w2 IS NULL OR instr(f.text, w2) > 0) AND (w3 IS NULL OR instr(f.text, w3) > 0)
       AND (w4 IS NULL OR instr(f.text, w4) > 0);
    INSERT INTO entity_search (entity_search, rowid, label, description, grams)
    SELECT 'delete', id, label, description, search_grams(label, description, OLD.is_deleted) FROM entity_folded WHERE id = OLD.id;
    INSERT INTO entity_terms (entity_terms, rowid, codes)
    SELECT 'delete', id, codes || iif(OLD.is_deleted, char(2, 2, 2), '') FROM entity_term_codes WHERE id = OLD.id;
    UPDATE search_terms SET n = n - 1
     WHERE term IN (SELECT j.value FROM entity_folded f, json_each(search_runs(f.label, f.description)) j WHERE f.id = OLD.id);
    DELETE FROM search_terms WHERE n = 0;
    DELETE FROM entity_folded WHERE id = OLD.id;
END;
