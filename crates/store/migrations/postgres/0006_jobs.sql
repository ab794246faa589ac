-- Durable jobs, pauses, the in-app inbox and each person's channels.

-- Work to do at a moment (a message to a person, a send over one channel). A job
-- is claimed with a lease (`worker`, `lease_until`, `lease_id`) so that several
-- `aftercare serve` processes on one database run each job once; a lease that
-- runs out (its process died) is taken back and the job runs again. The dedupe
-- key makes enqueueing idempotent: the feature that schedules a message names it.
CREATE TABLE jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    person_id   BIGINT REFERENCES people(id) ON DELETE CASCADE,
    run_at      BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('scheduled', 'running', 'done', 'skipped', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_id    BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT,
    worker      TEXT,
    dedupe_key  TEXT NOT NULL UNIQUE,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    done_at     BIGINT
);
-- Claiming reads due jobs in time order; leases are taken back by expiry.
CREATE INDEX jobs_due ON jobs(state, run_at);
CREATE INDEX jobs_person ON jobs(person_id, state);

-- A person's pauses: [paused_at, until), until NULL for good. Kept after they end,
-- so a job that came due while its person was paused is skipped even when no
-- runner looked at it then (resuming sends no backlog).
CREATE TABLE pauses (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    paused_at   BIGINT NOT NULL,
    until       BIGINT
);
CREATE INDEX pauses_person ON pauses(person_id, paused_at);

-- The in-app inbox: every message lands here, written in the same transaction
-- that marks its job done (so it is there exactly once). Only its person reads it.
CREATE TABLE inbox_messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    job_id      BIGINT UNIQUE REFERENCES jobs(id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX inbox_person ON inbox_messages(person_id, created_at);

-- The channels a person chose besides the inbox (which is always on). Every one is
-- addressed to the person: an email address, their Slack user id, their own
-- webhook. There is no column for a shared channel.
CREATE TABLE notification_channels (
    person_id       BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    email           BOOLEAN NOT NULL DEFAULT FALSE,
    slack_user_id   TEXT,
    webhook_url     TEXT,
    updated_at      BIGINT NOT NULL
);

-- Keys the server makes for itself and shares across processes through the
-- database (the pause links' signing key).
CREATE TABLE server_keys (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
