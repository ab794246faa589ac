//! People: `name,email,time_zone,team` and optional hours and paging-tool ids, one person a row.
//!
//! The columns use the words of the forms and the API (`time_zone`, `working_days`,
//! `working_start`, `working_end`); the older `timezone` and `business_*` are accepted too.

use std::io::Read;

use crate::{Column, CsvError, CsvReader, Record, RowError, check_width, find_column, text};

/// Optional columns with the identity kind each one sets: the id a paging tool knows the person by.
pub const IDENTITY_COLUMNS: [(&str, &str); 5] = [
    ("pagerduty_id", "pagerduty"),
    ("opsgenie_username", "opsgenie"),
    ("grafana_oncall_id", "grafana-oncall"),
    ("incident_io_id", "incident-io"),
    ("firehydrant_id", "firehydrant"),
];

/// Every column: its name, the older names still accepted, and whether it must be there.
const COLUMNS: [(&str, &[&str], bool); 9] = [
    ("name", &[], true),
    ("email", &[], true),
    ("time_zone", &["timezone"], true),
    ("team", &[], true),
    ("working_days", &["business_days"], false),
    ("working_start", &["business_start"], false),
    ("working_end", &["business_end"], false),
    ("sleep_start", &[], false),
    ("sleep_end", &[], false),
];

/// One person as the file gives them, borrowed from the reader's buffer; blank optional fields
/// are `None`. Checking the values is the caller's business (the same rules as the forms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow<'a> {
    pub line: u64,
    pub name: &'a str,
    pub email: &'a str,
    pub time_zone: &'a str,
    pub team: Option<&'a str>,
    pub working_days: Option<&'a str>,
    pub working_start: Option<&'a str>,
    pub working_end: Option<&'a str>,
    pub sleep_start: Option<&'a str>,
    pub sleep_end: Option<&'a str>,
    /// `(kind, external id)` for each identity column with a value.
    pub identities: Vec<(&'static str, &'a str)>,
}

/// Reads a people CSV row by row.
pub struct PeopleCsv<R> {
    reader: CsvReader<R>,
    record: Record,
    width: usize,
    /// Indexed like [`COLUMNS`].
    columns: Vec<Option<Column>>,
    identities: Vec<(&'static str, Column)>,
}

impl<R: Read> PeopleCsv<R> {
    /// Reads the header; fails naming every required column it lacks.
    pub fn new(reader: CsvReader<R>) -> Result<PeopleCsv<R>, CsvError> {
        let mut reader = reader;
        let mut record = Record::default();
        if !reader.read(&mut record)? {
            return Err(CsvError::Empty);
        }
        let header = crate::header_names(&record);
        let mut columns = Vec::with_capacity(COLUMNS.len());
        let mut missing = Vec::new();
        for (name, aliases, required) in COLUMNS {
            let found = find_column(&header, name, aliases)?;
            if required && found.is_none() {
                missing.push(name);
            }
            columns.push(found);
        }
        if !missing.is_empty() {
            return Err(CsvError::Header(format!(
                "the header lacks {} (expected name,email,time_zone,team and optionally working_days,working_start,working_end,sleep_start,sleep_end and {}; timezone and business_* are accepted too)",
                missing.join(", "),
                IDENTITY_COLUMNS.map(|(c, _)| c).join(",")
            )));
        }
        let mut identities = Vec::new();
        for (column, kind) in IDENTITY_COLUMNS {
            if let Some(c) = find_column(&header, column, &[])? {
                identities.push((kind, c));
            }
        }
        Ok(PeopleCsv {
            width: header.len(),
            reader,
            record,
            columns,
            identities,
        })
    }

    /// How this file's header spells a column, by its current name (`time_zone` may be
    /// `timezone` here): errors should name the column the user wrote.
    pub fn column_name<'s>(&'s self, field: &'s str) -> &'s str {
        COLUMNS
            .iter()
            .position(|(name, _, _)| *name == field)
            .and_then(|i| self.columns[i].as_ref())
            .map_or(field, |c| c.name.as_str())
    }

