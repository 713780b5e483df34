//! `--check-env`: the secrets in the process environment are checked for
//! presence, length, placeholders and entropy, and no output format ever
//! contains a value it checked.

use std::path::Path;
use std::process::{Command, Output};

const CLEAN_TOML: &str =
    "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nENVIRONMENT = \"production\"\n";
const STRONG_AUTH: &str = "q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9Xe4Ua6Ws1Qo+/Ai=";
const STRONG_ADMIN: &str = "Vt9mK2pQ7xR4nL8sW1zB6cJ3hF5gD0aYuEiOoPlq8Zr3vT1xKp0LmN7wYb2HcJ5d";

fn project(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wrangler.toml"), CLEAN_TOML).unwrap();
    for (path, text) in extra {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    dir
}

fn run(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preflight"));
    cmd.args(["check", "--check-env", "--color", "never"])
        .args(args)
        .arg(root);
    for name in ["BETTER_AUTH_SECRET", "ADMIN_KEY", "PAYMENTS_TOKEN"] {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn env_findings(out: &Output) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().starts_with("<env>:"))
        .map(|f| {
            assert_eq!(f["code"], "SEC007");
            (
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn strong_values_pass() {
    let dir = project(&[]);
    let out = run(
        dir.path(),
        &["--format", "json"],
        &[
            ("BETTER_AUTH_SECRET", STRONG_AUTH),
            ("ADMIN_KEY", STRONG_ADMIN),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(env_findings(&out).is_empty());
}

#[test]
fn missing_short_placeholder_and_low_entropy_values_are_reported() {
    let dir = project(&[]);
    let out = run(dir.path(), &["--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let found = env_findings(&out);
    assert_eq!(found.len(), 2);
    assert!(
        found.iter().all(|(_, m)| m.contains("is not set")),
        "{found:?}"
    );

    let cases: &[(&str, &str, &str)] = &[
        (
            "ADMIN_KEY",
            "Vt9mK2pQ7xR4nL8sW1zB6cJ3",
            "24 characters long; at least 48",
        ),
        ("ADMIN_KEY", "your-admin-key-here", "placeholder"),
        ("ADMIN_KEY", "", "empty"),
        ("ADMIN_KEY", &"hunter2".repeat(8), "too little randomness"),
        (
            "BETTER_AUTH_SECRET",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "too little randomness",
        ),
    ];
    for (name, value, expect) in cases {
        let other = if *name == "ADMIN_KEY" {
            ("BETTER_AUTH_SECRET", STRONG_AUTH)
        } else {
            ("ADMIN_KEY", STRONG_ADMIN)
        };
        let out = run(dir.path(), &["--format", "json"], &[(name, value), other]);
        let found = env_findings(&out);
        assert_eq!(found.len(), 1, "{name}={value:?}: {found:?}");
        assert_eq!(found[0].0, format!("<env>:{name}"));
        assert!(
            found[0].1.contains(expect),
            "{name}={value:?}: {}",
            found[0].1
        );
    }
}

#[test]
fn no_format_prints_a_checked_value() {
    let dir = project(&[]);
    let weak_admin = "Zk7qWv3Zk7qWv3Zk7qWv3";
    let weak_auth = "Jm4-Rx8-Jm4-Rx8-Jm4";
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let out = run(
            dir.path(),
            &["--format", format],
            &[("ADMIN_KEY", weak_admin), ("BETTER_AUTH_SECRET", weak_auth)],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("ADMIN_KEY") && text.contains("BETTER_AUTH_SECRET"),
            "{format}: {text}"
        );
        for value in [weak_admin, weak_auth] {
            for window in value.as_bytes().windows(6) {
                let piece = std::str::from_utf8(window).unwrap();
                assert!(
                    !text.contains(piece),
                    "{format} output contains {piece:?} of a value:\n{text}"
                );
            }
        }
    }
}

#[test]
fn configured_names_and_lengths_apply() {
    let dir = project(&[(
        "preflight.toml",
        "[secrets]\nrequired = [\"PAYMENTS_TOKEN\"]\n[secrets.min_length]\nADMIN_KEY = 64\n",
    )]);
    let out = run(
        dir.path(),
        &["--format", "json"],
        &[
            ("BETTER_AUTH_SECRET", STRONG_AUTH),
            ("ADMIN_KEY", &STRONG_ADMIN[..60]),
        ],
    );
    let found = env_findings(&out);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["<env>:ADMIN_KEY", "<env>:PAYMENTS_TOKEN"],
        "{found:?}"
    );
    assert!(found[0].1.contains("at least 64"));
    assert!(found[1].1.contains("not set"));

    // A required name without a minimum only has to be set, not random.
    let out = run(
        dir.path(),
        &["--format", "json"],
        &[
            ("BETTER_AUTH_SECRET", STRONG_AUTH),
            ("ADMIN_KEY", STRONG_ADMIN),
            ("PAYMENTS_TOKEN", "aaaa"),
        ],
    );
    assert!(env_findings(&out).is_empty());
}

#[test]
fn ignoring_sec007_skips_the_environment() {
    let dir = project(&[]);
    let out = run(dir.path(), &["--format", "json", "--ignore", "SEC007"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(env_findings(&out).is_empty());
}

#[test]
fn wrangler_secrets_required_names_are_checked_in_production_scopes_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wrangler.toml"),
        "name = \"api\"\nmain = \"src/index.ts\"\n\n[secrets]\nrequired = [\"PAYMENTS_TOKEN\"]\n\n\
         [env.staging.secrets]\nrequired = [\"STAGING_ONLY_TOKEN\"]\n",
    )
    .unwrap();
    let strong = [
        ("BETTER_AUTH_SECRET", STRONG_AUTH),
        ("ADMIN_KEY", STRONG_ADMIN),
    ];
    let out = run(dir.path(), &["--format", "json"], &strong);
    assert_eq!(out.status.code(), Some(1));
    let found = env_findings(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "<env>:PAYMENTS_TOKEN");
    assert!(found[0].1.contains("not set"), "{}", found[0].1);

    let mut set = strong.to_vec();
    set.push(("PAYMENTS_TOKEN", STRONG_ADMIN));
    let out = run(dir.path(), &["--format", "json"], &set);
    assert!(env_findings(&out).is_empty());
}
