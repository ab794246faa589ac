//! The story behind each number: the pages a figure, a night or a heatmap cell is
//! made of, and the pages a team's integrations could not attribute.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use aftercare_burden::{Category, Period};
use aftercare_store::{Notification, NotificationId, PersonId, Store, TeamId};

use crate::burden::PersonSummary;
use crate::error::{AppError, Result};
use crate::policy::Actor;
use crate::teams::TeamView;

/// Which of a person's pages to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFilter {
    pub category: Option<Category>,
    /// A local date in the person's own zone: the pages whose local date it is.
    pub date: Option<Date>,
    /// A heatmap cell: the pages that colour it (sleep-hour ones under the night
    /// they disturbed, which began the evening before a 02:00 page; the others
    /// under their local date).
    pub day: Option<Date>,
}

impl PageFilter {
    pub fn parse(category: Option<&str>, date: Option<&str>) -> Result<PageFilter> {
        PageFilter::parse_with_day(category, date, None)
    }

    pub fn parse_with_day(
        category: Option<&str>,
        date: Option<&str>,
        day: Option<&str>,
    ) -> Result<PageFilter> {
        let day = match day.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(d) => Some(d.parse::<Date>().map_err(|_| {
                AppError::invalid("day", format!("{d:?} is not a date like 2026-03-04"))
            })?),
        };
        let category = match category.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some("sleep") => Some(Category::Sleep),
            Some("off") => Some(Category::Off),
            Some("business") => Some(Category::Business),
            Some(other) => {
                return Err(AppError::invalid(
                    "category",
                    format!("{other:?} is not a category: use sleep, off or business"),
                ));
            }
        };
        let date = match date.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(d) => Some(d.parse::<Date>().map_err(|_| {
                AppError::invalid("date", format!("{d:?} is not a date like 2026-03-04"))
            })?),
        };
        Ok(PageFilter {
            category,
            date,
            day,
        })
    }

    /// The period that holds every page of a heatmap cell in any time zone: the
    /// day before it to the day after (a night runs into the next morning, and
    /// local dates are up to 14 hours from UTC's).
    pub fn day_period(&self) -> Option<Period> {
        let day = self.day?;
        let start = day.yesterday().ok()?.to_zoned(TimeZone::UTC).ok()?;
        let end = day
            .checked_add(jiff::Span::new().days(2))
            .ok()?
            .to_zoned(TimeZone::UTC)
            .ok()?;
        Period::new(start.timestamp(), end.timestamp()).ok()
    }
}

/// A sender's link as we show it: only `http` and `https` addresses, so a
/// payload cannot put a `javascript:` link on a page or in a spreadsheet.
pub fn safe_link(link: Option<String>) -> Option<String> {
    link.filter(|l| {
        let lower = l.trim_start().to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    })
}

/// One page as a person reads it.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct PageView {
    pub id: NotificationId,
    pub at: Timestamp,
    /// Local time in the person's own zone, e.g. `Tue 2026-03-03 02:14`.
    pub local: String,
    pub local_date: Date,
    /// The heatmap cell this page colours (see [`PageFilter::day`]).
    pub day: Date,
    pub category: Category,
    pub title: Option<String>,
    pub incident_key: String,
    pub source: String,
    pub link: Option<String>,
    /// How the page was attributed: `notified`, `assigned`, `on_call`, ...
    pub basis: String,
    pub team_id: Option<TeamId>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct PersonPages {
    pub person: PersonSummary,
    pub from: Timestamp,
    pub to: Timestamp,
    pub pages: Vec<PageView>,
}

fn timestamp(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|e| AppError::Internal(e.to_string()))
}

