//! Bulk import of notifications (page history), all or nothing, at bulk-load speed.
//!
//! Rows are handed over in [`ImportBatch`]es (columns side by side, the texts back to back, so
//! filling one allocates nothing per row) through a small bounded channel to a task that owns one
//! connection and one transaction: the caller parses the next batch while the database writes the
//! last one, and at most a few batches are ever held in memory, however large the file.
//!
//! * SQLite: one cached multi-row `INSERT` statement, prepared once and reused for every chunk.
//! * PostgreSQL: `COPY notifications (...) FROM STDIN` in text format.
//!
//! When the table is empty at the start (a first import, the usual bulk case), its secondary
//! indexes are dropped inside the transaction and built again just before the commit: sorting
//! every row once is much faster than inserting each into a B-tree in random order, and a failed
//! or abandoned import rolls the drop back with everything else. On PostgreSQL the dropped index
//! holds an exclusive lock on `notifications` until the commit, so readers of an empty table wait
//! for the import rather than see nothing; on SQLite (WAL) readers go on with the snapshot before
//! the import.
//!
//! Re-importing is safe: a row equal to a page stored before the import began (same person, team,
//! instant, incident key and source) is skipped, so importing an overlapping export again adds
//! only what is new. The check is against what was there before, never against the file's own
//! earlier rows, so a file means the same thing into an empty table (where no check is needed at
//! all) as into a full one.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::AssertSqlSafe;
use sqlx::{Connection, PgPool, SqlitePool};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::ids::{PersonId, TeamId};
use crate::{NewNotification, Pool, Result, Store, StoreError};

/// Rows per SQLite `INSERT` statement. A statement of n rows is a prepared program of about
/// 70 opcodes a row, kept in the statement cache for the whole import: 1,000 rows cost 1 to
/// 1.5 MB of resident memory more than 100 and bought no speed (measured side by side,
/// 1 and 10 million rows, bench/RESULTS.md); below 100 the per-statement cost shows.
const ROWS_PER_INSERT: usize = 100;
/// Batches in flight between the caller and the writer: one queued while one is written and
/// the next filled keeps both busy (two bought nothing measurable for 1.5 MB more resident).
const IN_FLIGHT: usize = 1;
/// SQLite page cache for the import connection, in KiB (negative `cache_size` is KiB). It also
/// sizes the sorted runs of the index build after a load (SQLite makes each run as large as the
/// cache), so it is paid twice. 2 MiB, SQLite's own default: 4 MiB halved the runs merged for
/// ten million rows but cost 4 MB more resident for about a second, and the import is held to
/// the memory of the old row-by-row one (issue 6: about 19 MB). Restored afterwards.
const SQLITE_IMPORT_CACHE_KIB: i64 = 2 * 1024;
/// PostgreSQL: memory for building the indexes again after a load into an empty table.
const PG_MAINTENANCE_WORK_MEM: &str = "SET LOCAL maintenance_work_mem = '256MB'";
/// PostgreSQL: imports take this transaction-scoped advisory lock, so two of them cannot both
/// decide a row is new. Webhook ingest does not take it (it has its own unique key).
const PG_IMPORT_LOCK: i64 = 0x6166_7465_7263_6172; // "aftercar"

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportedPages {
    /// Rows stored.
    pub stored: u64,
    /// Rows equal to a page already stored before the import, not stored again.
    pub already_there: u64,
}

/// Notifications for a bulk import, column by column. Reuse one (see
/// [`NotificationImport::push_batch`], which hands an empty one back) so a whole import allocates
/// only a few of them.
#[derive(Debug, Default)]
pub struct ImportBatch {
    person: Vec<Option<i64>>,
    team: Vec<Option<i64>>,
    at: Vec<i64>,
    /// The incident keys back to back, and where each ends.
    keys: String,
    key_ends: Vec<usize>,
    /// Source and basis, as indexes into `labels` (a file has a handful of distinct ones).
    source: Vec<u32>,
    basis: Vec<u32>,
    labels: Vec<Arc<str>>,
    label_index: HashMap<Arc<str>, u32>,
}

/// Distinct labels kept across [`ImportBatch::clear`] before the table starts again: a file
/// with a different source on every row must not grow it without bound.
const MAX_LABELS: usize = 1_024;

impl ImportBatch {
    pub fn with_capacity(rows: usize) -> ImportBatch {
        ImportBatch {
            person: Vec::with_capacity(rows),
            team: Vec::with_capacity(rows),
            at: Vec::with_capacity(rows),
            keys: String::with_capacity(rows * 16),
            key_ends: Vec::with_capacity(rows),
            source: Vec::with_capacity(rows),
            basis: Vec::with_capacity(rows),
            ..ImportBatch::default()
        }
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.person.clear();
        self.team.clear();
        self.at.clear();
        self.keys.clear();
        self.key_ends.clear();
        self.source.clear();
        self.basis.clear();
        if self.labels.len() > MAX_LABELS {
            self.labels.clear();
            self.label_index.clear();
        }
    }

