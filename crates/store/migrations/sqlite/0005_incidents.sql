-- Incidents and the people in them (issue 7). An incident is keyed by its sender's own key
-- (PagerDuty's incident id, Alertmanager's group key, ...) within that source, so every
-- delivery about it, from any integration, lands on one row; hand-made ones have source
-- 'manual' and a generated key. The instants are milliseconds since the epoch, as elsewhere.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    team_id         BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    source          TEXT NOT NULL,
    incident_key    TEXT NOT NULL,
    title           TEXT NOT NULL,
    severity        TEXT,
    started_at      BIGINT NOT NULL,
    acknowledged_at BIGINT,
    resolved_at     BIGINT,
    created_at      BIGINT NOT NULL,
    created_by      BIGINT REFERENCES people(id) ON DELETE SET NULL,
    UNIQUE (source, incident_key)
);
CREATE INDEX incidents_team_started ON incidents(team_id, started_at);
CREATE INDEX incidents_started ON incidents(started_at);

-- Who was in an incident and as what. One row per person and role; `origin` says how
-- they came to be here (the sender's payload, a lead, themselves). `engaged_from` is their
-- first page or the moment they joined; `engaged_until` their last activity, so time
-- engaged runs from the one to the later of it and the incident's resolution.
CREATE TABLE incident_participants (
    incident_id     BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    engaged_from    BIGINT NOT NULL,
    engaged_until   BIGINT NOT NULL,
    added_at        BIGINT NOT NULL,
    PRIMARY KEY (incident_id, person_id, role)
);
CREATE INDEX incident_participants_person ON incident_participants(person_id);

-- The pages of an incident: only pages that came in by webhook (imported history has no
-- delivery and no incident row), so a bulk import builds nothing for this index.
CREATE INDEX notifications_incident ON notifications(source, incident_key) WHERE delivery_id IS NOT NULL;

-- Pages stored before incidents existed become incidents, with their people as responders.
INSERT INTO incidents (team_id, source, incident_key, title, started_at, created_at)
SELECT MIN(team_id), source, incident_key, COALESCE(MAX(title), incident_key), MIN(at), MIN(at)
FROM notifications WHERE delivery_id IS NOT NULL
GROUP BY source, incident_key;
INSERT INTO incident_participants (incident_id, person_id, role, origin, engaged_from, engaged_until, added_at)
SELECT i.id, n.person_id, 'responder', 'payload', MIN(n.at), MAX(n.at), MIN(n.at)
FROM notifications n JOIN incidents i ON i.source = n.source AND i.incident_key = n.incident_key
WHERE n.delivery_id IS NOT NULL AND n.person_id IS NOT NULL
GROUP BY i.id, n.person_id;
