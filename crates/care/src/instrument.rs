//! Measures as data, not code (issue 7, item 2).
//!
//! A measure is a TOML file: its items (text, and whether reverse-scored), its response scale, how it
//! is scored, where it comes from (a citation a person can look up), its terms of use, and the plain
//! words a person's own trend is read in. The ones Aftercare ships are in `crates/care/instruments/`
//! and are embedded in the binary; a team may add its own through [`Instrument::parse`], which checks
//! every field and says which one is wrong and why.
//!
//! Nothing here diagnoses. A score is only ever compared with the same person's earlier scores, and
//! the words for that comparison are checked for the vocabulary of diagnosis ([`Instrument::parse`]
//! refuses a reading such as "you have anxiety").

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The measures Aftercare ships, each a file in `crates/care/instruments/`. Only measures whose wording
/// is given in `shared/research/instruments.md` and whose terms allow it: the Copenhagen Burnout
/// Inventory and the PSS-4 are not shipped (PSS-4's commercial use is unconfirmed).
const BUILTIN_SOURCES: [(&str, &str); 4] = [
    (
        "post-incident-stress.toml",
        include_str!("../instruments/post-incident-stress.toml"),
    ),
    (
        "state-rumination.toml",
        include_str!("../instruments/state-rumination.toml"),
    ),
    (
        "sleep-quality.toml",
        include_str!("../instruments/sleep-quality.toml"),
    ),
    (
        "state-self-compassion-sf.toml",
        include_str!("../instruments/state-self-compassion-sf.toml"),
    ),
];

/// The id of the post-incident stress measure, whose top two points ("stressed", "very stressed") the
/// team pulse counts.
pub const POST_INCIDENT_STRESS: &str = "post-incident-stress";

static BUILTIN: LazyLock<Vec<Instrument>> = LazyLock::new(|| {
    BUILTIN_SOURCES
        .iter()
        .map(|(file, text)| {
            // The files are part of this crate and a test parses each one, so this cannot fail in a
            // build that passed its tests.
            Instrument::parse(text).expect(file)
        })
        .collect()
});

/// The measures Aftercare ships, in a fixed order.
pub fn builtin() -> &'static [Instrument] {
    &BUILTIN
}

/// A shipped measure by id.
pub fn builtin_by_id(id: &str) -> Option<&'static Instrument> {
    builtin().iter().find(|i| i.id == id)
}

/// A validated measure. Made only by [`Instrument::parse`], and read only through its accessors, so
/// every value of this type is valid (a scorer can rely on it: items exist, the scale is ordered,
/// reversed items come with reversing scoring).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instrument {
    id: String,
    name: String,
    preamble: Option<String>,
    scoring: Scoring,
    higher_is: HigherIs,
    scale: Scale,
    items: Vec<Item>,
    source: Source,
    terms: Terms,
    reading: Reading,
}

impl Instrument {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Shown before the items, e.g. what "the problem" refers to.
    pub fn preamble(&self) -> Option<&str> {
        self.preamble.as_deref()
    }

    pub fn scoring(&self) -> Scoring {
        self.scoring
    }

    pub fn higher_is(&self) -> HigherIs {
        self.higher_is
    }

    pub fn scale(&self) -> &Scale {
        &self.scale
    }

    /// The items, in the order they are asked.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn terms(&self) -> &Terms {
        &self.terms
    }

    pub fn reading(&self) -> &Reading {
        &self.reading
    }
}

/// How answers become a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// The mean of the answers. Refuses reversed items (they would be silently counted the wrong way).
    Mean,
    /// The sum of the answers. Refuses reversed items, as `mean` does.
    Sum,
    /// The mean after reversing reversed items (`min + max - answer`).
    MeanAfterReversing,
}

/// Whether a higher score is the better or the worse way round, so the interface can show a change
/// without colouring it wrongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HigherIs {
    Better,
    Worse,
}

/// A response scale: every whole number from `min` to `max`, with labels on at least the two ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scale {
    min: i64,
    max: i64,
    labels: BTreeMap<i64, String>,
}

