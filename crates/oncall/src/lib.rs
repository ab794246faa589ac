//! Who is on call: rotations, schedule layers and overrides (issue 9, item 1).
//!
//! Pure: definitions in, instants and spans out. Nothing here reads the clock or a
//! database.
//!
//! * A [`Rotation`] hands the pager from member to member at a local handoff time in its
//!   own zone. Shifts counted in days or weeks follow the calendar, not 24-hour blocks: a
//!   daily 09:00 handoff stays at 09:00 across a DST change (that shift is 23 or 25 hours
//!   long), and a handoff at a local time that does not exist that day (02:30 on a
//!   spring-forward day) happens at the first moment after the gap (03:30). Shifts counted
//!   in hours are exact elapsed hours.
//! * A [`Schedule`] stacks [`Layer`]s: a later layer wins wherever it is active, and a
//!   layer may be restricted to a daily window in a zone (follow-the-sun: 08:00–20:00 in
//!   one zone, the rest in another). [`Override`]s sit on top.
//! * [`Schedule::on_call`] answers "who at instant T"; [`Schedule::spans`] lists who was on
//!   call over a span with no gaps or overlaps between the pieces it returns.
//! * [`ical::feed`] writes those spans as an iCalendar feed.

pub mod health;
pub mod ical;
pub mod rest;

use jiff::civil::{DateTime, Time};
use jiff::tz::{Disambiguation, TimeZone};
use jiff::{SignedDuration, Span, Timestamp, ToSpan};
use serde::Serialize;

/// Whoever is on call: an opaque member id (a person id in Aftercare).
pub type Member = i64;

/// How long each shift lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "count", rename_all = "lowercase")]
pub enum ShiftLength {
    /// Exact elapsed hours.
    Hours(u32),
    /// Calendar days in the rotation's zone: the handoff keeps its local time.
    Days(u32),
    /// Calendar weeks in the rotation's zone.
    Weeks(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotationError {
    #[error("members: a rotation needs at least one member")]
    NoMembers,
    #[error("shift_length: must be at least 1 {0}")]
    ZeroLength(&'static str),
    #[error("shift_length: at most {max} {unit}")]
    TooLong { max: u32, unit: &'static str },
    #[error("window: start and end must differ")]
    EmptyWindow,
}

/// The longest shift: a rotation whose shift is longer than a year is not a rotation.
const MAX_HOURS: u32 = 24 * 366;

impl ShiftLength {
    fn check(self) -> Result<ShiftLength, RotationError> {
        let (n, unit, max) = match self {
            ShiftLength::Hours(n) => (n, "hours", MAX_HOURS),
            ShiftLength::Days(n) => (n, "days", 366),
            ShiftLength::Weeks(n) => (n, "weeks", 52),
        };
        if n == 0 {
            return Err(RotationError::ZeroLength(unit));
        }
        if n > max {
            return Err(RotationError::TooLong { max, unit });
        }
        Ok(self)
    }

    /// Parses `12h`, `1d`, `2w`.
    pub fn parse(text: &str) -> Option<ShiftLength> {
        let t = text.trim();
        let (num, unit) = t.split_at(t.len().checked_sub(1)?);
        let n: u32 = num.trim().parse().ok()?;
        match unit {
            "h" => Some(ShiftLength::Hours(n)),
            "d" => Some(ShiftLength::Days(n)),
            "w" => Some(ShiftLength::Weeks(n)),
            _ => None,
        }
    }
}

impl std::fmt::Display for ShiftLength {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShiftLength::Hours(n) => write!(f, "{n}h"),
            ShiftLength::Days(n) => write!(f, "{n}d"),
            ShiftLength::Weeks(n) => write!(f, "{n}w"),
        }
    }
}

/// Members in order, taking turns from `start` (a local date and handoff time in `zone`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    zone: TimeZone,
    start: DateTime,
    length: ShiftLength,
    members: Vec<Member>,
}

/// One shift of one member: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Turn {
    pub member: Member,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The shift's number from the rotation's start (0 is the first).
    pub index: i64,
}

/// A local time in a zone as an instant: a time in a gap moves forward by the gap, an
/// ambiguous time takes the earlier instant.
pub fn local_instant(zone: &TimeZone, at: DateTime) -> Option<Timestamp> {
    zone.to_ambiguous_timestamp(at)
        .disambiguate(Disambiguation::Compatible)
        .ok()
}

