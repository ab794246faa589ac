-- Pages are read by team only for pages that have one (a team's unattributed pages, an
-- acknowledgement claiming one): imported history names no team, and indexing its
-- millions of NULLs cost every bulk import a second full index build for nothing.
-- `team_id = ?` implies `team_id IS NOT NULL`, so the same queries use this index.
DROP INDEX notifications_team_at;
CREATE INDEX notifications_team_at ON notifications(team_id, at) WHERE team_id IS NOT NULL;

-- Burden reads a person's instants with the team of each (a team's view counts its own
-- pages and those naming none): with the team in the index those reads never touch the
-- table, which for a whole organisation's year was millions of random row lookups.
DROP INDEX notifications_person_at;
CREATE INDEX notifications_person_at ON notifications(person_id, at, team_id);
