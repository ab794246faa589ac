-- Cover and overrides (issue 9, item 2). A person asks for cover for a span of their
-- shift; a teammate takes it, which puts an override on the rotation. A swap is a cover
-- request offered to one teammate with a span of theirs taken in return: accepting it
-- puts two overrides on the rotation. A lead may arrange any of this on someone's
-- behalf or put an override straight on. Who asked, who took and who arranged are kept
-- on the rows, so the page can say who did what without reading the audit log.
-- Instants are UTC milliseconds; spans are half-open, [starts_at, ends_at).
CREATE TABLE cover_requests (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rotation_id     BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    -- Whose span it is.
    person_id       BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    -- A swap: offered to this teammate only, who takes [swap_starts_at, swap_ends_at)
    -- of theirs in return. NULL for plain cover, which any teammate may take.
    swap_with       BIGINT NULL REFERENCES people(id) ON DELETE CASCADE,
    swap_starts_at  BIGINT NULL,
    swap_ends_at    BIGINT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'taken', 'withdrawn')),
    taken_by        BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    -- Who asked (the person, or a lead on their behalf) and who closed it.
    created_by      BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    resolved_by     BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    resolved_at     BIGINT NULL,
    CHECK (ends_at > starts_at),
    CHECK ((swap_with IS NULL AND swap_starts_at IS NULL AND swap_ends_at IS NULL)
        OR (swap_with IS NOT NULL AND swap_ends_at > swap_starts_at))
);
CREATE INDEX cover_requests_rotation ON cover_requests(rotation_id, status, starts_at);

CREATE TABLE rotation_overrides (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rotation_id         BIGINT NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
    -- Who is on call over the span.
    person_id           BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    starts_at           BIGINT NOT NULL,
    ends_at             BIGINT NOT NULL,
    -- Whom the schedule had there when the override was made, if anyone.
    replaces_person_id  BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    cover_request_id    BIGINT NULL REFERENCES cover_requests(id) ON DELETE SET NULL,
    note                TEXT NOT NULL DEFAULT '',
    -- `manual` (a lead put it on), `cover` (a taken request), `import` (an iCal export
    -- brought into the rotation; re-importing replaces these, and only these) or `plan`
    -- (an accepted proposal from the generator). Bulk ones (`import`, `plan`) sit under
    -- the ones people made, whatever their age: a hand-made choice wins.
    source              TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'cover', 'import', 'plan')),
    created_by          BIGINT NULL REFERENCES people(id) ON DELETE SET NULL,
    created_at          BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX rotation_overrides_span ON rotation_overrides(rotation_id, ends_at);