impl Rotation {
    pub fn new(
        zone: TimeZone,
        start: DateTime,
        length: ShiftLength,
        members: Vec<Member>,
    ) -> Result<Rotation, RotationError> {
        if members.is_empty() {
            return Err(RotationError::NoMembers);
        }
        Ok(Rotation {
            zone,
            start,
            length: length.check()?,
            members,
        })
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    pub fn length(&self) -> ShiftLength {
        self.length
    }

    /// The first instant of the rotation.
    pub fn starts_at(&self) -> Option<Timestamp> {
        local_instant(&self.zone, self.start)
    }

    /// Where shift `k` begins.
    fn boundary(&self, k: i64) -> Option<Timestamp> {
        match self.length {
            ShiftLength::Hours(h) => {
                let first = self.starts_at()?;
                let d = SignedDuration::from_hours(i64::from(h).checked_mul(k)?);
                first.checked_add(d).ok()
            }
            ShiftLength::Days(n) | ShiftLength::Weeks(n) => {
                let days = i64::from(n)
                    * if matches!(self.length, ShiftLength::Weeks(_)) {
                        7
                    } else {
                        1
                    };
                let span: Span = days.checked_mul(k)?.days();
                let local = self.start.checked_add(span).ok()?;
                local_instant(&self.zone, local)
            }
        }
    }

    /// An estimate of the shift index at `t`, exact for hour shifts and within one
    /// for calendar shifts (DST moves a boundary by at most a few hours).
    fn estimate(&self, t: Timestamp) -> Option<i64> {
        let first = self.starts_at()?;
        let secs = t.duration_since(first).as_secs();
        let per = match self.length {
            ShiftLength::Hours(h) => i64::from(h) * 3600,
            ShiftLength::Days(n) => i64::from(n) * 86_400,
            ShiftLength::Weeks(n) => i64::from(n) * 7 * 86_400,
        };
        Some(secs.div_euclid(per))
    }

    /// The turn covering `t`, or `None` before the rotation starts.
    pub fn turn_at(&self, t: Timestamp) -> Option<Turn> {
        let mut k = self.estimate(t)?;
        if k < 0 {
            return None;
        }
        // Calendar shifts: the estimate is off by at most one either way.
        for _ in 0..4 {
            let (start, end) = (self.boundary(k)?, self.boundary(k + 1)?);
            if t < start {
                k -= 1;
                if k < 0 {
                    return None;
                }
            } else if t >= end {
                k += 1;
            } else {
                return Some(self.turn(k, start, end));
            }
        }
        None
    }

    fn turn(&self, k: i64, start: Timestamp, end: Timestamp) -> Turn {
        let n = self.members.len() as i64;
        Turn {
            member: self.members[k.rem_euclid(n) as usize],
            start,
            end,
            index: k,
        }
    }

    /// Every turn overlapping `[from, to)`, in order; the first may start before `from`
    /// and the last end after `to`.
    pub fn turns(&self, from: Timestamp, to: Timestamp) -> Vec<Turn> {
        let mut out = Vec::new();
        let mut t = match self.starts_at() {
            Some(s) if s > from => s,
            Some(_) => from,
            None => return out,
        };
        while t < to {
            let Some(turn) = self.turn_at(t) else { break };
            if turn.end <= t {
                break;
            }
            t = turn.end;
            out.push(turn);
        }
        out
    }
}

/// A daily window in a zone, `[start, end)` local time; an end before the start wraps
/// past midnight (20:00–08:00).
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub zone: TimeZone,
    pub start: Time,
    pub end: Time,
}

impl Window {
    pub fn new(zone: TimeZone, start: Time, end: Time) -> Result<Window, RotationError> {
        if start == end {
            return Err(RotationError::EmptyWindow);
        }
        Ok(Window { zone, start, end })
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        let local = t.to_zoned(self.zone.clone()).time();
        if self.start < self.end {
            self.start <= local && local < self.end
        } else {
            local >= self.start || local < self.end
        }
    }

    /// The next instant after `t` at which `contains` may change (the next local start
    /// or end), so spans can be cut exactly at the window's edges.
    fn next_edge(&self, t: Timestamp) -> Option<Timestamp> {
        let z = t.to_zoned(self.zone.clone());
        let date = z.date();
        let mut best: Option<Timestamp> = None;
        for day in 0..3 {
            let d = date.checked_add(day.days()).ok()?;
            for time in [self.start, self.end] {
                if let Some(i) = local_instant(&self.zone, d.to_datetime(time))
                    && i > t
                    && best.is_none_or(|b| i < b)
                {
                    best = Some(i);
                }
            }
        }
        best
    }
}

