//! Parse, don't validate: input from forms, JSON and CSV becomes a [`NewPerson`]
//! only through here, with errors that name the field and the reason.

use aftercare_burden::{BurdenError, DailyWindow, PersonHours, WorkingDays};
use aftercare_store::{NewPerson, TeamRole};
use aftercare_webhooks::Source;
use jiff::tz::TimeZone;

/// A refused field: its name as the caller spelled it, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// A person's fields as given; blank optional settings take their defaults
/// (working days Mon–Fri, 08:00–18:00, sleep 22:00–08:00: PagerDuty's business and
/// sleep hours).
#[derive(utoipa::ToSchema, Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    pub name: String,
    pub email: String,
    #[serde(alias = "timezone")]
    pub time_zone: String,
    #[serde(default, alias = "business_days")]
    pub working_days: Option<String>,
    #[serde(default, alias = "business_start")]
    pub working_start: Option<String>,
    #[serde(default, alias = "business_end")]
    pub working_end: Option<String>,
    #[serde(default)]
    pub sleep_start: Option<String>,
    #[serde(default)]
    pub sleep_end: Option<String>,
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn email(s: &str) -> Result<String, FieldError> {
    let e = s.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(e)
    } else {
        Err(FieldError::new(
            "email",
            format!("{s:?} is not an email address like name@example.com"),
        ))
    }
}

pub fn time_zone(s: &str) -> Result<String, FieldError> {
    let name = s.trim();
    if name.is_empty() {
        return Err(FieldError::new(
            "time_zone",
            "is required: an IANA time zone like Europe/London",
        ));
    }
    TimeZone::get(name).map(|_| name.to_string()).map_err(|_| {
        FieldError::new(
            "time_zone",
            format!("{name:?} is not an IANA time zone (like Europe/London or Asia/Kolkata)"),
        )
    })
}

fn window(
    kind: &str,
    start_field: &str,
    end_field: &str,
    start: &str,
    end: &str,
) -> Result<DailyWindow, FieldError> {
    DailyWindow::parse_named(kind, start, end).map_err(|e| match &e {
        BurdenError::TimeOfDay { field, .. } if field.ends_with("end") => {
            FieldError::new(end_field, e.to_string())
        }
        _ => FieldError::new(start_field, e.to_string()),
    })
}

pub fn person(input: &PersonInput) -> Result<NewPerson, FieldError> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", "is required"));
    }
    if name.chars().count() > 200 {
        return Err(FieldError::new("name", "must be at most 200 characters"));
    }
    let email = email(&input.email)?;
    let time_zone = time_zone(&input.time_zone)?;
    let days: WorkingDays = match blank(&input.working_days) {
        Some(s) => s
            .parse()
            .map_err(|e: BurdenError| FieldError::new("working_days", e.to_string()))?,
        None => WorkingDays::default(),
    };
    let working = window(
        "working hours",
        "working_start",
        "working_end",
        blank(&input.working_start).unwrap_or("08:00"),
        blank(&input.working_end).unwrap_or("18:00"),
    )?;
    let sleep = window(
        "sleep window",
        "sleep_start",
        "sleep_end",
        blank(&input.sleep_start).unwrap_or("22:00"),
        blank(&input.sleep_end).unwrap_or("08:00"),
    )?;
    if sleep.is_empty() {
        return Err(FieldError::new(
            "sleep_end",
            "the sleep window is empty (start and end are the same time): give the hours you are usually asleep",
        ));
    }
    if working.is_empty() && !days.is_empty() {
        return Err(FieldError::new(
            "working_end",
            "working hours are empty (start and end are the same time)",
        ));
    }
    let time_zone = TimeZone::get(&time_zone).map_err(|_| {
        FieldError::new(
            "time_zone",
            format!("{time_zone:?} is not an IANA time zone"),
        )
    })?;
    Ok(NewPerson {
        name: name.to_string(),
        email,
        hours: PersonHours {
            time_zone,
            working_days: days,
            working_hours: working,
            sleep_window: sleep,
        },
    })
}

/// Minutes in a daily window, across midnight if it spans it.
pub fn window_minutes(w: &DailyWindow) -> i32 {
    let minutes = |t: jiff::civil::Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
    let (start, end) = (minutes(w.start_time()), minutes(w.end_time()));
    if end > start {
        end - start
    } else {
        24 * 60 - start + end
    }
}

