//! `--format sarif`: the output of every fixture (and of cases that
//! exercise suppressions, odd paths and `--check-env`) must pass two real
//! validators: Microsoft's SARIF multitool (`validate`: the schema plus the
//! SARIF rules) and ajv with the SARIF 2.1.0 JSON schema the multitool
//! ships (a strict JSON-schema check: the multitool skips some nested
//! enums). Both come from npm, pinned in scripts/sarif-validator/, and are
//! installed under target/ on first use.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

mod npm_tools;

fn preflight() -> Command {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn sarif(args: &[&str], root: &Path, env: &[(&str, &str)]) -> String {
    let mut cmd = preflight();
    cmd.args(["check", "--format", "sarif"])
        .args(args)
        .arg(root);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SUPPRESSED: &str = "name = \"api\"\n\n[vars]\nADMIN_KEY = \"\"\n# preflight: ignore[SEC001] kept: a test, with a comma\nCLERK_SECRET_KEY = \"\"\n";

// ---------------------------------------------------------------- validators

struct Validators {
    multitool: PathBuf,
    ajv: PathBuf,
    schema: PathBuf,
}

/// Installs the pinned validators with `npm ci` under target/ (once per
/// lockfile). `None` only outside CI when npm is unavailable.
fn validators() -> Option<&'static Validators> {
    static TOOLS: OnceLock<Option<Validators>> = OnceLock::new();
    TOOLS.get_or_init(install_validators).as_ref()
}

fn install_validators() -> Option<Validators> {
    const MULTITOOL: &str = "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool";
    const AJV: &str = "node_modules/ajv-cli/dist/index.js";
    let dir = npm_tools::install("sarif-validator", &[MULTITOOL, AJV])?;
    let multitool = dir.join(MULTITOOL);
    // npm may skip the package's postinstall `chmod u+x`.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&multitool, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Some(Validators {
        multitool,
        ajv: dir.join(AJV),
        schema: dir.join("node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"),
    })
}

fn validate_all(files: &[PathBuf]) {
    let Some(tools) = validators() else { return };
    let out_dir = tempfile::tempdir().unwrap();
    let log = out_dir.path().join("validation.sarif");
    let out = Command::new(&tools.multitool)
        .arg("validate")
        .args(files)
        .arg("--output")
        .arg(&log)
        .args(["--log", "ForceOverwrite", "--level", "Error;Warning"])
        // No ICU on a bare machine: .NET must not need it.
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("the SARIF multitool runs");
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "multitool failed:\n{console}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let problems = report["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        problems.is_empty(),
        "the SARIF multitool reports problems:\n{console}"
    );

    let mut ajv = Command::new("node");
    ajv.arg(&tools.ajv)
        .args([
            "validate",
            "--spec=draft2020",
            "--strict=false",
            "--all-errors",
            "-c",
            "ajv-formats",
            "-s",
        ])
        .arg(&tools.schema);
    for f in files {
        ajv.arg("-d").arg(f);
    }
    let out = ajv
        .current_dir(tools.ajv.parent().unwrap())
        .output()
        .expect("ajv runs");
    assert!(
        out.status.success(),
        "the SARIF 2.1.0 schema rejects the output:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fixture_cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap().flatten() {
        if !rule.path().is_dir() {
            continue;
        }
        for case in std::fs::read_dir(rule.path()).unwrap().flatten() {
            if case.path().join("expected.txt").is_file() {
                cases.push(case.path());
            }
        }
    }
    cases.sort();
    cases
}

#[test]
fn every_fixture_and_special_case_passes_the_sarif_validators() {
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut write = |name: String, text: String| {
        let path = out.path().join(format!("{name}.sarif.json"));
        std::fs::write(&path, text).unwrap();
        files.push(path);
    };
    let cases = fixture_cases();
    assert!(!cases.is_empty());
    for (i, case) in cases.iter().enumerate() {
        write(format!("fixture-{i:03}"), sarif(&[], case, &[]));
    }
    let suppressed = project(&[("wrangler.toml", SUPPRESSED)]);
    write("suppressed".into(), sarif(&[], suppressed.path(), &[]));
    let odd = project(&[("dir with space/#1 é/wrangler.toml", SUPPRESSED)]);
    write("odd-paths".into(), sarif(&[], odd.path(), &[]));
    let env = project(&[("wrangler.toml", "name = \"api\"\n")]);
    write(
        "check-env".into(),
        sarif(
            &["--check-env"],
            env.path(),
            &[("ADMIN_KEY", "short"), ("BETTER_AUTH_SECRET", "")],
        ),
    );
    validate_all(&files);
}

// ------------------------------------------------- structure (no tools needed)

#[test]
fn sarif_has_what_code_scanning_needs() {
    let dir = project(&[("wrangler.toml", SUPPRESSED)]);
    let doc: Value = serde_json::from_str(&sarif(&[], dir.path(), &[])).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let registry: Vec<_> = preflight::rules::metas().collect();
    assert_eq!(rules.len(), registry.len());
    for (rule, meta) in rules.iter().zip(&registry) {
        assert_eq!(rule["id"], meta.code);
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert_eq!(rule["help"]["markdown"], meta.doc);
        assert_eq!(
            rule["helpUri"].as_str().unwrap(),
            format!(
                "{}{}.md",
                preflight::report::sarif::RULE_DOC_BASE,
                meta.code
            )
        );
        assert!(matches!(
            rule["defaultConfiguration"]["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{results:?}");
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "wrangler.toml");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                loc["region"][key].as_u64().is_some_and(|n| n >= 1),
                "{key} in {r}"
            );
        }
        assert!(
            r["partialFingerprints"]["preflight/v2"]
                .as_str()
                .is_some_and(|f| f.len() == 16)
        );
    }
    let open = results
        .iter()
        .find(|r| r.get("suppressions").is_none())
        .unwrap();
    assert_eq!(open["ruleId"], "SEC001");
    assert_eq!(open["level"], "error");
    assert_eq!(
        open["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert_eq!(
        open["locations"][0]["physicalLocation"]["region"]["endColumn"],
        10
    );
    let suppressed = results
        .iter()
        .find(|r| r.get("suppressions").is_some())
        .unwrap();
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed["suppressions"][0]["justification"],
        "kept: a test, with a comma"
    );
}

#[test]
fn odd_paths_become_uri_references_and_env_findings_logical_locations() {
    let dir = project(&[("dir with space/#1 é/wrangler.toml", SUPPRESSED)]);
    let doc: Value = serde_json::from_str(&sarif(&[], dir.path(), &[])).unwrap();
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "dir%20with%20space/%231%20%C3%A9/wrangler.toml");

    let dir = project(&[("wrangler.toml", "name = \"api\"\n")]);
    let secret = "Zq0-not-this-one-Zq0";
    let text = sarif(
        &["--check-env"],
        dir.path(),
        &[("ADMIN_KEY", secret), ("BETTER_AUTH_SECRET", "")],
    );
    assert!(!text.contains(secret));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(names, ["<env>:ADMIN_KEY", "<env>:BETTER_AUTH_SECRET"]);
    assert!(results.iter().all(|r| r["ruleId"] == "SEC007"));
}
