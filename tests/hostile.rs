//! Hostile inputs, as an untrusted pull request could plant them: the scan
//! must finish, never panic or overflow, never read outside the root, and
//! account for every such file with a PF000 finding or a skip note.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn deep(open: &str, middle: &str, close: &str, depth: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * depth + middle.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

fn alias_bomb() -> String {
    let mut y = String::from(
        "name: bomb\non: push\nx0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..=12 {
        let p = i - 1;
        y.push_str(&format!(
            "x{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo *a12\n");
    y
}

/// Runs the binary with a hang guard; returns (exit code, parsed JSON).
fn run(root: &Path) -> (i32, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--format", "json", "--output"])
        .arg(root.join("..").join("report.json"))
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("preflight did not finish on hostile input (hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "stderr: {err}"
    );
    let code = status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {status:?}"));
    let report = std::fs::read_to_string(root.join("..").join("report.json")).unwrap();
    (
        code,
        serde_json::from_str(&report).expect("valid JSON report"),
    )
}

#[test]
fn hostile_inputs_are_bounded_and_accounted_for() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    let outside = temp.path().join("outside-secret.env");
    std::fs::write(
        &outside,
        "ADMIN_KEY=this-is-outside-the-root-and-must-not-be-read\n",
    )
    .unwrap();

    write(
        &root,
        "wrangler.jsonc",
        deep("{\"a\":", "1", "}", 100_000).as_bytes(),
    );
    write(
        &root,
        "api/wrangler.toml",
        format!("name = \"x\"\nv = {}\n", deep("[", "1", "]", 100_000)).as_bytes(),
    );
    write(
        &root,
        "src/deep.ts",
        format!("export const x = {};\n", deep("(", "1", ")", 100_000)).as_bytes(),
    );
    write(
        &root,
        ".github/workflows/deep.yml",
        deep("[", "1", "]", 100_000).as_bytes(),
    );
    write(&root, ".github/workflows/bomb.yml", alias_bomb().as_bytes());
    write(
        &root,
        "src/huge.js",
        format!("const s = \"{}\";\n", "a".repeat(30 * 1024 * 1024)).as_bytes(),
    );
    write(
        &root,
        "src/binary.ts",
        &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0xff, 0xfe, 0],
    );
    write(&root, ".env.local", b"API_KEY=\xff\xfe\xfd broken\n");
    // Under the size below which the parse threads skip the nesting
    // pre-scan: as dense as nesting gets.
    write(
        &root,
        "src/dense.ts",
        format!("const v = {}x;\n", "!".repeat(16_000)).as_bytes(),
    );
    write(
        &root,
        "src/dense-arrows.ts",
        format!("const v = {}x;\n", "a=>".repeat(5_400)).as_bytes(),
    );
    write(
        &root,
        "package.json",
        deep("[", "1", "]", 100_000).as_bytes(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(&outside, root.join(".env")).unwrap();
        // Source files are read later than the others (a batch of Workers
        // at a time): the same guards must hold there.
        symlink(&outside, root.join("src/escape.ts")).unwrap();
        symlink(root.join("loop-b"), root.join("loop-a")).unwrap();
        symlink(root.join("loop-a"), root.join("loop-b")).unwrap();
        symlink(temp.path(), root.join("escape-dir")).unwrap();
        for fifo in ["pipe.env", "src/pipe.ts"] {
            let status = Command::new("mkfifo").arg(root.join(fifo)).status();
            assert!(status.is_ok_and(|s| s.success()), "mkfifo {fifo}");
        }
    }

    let (code, report) = run(&root);
    assert!(code == 0 || code == 1, "exit code {code}");

    let mut accounted: BTreeMap<String, String> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap().to_string();
        assert!(
            !path.starts_with("..") && !path.starts_with('/'),
            "finding outside the root: {path}"
        );
        if f["code"] == "PF000" {
            accounted.insert(path, "PF000".into());
        }
    }
    for s in report["skipped"].as_array().unwrap() {
        accounted.insert(
            s["path"].as_str().unwrap().to_string(),
            s["reason"].as_str().unwrap().to_string(),
        );
    }
    // src/deep.ts and the alias bomb are not listed: a clean parse is as
    // good as PF000 for them; what matters is that the scan came back.
    for path in [
        "wrangler.jsonc",
        "api/wrangler.toml",
        ".github/workflows/deep.yml",
        "src/huge.js",
        "src/binary.ts",
        "src/dense.ts",
        "src/dense-arrows.ts",
        ".env.local",
        "package.json",
        ".env",
        "loop-a",
        "loop-b",
        "pipe.env",
        "src/escape.ts",
        "src/pipe.ts",
    ] {
        assert!(
            accounted.contains_key(path),
            "{path} is neither PF000 nor skipped: {accounted:#?}"
        );
    }
    let text = report.to_string();
    assert!(
        !text.contains("this-is-outside-the-root"),
        "read outside the root"
    );
}
