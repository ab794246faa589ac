//! Notification instants for many people at once, packed by the database: one row per person
//! (SQLite `group_concat`, PostgreSQL `array_agg`) instead of one per notification, because
//! decoding rows one by one was most of the time of a whole organisation's year (2 million
//! instants for 2,000 people).

use sqlx::QueryBuilder;

use crate::ids::{PersonId, TeamId};
use crate::{Pool, Result, Store, StoreError};

/// People per statement: far below either database's limit on bound parameters.
const PEOPLE_PER_QUERY: usize = 500;

/// A PostgreSQL row of [`Store::instants_by_person`]: the person, their instants, the team of
/// each, and whether any has one.
type PackedRow = (PersonId, Vec<i64>, Vec<Option<i64>>, bool);

/// One person's pages in a range: each instant and the team it was paged for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInstants {
    pub person_id: PersonId,
    /// Milliseconds since the Unix epoch, ascending.
    pub at: Vec<i64>,
    /// The team of each instant in `at`, side by side; empty when no instant has a team
    /// (imported history names none), so the common case costs nothing.
    pub teams: Vec<Option<TeamId>>,
}

impl PersonInstants {
    /// Someone with no pages (yet).
    pub fn empty(person_id: PersonId) -> PersonInstants {
        PersonInstants {
            person_id,
            at: Vec::new(),
            teams: Vec::new(),
        }
    }

    /// The instants that count for `team`: those paged for it, and those that name no team
    /// (imported history), as [`Store::notification_instants_for`] reads them.
    pub fn for_team(&self, team: TeamId) -> std::borrow::Cow<'_, [i64]> {
        if self.teams.is_empty() {
            return std::borrow::Cow::Borrowed(&self.at);
        }
        std::borrow::Cow::Owned(
            self.at
                .iter()
                .zip(&self.teams)
                .filter(|(_, t)| t.is_none_or(|t| t == team))
                .map(|(at, _)| *at)
                .collect(),
        )
    }

    /// Sorts by instant if the database did not hand them over in order, keeping each
    /// instant with its team.
    fn sort(&mut self) {
        if self.at.is_sorted() {
            return;
        }
        if self.teams.is_empty() {
            self.at.sort_unstable();
            return;
        }
        let mut pairs: Vec<(i64, Option<TeamId>)> = self
            .at
            .iter()
            .copied()
            .zip(self.teams.iter().copied())
            .collect();
        pairs.sort_unstable();
        (self.at, self.teams) = pairs.into_iter().unzip();
    }
}

fn bad_list(part: &[u8]) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!(
            "instant list: {:?} is not an instant",
            String::from_utf8_lossy(part)
        )
        .into(),
    ))
}

fn parse_int(part: &[u8]) -> Result<i64> {
    std::str::from_utf8(part)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| bad_list(part))
}

/// Parses the SQLite list `"12,-3:7,40"`: instants, each followed by `:team` when it has one.
fn parse_list(text: &str, out: &mut PersonInstants) -> Result<()> {
    for part in text.as_bytes().split(|&b| b == b',') {
        match part.iter().position(|&b| b == b':') {
            None => {
                out.at.push(parse_int(part)?);
                if !out.teams.is_empty() {
                    out.teams.push(None);
                }
            }
            Some(colon) => {
                if out.teams.is_empty() {
                    // The first instant with a team: the ones before it had none.
                    out.teams.resize(out.at.len(), None);
                }
                out.at.push(parse_int(&part[..colon])?);
                out.teams.push(Some(TeamId(parse_int(&part[colon + 1..])?)));
            }
        }
    }
    Ok(())
}

