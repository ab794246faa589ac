//! Where the real-world data in `../shared` is, for the tests that also run on it.
//!
//! A user's clone has no `../shared` beside it: those tests print why they are skipped and pass,
//! and the project's own fixtures (committed under each crate's `tests/`) still run. CI sets
//! `CI=true`, and there a missing folder fails the test, so the real data is always checked there.
//!
//! One file, included by every test crate that needs it (`#[path]`), so the rule lives in one place.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `../shared/<relative>` beside the workspace, if it is there. Without it: `None` after a line
/// on stderr (the test then passes), or, when `CI=true`, a panic naming the missing folder.
pub fn real_data(relative: &str, what: &str) -> Option<PathBuf> {
    let path = workspace_root().join("../shared").join(relative);
    if path.exists() {
        return Some(path);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_owned();
    assert!(
        !ci,
        "{test}: ../shared/{relative} not found (looked at {}); CI=true, so the checks on {what} \
         must run: put the shared folder beside the repository",
        path.display()
    );
    // Straight to stderr, not `eprintln!`: the test harness hides what passing tests print,
    // and a skip should be seen.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {test}: ../shared/{relative} not found; {what} are checked in CI"
    );
    None
}

/// The directory holding `Cargo.lock`, above the crate being tested.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").exists())
        .unwrap_or(manifest)
        .to_path_buf()
}
