//! `aftercare demo`: a believable organisation for a first look. Three teams,
//! 25 people in six time zones, 90 days of pages up to now, and a few people
//! clearly carrying the nights, so every view has something true to show.

use anyhow::bail;
use jiff::{SignedDuration, Timestamp};

use aftercare_app::{passwords, validate};
use aftercare_store::{NewIntegration, NewNotification, PersonId, Store, TeamId, TeamRole};

pub const DEMO_ADMIN: &str = "admin@example.com";
pub const DEMO_PASSWORD: &str = "aftercare-demo";

/// A small deterministic generator (splitmix64): the demo is the same every time
/// for the same "now", with no dependency for it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Poisson-distributed count with mean `lambda` (Knuth's method; small lambdas).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

struct DemoPerson {
    name: &'static str,
    tz: &'static str,
    days: &'static str,
    sleep: (&'static str, &'static str),
}

const fn p(name: &'static str, tz: &'static str) -> DemoPerson {
    DemoPerson {
        name,
        tz,
        days: "mon-fri",
        sleep: ("22:00", "08:00"),
    }
}

struct DemoTeam {
    name: &'static str,
    source: &'static str,
    /// Mean incidents a day.
    rate: f64,
    /// Share of incidents between 00:00 and 06:00 UTC (a nightly batch that fails).
    night_share: f64,
    /// Index of a member who takes this share of pages whatever the rotation says.
    hero: Option<(usize, f64)>,
    people: Vec<DemoPerson>,
}

fn teams() -> Vec<DemoTeam> {
    vec![
        DemoTeam {
            name: "payments",
            source: "pagerduty",
            rate: 1.7,
            night_share: 0.45,
            hero: Some((1, 0.35)),
            people: vec![
                p("Alex Rivera", "Europe/London"),
                p("Sam Okafor", "Europe/London"),
                p("Priya Natarajan", "Asia/Kolkata"),
                DemoPerson {
                    name: "Noa Levi",
                    tz: "Asia/Jerusalem",
                    days: "sun-thu",
                    sleep: ("23:00", "07:00"),
                },
                p("Mateo Fernández", "Europe/Berlin"),
                p("Grace Huang", "America/New_York"),
                p("Tom Becker", "Europe/Berlin"),
                p("Aisha Bello", "Europe/London"),
                p("Kenji Watanabe", "Asia/Tokyo"),
            ],
        },
        DemoTeam {
            name: "search",
            source: "opsgenie",
            rate: 0.8,
            night_share: 0.2,
            hero: None,
            people: vec![
                p("Jordan Lee", "America/Los_Angeles"),
                p("Maya Patel", "America/New_York"),
                DemoPerson {
                    name: "Liam O'Connor",
                    tz: "America/Chicago",
                    days: "mon-fri",
                    sleep: ("23:30", "07:30"),
                },
                p("Chloe Martin", "America/Los_Angeles"),
                p("Omar Haddad", "America/New_York"),
                p("Emma Schulz", "Europe/Berlin"),
                p("Lucas Silva", "America/Sao_Paulo"),
                p("Hannah Kim", "America/Los_Angeles"),
            ],
        },
        DemoTeam {
            name: "platform",
            source: "grafana-oncall",
            rate: 1.3,
            night_share: 0.3,
            hero: Some((0, 0.5)),
            people: vec![
                p("Ruby Walker", "Australia/Sydney"),
                p("Ethan Brown", "Australia/Sydney"),
                p("Isla Thompson", "Pacific/Auckland"),
                p("Arjun Mehta", "Asia/Kolkata"),
                DemoPerson {
                    name: "Zoe Nguyen",
                    tz: "Australia/Melbourne",
                    days: "mon-fri",
                    sleep: ("21:30", "06:30"),
                },
                p("Oliver Wright", "Europe/London"),
                p("Sofia Rossi", "Europe/Rome"),
                p("Daniel Cohen", "America/New_York"),
            ],
        },
    ]
}

fn email_of(name: &str) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            ' ' => '.',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .filter(|c| *c != '-')
        .collect();
    format!("{ascii}@example.com")
}

