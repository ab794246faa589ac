//! Where a message goes: the person's inbox (always), and the channels they chose:
//! email to their address, a Slack direct message to their Slack user, a signed
//! post to their own webhook. Every destination is addressed to one person, by
//! type: [`Destination`] has no variant for a shared channel, and a Slack id is
//! accepted only in the form of a member id (`U…`/`W…`), never a channel's
//! (`C…`, `G…`), so nothing about someone's wellbeing can be posted where others
//! read it.
//!
//! The inbox message is written in the transaction that completes the message
//! job (exactly once). The sends over other channels are jobs of their own,
//! enqueued in that same transaction; each is retried until it goes through. A
//! process that dies after a send and before recording it sends it again once its
//! lease runs out, so webhooks carry the job's id (`X-Aftercare-Delivery`) for the
//! receiver to drop a repeat.

use aftercare_mail::{Mailer, OutgoingMail};
use aftercare_store::{
    Channels, Completion, JobKind, Lease, NewInboxMessage, NewJob, Owner, Store,
};
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::jobs::{Context, Outcome};
use crate::notify::{self, Message};

/// A Slack bot's settings: its token, and the API's address (Slack's own, or a
/// stand-in in tests).
#[derive(Clone)]
pub struct SlackConfig {
    pub token: String,
    pub base_url: String,
}

impl std::fmt::Debug for SlackConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackConfig")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

pub const SLACK_API: &str = "https://slack.com/api";

/// How this process delivers: what is configured of each channel.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Aftercare's address, for links (no trailing slash).
    pub public_url: String,
    pub mailer: Option<Mailer>,
    pub slack: Option<SlackConfig>,
    /// The key outgoing webhooks are signed with.
    pub webhook_secret: Option<String>,
    pub http: reqwest::Client,
}

