//! A streamed CSV reader over `csv-core` with bounded fields: the `csv` crate grows a record's buffer
//! for as long as a field goes on, so a 1 GB field costs gigabytes before anything can refuse it.

use std::io::{BufRead, BufReader, Read};

use crate::CsvError;

/// The longest field accepted, in bytes. The longest field of ours is an incident key or a name;
/// 64 KiB is far beyond any real one and small enough that a hostile file cannot make the import
/// hold much more than a few of them.
pub const FIELD_LIMIT: usize = 64 * 1024;
/// The most fields a record may have: the people file has about fifteen columns.
pub const MAX_FIELDS: usize = 256;

/// Input read from the file at a time.
const INPUT_BUFFER: usize = 64 * 1024;

/// One record, reused from row to row: the fields' bytes back to back, and where each ends.
#[derive(Debug, Default)]
pub struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    line: u64,
}

impl Record {
    /// Fields in the record.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The line the record starts on (1 is the first line of the file).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Field `i`, with ASCII whitespace trimmed at both ends (as `csv::Trim::All` did).
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(self.bytes[start..self.ends[i]].trim_ascii())
    }
}

/// Reads records one at a time into a caller's [`Record`].
pub struct CsvReader<R> {
    input: BufReader<R>,
    core: csv_core::Reader,
    field_limit: usize,
    max_fields: usize,
    done: bool,
    /// The line the next byte is on: counted here rather than by `csv-core`, whose count lags
    /// behind the start of a record after a CRLF.
    line: u64,
}

impl<R: Read> CsvReader<R> {
    /// A reader with the default limits, [`FIELD_LIMIT`] and [`MAX_FIELDS`].
    pub fn new(input: R) -> CsvReader<R> {
        CsvReader::with_limits(input, FIELD_LIMIT, MAX_FIELDS)
    }

    pub fn with_limits(input: R, field_limit: usize, max_fields: usize) -> CsvReader<R> {
        CsvReader {
            input: BufReader::with_capacity(INPUT_BUFFER, input),
            core: csv_core::Reader::new(),
            field_limit: field_limit.max(1),
            max_fields: max_fields.max(1),
            done: false,
            line: 1,
        }
    }

