-- Newcomers to on call (issue 9, rotation health; seed 000: "a buddy system for engineers
-- new to on call"). A lead marks a member of a rotation as new, names a buddy to call,
-- and plans shadow shifts: spans in which the newcomer carries the pager alongside
-- whoever is on call, without being paged alone. Once the lead says they are ready, they
-- are no longer counted as new.
CREATE TABLE newcomers (
    id           INTEGER PRIMARY KEY,
    rotation_id  BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    person_id    BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    buddy_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    ready_at     BIGINT NULL,
    created_by   BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (rotation_id, person_id)
);

CREATE TABLE shadow_shifts (
    id           INTEGER PRIMARY KEY,
    newcomer_id  BIGINT NOT NULL REFERENCES newcomers(id) ON DELETE CASCADE,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL CHECK (ends_at > starts_at),
    created_by   BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX shadow_shifts_newcomer ON shadow_shifts(newcomer_id, starts_at);
