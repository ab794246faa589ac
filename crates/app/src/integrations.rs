//! Integrations: where a team's pages come from. Leads of the team and admins
//! create, rename, rotate, switch off and delete them; every change is audited.

use serde::Serialize;

use aftercare_store::{Integration, NewIntegration, Store, TeamId};
use aftercare_webhooks::Source;

use crate::error::{AppError, Result};
use crate::passwords::random_hex;
use crate::people::audit;
use crate::policy::Actor;
use crate::teams::{TeamView, team_or_404};
use crate::validate;

/// Shared secrets must carry at least 128 bits: 16 bytes (NIST SP 800-107's
/// minimum HMAC key strength for 128-bit security).
pub const MIN_SECRET_BYTES: usize = 16;

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct IntegrationView {
    pub id: String,
    pub team_id: TeamId,
    pub source: String,
    pub name: String,
    pub enabled: bool,
    pub ingest_path: String,
    pub last_delivery_at: Option<jiff::Timestamp>,
    pub last_error: Option<String>,
    pub last_error_at: Option<jiff::Timestamp>,
}

fn ts(ms: Option<i64>) -> Option<jiff::Timestamp> {
    ms.and_then(|m| jiff::Timestamp::from_millisecond(m).ok())
}

impl From<&Integration> for IntegrationView {
    fn from(i: &Integration) -> Self {
        IntegrationView {
            id: i.public_id.clone(),
            team_id: i.team_id,
            source: i.source.clone(),
            name: i.name.clone(),
            enabled: i.enabled,
            ingest_path: format!("/api/v1/ingest/{}", i.public_id),
            last_delivery_at: ts(i.last_delivery_at),
            last_error: i.last_error.clone(),
            last_error_at: ts(i.last_error_at),
        }
    }
}

/// An integration as created or re-keyed: the only time its secret is shown.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct WithSecret {
    #[serde(flatten)]
    pub integration: IntegrationView,
    pub team: TeamView,
    pub secret: String,
    pub how_to_authenticate: &'static str,
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegration {
    /// The team's name or id.
    pub team: String,
    pub source: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
}

fn parse_source(s: &str) -> Result<Source> {
    s.trim().parse().map_err(|_| {
        let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        AppError::invalid(
            "source",
            format!("{s:?} is not a source: use one of {}", names.join(", ")),
        )
    })
}

/// The secret given, checked, or a generated one.
fn secret_for(source: Source, given: Option<&str>) -> Result<String> {
    let secret = match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => return Ok(generated_secret(source)),
    };
    aftercare_webhooks::check_secret(source, &secret)
        .map_err(|e| AppError::invalid("secret", e.to_string()))?;
    // A Standard Webhooks secret carries its key in base64 after `whsec_`; others
    // are used as given.
    let strength = match secret.strip_prefix("whsec_") {
        Some(b64) => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map(|k| k.len())
                .unwrap_or(0)
        }
        None => secret.len(),
    };
    if strength < MIN_SECRET_BYTES {
        return Err(AppError::invalid(
            "secret",
            format!(
                "must be at least {MIN_SECRET_BYTES} bytes; leave it blank to have one generated"
            ),
        ));
    }
    Ok(secret)
}

pub(crate) async fn team_by_name_or_id(store: &Store, team: &str) -> Result<aftercare_store::Team> {
    let team_name = validate::team_name(team)?;
    if let Some(t) = store.team_by_name(&team_name).await? {
        return Ok(t);
    }
    match team_name.parse::<TeamId>() {
        Ok(id) => store
            .team(id)
            .await?
            .ok_or_else(|| AppError::invalid("team", format!("no team {id}"))),
        Err(_) => Err(AppError::invalid(
            "team",
            format!("no team called {team_name:?}"),
        )),
    }
}

pub async fn create(store: &Store, actor: &Actor, input: &CreateIntegration) -> Result<WithSecret> {
    let team = team_by_name_or_id(store, &input.team).await?;
    actor.lead(team.id, "add integrations")?;
    let source = parse_source(&input.source)?;
    let secret = secret_for(source, input.secret.as_deref())?;
    let name = input
        .name
        .clone()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{} {}", team.name, source.as_str()));
    if name.chars().count() > 100 {
        return Err(AppError::invalid("name", "must be at most 100 characters"));
    }
    let integration = store
        .create_integration(&NewIntegration {
            public_id: format!("int_{}", random_hex(10)),
            team_id: team.id,
            source: source.as_str().to_string(),
            name,
            secret: secret.clone(),
        })
        .await?;
    audit(
        store,
        actor,
        "integration.create",
        Some(team.id),
        &integration.name,
        source.as_str(),
    )
    .await?;
    Ok(WithSecret {
        integration: IntegrationView::from(&integration),
        team: TeamView::from(&team),
        secret,
        how_to_authenticate: how_to_authenticate(source),
    })
}