impl Delivery {
    pub fn new(public_url: &str) -> Delivery {
        Delivery {
            public_url: public_url.trim_end_matches('/').to_string(),
            mailer: None,
            slack: None,
            webhook_secret: None,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }
}

/// A Slack member id: a direct message goes to the person, never to a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackUserId(String);

impl SlackUserId {
    pub fn parse(s: &str) -> Result<SlackUserId> {
        let s = s.trim();
        let ok = (s.starts_with('U') || s.starts_with('W'))
            && (3..=24).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if ok {
            Ok(SlackUserId(s.to_string()))
        } else {
            Err(AppError::invalid(
                "slack_user_id",
                "must be your Slack member id (U… or W…, from your Slack profile); channels cannot receive these messages",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The person's own webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(s: &str) -> Result<WebhookUrl> {
        let s = s.trim();
        let ok = (s.starts_with("https://") || s.starts_with("http://"))
            && s.len() <= 2_000
            && !s.contains(char::is_whitespace);
        if ok {
            Ok(WebhookUrl(s.to_string()))
        } else {
            Err(AppError::invalid(
                "webhook_url",
                "must be an http:// or https:// address",
            ))
        }
    }
}

/// One person-addressed destination. There is no shared-channel variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Email(String),
    SlackUser(SlackUserId),
    Webhook(WebhookUrl),
}

/// What a channel job carries: the message, made absolute, with its pause link.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outgoing {
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub pause_url: String,
}

impl Outgoing {
    /// The plain text of the message, as email and chat show it.
    pub fn text(&self) -> String {
        let mut out = self.body.trim_end().to_string();
        if let Some(link) = &self.link {
            out.push_str(&format!("\n\n{link}"));
        }
        out.push_str(&format!(
            "\n\nPause every message from Aftercare in one click: {}\n",
            self.pause_url
        ));
        out
    }
}

/// The signature of an outgoing webhook: hex HMAC-SHA256 over `{timestamp}.{body}`
/// with the configured secret, sent as `X-Aftercare-Signature: sha256=…` beside
/// `X-Aftercare-Timestamp` (seconds), so a receiver can refuse replays.
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The message job: the inbox message, and one job per chosen channel.
pub(crate) async fn deliver_message(cx: &Context, lease: &Lease) -> Outcome {
    let job = &lease.job;
    let Some(person) = job.person_id else {
        return Outcome::Skip("a message needs a person".into());
    };
    let Ok(message) = serde_json::from_value::<Message>(job.payload.clone()) else {
        return Outcome::Skip("payload is not a message".into());
    };
    let (token, chosen) = match (
        notify::pause_token(&cx.store, person).await,
        cx.store.channels(person).await,
    ) {
        (Ok(t), Ok(c)) => (t, c),
        (Err(e), _) => return e.into(),
        (_, Err(e)) => return AppError::from(e).into(),
    };
    let base = &cx.delivery.public_url;
    let outgoing = Outgoing {
        title: message.title.clone(),
        body: message.body.clone(),
        link: message.link.as_ref().map(|l| format!("{base}{l}")),
        pause_url: format!("{base}/pause/{token}"),
    };
    let Ok(payload) = serde_json::to_value(&outgoing) else {
        return Outcome::Retry("payload".into());
    };
    let then = kinds(&cx.delivery, &chosen)
        .into_iter()
        .map(|kind| NewJob {
            kind,
            payload: payload.clone(),
            person_id: Some(person),
            run_at: job.run_at,
            dedupe_key: format!("{}:{}", job.dedupe_key, kind.as_str()),
        })
        .collect();
    Outcome::Complete(Completion {
        inbox: Some(NewInboxMessage {
            person_id: person,
            title: message.title,
            body: message.body,
            link: message.link,
        }),
        then,
    })
}

/// The channel jobs a message fans out to: chosen by the person and configured here.
fn kinds(delivery: &Delivery, chosen: &Channels) -> Vec<JobKind> {
    let mut out = Vec::new();
    if chosen.email && delivery.mailer.is_some() {
        out.push(JobKind::Email);
    }
    if chosen.slack_user_id.is_some() && delivery.slack.is_some() {
        out.push(JobKind::Slack);
    }
    if chosen.webhook_url.is_some() && delivery.webhook_secret.is_some() {
        out.push(JobKind::Webhook);
    }
    out
}

/// The person's destination for a channel job, read again at sending time (they
/// may have turned the channel off since).
fn destination(kind: JobKind, email: &str, chosen: &Channels) -> Option<Result<Destination>> {
    match kind {
        JobKind::Email => chosen
            .email
            .then(|| Ok(Destination::Email(email.to_string()))),
        JobKind::Slack => chosen
            .slack_user_id
            .as_deref()
            .map(|s| SlackUserId::parse(s).map(Destination::SlackUser)),
        JobKind::Webhook => chosen
            .webhook_url
            .as_deref()
            .map(|s| WebhookUrl::parse(s).map(Destination::Webhook)),
        // Not sends over a channel.
        JobKind::Message | JobKind::IncidentCare | JobKind::Handoff | JobKind::RestSweep => None,
    }
}

/// A channel job: one send, to one person.
pub(crate) async fn send(cx: &Context, lease: &Lease) -> Outcome {
    let job = &lease.job;
    let Ok(outgoing) = serde_json::from_value::<Outgoing>(job.payload.clone()) else {
        return Outcome::Skip("payload is not a message".into());
    };
    let Some(person_id) = job.person_id else {
        return Outcome::Skip("a message needs a person".into());
    };
    let (person, chosen) = match (
        cx.store.person(person_id).await,
        cx.store.channels(person_id).await,
    ) {
        (Ok(Some(p)), Ok(c)) => (p, c),
        (Ok(None), _) => return Outcome::Skip("person gone".into()),
        (Err(e), _) | (_, Err(e)) => return AppError::from(e).into(),
    };
    let to = match destination(job.kind, &person.email, &chosen) {
        None => return Outcome::Skip(format!("{} is no longer chosen", job.kind.as_str())),
        Some(Err(e)) => return Outcome::Skip(e.to_string()),
        Some(Ok(to)) => to,
    };
    let sent = match to {
        Destination::Email(address) => send_email(&cx.delivery, &address, &outgoing).await,
        Destination::SlackUser(user) => send_slack(&cx.delivery, &user, &outgoing).await,
        Destination::Webhook(url) => send_webhook(&cx.delivery, &url, job.id.0, &outgoing).await,
    };
    match sent {
        Ok(()) => Outcome::Complete(Completion::default()),
        Err(e) => Outcome::Retry(e),
    }
}

async fn send_email(
    delivery: &Delivery,
    to: &str,
    m: &Outgoing,
) -> std::result::Result<(), String> {
    let mailer = delivery.mailer.as_ref().ok_or("email is not configured")?;
    mailer
        .send(&OutgoingMail::text(to, &m.title, m.text()))
        .await
        .map_err(|e| e.to_string())
}

async fn send_slack(
    delivery: &Delivery,
    user: &SlackUserId,
    m: &Outgoing,
) -> std::result::Result<(), String> {
    let slack = delivery.slack.as_ref().ok_or("Slack is not configured")?;
    let url = format!("{}/chat.postMessage", slack.base_url.trim_end_matches('/'));
    let body = serde_json::json!({
        "channel": user.as_str(),
        "text": format!("*{}*\n{}", m.title, m.text()),
        "unfurl_links": false,
    });
    let res = delivery
        .http
        .post(url)
        .bearer_auth(&slack.token)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("Slack: {e}"))?;
    let status = res.status();
    let answer: serde_json::Value = res.json().await.map_err(|e| format!("Slack: {e}"))?;
    if status.is_success() && answer["ok"] == serde_json::Value::Bool(true) {
        Ok(())
    } else {
        Err(format!("Slack answered {status}: {}", answer["error"]))
    }
}

async fn send_webhook(
    delivery: &Delivery,
    url: &WebhookUrl,
    job: i64,
    m: &Outgoing,
) -> std::result::Result<(), String> {
    let secret = delivery
        .webhook_secret
        .as_deref()
        .ok_or("webhooks are not configured")?;
    let body = serde_json::to_vec(&serde_json::json!({
        "title": m.title,
        "body": m.body,
        "link": m.link,
        "pause_url": m.pause_url,
        "text": m.text(),
    }))
    .map_err(|e| e.to_string())?;
    let ts = jiff::Timestamp::now().as_second();
    let res = delivery
        .http
        .post(&url.0)
        .header("content-type", "application/json")
        .header("x-aftercare-timestamp", ts.to_string())
        .header(
            "x-aftercare-signature",
            webhook_signature(secret, ts, &body),
        )
        .header("x-aftercare-delivery", job.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| format!("webhook: {e}"))?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!("webhook answered {}", res.status()))
    }
}

