//! The command line: subcommands, exit codes, config errors, output
//! destinations, colors and closed pipes.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;

fn preflight() -> Command {
    let mut cmd = Command::cargo_bin("preflight").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
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

const INSECURE_TOML: &str = "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nADMIN_KEY = \"\"\n";
const CLEAN_TOML: &str =
    "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nENVIRONMENT = \"production\"\n";

#[test]
fn rules_json_lists_the_registry() {
    let out = preflight()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = preflight::rules::metas().map(|m| m.code).collect();
    assert_eq!(codes, registry);
    for rule in json["rules"].as_array().unwrap() {
        for key in ["code", "name", "severity", "summary"] {
            assert!(rule[key].is_string(), "{key} missing in {rule}");
        }
    }
}

#[test]
fn explain_prints_the_rule_doc_and_rejects_unknown_codes() {
    let out = preflight().args(["explain", "sec001"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# SEC001 secret-in-vars"));
    let out = preflight().args(["explain", "NOPE42"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule code"));
}

#[test]
fn every_rule_doc_has_the_required_sections() {
    for meta in preflight::rules::metas() {
        assert!(
            meta.doc
                .starts_with(&format!("# {} {}", meta.code, meta.name)),
            "{} doc title",
            meta.code
        );
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## How to fix",
        ] {
            assert!(
                meta.doc.contains(section),
                "{} doc lacks {section}",
                meta.code
            );
        }
        assert!(
            !meta.doc.contains("TODO"),
            "{} doc still has TODO",
            meta.code
        );
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let bad = project(&[("wrangler.toml", INSECURE_TOML)]);
    let clean = project(&[("wrangler.toml", CLEAN_TOML)]);
    preflight().arg("check").arg(clean.path()).assert().code(0);
    preflight().arg("check").arg(bad.path()).assert().code(1);
    // Warnings are shown but fail only when asked (the default is error).
    let warned = project(&[
        ("wrangler.toml", CLEAN_TOML),
        (
            "src/index.ts",
            "export default { async fetch(req, env) { return new Response(env.SOME_TOKEN) } }\n",
        ),
    ]);
    let out = preflight()
        .arg("check")
        .arg(warned.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SEC009"));
    preflight()
        .args(["check", "--fail-on", "warning"])
        .arg(warned.path())
        .assert()
        .code(1);
    preflight()
        .args(["check", "--fail-on", "never"])
        .arg(bad.path())
        .assert()
        .code(0);
    preflight()
        .args(["check", "--ignore", "SEC"])
        .arg(bad.path())
        .assert()
        .code(0);
    preflight()
        .args(["check", "--select", "DB"])
        .arg(bad.path())
        .assert()
        .code(0);
}

#[test]
fn usage_and_config_errors_exit_2_with_a_clear_message() {
    let dir = project(&[
        ("wrangler.toml", CLEAN_TOML),
        (
            "preflight.toml",
            "[secrets]\nnames = [\"X\"]\nbogus = true\n",
        ),
    ]);
    let out = preflight().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bogus") && err.contains(":3:"), "{err}");

    let out = preflight()
        .args(["check", "--select", "XYZ1"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = preflight()
        .args(["check", "/definitely/not/here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn json_output_follows_the_contract() {
    let dir = project(&[("wrangler.toml", INSECURE_TOML)]);
    let out = preflight()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"]["name"], "preflight");
    let f = &json["findings"][0];
    assert_eq!(f["code"], "SEC001");
    assert_eq!(f["name"], "secret-in-vars");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "wrangler.toml");
    assert_eq!(f["line"], 5);
    assert_eq!(f["column"], 1);
    for key in ["end_line", "end_column", "message", "help", "fingerprint"] {
        assert!(!f[key].is_null(), "{key}");
    }
    for key in [
        "files",
        "errors",
        "warnings",
        "infos",
        "suppressed",
        "baselined",
        "elapsed_ms",
    ] {
        assert!(json["summary"][key].is_u64(), "summary.{key}");
    }
}

#[test]
fn output_file_and_colors() {
    let dir = project(&[("wrangler.toml", INSECURE_TOML)]);
    let report = dir.path().join("report.json");
    preflight()
        .args(["check", "--format", "json", "--output"])
        .arg(&report)
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout("");
    assert!(std::fs::read_to_string(&report).unwrap().contains("SEC001"));

    let plain = preflight()
        .args(["check", "--color", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b));
    let colored = preflight()
        .args(["check", "--color", "always"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(colored.stdout.contains(&0x1b));
    let no_color = preflight()
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!no_color.stdout.contains(&0x1b));
}

#[test]
fn file_arguments_limit_the_report_but_keep_the_project_context() {
    let dir = project(&[
        ("preflight.toml", ""),
        ("wrangler.toml", INSECURE_TOML),
        ("other/.env.example", "ADMIN_KEY=<value>\n"),
    ]);
    let out = preflight()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "other/.env.example"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = preflight()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "wrangler.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["path"], "wrangler.toml");
}

#[test]
fn a_closed_stdout_does_not_panic() {
    let dir = project(&[("wrangler.toml", INSECURE_TOML)]);
    let mut child = preflight()
        .args(["check", "--color", "always"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(matches!(status.code(), Some(0) | Some(1)), "{status:?}");
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let table = preflight::report::rules_list::render_markdown_table(preflight::rules::metas());
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let from = readme
        .find(start)
        .expect("README has the rules:start marker")
        + start.len();
    let to = readme.find(end).expect("README has the rules:end marker");
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..from], table, &readme[to..]);
        std::fs::write(&readme_path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[from..to],
        table,
        "README rule table is stale: run `UPDATE_README=1 cargo test --test cli readme`"
    );
}

#[test]
fn concise_prints_one_line_per_finding_and_a_summary() {
    let bad = project(&[("wrangler.toml", INSECURE_TOML)]);
    let out = preflight()
        .args(["check", "--format", "concise", "--select", "SEC001"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "wrangler.toml:5:1: SEC001 `ADMIN_KEY` is a secret but sits in `vars`, committed and \
         deployed in clear text; even empty, deploying it overwrites the secret\n\
         preflight: 1 error, 0 warnings, 0 info (0 suppressed, 0 skipped)\n"
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let bad = project(&[
        (
            "wrangler.toml",
            "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nADMIN_KEY = \"\"\nAPI_TOKEN = \"\"\n",
        ),
        (
            "src/index.ts",
            "export default { async fetch(req, env) { return new Response(env.SOME_TOKEN) } }\n",
        ),
    ]);
    let out = preflight()
        .args(["check", "--statistics", "--select", "SEC001,SEC009"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the exit code still follows --fail-on"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2  SEC001  error    secret-in-vars\n\
         1  SEC009  warning  undeclared-secret\n\
         preflight: 3 findings from 2 rules (0 suppressed, 0 skipped)\n"
    );
    let out = preflight()
        .args([
            "check",
            "--statistics",
            "--format",
            "json",
            "--select",
            "SEC001,SEC009",
        ])
        .arg(bad.path())
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([
            {"count": 2, "code": "SEC001", "name": "secret-in-vars", "severity": "error"},
            {"count": 1, "code": "SEC009", "name": "undeclared-secret", "severity": "warning"}
        ])
    );
    let out = preflight()
        .args(["check", "--statistics", "--format", "sarif"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_usage_error(&out, "--statistics works with --format human");
}

#[test]
fn reports_from_one_scan_match_the_single_format_runs() {
    let bad = project(&[("wrangler.toml", INSECURE_TOML)]);
    let out_dir = tempfile::tempdir().unwrap();
    let sarif = out_dir.path().join("a.sarif");
    let markdown = out_dir.path().join("a.md");
    let out = preflight()
        .args(["check", "--format", "github"])
        .arg("--report")
        .arg(format!("sarif:{}", sarif.display()))
        .arg("--report")
        .arg(format!("markdown:{}", markdown.display()))
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("::error file=wrangler.toml"));
    for (format, file) in [("sarif", &sarif), ("markdown", &markdown)] {
        let single = preflight()
            .args(["check", "--format", format])
            .arg(bad.path())
            .output()
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(file).unwrap(),
            String::from_utf8_lossy(&single.stdout),
            "{format}"
        );
    }
    let out = preflight()
        .args(["check", "--report", "yaml:x"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_usage_error(&out, "unknown format `yaml`");
    let out = preflight()
        .args(["check", "--output", "same", "--report", "sarif:same"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_usage_error(&out, "named by two reports");
}

fn assert_usage_error(out: &std::process::Output, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
}

#[test]
fn newcomer_papercuts() {
    // `explain` takes a rule's name as well as its code.
    let by_name = preflight()
        .args(["explain", "secret-in-vars"])
        .output()
        .unwrap();
    let by_code = preflight().args(["explain", "SEC001"]).output().unwrap();
    assert!(by_name.status.success());
    assert_eq!(by_name.stdout, by_code.stdout);
    let out = preflight()
        .args(["explain", "no-such-rule"])
        .output()
        .unwrap();
    assert_usage_error(&out, "unknown rule code or name `no-such-rule`");

    // Spaces after the commas of --select / --ignore.
    let bad = project(&[("wrangler.toml", INSECURE_TOML)]);
    let spaced = preflight()
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "SEC001, SEC004 ,",
        ])
        .arg(bad.path())
        .output()
        .unwrap();
    let tight = preflight()
        .args(["check", "--format", "concise", "--select", "SEC001,SEC004"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(spaced.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&spaced.stdout),
        String::from_utf8_lossy(&tight.stdout)
    );
    let out = preflight()
        .args(["check", "--ignore", "SEC001, NOPE"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_usage_error(&out, "`NOPE` is not a rule code");

    // Shell completions name the subcommands.
    for shell in ["bash", "zsh", "fish"] {
        let out = preflight().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("preflight") && script.contains("checklist"),
            "{shell}"
        );
    }
}

const RELATED_TOML: &str = "name = \"api\"\nmain = \"src/index.ts\"\n";
const RELATED_INDEX: &str = "import { charge } from './pay'\nexport default {\n  async fetch(req: Request, env: { PAY_TOKEN: string }) {\n    return new Response(env.PAY_TOKEN + await charge(env))\n  },\n}\n";
const RELATED_PAY: &str = "export async function charge(env: { PAY_TOKEN: string }) {\n  const a = env.PAY_TOKEN\n  return a + env.PAY_TOKEN\n}\n";

/// The report of `dir` in `format`, SEC009 only.
fn sec009(dir: &Path, format: &str) -> String {
    let out = preflight()
        .args([
            "check", "--select", "SEC009", "--color", "never", "--format", format,
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn related_locations_reach_every_format() {
    // One undeclared name read in three places over two files: one finding
    // (at the first read in path order) with two related locations.
    let dir = project(&[
        ("wrangler.toml", RELATED_TOML),
        ("src/index.ts", RELATED_INDEX),
        ("src/pay.ts", RELATED_PAY),
    ]);
    let json: serde_json::Value = serde_json::from_str(&sec009(dir.path(), "json")).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        (f["path"].as_str(), f["line"].as_u64()),
        (Some("src/index.ts"), Some(4))
    );
    let related: Vec<(String, u64, u64, String)> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            (
                "src/pay.ts".to_string(),
                2,
                17,
                "also read here".to_string()
            ),
            (
                "src/pay.ts".to_string(),
                3,
                18,
                "also read here".to_string()
            ),
        ]
    );

    let sarif: serde_json::Value = serde_json::from_str(&sec009(dir.path(), "sarif")).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let locations = result["relatedLocations"].as_array().unwrap();
    assert_eq!(locations.len(), 2);
    assert_eq!(locations[0]["id"], 1);
    assert_eq!(locations[1]["id"], 2);
    assert_eq!(locations[0]["message"]["text"], "also read here");
    let physical = &locations[1]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "src/pay.ts");
    assert_eq!(physical["region"]["startLine"], 3);
    assert_eq!(physical["region"]["startColumn"], 18);

    let human = sec009(dir.path(), "human");
    assert!(
        human.contains("  also at src/pay.ts:2:17: also read here\n"),
        "{human}"
    );
    assert!(
        human.contains("  also at src/pay.ts:3:18: also read here\n"),
        "{human}"
    );
    for format in ["concise", "github", "markdown"] {
        let text = sec009(dir.path(), format);
        assert!(text.contains("(and 2 more places)"), "{format}: {text}");
    }
}

#[test]
fn related_locations_leave_the_fingerprint_alone() {
    // The primary's fingerprint is the same whether other reads repeat the
    // root cause or not, so baselines keep matching when reads come and go.
    let one_read = "export async function charge(env: { PAY_TOKEN: string }) {\n  return 1\n}\n";
    let with = project(&[
        ("wrangler.toml", RELATED_TOML),
        ("src/index.ts", RELATED_INDEX),
        ("src/pay.ts", RELATED_PAY),
    ]);
    let without = project(&[
        ("wrangler.toml", RELATED_TOML),
        ("src/index.ts", RELATED_INDEX),
        ("src/pay.ts", one_read),
    ]);
    let fingerprint = |dir: &Path| {
        let json: serde_json::Value = serde_json::from_str(&sec009(dir, "json")).unwrap();
        let f = &json["findings"][0];
        (
            f["fingerprint"].as_str().unwrap().to_string(),
            f["related"].as_array().unwrap().len(),
        )
    };
    let (a, n) = fingerprint(with.path());
    let (b, m) = fingerprint(without.path());
    assert_eq!((n, m), (2, 0));
    assert_eq!(a, b);
}
