//! A real OpenID provider on loopback for tests: panva's `oidc-provider` run
//! by Node.js from tests/support/oidc-provider (one client, PKCE required, a
//! verified and an unverified account), and a cookie-keeping HTTP client that
//! plays the browser on its login form. `scripts/prepare-test-env` runs
//! `npm ci` for the provider. Shared (by `#[path]`) between crates/oidc's
//! tests and the workspace's end-to-end tests, so there is one copy.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aftercare_oidc::{OidcClient, OidcConfig};
use reqwest::StatusCode;
use reqwest::Url;
use reqwest::header::LOCATION;

pub const CLIENT_ID: &str = "aftercare-test";
pub const CLIENT_SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";
// Never contacted by crates/oidc's tests: they stop following redirects here.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/login/oidc/callback";

/// A file of tests/support, from the workspace root or from a crate in crates/.
fn support_file(name: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [here.join("tests/support"), here.join("../../tests/support")]
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("tests/support/{name} not found from {}", here.display()))
}

/// The provider process; killed when dropped, so also when a test panics.
pub struct Provider {
    child: Child,
    pub issuer: String,
    pub redirect_uri: String,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    /// Starts the provider; `claims_in_id_token` puts email and name in the
    /// ID token, otherwise they are only at the userinfo endpoint.
    pub fn start(claims_in_id_token: bool) -> Provider {
        Provider::start_for(REDIRECT_URI, claims_in_id_token)
    }

    /// Starts the provider with its one client sending people back to
    /// `redirect_uri` (a real Aftercare server's callback, in end-to-end tests).
    pub fn start_for(redirect_uri: &str, claims_in_id_token: bool) -> Provider {
        let folder = support_file("oidc-provider");
        assert!(
            folder.join("node_modules/oidc-provider").is_dir(),
            "{} has no node_modules: run scripts/prepare-test-env (it runs npm ci there)",
            folder.display()
        );
        // Node has once (in CI, under the whole suite's load) exited before
        // printing its line with nothing on stderr; a second start has always
        // worked. Up to three tries, each failure's evidence kept for the
        // panic message should all three fail.
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Provider::try_start(&folder, redirect_uri, claims_in_id_token) {
                Ok(provider) => return provider,
                Err(failure) => failures.push(failure),
            }
        }
        panic!(
            "the OpenID provider did not start in three tries:\n{}",
            failures.join("\n---\n")
        )
    }

    fn try_start(
        folder: &Path,
        redirect_uri: &str,
        claims_in_id_token: bool,
    ) -> Result<Provider, String> {
        let dir = tempfile::tempdir().unwrap();
        let stderr = dir.path().join("provider.stderr");
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(folder)
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .env(
                "OIDC_CLAIMS_IN_ID_TOKEN",
                if claims_in_id_token { "1" } else { "0" },
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("node runs (Node.js 20 or later; scripts/prepare-test-env)");
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = sender.send(line);
            // Keep reading: a closed pipe would kill the server at its next
            // line of output (EPIPE).
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut provider = Provider {
            child,
            issuer: String::new(),
            redirect_uri: redirect_uri.to_owned(),
            stderr,
            _dir: dir,
        };
        let line = receiver
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_default();
        match line.trim().strip_prefix("listening ") {
            Some(issuer) => {
                provider.issuer = issuer.to_owned();
                Ok(provider)
            }
            None => {
                let status = match provider.child.try_wait() {
                    Ok(Some(status)) => format!("it exited: {status}"),
                    Ok(None) => "it was still running after 60 s".to_owned(),
                    Err(e) => format!("its state is unknown: {e}"),
                };
                Err(format!(
                    "{status}; it printed {line:?} and on stderr:\n{}",
                    provider.stderr_text()
                ))
            }
        }
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn config(&self) -> OidcConfig {
        OidcConfig::new(&self.issuer, CLIENT_ID, CLIENT_SECRET, &self.redirect_uri).unwrap()
    }

    pub async fn client(&self) -> OidcClient {
        match OidcClient::discover(self.config()).await {
            Ok(client) => client,
            Err(e) => panic!(
                "discovery failed: {e}; provider stderr:\n{}",
                self.stderr_text()
            ),
        }
    }
}

/// What the provider sent the browser back with.
#[derive(Debug)]
pub struct Callback {
    pub code: String,
    pub state: String,
}

/// Plays the browser from the authorization URL to the redirect URI,
/// signing in as `account` ("verified" or "unverified") on the provider's
/// login form.
pub async fn browse_and_sign_in(authorize_url: &Url, account: &str) -> Callback {
    let next = browse_to_redirect(authorize_url, account, REDIRECT_URI).await;
    callback_of(&next)
}

/// Plays the browser from the authorization URL until the provider redirects
/// to `redirect_uri`, and returns that full URL (with `code` and `state`).
pub async fn browse_to_redirect(authorize_url: &Url, account: &str, redirect_uri: &str) -> Url {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut response = browser.get(authorize_url.clone()).send().await.unwrap();
    let mut logged_in = false;
    for _hop in 0..10 {
        let here = response.url().clone();
        let status = response.status();
        if status.is_redirection() {
            let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
            let next = here.join(&location).unwrap();
            if next.as_str().starts_with(redirect_uri) {
                return next;
            }
            response = browser.get(next).send().await.unwrap();
            continue;
        }
        assert_eq!(
            status,
            StatusCode::OK,
            "at {here}: {}",
            response.text().await.unwrap()
        );
        assert!(
            here.path().starts_with("/interaction/"),
            "unexpected page {here}"
        );
        assert!(!logged_in, "the provider asked to sign in twice");
        let page = response.text().await.unwrap();
        let action = format!("{}/login", here.path());
        assert!(
            page.contains(&format!("action=\"{action}\"")),
            "no login form at {here}: {page}"
        );
        response = browser
            .post(here.join(&action).unwrap())
            .form(&[("account", account)])
            .send()
            .await
            .unwrap();
        logged_in = true;
    }
    panic!("too many redirects");
}

/// The code and state of a callback URL; panics on an error answer.
pub fn callback_of(next: &Url) -> Callback {
    let query: Vec<(String, String)> = next.query_pairs().into_owned().collect();
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(error) = get("error") {
        panic!(
            "the provider answered with error {error}: {:?}",
            get("error_description")
        );
    }
    Callback {
        code: get("code").expect("code in the callback"),
        state: get("state").expect("state in the callback"),
    }
}