/// The channels a person sets for themselves (the inbox is always on).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// Also send each message to your email address.
    #[serde(default)]
    pub email: bool,
    /// Your Slack member id, for direct messages.
    pub slack_user_id: Option<String>,
    /// Your own webhook (signed posts, for other chat tools).
    pub webhook_url: Option<String>,
}

/// The owner's channels.
pub async fn channels_of(store: &Store, owner: Owner) -> Result<ChannelSettings> {
    let c = store.channels(owner.person_id()).await?;
    Ok(ChannelSettings {
        email: c.email,
        slack_user_id: c.slack_user_id,
        webhook_url: c.webhook_url,
    })
}

/// Sets the owner's channels; each value is checked first, and a refused one
/// stores nothing.
pub async fn set_channels(store: &Store, owner: Owner, input: &ChannelSettings) -> Result<()> {
    fn blank(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let slack = blank(&input.slack_user_id)
        .map(SlackUserId::parse)
        .transpose()?;
    let webhook = blank(&input.webhook_url)
        .map(WebhookUrl::parse)
        .transpose()?;
    store
        .set_channels(
            owner,
            &Channels {
                email: input.email,
                slack_user_id: slack.map(|s| s.0),
                webhook_url: webhook.map(|w| w.0),
            },
        )
        .await?;
    Ok(())
}