    fn label(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.label_index.get(text) {
            return i;
        }
        let i = self.labels.len() as u32;
        let text: Arc<str> = Arc::from(text);
        self.labels.push(text.clone());
        self.label_index.insert(text, i);
        i
    }

    /// Adds one notification; `at` in milliseconds since the Unix epoch.
    pub fn push(
        &mut self,
        person_id: Option<PersonId>,
        team_id: Option<TeamId>,
        at: i64,
        incident_key: &str,
        source: &str,
        basis: &str,
    ) {
        self.person.push(person_id.map(|p| p.0));
        self.team.push(team_id.map(|t| t.0));
        self.at.push(at);
        self.keys.push_str(incident_key);
        self.key_ends.push(self.keys.len());
        let source = self.label(source);
        self.source.push(source);
        let basis = self.label(basis);
        self.basis.push(basis);
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.key_ends[i - 1] };
        &self.keys[start..self.key_ends[i]]
    }

    fn source(&self, i: usize) -> &Arc<str> {
        &self.labels[self.source[i] as usize]
    }

    fn basis(&self, i: usize) -> &Arc<str> {
        &self.labels[self.basis[i] as usize]
    }
}

enum Message {
    Rows(Box<ImportBatch>),
    Commit,
}

/// A bulk import under way; dropped without [`NotificationImport::commit`], it rolls back.
pub struct NotificationImport {
    rows: mpsc::Sender<Message>,
    /// Emptied batches coming back from the writer, to be filled again.
    spare: mpsc::Receiver<ImportBatch>,
    writer: JoinHandle<Result<u64>>,
    pushed: u64,
}

impl Store {
    /// Starts an all-or-nothing bulk import of notifications: rows are streamed in batches into
    /// one transaction, and nothing is visible unless it commits.
    pub async fn begin_import(&self) -> Result<NotificationImport> {
        let (rows, incoming) = mpsc::channel(IN_FLIGHT);
        let (give_back, spare) = mpsc::channel(IN_FLIGHT + 1);
        let writer = match &self.pool {
            Pool::Sqlite(p) => tokio::spawn(sqlite_writer(p.clone(), incoming, give_back)),
            Pool::Postgres(p) => tokio::spawn(postgres_writer(p.clone(), incoming, give_back)),
        };
        Ok(NotificationImport {
            rows,
            spare,
            writer,
            pushed: 0,
        })
    }
}

impl NotificationImport {
    /// Hands a batch to the writer and returns an empty one to fill next (one the writer has
    /// finished with, when there is one). Fails with the writer's error if it has stopped.
    pub async fn push_batch(&mut self, batch: ImportBatch) -> Result<ImportBatch> {
        if batch.is_empty() {
            return Ok(batch);
        }
        let rows = batch.len() as u64;
        let capacity = batch.at.capacity();
        if self
            .rows
            .send(Message::Rows(Box::new(batch)))
            .await
            .is_err()
        {
            return Err(self.writer_failure().await);
        }
        self.pushed += rows;
        Ok(match self.spare.try_recv() {
            Ok(empty) => empty,
            Err(_) => ImportBatch::with_capacity(capacity),
        })
    }

    /// Adds rows given one struct each (any number; small imports, the demo and tests).
    pub async fn push(&mut self, rows: &[NewNotification]) -> Result<()> {
        for chunk in rows.chunks(ROWS_PER_INSERT * 10) {
            let mut batch = ImportBatch::with_capacity(chunk.len());
            for n in chunk {
                batch.push(
                    n.person_id,
                    n.team_id,
                    n.at,
                    &n.incident_key,
                    &n.source,
                    &n.basis,
                );
            }
            self.push_batch(batch).await?;
        }
        Ok(())
    }

    /// Rows handed over so far.
    pub fn rows(&self) -> u64 {
        self.pushed
    }

    /// Writes what is left, builds any dropped indexes, commits.
    pub async fn commit(self) -> Result<ImportedPages> {
        let NotificationImport {
            rows,
            writer,
            pushed,
            ..
        } = self;
        // If the writer stopped, sending fails and its result below says why.
        let _ = rows.send(Message::Commit).await;
        drop(rows);
        let stored = match writer.await {
            Ok(result) => result?,
            Err(e) => {
                return Err(StoreError::Import(format!(
                    "the import writer stopped: {e}"
                )));
            }
        };
        Ok(ImportedPages {
            stored,
            already_there: pushed.saturating_sub(stored),
        })
    }

