//! The calendar heatmap of a person's nights and days, and the words for working
//! days.

use jiff::civil::{Date, Weekday};

use aftercare_burden::Burden;

/// One square of the calendar heatmap.
pub struct HeatCell {
    pub date: String,
    pub class: String,
    pub label: String,
    /// The pages behind the square; empty for a quiet day (nothing to list, and
    /// a tab stop per quiet day would make the calendar a chore by keyboard).
    pub href: String,
}

pub struct PersonPanel {
    pub person_id: aftercare_store::PersonId,
    pub name: String,
    pub time_zone: String,
    pub working: String,
    pub sleep: String,
    /// "the last 30 days" or "2026-03-01 to 2026-03-10".
    pub period_label: String,
    /// The query string that asks for this period again (`days=30`).
    pub query: String,
    /// The same figures over the period just before, in words: "previous 30 days: 8".
    pub previous: PreviousFigures,
    pub from_date: String,
    pub to_date: String,
    pub sleep_count: u32,
    pub off_count: u32,
    pub business_count: u32,
    pub disrupted_nights: u32,
    pub longest_streak: u32,
    pub nights: Vec<String>,
    pub weeks: Vec<Vec<HeatCell>>,
    pub months: Vec<MonthLabel>,
    pub heat_summary: String,
}

pub struct PreviousFigures {
    pub sleep: String,
    pub off: String,
    pub business: String,
    pub nights: String,
    pub streak: String,
}

/// A month's name above the calendar column of the week its first day falls in.
pub struct MonthLabel {
    /// 1-based grid column.
    pub column: usize,
    pub name: String,
}

/// Labels the calendar's columns like a contribution calendar: each month where
/// its first day falls, and the period's first month only if there is room for it.
pub fn month_labels(first: Date, last: Date) -> Vec<MonthLabel> {
    let lead = i64::from(first.weekday().to_monday_zero_offset());
    let column = |d: Date| {
        first
            .until(d)
            .map(|s| (lead + i64::from(s.get_days())) / 7)
            .unwrap_or(0)
    };
    let name = |d: Date| d.strftime("%b").to_string();
    let mut labels: Vec<MonthLabel> = Vec::new();
    let mut month = first.first_of_month();
    while let Ok(next) = month.checked_add(jiff::Span::new().months(1)) {
        if next > last {
            break;
        }
        labels.push(MonthLabel {
            column: usize::try_from(column(next)).unwrap_or(0) + 1,
            name: name(next),
        });
        month = next;
    }
    // Three columns (about 48px) fit a month's short name.
    if labels.first().is_none_or(|l| l.column > 3) {
        labels.insert(
            0,
            MonthLabel {
                column: 1,
                name: name(first),
            },
        );
    }
    labels
}

fn level(n: u32) -> u8 {
    match n {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=4 => 3,
        _ => 4,
    }
}

/// Lays the period's local days out as a contribution calendar: one column per
/// week (Monday first), each day coloured by its most disruptive category.
/// Quiet days and pads are plain squares; the others link to `pages` followed
/// by their date.
pub fn heat_weeks(burden: &Burden, first: Date, last: Date, pages: &str) -> Vec<Vec<HeatCell>> {
    let mut weeks = Vec::new();
    let lead = first.weekday().to_monday_zero_offset();
    let mut week: Vec<HeatCell> = (0..lead)
        .map(|_| HeatCell {
            date: String::new(),
            class: "pad".into(),
            label: String::new(),
            href: String::new(),
        })
        .collect();
    let mut day = first;
    let mut counts = burden.days.iter().peekable();
    while day <= last {
        while counts.peek().is_some_and(|c| c.date < day) {
            counts.next();
        }
        let (b, o, s) = match counts.peek() {
            Some(c) if c.date == day => (c.business, c.off, c.sleep),
            _ => (0, 0, 0),
        };
        let total = b + o + s;
        let (cat, n) = if s > 0 {
            ("sleep", s)
        } else if o > 0 {
            ("off", o)
        } else if b > 0 {
            ("business", b)
        } else {
            ("", 0)
        };
        let label = if total == 0 {
            format!("{day}: no interruptions")
        } else {
            format!("{day}: {s} sleep, {o} off-hour, {b} business-hour")
        };
        week.push(HeatCell {
            date: day.to_string(),
            class: format!("{cat} l{}", level(n)).trim().to_string(),
            label,
            href: if total == 0 {
                String::new()
            } else {
                format!("{pages}{day}")
            },
        });
        if day.weekday() == Weekday::Sunday {
            weeks.push(std::mem::take(&mut week));
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    if !week.is_empty() {
        weeks.push(week);
    }
    weeks
}

/// Working days as a person would write them: runs of consecutive days ("Mon–Fri",
/// "Sun–Thu", "Mon, Wed, Fri"), wrapping over the weekend.
pub fn days_label(days: &str) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let set: Vec<bool> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| days.split(',').any(|x| x.trim() == *d))
        .collect();
    let count = set.iter().filter(|d| **d).count();
    if count == 7 {
        return "every day".into();
    }
    if count == 0 {
        return "no working days".into();
    }
    let mut runs = Vec::new();
    // A run starts at a working day whose day before is not one; begin the scan on
    // Monday so runs come out in week order, except one that wraps from Sunday.
    for start in 0..7 {
        if set[start] && !set[(start + 6) % 7] {
            let mut len = 1;
            while len < 7 && set[(start + len) % 7] {
                len += 1;
            }
            runs.push(match len {
                1 => NAMES[start].to_string(),
                2 => format!("{}, {}", NAMES[start], NAMES[(start + 1) % 7]),
                _ => format!("{}–{}", NAMES[start], NAMES[(start + len - 1) % 7]),
            });
        }
    }
    runs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::days_label;

    #[test]
    fn working_days_read_as_runs() {
        assert_eq!(days_label("mon,tue,wed,thu,fri"), "Mon–Fri");
        assert_eq!(days_label("mon,tue,wed,thu,sun"), "Sun–Thu");
        assert_eq!(days_label("mon,wed,fri"), "Mon, Wed, Fri");
        assert_eq!(days_label("sat,sun"), "Sat, Sun");
        assert_eq!(days_label("mon,tue,wed,thu,fri,sat,sun"), "every day");
        assert_eq!(days_label("none"), "no working days");
    }
}
