-- How many entities each common list page has (sql/0008's entity_counts, for PostgreSQL), so that total_items needs
-- no count over the table: scope -1 is every entity, 0 the top level, any other value the children of that
-- collection, split by the fields the common filters use (is_deleted, is_collection, type with '' for none).
--
-- SQLite has one writer at a time; PostgreSQL runs writers side by side, and one counter row per page kind would be
-- a row every writer of that kind updates and holds locked to its commit: the writers would queue on it (and two
-- that took two such rows in opposite orders would deadlock). So each backend counts in rows of its own: slot is the
-- writing backend's pid, unique among the live sessions, so no two open transactions ever write the same row and no
-- writer waits for another here. A total is the sum over the slots. Slot 0 holds the counts of backends that are
-- gone, folded there by entity_counts_fold() (the shared sweeps run it, Store/Entities/List/EntityCountFolding),
-- which keeps the rows to a few per live connection.
CREATE TABLE entity_counts (
    scope         BIGINT  NOT NULL,
    is_deleted    INTEGER NOT NULL,
    is_collection INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    slot          INTEGER NOT NULL,
    n             BIGINT  NOT NULL,
    PRIMARY KEY (scope, is_deleted, is_collection, type, slot)
);

INSERT INTO entity_counts (scope, is_deleted, is_collection, type, slot, n)
SELECT -1, is_deleted, is_collection, COALESCE(type, ''), 0, COUNT(*) FROM entities GROUP BY 2, 3, 4;
INSERT INTO entity_counts (scope, is_deleted, is_collection, type, slot, n)
SELECT COALESCE(parent_id, 0), is_deleted, is_collection, COALESCE(type, ''), 0, COUNT(*) FROM entities GROUP BY 1, 2, 3, 4;

-- The old row leaves its two counts and the new one joins its two; the scope -1 row first, in every writer.
CREATE FUNCTION entities_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO entity_counts AS c (scope, is_deleted, is_collection, type, slot, n)
        VALUES (-1, OLD.is_deleted, OLD.is_collection, COALESCE(OLD.type, ''), pg_backend_pid(), -1),
               (COALESCE(OLD.parent_id, 0), OLD.is_deleted, OLD.is_collection, COALESCE(OLD.type, ''), pg_backend_pid(), -1)
        ON CONFLICT (scope, is_deleted, is_collection, type, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO entity_counts AS c (scope, is_deleted, is_collection, type, slot, n)
        VALUES (-1, NEW.is_deleted, NEW.is_collection, COALESCE(NEW.type, ''), pg_backend_pid(), 1),
               (COALESCE(NEW.parent_id, 0), NEW.is_deleted, NEW.is_collection, COALESCE(NEW.type, ''), pg_backend_pid(), 1)
        ON CONFLICT (scope, is_deleted, is_collection, type, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER entities_count_insert AFTER INSERT ON entities
    FOR EACH ROW EXECUTE FUNCTION entities_count();
CREATE TRIGGER entities_count_update AFTER UPDATE OF parent_id, is_deleted, is_collection, type ON entities
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.is_deleted IS DISTINCT FROM NEW.is_deleted
                       OR OLD.is_collection IS DISTINCT FROM NEW.is_collection OR OLD.type IS DISTINCT FROM NEW.type)
    EXECUTE FUNCTION entities_count();
CREATE TRIGGER entities_count_delete AFTER DELETE ON entities
    FOR EACH ROW EXECUTE FUNCTION entities_count();

-- Moves the rows of backends no longer alive into slot 0; answers how many it moved. A row a live writer holds
-- (its pid was reused meanwhile) is skipped, never waited for, and the slot 0 rows are taken in one order, so the
-- fold neither waits on a writer nor deadlocks with another fold. Moved in one statement: a total summed meanwhile
-- sees either the old rows or slot 0's new sums, never both or neither.
CREATE FUNCTION entity_counts_fold() RETURNS BIGINT LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM entity_counts
         WHERE ctid IN (SELECT ctid FROM entity_counts
                         WHERE slot <> 0 AND slot NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
                         FOR UPDATE SKIP LOCKED)
        RETURNING scope, is_deleted, is_collection, type, n),
    folded AS (
        INSERT INTO entity_counts AS c (scope, is_deleted, is_collection, type, slot, n)
        SELECT scope, is_deleted, is_collection, type, 0, SUM(n) FROM gone GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (scope, is_deleted, is_collection, type, slot) DO UPDATE SET n = c.n + excluded.n
        RETURNING 1)
    SELECT COUNT(*) FROM gone
$$;

-- order_by=label reads a page's ids from the index alone (an index-only scan): PostgreSQL considers one for an
-- expression index only when the columns the expression reads are in the index too, hence label INCLUDEd.
DROP INDEX ix_entities_label_nocase;
CREATE INDEX ix_entities_label_nocase ON entities (lower(label) NULLS FIRST, id) INCLUDE (label);

-- A date range in id order (created_after, date_from: a page of everything after a date) finds its first ids by
-- walking the ids and testing each row's date; with the dates beside the ids in one index that walk reads the index
-- alone, not every row before the first match (half the table for "after the middle").
CREATE INDEX ix_entities_id_dates ON entities (id) INCLUDE (create_date, added_date);

-- The planner's statistics for the new table and index now, not at autovacuum's next visit.
ANALYZE entities;
ANALYZE entity_counts;