pub async fn fill(store: &Store) -> anyhow::Result<()> {
    if store.person_by_email(DEMO_ADMIN).await?.is_some() {
        eprintln!(
            "the demo organisation is already here; log in as {DEMO_ADMIN} / {DEMO_PASSWORD}"
        );
        return Ok(());
    }
    if store.count_people().await? > 0 {
        bail!(
            "this database already has people: `aftercare demo` only fills an empty database (point --database-url at a new one)"
        );
    }
    let hash = passwords::hash_password(DEMO_PASSWORD)?;
    let admin = validate::person(&validate::PersonInput {
        name: "Avery Admin".into(),
        email: DEMO_ADMIN.into(),
        time_zone: "Europe/London".into(),
        ..Default::default()
    })?;
    store.create_admin(&admin, &hash, true).await?;

    let now = Timestamp::now();
    let start = now.checked_sub(SignedDuration::from_hours(24 * 90))?;
    let mut rng = Rng(0xA11C_A7E5);
    let mut notifications = Vec::new();
    let mut leads = Vec::new();
    let mut members: Vec<String> = Vec::new();
    let mut team_people: Vec<(&'static str, TeamId, Vec<PersonId>)> = Vec::new();
    // Public holidays every rotation follows: England and Wales's bank holidays of 2026
    // and 2027 (GOV.UK, "UK bank holidays").
    let holidays = store
        .create_holiday_calendar(&aftercare_store::NewHolidayCalendar {
            name: "England and Wales bank holidays".into(),
            region: "England and Wales".into(),
            source: "UK bank holidays (GOV.UK)".into(),
            days: BANK_HOLIDAYS
                .iter()
                .map(|(d, n)| (d.to_string(), n.to_string()))
                .collect(),
        })
        .await?
        .id;
    for team_def in teams() {
        let team = store.ensure_team(team_def.name).await?;
        let mut ids = Vec::new();
        for (i, dp) in team_def.people.iter().enumerate() {
            let input = validate::PersonInput {
                name: dp.name.into(),
                email: email_of(dp.name),
                time_zone: dp.tz.into(),
                working_days: Some(dp.days.into()),
                sleep_start: Some(dp.sleep.0.into()),
                sleep_end: Some(dp.sleep.1.into()),
                ..Default::default()
            };
            let new = validate::person(&input)?;
            let (person, _) = store.upsert_person(&new).await?;
            store.join_team(team.id, person.id).await?;
            store
                .link_identity(
                    person.id,
                    team_def.source,
                    &format!("{}-{:03}", &team_def.source[..2].to_uppercase(), person.id),
                    true,
                )
                .await?;
            // Every demo person can sign in, so a newcomer can see Aftercare as
            // the person who carries the pager does, not only as a lead.
            store.set_password_hash(person.id, &hash).await?;
            if i == 0 {
                store
                    .set_membership(team.id, person.id, TeamRole::Lead)
                    .await?;
                leads.push((team_def.name, person.email.clone()));
            } else {
                members.push(person.email.clone());
            }
            ids.push(person.id);
        }
        team_people.push((team_def.name, team.id, ids.clone()));
        // The weekly rotation the demo's pages follow below: week k is member k.
        let rotation = store
            .create_rotation(&aftercare_store::NewRotation {
                team_id: team.id,
                name: "primary".into(),
                time_zone: "UTC".into(),
                starts_local: start.strftime("%Y-%m-%dT%H:%M").to_string(),
                shift_length: "1w".into(),
                members: ids.clone(),
            })
            .await?;
        demo_rotation_life(store, &rotation, &ids, start, now).await?;
        store
            .create_schedule(&aftercare_store::NewSchedule {
                team_id: team.id,
                name: "paging".into(),
                layers: vec![aftercare_store::StoredLayer {
                    tier: "primary".into(),
                    rotation_id: rotation.rotation.id,
                    window_start: None,
                    window_end: None,
                    window_zone: None,
                }],
            })
            .await?;
        store
            .set_rotation_holidays(rotation.rotation.id, Some(holidays))
            .await?;
        store
            .create_integration(&NewIntegration {
                public_id: format!("demo-{}", team_def.name),
                team_id: team.id,
                source: team_def.source.into(),
                name: format!("{} {}", team_def.name, team_def.source),
                secret: passwords::random_hex(24),
            })
            .await?;
        for day in 0..90i64 {
            let week = day / 7;
            let on_call = ids[(week as usize) % ids.len()];
            for n in 0..rng.poisson(team_def.rate) {
                let seconds = if rng.unit() < team_def.night_share {
                    rng.below(6 * 3_600) as i64
                } else {
                    6 * 3_600 + rng.below(18 * 3_600) as i64
                };
                let at = start.checked_add(SignedDuration::from_secs(day * 86_400 + seconds))?;
                if at >= now {
                    continue;
                }
                let person = match team_def.hero {
                    Some((hero, share)) if rng.unit() < share => ids[hero],
                    _ => on_call,
                };
                let key = format!("{}-{day}-{n}", team_def.name);
                let alert = alert_name(rng.unit());
                // One to three notifications 30 s apart: one interruption. Some
                // incidents page again after the escalation timeout.
                let mut t = at;
                for _ in 0..(1 + rng.below(3)) {
                    notifications.push(demo_note(person, team.id, t, &key, team_def.source, alert));
                    t = t.checked_add(SignedDuration::from_secs(30))?;
                }
                if rng.unit() < 0.2 {
                    let later =
                        at.checked_add(SignedDuration::from_secs(600 + rng.below(1_200) as i64))?;
                    if later < now {
                        notifications.push(demo_note(
                            person,
                            team.id,
                            later,
                            &key,
                            team_def.source,
                            alert,
                        ));
                    }
                }
            }
        }
    }
    let mut import = store.begin_import().await?;
    import.push(&notifications).await?;
    let count = import.commit().await?.stored;
    // Whoever is on call now and has had two bad nights in this shift has earned rest.
    aftercare_app::rest::sweep(store, now).await?;
    let incidents = care(store, &team_people, now).await?;
    eprintln!(
        "demo organisation ready: 3 teams, 25 people, {count} notifications over 90 days, {incidents} resolved incidents with their check-ins"
    );
    eprintln!("log in as {DEMO_ADMIN} / {DEMO_PASSWORD} (admin)");
    for (team, email) in leads {
        eprintln!("  or as {email} / {DEMO_PASSWORD} (lead of {team})");
    }
    if let Some(member) = members.first() {
        eprintln!("  or as a member who carries the pager, e.g. {member} / {DEMO_PASSWORD}");
    }
    Ok(())
}

const BANK_HOLIDAYS: [(&str, &str); 16] = [
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
];

/// The demo's alerts, the noisiest first: a few cause most pages, as in real teams, so
/// "what wakes people" has a story to tell.
const ALERTS: [(&str, f64); 6] = [
    ("Disk usage over 90% on a batch node", 0.32),
    ("Checkout p99 latency over 2 s", 0.22),
    ("Health check flapping", 0.18),
    ("Queue depth high", 0.12),
    ("TLS certificate expires in 7 days", 0.08),
    ("Error rate over 1%", 0.08),
];

fn alert_name(roll: f64) -> &'static str {
    let mut acc = 0.0;
    for (name, share) in ALERTS {
        acc += share;
        if roll < acc {
            return name;
        }
    }
    ALERTS[ALERTS.len() - 1].0
}

