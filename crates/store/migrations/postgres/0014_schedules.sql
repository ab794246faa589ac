-- Schedules (issue 9, item 1): a team's layers stacked into one answer to "who is on call
-- at T". Each layer is one of the team's rotations, on the primary or the secondary tier,
-- active all day or inside a daily window in a zone (follow the sun: 08:00-20:00 in
-- Europe/London on top of a layer that covers the rest). A later layer (higher position)
-- is on top. Overrides stay with the rotation they were made on, so cover arranged on a
-- rotation holds in every schedule that uses it.
CREATE TABLE schedules (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE schedule_layers (
    schedule_id   BIGINT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    tier          TEXT NOT NULL CHECK (tier IN ('primary', 'secondary')),
    rotation_id   BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    -- A daily window, local 'HH:MM' in window_zone, [start, end); all three or none.
    window_start  TEXT NULL,
    window_end    TEXT NULL,
    window_zone   TEXT NULL,
    PRIMARY KEY (schedule_id, position)
);
CREATE INDEX schedule_layers_rotation ON schedule_layers(rotation_id);