/// A person's pages in a period (visible to whoever sees their figures).
pub async fn person_pages(
    store: &Store,
    actor: &Actor,
    id: PersonId,
    period: Period,
    filter: &PageFilter,
) -> Result<PersonPages> {
    let person = crate::people::visible(store, actor, id).await?;
    let rows: Vec<Notification> = store
        .pages_of(
            id,
            None,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    let tz = person.hours.time_zone.clone();
    let mut pages = Vec::with_capacity(rows.len());
    for n in rows {
        let at = timestamp(n.at)?;
        let class = person.hours.classify(at);
        let category = class.category;
        let local = at.to_zoned(tz.clone());
        let day = class.night.unwrap_or(class.local_date);
        if filter.category.is_some_and(|c| c != category)
            || filter.date.is_some_and(|d| d != local.date())
            || filter.day.is_some_and(|d| d != day)
        {
            continue;
        }
        pages.push(PageView {
            id: n.id,
            at,
            local: local.strftime("%a %Y-%m-%d %H:%M").to_string(),
            local_date: local.date(),
            day,
            category,
            title: n.title,
            incident_key: n.incident_key,
            source: n.source,
            link: safe_link(n.link),
            basis: n.basis,
            team_id: n.team_id,
        });
    }
    Ok(PersonPages {
        person: PersonSummary::from(&person),
        from: period.from(),
        to: period.to(),
        pages,
    })
}

/// A page nobody on the team could be found for, with whom the sender named.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct UnattributedPage {
    pub id: NotificationId,
    pub at: Timestamp,
    pub source: String,
    pub incident_key: String,
    pub title: Option<String>,
    pub named_kind: Option<String>,
    pub named_external_id: Option<String>,
    pub named_email: Option<String>,
    pub named_name: Option<String>,
    /// If the sender named someone Aftercare knows, who (a person on another team,
    /// or someone whose identity is not linked yet).
    pub suggested: Option<PersonSummary>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct Unattributed {
    pub team: TeamView,
    pub total: usize,
    pub pages: Vec<UnattributedPage>,
}

/// A team's unattributed pages in a period, newest first (leads and admins).
pub async fn unattributed(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    period: Period,
) -> Result<Unattributed> {
    let team = crate::teams::visible(store, actor, team).await?;
    actor.lead(team.id, "see its unattributed pages")?;
    let rows = store
        .unattributed(
            team.id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    let mut pages = Vec::with_capacity(rows.len());
    for n in rows {
        let suggested = match &n.named_email {
            Some(email) => store
                .person_by_email(email)
                .await?
                .as_ref()
                .map(PersonSummary::from),
            None => None,
        };
        pages.push(UnattributedPage {
            id: n.id,
            at: timestamp(n.at)?,
            source: n.source,
            incident_key: n.incident_key,
            title: n.title,
            named_kind: n.named_kind,
            named_external_id: n.named_external_id,
            named_email: n.named_email,
            named_name: n.named_name,
            suggested,
        });
    }
    Ok(Unattributed {
        team: TeamView::from(&team),
        total: pages.len(),
        pages,
    })
}

/// "This is ...": links the identity an unattributed page named to a member of
/// the team, re-attributing every earlier page from it. Leads of the team may
/// link to its members; only admins may move an identity someone else holds.
pub async fn claim(
    store: &Store,
    actor: &Actor,
    page: NotificationId,
    person: PersonId,
) -> Result<aftercare_store::Linked> {
    let n = store
        .notification(page)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("page {page}")))?;
    let team = n
        .team_id
        .ok_or_else(|| AppError::Conflict("this page belongs to no team".into()))?;
    let right = actor.lead(team, "attribute its pages")?;
    if n.person_id.is_some() {
        return Err(AppError::Conflict("this page is already attributed".into()));
    }
    let (Some(kind), Some(external_id)) = (n.named_kind.as_deref(), n.named_external_id.as_deref())
    else {
        return Err(AppError::Conflict(
            "the sender named nobody on this page; link an identity on the person's page instead"
                .into(),
        ));
    };
    if !right.is_admin()
        && !store
            .team_members(team)
            .await?
            .iter()
            .any(|m| m.person.id == person)
    {
        return Err(AppError::invalid(
            "person_id",
            "a lead can attribute pages to members of the team only",
        ));
    }
    store
        .link_identity(person, kind, external_id, right.is_admin())
        .await
        .map_err(|e| match e {
            aftercare_store::StoreError::Conflict(why) => AppError::Conflict(why),
            other => other.into(),
        })
}