fn demo_note(
    person: PersonId,
    team: TeamId,
    at: Timestamp,
    key: &str,
    source: &str,
    alert: &str,
) -> NewNotification {
    NewNotification {
        title: Some(alert.to_string()),
        ..NewNotification::bare(
            Some(person),
            Some(team),
            at.as_millisecond(),
            key,
            source,
            "assigned",
        )
    }
}

/// Care after incidents in the demo: two resolved incidents a team with their people,
/// a peer supporter in each team, the organisation's employee assistance, and the
/// care each incident starts (check-ins, pairings, the lead's checklist), made now by
/// the same job `aftercare serve` runs. The incidents resolved days ago, so a first
/// check-in is waiting for each person in them (in their own working hours).
async fn care(
    store: &Store,
    teams: &[(&'static str, TeamId, Vec<PersonId>)],
    now: Timestamp,
) -> anyhow::Result<usize> {
    use aftercare_store::{IncidentChange, NewIncident, ParticipantOrigin, ParticipantRole};
    const TITLES: [(&str, &str, i64); 6] = [
        ("payments", "Card authorisations timing out", 9),
        ("payments", "Refund queue stuck behind a poison message", 2),
        ("search", "Index rebuild filled the disk", 8),
        ("search", "Empty results after a schema change", 3),
        (
            "platform",
            "Certificate expiry on the internal load balancer",
            10,
        ),
        ("platform", "DNS resolution failing in one region", 2),
    ];
    store
        .add_support_resource(
            "Employee Assistance Programme",
            "0800 000 0000, 24 hours, confidential",
            "Free short-term counselling for you and your household.",
        )
        .await?;
    let mut made = 0;
    for (name, team, people) in teams {
        // The last person of each team volunteers to support colleagues after incidents.
        let volunteer = people.last().copied();
        if let Some(v) = volunteer {
            store.set_supporter(v, true).await?;
        }
        for (k, (team_name, title, days_ago)) in TITLES.iter().enumerate() {
            if team_name != name {
                continue;
            }
            let resolved = now.checked_sub(SignedDuration::from_hours(24 * days_ago))?;
            let started = resolved.checked_sub(SignedDuration::from_mins(95))?;
            let incident = store
                .create_incident(&NewIncident {
                    team_id: Some(*team),
                    incident_key: format!("demo-incident-{k}"),
                    title: (*title).into(),
                    severity: Some(if k % 2 == 0 { "P1" } else { "P2" }.into()),
                    started_at: started.as_millisecond(),
                    resolved_at: None,
                    created_by: None,
                })
                .await?;
            // Everyone but the lead and the volunteer was in it: responders, and in every
            // other incident one investigator.
            for (i, p) in people.iter().enumerate().skip(1) {
                if Some(*p) == volunteer {
                    continue;
                }
                let role = if i == 2 && k % 2 == 1 {
                    ParticipantRole::Investigator
                } else {
                    ParticipantRole::Responder
                };
                store
                    .add_participant(
                        incident.id,
                        *p,
                        role,
                        ParticipantOrigin::Payload,
                        started.as_millisecond(),
                    )
                    .await?;
            }
            store
                .update_incident(
                    incident.id,
                    &IncidentChange {
                        resolved_at: Some(Some(resolved.as_millisecond())),
                        ..Default::default()
                    },
                )
                .await?;
            made += 1;
        }
    }
    // The care jobs those resolutions enqueued, run here so the demo opens with them done;
    // their messages wait for each person's working time, which `aftercare serve` delivers.
    let runner = aftercare_app::jobs::Runner::new(
        store.clone(),
        aftercare_app::channels::Delivery::new("http://127.0.0.1:8080"),
        aftercare_app::jobs::RunnerConfig::new("demo"),
    );
    for _ in 0..100 {
        if runner.tick(Timestamp::now()).await?.claimed == 0 {
            break;
        }
    }
    Ok(made)
}

/// What a rotation's page has to show in the tour: someone's leave that meets their
/// next shift (a collision warning), an open request for cover next week, a fire drill
/// held two months ago that not everyone took part in, and a newcomer with a buddy and
/// a shadow shift planned.
async fn demo_rotation_life(
    store: &Store,
    rotation: &aftercare_store::RotationWithMembers,
    ids: &[aftercare_store::PersonId],
    start: jiff::Timestamp,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    let week = 7 * 86_400_000_i64;
    let day = 86_400_000_i64;
    let begun = start.as_millisecond();
    let this_week = (now.as_millisecond() - begun).div_euclid(week);
    let shift_of = |k: i64| begun + k * week;
    let person_of = |k: i64| ids[(k.rem_euclid(ids.len() as i64)) as usize];
    // The person on call in two weeks has three days of leave in that week.
    let later = this_week + 2;
    store
        .add_time_off(&aftercare_store::NewTimeOff {
            person_id: person_of(later),
            starts_at: shift_of(later) + 2 * day,
            ends_at: shift_of(later) + 5 * day,
            kind: "leave".into(),
            note: "a long weekend away".into(),
        })
        .await?;
    // Next week's person asks for cover for one night.
    let next = this_week + 1;
    store
        .create_cover_request(&aftercare_store::NewCoverRequest {
            rotation_id: rotation.rotation.id,
            person_id: person_of(next),
            starts_at: shift_of(next) + 2 * day + 9 * 3_600_000,
            ends_at: shift_of(next) + 3 * day,
            note: "a school concert".into(),
            swap: None,
            created_by: Some(person_of(next)),
        })
        .await?;
    let drill = store
        .schedule_drill(
            rotation.rotation.id,
            now.as_millisecond() - 60 * day,
            "the primary database fails over",
            ids.first().copied(),
        )
        .await?;
    store
        .record_drill(
            drill.id,
            now.as_millisecond() - 60 * day,
            &ids[..ids.len().min(2)],
        )
        .await?;
    // The rotation's last member is new to on call: the first is their buddy, and they
    // shadow the next shift that is not their own.
    if let (Some(&newcomer), Some(&buddy)) = (ids.last(), ids.first())
        && newcomer != buddy
    {
        let marked = store
            .add_newcomer(rotation.rotation.id, newcomer, buddy, Some(buddy))
            .await?;
        let k = (next..next + 3)
            .find(|&k| person_of(k) != newcomer)
            .unwrap_or(next);
        store
            .add_shadow_shift(marked.id, shift_of(k), shift_of(k + 1), Some(buddy))
            .await?;
    }
    Ok(())
}
