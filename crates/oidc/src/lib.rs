//! Single sign-on for Aftercare: an OpenID Connect relying party using the
//! authorization code flow with PKCE (S256), `state` and `nonce`.
//!
//! Aftercare servers keep no memory between requests (any number may run
//! behind a load balancer), so a sign-in is two calls that may happen in two
//! processes:
//!
//! 1. [`OidcClient::begin`] gives the provider's authorization URL to send
//!    the browser to, and a [`PendingLogin`] (state, nonce, PKCE verifier,
//!    start time) that the caller keeps where any process can find it again:
//!    its database, or an encrypted cookie. It is serde-serialisable.
//! 2. When the provider sends the browser back with `code` and `state`,
//!    [`OidcClient::finish`] checks the state against the pending login,
//!    exchanges the code (with the PKCE verifier) for tokens, validates the ID
//!    token (signature through the provider's published keys, issuer,
//!    audience, expiry, nonce) and returns who signed in ([`SignedIn`]).
//!
//! People are matched by email, so [`SignedIn::verified_email`] is the one
//! gate: it gives the address only when the provider says it verified it.
//!
//! Built on the `openidconnect` crate (protocol types and token validation)
//! with reqwest and rustls as its HTTP client.

mod config;

use std::sync::RwLock;

use jiff::Timestamp;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreErrorResponseType,
    CoreIdTokenClaims, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::url::Url;
use openidconnect::{
    AccessTokenHash, AuthType, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, JsonWebKeySetUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    Scope, SignatureVerificationError, TokenResponse, reqwest,
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

pub use config::{
    CALLBACK_PATH, CLIENT_ID_SETTING, CLIENT_SECRET_SETTING, CREATE_PEOPLE_SETTING, ConfigError,
    DEFAULT_HTTP_TIMEOUT, DEFAULT_PENDING_MAX_AGE, DEFAULT_SCOPES, ISSUER_SETTING, OidcConfig,
    PUBLIC_URL_SETTING, SCOPES_SETTING, redirect_url_for,
};

/// What can go wrong signing someone in. The messages are written for the
/// person signing in or the operator reading the log, and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Discovery or the provider's keys could not be read (at start-up).
    #[error("could not read the OpenID configuration of {issuer}: {reason}")]
    Discovery { issuer: String, reason: String },
    /// The `state` that came back is not the one this sign-in sent: the
    /// callback belongs to another sign-in, or was forged (login CSRF).
    #[error("state does not match: start the sign-in again")]
    StateMismatch,
    /// The pending sign-in is older than the configured limit.
    #[error("this sign-in was started more than {minutes} minutes ago: start it again")]
    Expired { minutes: u64 },
    /// The provider sent the person back with an error instead of a code
    /// (for example they declined, or the provider refused the client). The
    /// message shows only a known error code in words: both fields come from
    /// the callback URL, which anyone can craft, so the free-text description
    /// is kept for the log and never shown.
    #[error("{}: start the sign-in again", denied_in_words(.error))]
    ProviderDenied {
        error: String,
        description: Option<String>,
    },
    /// The callback carried no code.
    #[error("the provider sent no sign-in code: start the sign-in again")]
    MissingCode,
    /// The token endpoint refused the code: already used, expired, or not
    /// issued to this client for this PKCE verifier.
    #[error("the provider refused the sign-in code ({error}): start the sign-in again")]
    CodeRejected { error: String },
    /// The token endpoint refused Aftercare itself: the client id or secret
    /// is wrong, or the client may not use the code flow. An operator's fix.
    #[error(
        "the provider does not accept Aftercare's client id and secret ({error}): check AFTERCARE_OIDC_CLIENT_ID and AFTERCARE_OIDC_CLIENT_SECRET"
    )]
    ClientRejected { error: String },
    /// The provider could not be reached or answered something unreadable.
    #[error("could not talk to the OpenID provider: {reason}")]
    Provider { reason: String },
    /// The token response had no ID token (the provider is not speaking
    /// OpenID Connect for this client; is the `openid` scope allowed?).
    #[error("the provider sent no ID token")]
    NoIdToken,
    /// The ID token's nonce is not the one this sign-in sent (a replayed or
    /// substituted token).
    #[error("the ID token is not for this sign-in (nonce does not match): start the sign-in again")]
    NonceMismatch,
    /// The ID token failed validation (signature, issuer, audience, expiry).
    #[error("the provider's ID token is not valid: {reason}")]
    InvalidIdToken { reason: String },
    /// The userinfo endpoint failed or answered for another subject.
    #[error("could not read the account's details from the provider: {reason}")]
    UserInfo { reason: String },
    /// Signed in, but the provider shared no email address.
    #[error(
        "the provider did not share an email address (is the \"email\" scope allowed for Aftercare?)"
    )]
    NoEmail,
    /// Signed in, but the provider does not vouch for the address.
    #[error(
        "the provider did not verify this email address ({email}): verify it with the provider, or ask an admin to invite you"
    )]
    EmailNotVerified { email: String },
}

