-- Care after incidents (issue 7): check-ins, peer support, the leads' checklist and the
-- journal. Everything a person answers or writes is in rows keyed by that person, and the
-- store reads those rows for anyone else only as aggregates (see `care.rs`).

-- A team's care settings; no row means the defaults (check-ins on, at 1d, 3d and 7d, with
-- every measure Aftercare ships).
CREATE TABLE team_care (
    team_id      BIGINT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    checkins_on  BOOLEAN NOT NULL,
    offsets      TEXT NOT NULL,
    measures     TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- A team's own measures: the instrument file as the team wrote it (TOML), validated on the
-- way in and parsed again when read.
CREATE TABLE team_measures (
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    measure_id  TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (team_id, measure_id)
);

-- One check-in of one person after one incident, at one offset. `status` is what the person
-- did; "open" is not stored: a scheduled check-in whose moment has come is open.
CREATE TABLE checkins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    incident_id   BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    team_id       BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    offset_label  TEXT NOT NULL,
    due_at        BIGINT NOT NULL,
    measures      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'answered', 'skipped')),
    answers       TEXT,
    scores        TEXT,
    support       TEXT,
    answered_at   BIGINT,
    created_at    BIGINT NOT NULL,
    UNIQUE (person_id, incident_id, offset_label)
);
CREATE INDEX checkins_person_due ON checkins(person_id, due_at);
CREATE INDEX checkins_team_due ON checkins(team_id, due_at);

-- People who volunteered to support colleagues after incidents.
CREATE TABLE peer_supporters (
    person_id  BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    since      BIGINT NOT NULL
);

-- A person's choices about care: declining to be paired with a supporter.
CREATE TABLE care_preferences (
    person_id        BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    decline_pairing  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at       BIGINT NOT NULL
);

-- Who supports whom after an incident. `outcome` is 'paired', 'declined' (the participant
-- said no) or 'no_supporter' (nobody eligible volunteered).
CREATE TABLE pairings (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id      BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    team_id          BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    participant_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    supporter_id     BIGINT REFERENCES people(id) ON DELETE SET NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('paired', 'declined', 'no_supporter')),
    overlap_minutes  INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    reached_out_at   BIGINT,
    UNIQUE (incident_id, participant_id)
);
CREATE INDEX pairings_supporter ON pairings(supporter_id, created_at);
CREATE INDEX pairings_team ON pairings(team_id, created_at);

-- The lead's checklist after an incident: one row per lead and item, done or not.
CREATE TABLE lead_checklist_items (
    incident_id  BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    team_id      BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    lead_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    item         TEXT NOT NULL,
    given_at     BIGINT NOT NULL,
    done_at      BIGINT,
    PRIMARY KEY (incident_id, lead_id, item)
);
CREATE INDEX lead_checklist_team ON lead_checklist_items(team_id, given_at);

-- The organisation's professional support (employee assistance, counselling), shown to
-- anyone who asks to talk to someone.
CREATE TABLE support_resources (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT NOT NULL,
    contact      TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);

-- The journal: a per-person data key wrapped by a key derived from the person's passphrase
-- (argon2id), and entries sealed with that data key (XChaCha20-Poly1305). The server holds
-- nothing that opens them.
CREATE TABLE journal_keys (
    person_id   BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    wrapped     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE journal_entries (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    incident_id  BIGINT REFERENCES incidents(id) ON DELETE SET NULL,
    -- A random name the ciphertext is bound to (its associated data), chosen before the
    -- row exists: a sealed text moved to another row or person does not open.
    entry_key    TEXT NOT NULL UNIQUE,
    sealed       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX journal_entries_person ON journal_entries(person_id, created_at);