/// The integrations of the teams the actor leads (all of them for admins).
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<IntegrationView>> {
    Ok(store
        .list_integrations(None)
        .await?
        .iter()
        .filter(|i| actor.leads(i.team_id))
        .map(IntegrationView::from)
        .collect())
}

async fn led(store: &Store, actor: &Actor, public_id: &str, what: &str) -> Result<Integration> {
    let found = store
        .integration(public_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("integration {public_id}")))?;
    actor.lead(found.team_id, what)?;
    Ok(found)
}

pub async fn get(store: &Store, actor: &Actor, public_id: &str) -> Result<IntegrationView> {
    Ok(IntegrationView::from(
        &led(store, actor, public_id, "see its integrations").await?,
    ))
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationPatch {
    pub name: Option<String>,
    pub enabled: Option<bool>,
}

pub async fn update(
    store: &Store,
    actor: &Actor,
    public_id: &str,
    patch: &IntegrationPatch,
) -> Result<IntegrationView> {
    let found = led(store, actor, public_id, "change its integrations").await?;
    let name = match patch.name.as_deref().map(str::trim) {
        Some("") => return Err(AppError::invalid("name", "is required")),
        Some(n) if n.chars().count() > 100 => {
            return Err(AppError::invalid("name", "must be at most 100 characters"));
        }
        other => other,
    };
    let updated = store
        .update_integration(public_id, name, None, patch.enabled)
        .await?;
    let mut detail = Vec::new();
    if let Some(n) = name {
        detail.push(format!("renamed from {:?} to {n:?}", found.name));
    }
    if let Some(e) = patch.enabled {
        detail.push(if e {
            "enabled".into()
        } else {
            "disabled".to_string()
        });
    }
    audit(
        store,
        actor,
        "integration.update",
        Some(found.team_id),
        &updated.name,
        &detail.join("; "),
    )
    .await?;
    Ok(IntegrationView::from(&updated))
}

/// Replaces the secret with a given one (PagerDuty issues its own signing secret
/// once the URL is given to it) or a generated one.
pub async fn set_secret(
    store: &Store,
    actor: &Actor,
    public_id: &str,
    secret: Option<&str>,
) -> Result<WithSecret> {
    let found = led(store, actor, public_id, "change its integrations").await?;
    let source = parse_source(&found.source)?;
    let secret = secret_for(source, secret)?;
    let updated = store
        .update_integration(public_id, None, Some(&secret), None)
        .await?;
    let team = team_or_404(store, found.team_id).await?;
    audit(
        store,
        actor,
        "integration.secret",
        Some(found.team_id),
        &updated.name,
        "secret replaced",
    )
    .await?;
    Ok(WithSecret {
        integration: IntegrationView::from(&updated),
        team: TeamView::from(&team),
        secret,
        how_to_authenticate: how_to_authenticate(source),
    })
}

pub async fn delete(store: &Store, actor: &Actor, public_id: &str) -> Result<()> {
    let found = led(store, actor, public_id, "delete its integrations").await?;
    store.delete_integration(public_id).await?;
    audit(
        store,
        actor,
        "integration.delete",
        Some(found.team_id),
        &found.name,
        "",
    )
    .await
}

/// A secret to share with the sender when none is given. incident.io's secrets
/// are Standard Webhooks ones (`whsec_` + base64).
pub fn generated_secret(source: Source) -> String {
    match source {
        Source::IncidentIo => {
            use base64::Engine;
            let mut key = [0u8; 24];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
            format!(
                "whsec_{}",
                base64::engine::general_purpose::STANDARD.encode(key)
            )
        }
        _ => random_hex(24),
    }
}

pub fn how_to_authenticate(source: Source) -> &'static str {
    match source {
        Source::PagerDuty => {
            "PagerDuty signs each delivery (X-PagerDuty-Signature): after you give PagerDuty the URL, replace this integration's secret with the subscription's signing secret"
        }
        Source::IncidentIo => {
            "incident.io signs each delivery (Standard Webhooks): replace this integration's secret with the endpoint's whsec_ signing secret"
        }
        Source::FireHydrant => {
            "FireHydrant signs each delivery (fh-signature) with the secret you set on the webhook: use this one"
        }
        Source::Opsgenie | Source::Alertmanager | Source::GrafanaOnCall => {
            "this sender does not sign: configure it to send the header `Authorization: Bearer SECRET` with this secret"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused_and_blank_ones_generated() {
        assert!(matches!(
            secret_for(Source::Opsgenie, Some("x")),
            Err(AppError::Invalid { ref field, .. }) if field == "secret"
        ));
        assert!(secret_for(Source::Opsgenie, Some("0123456789abcdef")).is_ok());
        let generated = secret_for(Source::PagerDuty, None).unwrap();
        assert_eq!(generated.len(), 48);
        let whsec = secret_for(Source::IncidentIo, None).unwrap();
        assert!(secret_for(Source::IncidentIo, Some(&whsec)).is_ok());
        assert!(secret_for(Source::IncidentIo, Some("whsec_c2hvcnQ=")).is_err());
    }
}
