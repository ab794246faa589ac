//! `aftercare burden`: a person's or a team's figures as an aligned table, CSV or
//! JSON. The figures come from the same use-case as the API and the pages.

use std::io::Write;

use aftercare_app::burden::{person_burden, team_burden};
use aftercare_burden::{Burden, Period};
use aftercare_store::{Person, Store, Team};

pub struct Row {
    pub name: String,
    pub email: String,
    pub burden: Burden,
}

pub struct Report {
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    pub rows: Vec<Row>,
    pub median_sleep: Option<f64>,
    pub json: serde_json::Value,
}

fn day(t: jiff::Timestamp) -> String {
    // Whole seconds: sub-second digits help nobody reading a report.
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

impl Report {
    pub async fn person(store: &Store, p: &Person, period: Period) -> anyhow::Result<Report> {
        let burden = person_burden(store, p, period).await?;
        let mut json = serde_json::to_value(&burden)?;
        json["person"] = serde_json::to_value(aftercare_app::burden::PersonSummary::from(p))?;
        json["from"] = serde_json::to_value(period.from().round(jiff::Unit::Second)?)?;
        json["to"] = serde_json::to_value(period.to().round(jiff::Unit::Second)?)?;
        Ok(Report {
            from: period.from(),
            to: period.to(),
            rows: vec![Row {
                name: p.name.clone(),
                email: p.email.clone(),
                burden,
            }],
            median_sleep: None,
            json,
        })
    }

    pub async fn team(store: &Store, t: &Team, period: Period) -> anyhow::Result<Report> {
        let tb = team_burden(store, t, period).await?;
        let json = serde_json::to_value(&tb)?;
        let mut rows: Vec<Row> = tb
            .members
            .into_iter()
            .map(|m| Row {
                name: m.person.name,
                email: m.person.email,
                burden: m.burden,
            })
            .collect();
        // Who carries the nights first, as on the team page.
        rows.sort_by(|a, b| {
            b.burden
                .interruptions
                .sleep
                .cmp(&a.burden.interruptions.sleep)
                .then(b.burden.disrupted_nights.cmp(&a.burden.disrupted_nights))
                .then(a.name.cmp(&b.name))
        });
        Ok(Report {
            from: period.from(),
            to: period.to(),
            rows,
            median_sleep: Some(tb.spread.median_sleep),
            json,
        })
    }

    pub fn write_text(&self, w: &mut impl Write) -> std::io::Result<()> {
        writeln!(w, "{} to {}", day(self.from), day(self.to))?;
        let width = self
            .rows
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("person".len());
        writeln!(
            w,
            "{:<width$}  {:>5}  {:>5}  {:>8}  {:>5}  {:>16}  {:>14}",
            "person", "sleep", "off", "business", "total", "disrupted nights", "longest streak"
        )?;
        for r in &self.rows {
            let i = &r.burden.interruptions;
            writeln!(
                w,
                "{:<width$}  {:>5}  {:>5}  {:>8}  {:>5}  {:>16}  {:>14}",
                r.name,
                i.sleep,
                i.off,
                i.business,
                i.total,
                r.burden.disrupted_nights,
                r.burden.longest_disrupted_streak
            )?;
        }
        if let Some(m) = self.median_sleep {
            writeln!(w, "team median of sleep interruptions: {m:.1}")?;
        }
        Ok(())
    }

    pub fn write_csv(&self, w: &mut impl Write) -> anyhow::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "name",
            "email",
            "from",
            "to",
            "sleep",
            "off",
            "business",
            "total",
            "disrupted_nights",
            "longest_streak",
        ])?;
        let (from, to) = (day(self.from), day(self.to));
        for r in &self.rows {
            let i = &r.burden.interruptions;
            out.write_record([
                r.name.as_str(),
                r.email.as_str(),
                &from,
                &to,
                &i.sleep.to_string(),
                &i.off.to_string(),
                &i.business.to_string(),
                &i.total.to_string(),
                &r.burden.disrupted_nights.to_string(),
                &r.burden.longest_disrupted_streak.to_string(),
            ])?;
        }
        out.flush()?;
        Ok(())
    }
}

/// `aftercare burden --org`: every team side by side, then who carries the nights.
pub fn write_org_text(
    org: &aftercare_app::overview::OrgOverview,
    w: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(w, "{} to {}", day(org.from), day(org.to))?;
    let width = org
        .teams
        .iter()
        .map(|t| t.team.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("team".len());
    writeln!(
        w,
        "{:<width$}  {:>6}  {:>5}  {:>5}  {:>8}  {:>16}  {:>12}  {:>12}",
        "team",
        "people",
        "sleep",
        "off",
        "business",
        "disrupted nights",
        "median sleep",
        "unattributed"
    )?;
    for t in &org.teams {
        if let Some(f) = &t.figures {
            writeln!(
                w,
                "{:<width$}  {:>6}  {:>5}  {:>5}  {:>8}  {:>16}  {:>12.1}  {:>12}",
                t.team.name,
                t.members,
                f.sleep,
                f.off,
                f.business,
                f.disrupted_nights,
                f.median_sleep,
                f.unattributed
            )?;
        }
    }
    writeln!(w)?;
    writeln!(
        w,
        "who carries the nights (everyone paged in their sleep window, most first):"
    )?;
    let width = org
        .carriers
        .iter()
        .map(|c| c.person.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("person".len());
    writeln!(
        w,
        "{:<width$}  {:>5}  {:>5}  {:>8}  {:>16}  {:>14}  teams",
        "person", "sleep", "off", "business", "disrupted nights", "longest streak"
    )?;
    for c in &org.carriers {
        let teams: Vec<&str> = c.teams.iter().map(|t| t.name.as_str()).collect();
        writeln!(
            w,
            "{:<width$}  {:>5}  {:>5}  {:>8}  {:>16}  {:>14}  {}",
            c.person.name,
            c.sleep,
            c.off,
            c.business,
            c.disrupted_nights,
            c.longest_disrupted_streak,
            if teams.is_empty() {
                "no team".to_string()
            } else {
                teams.join(", ")
            }
        )?;
    }
    Ok(())
}
