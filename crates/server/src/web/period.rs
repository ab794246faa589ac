//! The period control every burden view shares: the presets, the from/to dates
//! and the previous period beside each figure. The reading itself is
//! `aftercare_app::burden::choose_period`; this only keeps what was typed and
//! puts its error beside the field.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use aftercare_app::AppError;
use aftercare_app::burden::{self, ChosenPeriod, PRESET_DAYS};

use super::forms::FormState;

/// A page's period in its query string, as typed: all text, so a bad value is
/// our error beside the field and never a framework's rejection.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PeriodArgs {
    pub days: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What the period control template shows.
pub(crate) struct PeriodControl {
    pub action: String,
    pub presets: Vec<i64>,
    pub preset: Option<i64>,
    /// The date inputs' values: the period shown, or what was typed when it was refused.
    pub from: String,
    pub to: String,
    pub errors: FormState,
    /// Filters of the page that a change of period keeps (e.g. a category).
    pub hidden: Vec<(String, String)>,
}

impl PeriodControl {
    pub fn is_preset(&self, days: &i64) -> bool {
        self.preset == Some(*days)
    }
}

const FIELDS: [(&str, &str); 3] = [("days", "Days"), ("from", "From"), ("to", "To")];

/// The period asked for, or the default one with the error beside its field
/// when it cannot be read (the page then answers 400). Server errors pass on.
pub(super) fn resolve(
    args: &PeriodArgs,
    tz: &TimeZone,
    action: String,
) -> Result<(ChosenPeriod, PeriodControl), AppError> {
    let now = Timestamp::now();
    let asked = burden::choose_period(
        args.days.as_deref(),
        args.from.as_deref(),
        args.to.as_deref(),
        tz,
        now,
    );
    let (chosen, errors) = match asked {
        Ok(c) => (c, FormState::none()),
        Err(e @ AppError::Internal(_)) => return Err(e),
        Err(e) => (
            burden::choose_period(None, None, None, tz, now)?,
            FormState::from_error("period", &e, &FIELDS),
        ),
    };
    let (from, to) = if errors.failed() {
        (
            args.from.clone().unwrap_or_default(),
            args.to.clone().unwrap_or_default(),
        )
    } else {
        (chosen.first_day.to_string(), chosen.last_day.to_string())
    };
    let mut presets = PRESET_DAYS.to_vec();
    if let Some(d) = chosen.preset
        && !presets.contains(&d)
    {
        presets.push(d);
        presets.sort_unstable();
    }
    // Refused dates: the select says the dates are what to fix (and any preset
    // is a change, so choosing one recovers), though the default is shown.
    let preset = if errors.failed() && (given(&args.from) || given(&args.to)) {
        None
    } else {
        chosen.preset
    };
    Ok((
        chosen,
        PeriodControl {
            action,
            presets,
            preset,
            from,
            to,
            errors,
            hidden: Vec::new(),
        },
    ))
}

fn given(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// A figure beside its previous value: "previous 30 days: 8".
pub(crate) fn previous(chosen: &ChosenPeriod, n: u32) -> String {
    format!("{}: {n}", chosen.previous_label())
}
