-- Rotations (issue 9): members in order take turns carrying a team's pager, shifts of
-- any number of hours, days or weeks handing off at a local time in the rotation's own
-- zone. `starts_local` is that zone's civil date and time of the first handoff
-- (`2027-01-04T09:00`), kept local so the handoffs keep their wall-clock time across DST;
-- `shift_length` is `12h`, `1d`, `2w`.
CREATE TABLE rotations (
    id            INTEGER PRIMARY KEY,
    team_id       BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    starts_local  TEXT NOT NULL,
    shift_length  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

-- Who takes turns, in order (position 0 first).
CREATE TABLE rotation_members (
    rotation_id   BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    person_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (rotation_id, position)
);
CREATE INDEX rotation_members_person ON rotation_members(person_id);