    /// The next row: `Ok(None)` at the end, `Ok(Some(Err(_)))` for a bad row (reading may go on).
    #[allow(clippy::type_complexity)]
    pub fn next_row(&mut self) -> Result<Option<Result<PersonRow<'_>, RowError>>, CsvError> {
        match self.reader.read(&mut self.record) {
            Ok(true) => Ok(Some(self.row())),
            Ok(false) => Ok(None),
            Err(CsvError::FieldTooLong {
                line,
                column,
                limit,
            }) => {
                let named = column
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| {
                        self.columns
                            .iter()
                            .flatten()
                            .chain(self.identities.iter().map(|(_, c)| c))
                            .find(|c| c.index + 1 == n)
                    })
                    .map_or_else(|| column.clone(), |c| format!("{column} ({})", c.name));
                Err(CsvError::FieldTooLong {
                    line,
                    column: named,
                    limit,
                })
            }
            Err(e) => Err(e),
        }
    }

    fn row(&self) -> Result<PersonRow<'_>, RowError> {
        let r = &self.record;
        check_width(r, self.width)?;
        let field = |i: usize| -> Result<Option<&str>, RowError> {
            match &self.columns[i] {
                Some(c) => Ok(Some(text(r, c)?).filter(|s| !s.is_empty())),
                None => Ok(None),
            }
        };
        let identities = self
            .identities
            .iter()
            .map(|(kind, c)| Ok((*kind, text(r, c)?)))
            .filter(|v: &Result<_, RowError>| v.as_ref().map_or(true, |(_, id)| !id.is_empty()))
            .collect::<Result<Vec<_>, RowError>>()?;
        Ok(PersonRow {
            line: r.line(),
            name: field(0)?.unwrap_or(""),
            email: field(1)?.unwrap_or(""),
            time_zone: field(2)?.unwrap_or(""),
            team: field(3)?,
            working_days: field(4)?,
            working_start: field(5)?,
            working_end: field(6)?,
            sleep_start: field(7)?,
            sleep_end: field(8)?,
            identities,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(input: &str) -> (String, Vec<String>) {
        let mut people = PeopleCsv::new(CsvReader::new(input.as_bytes())).expect("header");
        let row = people
            .next_row()
            .expect("readable")
            .expect("a row")
            .expect("good");
        (
            format!(
                "{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
                row.name,
                row.email,
                row.time_zone,
                row.team,
                row.working_days,
                row.working_start,
                row.working_end
            ),
            row.identities
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
        )
    }

    #[test]
    fn the_current_and_the_old_column_names_read_alike() {
        let new = first(
            "name,email,time_zone,team,working_days,working_start,working_end,pagerduty_id\nNoa,noa@example.com,Asia/Jerusalem,payments,sun-thu,09:00,17:00,PNOA\n",
        );
        let old = first(
            "name,email,timezone,team,business_days,business_start,business_end,pagerduty_id\nNoa,noa@example.com,Asia/Jerusalem,payments,sun-thu,09:00,17:00,PNOA\n",
        );
        assert_eq!(new, old);
        assert_eq!(
            new.0,
            "Noa|noa@example.com|Asia/Jerusalem|Some(\"payments\")|Some(\"sun-thu\")|Some(\"09:00\")|Some(\"17:00\")"
        );
        assert_eq!(new.1, vec!["pagerduty=PNOA".to_string()]);
    }

    #[test]
    fn errors_name_the_column_as_the_file_spells_it() {
        let people = PeopleCsv::new(CsvReader::new(&b"Name,Email,Zone,team\n"[..]));
        assert!(people.is_err(), "Zone is neither time_zone nor timezone");
        let people = PeopleCsv::new(CsvReader::new(
            &b"name,email,TIMEZONE,team,business_days\n"[..],
        ))
        .expect("header");
        assert_eq!(people.column_name("time_zone"), "TIMEZONE");
        assert_eq!(people.column_name("working_days"), "business_days");
        assert_eq!(people.column_name("sleep_start"), "sleep_start");
    }

    #[test]
    fn a_header_lacking_columns_names_them_all_and_one_spelt_twice_is_refused() {
        let err = PeopleCsv::new(CsvReader::new(&b"name,email\n"[..]))
            .err()
            .expect("refused");
        assert!(err.to_string().contains("lacks time_zone, team"), "{err}");
        let err = PeopleCsv::new(CsvReader::new(&b"name,email,time_zone,timezone,team\n"[..]))
            .err()
            .expect("refused");
        assert!(
            err.to_string()
                .contains("both \"time_zone\" and \"timezone\""),
            "{err}"
        );
    }

    proptest::proptest! {
        /// Any bytes after a good header: rows or row errors or a read error, never a panic.
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let mut input = b"name,email,time_zone,team,working_days,pagerduty_id\n".to_vec();
            input.extend_from_slice(&body);
            let mut people = PeopleCsv::new(CsvReader::new(&input[..])).expect("header");
            while let Ok(Some(row)) = people.next_row() {
                if let Ok(p) = row {
                    proptest::prop_assert!(p.identities.iter().all(|(_, id)| !id.is_empty()));
                }
            }
        }
    }
}
