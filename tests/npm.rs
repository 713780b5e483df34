//! The npm package end to end, without a registry: `npm/pack.sh` packs the
//! platform package (with the binary under test) and the launcher, both are
//! installed from their tarballs into a fresh project with `--offline`, and
//! the installed `preflight` command must print the same JSON as the binary
//! itself. Also: the launcher's versions follow Cargo.toml.

use std::path::Path;
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn npm_available() -> bool {
    let found = Command::new("npm").arg("--version").output().is_ok();
    if !found {
        assert!(std::env::var_os("CI").is_none(), "CI must have npm");
        eprintln!("skipped: npm is not installed");
    }
    found
}

/// The JSON report without its timing.
fn report(stdout: &[u8]) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    doc["summary"].as_object_mut().unwrap().remove("elapsed_ms");
    doc
}

#[test]
fn the_launcher_declares_the_crate_version_for_every_platform() {
    let text = std::fs::read_to_string(repo().join("npm/workers-preflight/package.json")).unwrap();
    let pkg: serde_json::Value = serde_json::from_str(&text).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(pkg["version"], version);
    assert_eq!(pkg["bin"]["preflight"], "bin/preflight.js");
    let deps = pkg["optionalDependencies"].as_object().unwrap();
    let names: Vec<&str> = deps.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "workers-preflight-linux-x64",
            "workers-preflight-linux-arm64",
            "workers-preflight-darwin-x64",
            "workers-preflight-darwin-arm64",
            "workers-preflight-win32-x64"
        ]
    );
    assert!(deps.values().all(|v| v == version), "{deps:?}");
    // The launcher maps exactly these platforms.
    let launcher =
        std::fs::read_to_string(repo().join("npm/workers-preflight/bin/preflight.js")).unwrap();
    for name in names {
        assert!(launcher.contains(&format!("\"{name}\"")), "{name}");
    }
}

#[test]
fn npm_install_from_the_tarballs_runs_the_binary() {
    if !npm_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tarballs");
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    run(Command::new("bash")
        .arg(repo().join("npm/pack.sh"))
        .arg(&out)
        .arg(format!("linux-x64={}", env!("CARGO_BIN_EXE_preflight"))));
    let version = env!("CARGO_PKG_VERSION");
    let launcher = out.join(format!("workers-preflight-{version}.tgz"));
    let platform = out.join(format!("workers-preflight-linux-x64-{version}.tgz"));
    assert!(launcher.is_file() && platform.is_file());

    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"app\", \"private\": true}\n",
    )
    .unwrap();
    let cache = dir.path().join("npm-cache");
    run(Command::new("npm")
        .args([
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            "--save-dev",
        ])
        .arg(&launcher)
        .arg(&platform)
        .current_dir(&project)
        .env("npm_config_cache", &cache)
        .env("npm_config_update_notifier", "false"));

    let fixture = repo().join("fixtures/demo/insecure-worker");
    let direct = run(Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("check")
        .arg(&fixture)
        .args(["--format", "json"]));
    assert_eq!(direct.status.code(), Some(1));
    // `npx workers-preflight` (the package's only command) and the
    // `preflight` command it puts on the project's PATH.
    for cmd in [
        Command::new("npx").args(["--no-install", "workers-preflight"]),
        &mut Command::new(project.join("node_modules/.bin/preflight")),
    ] {
        let installed = run(cmd
            .arg("check")
            .arg(&fixture)
            .args(["--format", "json"])
            .current_dir(&project)
            .env("npm_config_cache", &cache)
            .env("npm_config_update_notifier", "false"));
        assert_eq!(
            installed.status.code(),
            Some(1),
            "the exit code passes through"
        );
        assert_eq!(report(&installed.stdout), report(&direct.stdout));
    }
}
