//! A real SMTP server on loopback for tests: aiosmtpd, run by
//! tests/support/smtp_capture.py, which writes each message it accepts into a
//! folder the test reads back. `scripts/prepare-test-env` installs aiosmtpd.
//! Shared (by `#[path]`) between crates/mail's tests and the workspace's
//! end-to-end tests, so there is one copy.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aftercare_mail::{MailConfig, Mailer};

/// A file of tests/support, from the workspace root or from a crate in crates/.
fn support_file(name: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [here.join("tests/support"), here.join("../../tests/support")]
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("tests/support/{name} not found from {}", here.display()))
}

/// The capture server; killed when dropped, so also when a test panics.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    capture: tempfile::TempDir,
    stderr: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let script = support_file("smtp_capture.py");
        let capture = tempfile::tempdir().expect("temporary folder");
        let stderr = capture.path().join("server.stderr");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(capture.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("python3 runs (scripts/prepare-test-env installs what the tests need)");
        // The server prints `listening 127.0.0.1:PORT` once it accepts
        // connections; read it on a thread so a hung start fails the test
        // instead of hanging it.
        let stdout = child.stdout.take().expect("piped stdout");
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
        let mut server = SmtpServer {
            child,
            port: 0,
            capture,
            stderr,
        };
        let line = receiver
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        let port = line
            .trim()
            .strip_prefix("listening 127.0.0.1:")
            .and_then(|p| p.parse().ok());
        match port {
            Some(port) => server.port = port,
            None => panic!(
                "the SMTP capture server did not start (run scripts/prepare-test-env to install aiosmtpd); \
                 it printed {line:?} and on stderr:\n{}",
                server.stderr_text()
            ),
        }
        server
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn mailer(&self) -> Mailer {
        let config = MailConfig::parse(
            &format!("smtp://127.0.0.1:{}", self.port),
            "Aftercare <aftercare@example.test>",
        )
        .expect("valid settings");
        Mailer::from_config(&config).expect("mailer")
    }

    /// The `number`th message the server accepted (1-based), as
    /// (Python's parse of it, the raw message), waiting for it to arrive.
    pub fn received(&self, number: usize) -> (serde_json::Value, String) {
        let json = self.capture.path().join(format!("{number:04}.json"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !json.exists() {
            assert!(
                Instant::now() < deadline,
                "message {number} did not arrive; server stderr:\n{}",
                self.stderr_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let parsed = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let raw =
            std::fs::read_to_string(self.capture.path().join(format!("{number:04}.eml"))).unwrap();
        (parsed, raw)
    }

    pub fn count(&self) -> usize {
        std::fs::read_dir(self.capture.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count()
    }
}
