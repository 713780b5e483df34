//! Hostile inputs, as an untrusted pull request could plant them: the scan
//! must finish, never panic or overflow, never read outside the root, and
//! account for every such file: a file preflight must understand with a
//! PF000 or PF002 finding (which fails the check), any other with a skip
//! note.

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
    assert_eq!(code, 1, "files not analysed must fail the check");

    let mut findings: BTreeMap<String, String> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap().to_string();
        assert!(
            !path.starts_with("..") && !path.starts_with('/'),
            "finding outside the root: {path}"
        );
        if f["code"] == "PF000" || f["code"] == "PF002" {
            findings.insert(path, f["code"].as_str().unwrap().to_string());
        }
    }
    let skipped: BTreeMap<String, String> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
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
        "pipe.env",
        "src/escape.ts",
        "src/pipe.ts",
    ] {
        assert!(
            findings.contains_key(path),
            "{path} is neither PF000 nor PF002: {findings:#?}"
        );
    }
    // Symlink loops have names of no kind preflight must understand.
    for path in ["loop-a", "loop-b"] {
        assert!(
            skipped.contains_key(path),
            "{path} is not skipped: {skipped:#?}"
        );
    }
    let text = report.to_string();
    assert!(
        !text.contains("this-is-outside-the-root"),
        "read outside the root"
    );
}

/// Runs `check` in `format` on `root`; returns (exit code, stdout).
fn check_in(root: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--format", format])
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const NEON_PASSWORD: &str = "Zt9x2LwQ8rPkAbcd";

fn neon_url() -> String {
    format!("postgresql://neondb_owner:{NEON_PASSWORD}@ep-cool-1.us-east-2.aws.neon.tech/neondb")
}

/// The attacks of a hostile pull request that used to pass with exit 0 and
/// no annotation: padding past the size cap, one NUL byte, one long data
/// line that made a Worker source look minified. Each is now a PF002 error
/// in every format, the credentials in the raw bytes are still SEC003, and
/// the tracked env file is still SEC004.
#[test]
fn skipped_files_fail_closed_in_every_format() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    let padding = format!("#{}\n", "x".repeat(3 * 1024 * 1024));
    write(
        &root,
        "wrangler.toml",
        format!(
            "name = \"api\"\nmain = \"src/index.ts\"\n[vars]\nADMIN_KEY = \"hunter2hunter2\"\n{padding}"
        )
        .as_bytes(),
    );
    write(
        &root,
        ".env",
        format!("{padding}DATABASE_URL={}\n", neon_url()).as_bytes(),
    );
    write(
        &root,
        "api/.dev.vars",
        format!("\0\nDATABASE_URL={}\n", neon_url()).as_bytes(),
    );
    let data = format!(
        "export const T = [{}];\n",
        (0..1500)
            .map(|i| (i % 10).to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    write(
        &root,
        "src/index.ts",
        format!(
            "{data}{data}export default {{ async fetch(r: Request, env: Env) {{\n  \
             const id = new URL(r.url).searchParams.get('id');\n  \
             return Response.json(await env.DB.prepare(`SELECT * FROM t WHERE id = ${{id}}`).first());\n}} }};\n"
        )
        .as_bytes(),
    );
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-f", ".env", "api/.dev.vars"]);

    let (code, report) = run(&root);
    assert_eq!(code, 1);
    let mut got: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "SEC004" || f["severity"] == "error")
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "PF002 .env",
            "PF002 api/.dev.vars",
            "PF002 src/index.ts",
            "PF002 wrangler.toml",
            "SEC003 .env",
            "SEC003 api/.dev.vars",
            "SEC004 .env",
            "SEC004 api/.dev.vars",
        ]
    );
    for format in ["human", "sarif", "github", "markdown"] {
        let (code, out) = check_in(&root, format);
        assert_eq!(code, 1, "{format}");
        for path in [".env", "api/.dev.vars", "src/index.ts", "wrangler.toml"] {
            assert!(
                out.contains("PF002") && out.contains(&format!("{path} was not analysed")),
                "{format}: no PF002 for {path}:\n{out}"
            );
        }
        assert!(!out.contains(NEON_PASSWORD), "{format} prints the password");
    }
}

/// A pull request's `max_file_size = 0` makes every file unanalysed: that
/// is a finding for each file preflight must understand, never "No findings".
#[test]
fn a_zero_size_cap_does_not_silence_the_check() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    write(&root, "preflight.toml", b"[paths]\nmax_file_size = 0\n");
    write(
        &root,
        "wrangler.toml",
        b"name = \"api\"\n[vars]\nADMIN_KEY = \"hunter2hunter2\"\n",
    );
    write(&root, "README.md", b"# api\n");
    let (code, report) = run(&root);
    assert_eq!(code, 1);
    let codes: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("PF002", "wrangler.toml")], "{report:#}");
}

