//! A person's own trend on one measure, over incidents, in plain words.
//!
//! The only comparison is with the same person's previous answer ("lower than after your last
//! incident"): never with other people, never with a norm or a cut-off, since a cut-off is the first
//! step of a diagnosis and Aftercare never diagnoses.

use serde::Serialize;

use crate::instrument::{Instrument, Score};

/// A change smaller than this share of the measure's range reads as "about the same": on a 1–5 scale
/// that is under 0.4, so one point on a one-item measure counts as a change, one point on one of three
/// items does not.
pub const SIMILAR_FRACTION: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Only one score so far.
    First,
    Lower,
    Similar,
    Higher,
}

/// The latest score beside the one before, and the words for it from the measure's file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub direction: Direction,
    pub latest: f64,
    pub previous: Option<f64>,
    /// How many scores (one per incident) the trend is drawn from.
    pub incidents: usize,
    pub reading: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrendError {
    #[error("no scores yet")]
    NoScores,
    #[error("a score of {found:?} is not a score of {expected:?}")]
    OtherInstrument { expected: String, found: String },
}

/// Reads a person's scores on `instrument`, oldest first (one per incident), as a trend.
pub fn trend(instrument: &Instrument, scores: &[Score]) -> Result<Trend, TrendError> {
    if let Some(other) = scores.iter().find(|s| s.instrument() != instrument.id()) {
        return Err(TrendError::OtherInstrument {
            expected: instrument.id().to_owned(),
            found: other.instrument().to_owned(),
        });
    }
    let (latest, rest) = scores.split_last().ok_or(TrendError::NoScores)?;
    let latest = latest.value();
    let previous = rest.last().map(Score::value);
    let (min, max) = instrument.score_range();
    let direction = match previous {
        None => Direction::First,
        Some(p) if (latest - p).abs() < SIMILAR_FRACTION * (max - min) => Direction::Similar,
        Some(p) if latest < p => Direction::Lower,
        Some(_) => Direction::Higher,
    };
    let r = instrument.reading();
    let reading = match direction {
        Direction::First => &r.first,
        Direction::Lower => &r.lower,
        Direction::Similar => &r.similar,
        Direction::Higher => &r.higher,
    }
    .clone();
    Ok(Trend {
        direction,
        latest,
        previous,
        incidents: scores.len(),
        reading,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::builtin_by_id;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn stress(v: i64) -> Score {
        let i = builtin_by_id("post-incident-stress").unwrap();
        i.score(&BTreeMap::from([("stress".to_owned(), v)]))
            .unwrap()
    }

    #[test]
    fn readings_follow_the_last_two_scores() {
        let i = builtin_by_id("post-incident-stress").unwrap();
        let t = trend(i, &[stress(4)]).unwrap();
        assert_eq!(t.direction, Direction::First);
        assert_eq!(t.reading, i.reading().first);
        let t = trend(i, &[stress(5), stress(4), stress(2)]).unwrap();
        assert_eq!(t.direction, Direction::Lower);
        assert_eq!(t.reading, "Lower than after your last incident.");
        assert_eq!((t.latest, t.previous, t.incidents), (2.0, Some(4.0), 3));
        assert_eq!(
            trend(i, &[stress(2), stress(2)]).unwrap().direction,
            Direction::Similar
        );
        assert_eq!(
            trend(i, &[stress(2), stress(3)]).unwrap().direction,
            Direction::Higher
        );
    }

    #[test]
    fn no_scores_or_mixed_measures_are_errors() {
        let i = builtin_by_id("state-rumination").unwrap();
        assert_eq!(trend(i, &[]), Err(TrendError::NoScores));
        assert!(matches!(
            trend(i, &[stress(3)]),
            Err(TrendError::OtherInstrument { .. })
        ));
    }

    proptest! {
        #[test]
        fn every_reading_comes_from_the_file(values in proptest::collection::vec(1i64..=5, 1..10)) {
            let i = builtin_by_id("post-incident-stress").unwrap();
            let scores: Vec<Score> = values.iter().map(|&v| stress(v)).collect();
            let t = trend(i, &scores).unwrap();
            let r = i.reading();
            prop_assert!([&r.first, &r.lower, &r.similar, &r.higher].contains(&&t.reading));
            prop_assert_eq!(t.incidents, values.len());
        }
    }
}