impl Scale {
    pub fn min(&self) -> i64 {
        self.min
    }

    pub fn max(&self) -> i64 {
        self.max
    }

    /// The label of a point, where it has one (the two ends always do).
    pub fn label(&self, value: i64) -> Option<&str> {
        self.labels.get(&value).map(String::as_str)
    }

    /// The points of the scale, each with its label where it has one.
    pub fn points(&self) -> impl Iterator<Item = (i64, Option<&str>)> {
        (self.min..=self.max).map(|v| (v, self.labels.get(&v).map(String::as_str)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    id: String,
    text: String,
    reversed: bool,
}

impl Item {
    /// What answers are keyed by.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the item is reverse-scored (`min + max - answer`).
    pub fn reversed(&self) -> bool {
        self.reversed
    }
}

/// Where a measure comes from, so that a person can look it up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The full reference: authors, year, title, journal.
    pub citation: String,
    pub authors: Option<String>,
    pub year: Option<u16>,
    pub journal: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// The terms in a sentence or two, as known.
    pub summary: String,
    pub commercial_use: CommercialUse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommercialUse {
    Allowed,
    /// Not confirmed either way: say so wherever the measure is offered.
    Unconfirmed,
}

/// The words a person's own trend is read in. Each compares the person only with themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// For the first score: there is nothing to compare with yet.
    pub first: String,
    pub lower: String,
    pub similar: String,
    pub higher: String,
}

/// The file format: the same fields, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: String,
    name: String,
    preamble: Option<String>,
    scoring: Scoring,
    higher_is: HigherIs,
    scale: RawScale,
    items: Vec<RawItem>,
    source: Source,
    terms: Terms,
    reading: Reading,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    min: i64,
    max: i64,
    labels: Vec<RawLabel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabel {
    value: i64,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    text: String,
    #[serde(default)]
    reversed: bool,
}

/// What is wrong with an instrument file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    /// Not TOML, or a field missing, unknown or of the wrong type (the message names it and its line).
    #[error("not a valid instrument file: {0}")]
    Format(String),
    /// A field with a value that is not allowed.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

/// Why answers could not be scored. Each names the item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error(
        "item {item:?} is not answered (every item needs an answer; skip the whole check-in instead)"
    )]
    Missing { item: String },
    #[error("item {item:?}: {value} is outside the scale {min} to {max}")]
    OutOfRange {
        item: String,
        value: i64,
        min: i64,
        max: i64,
    },
    #[error("{item:?} is not an item of this measure")]
    UnknownItem { item: String },
}

const MAX_ITEMS: usize = 40;
const MAX_TEXT: usize = 500;
const MAX_SCALE_POINTS: i64 = 101;

/// Words that belong to diagnosis, not to a person's own trend. A reading containing one is refused:
/// Aftercare shows people their trend, it never tells them what they have (docs/privacy.md).
const DIAGNOSTIC_WORDS: &[&str] = &[
    "diagnos",
    "disorder",
    "suffer",
    "depress",
    "anxiety",
    "anxious",
    "ptsd",
    "trauma",
    "burnout",
    "burned out",
    "burnt out",
    "clinical",
    "symptom",
    "syndrome",
    "illness",
    "patholog",
    "abnormal",
];

impl Instrument {
    /// Parses and validates an instrument file. Errors name the field and the reason, e.g.
    /// `items[2].text: is empty` or `scale.labels: the top of the scale (5) has no label`.
    pub fn parse(text: &str) -> Result<Instrument, InstrumentError> {
        let raw: RawInstrument =
            toml::from_str(text).map_err(|e| InstrumentError::Format(e.to_string()))?;
        validate(raw)
    }

    /// Parses a team's own measure: as [`Instrument::parse`], and its id must not be one of the shipped
    /// measures', so that stored answers always mean what their id says.
    pub fn parse_custom(text: &str) -> Result<Instrument, InstrumentError> {
        let instrument = Instrument::parse(text)?;
        if BUILTIN_SOURCES
            .iter()
            .any(|(file, _)| file.strip_suffix(".toml") == Some(instrument.id.as_str()))
        {
            return Err(invalid(
                "id",
                format!(
                    "{:?} is the id of a measure Aftercare ships; choose another",
                    instrument.id
                ),
            ));
        }
        Ok(instrument)
    }