    async fn writer_failure(&mut self) -> StoreError {
        match (&mut self.writer).await {
            Ok(Err(e)) => e,
            Ok(Ok(_)) => StoreError::Import("the import writer finished early".into()),
            Err(e) => StoreError::Import(format!("the import writer stopped: {e}")),
        }
    }
}

/// The SQLite insert for `rows` rows. Into an empty table, a plain multi-row `INSERT`; into one
/// with history, the rows go through `VALUES` and any equal to a page stored before the import
/// (id at most the last parameter) is left out, found through the `(person_id, at)` index.
fn sqlite_insert_sql(rows: usize, skip_existing: bool) -> String {
    let mut values = String::with_capacity(rows * 14);
    for i in 0..rows {
        if i > 0 {
            values.push(',');
        }
        values.push_str("(?,?,?,?,?,?)");
    }
    if skip_existing {
        format!(
            "INSERT INTO notifications (person_id, team_id, at, incident_key, source, basis) \
             SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 FROM (VALUES {values}) AS v \
             WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.person_id IS v.column1 AND n.at = v.column3 \
             AND n.team_id IS v.column2 AND n.incident_key = v.column4 AND n.source = v.column5 AND n.id <= ?)"
        )
    } else {
        format!(
            "INSERT INTO notifications (person_id, team_id, at, incident_key, source, basis) VALUES {values}"
        )
    }
}

/// Secondary indexes of `notifications` that were dropped for the load, to build again.
type Rebuild = Vec<String>;

async fn sqlite_drop_indexes(conn: &mut sqlx::SqliteConnection) -> Result<Rebuild> {
    // Only indexes with their own CREATE statement (not the rowid or UNIQUE constraint ones).
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notifications' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rebuild = Vec::with_capacity(indexes.len());
    for (name, sql) in indexes {
        sqlx::query(AssertSqlSafe(format!(
            "DROP INDEX \"{}\"",
            name.replace('"', "\"\"")
        )))
        .execute(&mut *conn)
        .await?;
        rebuild.push(sql);
    }
    Ok(rebuild)
}