/// A rotation, active everywhere or within a daily window, with the overrides made on
/// that rotation: inside the layer they replace its turn (cover someone arranged on the
/// rotation), and they never reach past the layer's window.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub rotation: Rotation,
    pub window: Option<Window>,
    pub overrides: Vec<Override>,
}

impl Layer {
    /// A layer with no window and no overrides of its own.
    pub fn whole(name: impl Into<String>, rotation: Rotation) -> Layer {
        Layer {
            name: name.into(),
            rotation,
            window: None,
            overrides: Vec::new(),
        }
    }

    /// The layer's own override holding `t` (a later one wins where they overlap).
    fn override_at(&self, t: Timestamp) -> Option<&Override> {
        self.overrides
            .iter()
            .rev()
            .find(|o| o.start <= t && t < o.end)
    }

    /// Whom this layer puts on call at `t`, if its window holds `t`.
    fn member_at(&self, t: Timestamp) -> Option<Member> {
        if self.window.as_ref().is_some_and(|w| !w.contains(t)) {
            return None;
        }
        match self.override_at(t) {
            Some(o) => Some(o.member),
            None => self.rotation.turn_at(t).map(|turn| turn.member),
        }
    }
}

/// Someone on call for a span instead of whoever the layers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Override {
    pub member: Member,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Layers, later ones on top, and overrides above them all (a later override wins over
/// an earlier one where they overlap).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    pub layers: Vec<Layer>,
    pub overrides: Vec<Override>,
}

/// Who was on call over a piece of time, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OnCallSpan {
    pub member: Member,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The layer (by position) that put them there, or `None` for an override.
    pub layer: Option<usize>,
}

impl Schedule {
    /// Whoever is on call at `t`, and the layer that says so (`None`: an override).
    pub fn on_call(&self, t: Timestamp) -> Option<(Member, Option<usize>)> {
        if let Some(o) = self
            .overrides
            .iter()
            .rev()
            .find(|o| o.start <= t && t < o.end)
        {
            return Some((o.member, None));
        }
        self.layers
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, l)| l.member_at(t).map(|member| (member, Some(i))))
    }

    /// The whole piece of time around `t` that one person carries for one reason: the
    /// override or the shift covering `t`, cut where another override starts or ends.
    pub fn piece_at(&self, t: Timestamp) -> Option<OnCallSpan> {
        let (_, layer) = self.on_call(t)?;
        let (lo, hi) = match layer {
            None => {
                let o = self
                    .overrides
                    .iter()
                    .rev()
                    .find(|o| o.start <= t && t < o.end)?;
                (o.start, o.end)
            }
            Some(i) => match self.layers[i].override_at(t) {
                Some(o) => (o.start, o.end),
                None => {
                    let turn = self.layers[i].rotation.turn_at(t)?;
                    (turn.start, turn.end)
                }
            },
        };
        self.spans(lo, hi)
            .into_iter()
            .find(|s| s.start <= t && t < s.end)
    }

    /// The next instant after `t` at which the answer of [`Schedule::on_call`] may change.
    fn next_change(&self, t: Timestamp) -> Option<Timestamp> {
        let mut best: Option<Timestamp> = None;
        let mut take = |c: Option<Timestamp>| {
            if let Some(c) = c
                && c > t
                && best.is_none_or(|b| c < b)
            {
                best = Some(c);
            }
        };
        for o in &self.overrides {
            take(Some(o.start));
            take(Some(o.end));
        }
        for l in &self.layers {
            match l.rotation.turn_at(t) {
                Some(turn) => take(Some(turn.end)),
                None => take(l.rotation.starts_at()),
            }
            if let Some(w) = &l.window {
                take(w.next_edge(t));
            }
            for o in &l.overrides {
                take(Some(o.start));
                take(Some(o.end));
            }
        }
        best
    }

    /// Who is on call over `[from, to)`, as consecutive pieces (a piece ends wherever the
    /// person or the reason changes; stretches with nobody on call are left out).
    pub fn spans(&self, from: Timestamp, to: Timestamp) -> Vec<OnCallSpan> {
        let mut out: Vec<OnCallSpan> = Vec::new();
        let mut t = from;
        while t < to {
            let next = self.next_change(t).map_or(to, |n| n.min(to));
            if let Some((member, layer)) = self.on_call(t) {
                match out.last_mut() {
                    Some(last) if last.end == t && last.member == member && last.layer == layer => {
                        last.end = next;
                    }
                    _ => out.push(OnCallSpan {
                        member,
                        start: t,
                        end: next,
                        layer,
                    }),
                }
            }
            if next <= t {
                break;
            }
            t = next;
        }
        out
    }
}

#[cfg(test)]
mod tests;
