-- On-call shifts (SQLite): who carried a team's pager when. Imported from schedule
-- exports for now; rotations will write here too. Webhook pages that name nobody
-- are attributed to the person on call at the page's instant.
CREATE TABLE shifts (
    id          INTEGER PRIMARY KEY,
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX shifts_team_start ON shifts(team_id, starts_at);
