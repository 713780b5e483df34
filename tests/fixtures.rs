//! Runs the built binary over every fixture project and compares the set of
//! (code, path, line) it reports with the fixture's `expected.txt`.
//!
//! Layout: `fixtures/<CODE>/<case>/` is a project root. Beside its files:
//! - `expected.txt`: one `CODE path:line` per expected finding (`#` comments
//!   allowed; an empty file means "no findings at all"), optionally followed
//!   by the severity the finding must have (`DB003 scripts/seed.ts:2
//!   warning`) and by its related locations, each as `+path:line` (when
//!   one is given, the finding's related locations must be exactly those;
//!   a lone `+` means none);
//! - `git-tracked.txt` (optional): paths to put in a fresh git index, for
//!   cases about tracked files;
//! - a file named `gitignore` is installed as `.gitignore` (a real one would
//!   change what this repository itself tracks).
//!
//! Each fixture is copied to a temporary directory first, so that this
//! repository's own git index and ignore rules play no part.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const META_FILES: &[&str] = &["expected.txt", "git-tracked.txt"];

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for rule in std::fs::read_dir(fixtures_root()).expect("fixtures/ exists") {
        let rule = rule.unwrap().path();
        if !rule.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            if case.join("expected.txt").is_file() {
                cases.push(case);
            }
        }
    }
    cases.sort();
    cases
}

fn copy_tree(from: &Path, to: &Path, top: bool) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let src = entry.path();
        if src.is_dir() {
            copy_tree(&src, &to.join(&name), false);
        } else if !(top && META_FILES.contains(&name.as_str())) {
            let target = if name == "gitignore" {
                ".gitignore".to_string()
            } else {
                name
            };
            std::fs::copy(&src, to.join(target)).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// What an expected line asks of a finding besides its place.
#[derive(Default)]
struct Want {
    severity: Option<String>,
    /// `path:line` of each related location, when the line lists them.
    related: Option<BTreeSet<String>>,
}

/// The expected findings: `CODE path:line`, each with the severity it must
/// have and its related locations when the line gives them.
fn expected(case: &Path) -> BTreeMap<String, Want> {
    std::fs::read_to_string(case.join("expected.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let code = parts.next().unwrap_or_default();
            let at = parts.next().unwrap_or_default();
            let mut want = Want::default();
            for part in parts {
                match part.strip_prefix('+') {
                    // A lone `+`: no related locations at all.
                    Some(related) => {
                        let set = want.related.get_or_insert_with(BTreeSet::new);
                        if !related.is_empty() {
                            set.insert(related.to_string());
                        }
                    }
                    None => want.severity = Some(part.to_string()),
                }
            }
            (format!("{code} {at}"), want)
        })
        .collect()
}

/// What was reported at one `CODE path:line`: the severities, and the
/// related locations (`path:line`) of each finding there.
#[derive(Default)]
struct Found {
    severities: BTreeSet<String>,
    related: Vec<BTreeSet<String>>,
}

/// The findings reported: `CODE path:line`, with what was found there.
fn actual(root: &Path) -> BTreeMap<String, Found> {
    let output = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--format", "json", "--color", "never"])
        .arg(root)
        .output()
        .expect("preflight runs");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    for f in json["findings"].as_array().unwrap() {
        let key = format!(
            "{} {}:{}",
            f["code"].as_str().unwrap(),
            f["path"].as_str().unwrap(),
            f["line"]
        );
        let entry = found.entry(key).or_default();
        entry
            .severities
            .insert(f["severity"].as_str().unwrap().to_string());
        entry.related.push(
            f["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| format!("{}:{}", r["path"].as_str().unwrap(), r["line"]))
                .collect(),
        );
    }
    found
}

#[test]
fn every_fixture_reports_exactly_its_expected_findings() {
    let cases = cases();
    assert!(!cases.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for case in &cases {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("project");
        copy_tree(case, &root, true);
        let tracked = case.join("git-tracked.txt");
        if tracked.is_file() {
            git(&root, &["init", "-q"]);
            for path in std::fs::read_to_string(&tracked)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
            {
                git(&root, &["add", "-f", path.trim()]);
            }
        }
        let expected = expected(case);
        let found = actual(&root);
        let want: BTreeSet<&String> = expected.keys().collect();
        let got: BTreeSet<&String> = found.keys().collect();
        let wrong_severity: Vec<String> = expected
            .iter()
            .filter_map(|(key, want)| {
                let severity = want.severity.as_ref()?;
                let seen = &found.get(key)?.severities;
                (seen.len() != 1 || !seen.contains(severity))
                    .then(|| format!("{key}: want {severity}, got {seen:?}"))
            })
            .collect();
        let wrong_related: Vec<String> = expected
            .iter()
            .filter_map(|(key, want)| {
                let related = want.related.as_ref()?;
                let seen = &found.get(key)?.related;
                (seen.len() != 1 || &seen[0] != related)
                    .then(|| format!("{key}: want related {related:?}, got {seen:?}"))
            })
            .collect();
        if want != got || !wrong_severity.is_empty() || !wrong_related.is_empty() {
            let name = case
                .strip_prefix(fixtures_root())
                .unwrap()
                .display()
                .to_string();
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            failures.push(format!(
                "{name}\n  missing: {missing:?}\n  unexpected: {extra:?}\n  severity: {wrong_severity:?}\n  related: {wrong_related:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_firing_and_a_silent_fixture() {
    let cases = cases();
    let mut problems = Vec::new();
    // The LIVE family reports live state (`preflight verify`), which no
    // fixture holds: tests/verify.rs proves each of its codes fires.
    for meta in preflight::rules::metas().filter(|m| m.family() != "LIVE") {
        let of_rule: Vec<&PathBuf> = cases
            .iter()
            .filter(|c| c.parent().unwrap().ends_with(meta.code))
            .collect();
        let fires = of_rule.iter().any(|c| {
            expected(c)
                .keys()
                .any(|l| l.starts_with(&format!("{} ", meta.code)))
        });
        let silent = of_rule.iter().any(|c| {
            !expected(c)
                .keys()
                .any(|l| l.starts_with(&format!("{} ", meta.code)))
        });
        if !fires || !silent {
            problems.push(format!("{}: fires={fires} silent={silent}", meta.code));
        }
    }
    assert!(
        problems.is_empty(),
        "rules lacking fixtures:\n{}",
        problems.join("\n")
    );
}
