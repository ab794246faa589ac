//! Single sign-on settings, parsed once at start-up so that a bad setting
//! stops the server with a message naming it.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use openidconnect::url::Url;

pub const ISSUER_SETTING: &str = "AFTERCARE_OIDC_ISSUER";
pub const CLIENT_ID_SETTING: &str = "AFTERCARE_OIDC_CLIENT_ID";
pub const CLIENT_SECRET_SETTING: &str = "AFTERCARE_OIDC_CLIENT_SECRET";
pub const SCOPES_SETTING: &str = "AFTERCARE_OIDC_SCOPES";
pub const CREATE_PEOPLE_SETTING: &str = "AFTERCARE_OIDC_CREATE_PEOPLE";
pub const PUBLIC_URL_SETTING: &str = "AFTERCARE_PUBLIC_URL";

/// Where the provider sends people back, below the public URL. The sign-in
/// pages serve it; operators register `{AFTERCARE_PUBLIC_URL}/login/oidc/callback`.
pub const CALLBACK_PATH: &str = "/login/oidc/callback";

/// `openid` is what makes it OpenID Connect, `email` carries the address
/// people are matched by, `profile` their name for a new person.
pub const DEFAULT_SCOPES: &str = "openid email profile";

/// How long a person may take between leaving for the provider and coming
/// back. Long enough to type a password and answer a second factor.
pub const DEFAULT_PENDING_MAX_AGE: Duration = Duration::from_secs(10 * 60);

/// How long one request to the provider (discovery, keys, token, userinfo)
/// may take.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(15);

/// A setting that cannot be used, with the setting's name and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    pub setting: String,
    pub reason: String,
}

fn config_error(setting: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_owned(),
        reason: reason.into(),
    }
}

/// Everything needed to sign people in with one OpenID provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The provider's issuer URL, exactly as it appears in its ID tokens
    /// (`iss`); discovery reads `{issuer}/.well-known/openid-configuration`.
    /// Kept as written: `https://accounts.google.com` and
    /// `https://accounts.google.com/` are different issuers to OpenID Connect,
    /// and a parsed URL would add the slash.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends people back (registered with the provider).
    pub redirect_url: Url,
    /// The scopes asked for, `openid` first.
    pub scopes: Vec<String>,
    /// Whether a person signing in for the first time with a verified email
    /// that matches nobody is created (just-in-time), or refused. The sign-in
    /// pages act on it; this crate only parses it.
    pub create_people: bool,
    /// How long a sign-in may take before `finish` refuses it.
    pub pending_max_age: Duration,
    /// How long each request to the provider may take.
    pub http_timeout: Duration,
}

impl fmt::Debug for OidcConfig {
    // The client secret never reaches a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<hidden>")
            .field("redirect_url", &self.redirect_url.as_str())
            .field("scopes", &self.scopes)
            .field("create_people", &self.create_people)
            .field("pending_max_age", &self.pending_max_age)
            .field("http_timeout", &self.http_timeout)
            .finish()
    }
}

impl OidcConfig {
    /// Checks and keeps the four things a provider registration gives, with
    /// the default scopes and time limits. Errors name the environment
    /// variables the server reads them from (`AFTERCARE_OIDC_*`), and the
    /// redirect URL as `AFTERCARE_PUBLIC_URL`, which it is made from.
    pub fn new(
        issuer: &str,
        client_id: &str,
        client_secret: &str,
        redirect_url: &str,
    ) -> Result<OidcConfig, ConfigError> {
        let issuer = issuer.trim();
        parse_issuer(issuer)?;
        let client_id = client_id.trim();
        if client_id.is_empty() {
            return Err(config_error(
                CLIENT_ID_SETTING,
                "is empty; copy the client id the provider gave when you registered Aftercare",
            ));
        }
        if client_secret.trim().is_empty() {
            return Err(config_error(
                CLIENT_SECRET_SETTING,
                "is empty; copy the client secret the provider gave when you registered Aftercare",
            ));
        }
        let redirect_url = parse_web_url(redirect_url.trim(), PUBLIC_URL_SETTING, "redirect URL")?;
        Ok(OidcConfig {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.trim().to_owned(),
            redirect_url,
            scopes: parse_scopes(DEFAULT_SCOPES)?,
            create_people: false,
            pending_max_age: DEFAULT_PENDING_MAX_AGE,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
        })
    }

