-- Compute jobs: the queue that clients fill and workers (built-in or remote, over HTTP) drain.
-- seq orders jobs of equal priority and creation time; job_id is what the wire knows.
CREATE TABLE jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id           TEXT    NOT NULL UNIQUE,
    task_type        TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    priority         INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 10),
    progress         INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    params           TEXT    NOT NULL DEFAULT '{}',
    input_files      TEXT    NOT NULL DEFAULT '[]',
    output_files     TEXT    NOT NULL DEFAULT '[]',
    task_output      TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    started_at       INTEGER,
    completed_at     INTEGER,
    error_message    TEXT,
    worker_id        TEXT,
    lease_expires_at INTEGER,
    retry_count      INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT
);

-- The claim picks the best pending job of some task types: highest priority, then oldest.
CREATE INDEX ix_jobs_queue ON jobs (status, task_type, priority DESC, created_at, seq);
-- The lease sweep and lease renewal look at held jobs only.
CREATE INDEX ix_jobs_lease ON jobs (status, lease_expires_at);
CREATE INDEX ix_jobs_worker ON jobs (worker_id, status);
CREATE INDEX ix_jobs_created ON jobs (created_at);

-- Workers as last heard: capabilities is a JSON array of task types.
CREATE TABLE workers (
    worker_id    TEXT    PRIMARY KEY,
    capabilities TEXT    NOT NULL DEFAULT '[]',
    idle_count   INTEGER NOT NULL DEFAULT 0,
    last_seen    INTEGER NOT NULL
);
