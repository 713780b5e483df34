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
            "INPUT_CONFIG_FROM",
            "INPUT_VERSION",
            "INPUT_UPLOAD_SARIF",
            "INPUT_VERIFY",
            "INPUT_VERIFY_ENV",
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_ACCOUNT_ID",
            "GITHUB_TOKEN",
            "GH_TOKEN",
            "GITHUB_REPOSITORY",
            "RUNNER_TEMP",
            "GITHUB_EVENT_NAME",
            "GITHUB_BASE_REF",
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
    assert_eq!(
        inputs,
        [
            "path",
            "config",
            "config-from",
            "fail-on",
            "sarif-file",
            "upload-sarif",
            "args",
            "verify",
            "verify-env",
            "version"
        ]
    );
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    // No step builds in the workspace: the script's `download` and `build`
    // run from the action's own directory.
    for step in steps {
        if let Some(script) = field(step, "run") {
            assert!(!script.contains("cargo"), "{script}");
            assert!(
                script.contains("\"$GITHUB_ACTION_PATH/scripts/action.sh\""),
                "{script}"
            );
        }
    }
    // Every action used is pinned to a full commit SHA.
    for step in steps {
        if let Some(uses) = field(step, "uses") {
            let (_, rev) = uses.split_once('@').unwrap();
            assert!(
                rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                "{uses}"
            );
        }
    }
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

    // Flags the action sets itself are rejected with the input to use.
    for (args, message) in [
        (
            "--fail-on never",
            "must not set --fail-on: use the `fail-on` input",
        ),
        (
            "--select SEC --config=x.toml",
            "must not set --config: use the `config` input",
        ),
        (
            "--format json",
            "must not set --format: the action chooses the outputs",
        ),
    ] {
        let out = sim.run(&[("INPUT_ARGS", args)]);
        assert_eq!(out.status.code(), Some(2), "{args}");
        assert!(text(&out.stdout).contains(message), "{}", text(&out.stdout));
    }
}

