//! `aftercare import`: CSV files in, all rows or none. Page history is streamed
//! in batches into one transaction, so memory stays bounded however large the file
//! is, and a bad row anywhere means nothing is imported.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use anyhow::{Context, bail};
use jiff::Timestamp;

use aftercare_app::validate::{self, PersonInput};
use aftercare_store::{ImportPerson, ImportedPeople, NewNotification, Store};

/// Bad rows listed in full before the rest are only counted.
const ERRORS_SHOWN: usize = 20;
/// Optional people-CSV columns and the identity kind each one sets.
pub const IDENTITY_COLUMNS: [(&str, &str); 5] = [
    ("pagerduty_id", "pagerduty"),
    ("opsgenie_username", "opsgenie"),
    ("grafana_oncall_id", "grafana-oncall"),
    ("incident_io_id", "incident-io"),
    ("firehydrant_id", "firehydrant"),
];
/// Rows held in memory before they go to the database.
const BATCH: usize = 10_000;

fn reader(path: &Path) -> anyhow::Result<csv::Reader<File>> {
    let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(file))
}

fn column(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers.iter().position(|h| h.eq_ignore_ascii_case(name))
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
    let mut rdr = reader(path)?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .clone();
    let required = ["name", "email", "timezone", "team"];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| column(&headers, c).is_none())
        .collect();
    if !missing.is_empty() {
        bail!(
            "{}: header lacks {} (expected name,email,timezone,team and optionally business_days,business_start,business_end,sleep_start,sleep_end)",
            path.display(),
            missing.join(", ")
        );
    }
    let col = |name: &str| column(&headers, name);
    let (name_c, email_c, tz_c, team_c) = (col("name"), col("email"), col("timezone"), col("team"));
    let optional = [
        "business_days",
        "business_start",
        "business_end",
        "sleep_start",
        "sleep_end",
    ]
    .map(col);
    // Optional identity columns: the ids each paging tool knows this person by.
    let identity_columns: Vec<(&str, usize)> = IDENTITY_COLUMNS
        .iter()
        .filter_map(|(column_name, kind)| col(column_name).map(|i| (*kind, i)))
        .collect();
    let mut rows: Vec<ImportPerson> = Vec::new();
    let mut problems = Problems::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.add(line, e.to_string());
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |c: Option<usize>| c.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let opt = |c: Option<usize>| {
            c.and_then(|i| record.get(i))
                .map(str::to_string)
                .filter(|s| !s.is_empty())
        };
        let input = PersonInput {
            name: get(name_c),
            email: get(email_c),
            time_zone: get(tz_c),
            working_days: opt(optional[0]),
            working_start: opt(optional[1]),
            working_end: opt(optional[2]),
            sleep_start: opt(optional[3]),
            sleep_end: opt(optional[4]),
        };
        match validate::person(&input) {
            Ok(p) => {
                let team = opt(team_c);
                if let Some(t) = &team
                    && let Err(e) = validate::team_name(t)
                {
                    problems.add(line, e.to_string());
                    continue;
                }
                let identities = identity_columns
                    .iter()
                    .filter_map(|(kind, i)| {
                        record
                            .get(*i)
                            .filter(|v| !v.is_empty())
                            .map(|v| (kind.to_string(), v.to_string()))
                    })
                    .collect();
                rows.push(ImportPerson {
                    person: p,
                    team,
                    identities,
                });
            }
            // The CSV calls the time zone column `timezone`.
            Err(e) if e.field == "time_zone" => {
                problems.add(line, format!("timezone: {}", e.reason))
            }
            Err(e) => problems.add(line, e.to_string()),
        }
    }
    problems.check(path)?;
    Ok(store.import_people(&rows).await?)
}

pub async fn pages(store: &Store, path: &Path) -> anyhow::Result<u64> {
    let mut rdr = reader(path)?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .clone();
    let (Some(email_c), Some(at_c), Some(key_c)) = (
        column(&headers, "email"),
        column(&headers, "at"),
        column(&headers, "incident_key"),
    ) else {
        bail!(
            "{}: header must have email,at,incident_key (and optionally source)",
            path.display()
        );
    };
    let source_c = column(&headers, "source");
    let people: HashMap<String, aftercare_store::PersonId> =
        store.person_ids_by_email().await?.into_iter().collect();
    let mut import = store.begin_import().await?;
    let mut batch: Vec<NewNotification> = Vec::with_capacity(BATCH);
    let mut problems = Problems::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.add(e.position().map(|p| p.line()).unwrap_or(0), e.to_string());
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let email = record.get(email_c).unwrap_or("");
        let person = match people.get(email) {
            Some(id) => *id,
            None => match people.get(&email.to_lowercase()) {
                Some(id) => *id,
                None => {
                    problems.add(
                        line,
                        format!("email: no person with email {email:?} (import people first)"),
                    );
                    continue;
                }
            },
        };
        let at_text = record.get(at_c).unwrap_or("");
        let at = match at_text.parse::<Timestamp>() {
            Ok(t) => t,
            Err(_) => {
                problems.add(line, format!("at: {at_text:?} is not an RFC 3339 instant with an offset, like 2026-03-12T02:13:00Z"));
                continue;
            }
        };
        let key = record.get(key_c).unwrap_or("");
        if key.is_empty() {
            problems.add(line, "incident_key: is empty".into());
            continue;
        }
        let source = source_c
            .and_then(|c| record.get(c))
            .filter(|s| !s.is_empty())
            .unwrap_or("import");
        // Once a row is bad nothing will be committed, so stop writing and only
        // keep checking the rest of the file for the report.
        if problems.total > 0 {
            continue;
        }
        batch.push(NewNotification::bare(
            Some(person),
            None,
            at.as_millisecond(),
            key,
            source,
            "imported",
        ));
        if batch.len() == BATCH {
            import.push(&batch).await?;
            batch.clear();
        }
    }
    problems.check(path)?;
    import.push(&batch).await?;
    Ok(import.commit().await?)
}
