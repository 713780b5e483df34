//! Baselines: `--write-baseline` records, `--baseline` hides; fingerprints
//! do not depend on line numbers.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const TOML: &str = "name = \"api\"\n\n[vars]\nADMIN_KEY = \"\"\n";

fn run(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("check")
        .args(args)
        .arg(root)
        .output()
        .unwrap()
}

fn findings(out: &Output) -> Vec<(String, u64)> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn round_trip_survives_line_shifts_and_reports_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    std::fs::create_dir(&root).unwrap();
    let toml = root.join("wrangler.toml");
    std::fs::write(&toml, TOML).unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();

    let out = run(&root, &["--write-baseline", b]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["version"], 2);
    let entries = recorded["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["code"], "SEC001");
    assert_eq!(entries[0]["path"], "wrangler.toml");

    let out = run(&root, &["--baseline", b, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(findings(&out).is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 finding hidden by the baseline"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["baselined"], 1);
    let unfiltered = run(&root, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&unfiltered.stdout).unwrap();
    assert_eq!(json["summary"]["baselined"], 0);

    // Unrelated edits above the finding move it down three lines.
    std::fs::write(
        &toml,
        format!("# comment\n# another\ncompatibility_date = \"2025-01-01\"\n{TOML}"),
    )
    .unwrap();
    let unfiltered = run(&root, &["--format", "json"]);
    assert_eq!(findings(&unfiltered), [("SEC001".to_string(), 7)]);
    let out = run(&root, &["--baseline", b, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(findings(&out).is_empty());

    // A new problem is not in the baseline.
    std::fs::write(&toml, format!("{TOML}CLERK_SECRET_KEY = \"\"\n")).unwrap();
    let out = run(&root, &["--baseline", b, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&out), [("SEC001".to_string(), 5)]);
}

#[test]
fn a_second_identical_finding_in_the_file_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    std::fs::create_dir(&root).unwrap();
    let toml = root.join("wrangler.toml");
    std::fs::write(&toml, TOML).unwrap();
    let baseline = dir.path().join("b.json");
    let b = baseline.to_str().unwrap();
    assert_eq!(run(&root, &["--write-baseline", b]).status.code(), Some(0));
    // The same offending text again, in another env: the occurrence counter
    // tells the two apart.
    std::fs::write(
        &toml,
        format!("{TOML}\n[env.production.vars]\nADMIN_KEY = \"\"\n"),
    )
    .unwrap();
    let all = findings(&run(&root, &["--format", "json"]));
    assert_eq!(all.len(), 2, "{all:?}");
    let out = run(&root, &["--baseline", b, "--format", "json"]);
    assert_eq!(findings(&out).len(), 1);
}

#[test]
fn invalid_baselines_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wrangler.toml"), TOML).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"version\": 9, \"findings\": []}").unwrap();
    let out = run(dir.path(), &["--baseline", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported baseline version"));
    let missing = dir.path().join("missing.json");
    let out = run(dir.path(), &["--baseline", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

/// A version 1 baseline (fingerprints of the unmasked text) still hides its
/// findings, matched by code and path, and says once that it should be
/// rewritten.
#[test]
fn a_version_1_baseline_still_hides_its_findings_and_asks_to_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("wrangler.toml"), TOML).unwrap();
    let baseline = dir.path().join("old.json");
    std::fs::write(
        &baseline,
        r#"{"version": 1, "tool": "preflight", "findings": [
            {"code": "SEC001", "path": "wrangler.toml", "fingerprint": "026779adcdd2b4e3"}]}"#,
    )
    .unwrap();
    let out = run(
        &root,
        &["--baseline", baseline.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(findings(&out), Vec::<(String, u64)>::new());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("version 1 baseline"), "{stderr}");
    assert!(stderr.contains("--write-baseline"), "{stderr}");
}