#[test]
fn one_scan_writes_annotations_sarif_and_the_report() {
    let sim = Sim::new(&[("wrangler.toml", INSECURE_TOML)]);
    let log = sim.workspace.parent().unwrap().join("calls");
    let wrapper = sim.workspace.parent().unwrap().join("preflight-wrapper");
    script(
        &wrapper,
        &format!(
            "echo \"$1\" >>'{}'\nexec '{}' \"$@\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_preflight")
        ),
    );
    let wrapper = wrapper.to_str().unwrap().to_string();
    let out = sim.run(&[
        ("PREFLIGHT_BIN", wrapper.as_str()),
        ("INPUT_SARIF_FILE", "out/preflight.sarif"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // One `check` (all three reports) and the checklist.
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "check\nchecklist\n");
    assert!(sim.workspace.join("out/preflight.sarif").is_file());
    let summary = std::fs::read_to_string(&sim.summary).unwrap();
    assert!(summary.contains("`SEC001` secret-in-vars"), "{summary}");
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
        first.starts_with("key=preflight-Linux-X64-1.95.0-") && first.ends_with('\n'),
        "{first}"
    );
    assert_eq!(
        first.trim().len(),
        "key=preflight-Linux-X64-1.95.0-".len() + 20
    );
    assert_eq!(first, key());
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=preflight-test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

/// The workspace as a pull request checkout: `main` (the base, also
/// pushed to a bare `origin`) holds `base`; HEAD adds `pr` on top.
fn pull_request(sim: &Sim, base: &[(&str, &str)], pr: &[(&str, &str)]) {
    let origin = sim.workspace.parent().unwrap().join("origin.git");
    std::fs::create_dir_all(&origin).unwrap();
    git(&origin, &["init", "--quiet", "--bare"]);
    git(&sim.workspace, &["init", "--quiet"]);
    write(&sim.workspace, base);
    git(&sim.workspace, &["add", "-A"]);
    git(&sim.workspace, &["commit", "--quiet", "-m", "base"]);
    git(
        &sim.workspace,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&sim.workspace, &["push", "--quiet", "origin", "main"]);
    git(&sim.workspace, &["checkout", "--quiet", "-b", "pr"]);
    write(&sim.workspace, pr);
    git(&sim.workspace, &["add", "-A"]);
    git(&sim.workspace, &["commit", "--quiet", "-m", "pr"]);
}

const PR_EVENT: &[(&str, &str)] = &[
    ("GITHUB_EVENT_NAME", "pull_request"),
    ("GITHUB_BASE_REF", "main"),
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
];

#[test]
fn a_pull_request_cannot_weaken_its_own_gate() {
    let sim = Sim::new(&[]);
    // The baseline the PR adds would hide SEC001: make it with the binary.
    let scratch = tempfile::tempdir().unwrap();
    write(scratch.path(), &[("wrangler.toml", INSECURE_TOML)]);
    let baseline = scratch.path().join("baseline.json");
    let status = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("check")
        .arg(scratch.path())
        .arg("--write-baseline")
        .arg(&baseline)
        .status()
        .unwrap();
    assert!(status.success());
    let baseline = std::fs::read_to_string(&baseline).unwrap();
    assert!(baseline.contains("SEC001"), "{baseline}");

    pull_request(
        &sim,
        &[
            ("wrangler.toml", INSECURE_TOML),
            ("preflight.toml", "[severity]\nSEC004 = \"error\"\n"),
            (
                ".preflight-baseline.json",
                "{\"version\": 1, \"tool\": \"preflight\", \"findings\": []}\n",
            ),
        ],
        &[
            (
                "preflight.toml",
                "ignore = [\"SEC\", \"DB\", \"AUTH\", \"NET\", \"CI\", \"OBS\"]\n",
            ),
            (".preflight-baseline.json", &baseline),
            (".gitignore", "# build output\nlegacy/\n"),
            (
                "src/admin.ts",
                "// preflight: ignore[AUTH003] trust me\nexport const x = 1;\n",
            ),
            (
                "rust-toolchain.toml",
                "[toolchain]\npath = \"/tmp/evil-toolchain\"\n",
            ),
            (
                ".cargo/config.toml",
                "[build]\nrustc-wrapper = \"/tmp/evil\"\n",
            ),
        ],
    );
    let mut inputs = PR_EVENT.to_vec();
    inputs.push(("INPUT_ARGS", "--baseline .preflight-baseline.json"));
    let out = sim.run(&inputs);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(
            "::error file=wrangler.toml,line=5,col=1,endLine=5,endColumn=10,title=SEC001"
        ),
        "{stdout}"
    );
    for warning in [
        "::warning file=src/admin.ts,line=1,title=preflight suppression added::This pull request adds a preflight suppression: // preflight: ignore[AUTH003] trust me",
        "::warning file=.gitignore,line=2,title=preflight scan scope changed::",
        "::warning file=.preflight-baseline.json,title=preflight baseline grows::This pull request adds 1 baseline entr",
        "::warning file=preflight.toml,title=preflight configuration changed::",
    ] {
        assert!(stdout.contains(warning), "{warning}\n{stdout}");
    }
    // The comment line of .gitignore is not a scope change.
    assert!(
        !stdout.contains("file=.gitignore,line=1,title=preflight"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(&sim.summary).unwrap();
    for part in [
        "### Changes to the gate in this pull request",
        "- 1 `preflight: ignore[...]` comment(s)",
        "  - `src/admin.ts` line 1",
        "- 1 .gitignore line(s)",
        "- 1 new entr(y/ies) in the baseline `.preflight-baseline.json`",
        "+ignore = [\"SEC\", \"DB\", \"AUTH\", \"NET\", \"CI\", \"OBS\"]",
    ] {
        assert!(summary.contains(part), "{part}\n{summary}");
    }
    // SEC004 is an error by the base branch's `[severity]`.
    assert_eq!(sim.output_value("errors"), "2");

    // The same checkout with the workspace's configuration passes: the
    // base branch's is what held the gate.
    let mut inputs = PR_EVENT.to_vec();
    inputs.push(("INPUT_ARGS", "--baseline .preflight-baseline.json"));
    inputs.push(("INPUT_CONFIG_FROM", "workspace"));
    let out = sim.run(&inputs);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_pull_request_without_changes_to_the_gate_says_so() {
    let sim = Sim::new(&[]);
    pull_request(
        &sim,
        &[("wrangler.toml", CLEAN_TOML)],
        &[("src/index.ts", "export default {};\n")],
    );
    let mut inputs = PR_EVENT.to_vec();
    inputs.push(("INPUT_FAIL_ON", "error"));
    let out = sim.run(&inputs);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let summary = std::fs::read_to_string(&sim.summary).unwrap();
    assert!(
        summary
            .contains("None: no new suppression, ignore, baseline entry or configuration change."),
        "{summary}"
    );
    assert!(
        !text(&out.stdout).contains(",title=preflight "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_base_branch_that_cannot_be_fetched_stops_the_action() {
    let sim = Sim::new(&[("wrangler.toml", CLEAN_TOML)]);
    git(&sim.workspace, &["init", "--quiet"]);
    let out = sim.run(PR_EVENT);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("::error title=preflight::cannot fetch the base branch 'main'"),
        "{}",
        text(&out.stdout)
    );
    // A full clone (`fetch-depth: 0`) has the base branch without a fetch.
    git(&sim.workspace, &["add", "-A"]);
    git(&sim.workspace, &["commit", "--quiet", "-m", "base"]);
    git(
        &sim.workspace,
        &["update-ref", "refs/remotes/origin/main", "HEAD"],
    );
    let mut inputs = PR_EVENT.to_vec();
    inputs.push(("INPUT_FAIL_ON", "error"));
    let out = sim.run(&inputs);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// An executable shell script.
fn script(path: &Path, body: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("#!/usr/bin/env bash\n{body}")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_source_build_ignores_the_workspace_toolchain_config_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let workspace = dir.path().join("workspace");
    let log = dir.path().join("log");
    let evil = dir.path().join("evil");
    let install = dir.path().join("install");
    write(
        &workspace,
        &[
            (
                "rust-toolchain.toml",
                &format!("[toolchain]\npath = \"{}\"\n", evil.display()),
            ),
            (
                ".cargo/config.toml",
                &format!("[build]\nrustc-wrapper = \"{}/cargo\"\n", evil.display()),
            ),
        ],
    );
    // rustup's proxies where the runners have them: they log what they see.
    let logger = format!(
        "{{ echo \"$(basename \"$0\") $*\"; echo \"cwd=$PWD\"; env | grep -E '^(RUST|CARGO|CC=|PATH=)' | sort; }} >>'{}'\n\
         if [[ \"$(basename \"$0\")\" == cargo ]]; then mkdir -p \"$6/bin\"; : >\"$6/bin/preflight\"; fi\n",
        log.display()
    );
    script(&home.join(".cargo/bin/rustup"), &logger);
    script(&home.join(".cargo/bin/cargo"), &logger);
    // What the workspace and an earlier step could point at.
    for tool in ["cargo", "rustup", "rustc", "cc"] {
        script(
            &evil.join(tool),
            &format!("touch '{}/ran-{tool}'\n", evil.display()),
        );
    }
    let status = Command::new("bash")
        .arg(repo().join("scripts/action.sh"))
        .arg("build")
        .current_dir(&workspace)
        .env("HOME", &home)
        .env("GITHUB_WORKSPACE", &workspace)
        .env("GITHUB_ACTION_PATH", repo())
        .env("PREFLIGHT_INSTALL_ROOT", &install)
        .env("RUNNER_OS", "Linux")
        .env("PATH", format!("{}:/usr/bin:/bin", evil.display()))
        .env("RUSTUP_TOOLCHAIN", "evil")
        .env("CARGO_HOME", &evil)
        .env("RUSTC_WRAPPER", evil.join("cargo"))
        .env("CARGO_BUILD_RUSTC", evil.join("rustc"))
        .env("RUSTFLAGS", "-C linker=/tmp/evil")
        .env("CC", evil.join("cc"))
        .status()
        .unwrap();
    assert!(status.success());
    let log = std::fs::read_to_string(&log).unwrap();
    let root = repo().display().to_string();
    let expected_cargo = format!(
        "cargo install --locked --path . --root {}",
        install.display()
    );
    assert!(
        log.contains("rustup toolchain install 1.95.0 --profile minimal --no-self-update"),
        "{log}"
    );
    assert!(log.contains(&expected_cargo), "{log}");
    assert!(log.contains(&format!("cwd={root}\n")), "{log}");
    assert!(
        !log.contains(&format!("cwd={}", workspace.display())),
        "{log}"
    );
    assert!(log.contains("RUSTUP_TOOLCHAIN=1.95.0\n"), "{log}");
    assert!(
        log.contains(&format!("CARGO_HOME={}/cargo-home\n", install.display())),
        "{log}"
    );
    for var in ["RUSTC_WRAPPER", "CARGO_BUILD_RUSTC", "RUSTFLAGS", "CC="] {
        assert!(!log.contains(var), "{var} reached the build:\n{log}");
    }
    assert!(!log.contains(&evil.display().to_string()), "{log}");
    assert!(install.join("bin/preflight").exists());
    let ran: Vec<_> = std::fs::read_dir(&evil)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with("ran-"))
        .collect();
    assert!(ran.is_empty(), "{ran:?}");
}

/// A release as the release workflow publishes it, served from file://.
fn fake_release(dir: &Path, version: &str, target: &str) -> PathBuf {
    let release = dir.join(format!("v{version}"));
    let stage = dir.join("stage");
    std::fs::create_dir_all(&release).unwrap();
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_preflight"), stage.join("preflight")).unwrap();
    let archive = format!("preflight-{target}.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(release.join(&archive))
        .arg("-C")
        .arg(&stage)
        .arg("preflight")
        .status()
        .unwrap();
    assert!(status.success());
    let sums = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&release)
        .output()
        .unwrap();
    std::fs::write(release.join("SHA256SUMS"), &sums.stdout).unwrap();
    let hash = Command::new("bash")
        .arg(repo().join("scripts/action.sh"))
        .arg("source-hash")
        .env("GITHUB_ACTION_PATH", repo())
        .output()
        .unwrap();
    assert!(hash.status.success());
    std::fs::write(release.join("SOURCE_HASH"), &hash.stdout).unwrap();
    release
}

fn download(dir: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let output = dir.join("github_output");
    std::fs::write(&output, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/action.sh"))
        .arg("download")
        .env("GITHUB_ACTION_PATH", repo())
        .env("GITHUB_OUTPUT", &output)
        .env("PREFLIGHT_INSTALL_ROOT", dir.join("install"))
        .env(
            "PREFLIGHT_RELEASES_URL",
            format!("file://{}", dir.display()),
        )
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env_remove("INPUT_VERSION")
        .env_remove("GITHUB_ACTION_REF");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out, std::fs::read_to_string(&output).unwrap())
}

#[test]
fn a_release_ref_downloads_the_verified_binary() {
    let dir = tempfile::tempdir().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let release = fake_release(dir.path(), version, "x86_64-unknown-linux-musl");
    let tag = format!("v{version}");

    let (out, outputs) = download(dir.path(), &[("ACTION_REF", &tag)]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let bin = dir
        .path()
        .join(format!("install/release-{version}/preflight"));
    assert!(
        outputs.contains(&format!("bin={}\n", bin.display())),
        "{outputs}"
    );
    assert!(
        outputs.contains("key=preflight-Linux-X64-1.95.0-"),
        "{outputs}"
    );
    assert!(bin.exists());

    // A commit ref uses the release of its Cargo.toml version only when
    // the release was built from the same source...
    std::fs::remove_dir_all(dir.path().join("install")).unwrap();
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let (out, outputs) = download(dir.path(), &[("ACTION_REF", commit)]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(
        outputs.contains(&format!("bin={}\n", bin.display())),
        "{outputs}"
    );
    // ...else it builds from source.
    std::fs::write(release.join("SOURCE_HASH"), "0000\n").unwrap();
    let (out, outputs) = download(dir.path(), &[("ACTION_REF", commit)]);
    assert!(out.status.success());
    assert!(outputs.contains("bin=\n"), "{outputs}");
    assert!(
        text(&out.stdout).contains("not built from this commit"),
        "{}",
        text(&out.stdout)
    );
    // A tag trusts its own release (its SOURCE_HASH is not needed).
    let (out, outputs) = download(dir.path(), &[("ACTION_REF", &tag)]);
    assert!(out.status.success());
    assert!(
        outputs.contains(&format!("bin={}\n", bin.display())),
        "{outputs}"
    );
    // `version: source` never downloads.
    let (out, outputs) = download(
        dir.path(),
        &[("ACTION_REF", &tag), ("INPUT_VERSION", "source")],
    );
    assert!(out.status.success());
    assert!(outputs.contains("bin=\n"), "{outputs}");

    // A tag whose release is not published yet falls back to a build...
    let (out, outputs) = download(dir.path(), &[("ACTION_REF", "v9.9.9")]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(outputs.contains("bin=\n"), "{outputs}");
    // ...but an explicit version that does not exist is an error.
    let (out, _) = download(dir.path(), &[("INPUT_VERSION", "9.9.9")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("no release v9.9.9"),
        "{}",
        text(&out.stdout)
    );
    let (out, _) = download(dir.path(), &[("INPUT_VERSION", "1.0; rm -rf /")]);
    assert_eq!(out.status.code(), Some(2));

    // A tampered archive is never run, and there is no fallback.
    std::fs::remove_dir_all(dir.path().join("install")).unwrap();
    let archive = release.join("preflight-x86_64-unknown-linux-musl.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let (out, outputs) = download(dir.path(), &[("ACTION_REF", &tag)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("checksum mismatch"),
        "{}",
        text(&out.stdout)
    );
    assert!(!outputs.contains("bin="), "{outputs}");
    assert!(!bin.exists());
}

#[test]
fn upload_sarif_writes_a_report_even_without_sarif_file() {
    let sim = Sim::new(&[("wrangler.toml", INSECURE_TOML)]);
    let temp = sim.workspace.parent().unwrap().join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let temp_str = temp.to_str().unwrap().to_string();
    let out = sim.run(&[
        ("INPUT_UPLOAD_SARIF", "true"),
        ("RUNNER_TEMP", temp_str.as_str()),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let sarif = temp.join("preflight.sarif");
    assert!(sarif.is_file());
    assert_eq!(sim.output_value("sarif-file"), sarif.display().to_string());
    // The upload step runs after a failing scan and uses that output.
    let source = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    assert!(source.contains(
        "if: always() && inputs.upload-sarif == 'true' && steps.run.outputs.sarif-file != ''"
    ));

    let out = sim.run(&[("INPUT_UPLOAD_SARIF", "yes")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("upload-sarif must be true or false"));
}

const PLAIN_TOML: &str = "name = \"api\"\ncompatibility_date = \"2025-06-01\"\n[env.production]\nname = \"api-production\"\n";

#[test]
fn verify_adds_live_results_to_the_summary_but_never_on_pull_requests() {
    let sim = Sim::new(&[("wrangler.toml", PLAIN_TOML)]);
    let out = sim.run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(sim.output_value("verify-exit-code"), "");
    std::fs::write(&sim.output, "").unwrap();

    // No token: every live item is unverified, a warning verify fails on,
    // and the summary says which token would settle it.
    let out = sim.run(&[("INPUT_VERIFY", "true"), ("INPUT_VERIFY_ENV", "production")]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(sim.output_value("exit-code"), "0");
    assert_eq!(sim.output_value("verify-exit-code"), "1");
    let summary = std::fs::read_to_string(&sim.summary).unwrap();
    assert!(summary.contains("LIVE007"), "{summary}");

    // A pull request's code never runs next to the tokens.
    std::fs::write(&sim.summary, "").unwrap();
    std::fs::write(&sim.output, "").unwrap();
    let out = sim.run(&[
        ("INPUT_VERIFY", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("INPUT_CONFIG_FROM", "workspace"),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("::notice title=preflight verify::skipped on pull requests"),
        "{stdout}"
    );
    assert_eq!(sim.output_value("verify-exit-code"), "");

    let out = sim.run(&[("INPUT_VERIFY", "yes")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("verify must be true or false"));
}
