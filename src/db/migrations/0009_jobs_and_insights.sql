-- v1.8: scheduled jobs and weekly insights: job_runs, each user's time zone, one insight per user and week.

-- One row per job and slot (the scheduled instant, or manual:<instant> for a run by hand). The
-- unique (job, slot) key is the claim: however many servers share the database, each slot runs
-- once. A failed attempt is retried in the same row (attempts, next_attempt_at, the last error).
CREATE TABLE job_runs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job             text NOT NULL,
  slot            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('running', 'succeeded', 'retrying', 'failed')),
  attempts        integer NOT NULL DEFAULT 1 CHECK (attempts > 0),
  started_at      timestamptz NOT NULL,   -- the latest attempt's start
  finished_at     timestamptz,
  next_attempt_at timestamptz,            -- when a 'retrying' run is tried again
  rows_affected   bigint,
  error           text,                   -- the last failure, without secrets
  instance        text NOT NULL,          -- host:pid of the process that ran the latest attempt
  CONSTRAINT job_runs_job_slot_key UNIQUE (job, slot)
);
CREATE INDEX idx_job_runs_job_started ON job_runs(job, started_at);
CREATE INDEX idx_job_runs_retrying ON job_runs(job, next_attempt_at) WHERE status = 'retrying';
CREATE INDEX idx_job_runs_started_at ON job_runs(started_at);

-- System records: only the service role (and the owner running the scheduler) may see them.
ALTER TABLE job_runs ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON job_runs TO service_role;
CREATE POLICY "Service role can access job runs" ON job_runs FOR ALL TO service_role
  USING (true) WITH CHECK (true);

-- The zone a user's weeks (Monday 00:00 to Monday 00:00) and hours are counted in. The app checks
-- names against Intl's zones and stores the canonical one; the database keeps them name-shaped.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'
  CONSTRAINT users_time_zone_check CHECK (time_zone ~ '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$');

-- At most one insight per user and week: regeneration replaces it. Earlier duplicates (none were
-- written by the app before this version) keep only the newest.
DELETE FROM insights a USING insights b
  WHERE a.user_id = b.user_id AND a.week_start = b.week_start AND (a.created_at, a.id) < (b.created_at, b.id);
CREATE UNIQUE INDEX insights_user_week_key ON insights(user_id, week_start);

-- The re-clustering job looks for users whose notes changed (or were trashed) since its last run.
CREATE INDEX idx_notes_updated_at ON notes(updated_at);

-- The job history is kept for 90 days (the retention job reads this table).
INSERT INTO retention_policies (table_name, age_column, keep_for, description) VALUES
  ('job_runs', 'started_at', interval '90 days', 'Job run records are kept for 90 days');
