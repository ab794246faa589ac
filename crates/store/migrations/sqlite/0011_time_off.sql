-- Time off (issue 9, item 3): spans a person cannot carry the pager (leave, a family
-- event, an appointment). The team sees the span and its kind, so a schedule can plan
-- around it; the note is the person's own and no one else's to read.
CREATE TABLE time_off (
    id          INTEGER PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('leave', 'family', 'appointment', 'other')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX time_off_person ON time_off(person_id, ends_at);
