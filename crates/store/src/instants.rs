//! Notification instants for many people at once, packed by the database: one row per person
//! (SQLite `group_concat`, PostgreSQL `array_agg`) instead of one per notification, because
//! decoding rows one by one was most of the time of a whole organisation's year (2 million
//! instants for 2,000 people).

use sqlx::QueryBuilder;

use crate::{Pool, Result, Store, StoreError};

/// People per statement: far below either database's limit on bound parameters.
const PEOPLE_PER_QUERY: usize = 500;

/// Parses SQLite's `group_concat` of integers (`"12,-3,40"`).
fn parse_list(text: &str, out: &mut Vec<i64>) -> Result<()> {
    for part in text.split(',') {
        let v = part.parse::<i64>().map_err(|_| {
            StoreError::Database(sqlx::Error::Decode(
                format!("instant list: {part:?} is not an integer").into(),
            ))
        })?;
        out.push(v);
    }
    Ok(())
}

impl Store {
    /// The instants of `person_ids` in `[from, to)` (milliseconds), grouped by person: one entry
    /// per id given, sorted by id, each list ascending (empty for someone with no pages).
    pub async fn instants_by_person(
        &self,
        person_ids: &[i64],
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Vec<i64>)>> {
        let mut grouped: Vec<(i64, Vec<i64>)> =
            person_ids.iter().map(|&id| (id, Vec::new())).collect();
        grouped.sort_by_key(|(id, _)| *id);
        grouped.dedup_by_key(|(id, _)| *id);
        for chunk in person_ids.chunks(PEOPLE_PER_QUERY) {
            match &self.pool {
                Pool::Sqlite(p) => {
                    // The (person_id, at) index covers this: one range seek per person, rows in
                    // index order, grouped without a sort.
                    let mut qb = QueryBuilder::new(
                        "SELECT person_id, group_concat(at) FROM notifications WHERE person_id IN (",
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
                    let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(p).await?;
                    for (person, list) in rows {
                        if let Ok(i) = grouped.binary_search_by_key(&person, |(id, _)| *id) {
                            parse_list(&list, &mut grouped[i].1)?;
                        }
                    }
                }
                Pool::Postgres(p) => {
                    let rows: Vec<(i64, Vec<i64>)> = sqlx::query_as(
                        "SELECT person_id, array_agg(at) FROM notifications WHERE person_id = ANY($1) AND at >= $2 AND at < $3 GROUP BY person_id",
                    )
                    .bind(chunk)
                    .bind(from)
                    .bind(to)
                    .fetch_all(p)
                    .await?;
                    for (person, list) in rows {
                        if let Ok(i) = grouped.binary_search_by_key(&person, |(id, _)| *id) {
                            grouped[i].1 = list;
                        }
                    }
                }
            }
        }
        // Aggregates keep the order rows arrive in, which a plan without the index need not
        // make ascending: checked in one pass, sorted only if not.
        for (_, list) in &mut grouped {
            if !list.is_sorted() {
                list.sort_unstable();
            }
        }
        Ok(grouped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_bad_ones_are_errors() {
        let mut out = Vec::new();
        parse_list("12,-3,40", &mut out).expect("integers");
        assert_eq!(out, vec![12, -3, 40]);
        assert!(parse_list("1,x", &mut out).is_err());
    }
}
