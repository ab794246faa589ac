-- Calendar feeds (issue 9, item 4): a secret URL per feed that a calendar app polls, for
-- one person's shifts, one rotation or a whole team. Only the SHA-256 of the secret is
-- kept, as for API tokens; the feed answers only while the person who made it could
-- still see what it shows.
CREATE TABLE calendar_feeds (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'rotation', 'team')),
    subject_id  BIGINT NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX calendar_feeds_person ON calendar_feeds(person_id);
