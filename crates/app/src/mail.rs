//! The messages Aftercare sends by email (an invite, a password reset) and
//! sending them. Wording is plain and says what the link does and how long it
//! works; no message says anything about a person's data.

use aftercare_mail::{Mailer, OutgoingMail};
use aftercare_store::{PasswordPurpose, Store};

use crate::accounts::{self, IssuedLink};
use crate::error::{AppError, Result};
use crate::policy::Actor;

fn hours_until(link: &IssuedLink) -> i64 {
    let left = link.expires_at.as_millisecond() - jiff::Timestamp::now().as_millisecond();
    (left + 3_599_999) / 3_600_000
}

/// The message carrying a one-time link; `public_url` has no trailing slash.
pub fn link_message(link: &IssuedLink, public_url: &str, inviter: Option<&str>) -> OutgoingMail {
    let url = format!("{public_url}{}", link.path);
    match link.purpose {
        PasswordPurpose::Invite => {
            let by = inviter
                .map(|n| format!("{n} invited you to Aftercare"))
                .unwrap_or_else(|| "You are invited to Aftercare".into());
            let days = (hours_until(link) + 23) / 24;
            OutgoingMail::text(
                link.email.clone(),
                "Your Aftercare invite",
                format!(
                    "{by}, where the people who carry the pager see their own on-call load \
                     (nights, weekends, interruptions) first.\n\n\
                     Choose a password here (the link works once, for {days} days):\n\n{url}\n\n\
                     If you were not expecting this, you can ignore this message.\n"
                ),
            )
        }
        PasswordPurpose::Reset => OutgoingMail::text(
            link.email.clone(),
            "Reset your Aftercare password",
            format!(
                "Someone (we hope you) asked to reset the password of your Aftercare account.\n\n\
                 Choose a new password here (the link works once, for one hour):\n\n{url}\n\n\
                 If you did not ask for this, ignore this message: your password stays as it is.\n"
            ),
        ),
    }
}

/// Reset emails sent to one address per window of
/// [`accounts::FAILURE_WINDOW_MS`].
pub const RESETS_PER_ADDRESS: i64 = 3;

/// What happened to a reset request. The caller shows the same page either
/// way, so the form tells nobody who has an account.
#[derive(Debug, PartialEq, Eq)]
pub enum ResetOutcome {
    /// A link was made and handed to the mail server (or, if sending failed,
    /// logged); nothing tells the requester which.
    Requested,
    /// No active account has this address.
    NoAccount,
}

/// Makes a reset link for `email` and sends it there. The link is stored
/// before the message leaves, and sending happens off the request (a slow
/// mail server must not tell, by the time the answer takes, that the
/// address has an account).
pub async fn request_reset(
    store: &Store,
    mailer: &Mailer,
    public_url: &str,
    email: &str,
) -> Result<ResetOutcome> {
    let email = email.trim();
    if email.is_empty() || !email.contains('@') {
        return Err(AppError::invalid("email", "must be an email address"));
    }
    // A few requests per address per quarter hour: the form must not become a
    // way to flood someone's inbox. Past the limit the answer is the same and
    // nothing is sent.
    let key = format!("reset:{}", email.to_lowercase());
    let now = jiff::Timestamp::now().as_millisecond();
    if store
        .login_failures(&key, now - accounts::FAILURE_WINDOW_MS)
        .await?
        >= RESETS_PER_ADDRESS
    {
        return Ok(ResetOutcome::Requested);
    }
    store.record_login_failure(&[&key], now).await?;
    let Some(link) = accounts::reset_link(store, email).await? else {
        return Ok(ResetOutcome::NoAccount);
    };
    send_later(mailer, link_message(&link, public_url, None));
    Ok(ResetOutcome::Requested)
}

/// Invites a person (as [`accounts::invite`]) and, when a mail server is
/// configured, sends them the link. The link is returned either way, so the
/// inviter can pass it on by hand.
pub async fn invite(
    store: &Store,
    mailer: Option<&Mailer>,
    public_url: &str,
    actor: &Actor,
    person: &aftercare_store::Person,
) -> Result<(IssuedLink, bool)> {
    let link = accounts::invite(store, actor, person).await?;
    let Some(mailer) = mailer else {
        return Ok((link, false));
    };
    let inviter = actor.person().map(|p| p.name.clone());
    let message = link_message(&link, public_url, inviter.as_deref());
    // An invite is sent in the request: the inviter is told whether it left.
    match mailer.send(&message).await {
        Ok(()) => Ok((link, true)),
        Err(e) => {
            tracing::warn!(error = %e, to = %link.email, "invite email not sent");
            Ok((link, false))
        }
    }
}

fn send_later(mailer: &Mailer, message: OutgoingMail) {
    let mailer = mailer.clone();
    tokio::spawn(async move {
        if let Err(e) = mailer.send(&message).await {
            tracing::warn!(error = %e, to = %message.to, "email not sent");
        }
    });
}
