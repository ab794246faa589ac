//! Reading the CSV files of `aftercare import`: people (`name,email,time_zone,team,...`) and page
//! history (`email,at,incident_key[,source]`). Pure: the caller hands in any [`std::io::Read`] (a file,
//! a byte slice in a test or a fuzz target) and gets rows back one at a time, borrowed from one
//! reused buffer, so memory stays bounded however large the file is.
//!
//! Bounded means bounded for hostile input too: a field longer than [`FIELD_LIMIT`] or a record with
//! more than [`MAX_FIELDS`] fields stops the read with an error naming the line and the column, as
//! soon as the limit is passed, before the rest of the field is read.
//!
//! Errors come in two kinds. A [`RowError`] is one bad row (an unknown time, an empty key): the
//! reader goes on, so an import can list every bad line and then import nothing. An [`CsvError`]
//! ends the read (the header is unusable, a limit was passed, the input failed).

mod pages;
mod people;
mod reader;

pub use pages::{PageRow, PagesCsv, parse_instant, read_all as read_pages};
pub use people::{IDENTITY_COLUMNS, PeopleCsv, PersonRow};
pub use reader::{CsvReader, FIELD_LIMIT, MAX_FIELDS, Record};

/// A problem that ends the read.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is empty: not even a header.
    #[error("the file is empty (expected a header line)")]
    Empty,
    /// The header lacks required columns (named), or names one twice.
    #[error("{0}")]
    Header(String),
    /// One field is longer than the limit: the rest of it is not read.
    #[error(
        "line {line}, column {column}: a field longer than {limit} bytes; nothing was imported"
    )]
    FieldTooLong {
        line: u64,
        column: String,
        limit: usize,
    },
    /// One record has more fields than any file of ours needs.
    #[error("line {line}: more than {limit} fields; nothing was imported")]
    TooManyFields { line: u64, limit: usize },
}

/// One bad row: its line, the column (as the file's header spells it) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {column}: {reason}")]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl RowError {
    fn new(line: u64, column: &str, reason: impl Into<String>) -> RowError {
        RowError {
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }
}

/// What the header says about one column we read: where it is and how the file spells it.
#[derive(Debug, Clone)]
struct Column {
    index: usize,
    name: String,
}

/// The header's fields, trimmed; a field that is not UTF-8 can match no column name.
fn header_names(record: &Record) -> Vec<String> {
    (0..record.len())
        .map(|i| String::from_utf8_lossy(record.get(i).unwrap_or_default()).into_owned())
        .collect()
}

/// The first column called `name` or one of `aliases`, case-insensitively; a header that spells the
/// same column twice (`time_zone` and `timezone`) is refused, since which one counts would be a guess.
fn find_column(
    header: &[String],
    name: &str,
    aliases: &[&str],
) -> Result<Option<Column>, CsvError> {
    let mut found: Option<Column> = None;
    for (index, h) in header.iter().enumerate() {
        if h.eq_ignore_ascii_case(name) || aliases.iter().any(|a| h.eq_ignore_ascii_case(a)) {
            if let Some(first) = &found {
                return Err(CsvError::Header(format!(
                    "the header has both {:?} and {h:?}; keep one",
                    first.name
                )));
            }
            found = Some(Column {
                index,
                name: h.clone(),
            });
        }
    }
    Ok(found)
}

/// A field as text; `None` with a row error when it is not UTF-8.
fn text<'r>(record: &'r Record, column: &Column) -> Result<&'r str, RowError> {
    let bytes = record.get(column.index).unwrap_or_default();
    std::str::from_utf8(bytes)
        .map_err(|_| RowError::new(record.line(), &column.name, "is not valid UTF-8"))
}

/// Rows must have as many fields as the header (a missing comma shifts every column after it).
fn check_width(record: &Record, width: usize) -> Result<(), RowError> {
    if record.len() == width {
        Ok(())
    } else {
        Err(RowError {
            line: record.line(),
            column: "row".into(),
            reason: format!("{} fields, but the header has {width}", record.len()),
        })
    }
}
