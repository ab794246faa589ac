//! Signs in against a real OpenID provider on loopback: panva's
//! `oidc-provider` run by Node.js from tests/support/oidc-provider (one
//! client, PKCE required, a verified and an unverified account). The test
//! plays the browser with a cookie-keeping HTTP client: it follows the
//! authorization URL, submits the provider's login form, and stops at the
//! redirect URI with `code` and `state`, as the sign-in pages will receive
//! them. `scripts/prepare-test-env` runs `npm ci` for the provider.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../tests/support/oidc_provider.rs"]
mod oidc_provider;

use aftercare_oidc::{OidcClient, OidcConfig, OidcError, PendingLogin};
use oidc_provider::{CLIENT_ID, CLIENT_SECRET, Provider, REDIRECT_URI, browse_and_sign_in};

#[tokio::test]
async fn a_verified_account_signs_in_and_the_flow_resumes_in_another_process() {
    let provider = Provider::start(false);
    // Two clients discovered independently stand for two server processes
    // behind a load balancer: one begins, the other finishes.
    let first = provider.client().await;
    let second = provider.client().await;

    let (url, pending) = first.begin();
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(param("response_type"), Some("code"));
    assert_eq!(param("client_id"), Some(CLIENT_ID));
    assert_eq!(param("redirect_uri"), Some(REDIRECT_URI));
    assert_eq!(param("scope"), Some("openid email profile"));
    assert_eq!(param("code_challenge_method"), Some("S256"));
    assert_eq!(param("state"), Some(pending.state.as_str()));
    assert_eq!(param("nonce"), Some(pending.nonce.as_str()));
    assert!(
        param("code_challenge").is_some_and(|c| c.len() == 43),
        "{url}"
    );
    // The verifier itself never leaves this side.
    assert!(!url.as_str().contains(&pending.pkce_verifier));

    // What the server keeps in its database or a cookie, and reads back.
    let kept = serde_json::to_string(&pending).unwrap();
    let pending: PendingLogin = serde_json::from_str(&kept).unwrap();

    let callback = browse_and_sign_in(&url, "verified").await;
    let signed_in = second
        .finish(&pending, &callback.state, &callback.code)
        .await
        .unwrap_or_else(|e| panic!("{e}; provider stderr:\n{}", provider.stderr_text()));
    assert_eq!(signed_in.issuer, provider.issuer);
    assert_eq!(signed_in.subject, "account-verified-7f3a");
    assert_eq!(signed_in.email.as_deref(), Some("robin@example.test"));
    assert!(signed_in.email_verified);
    assert_eq!(signed_in.name.as_deref(), Some("Robin Verified"));
    assert_eq!(signed_in.verified_email().unwrap(), "robin@example.test");
}

#[tokio::test]
async fn claims_in_the_id_token_are_read_there() {
    let provider = Provider::start(true);
    let client = provider.client().await;
    for (account, subject, email, verified, name) in [
        (
            "verified",
            "account-verified-7f3a",
            "robin@example.test",
            true,
            "Robin Verified",
        ),
        (
            "unverified",
            "account-unverified-2c9d",
            "sam@example.test",
            false,
            "Sam Unverified",
        ),
    ] {
        let (url, pending) = client.begin();
        let callback = browse_and_sign_in(&url, account).await;
        let signed_in = client
            .finish(&pending, &callback.state, &callback.code)
            .await
            .unwrap();
        assert_eq!(signed_in.subject, subject);
        assert_eq!(signed_in.email.as_deref(), Some(email));
        assert_eq!(signed_in.email_verified, verified, "{account}");
        assert_eq!(signed_in.name.as_deref(), Some(name));
    }
}

