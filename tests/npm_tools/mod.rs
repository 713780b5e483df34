//! Tools the integration tests take from npm, pinned by a package-lock.json
//! under scripts/ and installed with `npm ci` under target/ci-tools/ (once
//! per lockfile).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Installs `scripts/<name>/` into `target/ci-tools/<name>/` unless that
/// lockfile is installed and every file of `expect` (relative to it) is
/// there. `None` only outside CI when npm is unavailable (CI panics).
pub fn install(name: &str, expect: &[&str]) -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = manifest.join("scripts").join(name);
    let dir = manifest.join("target/ci-tools").join(name);
    let lock = std::fs::read_to_string(source.join("package-lock.json")).unwrap();
    let stamp = dir.join(".installed-lock");
    let current = std::fs::read_to_string(&stamp).is_ok_and(|s| s == lock)
        && expect.iter().all(|f| dir.join(f).is_file());
    if current {
        return Some(dir);
    }
    if Command::new("npm").arg("--version").output().is_err() {
        let message = format!("npm is not installed: scripts/{name} cannot be installed");
        if in_ci() {
            panic!("{message}");
        }
        eprintln!("note: skipping: {message}");
        return None;
    }
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(source.join(file), dir.join(file)).unwrap();
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "npm ci in {} failed:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&stamp, &lock).unwrap();
    Some(dir)
}
