-- Rest after bad nights (issue 9, item 6). A team's policy: minutes of late start earned
-- per disrupted night (default 240: four hours, a team policy, not a finding of research),
-- and whether rest is offered at all.
CREATE TABLE rest_policies (
    team_id          BIGINT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    minutes_per_night INTEGER NOT NULL CHECK (minutes_per_night >= 0 AND minutes_per_night <= 1440),
    enabled          BOOLEAN NOT NULL,
    updated_at       BIGINT NOT NULL
);

-- Rest earned in one shift: one row per person, rotation and shift (so a sweep that runs
-- twice, or on two servers, records it once), updated as more nights are disrupted.
CREATE TABLE rest_earned (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    rotation_id      BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    shift_start      BIGINT NOT NULL,
    shift_end        BIGINT NOT NULL,
    nights           INTEGER NOT NULL,
    minutes          INTEGER NOT NULL,
    -- 'YYYY-MM-DD' in the person's zone, and the usual and late starts of that day.
    late_start_day   TEXT NOT NULL,
    usual_start      BIGINT NOT NULL,
    late_start       BIGINT NOT NULL,
    -- The night offered to the rest of the rotation, if the shift had one left.
    cover_request_id BIGINT NULL REFERENCES cover_requests(id) ON DELETE SET NULL,
    -- What the person says: 'taken' or 'not_taken'; NULL until they say.
    taken            TEXT NULL CHECK (taken IN ('taken', 'not_taken')),
    taken_at         BIGINT NULL,
    earned_at        BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (person_id, rotation_id, shift_start)
);
CREATE INDEX rest_earned_person ON rest_earned(person_id, earned_at);
