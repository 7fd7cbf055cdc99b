-- Entity history, written only by triggers so that no write path can forget it.
-- transaction_id is the history row's own increasing id; the previous version of the same entity
-- gets it as its end_transaction_id. operation_type: 0 insert, 1 update, 2 delete.
CREATE TABLE entity_versions (
    transaction_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    end_transaction_id INTEGER,
    operation_type     INTEGER NOT NULL CHECK (operation_type IN (0, 1, 2)),
    version            INTEGER NOT NULL,
    recorded_at        INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
    id                 INTEGER NOT NULL,
    is_collection      INTEGER NOT NULL,
    label              TEXT,
    description        TEXT,
    parent_id          INTEGER,
    added_date         INTEGER,
    updated_date       INTEGER,
    is_deleted         INTEGER NOT NULL,
    create_date        INTEGER,
    added_by           TEXT,
    updated_by         TEXT,
    file_size          INTEGER,
    height             INTEGER,
    width              INTEGER,
    duration           REAL,
    mime_type          TEXT,
    type               TEXT,
    extension          TEXT,
    md5                TEXT,
    file_path          TEXT,
    UNIQUE (id, version)
);

CREATE TRIGGER entities_history_insert AFTER INSERT ON entities
BEGIN
    INSERT INTO entity_versions (operation_type, version, id, is_collection, label, description, parent_id,
        added_date, updated_date, is_deleted, create_date, added_by, updated_by, file_size, height, width,
        duration, mime_type, type, extension, md5, file_path)
    VALUES (0, COALESCE((SELECT MAX(version) FROM entity_versions WHERE id = NEW.id), 0) + 1,
        NEW.id, NEW.is_collection, NEW.label, NEW.description, NEW.parent_id,
        NEW.added_date, NEW.updated_date, NEW.is_deleted, NEW.create_date, NEW.added_by, NEW.updated_by,
        NEW.file_size, NEW.height, NEW.width, NEW.duration, NEW.mime_type, NEW.type, NEW.extension,
        NEW.md5, NEW.file_path);
END;

CREATE TRIGGER entities_history_update AFTER UPDATE ON entities
BEGIN
    INSERT INTO entity_versions (operation_type, version, id, is_collection, label, description, parent_id,
        added_date, updated_date, is_deleted, create_date, added_by, updated_by, file_size, height, width,
        duration, mime_type, type, extension, md5, file_path)
    VALUES (1, COALESCE((SELECT MAX(version) FROM entity_versions WHERE id = NEW.id), 0) + 1,
        NEW.id, NEW.is_collection, NEW.label, NEW.description, NEW.parent_id,
        NEW.added_date, NEW.updated_date, NEW.is_deleted, NEW.create_date, NEW.added_by, NEW.updated_by,
        NEW.file_size, NEW.height, NEW.width, NEW.duration, NEW.mime_type, NEW.type, NEW.extension,
        NEW.md5, NEW.file_path);
    UPDATE entity_versions SET end_transaction_id = last_insert_rowid()
     WHERE id = NEW.id AND end_transaction_id IS NULL AND transaction_id <> last_insert_rowid();
END;

CREATE TRIGGER entities_history_delete AFTER DELETE ON entities
BEGIN
    INSERT INTO entity_versions (operation_type, version, id, is_collection, label, description, parent_id,
        added_date, updated_date, is_deleted, create_date, added_by, updated_by, file_size, height, width,
        duration, mime_type, type, extension, md5, file_path)
    VALUES (2, COALESCE((SELECT MAX(version) FROM entity_versions WHERE id = OLD.id), 0) + 1,
        OLD.id, OLD.is_collection, OLD.label, OLD.description, OLD.parent_id,
        OLD.added_date, OLD.updated_date, OLD.is_deleted, OLD.create_date, OLD.added_by, OLD.updated_by,
        OLD.file_size, OLD.height, OLD.width, OLD.duration, OLD.mime_type, OLD.type, OLD.extension,
        OLD.md5, OLD.file_path);
    UPDATE entity_versions SET end_transaction_id = last_insert_rowid()
     WHERE id = OLD.id AND end_transaction_id IS NULL AND transaction_id <> last_insert_rowid();
END;
