-- How many entities each common list page has, so that total_items needs no count over the table: scope -1 is
-- every entity, 0 the top level, any other value the children of that collection; split by the fields the
-- common filters use (is_deleted for exclude_deleted, is_collection, type with '' for none).
CREATE TABLE entity_counts (
    scope         INTEGER NOT NULL,
    is_deleted    INTEGER NOT NULL,
    is_collection INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (scope, is_deleted, is_collection, type)
) WITHOUT ROWID;

INSERT INTO entity_counts (scope, is_deleted, is_collection, type, n)
SELECT -1, is_deleted, is_collection, COALESCE(type, ''), COUNT(*) FROM entities GROUP BY 2, 3, 4;
INSERT INTO entity_counts (scope, is_deleted, is_collection, type, n)
SELECT COALESCE(parent_id, 0), is_deleted, is_collection, COALESCE(type, ''), COUNT(*) FROM entities GROUP BY 1, 2, 3, 4;

CREATE TRIGGER entities_count_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_counts (scope, is_deleted, is_collection, type, n)
    VALUES (-1, NEW.is_deleted, NEW.is_collection, COALESCE(NEW.type, ''), 1),
           (COALESCE(NEW.parent_id, 0), NEW.is_deleted, NEW.is_collection, COALESCE(NEW.type, ''), 1)
    ON CONFLICT (scope, is_deleted, is_collection, type) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER entities_count_update AFTER UPDATE OF parent_id, is_deleted, is_collection, type ON entities
WHEN OLD.parent_id IS NOT NEW.parent_id OR OLD.is_deleted IS NOT NEW.is_deleted
  OR OLD.is_collection IS NOT NEW.is_collection OR OLD.type IS NOT NEW.type
BEGIN
    UPDATE entity_counts SET n = n - 1
     WHERE scope IN (-1, COALESCE(OLD.parent_id, 0)) AND is_deleted = OLD.is_deleted
       AND is_collection = OLD.is_collection AND type = COALESCE(OLD.type, '');
    INSERT INTO entity_counts (scope, is_deleted, is_collection, type, n)
    VALUES (-1, NEW.is_deleted, NEW.is_collection, COALESCE(NEW.type, ''), 1),
           (COALESCE(NEW.parent_id, 0), NEW.is_deleted, NEW.is_collection, COALESCE(NEW.type, ''), 1)
    ON CONFLICT (scope, is_deleted, is_collection, type) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER entities_count_delete AFTER DELETE ON entities
BEGIN
    UPDATE entity_counts SET n = n - 1
     WHERE scope IN (-1, COALESCE(OLD.parent_id, 0)) AND is_deleted = OLD.is_deleted
       AND is_collection = OLD.is_collection AND type = COALESCE(OLD.type, '');
END;

-- How many entities have a version N (GET /entities?version=N with no other filter). Versions of an entity are
-- 1, 2, ... without gaps, each written by the history triggers; a hard delete writes a last one (operation 2) and
-- the entity no longer counts for any of its versions. Nothing deletes history rows.
CREATE TABLE entity_version_counts (
    version INTEGER PRIMARY KEY,
    n       INTEGER NOT NULL
);

INSERT INTO entity_version_counts (version, n)
SELECT v.version, COUNT(*) FROM entity_versions v JOIN entities e ON e.id = v.id WHERE v.operation_type <> 2 GROUP BY v.version;

CREATE TRIGGER entity_versions_count_insert AFTER INSERT ON entity_versions
WHEN NEW.operation_type <> 2
BEGIN
    INSERT INTO entity_version_counts (version, n) VALUES (NEW.version, 1)
    ON CONFLICT (version) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER entities_version_count_delete AFTER DELETE ON entities
BEGIN
    UPDATE entity_version_counts SET n = n - 1
     WHERE version IN (SELECT version FROM entity_versions WHERE id = OLD.id AND operation_type <> 2);
END;

-- version=N pages walk the history rows of that version in id order instead of the whole history.
CREATE INDEX ix_entity_versions_version ON entity_versions (version, id);

-- order_by=label sorts without regard to ASCII case (and breaks ties by id, which every index carries): an index
-- in that collation serves the order and deep pages without sorting the table.
CREATE INDEX ix_entities_label_nocase ON entities (label COLLATE NOCASE);