    /// The lowest and highest score the scoring can give.
    pub fn score_range(&self) -> (f64, f64) {
        let (min, max) = (self.scale.min as f64, self.scale.max as f64);
        match self.scoring {
            Scoring::Sum => {
                let n = self.items.len() as f64;
                (min * n, max * n)
            }
            Scoring::Mean | Scoring::MeanAfterReversing => (min, max),
        }
    }

    /// Scores one set of answers, keyed by item id. Every item must be answered with a point of the
    /// scale, and nothing else may be answered: a partial or stray answer is refused, naming the item,
    /// rather than scored as if it were complete.
    pub fn score(&self, answers: &BTreeMap<String, i64>) -> Result<Score, ScoreError> {
        if let Some(stray) = answers
            .keys()
            .find(|k| !self.items.iter().any(|i| &i.id == *k))
        {
            return Err(ScoreError::UnknownItem {
                item: stray.clone(),
            });
        }
        let mut total = 0i64;
        for item in &self.items {
            let value = *answers.get(&item.id).ok_or_else(|| ScoreError::Missing {
                item: item.id.clone(),
            })?;
            if !(self.scale.min..=self.scale.max).contains(&value) {
                return Err(ScoreError::OutOfRange {
                    item: item.id.clone(),
                    value,
                    min: self.scale.min,
                    max: self.scale.max,
                });
            }
            // Validation allows reversed items only with mean_after_reversing.
            total += if item.reversed {
                self.scale.min + self.scale.max - value
            } else {
                value
            };
        }
        let value = match self.scoring {
            Scoring::Sum => total as f64,
            Scoring::Mean | Scoring::MeanAfterReversing => total as f64 / self.items.len() as f64,
        };
        Ok(Score {
            instrument: self.id.clone(),
            value,
        })
    }

    /// A score read back from storage, checked to lie within this measure's range.
    pub fn stored_score(&self, value: f64) -> Option<Score> {
        let (min, max) = self.score_range();
        (value.is_finite() && min <= value && value <= max).then(|| Score {
            instrument: self.id.clone(),
            value,
        })
    }
}

/// One scored set of answers. Made by [`Instrument::score`] or [`Instrument::stored_score`], so the
/// value is always within its measure's range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    instrument: String,
    value: f64,
}

impl Score {
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    /// For the post-incident stress measure only: whether the answer was "stressed" or "very stressed"
    /// (the top two points), the share seed 001's straw poll reported. `None` for other measures.
    pub fn stressed_or_very_stressed(&self) -> Option<bool> {
        (self.instrument == POST_INCIDENT_STRESS).then_some(self.value >= 4.0)
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> InstrumentError {
    InstrumentError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Ids are what answers are keyed by and what a team's files are stored under: short, lowercase,
/// words joined by hyphens.
fn check_id(field: &str, id: &str) -> Result<(), InstrumentError> {
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if id.is_empty() || id.len() > 64 || !ok_chars || id.starts_with('-') || id.ends_with('-') {
        return Err(invalid(
            field,
            format!("{id:?} is not an id: use 1 to 64 lowercase letters, digits and inner hyphens"),
        ));
    }
    Ok(())
}

fn check_text(field: &str, text: &str, max: usize) -> Result<String, InstrumentError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid(field, "is empty"));
    }
    if t.chars().count() > max {
        return Err(invalid(field, format!("is longer than {max} characters")));
    }
    Ok(t.to_owned())
}

fn check_reading(field: &str, text: &str) -> Result<String, InstrumentError> {
    let t = check_text(field, text, MAX_TEXT)?;
    let lower = t.to_lowercase();
    if let Some(word) = DIAGNOSTIC_WORDS.iter().find(|w| lower.contains(**w)) {
        return Err(invalid(
            field,
            format!(
                "reads like a diagnosis ({word:?}); a reading compares the person with themselves, \
                 e.g. \"Lower than after your last incident.\""
            ),
        ));
    }
    Ok(t)
}

