//! Aftercare's outgoing email: invites and password resets, sent over SMTP.
//!
//! The settings are parsed once ([`MailConfig::parse`] or
//! [`MailConfig::from_env`]), so a typo in `AFTERCARE_SMTP_URL` stops the
//! server at start-up with the setting's name and the reason, instead of
//! failing the first invite. A [`Mailer`] then sends [`OutgoingMail`] with a
//! time limit on each message.
//!
//! TLS is rustls with the Mozilla root certificates (webpki-roots): no
//! OpenSSL on the machine is needed.

mod config;

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use config::{
    ConfigError, Credentials, DEFAULT_TIMEOUT, MailConfig, SMTP_FROM_SETTING, SMTP_URL_SETTING,
    Security,
};

/// What can go wrong sending one message.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The recipient is not an address a message can go to.
    #[error("\"{to}\" is not an email address: {reason}")]
    Recipient { to: String, reason: String },
    /// The subject has a line break, which would end the header early.
    #[error("the subject of a message must be one line")]
    Subject,
    /// The message could not be put together (should not happen with a
    /// valid recipient and From).
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The SMTP server could not be reached, refused the message, or TLS
    /// failed.
    #[error("the mail server {server} did not take the message: {source}")]
    Smtp {
        server: String,
        #[source]
        source: lettre::transport::smtp::Error,
    },
    /// The whole exchange took longer than the configured limit.
    #[error("the mail server {server} did not answer within {} seconds", .timeout.as_secs())]
    Timeout { server: String, timeout: Duration },
}

pub type Result<T, E = MailError> = std::result::Result<T, E>;

/// One message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The recipient, e.g. `robin@example.com` or `Robin <robin@example.com>`.
    pub to: String,
    pub subject: String,
    /// The plain-text body; always sent, and what most people read.
    pub text: String,
    /// An HTML alternative of the same content, if there is one. Mail
    /// programs that show HTML show this instead of `text`.
    pub html: Option<String>,
}

impl OutgoingMail {
    /// A plain-text message.
    pub fn text(
        to: impl Into<String>,
        subject: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        OutgoingMail {
            to: to.into(),
            subject: subject.into(),
            text: text.into(),
            html: None,
        }
    }
}

/// Sends mail through one SMTP server. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for these settings. Does not connect: the first message
    /// does (SMTP servers drop idle connections, and Aftercare sends rarely).
    pub fn from_config(config: &MailConfig) -> Result<Mailer> {
        let builder =
            match config.security {
                Security::Plain => {
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
                }
                Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(
                    &config.host,
                )
                .map_err(|e| ConfigError {
                    setting: SMTP_URL_SETTING.to_owned(),
                    reason: format!("cannot use TLS with host \"{}\": {e}", config.host),
                })?,
                Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                    .map_err(|e| ConfigError {
                        setting: SMTP_URL_SETTING.to_owned(),
                        reason: format!("cannot use TLS with host \"{}\": {e}", config.host),
                    })?,
            };
        let mut builder = builder
            .port(config.port)
            // lettre applies this to connecting only; `send` bounds the
            // whole exchange, so a server that accepts and then stalls
            // cannot hold a request forever.
            .timeout(Some(config.timeout));
        if let Some(credentials) = &config.credentials {
            builder = builder.credentials(authentication::Credentials::new(
                credentials.user.clone(),
                credentials.password.clone(),
            ));
        }
        let server = if config.host.contains(':') {
            format!("[{}]:{}", config.host, config.port)
        } else {
            format!("{}:{}", config.host, config.port)
        };
        Ok(Mailer {
            transport: builder.build(),
            from: config.from.clone(),
            server,
            timeout: config.timeout,
        })
    }

    /// The From address every message carries.
    pub fn from_address(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one message, waiting at most the configured timeout.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<()> {
        let message = self.build(mail)?;
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(Ok(_response)) => Ok(()),
            Ok(Err(source)) if source.is_timeout() => Err(MailError::Timeout {
                server: self.server.clone(),
                timeout: self.timeout,
            }),
            Ok(Err(source)) => Err(MailError::Smtp {
                server: self.server.clone(),
                source,
            }),
            Err(_elapsed) => Err(MailError::Timeout {
                server: self.server.clone(),
                timeout: self.timeout,
            }),
        }
    }

    fn build(&self, mail: &OutgoingMail) -> Result<Message> {
        let to: Mailbox = mail
            .to
            .trim()
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Recipient {
                to: mail.to.clone(),
                reason: e.to_string(),
            })?;
        if mail.subject.contains(['\r', '\n']) {
            return Err(MailError::Subject);
        }
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .message_id(None);
        let message = match &mail.html {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.text.clone())?,
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                html.clone(),
            ))?,
        };
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        let config =
            MailConfig::parse("smtp://127.0.0.1:2525", "Aftercare <aftercare@example.com>")
                .expect("valid");
        Mailer::from_config(&config).expect("mailer")
    }

    #[test]
    fn recipient_is_checked_before_connecting() {
        let err = mailer()
            .build(&OutgoingMail::text("not an address", "Hi", "Body"))
            .expect_err("bad recipient");
        assert!(matches!(err, MailError::Recipient { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("\"not an address\" is not an email address"),
            "{err}"
        );
    }

    #[test]
    fn subject_must_be_one_line() {
        let err = mailer()
            .build(&OutgoingMail::text(
                "robin@example.com",
                "Hi\r\nBcc: everyone@example.com",
                "Body",
            ))
            .expect_err("header injection");
        assert!(matches!(err, MailError::Subject), "{err:?}");
    }

    #[test]
    fn message_has_from_to_subject_and_body() {
        let message = mailer()
            .build(&OutgoingMail::text(
                "Robin <robin@example.com>",
                "Your invite to Aftercare",
                "Choose a password here.",
            ))
            .expect("builds");
        let raw = String::from_utf8(message.formatted()).expect("utf-8");
        assert!(
            raw.contains("From: Aftercare <aftercare@example.com>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("To: Robin <robin@example.com>\r\n"), "{raw}");
        assert!(
            raw.contains("Subject: Your invite to Aftercare\r\n"),
            "{raw}"
        );
        assert!(raw.contains("Message-ID: <"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(raw.ends_with("Choose a password here."), "{raw}");
    }

    #[test]
    fn html_goes_with_the_text_as_alternative() {
        let mut mail = OutgoingMail::text("robin@example.com", "Reset", "Plain words.");
        mail.html = Some("<p>Plain words.</p>".into());
        let raw =
            String::from_utf8(mailer().build(&mail).expect("builds").formatted()).expect("utf-8");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("Plain words."), "{raw}");
        assert!(raw.contains("<p>Plain words.</p>"), "{raw}");
    }
}
