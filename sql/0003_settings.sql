-- Runtime settings changed through the admin API (today only read_auth_enabled).
-- A row exists only once the setting was changed at runtime; until then the environment decides.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
);
