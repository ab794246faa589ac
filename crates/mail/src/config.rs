//! Mail settings, parsed once at start-up so that a bad setting stops the
//! server with a message naming it, rather than failing the first invite.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;
use percent_encoding::percent_decode_str;

/// The environment variable holding the SMTP server's URL.
pub const SMTP_URL_SETTING: &str = "AFTERCARE_SMTP_URL";
/// The environment variable holding the From address.
pub const SMTP_FROM_SETTING: &str = "AFTERCARE_SMTP_FROM";

/// How long one message may take, connection included, unless told otherwise.
/// Long enough for a slow relay, short enough that a person waiting on an
/// invite page hears about a dead one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A setting that cannot be used, with the setting's name and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    /// The name of the setting, as the operator wrote it (an environment
    /// variable name, or the name the caller gave).
    pub setting: String,
    /// Why it cannot be used, in plain words.
    pub reason: String,
}

impl ConfigError {
    fn new(setting: &str, reason: impl Into<String>) -> Self {
        ConfigError {
            setting: setting.to_owned(),
            reason: reason.into(),
        }
    }
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: no encryption at all. For a relay on loopback or a
    /// development server; never with a password.
    Plain,
    /// `smtp+starttls://`: a plain connection upgraded with STARTTLS, which
    /// is required (the message is not sent if the server does not offer it).
    StartTls,
    /// `smtps://`: TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

impl Security {
    fn default_port(self) -> u16 {
        match self {
            Security::Plain => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        }
    }
}

/// A user name and password for the SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    // The password never reaches a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// Where and how to send mail, and as whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub credentials: Option<Credentials>,
    /// The From of every message, e.g. `Aftercare <aftercare@example.com>`.
    pub from: Mailbox,
    /// The longest one message may take, connecting included.
    pub timeout: Duration,
}

impl MailConfig {
    /// Parses the SMTP URL and the From address, naming the settings
    /// `AFTERCARE_SMTP_URL` and `AFTERCARE_SMTP_FROM` in errors.
    pub fn parse(smtp_url: &str, from: &str) -> Result<MailConfig, ConfigError> {
        Self::parse_named(smtp_url, SMTP_URL_SETTING, from, SMTP_FROM_SETTING)
    }

