-- Several instances on one database (README, "Several instances").
--
-- A change of a job wakes the waiters of every instance (long-polling claims, event streams): a NOTIFY on
-- store_jobs, sent by the table itself, so no write path can forget it. PostgreSQL delivers it at the commit and
-- folds the same payload within one transaction into one. A lease renewal alone (only lease_expires_at moves) is
-- not a change anyone waits for, and notifying it would wake every claim that renews its worker's leases, again
-- and again; every other write of a job sets updated_at.
CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('store_jobs', '');
    RETURN NULL;
END $$;

CREATE TRIGGER jobs_notify_insert_delete AFTER INSERT OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_notify();

CREATE TRIGGER jobs_notify_update AFTER UPDATE ON jobs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.progress IS DISTINCT FROM NEW.progress
                       OR OLD.updated_at IS DISTINCT FROM NEW.updated_at)
    EXECUTE FUNCTION jobs_notify();

-- When each shared sweep with a cadence of its own (the hourly job retention) last ran, and how often it ran:
-- the instance that leads the sweeps claims a run here, so a new leader does not run it again within the hour.
CREATE TABLE sweeps (
    name   TEXT   PRIMARY KEY,
    ran_at BIGINT NOT NULL,
    runs   BIGINT NOT NULL
);
