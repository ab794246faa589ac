-- Accounts for everyone and the lifecycle of what can be added (SQLite).

-- A deactivated person keeps their history but can no longer sign in; their
-- sessions and tokens are deleted in the same transaction that sets this.
ALTER TABLE people ADD COLUMN deactivated_at BIGINT;

-- First-run setup may happen once: the second of two concurrent setups fails on
-- this primary key and rolls back its admin.
CREATE TABLE setup_done (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    at      BIGINT NOT NULL
);
INSERT INTO setup_done (id, at) SELECT 1, MIN(created_at) FROM people WHERE is_admin = 1 HAVING COUNT(*) > 0;

-- One-time links that let a person choose a password: an invite or a reset. Only
-- the hash of the token is kept.
CREATE TABLE password_tokens (
    token_hash  TEXT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by  BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_tokens_person ON password_tokens(person_id);

-- Failed sign-ins, keyed by account and by client address, for throttling.
CREATE TABLE login_failures (
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);

-- Who changed roles, memberships, integrations and accounts, and when.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    BIGINT REFERENCES people(id) ON DELETE SET NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    team_id     BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    subject     TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);

-- A lead's proposal to add someone waits for that person's acceptance.
ALTER TABLE team_members ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE team_members ADD COLUMN proposed_by BIGINT REFERENCES people(id) ON DELETE SET NULL;

ALTER TABLE integrations ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE integrations ADD COLUMN last_delivery_at BIGINT;
ALTER TABLE integrations ADD COLUMN last_error TEXT;
ALTER TABLE integrations ADD COLUMN last_error_at BIGINT;

-- The same page arriving in different deliveries (incident.io repeats history,
-- Grafana's notified users are cumulative) is stored once, across processes: a
-- unique key rather than a select-then-insert. Bulk imports leave it NULL, so the
-- partial index costs them nothing.
ALTER TABLE notifications ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX notifications_dedupe ON notifications(dedupe_key) WHERE dedupe_key IS NOT NULL;

-- Single sign-on in progress: the state, nonce and PKCE verifier of a sign-in that
-- another server process may finish.
CREATE TABLE sso_pending (
    state_hash  TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

-- A token the person made for themselves from their own session; only such a
-- token (or their own session) can read what belongs to them alone. Tokens an
-- operator mints for someone carry their work data only.
ALTER TABLE api_tokens ADD COLUMN by_owner INTEGER NOT NULL DEFAULT 0;

-- The story behind a page: the incident's title, a link to it at the sender, and
-- whom the sender named (so a page that matched nobody can be linked later and
-- every earlier page from that identity re-attributed).
ALTER TABLE notifications ADD COLUMN title TEXT;
ALTER TABLE notifications ADD COLUMN link TEXT;
ALTER TABLE notifications ADD COLUMN named_kind TEXT;
ALTER TABLE notifications ADD COLUMN named_external_id TEXT;
ALTER TABLE notifications ADD COLUMN named_email TEXT;
ALTER TABLE notifications ADD COLUMN named_name TEXT;
CREATE INDEX notifications_named ON notifications(named_kind, named_external_id) WHERE person_id IS NULL;