pub type Result<T, E = OidcError> = std::result::Result<T, E>;

/// A sign-in between [`OidcClient::begin`] and [`OidcClient::finish`]. Keep
/// it where the process that receives the callback can find it, bound to the
/// browser that started it (an encrypted, `HttpOnly` cookie, or a database
/// row keyed by such a cookie), and use it once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    /// Sent as `state`; must come back unchanged.
    pub state: String,
    /// Sent as `nonce`; must be inside the ID token.
    pub nonce: String,
    /// The PKCE secret whose S256 hash was sent as `code_challenge`.
    pub pkce_verifier: String,
    pub created_at: Timestamp,
}

impl std::fmt::Debug for PendingLogin {
    // All three values are secrets until the sign-in is over.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// Who signed in, as the provider vouches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The provider's issuer URL; `(issuer, subject)` names the account.
    pub issuer: String,
    /// The provider's stable id for the account (`sub`).
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider says it verified `email` (`email_verified`).
    /// Absent counts as not verified.
    pub email_verified: bool,
    pub name: Option<String>,
}

impl SignedIn {
    /// The email address to match a person by, only if the provider verified
    /// it: anyone can type any address into an account at some providers.
    pub fn verified_email(&self) -> Result<&str> {
        match (&self.email, self.email_verified) {
            (Some(email), true) => Ok(email),
            (Some(email), false) => Err(OidcError::EmailNotVerified {
                email: email.clone(),
            }),
            (None, _) => Err(OidcError::NoEmail),
        }
    }
}

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointMaybeSet,
>;

