//! The same tree gives byte-identical output whatever the thread count:
//! parsing and rules run in parallel, so any order that leaks from the
//! scheduler into the report would show up here. Nor does the output depend
//! on how Workers are grouped into the batches their sources are parsed in.

use std::path::Path;
use std::process::Command;

#[path = "../benches/scale/corpus.rs"]
#[allow(dead_code)]
mod corpus;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run(root: &Path, format: &str, threads: usize) -> String {
    run_batched(root, format, threads, None)
}

fn run_batched(root: &Path, format: &str, threads: usize, batch_files: Option<usize>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_preflight"));
    if let Some(n) = batch_files {
        command.env("PREFLIGHT_BATCH_FILES", n.to_string());
    }
    let out = command
        .args(["check", "--fail-on", "never", "--format", format])
        .arg(root)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    if format != "json" {
        return text;
    }
    // The one field allowed to differ between runs.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["summary"]["elapsed_ms"] = serde_json::Value::Null;
    serde_json::to_string_pretty(&value).unwrap()
}

/// Every fixture project (many findings of every family, parse failures,
/// suppressions) plus a synthetic monorepo (many Workers, many files).
fn mixed_tree() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("tree");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &root.join("fixtures"),
    );
    corpus::generate(&root.join("corpus"), 600);
    temp
}

#[test]
fn output_does_not_depend_on_how_workers_are_batched() {
    let temp = mixed_tree();
    let root = temp.path().join("tree");
    let default = run_batched(&root, "json", 2, None);
    assert!(
        default.contains("\"DB003\""),
        "the tree has source findings"
    );
    // One Worker per batch, and every Worker in one batch.
    for batch_files in [1, 1_000_000] {
        let other = run_batched(&root, "json", 2, Some(batch_files));
        assert!(
            default == other,
            "batches of {batch_files} files change the output"
        );
    }
}

#[test]
fn output_is_identical_with_one_thread_and_with_many() {
    let temp = mixed_tree();
    let root = temp.path().join("tree");

    for format in ["json", "sarif"] {
        let one = run(&root, format, 1);
        assert!(one.contains("\"SEC"), "{format}: the tree has findings");
        for _ in 0..2 {
            let many = run(&root, format, 8);
            if one != many {
                let line = one
                    .lines()
                    .zip(many.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                panic!(
                    "{format} differs at line {}:\n1 thread:  {}\n8 threads: {}",
                    line + 1,
                    one.lines().nth(line).unwrap_or(""),
                    many.lines().nth(line).unwrap_or("")
                );
            }
        }
    }
}
