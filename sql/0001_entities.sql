-- Entities: collections (folders) and media items (one stored file each).
-- AUTOINCREMENT so an id is never reused: history rows of a deleted entity must not mix with a new one.
CREATE TABLE entities (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    is_collection INTEGER NOT NULL CHECK (is_collection IN (0, 1)),
    label         TEXT,
    description   TEXT,
    parent_id     INTEGER REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
    added_date    INTEGER NOT NULL,
    updated_date  INTEGER NOT NULL,
    is_deleted    INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    create_date   INTEGER,
    added_by      TEXT,
    updated_by    TEXT,
    file_size     INTEGER,
    height        INTEGER,
    width         INTEGER,
    duration      REAL,
    mime_type     TEXT,
    type          TEXT,
    extension     TEXT,
    md5           TEXT UNIQUE,
    file_path     TEXT
);

CREATE INDEX ix_entities_parent ON entities (parent_id);
CREATE INDEX ix_entities_added_date ON entities (added_date);
CREATE INDEX ix_entities_updated_date ON entities (updated_date);
CREATE INDEX ix_entities_create_date ON entities (create_date);
CREATE INDEX ix_entities_label ON entities (label);
CREATE INDEX ix_entities_file_size ON entities (file_size);
CREATE INDEX ix_entities_mime_type ON entities (mime_type);