#[tokio::test]
async fn an_unverified_email_is_not_a_match() {
    let provider = Provider::start(false);
    let client = provider.client().await;
    let (url, pending) = client.begin();
    let callback = browse_and_sign_in(&url, "unverified").await;
    let signed_in = client
        .finish(&pending, &callback.state, &callback.code)
        .await
        .unwrap();
    assert_eq!(signed_in.subject, "account-unverified-2c9d");
    assert_eq!(signed_in.email.as_deref(), Some("sam@example.test"));
    assert!(!signed_in.email_verified);
    let err = signed_in.verified_email().expect_err("not verified");
    assert!(matches!(err, OidcError::EmailNotVerified { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("the provider did not verify this email address"),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_state_replayed_code_and_tampered_secrets_are_refused() {
    let provider = Provider::start(false);
    let client = provider.client().await;

    // A state from another sign-in (login CSRF): refused before the code is
    // spent, so the right callback still works afterwards.
    let (url, pending) = client.begin();
    let callback = browse_and_sign_in(&url, "verified").await;
    let (_, other) = client.begin();
    for state in [
        other.state.as_str(),
        "",
        &callback.state[..callback.state.len() - 1],
    ] {
        let err = client
            .finish(&pending, state, &callback.code)
            .await
            .expect_err("wrong state");
        assert!(matches!(err, OidcError::StateMismatch), "{err:?}");
        assert_eq!(
            err.to_string(),
            "state does not match: start the sign-in again"
        );
    }
    client
        .finish(&pending, &callback.state, &callback.code)
        .await
        .expect("right state");

    // The same code again: the provider refuses it.
    let err = client
        .finish(&pending, &callback.state, &callback.code)
        .await
        .expect_err("replayed code");
    assert!(matches!(err, OidcError::CodeRejected { .. }), "{err:?}");
    assert!(err.to_string().contains("invalid_grant"), "{err}");

    // A PKCE verifier that does not match the challenge sent (a code stolen
    // from another browser's sign-in): the provider refuses the code.
    let (url, pending) = client.begin();
    let callback = browse_and_sign_in(&url, "verified").await;
    let (_, other) = client.begin();
    let stolen = PendingLogin {
        pkce_verifier: other.pkce_verifier,
        ..pending.clone()
    };
    let err = client
        .finish(&stolen, &callback.state, &callback.code)
        .await
        .expect_err("wrong verifier");
    assert!(matches!(err, OidcError::CodeRejected { .. }), "{err:?}");

    // A nonce other than the one sent: the ID token is not for this sign-in.
    let (url, pending) = client.begin();
    let callback = browse_and_sign_in(&url, "verified").await;
    let (_, other) = client.begin();
    let swapped = PendingLogin {
        nonce: other.nonce,
        ..pending.clone()
    };
    let err = client
        .finish(&swapped, &callback.state, &callback.code)
        .await
        .expect_err("wrong nonce");
    assert!(matches!(err, OidcError::NonceMismatch), "{err:?}");

    // A sign-in left too long: refused without asking the provider.
    let (url, pending) = client.begin();
    let callback = browse_and_sign_in(&url, "verified").await;
    let stale = PendingLogin {
        created_at: pending.created_at - jiff::SignedDuration::from_mins(11),
        ..pending.clone()
    };
    let err = client
        .finish(&stale, &callback.state, &callback.code)
        .await
        .expect_err("too old");
    assert!(matches!(err, OidcError::Expired { minutes: 10 }), "{err:?}");
    // ... which left the code unspent.
    client
        .finish(&pending, &callback.state, &callback.code)
        .await
        .expect("in time");

    // A wrong client secret is the operator's to fix, and says so.
    let mut config = provider.config();
    config.client_secret = "not-the-secret".into();
    let misconfigured = OidcClient::discover(config).await.unwrap();
    let (url, pending) = misconfigured.begin();
    let callback = browse_and_sign_in(&url, "verified").await;
    let err = misconfigured
        .finish(&pending, &callback.state, &callback.code)
        .await
        .expect_err("wrong secret");
    assert!(matches!(err, OidcError::ClientRejected { .. }), "{err:?}");
    assert!(
        err.to_string().contains("AFTERCARE_OIDC_CLIENT_SECRET"),
        "{err}"
    );
}

#[tokio::test]
async fn discovery_errors_name_the_issuer() {
    // Nothing listens here.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let issuer = format!("http://127.0.0.1:{port}");
    let config = OidcConfig::new(&issuer, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI).unwrap();
    let err = OidcClient::discover(config)
        .await
        .expect_err("nothing there");
    assert!(matches!(err, OidcError::Discovery { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "could not read the OpenID configuration of {issuer}"
        )),
        "{err}"
    );

    // The provider answers, but for another issuer (localhost is not
    // 127.0.0.1 to OpenID Connect: the issuer must match exactly).
    let provider = Provider::start(false);
    let elsewhere = provider.issuer.replace("127.0.0.1", "localhost");
    let config = OidcConfig::new(&elsewhere, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI).unwrap();
    let err = OidcClient::discover(config)
        .await
        .expect_err("issuer mismatch");
    assert!(matches!(err, OidcError::Discovery { .. }), "{err:?}");
    assert!(err.to_string().contains("issuer"), "{err}");
}