    /// As [`MailConfig::parse`], with the settings' names given by the caller
    /// (for a configuration file or command-line flags).
    pub fn parse_named(
        smtp_url: &str,
        url_setting: &str,
        from: &str,
        from_setting: &str,
    ) -> Result<MailConfig, ConfigError> {
        let endpoint = parse_url(smtp_url.trim(), url_setting)?;
        let from = parse_from(from.trim(), from_setting)?;
        Ok(MailConfig {
            security: endpoint.security,
            host: endpoint.host,
            port: endpoint.port,
            credentials: endpoint.credentials,
            from,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Reads `AFTERCARE_SMTP_URL` and `AFTERCARE_SMTP_FROM` through `lookup`
    /// (normally `|name| std::env::var(name).ok()`). `Ok(None)` when no SMTP
    /// URL is set: mail is then simply not configured, and the caller shows
    /// links instead of sending them.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<MailConfig>, ConfigError> {
        let url = match lookup(SMTP_URL_SETTING) {
            Some(url) if !url.trim().is_empty() => url,
            _ => return Ok(None),
        };
        let from = match lookup(SMTP_FROM_SETTING) {
            Some(from) if !from.trim().is_empty() => from,
            _ => {
                return Err(ConfigError::new(
                    SMTP_FROM_SETTING,
                    format!(
                        "is required when {SMTP_URL_SETTING} is set \
                         (for example `Aftercare <aftercare@example.com>`)"
                    ),
                ));
            }
        };
        Self::parse(&url, &from).map(Some)
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Option<MailConfig>, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same settings with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> MailConfig {
        self.timeout = timeout;
        self
    }
}

struct Endpoint {
    security: Security,
    host: String,
    port: u16,
    credentials: Option<Credentials>,
}

fn parse_url(raw: &str, setting: &str) -> Result<Endpoint, ConfigError> {
    let err = |reason: String| ConfigError::new(setting, reason);
    if raw.is_empty() {
        return Err(err(
            "is empty; expected smtp://HOST:PORT, smtp+starttls://USER:PASS@HOST:587 \
             or smtps://USER:PASS@HOST:465"
                .into(),
        ));
    }
    let url = url::Url::parse(raw).map_err(|e| err(format!("is not a URL ({e})")))?;
    let security = match url.scheme() {
        "smtp" => Security::Plain,
        "smtp+starttls" => Security::StartTls,
        "smtps" => Security::Tls,
        other => {
            return Err(err(format!(
                "scheme \"{other}\" is not smtp, smtp+starttls or smtps"
            )));
        }
    };
    // `url` parses hosts only for the schemes it knows; for ours it keeps an
    // opaque host, which is what lettre wants anyway (a name for TLS, or an
    // address). Brackets of an IPv6 literal are taken off.
    let host = match url.host_str() {
        Some(host) if !host.is_empty() => host.trim_start_matches('[').trim_end_matches(']'),
        _ => return Err(err("has no host (e.g. smtp://127.0.0.1:2525)".into())),
    };
    let port = url.port().unwrap_or(security.default_port());
    if port == 0 {
        return Err(err("port 0 is not a port a server can listen on".into()));
    }
    if !(url.path().is_empty() || url.path() == "/") {
        return Err(err(format!(
            "has a path \"{}\"; an SMTP URL is only scheme, user, password, host and port",
            url.path()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(err(
            "has a query or fragment; an SMTP URL is only scheme, user, password, host and port"
                .into(),
        ));
    }
    let decode = |part: &str, what: &str| {
        percent_decode_str(part)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| {
                err(format!(
                    "the {what} is not valid UTF-8 after percent-decoding"
                ))
            })
    };
    let user = decode(url.username(), "user name")?;
    let password = match url.password() {
        Some(p) => Some(decode(p, "password")?),
        None => None,
    };
    let credentials = match (user.is_empty(), password) {
        (true, None) => None,
        (false, Some(password)) => Some(Credentials { user, password }),
        (false, None) => {
            return Err(err(format!(
                "has the user \"{user}\" but no password (write USER:PASSWORD@HOST, \
                 percent-encoding characters such as @ or : in them)"
            )));
        }
        (true, Some(_)) => return Err(err("has a password but no user name".into())),
    };
    if security == Security::Plain && credentials.is_some() {
        return Err(err(
            "smtp:// is not encrypted, so the password would cross the network in clear; \
             use smtp+starttls:// (port 587) or smtps:// (port 465)"
                .into(),
        ));
    }
    Ok(Endpoint {
        security,
        host: host.to_owned(),
        port,
        credentials,
    })
}

fn parse_from(raw: &str, setting: &str) -> Result<Mailbox, ConfigError> {
    if raw.is_empty() {
        return Err(ConfigError::new(
            setting,
            "is empty; expected an address such as `Aftercare <aftercare@example.com>`",
        ));
    }
    raw.parse::<Mailbox>().map_err(|e| {
        ConfigError::new(
            setting,
            format!(
                "\"{raw}\" is not an email address ({e}); expected e.g. \
                 `Aftercare <aftercare@example.com>` or `aftercare@example.com`"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "Aftercare <aftercare@example.com>";

    fn parse(url: &str) -> Result<MailConfig, ConfigError> {
        MailConfig::parse(url, FROM)
    }

    fn reason(url: &str) -> String {
        match parse(url) {
            Ok(config) => panic!("{url} was accepted as {config:?}"),
            Err(e) => {
                assert_eq!(e.setting, SMTP_URL_SETTING, "{e}");
                e.to_string()
            }
        }
    }

    #[test]
    fn plain_smtp_on_loopback() {
        let config = parse("smtp://127.0.0.1:2525").expect("valid");
        assert_eq!(config.security, Security::Plain);
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.port, 2525);
        assert_eq!(config.credentials, None);
        assert_eq!(config.from.email.to_string(), "aftercare@example.com");
        assert_eq!(config.from.name.as_deref(), Some("Aftercare"));
        assert_eq!(config.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn starttls_with_credentials_and_percent_encoding() {
        let config =
            parse("smtp+starttls://mailer%40example.com:p%3Ass%2Fw0rd@smtp.example.com:587")
                .expect("valid");
        assert_eq!(config.security, Security::StartTls);
        assert_eq!(config.host, "smtp.example.com");
        assert_eq!(config.port, 587);
        assert_eq!(
            config.credentials,
            Some(Credentials {
                user: "mailer@example.com".into(),
                password: "p:ss/w0rd".into()
            })
        );
    }

    #[test]
    fn smtps_and_default_ports() {
        let config = parse("smtps://user:secret@smtp.example.com").expect("valid");
        assert_eq!(config.security, Security::Tls);
        assert_eq!(config.port, 465);
        assert_eq!(
            parse("smtp+starttls://u:p@smtp.example.com")
                .expect("valid")
                .port,
            587
        );
        assert_eq!(parse("smtp://relay.internal").expect("valid").port, 25);
        assert_eq!(parse("smtp://relay.internal/").expect("valid").port, 25);
    }

    #[test]
    fn ipv6_literal_host() {
        let config = parse("smtp://[::1]:2525").expect("valid");
        assert_eq!(config.host, "::1");
        assert_eq!(config.port, 2525);
    }

    #[test]
    fn wrong_scheme_is_named() {
        assert_eq!(
            reason("http://smtp.example.com"),
            "AFTERCARE_SMTP_URL: scheme \"http\" is not smtp, smtp+starttls or smtps"
        );
        assert!(reason("smtp+ssl://u:p@h").contains("\"smtp+ssl\""));
    }

    #[test]
    fn bad_urls_say_why() {
        assert!(reason("").contains("is empty"));
        assert!(
            reason("smtp.example.com:587").contains("scheme")
                || reason("smtp.example.com:587").contains("not a URL")
        );
        assert!(reason("not a url").contains("not a URL"));
        assert!(reason("smtp://").contains("no host"));
        assert!(reason("smtp://h:0").contains("port 0"));
        assert!(reason("smtp://h:99999").contains("not a URL"));
        assert!(reason("smtp://h:25/inbox").contains("path"));
        assert!(reason("smtp://h:25?tls=required").contains("query"));
        assert!(reason("smtps://user@h").contains("no password"));
        assert!(reason("smtps://:secret@h").contains("no user name"));
        assert!(reason("smtps://u:%FF@h").contains("UTF-8"));
    }

    #[test]
    fn plain_smtp_refuses_a_password() {
        assert!(reason("smtp://user:secret@smtp.example.com:25").contains("in clear"));
    }

    #[test]
    fn from_address_is_checked_and_named() {
        let err = MailConfig::parse("smtp://127.0.0.1:25", "Aftercare").expect_err("no address");
        assert_eq!(err.setting, SMTP_FROM_SETTING);
        assert!(
            err.to_string()
                .starts_with("AFTERCARE_SMTP_FROM: \"Aftercare\" is not an email address"),
            "{err}"
        );
        let err = MailConfig::parse("smtp://127.0.0.1:25", "  ").expect_err("empty");
        assert!(err.to_string().contains("is empty"), "{err}");
        let bare = MailConfig::parse("smtp://127.0.0.1:25", "aftercare@example.com")
            .expect("bare address");
        assert_eq!(bare.from.name, None);
    }

    #[test]
    fn names_given_by_the_caller_are_used() {
        let err = MailConfig::parse_named("gopher://x", "mail.url", FROM, "mail.from")
            .expect_err("bad scheme");
        assert!(err.to_string().starts_with("mail.url: "), "{err}");
    }

    #[test]
    fn lookup_without_url_means_no_mail() {
        assert_eq!(MailConfig::from_lookup(|_| None), Ok(None));
        assert_eq!(MailConfig::from_lookup(|_| Some("  ".into())), Ok(None));
    }

    #[test]
    fn lookup_with_url_needs_from() {
        let err = MailConfig::from_lookup(|name| {
            (name == SMTP_URL_SETTING).then(|| "smtp://127.0.0.1:2525".to_owned())
        })
        .expect_err("from missing");
        assert_eq!(err.setting, SMTP_FROM_SETTING);
        let config = MailConfig::from_lookup(|name| match name {
            SMTP_URL_SETTING => Some("smtps://u:p@mail.example.com".into()),
            SMTP_FROM_SETTING => Some(FROM.into()),
            _ => None,
        })
        .expect("valid")
        .expect("configured");
        assert_eq!(config.security, Security::Tls);
    }

    #[test]
    fn debug_hides_the_password() {
        let config = parse("smtps://user:hunter2-secret@h").expect("valid");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("user"), "{shown}");
    }
}
