//! The PyPI wheel and the prebuilt pre-commit hook, end to end without a
//! registry for our packages: maturin (from PyPI) builds the wheel
//! (`bindings = "bin"`, pyproject.toml), which is installed into a fresh
//! venv with `--no-index` and must print the same JSON as the binary; then
//! the mirror template (`pre-commit-mirror/`) is committed to a local
//! repository and used as a `language: python` hook that gets the wheel
//! through PIP_FIND_LINKS: it fails on a planted violation with one
//! summary, without a Rust build.
//!
//! Slow (maturin compiles the crate, into target/wheel-build), so it is
//! `#[ignore]`d in a plain `cargo test`; `.ci/run` runs it with
//! `cargo test --test wheel -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const MATURIN: &str = "maturin==1.16.0";
const PRE_COMMIT: &str = "pre-commit==4.7.0";
const INSECURE_TOML: &str = "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nADMIN_KEY = \"\"\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = run(Command::new("git")
        .args([
            "-c",
            "user.name=preflight-test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1"));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn venv(at: &Path, packages: &[&str]) -> PathBuf {
    run(Command::new("python3").args(["-m", "venv"]).arg(at));
    if !packages.is_empty() {
        run(Command::new(at.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages));
    }
    at.join("bin")
}

fn report(stdout: &[u8]) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    doc["summary"].as_object_mut().unwrap().remove("elapsed_ms");
    doc
}

#[test]
#[ignore = "slow: maturin builds the crate; run by .ci/run"]
fn the_wheel_installs_the_binary_and_serves_the_prebuilt_hook() {
    let temp = tempfile::tempdir().unwrap();
    let tools = venv(&temp.path().join("tools"), &[MATURIN, PRE_COMMIT]);
    let wheels = temp.path().join("wheels");
    run(Command::new(tools.join("maturin"))
        .arg("build")
        .arg("--out")
        .arg(&wheels)
        .current_dir(repo())
        .env("CARGO_TARGET_DIR", repo().join("target/wheel-build")));
    let wheel: Vec<PathBuf> = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(wheel.len(), 1, "{wheel:?}");
    let name = wheel[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!(
            "workers_preflight-{}-py3-none-",
            env!("CARGO_PKG_VERSION")
        )),
        "{name}"
    );

    // pip install into a fresh venv, then the same JSON as the binary.
    let app = venv(&temp.path().join("app"), &[]);
    run(Command::new(app.join("pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-index",
        ])
        .arg(&wheel[0]));
    let fixture = repo().join("fixtures/demo/insecure-worker");
    let json = |bin: &Path| {
        let out = Command::new(bin)
            .arg("check")
            .arg(&fixture)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        report(&out.stdout)
    };
    assert_eq!(
        json(&app.join("preflight")),
        json(Path::new(env!("CARGO_BIN_EXE_preflight")))
    );

    // The mirror template as a hook repository.
    let mirror = temp.path().join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    for file in [".pre-commit-hooks.yaml", "pyproject.toml", "README.md"] {
        std::fs::copy(
            repo().join("pre-commit-mirror").join(file),
            mirror.join(file),
        )
        .unwrap();
    }
    git(&mirror, &["init", "-q"]);
    git(&mirror, &["add", "-A"]);
    git(&mirror, &["commit", "-q", "-m", "mirror"]);
    let rev = git(&mirror, &["rev-parse", "HEAD"]);

    let project = temp.path().join("project");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(project.join("wrangler.toml"), INSECURE_TOML).unwrap();
    std::fs::write(project.join("src/index.ts"), "export default {};\n").unwrap();
    std::fs::write(project.join("README.md"), "# a Worker\n").unwrap();
    std::fs::write(project.join(".gitignore"), ".dev.vars*\n.env*\n").unwrap();
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: preflight\n",
            mirror.display()
        ),
    )
    .unwrap();
    git(&project, &["init", "-q"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "planted"]);

    let home = temp.path().join("pre-commit-home");
    let pre_commit = |args: &[&str]| {
        Command::new(tools.join("pre-commit"))
            .args(args)
            .current_dir(&project)
            .env("PRE_COMMIT_HOME", &home)
            .env("PIP_FIND_LINKS", &wheels)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    };
    let out = pre_commit(&["install-hooks"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started = Instant::now();
    let out = pre_commit(&["run", "--all-files", "--color", "never"]);
    let elapsed = started.elapsed();
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("wrangler.toml:5:1"), "{log}");
    // require_serial: one process, one summary line.
    assert_eq!(log.matches("preflight: 1 error").count(), 1, "{log}");
    eprintln!(
        "prebuilt hook, first run after install: {} ms",
        elapsed.as_millis()
    );
    assert!(elapsed.as_secs() < 10, "{elapsed:?}");
}
