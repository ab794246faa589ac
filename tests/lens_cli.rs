//! `aftercare lens` end to end: the built binary, its exit codes, formats, standard input,
//! folders, `.aftercare-lens.toml`, `--names` and inline disable comments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn lens(dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    // Only feed standard input when the test has some: a run over files may exit
    // before reading it, and writing then fails with a broken pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .arg("lens")
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        let mut input = child.stdin.take().unwrap();
        // A usage error exits before reading its input: that is not a test failure.
        if let Err(e) = input.write_all(text.as_bytes()) {
            assert_eq!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe,
                "writing stdin: {e}"
            );
        }
        drop(input);
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn json(out: &Out) -> Vec<Value> {
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
        .as_array()
        .unwrap()
        .clone()
}

const BLAMEFUL: &str = "# Review\n\nThe DBA forgot to re-enable autovacuum after the import.\n";
const CLEAN: &str = "# Review\n\nThe pod failed to start because the node ran out of disk space.\n";

#[test]
fn stdin_clean_exits_0_and_blameful_exits_1_with_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    let ok = lens(dir.path(), &[], Some(CLEAN));
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("no findings"), "{}", ok.stdout);

    let bad = lens(dir.path(), &["-"], Some(BLAMEFUL));
    assert_eq!(bad.code, 1, "{}{}", bad.stdout, bad.stderr);
    assert!(
        bad.stdout.contains("warning[counterfactual]"),
        "{}",
        bad.stdout
    );
    assert!(bad.stdout.contains("--> <stdin>:3:9"), "{}", bad.stdout);
    assert!(
        bad.stdout.contains("3 | The DBA forgot to re-enable"),
        "{}",
        bad.stdout
    );
    assert!(bad.stdout.contains("  |         ^^^^^^"), "{}", bad.stdout);
    assert!(bad.stdout.contains("error[blame-naming]"), "{}", bad.stdout);
}

#[test]
fn json_sarif_and_github_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "r.md", BLAMEFUL);

    let out = lens(dir.path(), &["--format", "json", "r.md"], None);
    assert_eq!(out.code, 1);
    let findings = json(&out);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "counterfactual")
        .unwrap();
    assert_eq!(f["path"], "r.md");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["start"], serde_json::json!({"line": 3, "column": 9}));
    assert_eq!(f["end"], serde_json::json!({"line": 3, "column": 15}));
    assert_eq!(f["matched"], "forgot");
    assert!(f["why"].as_str().unwrap().contains("Dekker"));
    assert!(!f["suggestion"].as_str().unwrap().is_empty());

    let out = lens(dir.path(), &["--format", "sarif", "r.md"], None);
    assert_eq!(out.code, 1);
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "aftercare-lens");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    let out = lens(dir.path(), &["--format", "github", "r.md"], None);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l.starts_with("::")), "{}", out.stdout);
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::warning file=r.md,line=3,col=9,endLine=3,endColumn=15,title=lens counterfactual"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn usage_and_read_errors_exit_2_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = lens(dir.path(), &["missing/review.md"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("missing/review.md"), "{}", out.stderr);
    // Nothing was checked: the report must not say "no findings".
    assert!(!out.stdout.contains("no findings"), "{}", out.stdout);
    write(dir.path(), "clean.md", CLEAN);
    let out = lens(dir.path(), &["clean.md", "missing/review.md"], None);
    assert_eq!(out.code, 2);
    assert!(!out.stdout.contains("no findings"), "{}", out.stdout);

    let out = lens(dir.path(), &["--format", "xml"], Some(CLEAN));
    assert_eq!(out.code, 2, "{}", out.stderr);

    std::fs::write(dir.path().join("bin.md"), [0xff, 0xfe, 0x00]).unwrap();
    let out = lens(dir.path(), &["bin.md"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bin.md"), "{}", out.stderr);

    // Findings in good files are still reported when another path fails.
    write(dir.path(), "r.md", BLAMEFUL);
    let out = lens(dir.path(), &["--format", "json", "r.md", "nope.md"], None);
    assert_eq!(out.code, 2);
    assert!(!json(&out).is_empty());
}

#[test]
fn folders_are_walked_for_markdown_and_text_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "reviews/a.md", BLAMEFUL);
    write(
        dir.path(),
        "reviews/deep/b.markdown",
        "Someone needs to take the blame.\n",
    );
    write(dir.path(), "reviews/c.txt", CLEAN);
    write(
        dir.path(),
        "reviews/code.rs",
        "// the root cause was human error\n",
    );
    write(
        dir.path(),
        "reviews/.hidden/d.md",
        "The root cause was DNS.\n",
    );
    let out = lens(dir.path(), &["--format", "json", "reviews"], None);
    assert_eq!(out.code, 1);
    let mut paths: Vec<String> = json(&out)
        .iter()
        .map(|f| f["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    paths.dedup();
    assert_eq!(paths, vec!["reviews/a.md", "reviews/deep/b.markdown"]);
}

#[test]
fn config_is_found_upward_and_tunes_rules_severity_and_skips() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "team/.aftercare-lens.toml",
        "skip = [\"drafts/**\"]\n\n[rules.root-cause]\nenabled = false\n\n[rules.punitive]\nseverity = \"info\"\n\n[rules.judgement]\nterms = [\"yolo deploy\"]\n",
    );
    write(
        dir.path(),
        "team/2024/outage.md",
        "The root cause was DNS.\n",
    );
    write(
        dir.path(),
        "team/drafts/wip.md",
        "Someone needs to take the blame.\n",
    );
    write(
        dir.path(),
        "team/2024/blame.md",
        "Someone needs to take the blame.\n",
    );
    write(
        dir.path(),
        "team/2024/terms.md",
        "That was a yolo deploy.\n",
    );

    let out = lens(dir.path(), &["team/2024/outage.md"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);

    let out = lens(
        dir.path(),
        &["--format", "json", "team/drafts", "team/2024/blame.md"],
        None,
    );
    let findings = json(&out);
    assert_eq!(findings.len(), 1, "{}", out.stdout);
    assert_eq!(findings[0]["path"], "team/2024/blame.md");
    assert_eq!(findings[0]["severity"], "info");
    assert_eq!(out.code, 1);

    let out = lens(
        dir.path(),
        &["--fail-on", "warning", "team/2024/blame.md"],
        None,
    );
    assert_eq!(
        out.code, 0,
        "info finding below --fail-on warning: {}",
        out.stdout
    );

    let out = lens(
        dir.path(),
        &["--format", "json", "team/2024/terms.md"],
        None,
    );
    assert!(
        json(&out)
            .iter()
            .any(|f| f["rule"] == "judgement" && f["matched"] == "yolo deploy"),
        "{}",
        out.stdout
    );

    // Outside the folder the defaults apply again; --no-config ignores the file.
    write(dir.path(), "other.md", "The root cause was DNS.\n");
    assert_eq!(lens(dir.path(), &["other.md"], None).code, 1);
    assert_eq!(
        lens(dir.path(), &["--no-config", "team/2024/outage.md"], None).code,
        1
    );

    write(
        dir.path(),
        "broken/.aftercare-lens.toml",
        "[rules.blame]\nenabled = false\n",
    );
    write(dir.path(), "broken/r.md", CLEAN);
    let out = lens(dir.path(), &["broken/r.md"], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(".aftercare-lens.toml"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("blame"), "{}", out.stderr);
}

#[test]
fn explicit_config_and_fail_on_from_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lens.toml", "fail-on = \"error\"\n");
    write(dir.path(), "r.md", "The root cause was DNS.\n");
    let out = lens(dir.path(), &["--config", "lens.toml", "r.md"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("info[root-cause]"), "{}", out.stdout);
    let out = lens(
        dir.path(),
        &["--config", "lens.toml", "--fail-on", "info", "r.md"],
        None,
    );
    assert_eq!(out.code, 1);
}