fn validate(raw: RawInstrument) -> Result<Instrument, InstrumentError> {
    check_id("id", &raw.id)?;
    let name = check_text("name", &raw.name, 120)?;
    let preamble = match raw.preamble {
        Some(p) => Some(check_text("preamble", &p, MAX_TEXT)?),
        None => None,
    };

    let RawScale { min, max, labels } = raw.scale;
    if min >= max {
        return Err(invalid(
            "scale",
            format!("min ({min}) must be below max ({max})"),
        ));
    }
    if min < -100 || max > 100 || max - min + 1 > MAX_SCALE_POINTS {
        return Err(invalid(
            "scale",
            "must lie within -100 to 100 and have at most 101 points",
        ));
    }
    let mut label_map = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        let field = format!("scale.labels[{i}]");
        if !(min..=max).contains(&l.value) {
            return Err(invalid(
                field,
                format!("value {} is outside the scale {min} to {max}", l.value),
            ));
        }
        let text = check_text(&format!("{field}.label"), &l.label, 80)?;
        if label_map.insert(l.value, text).is_some() {
            return Err(invalid(
                field,
                format!("value {} is labelled twice", l.value),
            ));
        }
    }
    // A scale whose ends are not named cannot be answered honestly.
    for (end, v) in [("bottom", min), ("top", max)] {
        if !label_map.contains_key(&v) {
            return Err(invalid(
                "scale.labels",
                format!("the {end} of the scale ({v}) has no label"),
            ));
        }
    }

    if raw.items.is_empty() {
        return Err(invalid("items", "a measure needs at least one item"));
    }
    if raw.items.len() > MAX_ITEMS {
        return Err(invalid("items", format!("at most {MAX_ITEMS} items")));
    }
    let mut ids = BTreeSet::new();
    let mut items = Vec::with_capacity(raw.items.len());
    for (i, it) in raw.items.into_iter().enumerate() {
        check_id(&format!("items[{i}].id"), &it.id)?;
        if !ids.insert(it.id.clone()) {
            return Err(invalid(
                format!("items[{i}].id"),
                format!("{:?} is used by an earlier item", it.id),
            ));
        }
        let text = check_text(&format!("items[{i}].text"), &it.text, MAX_TEXT)?;
        if it.reversed && raw.scoring != Scoring::MeanAfterReversing {
            return Err(invalid(
                format!("items[{i}].reversed"),
                "a reversed item needs scoring = \"mean_after_reversing\"",
            ));
        }
        items.push(Item {
            id: it.id,
            text,
            reversed: it.reversed,
        });
    }

    let mut source = raw.source;
    source.citation = check_text("source.citation", &source.citation, 1000)?;
    if let Some(y) = source.year
        && !(1900..=2100).contains(&y)
    {
        return Err(invalid(
            "source.year",
            format!("{y} is not a plausible year"),
        ));
    }
    // A link a person follows must be a web address, not `javascript:` or a file path.
    if let Some(url) = &source.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(invalid(
            "source.url",
            format!("{url:?} is not a web address (https://...)"),
        ));
    }
    let mut terms = raw.terms;
    terms.summary = check_text("terms.summary", &terms.summary, 1000)?;

    let reading = Reading {
        first: check_reading("reading.first", &raw.reading.first)?,
        lower: check_reading("reading.lower", &raw.reading.lower)?,
        similar: check_reading("reading.similar", &raw.reading.similar)?,
        higher: check_reading("reading.higher", &raw.reading.higher)?,
    };

    Ok(Instrument {
        id: raw.id,
        name,
        preamble,
        scoring: raw.scoring,
        higher_is: raw.higher_is,
        scale: Scale {
            min,
            max,
            labels: label_map,
        },
        items,
        source,
        terms,
        reading,
    })
}

#[cfg(test)]
#[path = "instrument_tests.rs"]
mod tests;
