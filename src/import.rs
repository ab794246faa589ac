//! `aftercare import`: CSV files in, all rows or none. The files are read by the pure
//! `aftercare-import` crate (streamed, fields bounded); page history goes to the
//! store in batches through one transaction, so memory stays bounded however large
//! the file is, and a bad row anywhere means nothing is imported.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use anyhow::{Context, bail};

use aftercare_app::validate::{self, PersonInput};
use aftercare_import::{CsvReader, PagesCsv, PeopleCsv, RowError};
use aftercare_store::{ImportBatch, ImportPerson, ImportedPages, ImportedPeople, PersonId, Store};

/// Bad rows listed in full before the rest are only counted.
const ERRORS_SHOWN: usize = 20;
/// Rows parsed before they go to the database (two batches are in flight at most): enough
/// to amortise the hand-over, few enough that the batches stay a few hundred KB.
const BATCH: usize = 5_000;

fn open(path: &Path) -> anyhow::Result<CsvReader<File>> {
    let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(CsvReader::new(file))
}

struct Problems {
    shown: Vec<String>,
    total: usize,
}

impl Problems {
    fn new() -> Problems {
        Problems {
            shown: Vec::new(),
            total: 0,
        }
    }

    fn add(&mut self, line: u64, message: String) {
        self.total += 1;
        if self.shown.len() < ERRORS_SHOWN {
            self.shown.push(format!("line {line}: {message}"));
        }
    }

    fn row(&mut self, e: RowError) {
        self.add(e.line, format!("{}: {}", e.column, e.reason));
    }

    fn check(&self, path: &Path) -> anyhow::Result<()> {
        if self.total == 0 {
            return Ok(());
        }
        let mut msg = format!(
            "{}: {} bad row(s); nothing was imported\n",
            path.display(),
            self.total
        );
        msg.push_str(&self.shown.join("\n"));
        if self.total > self.shown.len() {
            msg.push_str(&format!("\n... and {} more", self.total - self.shown.len()));
        }
        bail!(msg)
    }
}

pub async fn people(store: &Store, path: &Path) -> anyhow::Result<ImportedPeople> {
    let mut csv = PeopleCsv::new(open(path)?).with_context(|| path.display().to_string())?;
    let mut rows: Vec<ImportPerson> = Vec::new();
    let mut problems = Problems::new();
    loop {
        let row = match csv.next_row().with_context(|| path.display().to_string())? {
            None => break,
            Some(Err(e)) => {
                problems.row(e);
                continue;
            }
            Some(Ok(row)) => row,
        };
        let owned = |s: Option<&str>| s.map(str::to_string);
        let input = PersonInput {
            name: row.name.to_string(),
            email: row.email.to_string(),
            time_zone: row.time_zone.to_string(),
            working_days: owned(row.working_days),
            working_start: owned(row.working_start),
            working_end: owned(row.working_end),
            sleep_start: owned(row.sleep_start),
            sleep_end: owned(row.sleep_end),
        };
        let line = row.line;
        let team = owned(row.team);
        let identities: Vec<(String, String)> = row
            .identities
            .iter()
            .map(|(kind, id)| (kind.to_string(), id.to_string()))
            .collect();
        match validate::person(&input) {
            Ok(person) => {
                if let Some(t) = &team
                    && let Err(e) = validate::team_name(t)
                {
                    problems.add(line, format!("{}: {}", csv.column_name("team"), e.reason));
                    continue;
                }
                rows.push(ImportPerson {
                    person,
                    team,
                    identities,
                });
            }
            // Named as the file's header spells the column (`timezone` or `time_zone`).
            Err(e) => problems.add(line, format!("{}: {}", csv.column_name(&e.field), e.reason)),
        }
    }
    problems.check(path)?;
    Ok(store.import_people(&rows).await?)
}

pub async fn pages(store: &Store, path: &Path) -> anyhow::Result<ImportedPages> {
    let mut csv = PagesCsv::new(open(path)?).with_context(|| path.display().to_string())?;
    // Emails resolve to ids through one map read once; only an email that misses
    // (written with capitals) is lowercased, into one reused buffer.
    let people: HashMap<String, PersonId> =
        store.person_ids_by_email().await?.into_iter().collect();
    let mut lower = String::new();
    let mut import = store.begin_import().await?;
    let mut batch = ImportBatch::with_capacity(BATCH);
    let mut problems = Problems::new();
    while let Some(row) = csv.next_row().with_context(|| path.display().to_string())? {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                problems.row(e);
                continue;
            }
        };
        let person = match people.get(row.email) {
            Some(id) => *id,
            None => {
                lower.clear();
                lower.push_str(row.email);
                lower.make_ascii_lowercase();
                match people
                    .get(lower.as_str())
                    .or_else(|| people.get(&row.email.to_lowercase()))
                {
                    Some(id) => *id,
                    None => {
                        problems.add(
                            row.line,
                            format!(
                                "email: no person with email {:?} (import people first)",
                                row.email
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        // Once a row is bad nothing will be committed, so stop writing and only
        // keep checking the rest of the file for the report.
        if problems.total > 0 {
            continue;
        }
        batch.push(
            Some(person),
            None,
            row.at.as_millisecond(),
            row.incident_key,
            row.source.unwrap_or("import"),
            "imported",
        );
        if batch.len() == BATCH {
            batch = import.push_batch(batch).await?;
        }
    }
    problems.check(path)?;
    import.push_batch(batch).await?;
    Ok(import.commit().await?)
}
