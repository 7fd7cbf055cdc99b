-- The plain MD5 of each media item's bytes, for GET /entities/lookup?md5= (today's CL app looks a file up by it
-- before uploading). Filled at upload; entities stored before this migration are filled by a background pass.
ALTER TABLE entities ADD COLUMN file_md5 TEXT;
CREATE INDEX ix_entities_file_md5 ON entities (file_md5);
-- Lookups by label are of collections; md5 already has its UNIQUE index.

-- The history trigger fires only when a served field is written: the background pass that fills file_md5 for
-- old entities changes no version of them. (UPDATE OF fires when a listed column is in the SET clause, so every
-- write path that changes an entity still records it.)
DROP TRIGGER entities_history_update;
CREATE TRIGGER entities_history_update
AFTER UPDATE OF is_collection, label, description, parent_id, added_date, updated_date, is_deleted, create_date,
    added_by, updated_by, file_size, height, width, duration, mime_type, type, extension, md5, file_path ON entities
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
