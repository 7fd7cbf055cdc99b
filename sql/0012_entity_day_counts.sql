-- A date range (date_from/date_to on added_date, created_after/created_before on create_date) with no other
-- filter counts up to every entity of the library entry by entry: SQLite's b-trees keep no counts. These are the
-- entities per UTC day (the day's first millisecond), per field (0 added_date, 1 create_date) and is_deleted, so
-- that such a total is a sum over the whole days inside the range and a count of the entries of the two partial
-- days at its ends. A date that is not a whole number (never written by Store) still falls in its own day.
-- min_id and max_id bound the ids a day has ever held (a delete leaves them, so they stay bounds, if looser): a
-- range's first page in id order starts at the smallest id its days can hold instead of skipping every entry before
-- it (half the library for "after the middle").
CREATE TABLE entity_day_counts (
    field      INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    min_id     INTEGER NOT NULL,
    max_id     INTEGER NOT NULL,
    PRIMARY KEY (field, day, is_deleted)
) WITHOUT ROWID;

INSERT INTO entity_day_counts (field, day, is_deleted, n, min_id, max_id)
SELECT 0, added_date - (added_date % 86400000 + 86400000) % 86400000, is_deleted, COUNT(*), MIN(id), MAX(id)
  FROM entities WHERE added_date IS NOT NULL GROUP BY 2, 3;
INSERT INTO entity_day_counts (field, day, is_deleted, n, min_id, max_id)
SELECT 1, create_date - (create_date % 86400000 + 86400000) % 86400000, is_deleted, COUNT(*), MIN(id), MAX(id)
  FROM entities WHERE create_date IS NOT NULL GROUP BY 2, 3;

CREATE TRIGGER entities_count_day_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_day_counts (field, day, is_deleted, n, min_id, max_id)
    SELECT 0, NEW.added_date - (NEW.added_date % 86400000 + 86400000) % 86400000, NEW.is_deleted, 1, NEW.id, NEW.id WHERE NEW.added_date IS NOT NULL
    ON CONFLICT (field, day, is_deleted) DO UPDATE SET n = n + 1, min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id);
    INSERT INTO entity_day_counts (field, day, is_deleted, n, min_id, max_id)
    SELECT 1, NEW.create_date - (NEW.create_date % 86400000 + 86400000) % 86400000, NEW.is_deleted, 1, NEW.id, NEW.id WHERE NEW.create_date IS NOT NULL
    ON CONFLICT (field, day, is_deleted) DO UPDATE SET n = n + 1, min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id);
END;

CREATE TRIGGER entities_count_day_update AFTER UPDATE OF id, added_date, create_date, is_deleted ON entities
WHEN OLD.id IS NOT NEW.id OR OLD.added_date IS NOT NEW.added_date OR OLD.create_date IS NOT NEW.create_date
  OR OLD.is_deleted IS NOT NEW.is_deleted
BEGIN
    UPDATE entity_day_counts SET n = n - 1
     WHERE field = 0 AND day = OLD.added_date - (OLD.added_date % 86400000 + 86400000) % 86400000 AND is_deleted = OLD.is_deleted;
    UPDATE entity_day_counts SET n = n - 1
     WHERE field = 1 AND day = OLD.create_date - (OLD.create_date % 86400000 + 86400000) % 86400000 AND is_deleted = OLD.is_deleted;
    INSERT INTO entity_day_counts (field, day, is_deleted, n, min_id, max_id)
    SELECT 0, NEW.added_date - (NEW.added_date % 86400000 + 86400000) % 86400000, NEW.is_deleted, 1, NEW.id, NEW.id WHERE NEW.added_date IS NOT NULL
    ON CONFLICT (field, day, is_deleted) DO UPDATE SET n = n + 1, min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id);
    INSERT INTO entity_day_counts (field, day, is_deleted, n, min_id, max_id)
    SELECT 1, NEW.create_date - (NEW.create_date % 86400000 + 86400000) % 86400000, NEW.is_deleted, 1, NEW.id, NEW.id WHERE NEW.create_date IS NOT NULL
    ON CONFLICT (field, day, is_deleted) DO UPDATE SET n = n + 1, min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id);
END;

CREATE TRIGGER entities_count_day_delete AFTER DELETE ON entities
BEGIN
    UPDATE entity_day_counts SET n = n - 1
     WHERE field = 0 AND day = OLD.added_date - (OLD.added_date % 86400000 + 86400000) % 86400000 AND is_deleted = OLD.is_deleted;
    UPDATE entity_day_counts SET n = n - 1
     WHERE field = 1 AND day = OLD.create_date - (OLD.create_date % 86400000 + 86400000) % 86400000 AND is_deleted = OLD.is_deleted;
END;