impl Store {
    /// The instants of `person_ids` in `[from, to)`, with the team of each: one entry per id
    /// given, sorted by id, each ascending (empty for someone with no pages). One read for a
    /// whole organisation, however many teams each person is in.
    pub async fn instants_by_person(
        &self,
        person_ids: &[PersonId],
        from: i64,
        to: i64,
    ) -> Result<Vec<PersonInstants>> {
        let mut grouped: Vec<PersonInstants> = person_ids
            .iter()
            .map(|&person_id| PersonInstants::empty(person_id))
            .collect();
        grouped.sort_by_key(|p| p.person_id);
        grouped.dedup_by_key(|p| p.person_id);
        for chunk in person_ids.chunks(PEOPLE_PER_QUERY) {
            match &self.pool {
                Pool::Sqlite(p) => {
                    // The (person_id, at, team_id) index covers the whole query: one seek per
                    // person, rows in index order, grouped without a sort, no table lookups. A
                    // page with a team carries it after a colon; history without one is only
                    // the number.
                    let mut qb = QueryBuilder::new(
                        "SELECT person_id, group_concat(CASE WHEN team_id IS NULL THEN at ELSE at || ':' || team_id END) \
                         FROM notifications WHERE person_id IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(") AND at >= ")
                        .push_bind(from)
                        .push(" AND at < ")
                        .push_bind(to)
                        .push(" GROUP BY person_id");
                    let rows: Vec<(PersonId, String)> = qb.build_query_as().fetch_all(p).await?;
                    for (person, list) in rows {
                        if let Ok(i) = grouped.binary_search_by_key(&person, |g| g.person_id) {
                            parse_list(&list, &mut grouped[i])?;
                        }
                    }
                }
                Pool::Postgres(p) => {
                    let ids: Vec<i64> = chunk.iter().map(|id| id.0).collect();
                    // Both aggregates see the rows in the same order, so they stay side by side.
                    let rows: Vec<PackedRow> = sqlx::query_as(
                        "SELECT person_id, array_agg(at), array_agg(team_id), bool_or(team_id IS NOT NULL) \
                         FROM notifications WHERE person_id = ANY($1) AND at >= $2 AND at < $3 GROUP BY person_id",
                    )
                    .bind(&ids)
                    .bind(from)
                    .bind(to)
                    .fetch_all(p)
                    .await?;
                    for (person, at, teams, any_team) in rows {
                        if let Ok(i) = grouped.binary_search_by_key(&person, |g| g.person_id) {
                            grouped[i].at = at;
                            if any_team {
                                grouped[i].teams =
                                    teams.into_iter().map(|t| t.map(TeamId)).collect();
                            }
                        }
                    }
                }
            }
        }
        // Aggregates keep the order rows arrive in, which a plan without the index need not
        // make ascending: checked in one pass, sorted only if not.
        for g in &mut grouped {
            g.sort();
        }
        Ok(grouped)
    }

    /// The instants of many people at once, grouped by person: one round trip for a
    /// whole team instead of one per member. With `team`, only the pages each was
    /// paged for on that team (a person on two teams is counted in each for its
    /// own pages), plus imported history that names no team.
    pub async fn notification_instants_for(
        &self,
        person_ids: &[PersonId],
        team: Option<TeamId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(PersonId, Vec<i64>)>> {
        let grouped = self.instants_by_person(person_ids, from, to).await?;
        Ok(grouped
            .into_iter()
            .map(|g| {
                let at = match team {
                    Some(team) => g.for_team(team).into_owned(),
                    None => g.at,
                };
                (g.person_id, at)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_with_and_without_teams_and_bad_ones_are_errors() {
        let mut out = PersonInstants::empty(PersonId(1));
        parse_list("12,-3,40", &mut out).expect("instants");
        assert_eq!(out.at, vec![12, -3, 40]);
        assert!(out.teams.is_empty(), "no team, no column");
        parse_list("50:7,60", &mut out).expect("instants with a team");
        assert_eq!(out.at, vec![12, -3, 40, 50, 60]);
        assert_eq!(out.teams, vec![None, None, None, Some(TeamId(7)), None]);
        out.sort();
        assert_eq!(out.at, vec![-3, 12, 40, 50, 60]);
        assert_eq!(out.for_team(TeamId(7)).len(), 5);
        assert_eq!(&*out.for_team(TeamId(8)), &[-3, 12, 40, 60]);
        assert!(parse_list("1,x", &mut out).is_err());
        assert!(parse_list("1:", &mut out).is_err());
    }
}
