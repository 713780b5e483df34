//! The severity of secret findings on stand-ins and public values: the
//! fixtures pin which findings fire, this pins how loud they are.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

/// `(code, path, line) -> severity` for a fixture case.
fn severities(case: &str) -> Vec<(String, String, u64, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case);
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_severities(case: &str, want: &[(&str, &str, u64, &str)]) {
    let got = severities(case);
    for (code, path, line, severity) in want {
        let found = got
            .iter()
            .find(|(c, p, l, _)| c == code && p == path && l == line)
            .unwrap_or_else(|| panic!("{case}: no {code} {path}:{line} in {got:?}"));
        assert_eq!(&found.3, severity, "{case}: {code} {path}:{line}");
    }
}

#[test]
fn sec001_placeholders_and_public_values_are_warnings() {
    assert_severities(
        "SEC001/stand-in-values",
        &[
            ("SEC001", "wrangler.toml", 8, "warning"),
            ("SEC001", "wrangler.toml", 9, "warning"),
            ("SEC001", "wrangler.toml", 10, "warning"),
            ("SEC001", "wrangler.toml", 11, "warning"),
            ("SEC002", "wrangler.toml", 11, "info"),
            ("SEC003", "wrangler.toml", 11, "info"),
            ("SEC001", "wrangler.toml", 14, "warning"),
            ("SEC001", "wrangler.toml", 16, "error"),
            ("SEC002", "wrangler.toml", 16, "error"),
        ],
    );
    // Empty values keep their error: SEC001's original case.
    assert_severities(
        "SEC001/empty-and-declared-toml",
        &[("SEC001", "wrangler.toml", 10, "error")],
    );
}

#[test]
fn sec002_sentry_dsn_is_info_and_secrets_stay_errors() {
    assert_severities(
        "SEC002/public-values",
        &[
            ("SEC001", "wrangler.toml", 7, "warning"),
            ("SEC002", "wrangler.toml", 7, "info"),
            ("SEC003", "wrangler.toml", 7, "info"),
            ("SEC001", "wrangler.toml", 20, "error"),
            ("SEC002", "wrangler.toml", 20, "error"),
            ("SEC002", "wrangler.toml", 21, "error"),
            ("SEC003", "wrangler.toml", 21, "error"),
        ],
    );
}

#[test]
fn sec003_test_files_and_sentry_dsns_are_info() {
    assert_severities(
        "SEC003/test-dummies",
        &[
            ("SEC003", "__tests__/neon.ts", 1, "info"),
            ("SEC003", "fixtures/keys.json", 1, "info"),
            ("SEC003", "src/auth.test.ts", 2, "info"),
            ("SEC003", "src/monitoring.ts", 2, "info"),
            ("SEC003", "test/helpers.ts", 1, "info"),
            ("SEC003", "src/index.ts", 2, "error"),
        ],
    );
}

#[test]
fn sec005_sentry_dsn_is_info_and_real_values_stay_errors() {
    assert_severities(
        "SEC005/stand-ins",
        &[
            ("SEC005", ".env.example", 24, "info"),
            ("SEC003", ".env.example", 24, "info"),
            ("SEC005", ".dev.vars.example", 6, "error"),
            ("SEC005", ".dev.vars.example", 8, "error"),
            ("SEC005", ".dev.vars.example", 9, "error"),
            ("SEC003", ".dev.vars.example", 9, "error"),
        ],
    );
}