/// One OpenID provider, discovered. Share one per process (it is `Sync`);
/// any process discovered from the same settings can finish a sign-in that
/// another began.
pub struct OidcClient {
    config: OidcConfig,
    client: Client,
    issuer: IssuerUrl,
    http: reqwest::Client,
    jwks_url: JsonWebKeySetUrl,
    /// The provider's signing keys, read again when a token is signed with a
    /// key not in them (providers rotate keys, announcing the new one first).
    jwks: RwLock<CoreJsonWebKeySet>,
    signing_algs: Vec<CoreJwsSigningAlgorithm>,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OidcClient {
    /// Reads the provider's configuration from
    /// `{issuer}/.well-known/openid-configuration` and its signing keys.
    /// Call once at start-up: an unreachable or misconfigured provider is
    /// then reported before anyone tries to sign in.
    pub async fn discover(config: OidcConfig) -> Result<OidcClient> {
        let discovery_error = |reason: String| OidcError::Discovery {
            issuer: config.issuer.to_string(),
            reason,
        };
        let http = reqwest::Client::builder()
            // The provider's answers are never redirects we should follow;
            // following them would let a hostile answer make us fetch any URL.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.http_timeout)
            .build()
            .map_err(|e| discovery_error(format!("cannot build an HTTP client: {e}")))?;
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| discovery_error(format!("the issuer is not a URL: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|e| discovery_error(error_chain(&e)))?;
        let token_url = metadata.token_endpoint().cloned().ok_or_else(|| {
            discovery_error("it names no token_endpoint, which the code flow needs".into())
        })?;
        // client_secret_basic is the default the specification gives; use
        // client_secret_post only for a provider that says it takes nothing else.
        let auth_type = match metadata.token_endpoint_auth_methods_supported() {
            Some(methods)
                if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                    && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
            {
                AuthType::RequestBody
            }
            _ => AuthType::BasicAuth,
        };
        let jwks_url = metadata.jwks_uri().clone();
        let jwks = metadata.jwks().clone();
        let signing_algs = metadata.id_token_signing_alg_values_supported().clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.clone())),
        )
        .set_token_uri(token_url)
        .set_auth_type(auth_type)
        .set_redirect_uri(RedirectUrl::from_url(config.redirect_url.clone()));
        Ok(OidcClient {
            config,
            client,
            issuer,
            http,
            jwks_url,
            jwks: RwLock::new(jwks),
            signing_algs,
        })
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// Starts a sign-in: the URL to send the browser to, and what to keep
    /// until it comes back.
    pub fn begin(&self) -> (Url, PendingLogin) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self.client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        // The crate always asks for `openid` itself.
        for scope in self.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let pending = PendingLogin {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            created_at: Timestamp::now(),
        };
        (url, pending)
    }

    /// The error to show when the provider sent the browser back with
    /// `error` (and perhaps `error_description`) instead of a code.
    pub fn callback_error(error: &str, description: Option<&str>) -> OidcError {
        OidcError::ProviderDenied {
            error: error.to_owned(),
            description: description.map(str::to_owned),
        }
    }

