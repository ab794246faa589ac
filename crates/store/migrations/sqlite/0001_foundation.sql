-- Foundation schema (SQLite). Instants are BIGINT milliseconds since the Unix epoch (UTC):
-- burden arithmetic happens in Rust with jiff, so the database only has to sort and range-scan them.

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL UNIQUE,
    time_zone       TEXT NOT NULL,
    working_days    TEXT NOT NULL,
    working_start   TEXT NOT NULL,
    working_end     TEXT NOT NULL,
    sleep_start     TEXT NOT NULL,
    sleep_end       TEXT NOT NULL,
    is_admin        INTEGER NOT NULL DEFAULT 0,
    password_hash   TEXT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE team_members (
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('member', 'lead')),
    PRIMARY KEY (team_id, person_id)
);
CREATE INDEX team_members_person ON team_members(person_id);

CREATE TABLE identities (
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (kind, external_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    person_id   BIGINT REFERENCES people(id) ON DELETE CASCADE,
    is_admin    INTEGER NOT NULL DEFAULT 0,
    label       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE integrations (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    name        TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    integration_id BIGINT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    delivery_id   TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    raw           BLOB NOT NULL,
    event         TEXT NOT NULL,
    UNIQUE (integration_id, delivery_id)
);

CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    person_id     BIGINT REFERENCES people(id) ON DELETE CASCADE,
    team_id       BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    at            BIGINT NOT NULL,
    incident_key  TEXT NOT NULL,
    source        TEXT NOT NULL,
    basis         TEXT NOT NULL,
    delivery_id   BIGINT REFERENCES deliveries(id) ON DELETE SET NULL
);
-- The burden query is a range scan of one person's instants; this index covers it.
CREATE INDEX notifications_person_at ON notifications(person_id, at);
CREATE INDEX notifications_team_at ON notifications(team_id, at);
