//! Page history: `email,at,incident_key[,source]`, one notification a row.

use std::io::Read;

use jiff::Timestamp;

use crate::{Column, CsvError, CsvReader, Record, RowError, check_width, find_column, text};

/// One notification as the file gives it, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRow<'a> {
    pub line: u64,
    /// As written (trimmed): matching it to a person is the caller's business.
    pub email: &'a str,
    pub at: Timestamp,
    /// Never empty.
    pub incident_key: &'a str,
    /// `None` when the column is absent or the field blank.
    pub source: Option<&'a str>,
}

/// Reads a page-history CSV row by row.
pub struct PagesCsv<R> {
    reader: CsvReader<R>,
    record: Record,
    width: usize,
    email: Column,
    at: Column,
    incident_key: Column,
    source: Option<Column>,
}

impl<R: Read> PagesCsv<R> {
    /// Reads the header; fails when it lacks `email`, `at` or `incident_key`.
    pub fn new(reader: CsvReader<R>) -> Result<PagesCsv<R>, CsvError> {
        let mut reader = reader;
        let mut record = Record::default();
        if !reader.read(&mut record)? {
            return Err(CsvError::Empty);
        }
        let header = crate::header_names(&record);
        let need = |name: &str| -> Result<Column, CsvError> {
            find_column(&header, name, &[])?.ok_or_else(|| {
                CsvError::Header(format!(
                    "the header lacks {name} (expected email,at,incident_key and optionally source)"
                ))
            })
        };
        Ok(PagesCsv {
            email: need("email")?,
            at: need("at")?,
            incident_key: need("incident_key")?,
            source: find_column(&header, "source", &[])?,
            width: header.len(),
            reader,
            record,
        })
    }

    /// The next row: `Ok(None)` at the end, `Ok(Some(Err(_)))` for a bad row (reading may go on).
    #[allow(clippy::type_complexity)]
    pub fn next_row(&mut self) -> Result<Option<Result<PageRow<'_>, RowError>>, CsvError> {
        match self.reader.read(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(CsvError::FieldTooLong {
                line,
                column,
                limit,
            }) => {
                return Err(CsvError::FieldTooLong {
                    column: self.name_column(&column),
                    line,
                    limit,
                });
            }
            Err(e) => return Err(e),
        }
        Ok(Some(self.row()))
    }

    /// `"3"` becomes `"3 (incident_key)"` when the third column is one we read.
    fn name_column(&self, number: &str) -> String {
        let named = [
            Some(&self.email),
            Some(&self.at),
            Some(&self.incident_key),
            self.source.as_ref(),
        ];
        number
            .parse::<usize>()
            .ok()
            .and_then(|n| named.into_iter().flatten().find(|c| c.index + 1 == n))
            .map_or_else(|| number.to_string(), |c| format!("{number} ({})", c.name))
    }

    fn row(&self) -> Result<PageRow<'_>, RowError> {
        let r = &self.record;
        check_width(r, self.width)?;
        let email = text(r, &self.email)?;
        let at_text = text(r, &self.at)?;
        let at = at_text.parse::<Timestamp>().map_err(|_| {
            RowError::new(
                r.line(),
                &self.at.name,
                format!("{at_text:?} is not an RFC 3339 instant with an offset, like 2026-03-12T02:13:00Z"),
            )
        })?;
        let incident_key = text(r, &self.incident_key)?;
        if incident_key.is_empty() {
            return Err(RowError::new(r.line(), &self.incident_key.name, "is empty"));
        }
        if incident_key.contains('\0') {
            // PostgreSQL cannot store it, so no backend does.
            return Err(RowError::new(
                r.line(),
                &self.incident_key.name,
                "contains a NUL byte",
            ));
        }
        let source = match &self.source {
            Some(c) => Some(text(r, c)?).filter(|s| !s.is_empty()),
            None => None,
        };
        if let (Some(s), Some(c)) = (source, &self.source)
            && s.contains('\0')
        {
            return Err(RowError::new(r.line(), &c.name, "contains a NUL byte"));
        }
        Ok(PageRow {
            line: r.line(),
            email,
            at,
            incident_key,
            source,
        })
    }
}

/// Every row of a page-history file, good and bad, for tests and fuzzing: the rows as owned
/// `(line, email, at, key, source)` tuples and the bad rows' errors, or the error that ended it.
#[allow(clippy::type_complexity)]
pub fn read_all(
    input: &[u8],
) -> Result<
    (
        Vec<(u64, String, Timestamp, String, Option<String>)>,
        Vec<RowError>,
    ),
    CsvError,
> {
    let mut pages = PagesCsv::new(CsvReader::new(input))?;
    let (mut rows, mut bad) = (Vec::new(), Vec::new());
    while let Some(row) = pages.next_row()? {
        match row {
            Ok(p) => rows.push((
                p.line,
                p.email.to_string(),
                p.at,
                p.incident_key.to_string(),
                p.source.map(str::to_string),
            )),
            Err(e) => bad.push(e),
        }
    }
    Ok((rows, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_rows_with_their_lines() {
        let (rows, bad) = read_all(
            b"Email,at,incident_key,source\n\
              alex@example.com,2026-03-04T23:30:00Z,inc-1,pagerduty\n\
              alex@example.com,2026-03-05 02:00,inc-2,pagerduty\n\
              alex@example.com, 2026-03-05T02:00:00+01:00 , inc-3 ,\n\
              alex@example.com,2026-03-05T02:00:00Z,,x\n\
              short,row\n",
        )
        .expect("readable");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[1].2.to_string(), "2026-03-05T01:00:00Z");
        assert_eq!((rows[1].3.as_str(), rows[1].4.as_deref()), ("inc-3", None));
        let lines: Vec<(u64, &str)> = bad.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(lines, vec![(3, "at"), (5, "incident_key"), (6, "row")]);
    }

    #[test]
    fn a_header_without_the_needed_columns_is_refused() {
        let err = read_all(b"email,when\n").expect_err("refused");
        assert!(err.to_string().contains("lacks at"), "{err}");
        assert!(matches!(read_all(b""), Err(CsvError::Empty)));
    }

    #[test]
    fn a_long_field_is_named_by_its_column() {
        let input = format!(
            "email,at,incident_key\na,2026-01-01T00:00:00Z,{}\n",
            "k".repeat(crate::FIELD_LIMIT + 1)
        );
        let err = read_all(input.as_bytes()).expect_err("refused");
        assert_eq!(
            err.to_string(),
            format!(
                "line 2, column 3 (incident_key): a field longer than {} bytes; nothing was imported",
                crate::FIELD_LIMIT
            )
        );
    }

    proptest::proptest! {
        /// Any bytes at all: an answer, never a panic, and every row's line within the input.
        #[test]
        fn never_panics(input in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let lines = input.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            if let Ok((rows, bad)) = read_all(&input) {
                for r in &rows {
                    proptest::prop_assert!(r.0 <= lines);
                    proptest::prop_assert!(!r.3.is_empty());
                }
                for e in &bad {
                    proptest::prop_assert!(e.line <= lines);
                }
            }
        }
    }
}
