//! Cover requests, swaps and overrides on a rotation (issue 9, item 2). Taking a request
//! and putting its overrides on happen in one transaction that only succeeds while the
//! request is still open, so two teammates taking it at once cannot both win.

use crate::ids::{CoverRequestId, OverrideId, PersonId, RotationId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// A request to store: already validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoverRequest {
    pub rotation_id: RotationId,
    /// Whose span it is.
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub note: String,
    /// A swap: the one teammate it is offered to, and the span of theirs taken in return.
    pub swap: Option<SwapSpan>,
    /// The person, or a lead on their behalf.
    pub created_by: Option<PersonId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SwapSpan {
    pub with: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverStatus {
    Open,
    Taken,
    Withdrawn,
}

impl CoverStatus {
    fn from_db(s: &str) -> Result<CoverStatus> {
        match s {
            "open" => Ok(CoverStatus::Open),
            "taken" => Ok(CoverStatus::Taken),
            "withdrawn" => Ok(CoverStatus::Withdrawn),
            other => Err(StoreError::Corrupt(format!(
                "cover request status {other:?}"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredCoverRequest {
    pub id: CoverRequestId,
    pub rotation_id: RotationId,
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub note: String,
    pub swap: Option<SwapSpan>,
    pub status: CoverStatus,
    pub taken_by: Option<PersonId>,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
    pub resolved_by: Option<PersonId>,
    pub resolved_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CoverRow {
    id: CoverRequestId,
    rotation_id: RotationId,
    person_id: PersonId,
    starts_at: i64,
    ends_at: i64,
    note: String,
    swap_with: Option<PersonId>,
    swap_starts_at: Option<i64>,
    swap_ends_at: Option<i64>,
    status: String,
    taken_by: Option<PersonId>,
    created_by: Option<PersonId>,
    created_at: i64,
    resolved_by: Option<PersonId>,
    resolved_at: Option<i64>,
}

impl CoverRow {
    fn into_stored(self) -> Result<StoredCoverRequest> {
        let swap = match (self.swap_with, self.swap_starts_at, self.swap_ends_at) {
            (Some(with), Some(starts_at), Some(ends_at)) => Some(SwapSpan {
                with,
                starts_at,
                ends_at,
            }),
            (None, None, None) => None,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "cover request {} has half a swap",
                    self.id
                )));
            }
        };
        Ok(StoredCoverRequest {
            id: self.id,
            rotation_id: self.rotation_id,
            person_id: self.person_id,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            note: self.note,
            swap,
            status: CoverStatus::from_db(&self.status)?,
            taken_by: self.taken_by,
            created_by: self.created_by,
            created_at: self.created_at,
            resolved_by: self.resolved_by,
            resolved_at: self.resolved_at,
        })
    }
}

/// An override to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOverride {
    pub rotation_id: RotationId,
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Whom the schedule had there, if anyone.
    pub replaces: Option<PersonId>,
    pub note: String,
    pub created_by: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredOverride {
    pub id: OverrideId,
    pub rotation_id: RotationId,
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub replaces_person_id: Option<PersonId>,
    pub cover_request_id: Option<CoverRequestId>,
    pub note: String,
    /// `manual`, `cover` or `import`.
    pub source: String,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
}

// Macros rather than consts so `concat!` can build each statement as a `&'static str`.
macro_rules! cover_columns {
    () => {
        "id, rotation_id, person_id, starts_at, ends_at, note, swap_with, swap_starts_at, swap_ends_at, status, taken_by, created_by, created_at, resolved_by, resolved_at"
    };
}
macro_rules! override_columns {
    () => {
        "id, rotation_id, person_id, starts_at, ends_at, replaces_person_id, cover_request_id, note, source, created_by, created_at"
    };
}

/// Why taking a request stored nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeRefused {
    /// There is no such request.
    Missing,
    /// Someone took or withdrew it first.
    NotOpen(CoverStatus),
}

impl Store {
    pub async fn create_cover_request(&self, new: &NewCoverRequest) -> Result<StoredCoverRequest> {
        let now = now_ms();
        let sql = "INSERT INTO cover_requests (rotation_id, person_id, starts_at, ends_at, note, swap_with, swap_starts_at, swap_ends_at, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) RETURNING id";
        let id: CoverRequestId = with_pool!(self, p => sqlx::query_scalar(sql)
            .bind(new.rotation_id).bind(new.person_id).bind(new.starts_at).bind(new.ends_at)
            .bind(&new.note)
            .bind(new.swap.map(|s| s.with)).bind(new.swap.map(|s| s.starts_at)).bind(new.swap.map(|s| s.ends_at))
            .bind(new.created_by).bind(now)
            .fetch_one(p).await)?;
        self.cover_request(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("cover request {id}")))
    }

    pub async fn cover_request(&self, id: CoverRequestId) -> Result<Option<StoredCoverRequest>> {
        let sql = concat!(
            "SELECT ",
            cover_columns!(),
            " FROM cover_requests WHERE id = $1"
        );
        let row = with_pool!(self, p => sqlx::query_as::<_, CoverRow>(sql).bind(id).fetch_optional(p).await)?;
        row.map(CoverRow::into_stored).transpose()
    }

    /// A rotation's requests, soonest first: the open ones only, or all of them.
    pub async fn cover_requests(
        &self,
        rotation: RotationId,
        open_only: bool,
    ) -> Result<Vec<StoredCoverRequest>> {
        let sql = if open_only {
            concat!(
                "SELECT ",
                cover_columns!(),
                " FROM cover_requests WHERE rotation_id = $1 AND status = 'open' ORDER BY starts_at, id"
            )
        } else {
            concat!(
                "SELECT ",
                cover_columns!(),
                " FROM cover_requests WHERE rotation_id = $1 ORDER BY starts_at, id"
            )
        };
        let rows = with_pool!(self, p => sqlx::query_as::<_, CoverRow>(sql).bind(rotation).fetch_all(p).await)?;
        rows.into_iter().map(CoverRow::into_stored).collect()
    }

    /// Closes an open request as taken by `taker` and puts `overrides` on its rotation,
    /// in one transaction; if the request is no longer open nothing is stored.
    pub async fn take_cover_request(
        &self,
        id: CoverRequestId,
        taker: PersonId,
        by: Option<PersonId>,
        overrides: &[NewOverride],
    ) -> Result<Result<Vec<StoredOverride>, TakeRefused>> {
        let now = now_ms();
        let done: Result<Vec<OverrideId>, TakeRefused> = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE cover_requests SET status = 'taken', taken_by = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1 AND status = 'open'")
                .bind(id).bind(taker).bind(by).bind(now)
                .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                let status: Option<String> = sqlx::query_scalar("SELECT status FROM cover_requests WHERE id = $1")
                    .bind(id).fetch_optional(&mut *tx).await?;
                tx.rollback().await?;
                Ok::<_, StoreError>(Err(match status {
                    None => TakeRefused::Missing,
                    Some(s) => TakeRefused::NotOpen(CoverStatus::from_db(&s)?),
                }))
            } else {
                let mut ids = Vec::with_capacity(overrides.len());
                for o in overrides {
                    let oid: OverrideId = sqlx::query_scalar("INSERT INTO rotation_overrides (rotation_id, person_id, starts_at, ends_at, replaces_person_id, cover_request_id, note, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'cover', $8, $9) RETURNING id")
                        .bind(o.rotation_id).bind(o.person_id).bind(o.starts_at).bind(o.ends_at)
                        .bind(o.replaces).bind(id).bind(&o.note).bind(o.created_by).bind(now)
                        .fetch_one(&mut *tx).await?;
                    ids.push(oid);
                }
                tx.commit().await?;
                Ok(Ok(ids))
            }
        })?;
        match done {
            Err(refused) => Ok(Err(refused)),
            Ok(ids) => {
                let mut out = Vec::with_capacity(ids.len());
                for oid in ids {
                    out.push(
                        self.rotation_override(oid)
                            .await?
                            .ok_or_else(|| StoreError::NotFound(format!("override {oid}")))?,
                    );
                }
                Ok(Ok(out))
            }
        }
    }

    /// Withdraws an open request; `false` if it was not open (or not there).
    pub async fn withdraw_cover_request(
        &self,
        id: CoverRequestId,
        by: Option<PersonId>,
    ) -> Result<bool> {
        let now = now_ms();
        let sql = "UPDATE cover_requests SET status = 'withdrawn', resolved_by = $2, resolved_at = $3 WHERE id = $1 AND status = 'open'";
        let n = with_pool!(self, p => sqlx::query(sql).bind(id).bind(by).bind(now).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn create_override(&self, new: &NewOverride) -> Result<StoredOverride> {
        let now = now_ms();
        let sql = concat!(
            "INSERT INTO rotation_overrides (rotation_id, person_id, starts_at, ends_at, replaces_person_id, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ",
            override_columns!()
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredOverride>(sql)
            .bind(new.rotation_id).bind(new.person_id).bind(new.starts_at).bind(new.ends_at)
            .bind(new.replaces).bind(&new.note).bind(new.created_by).bind(now)
            .fetch_one(p).await)?,
        )
    }

    pub async fn rotation_override(&self, id: OverrideId) -> Result<Option<StoredOverride>> {
        let sql = concat!(
            "SELECT ",
            override_columns!(),
            " FROM rotation_overrides WHERE id = $1"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredOverride>(sql).bind(id).fetch_optional(p).await)?,
        )
    }

    /// A rotation's overrides that overlap `[from, to)` (milliseconds), in the order in
    /// which they apply (a later one wins where two overlap): imported and planned ones
    /// first, then those people made, each group oldest first.
    pub async fn rotation_overrides(
        &self,
        rotation: RotationId,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredOverride>> {
        let sql = concat!(
            "SELECT ",
            override_columns!(),
            " FROM rotation_overrides WHERE rotation_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY CASE WHEN source IN ('import', 'plan') THEN 0 ELSE 1 END, created_at, id"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredOverride>(sql).bind(rotation).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    /// Brings an imported schedule into a rotation in one transaction: the overrides an
    /// earlier import put on `[from, to)` go, `overrides` (marked `import`) come in.
    /// Overrides people arranged by hand or by cover are left alone. Returns how many
    /// were stored.
    pub async fn replace_imported_overrides(
        &self,
        rotation: RotationId,
        from: i64,
        to: i64,
        overrides: &[NewOverride],
    ) -> Result<u64> {
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM rotation_overrides WHERE rotation_id = $1 AND source = 'import' AND starts_at < $3 AND ends_at > $2")
                .bind(rotation).bind(from).bind(to)
                .execute(&mut *tx).await?;
            for o in overrides {
                sqlx::query("INSERT INTO rotation_overrides (rotation_id, person_id, starts_at, ends_at, replaces_person_id, note, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'import', $7, $8)")
                    .bind(rotation).bind(o.person_id).bind(o.starts_at).bind(o.ends_at)
                    .bind(o.replaces).bind(&o.note).bind(o.created_by).bind(now)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(overrides.len() as u64)
    }

    /// Removes an override; `false` if there was none.
    pub async fn delete_override(&self, id: OverrideId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM rotation_overrides WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