    /// The same settings asking for these scopes (space-separated, as in
    /// `AFTERCARE_OIDC_SCOPES`). `openid` is added if missing; `email` is
    /// required, since people are matched by their verified email.
    pub fn with_scopes(mut self, scopes: &str) -> Result<OidcConfig, ConfigError> {
        self.scopes = parse_scopes(scopes)?;
        Ok(self)
    }

    /// Reads the settings through `lookup` (normally
    /// `|name| std::env::var(name).ok()`). `Ok(None)` when
    /// `AFTERCARE_OIDC_ISSUER` is not set: single sign-on is then off.
    /// The redirect URL is `AFTERCARE_PUBLIC_URL` followed by
    /// [`CALLBACK_PATH`].
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<OidcConfig>, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let Some(issuer) = get(ISSUER_SETTING) else {
            return Ok(None);
        };
        let needed = |name: &str, what: &str| {
            get(name).ok_or_else(|| {
                config_error(
                    name,
                    format!("is required when {ISSUER_SETTING} is set ({what})"),
                )
            })
        };
        let client_id = needed(CLIENT_ID_SETTING, "the client id from the provider")?;
        let client_secret = needed(CLIENT_SECRET_SETTING, "the client secret from the provider")?;
        let public_url = needed(
            PUBLIC_URL_SETTING,
            "the address people use to reach Aftercare, e.g. https://aftercare.example.com",
        )?;
        let redirect_url = redirect_url_for(&public_url)?;
        let mut config =
            OidcConfig::new(&issuer, &client_id, &client_secret, redirect_url.as_str())?;
        if let Some(scopes) = get(SCOPES_SETTING) {
            config = config.with_scopes(&scopes)?;
        }
        if let Some(create) = get(CREATE_PEOPLE_SETTING) {
            config.create_people = parse_bool(&create, CREATE_PEOPLE_SETTING)?;
        }
        Ok(Some(config))
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Option<OidcConfig>, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

/// `{public_url}/login/oidc/callback`, for a public URL such as
/// `https://aftercare.example.com` or `https://example.com/aftercare/`.
pub fn redirect_url_for(public_url: &str) -> Result<Url, ConfigError> {
    let base = parse_web_url(public_url.trim(), PUBLIC_URL_SETTING, "public URL")?;
    if base.query().is_some() || base.fragment().is_some() {
        return Err(config_error(
            PUBLIC_URL_SETTING,
            "has a query or fragment; give only scheme, host, port and path",
        ));
    }
    let path = format!("{}{CALLBACK_PATH}", base.path().trim_end_matches('/'));
    let mut url = base;
    url.set_path(&path);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// An http(s) URL; plain http only on loopback, where nothing crosses a
/// network (development, and the tests' provider).
fn parse_web_url(raw: &str, setting: &str, what: &str) -> Result<Url, ConfigError> {
    if raw.is_empty() {
        return Err(config_error(setting, format!("the {what} is empty")));
    }
    let url = Url::parse(raw)
        .map_err(|e| config_error(setting, format!("the {what} \"{raw}\" is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(config_error(
                setting,
                format!(
                    "the {what} \"{raw}\" is http://, which only loopback may use; \
                     sign-in codes and tokens must travel over https://"
                ),
            ));
        }
        other => {
            return Err(config_error(
                setting,
                format!("the {what} \"{raw}\" has scheme \"{other}\"; expected https"),
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(config_error(
            setting,
            format!("the {what} \"{raw}\" has no host"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config_error(
            setting,
            format!("the {what} must not contain a user name or password"),
        ));
    }
    Ok(url)
}

fn parse_issuer(raw: &str) -> Result<Url, ConfigError> {
    let url = parse_web_url(raw, ISSUER_SETTING, "issuer URL")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config_error(
            ISSUER_SETTING,
            "has a query or fragment; an issuer URL is scheme, host and path only \
             (the part before /.well-known/openid-configuration)",
        ));
    }
    if url.path().ends_with("/.well-known/openid-configuration") {
        return Err(config_error(
            ISSUER_SETTING,
            "give the issuer, without /.well-known/openid-configuration at the end",
        ));
    }
    Ok(url)
}

fn parse_scopes(raw: &str) -> Result<Vec<String>, ConfigError> {
    let mut scopes = vec!["openid".to_owned()];
    for scope in raw.split_ascii_whitespace() {
        // RFC 6749 section 3.3: scope tokens are printable ASCII without
        // space, `"` or `\`.
        let valid = scope
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
        if !valid {
            return Err(config_error(
                SCOPES_SETTING,
                format!(
                    "\"{scope}\" is not a scope (printable ASCII without quotes or backslashes)"
                ),
            ));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    if !scopes.iter().any(|s| s == "email") {
        return Err(config_error(
            SCOPES_SETTING,
            "must include \"email\": Aftercare matches people by their verified email address",
        ));
    }
    Ok(scopes)
}

fn parse_bool(raw: &str, setting: &str) -> Result<bool, ConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        other => Err(config_error(
            setting,
            format!("\"{other}\" is not true or false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OidcConfig {
        OidcConfig::new(
            "https://login.example.com/realms/ops",
            "aftercare",
            "s3cret-value",
            "https://aftercare.example.com/login/oidc/callback",
        )
        .expect("valid")
    }

    fn setting_and_reason(result: Result<OidcConfig, ConfigError>) -> (String, String) {
        match result {
            Ok(config) => panic!("accepted {config:?}"),
            Err(e) => (e.setting.clone(), e.to_string()),
        }
    }

    #[test]
    fn defaults() {
        let config = config();
        assert_eq!(config.issuer, "https://login.example.com/realms/ops");
        let slash = OidcConfig::new(
            "https://accounts.example.com/",
            "c",
            "s",
            "https://a.example.com/cb",
        )
        .expect("valid");
        assert_eq!(slash.issuer, "https://accounts.example.com/");
        let bare = OidcConfig::new(
            "https://accounts.example.com",
            "c",
            "s",
            "https://a.example.com/cb",
        )
        .expect("valid");
        assert_eq!(bare.issuer, "https://accounts.example.com");
        assert_eq!(config.scopes, ["openid", "email", "profile"]);
        assert!(!config.create_people);
        assert_eq!(config.pending_max_age, DEFAULT_PENDING_MAX_AGE);
    }

    #[test]
    fn http_only_on_loopback() {
        for issuer in [
            "http://127.0.0.1:8080",
            "http://localhost:9000/oidc",
            "http://[::1]:1234",
        ] {
            OidcConfig::new(
                issuer,
                "c",
                "s",
                "http://127.0.0.1:3000/login/oidc/callback",
            )
            .unwrap_or_else(|e| panic!("{issuer}: {e}"));
        }
        let (setting, reason) = setting_and_reason(OidcConfig::new(
            "http://login.example.com",
            "c",
            "s",
            "https://a.example.com/cb",
        ));
        assert_eq!(setting, ISSUER_SETTING);
        assert!(reason.contains("only loopback"), "{reason}");
        let (setting, reason) = setting_and_reason(OidcConfig::new(
            "https://login.example.com",
            "c",
            "s",
            "http://aftercare.example.com/cb",
        ));
        assert_eq!(setting, PUBLIC_URL_SETTING);
        assert!(reason.contains("only loopback"), "{reason}");
    }

    #[test]
    fn bad_settings_are_named() {
        let cases = [
            (("", "c", "s"), ISSUER_SETTING, "is empty"),
            (("login.example.com", "c", "s"), ISSUER_SETTING, "not a URL"),
            (
                ("ftp://login.example.com", "c", "s"),
                ISSUER_SETTING,
                "scheme \"ftp\"",
            ),
            (
                ("https://u:p@login.example.com", "c", "s"),
                ISSUER_SETTING,
                "user name",
            ),
            (
                ("https://login.example.com?x=1", "c", "s"),
                ISSUER_SETTING,
                "query",
            ),
            (
                (
                    "https://login.example.com/.well-known/openid-configuration",
                    "c",
                    "s",
                ),
                ISSUER_SETTING,
                "without /.well-known",
            ),
            (
                ("https://login.example.com", " ", "s"),
                CLIENT_ID_SETTING,
                "is empty",
            ),
            (
                ("https://login.example.com", "c", ""),
                CLIENT_SECRET_SETTING,
                "is empty",
            ),
        ];
        for ((issuer, id, secret), want_setting, want_reason) in cases {
            let (setting, reason) = setting_and_reason(OidcConfig::new(
                issuer,
                id,
                secret,
                "https://aftercare.example.com/login/oidc/callback",
            ));
            assert_eq!(
                setting, want_setting,
                "{issuer:?} {id:?} {secret:?}: {reason}"
            );
            assert!(reason.contains(want_reason), "{issuer:?}: {reason}");
            assert!(reason.starts_with(&format!("{want_setting}: ")), "{reason}");
        }
    }

    #[test]
    fn scopes() {
        let custom = config().with_scopes("email groups email").expect("valid");
        assert_eq!(custom.scopes, ["openid", "email", "groups"]);
        let custom = custom.with_scopes("openid profile email").expect("valid");
        assert_eq!(custom.scopes, ["openid", "profile", "email"]);
        let err = config()
            .with_scopes("openid profile")
            .expect_err("no email");
        assert_eq!(err.setting, SCOPES_SETTING);
        assert!(err.reason.contains("verified email"), "{err}");
        let err = config().with_scopes("email \"x\"").expect_err("quote");
        assert!(err.reason.contains("is not a scope"), "{err}");
    }

    #[test]
    fn redirect_url_from_public_url() {
        let cases = [
            (
                "https://aftercare.example.com",
                "https://aftercare.example.com/login/oidc/callback",
            ),
            (
                "https://aftercare.example.com/",
                "https://aftercare.example.com/login/oidc/callback",
            ),
            (
                "https://example.com/aftercare/",
                "https://example.com/aftercare/login/oidc/callback",
            ),
            (
                "http://127.0.0.1:3000",
                "http://127.0.0.1:3000/login/oidc/callback",
            ),
        ];
        for (public, want) in cases {
            assert_eq!(redirect_url_for(public).expect("valid").as_str(), want);
        }
        let err = redirect_url_for("https://example.com/?a=b").expect_err("query");
        assert_eq!(err.setting, PUBLIC_URL_SETTING);
    }

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn from_lookup() {
        assert_eq!(OidcConfig::from_lookup(lookup(&[])), Ok(None));
        let all = [
            (ISSUER_SETTING, "https://accounts.example.com"),
            (CLIENT_ID_SETTING, "aftercare"),
            (CLIENT_SECRET_SETTING, "secret"),
            (PUBLIC_URL_SETTING, "https://aftercare.example.com"),
            (CREATE_PEOPLE_SETTING, "yes"),
        ];
        let config = OidcConfig::from_lookup(lookup(&all))
            .expect("valid")
            .expect("on");
        assert_eq!(
            config.redirect_url.as_str(),
            "https://aftercare.example.com/login/oidc/callback"
        );
        assert!(config.create_people);
        for missing in [CLIENT_ID_SETTING, CLIENT_SECRET_SETTING, PUBLIC_URL_SETTING] {
            let some: Vec<_> = all.iter().copied().filter(|(k, _)| *k != missing).collect();
            let err = OidcConfig::from_lookup(lookup(&some)).expect_err("missing");
            assert_eq!(err.setting, missing);
            assert!(
                err.reason
                    .contains("is required when AFTERCARE_OIDC_ISSUER is set"),
                "{err}"
            );
        }
        let mut bad = all.to_vec();
        bad[4] = (CREATE_PEOPLE_SETTING, "perhaps");
        let err = OidcConfig::from_lookup(lookup(&bad)).expect_err("bad bool");
        assert_eq!(
            err.to_string(),
            "AFTERCARE_OIDC_CREATE_PEOPLE: \"perhaps\" is not true or false"
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let shown = format!("{:?}", config());
        assert!(!shown.contains("s3cret-value"), "{shown}");
    }
}