    /// Finishes a sign-in from the `state` and `code` the provider sent the
    /// browser back with. The caller must drop `pending` afterwards, whatever
    /// the outcome: a pending login is good for one try.
    pub async fn finish(
        &self,
        pending: &PendingLogin,
        returned_state: &str,
        code: &str,
    ) -> Result<SignedIn> {
        // Constant time, so the comparison's duration tells nothing about how
        // much of a guessed state was right.
        // An empty state (a pending login built by mistake) matches nothing.
        if pending.state.is_empty()
            || !bool::from(pending.state.as_bytes().ct_eq(returned_state.as_bytes()))
        {
            return Err(OidcError::StateMismatch);
        }
        check_age(
            pending.created_at,
            Timestamp::now(),
            self.config.pending_max_age,
        )?;
        if code.is_empty() {
            return Err(OidcError::MissingCode);
        }

        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(response) => {
                    let error = match response.error_description() {
                        Some(d) => format!("{}: {d}", response.error()),
                        None => response.error().to_string(),
                    };
                    match response.error() {
                        CoreErrorResponseType::InvalidClient
                        | CoreErrorResponseType::UnauthorizedClient => {
                            OidcError::ClientRejected { error }
                        }
                        _ => OidcError::CodeRejected { error },
                    }
                }
                other => OidcError::Provider {
                    reason: format!("token request failed: {}", error_chain(&other)),
                },
            })?;
        let id_token = tokens.id_token().ok_or(OidcError::NoIdToken)?;
        let nonce = Nonce::new(pending.nonce.clone());

        let claims = match self.verify(id_token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                self.refresh_keys().await?;
                self.verify(id_token, &nonce)
            }
            other => other,
        }
        .map_err(|e| match e {
            ClaimsVerificationError::InvalidNonce(_) => OidcError::NonceMismatch,
            other => OidcError::InvalidIdToken {
                reason: error_chain(&other),
            },
        })?;

        // An ID token that names a hash of its access token must match the
        // one that came with it (guards against a substituted access token,
        // which is what reads userinfo below).
        if let Some(expected) = claims.access_token_hash() {
            let verifier = self.verifier();
            let actual = id_token
                .signing_alg()
                .and_then(|alg| id_token.signing_key(&verifier).map(|key| (alg, key)))
                .map_err(|e| OidcError::InvalidIdToken {
                    reason: error_chain(&e),
                })
                .and_then(|(alg, key)| {
                    AccessTokenHash::from_token(tokens.access_token(), alg, key).map_err(|e| {
                        OidcError::InvalidIdToken {
                            reason: error_chain(&e),
                        }
                    })
                })?;
            if actual != *expected {
                return Err(OidcError::InvalidIdToken {
                    reason: "at_hash does not match the access token".into(),
                });
            }
        }

        let mut signed_in = SignedIn {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
        };

        // Many providers put only the subject in the ID token of the code
        // flow and the rest at the userinfo endpoint (OpenID Connect Core
        // 5.4). Ask there when the address is missing, for this subject only.
        if signed_in.email.is_none() && self.client.user_info_url().is_some() {
            let info = self.user_info(&tokens, claims).await?;
            // The address and whether it is verified come from one answer,
            // never one from each.
            signed_in.email = info.email().map(|e| e.to_string());
            signed_in.email_verified = info.email_verified().unwrap_or(false);
            if signed_in.name.is_none() {
                signed_in.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
            }
        }
        Ok(signed_in)
    }

    fn verifier(&self) -> CoreIdTokenVerifier<'static> {
        let jwks = match self.jwks.read() {
            Ok(keys) => keys.clone(),
            // A panic elsewhere while holding the lock leaves the keys as
            // they were: still the provider's keys.
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        CoreIdTokenVerifier::new_confidential_client(
            ClientId::new(self.config.client_id.clone()),
            ClientSecret::new(self.config.client_secret.clone()),
            self.issuer.clone(),
            jwks,
        )
        .set_allowed_algs(self.signing_algs.clone())
    }

    fn verify<'t>(
        &self,
        id_token: &'t openidconnect::core::CoreIdToken,
        nonce: &Nonce,
    ) -> std::result::Result<&'t CoreIdTokenClaims, ClaimsVerificationError> {
        id_token.claims(&self.verifier(), nonce)
    }

    async fn refresh_keys(&self) -> Result<()> {
        let keys = CoreJsonWebKeySet::fetch_async(&self.jwks_url, &self.http)
            .await
            .map_err(|e| OidcError::Provider {
                reason: format!("reading the signing keys failed: {}", error_chain(&e)),
            })?;
        match self.jwks.write() {
            Ok(mut current) => *current = keys,
            Err(poisoned) => *poisoned.into_inner() = keys,
        }
        Ok(())
    }

    async fn user_info(
        &self,
        tokens: &openidconnect::core::CoreTokenResponse,
        claims: &CoreIdTokenClaims,
    ) -> Result<CoreUserInfoClaims> {
        let request = self
            .client
            .user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
            .map_err(|e| OidcError::UserInfo {
                reason: error_chain(&e),
            })?;
        request
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::UserInfo {
                reason: error_chain(&e),
            })
    }
}

/// Refuses a sign-in started longer than `max_age` ago, or (beyond a minute
/// of clock difference between two servers) in the future.
fn check_age(created_at: Timestamp, now: Timestamp, max_age: std::time::Duration) -> Result<()> {
    let age = now.duration_since(created_at).as_secs();
    let max = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    if age > max || age < -60 {
        return Err(OidcError::Expired {
            minutes: max_age.as_secs().div_ceil(60),
        });
    }
    Ok(())
}