fn git_in(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn sec004(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SEC004" && f["severity"] == "error")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// `git update-index --split-index` keeps most entries in a shared index:
/// a committed `.dev.vars` must still be reported as tracked.
#[test]
fn a_split_index_is_read_with_its_shared_index() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    write(&root, ".dev.vars", b"ADMIN_KEY=x\n");
    write(&root, "a.txt", b"a\n");
    git_in(&root, &["init", "-q"]);
    git_in(&root, &["add", "-f", ".dev.vars", "a.txt"]);
    git_in(&root, &["update-index", "--split-index"]);
    write(&root, "b.txt", b"b\n");
    git_in(&root, &["add", "b.txt"]);
    write(&root, ".gitignore", b".dev.vars\n");
    assert!(
        std::fs::read_dir(root.join(".git")).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("sharedindex.")),
        "git made no shared index"
    );
    let (_, report) = run(&root);
    let found = sec004(&report);
    assert!(
        found.len() == 1 && found[0].contains("tracked by git"),
        "{report:#}"
    );
}

/// A committed `.gitignore` of megabytes would cost a gigabyte of compiled
/// globs and a minute (issue 15): over the budget no ignore rules apply, so
/// what they would hide is scanned, and PF002 says so.
#[test]
fn a_huge_gitignore_is_not_compiled_and_hides_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    write(
        &root,
        "wrangler.toml",
        b"name = \"api\"\nmain = \"src/index.ts\"\n[vars]\nADMIN_KEY = \"x\"\n",
    );
    write(
        &root,
        "src/index.ts",
        b"export default { fetch() { return new Response('') } }\n",
    );
    let mut ignore = b"wrangler.toml\n".to_vec();
    let mut n = 0;
    while ignore.len() <= 1024 * 1024 {
        ignore.extend_from_slice(format!("generated-{n}/**/*.tmp{n}\n").as_bytes());
        n += 1;
    }
    write(&root, ".gitignore", &ignore);
    git_in(&root, &["init", "-q"]);
    git_in(&root, &["add", "-f", "."]);
    let (_, report) = run(&root);
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "PF002" || f["code"] == "SEC001")
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [("PF002", ".gitignore"), ("SEC001", "wrangler.toml")],
        "{report:#}"
    );
}

/// Before the first `git add` there is no index file: the repository is
/// still a repository, and an env file it does not ignore is reported.
#[test]
fn a_fresh_repository_without_an_index_still_gets_sec004() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    write(&root, ".env", b"ADMIN_KEY=x\n");
    git_in(&root, &["init", "-q"]);
    assert!(!root.join(".git/index").exists());
    let (_, report) = run(&root);
    let found = sec004(&report);
    assert!(
        found.len() == 1 && found[0].contains("not covered"),
        "{report:#}"
    );
}

/// A crafted index naming `../outside.env` or an absolute path must not
/// make preflight read (and print) a file outside the root.
#[test]
fn index_entries_outside_the_root_are_never_read() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    write(&root, "a.txt", b"a\n");
    git_in(&root, &["init", "-q"]);
    let outside = temp.path().join(".env");
    std::fs::write(&outside, "ADMIN_KEY=outside-the-root-do-not-read\n").unwrap();
    let names = [
        "../.env".to_string(),
        outside.to_string_lossy().into_owned(),
    ];
    let mut index = b"DIRC".to_vec();
    index.extend_from_slice(&2u32.to_be_bytes());
    index.extend_from_slice(&(names.len() as u32).to_be_bytes());
    for name in &names {
        let mut e = vec![0u8; 60];
        e.extend_from_slice(&(name.len() as u16).to_be_bytes());
        e.extend_from_slice(name.as_bytes());
        e.push(0);
        while !e.len().is_multiple_of(8) {
            e.push(0);
        }
        index.extend(e);
    }
    std::fs::write(root.join(".git/index"), index).unwrap();
    for format in ["json", "human"] {
        let (_, out) = check_in(&root, format);
        assert!(!out.contains("outside-the-root"), "{format}: {out}");
        assert!(!out.contains("../.env"), "{format}: {out}");
    }
}

/// Raw ESC bytes in a file name must not reach a terminal, an annotation
/// or a markdown summary; a finding past column 65535 must not crash the
/// human format (miette panicked there).
#[test]
fn control_characters_and_far_columns_are_safe_in_every_format() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    let name = "evil\u{1b}[2J\u{1b}]0;pwned\u{7}";
    write(
        &root,
        &format!("{name}/.env.example"),
        b"DATABASE_URL=postgresql://app:Zt9x2LwQ8rPkAbcd@ep-cool-1.us-east-2.aws.neon.tech/neondb\n",
    );
    write(
        &root,
        "far/.env.example",
        format!(
            "A=1{}DATABASE_URL=postgresql://app:Zt9x2LwQ8rPkAbcd@ep-cool-1.us-east-2.aws.neon.tech/neondb\n",
            " ".repeat(70_000)
        )
        .as_bytes(),
    );
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let (code, out) = check_in(&root, format);
        assert_eq!(code, 1, "{format}: {out}");
        assert!(!out.contains('\u{1b}'), "{format} prints a raw ESC");
        assert!(!out.contains('\u{7}'), "{format} prints a raw BEL");
        assert!(out.contains("far/.env.example"), "{format}");
        assert!(
            out.contains("x1b"),
            "{format}: the escaped name is missing: {out}"
        );
    }
}