    /// The next record into `record`; `Ok(false)` at the end of the input. After an error the
    /// reader stays at its end: a limit passed leaves the rest of the file unread on purpose.
    pub fn read(&mut self, record: &mut Record) -> Result<bool, CsvError> {
        use csv_core::ReadRecordResult as R;
        record.len = 0;
        if self.done {
            record.line = self.line;
            return Ok(false);
        }
        // Line ends between records are skipped here (csv-core skips them too), so the record's
        // line is the line of its first byte.
        loop {
            let input = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Err(e.into());
                }
            };
            let blank = input
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            if blank == 0 {
                break;
            }
            self.line += input[..blank].iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.consume(blank);
        }
        record.line = self.line;
        if record.bytes.is_empty() {
            record.bytes.resize(1024, 0);
        }
        if record.ends.is_empty() {
            record.ends.resize(16, 0);
        }
        let (mut out, mut ends) = (0usize, 0usize);
        loop {
            let input = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Err(e.into());
                }
            };
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut record.bytes[out..], &mut record.ends[ends..]);
            self.line += input[..nin].iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.consume(nin);
            out += nout;
            ends += nend;
            match result {
                R::InputEmpty => {}
                R::OutputFull => {
                    // The field under way is everything written since the last field's end.
                    let field = out - if ends == 0 { 0 } else { record.ends[ends - 1] };
                    if field > self.field_limit {
                        self.done = true;
                        return Err(CsvError::FieldTooLong {
                            line: record.line,
                            column: (ends + 1).to_string(),
                            limit: self.field_limit,
                        });
                    }
                    // Grow, but never past one byte more than the limit for this field, so the
                    // next OutputFull decides.
                    let cap = out - field + self.field_limit + 1;
                    let grown = (record.bytes.len() * 2).min(cap).max(out + 1);
                    record.bytes.resize(grown, 0);
                }
                R::OutputEndsFull => {
                    if record.ends.len() >= self.max_fields {
                        self.done = true;
                        return Err(CsvError::TooManyFields {
                            line: record.line,
                            limit: self.max_fields,
                        });
                    }
                    let grown = (record.ends.len() * 2).min(self.max_fields);
                    record.ends.resize(grown, 0);
                }
                R::Record => {
                    record.len = ends;
                    // The last field is not checked by OutputFull when it fitted the buffer.
                    for i in 0..ends {
                        let start = if i == 0 { 0 } else { record.ends[i - 1] };
                        if record.ends[i] - start > self.field_limit {
                            self.done = true;
                            record.len = 0;
                            return Err(CsvError::FieldTooLong {
                                line: record.line,
                                column: (i + 1).to_string(),
                                limit: self.field_limit,
                            });
                        }
                    }
                    return Ok(true);
                }
                R::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn records(input: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut rdr = CsvReader::new(input);
        let mut rec = Record::default();
        let mut out = Vec::new();
        while rdr.read(&mut rec).expect("readable") {
            let fields = (0..rec.len())
                .map(|i| String::from_utf8_lossy(rec.get(i).unwrap_or_default()).into_owned())
                .collect();
            out.push((rec.line(), fields));
        }
        out
    }

    #[test]
    fn reads_quoted_trimmed_fields_with_their_lines() {
        // A quote opens a quoted field only as the field's first byte, as in the csv crate.
        let got = records(b"a,b\n x ,\"y, \"\"z\"\"\"\r\n\"multi\nline\",2");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x".into(), "y, \"z\"".into()]),
                (3, vec!["multi\nline".into(), "2".into()]),
            ]
        );
    }

    /// Counts what the reader took from its input, to prove a long field is refused early.
    struct Counting<R> {
        inner: R,
        read: std::rc::Rc<std::cell::Cell<u64>>,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }

    #[test]
    fn a_huge_field_is_refused_before_it_is_read() {
        // A 20 MB field on line 3, column 2: the reader must stop within a few buffers of the
        // limit, holding no more than about the limit itself.
        let head = Cursor::new(
            b"email,at,incident_key\na@example.org,2026-01-01T00:00:00Z,k\nb@example.org,".to_vec(),
        );
        let field = std::io::repeat(b'x').take(20 * 1024 * 1024);
        let tail = Cursor::new(b",k\n".to_vec());
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let input = Counting {
            inner: head.chain(field).chain(tail),
            read: read.clone(),
        };
        let mut rdr = CsvReader::new(input);
        let mut rec = Record::default();
        assert!(rdr.read(&mut rec).expect("header"));
        assert!(rdr.read(&mut rec).expect("first row"));
        match rdr.read(&mut rec) {
            Err(CsvError::FieldTooLong {
                line,
                column,
                limit,
            }) => {
                assert_eq!((line, column.as_str(), limit), (3, "2", FIELD_LIMIT));
            }
            other => panic!("expected FieldTooLong, got {other:?}"),
        }
        assert!(
            read.get() < (FIELD_LIMIT + 2 * INPUT_BUFFER) as u64,
            "read {} bytes of a 20 MB field before refusing it",
            read.get()
        );
        assert!(
            rec.bytes.len() <= 2 * FIELD_LIMIT + 2,
            "buffer grew to {}",
            rec.bytes.len()
        );
        // And the reader stays stopped.
        assert!(!rdr.read(&mut rec).expect("stopped"));
    }

    #[test]
    fn a_long_last_field_that_fits_the_buffer_is_still_refused() {
        let mut rdr = CsvReader::with_limits(&b"abcdef,gh\n"[..], 4, 8);
        let mut rec = Record::default();
        match rdr.read(&mut rec) {
            Err(CsvError::FieldTooLong {
                line: 1, column, ..
            }) => assert_eq!(column, "1"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn too_many_fields_are_refused() {
        let row = ",".repeat(MAX_FIELDS + 5);
        let mut rdr = CsvReader::new(row.as_bytes());
        let mut rec = Record::default();
        assert!(matches!(
            rdr.read(&mut rec),
            Err(CsvError::TooManyFields { line: 1, .. })
        ));
    }

    #[test]
    fn fields_at_the_limit_are_kept_whole() {
        let long = "y".repeat(FIELD_LIMIT);
        let input = format!("a,{long}\n{long},b\n");
        let got = records(input.as_bytes());
        assert_eq!(got[0].1[1].len(), FIELD_LIMIT);
        assert_eq!(got[1].1[0].len(), FIELD_LIMIT);
        assert_eq!(got[1].1[1], "b");
    }
}