#[test]
fn fail_on_never_reports_findings_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "r.md", BLAMEFUL);
    write(dir.path(), "lens.toml", "fail-on = \"info\"\n");
    let out = lens(dir.path(), &["--fail-on", "never", "r.md"], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("error[blame-naming]"), "{}", out.stdout);
    // The flag wins over the config's fail-on.
    let out = lens(
        dir.path(),
        &["--config", "lens.toml", "--fail-on", "never", "r.md"],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    // Advisory, not blind: an unreadable path still exits 2.
    let out = lens(dir.path(), &["--fail-on", "never", "r.md", "nope.md"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn inline_comments_disable_and_enable_rules() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The root cause was DNS.\n\n<!-- lens-disable root-cause -->\nThe root cause was TLS.\n\nSomeone needs to take the blame.\n<!-- lens-enable root-cause -->\nThe root cause was BGP.\n\n<!-- lens-disable-next-line -->\nThe root cause was NTP.\nThe root cause was ARP.\n";
    write(dir.path(), "r.md", text);
    let out = lens(dir.path(), &["--format", "json", "r.md"], None);
    let got: Vec<(String, u64)> = json(&out)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("root-cause".to_string(), 1),
            ("punitive".to_string(), 6),
            ("root-cause".to_string(), 8),
            ("root-cause".to_string(), 12),
        ]
    );
}

#[test]
fn names_file_feeds_blame_naming() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "names.txt",
        "# our people\nZorbak Quillfeather\n",
    );
    let text = "Zorbak deleted the production database during the cleanup.\n";
    let without = lens(dir.path(), &["--format", "json", "-"], Some(text));
    assert!(json(&without).is_empty(), "{}", without.stdout);
    let with = lens(
        dir.path(),
        &["--format", "json", "--names", "names.txt", "-"],
        Some(text),
    );
    let findings = json(&with);
    assert_eq!(findings.len(), 1, "{}", with.stdout);
    assert_eq!(findings[0]["rule"], "blame-naming");
    assert_eq!(findings[0]["matched"], "Zorbak");
    assert_eq!(with.code, 1);

    let missing = lens(dir.path(), &["--names", "nobody.txt", "-"], Some(text));
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nobody.txt"), "{}", missing.stderr);
}

#[test]
fn code_links_and_quotes_are_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let text = "```\nthe root cause was human error\n```\n\nRun `blame --root-cause` or see [the guide](https://x.test/root-cause-human-error).\n\nWe never write “human error” in a review.\n";
    let out = lens(dir.path(), &["-"], Some(text));
    assert_eq!(out.code, 0, "{}", out.stdout);
}
