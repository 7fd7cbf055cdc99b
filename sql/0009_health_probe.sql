-- GET /health/ready proves the database takes a write by rewriting this one row; nothing else reads it.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