/// A gentle warning for a sleep window that is probably a mistake: under 4 hours
/// or over 14 (adults need 7 or more, per the American Academy of Sleep Medicine's
/// consensus statement, 2015; 4 and 14 leave room for real lives).
pub fn sleep_warning(hours: &PersonHours) -> Option<String> {
    let m = window_minutes(&hours.sleep_window);
    if m < 4 * 60 {
        Some(format!(
            "Your sleep window is {}h{:02}: pages outside it count as off-hours, not sleep. Is that right?",
            m / 60,
            m % 60
        ))
    } else if m > 14 * 60 {
        Some(format!(
            "Your sleep window is {}h{:02}: most pages would count as sleep interruptions. Is that right?",
            m / 60,
            m % 60
        ))
    } else {
        None
    }
}

/// The IANA time zones a picker offers, sorted: every name in the time zone
/// database jiff reads, less the `posix/` and `right/` copies some systems keep
/// beside the real ones. Read once: the database does not change while we run.
pub fn time_zone_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_string())
            .filter(|n| {
                !n.starts_with("posix")
                    && !n.starts_with("right/")
                    && n != "localtime"
                    && n != "Factory"
            })
            .collect();
        names.sort();
        names.dedup();
        names
    })
}

/// One working-day checkbox: the value the form sends, its label, and whether
/// it is ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayBox {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

const DAYS: [(&str, &str); 7] = [
    ("mon", "Mon"),
    ("tue", "Tue"),
    ("wed", "Wed"),
    ("thu", "Thu"),
    ("fri", "Fri"),
    ("sat", "Sat"),
    ("sun", "Sun"),
];

/// The seven boxes for a working-days value as stored ("mon-fri", "mon,tue",
/// "none"); a value that does not parse ticks none.
pub fn working_day_boxes(value: &str) -> Vec<DayBox> {
    let canonical = value
        .parse::<WorkingDays>()
        .map(|d| d.to_string())
        .unwrap_or_default();
    DAYS.iter()
        .map(|&(value, label)| DayBox {
            value,
            label,
            checked: canonical.split(',').any(|d| d == value),
        })
        .collect()
}

/// The ticked boxes as the stored text: "mon,tue", or "none" when none is
/// ticked (a form sends nothing for unticked boxes). A value that is not a day
/// is kept as given so the parser names it.
pub fn working_days_from_boxes<S: AsRef<str>>(ticked: &[S]) -> String {
    let days: Vec<&str> = ticked
        .iter()
        .map(|d| d.as_ref().trim())
        .filter(|d| !d.is_empty())
        .collect();
    if days.is_empty() {
        "none".into()
    } else {
        days.join(",")
    }
}

/// The identity kinds people can be matched by: one per webhook source, and email.
pub fn identity_kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = Source::ALL.iter().map(|s| s.as_str()).collect();
    kinds.push("email");
    kinds
}

/// An external identity as `(kind, external_id)`: a known kind, an id of 1 to 256
/// characters, and for `email` a real address (kept lower-case).
pub fn identity(kind: &str, external_id: &str) -> Result<(String, String), FieldError> {
    let k = kind.trim().to_lowercase();
    if !identity_kinds().contains(&k.as_str()) {
        return Err(FieldError::new(
            "kind",
            format!(
                "{kind:?} is not an identity kind: use one of {}",
                identity_kinds().join(", ")
            ),
        ));
    }
    let id = external_id.trim();
    if id.is_empty() || id.chars().count() > 256 {
        return Err(FieldError::new(
            "external_id",
            "must be 1 to 256 characters",
        ));
    }
    let id = if k == "email" {
        email(id).map_err(|e| FieldError::new("external_id", e.reason))?
    } else {
        id.to_string()
    };
    Ok((k, id))
}

/// A team role; blank means member.
pub fn team_role(role: &str) -> Result<TeamRole, FieldError> {
    if role.trim().is_empty() {
        return Ok(TeamRole::Member);
    }
    role.parse()
        .map_err(|e: aftercare_store::UnknownRole| FieldError::new("role", e.to_string()))
}