async fn sqlite_writer(
    pool: SqlitePool,
    mut incoming: mpsc::Receiver<Message>,
    give_back: mpsc::Sender<ImportBatch>,
) -> Result<u64> {
    let mut conn = pool.acquire().await?;
    let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(AssertSqlSafe(format!(
        "PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}"
    )))
    .execute(&mut *conn)
    .await?;
    let result = async {
        // IMMEDIATE: take the write lock now, so the emptiness seen below is still true when
        // the rows go in (another process cannot slip a write in between).
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let before: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM notifications")
            .fetch_one(&mut *tx)
            .await?;
        let rebuild = match before {
            None => sqlite_drop_indexes(&mut tx).await?,
            Some(_) => Vec::new(),
        };
        // The same SQL text each time, so sqlx prepares it once and reuses it.
        let full: Arc<str> = Arc::from(sqlite_insert_sql(ROWS_PER_INSERT, before.is_some()));
        let mut imported = 0u64;
        loop {
            let mut batch = match incoming.recv().await {
                Some(Message::Rows(batch)) => *batch,
                Some(Message::Commit) => break,
                // Dropped without commit: the transaction rolls back.
                None => return Ok(0),
            };
            let mut start = 0;
            while start < batch.len() {
                let end = (start + ROWS_PER_INSERT).min(batch.len());
                let whole = end - start == ROWS_PER_INSERT;
                let sql: Arc<str> = if whole {
                    full.clone()
                } else {
                    Arc::from(sqlite_insert_sql(end - start, before.is_some()))
                };
                // The last, shorter chunk is prepared once and not kept.
                let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(whole);
                for i in start..end {
                    q = q
                        .bind(batch.person[i])
                        .bind(batch.team[i])
                        .bind(batch.at[i])
                        .bind(batch.key(i).to_string())
                        .bind(batch.source(i).clone())
                        .bind(batch.basis(i).clone());
                }
                if let Some(before) = before {
                    q = q.bind(before);
                }
                imported += q.execute(&mut *tx).await?.rows_affected();
                start = end;
            }
            batch.clear();
            let _ = give_back.try_send(batch);
        }
        for sql in rebuild {
            sqlx::query(AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(imported)
    }
    .await;
    let _ = sqlx::query(AssertSqlSafe(format!("PRAGMA cache_size = {cache}")))
        .execute(&mut *conn)
        .await;
    result
}

/// Appends `text` in COPY's text format: backslash, tab, newline and carriage return escaped.
fn copy_text(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

fn copy_int(out: &mut Vec<u8>, v: Option<i64>) {
    use std::io::Write;
    match v {
        // Writing to a Vec cannot fail.
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.extend_from_slice(b"\\N"),
    }
}

async fn postgres_drop_indexes(conn: &mut sqlx::PgConnection) -> Result<Rebuild> {
    // Secondary indexes only: not those behind the primary key or a constraint.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'notifications' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'notifications'::regclass)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rebuild = Vec::with_capacity(indexes.len());
    for (name, def) in indexes {
        sqlx::query(AssertSqlSafe(format!(
            "DROP INDEX \"{}\"",
            name.replace('"', "\"\"")
        )))
        .execute(&mut *conn)
        .await?;
        rebuild.push(def);
    }
    Ok(rebuild)
}

const PG_COLUMNS: &str = "person_id, team_id, at, incident_key, source, basis";

async fn postgres_writer(
    pool: PgPool,
    mut incoming: mpsc::Receiver<Message>,
    give_back: mpsc::Sender<ImportBatch>,
) -> Result<u64> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PG_IMPORT_LOCK)
        .execute(&mut *tx)
        .await?;
    let before: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM notifications")
        .fetch_one(&mut *tx)
        .await?;
    let rebuild = match before {
        None => postgres_drop_indexes(&mut tx).await?,
        Some(_) => {
            // Into a table with history the rows land in a private staging table first and
            // go in at the end, less the ones already stored.
            sqlx::query(
                "CREATE TEMP TABLE notifications_import (person_id BIGINT, team_id BIGINT, at BIGINT NOT NULL, \
                 incident_key TEXT NOT NULL, source TEXT NOT NULL, basis TEXT NOT NULL) ON COMMIT DROP",
            )
            .execute(&mut *tx)
            .await?;
            Vec::new()
        }
    };
    let target = if before.is_some() {
        "notifications_import"
    } else {
        "notifications"
    };
    let mut copy = tx
        .copy_in_raw(&format!("COPY {target} ({PG_COLUMNS}) FROM STDIN"))
        .await?;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    loop {
        let mut batch = match incoming.recv().await {
            Some(Message::Rows(batch)) => *batch,
            Some(Message::Commit) => break,
            None => {
                copy.abort("import abandoned before commit").await?;
                return Ok(0);
            }
        };
        buf.clear();
        for i in 0..batch.len() {
            copy_int(&mut buf, batch.person[i]);
            buf.push(b'\t');
            copy_int(&mut buf, batch.team[i]);
            buf.push(b'\t');
            copy_int(&mut buf, Some(batch.at[i]));
            buf.push(b'\t');
            copy_text(&mut buf, batch.key(i));
            buf.push(b'\t');
            copy_text(&mut buf, batch.source(i));
            buf.push(b'\t');
            copy_text(&mut buf, batch.basis(i));
            buf.push(b'\n');
        }
        copy.send(&buf[..]).await?;
        batch.clear();
        let _ = give_back.try_send(batch);
    }
    let copied = copy.finish().await?;
    let imported = match before {
        None => copied,
        Some(before) => {
            // COALESCE rather than IS NOT DISTINCT FROM, which no index or hash can serve.
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO notifications ({PG_COLUMNS}) SELECT {PG_COLUMNS} FROM notifications_import s \
                 WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE COALESCE(n.person_id, -1) = COALESCE(s.person_id, -1) \
                 AND n.at = s.at AND COALESCE(n.team_id, -1) = COALESCE(s.team_id, -1) AND n.incident_key = s.incident_key \
                 AND n.source = s.source AND n.id <= $1)"
            )))
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
    };
    if !rebuild.is_empty() {
        sqlx::query(PG_MAINTENANCE_WORK_MEM)
            .execute(&mut *tx)
            .await?;
    }
    for def in rebuild {
        sqlx::query(AssertSqlSafe(def)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_would_misread() {
        let mut out = Vec::new();
        copy_text(&mut out, "a\tb\\c\nd\re");
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re");
        out.clear();
        copy_int(&mut out, None);
        copy_int(&mut out, Some(-12));
        assert_eq!(out, b"\\N-12");
    }

    #[test]
    fn a_batch_keeps_rows_apart_and_labels_shared() {
        let mut b = ImportBatch::default();
        b.push(Some(PersonId(1)), None, 10, "k1", "pagerduty", "imported");
        b.push(None, Some(TeamId(2)), 20, "", "pagerduty", "imported");
        b.push(Some(PersonId(3)), None, 30, "k3", "opsgenie", "imported");
        assert_eq!((b.key(0), b.key(1), b.key(2)), ("k1", "", "k3"));
        assert_eq!(b.labels.len(), 3);
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.labels.len(), 3, "labels survive a clear");
    }

    #[test]
    fn insert_statements_have_six_parameters_a_row() {
        let plain = sqlite_insert_sql(3, false);
        assert_eq!(plain.matches('?').count(), 18);
        let checked = sqlite_insert_sql(3, true);
        assert_eq!(checked.matches('?').count(), 19, "and the last id before");
    }
}
