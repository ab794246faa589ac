-- Fire drills (issue 9, item 9): practice incidents for a rotation, run when nothing is
-- on fire: when, the scenario, and once held, who took part. Rotation health reads each
-- member's last drill.
CREATE TABLE fire_drills (
    id            INTEGER PRIMARY KEY,
    rotation_id   BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    scheduled_at  BIGINT NOT NULL,
    scenario      TEXT NOT NULL,
    held_at       BIGINT NULL,
    created_by    BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX fire_drills_rotation ON fire_drills(rotation_id, scheduled_at);

CREATE TABLE fire_drill_participants (
    drill_id   BIGINT NOT NULL REFERENCES fire_drills(id) ON DELETE CASCADE,
    person_id  BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (drill_id, person_id)
);
CREATE INDEX fire_drill_participants_person ON fire_drill_participants(person_id);