/// A team's name, reported under `field` (forms say `name`, imports `team`).
pub fn team_name_as(field: &str, s: &str) -> Result<String, FieldError> {
    let name = s.trim();
    if name.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if name.chars().count() > 100 {
        return Err(FieldError::new(field, "must be at most 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(name.to_string())
}

pub fn team_name(s: &str) -> Result<String, FieldError> {
    team_name_as("team", s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PersonInput {
        PersonInput {
            name: "Alex".into(),
            email: "Alex@Example.com".into(),
            time_zone: "Asia/Kolkata".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_fill_blank_settings() {
        let p = person(&input()).unwrap();
        assert_eq!(p.email, "alex@example.com");
        assert_eq!(p.hours.working_days.to_string(), "mon,tue,wed,thu,fri");
        assert_eq!(p.hours.working_hours.to_string(), "08:00-18:00");
        assert_eq!(
            (p.hours.sleep_window.start(), p.hours.sleep_window.end()),
            ("22:00".to_string(), "08:00".to_string())
        );
        assert_eq!(sleep_warning(&p.hours), None);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Change = Box<dyn Fn(&mut PersonInput)>;
        let cases: Vec<(&str, Change)> = vec![
            ("name", Box::new(|i| i.name = " ".into())),
            ("email", Box::new(|i| i.email = "not-an-email".into())),
            (
                "time_zone",
                Box::new(|i| i.time_zone = "Mars/Olympus".into()),
            ),
            (
                "working_days",
                Box::new(|i| i.working_days = Some("mon-fry".into())),
            ),
            (
                "working_start",
                Box::new(|i| i.working_start = Some("8".into())),
            ),
            (
                "sleep_end",
                Box::new(|i| i.sleep_end = Some("25:00".into())),
            ),
        ];
        for (field, change) in cases {
            let mut i = input();
            change(&mut i);
            let err = person(&i).unwrap_err();
            assert_eq!(err.field, field, "{err}");
        }
    }

    #[test]
    fn identities_and_roles_are_checked() {
        assert_eq!(
            identity(" PagerDuty ", " P123 ").unwrap(),
            ("pagerduty".to_string(), "P123".to_string())
        );
        assert_eq!(
            identity("email", "A@Example.com").unwrap().1,
            "a@example.com"
        );
        assert_eq!(identity("victorops", "x").unwrap_err().field, "kind");
        assert_eq!(identity("opsgenie", " ").unwrap_err().field, "external_id");
        assert_eq!(identity("email", "nope").unwrap_err().field, "external_id");
        assert_eq!(team_role("").unwrap(), TeamRole::Member);
        assert_eq!(team_role("lead").unwrap(), TeamRole::Lead);
        assert_eq!(team_role("boss").unwrap_err().field, "role");
    }

    #[test]
    fn working_days_go_to_boxes_and_back() {
        let ticked: Vec<&str> = working_day_boxes("mon-fri")
            .iter()
            .filter(|b| b.checked)
            .map(|b| b.value)
            .collect();
        assert_eq!(ticked, ["mon", "tue", "wed", "thu", "fri"]);
        assert_eq!(working_days_from_boxes(&ticked), "mon,tue,wed,thu,fri");
        assert_eq!(working_days_from_boxes::<&str>(&[]), "none");
        assert!(working_day_boxes("none").iter().all(|b| !b.checked));
        assert!(working_day_boxes("mon-fry").iter().all(|b| !b.checked));
        let zones = time_zone_names();
        assert!(zones.iter().any(|z| z == "Europe/London"), "{zones:?}");
        assert!(zones.iter().all(|z| !z.starts_with("posix")));
    }

    #[test]
    fn custom_days_are_made_canonical() {
        let mut i = input();
        i.working_days = Some("sun-thu".into());
        assert_eq!(
            person(&i).unwrap().hours.working_days.to_string(),
            "mon,tue,wed,thu,sun"
        );
        i.working_days = Some("monday".into());
        assert_eq!(person(&i).unwrap().hours.working_days.to_string(), "mon");
    }

    #[test]
    fn empty_sleep_windows_are_refused_and_odd_ones_warned_about() {
        let mut i = input();
        i.sleep_start = Some("23:00".into());
        i.sleep_end = Some("23:00".into());
        let err = person(&i).unwrap_err();
        assert_eq!(err.field, "sleep_end");
        assert!(err.reason.contains("empty"), "{err}");
        i.sleep_end = Some("01:00".into());
        let short = person(&i).unwrap();
        assert!(sleep_warning(&short.hours).unwrap().contains("2h00"));
        i.sleep_start = Some("18:00".into());
        i.sleep_end = Some("10:00".into());
        assert!(
            sleep_warning(&person(&i).unwrap().hours)
                .unwrap()
                .contains("16h00")
        );
        assert_eq!(team_role("boss").unwrap_err().field, "role");
        assert!(team_role("Lead").is_ok());
    }
}
