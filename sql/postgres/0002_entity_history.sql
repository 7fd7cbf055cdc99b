-- Entity history, written only by triggers, with sql/0002's rules: transaction_id increases, the previous
-- version of the same entity gets the new row's id as its end_transaction_id; operation_type 0 insert,
-- 1 update, 2 delete; an update records a version only when a served column is in the SET list.
CREATE TABLE entity_versions (
    transaction_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    end_transaction_id BIGINT,
    operation_type     INTEGER NOT NULL CHECK (operation_type IN (0, 1, 2)),
    version            INTEGER NOT NULL,
    recorded_at        BIGINT  NOT NULL DEFAULT (floor(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT),
    id                 BIGINT  NOT NULL,
    is_collection      INTEGER NOT NULL,
    label              TEXT,
    description        TEXT,
    parent_id          BIGINT,
    added_date         BIGINT,
    updated_date       BIGINT,
    is_deleted         INTEGER NOT NULL,
    create_date        BIGINT,
    added_by           TEXT,
    updated_by         TEXT,
    file_size          BIGINT,
    height             INTEGER,
    width              INTEGER,
    duration           DOUBLE PRECISION,
    mime_type          TEXT,
    type               TEXT,
    extension          TEXT,
    md5                TEXT,
    file_path          TEXT,
    UNIQUE (id, version)
);

CREATE INDEX ix_entity_versions_version ON entity_versions (version, id);

-- One function for the three operations: the row written is NEW for insert and update, OLD for delete.
CREATE FUNCTION entities_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r entities%ROWTYPE;
    op INTEGER;
    written BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; op := 2;
    ELSIF TG_OP = 'UPDATE' THEN r := NEW; op := 1;
    ELSE r := NEW; op := 0;
    END IF;
    -- Two transactions writing versions of one entity at once would pick the same number: the row lock on the
    -- entity (held by the UPDATE or DELETE that fired this) already orders them; an insert is its first version.
    INSERT INTO entity_versions (operation_type, version, id, is_collection, label, description, parent_id,
        added_date, updated_date, is_deleted, create_date, added_by, updated_by, file_size, height, width,
        duration, mime_type, type, extension, md5, file_path)
    VALUES (op, COALESCE((SELECT MAX(version) FROM entity_versions WHERE id = r.id), 0) + 1,
        r.id, r.is_collection, r.label, r.description, r.parent_id,
        r.added_date, r.updated_date, r.is_deleted, r.create_date, r.added_by, r.updated_by,
        r.file_size, r.height, r.width, r.duration, r.mime_type, r.type, r.extension, r.md5, r.file_path)
    RETURNING transaction_id INTO written;
    IF op <> 0 THEN
        UPDATE entity_versions SET end_transaction_id = written
         WHERE id = r.id AND end_transaction_id IS NULL AND transaction_id <> written;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER entities_history_insert AFTER INSERT ON entities
    FOR EACH ROW EXECUTE FUNCTION entities_history();
CREATE TRIGGER entities_history_update
    AFTER UPDATE OF is_collection, label, description, parent_id, added_date, updated_date, is_deleted, create_date,
        added_by, updated_by, file_size, height, width, duration, mime_type, type, extension, md5, file_path
    ON entities FOR EACH ROW EXECUTE FUNCTION entities_history();
CREATE TRIGGER entities_history_delete AFTER DELETE ON entities
    FOR EACH ROW EXECUTE FUNCTION entities_history();
