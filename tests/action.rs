//! The GitHub Action: action.yml's shape, and scripts/action.sh run for
//! real (with the built binary) in a simulated GitHub environment: a
//! workspace, `$GITHUB_STEP_SUMMARY` and `$GITHUB_OUTPUT` in temp files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, Yaml};

const INSECURE_TOML: &str = "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nADMIN_KEY = \"\"\n";
const CLEAN_TOML: &str =
    "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nENVIRONMENT = \"production\"\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Sim {
    _dir: tempfile::TempDir,
    workspace: PathBuf,
    summary: PathBuf,
    output: PathBuf,
}

impl Sim {
    fn new(files: &[(&str, &str)]) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let workspace = dir.path().join("workspace");
        for (path, text) in files {
            let full = workspace.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        std::fs::create_dir_all(&workspace).unwrap();
        let summary = dir.path().join("step_summary.md");
        let output = dir.path().join("github_output");
        std::fs::write(&summary, "").unwrap();
        std::fs::write(&output, "").unwrap();
        Sim {
            _dir: dir,
            workspace,
            summary,
            output,
        }
    }

    fn run(&self, inputs: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new("bash");
        cmd.arg(repo().join("scripts/action.sh"))
            .arg("run")
            .current_dir(repo())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("GITHUB_OUTPUT", &self.output)
            .env("GITHUB_ACTION_PATH", repo())
            .env("PREFLIGHT_BIN", env!("CARGO_BIN_EXE_preflight"));
        for name in [
            "INPUT_PATH",
            "INPUT_CONFIG",
            "INPUT_FAIL_ON",
            "INPUT_SARIF_FILE",
            "INPUT_ARGS",
        ] {
            cmd.env_remove(name);
        }
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn outputs(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(&self.output)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn output_value(&self, key: &str) -> String {
        self.outputs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no output {key}"))
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn field<'a>(node: &'a Yaml, key: &str) -> Option<&'a str> {
    node.as_mapping_get(key).and_then(|v| v.as_str())
}

#[test]
fn action_yml_is_a_composite_action_that_runs_the_script() {
    let source = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let docs = Yaml::load_from_str(&source).unwrap();
    let action = &docs[0];
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs: Vec<&str> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["path", "config", "fail-on", "sarif-file", "args"]);
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let install = steps
        .iter()
        .find_map(|s| field(s, "run").filter(|r| r.contains("cargo install")))
        .expect("an install step");
    assert!(
        install.contains("--locked") && install.contains("--path \"$GITHUB_ACTION_PATH\""),
        "{install}"
    );
    assert!(
        steps
            .iter()
            .any(|s| field(s, "uses").is_some_and(|u| u.starts_with("actions/cache@")))
    );
    let run = steps
        .iter()
        .find(|s| field(s, "id") == Some("run"))
        .expect("the run step");
    assert!(
        run["run"]
            .as_str()
            .unwrap()
            .contains("scripts/action.sh\" run")
    );
    for input in &inputs {
        let var = format!("INPUT_{}", input.to_ascii_uppercase().replace('-', "_"));
        assert_eq!(
            run["env"][var.as_str()].as_str(),
            Some(format!("${{{{ inputs.{input} }}}}").as_str()),
            "{var}"
        );
    }
    // Inputs reach the shell through env only: no expression in any script.
    for step in steps {
        if let Some(script) = field(step, "run") {
            assert!(
                !script.contains("${{"),
                "expression spliced into a script: {script}"
            );
        }
    }
}

#[test]
fn a_planted_violation_fails_with_annotations_sarif_summary_and_outputs() {
    let sim = Sim::new(&[
        ("worker/wrangler.toml", INSECURE_TOML),
        ("README.md", "# app\n"),
    ]);
    let out = sim.run(&[
        ("INPUT_PATH", "worker"),
        ("INPUT_SARIF_FILE", "results/preflight.sarif"),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::error file=worker/wrangler.toml,line=5,col=1,endLine=5,endColumn=10,title=SEC001 secret-in-vars::")),
        "{stdout}"
    );

    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(sim.workspace.join("results/preflight.sarif")).unwrap(),
    )
    .unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SEC001");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "worker/wrangler.toml"
    );

    let summary = std::fs::read_to_string(&sim.summary).unwrap();
    assert!(summary.starts_with("## preflight\n"), "{summary}");
    assert!(summary.contains("`SEC001` secret-in-vars"), "{summary}");
    assert!(summary.contains("## preflight checklist"), "{summary}");
    assert!(
        summary.contains("| ❌ fail | No secrets in the wrangler `[vars]` block"),
        "{summary}"
    );

    assert_eq!(sim.output_value("exit-code"), "1");
    assert_eq!(sim.output_value("errors"), "1");
    assert_eq!(sim.output_value("warnings"), "0");
    assert_eq!(sim.output_value("sarif-file"), "results/preflight.sarif");
}

#[test]
fn a_clean_workspace_passes() {
    let sim = Sim::new(&[("wrangler.toml", CLEAN_TOML)]);
    let out = sim.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains("::error"));
    assert_eq!(sim.output_value("exit-code"), "0");
    assert_eq!(sim.output_value("errors"), "0");
    assert_eq!(sim.output_value("sarif-file"), "");
    let summary = std::fs::read_to_string(&sim.summary).unwrap();
    assert!(summary.contains("No findings"), "{summary}");
}

#[test]
fn fail_on_and_args_are_passed_through() {
    let sim = Sim::new(&[("wrangler.toml", INSECURE_TOML)]);
    let out = sim.run(&[("INPUT_FAIL_ON", "never")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("::error file=wrangler.toml"),
        "annotations still shown"
    );

    let sim = Sim::new(&[("wrangler.toml", INSECURE_TOML)]);
    let out = sim.run(&[("INPUT_ARGS", "--ignore SEC001 --select SEC")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(sim.output_value("errors"), "0");

    let out = sim.run(&[("INPUT_FAIL_ON", "sometimes")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("::error title=preflight::fail-on must be"));
}

#[test]
fn configuration_errors_stop_the_action_with_an_annotation() {
    let sim = Sim::new(&[
        ("wrangler.toml", CLEAN_TOML),
        ("ci/preflight.toml", "bogus = 1\n"),
    ]);
    let out = sim.run(&[("INPUT_CONFIG", "ci/preflight.toml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("::error title=preflight::preflight check failed (exit 2)"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("bogus"), "{}", text(&out.stderr));

    // The same config file is honoured when valid.
    let sim = Sim::new(&[
        ("wrangler.toml", INSECURE_TOML),
        ("ci/preflight.toml", "ignore = [\"SEC001\"]\n"),
    ]);
    let out = sim.run(&[("INPUT_CONFIG", "ci/preflight.toml")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn the_cache_key_hashes_the_action_source() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out");
    let key = || {
        std::fs::write(&output, "").unwrap();
        let status = Command::new("bash")
            .arg(repo().join("scripts/action.sh"))
            .arg("cache-key")
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_OUTPUT", &output)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(&output).unwrap()
    };
    let first = key();
    assert!(
        first.starts_with("key=preflight-Linux-X64-") && first.ends_with('\n'),
        "{first}"
    );
    assert_eq!(first.trim().len(), "key=preflight-Linux-X64-".len() + 20);
    assert_eq!(first, key());
}
