-- Proposed schedules (issue 9, item 7): the fair rotation generator's answer for a
-- rotation's next weeks, kept until a lead accepts (its shifts then go on the rotation as
-- overrides marked 'plan') or discards it. `body` is the proposal as JSON: the generator's
-- verdict, each shift's person and weight, and each person's load before and after.
CREATE TABLE rotation_plans (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rotation_id  BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'discarded')),
    created_by   BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    decided_by   BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    decided_at   BIGINT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX rotation_plans_rotation ON rotation_plans(rotation_id, created_at);
