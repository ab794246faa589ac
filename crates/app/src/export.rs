//! Every table as CSV, in the words the pages use for its columns, so a lead
//! can take the story behind a number to a spreadsheet or a retrospective.
//! Built here, not in the web layer, so the CLI can write the same files.

use crate::burden::TeamBurden;
use crate::overview::{OrgOverview, TeamSummary};
use crate::pages::{PersonPages, Unattributed};

/// One CSV field: quoted when it holds a comma, quote or line break; a field
/// that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is
/// prefixed with `'`, as OWASP advises, because incident titles come from
/// outside senders.
fn field(out: &mut String, value: &str) {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = risky || value.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if risky {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

fn row<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f.as_ref());
    }
    // RFC 4180 ends records with CRLF; spreadsheets read either.
    out.push_str("\r\n");
}

/// The team table: one row per member, the figures the page shows.
pub fn team_burden_csv(tb: &TeamBurden) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "Person",
            "Email",
            "Time zone",
            "Role",
            "Sleep",
            "Off",
            "Business",
            "Disrupted nights",
            "Longest run",
            "vs median",
        ],
    );
    for m in &tb.members {
        let i = &m.burden.interruptions;
        row(
            &mut out,
            &[
                m.person.name.clone(),
                m.person.email.clone(),
                m.person.time_zone.clone(),
                m.role.to_string(),
                i.sleep.to_string(),
                i.off.to_string(),
                i.business.to_string(),
                m.burden.disrupted_nights.to_string(),
                m.burden.longest_disrupted_streak.to_string(),
                m.sleep_vs_median
                    .map(|r| format!("{r:.1}"))
                    .unwrap_or_default(),
            ],
        );
    }
    out
}

/// A person's pages: one row per page, local time first.
pub fn pages_csv(pages: &PersonPages) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "Local time",
            "Time zone",
            "Category",
            "Incident",
            "Incident key",
            "Source",
            "Sender link",
            "UTC",
        ],
    );
    for p in &pages.pages {
        row(
            &mut out,
            &[
                p.local.clone(),
                pages.person.time_zone.clone(),
                p.category.to_string(),
                p.title.clone().unwrap_or_default(),
                p.incident_key.clone(),
                p.source.clone(),
                p.link.clone().unwrap_or_default(),
                p.at.to_string(),
            ],
        );
    }
    out
}

/// A schedule's stretches over a period: one row per stretch, primary tier first, with
/// the layer and rotation that put each person there.
pub fn schedule_spans_csv(spans: &crate::schedules::ScheduleSpans) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "Tier",
            "Person",
            "Start (UTC)",
            "End (UTC)",
            "Layer",
            "Rotation",
        ],
    );
    for s in &spans.spans {
        row(
            &mut out,
            &[
                s.tier.clone(),
                s.name.clone(),
                s.start.to_string(),
                s.end.to_string(),
                (s.layer + 1).to_string(),
                s.rotation_name.clone(),
            ],
        );
    }
    out
}

/// What wakes a team's people: one row per alert source, most sleep interruptions first.
pub fn what_wakes_csv(r: &crate::wakes::WakesReport) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "Integration",
            "Alert",
            "Sleep interruptions",
            "Off-hours interruptions",
            "Business-hours interruptions",
            "Needed no action",
            "Share of sleep interruptions",
            "Cumulative share",
        ],
    );
    for s in &r.sources {
        row(
            &mut out,
            &[
                s.integration.clone(),
                s.alert.clone(),
                s.sleep.to_string(),
                s.off.to_string(),
                s.business.to_string(),
                s.no_action.to_string(),
                format!("{:.3}", s.sleep_share),
                format!("{:.3}", s.cumulative_sleep_share),
            ],
        );
    }
    out
}

/// A team's unattributed pages: one row per page, newest first, with whom the
/// sender named, as the team page lists them.
pub fn unattributed_csv(u: &Unattributed) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "When (UTC)",
            "Source",
            "Incident",
            "Incident key",
            "The sender named",
            "Named email",
            "Named name",
            "Suggested person",
        ],
    );
    for p in &u.pages {
        let named = match (&p.named_kind, &p.named_external_id) {
            (Some(kind), Some(id)) => format!("{kind}:{id}"),
            _ => String::new(),
        };
        row(
            &mut out,
            &[
                p.at.strftime("%Y-%m-%d %H:%M").to_string(),
                p.source.clone(),
                p.title.clone().unwrap_or_default(),
                p.incident_key.clone(),
                named,
                p.named_email.clone().unwrap_or_default(),
                p.named_name.clone().unwrap_or_default(),
                p.suggested
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            ],
        );
    }
    out
}

/// The team summaries (`/teams`, the organisation overview): one row per team; a team whose
/// figures are withheld from the caller has empty figure columns.
pub fn team_summaries_csv(teams: &[TeamSummary]) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "Team",
            "People",
            "Sleep",
            "Off",
            "Business",
            "Disrupted nights",
            "Median sleep",
            "Carrying the most nights",
            "Unattributed",
        ],
    );
    for t in teams {
        let mut fields = vec![t.team.name.clone(), t.members.to_string()];
        match &t.figures {
            Some(f) => fields.extend([
                f.sleep.to_string(),
                f.off.to_string(),
                f.business.to_string(),
                f.disrupted_nights.to_string(),
                format!("{:.1}", f.median_sleep),
                f.most_sleep
                    .as_ref()
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                f.unattributed.to_string(),
            ]),
            None => fields.extend(std::iter::repeat_n(String::new(), 7)),
        }
        row(&mut out, &fields);
    }
    out
}

/// Who carries the nights across the company: one row per person with a sleep-hour
/// interruption, most first.
pub fn carriers_csv(org: &OrgOverview) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "Person",
            "Email",
            "Time zone",
            "Teams",
            "Sleep",
            "Off",
            "Business",
            "Disrupted nights",
            "Longest run",
        ],
    );
    for c in &org.carriers {
        let teams: Vec<&str> = c.teams.iter().map(|t| t.name.as_str()).collect();
        row(
            &mut out,
            &[
                c.person.name.clone(),
                c.person.email.clone(),
                c.person.time_zone.clone(),
                teams.join("; "),
                c.sleep.to_string(),
                c.off.to_string(),
                c.business.to_string(),
                c.disrupted_nights.to_string(),
                c.longest_disrupted_streak.to_string(),
            ],
        );
    }
    out
}

/// A file name made only of letters, digits, `-` and `_`, so it needs no
/// quoting rules in a `Content-Disposition` header.
pub fn file_name(parts: &[&str]) -> String {
    let mut name = String::new();
    for part in parts {
        if !name.is_empty() {
            name.push('-');
        }
        name.extend(part.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
    }
    name.push_str(".csv");
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        row(
            &mut out,
            &[
                "plain",
                "a,b",
                "say \"hi\"",
                "=HYPERLINK(\"x\")",
                "-1",
                "two\nlines",
            ],
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",\"'-1\",\"two\nlines\"\r\n"
        );
        assert_eq!(
            file_name(&["Payments & Co", "2026-03-01"]),
            "payments___co-2026-03-01.csv"
        );
    }
}
