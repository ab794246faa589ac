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
        let at = parse_instant(at_text).ok_or_else(|| {
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

/// An RFC 3339 instant with an offset. Exports write nearly every instant as
/// `YYYY-MM-DDTHH:MM:SSZ`, and for ten million rows jiff's general parser was a
/// noticeable share of an import, so that one shape is read by hand; anything else
/// (offsets, fractions, lowercase, leap seconds) goes to jiff, which decides.
pub fn parse_instant(text: &str) -> Option<Timestamp> {
    utc_seconds(text.as_bytes())
        .and_then(|s| Timestamp::from_second(s).ok())
        .or_else(|| text.parse::<Timestamp>().ok())
}

/// Seconds since the Unix epoch of exactly `YYYY-MM-DDTHH:MM:SSZ`, or `None` for any
/// other text (including a valid instant in another shape: the caller falls back).
fn utc_seconds(b: &[u8]) -> Option<i64> {
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // A leap second (:60) is jiff's to interpret.
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
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

    #[test]
    fn the_fast_instant_path_agrees_with_jiff() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "2000-03-01T00:00:00Z",
            "1900-02-28T12:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(
                parse_instant(text),
                text.parse::<Timestamp>().ok(),
                "{text}"
            );
            assert!(
                utc_seconds(text.as_bytes()).is_some(),
                "{text} takes the fast path"
            );
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01 00:00:00Z",
            "+026-01-01T00:00:00Z",
        ] {
            assert_eq!(utc_seconds(bad.as_bytes()), None, "{bad}");
            assert_eq!(parse_instant(bad), bad.parse::<Timestamp>().ok(), "{bad}");
        }
        // Other shapes still parse, through jiff.
        assert_eq!(
            parse_instant("2026-03-05T02:00:00+01:00").map(|t| t.to_string()),
            Some("2026-03-05T01:00:00Z".to_string())
        );
    }

    proptest::proptest! {
        /// Any date and time of the fast shape: the same instant as jiff, or refused by both.
        #[test]
        fn fast_instants_match_jiff(y in 0u32..10_000, mo in 0u32..14, d in 0u32..33, h in 0u32..25, mi in 0u32..61, s in 0u32..61) {
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
            proptest::prop_assert_eq!(parse_instant(&text), text.parse::<Timestamp>().ok(), "{}", text);
        }

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