/// The words shown for an `error` the provider sent back, for the codes of
/// RFC 6749 section 4.1.2.1 and OpenID Connect Core section 3.1.2.6.
fn denied_in_words(error: &str) -> String {
    match error {
        "access_denied" => "the sign-in was declined at the provider".into(),
        "login_required"
        | "interaction_required"
        | "consent_required"
        | "account_selection_required" => "the provider needs you to sign in there first".into(),
        "server_error" | "temporarily_unavailable" => {
            "the provider is not available right now".into()
        }
        "invalid_request"
        | "unauthorized_client"
        | "unsupported_response_type"
        | "invalid_scope"
        | "invalid_request_uri"
        | "invalid_request_object"
        | "request_not_supported"
        | "request_uri_not_supported"
        | "registration_not_supported" => {
            format!("the provider refused Aftercare's request (tell your administrator: {error})")
        }
        _ => "the provider did not sign you in".into(),
    }
}

/// An error with its causes, `a: b: c`, since the crate's top-level messages
/// alone ("Request failed") do not say what to fix.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_in(email: Option<&str>, verified: bool) -> SignedIn {
        SignedIn {
            issuer: "https://login.example.com".into(),
            subject: "abc".into(),
            email: email.map(str::to_owned),
            email_verified: verified,
            name: None,
        }
    }

    #[test]
    fn only_a_verified_email_matches() {
        assert_eq!(
            signed_in(Some("robin@example.com"), true)
                .verified_email()
                .ok(),
            Some("robin@example.com")
        );
        let err = signed_in(Some("robin@example.com"), false)
            .verified_email()
            .expect_err("unverified");
        assert!(matches!(err, OidcError::EmailNotVerified { .. }));
        assert!(
            err.to_string()
                .starts_with("the provider did not verify this email address"),
            "{err}"
        );
        assert!(matches!(
            signed_in(None, true).verified_email(),
            Err(OidcError::NoEmail)
        ));
    }

    #[test]
    fn pending_login_round_trips_and_hides_secrets() {
        let pending = PendingLogin {
            state: "state-secret".into(),
            nonce: "nonce-secret".into(),
            pkce_verifier: "verifier-secret".into(),
            created_at: Timestamp::from_second(1_800_000_000).expect("valid"),
        };
        let json = serde_json::to_string(&pending).expect("serialises");
        let back: PendingLogin = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, pending);
        let shown = format!("{pending:?}");
        for secret in ["state-secret", "nonce-secret", "verifier-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn error_messages_say_what_to_do() {
        assert_eq!(
            OidcError::StateMismatch.to_string(),
            "state does not match: start the sign-in again"
        );
        let declined = OidcClient::callback_error("access_denied", Some("the user declined"));
        assert_eq!(
            declined.to_string(),
            "the sign-in was declined at the provider: start the sign-in again"
        );
        assert!(matches!(
            declined,
            OidcError::ProviderDenied { description: Some(d), .. } if d == "the user declined"
        ));
        assert_eq!(
            OidcClient::callback_error("invalid_scope", None).to_string(),
            "the provider refused Aftercare's request (tell your administrator: invalid_scope): \
             start the sign-in again"
        );
        // Text from a crafted callback URL is never shown.
        let crafted =
            OidcClient::callback_error("Your account is locked, call +1 555 0100", Some("urgent"));
        assert_eq!(
            crafted.to_string(),
            "the provider did not sign you in: start the sign-in again"
        );
    }

    #[test]
    fn a_sign_in_is_good_for_ten_minutes() {
        let max = DEFAULT_PENDING_MAX_AGE;
        let start = Timestamp::from_second(1_800_000_000).expect("valid");
        let at = |secs: i64| start + jiff::SignedDuration::from_secs(secs);
        assert!(check_age(start, at(0), max).is_ok());
        assert!(check_age(start, at(600), max).is_ok());
        assert!(matches!(
            check_age(start, at(601), max),
            Err(OidcError::Expired { minutes: 10 })
        ));
        // Another server's clock a little ahead is fine; far ahead is not.
        assert!(check_age(start, at(-30), max).is_ok());
        assert!(check_age(start, at(-3600), max).is_err());
    }
}
