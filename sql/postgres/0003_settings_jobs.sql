-- Runtime settings (sql/0003), the job queue and the workers (sql/0004), the health probe (sql/0009).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);

CREATE TABLE jobs (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id           TEXT    NOT NULL UNIQUE,
    task_type        TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    priority         INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 10),
    progress         INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    params           TEXT    NOT NULL DEFAULT '{}',
    input_files      TEXT    NOT NULL DEFAULT '[]',
    output_files     TEXT    NOT NULL DEFAULT '[]',
    task_output      TEXT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    started_at       BIGINT,
    completed_at     BIGINT,
    error_message    TEXT,
    worker_id        TEXT,
    lease_expires_at BIGINT,
    retry_count      INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT
);

-- The claim (SELECT ... FOR UPDATE SKIP LOCKED) walks pending jobs in this order.
CREATE INDEX ix_jobs_queue ON jobs (status, task_type, priority DESC, created_at, seq);
CREATE INDEX ix_jobs_lease ON jobs (status, lease_expires_at);
CREATE INDEX ix_jobs_worker ON jobs (worker_id, status);
CREATE INDEX ix_jobs_created ON jobs (created_at);

CREATE TABLE workers (
    worker_id    TEXT    PRIMARY KEY,
    capabilities TEXT    NOT NULL DEFAULT '[]',
    idle_count   INTEGER NOT NULL DEFAULT 0,
    last_seen    BIGINT  NOT NULL
);

CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);
