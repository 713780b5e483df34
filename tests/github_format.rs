//! `--format github`: one workflow command per finding, escaped as the
//! Actions runner parses them. The test decodes each command the way the
//! runner does and checks that every field comes back intact.

use std::collections::BTreeMap;
use std::process::Command;

use preflight::finding::Severity;
use preflight::report::Diagnostic;
use preflight::report::github;
use preflight::span::Span;

fn diagnostic(path: &str, message: &str, help: &str) -> Diagnostic {
    Diagnostic {
        code: "SEC001",
        name: "secret-in-vars",
        severity: Severity::Error,
        path: path.to_string(),
        line: 3,
        column: 5,
        end_line: 4,
        end_column: 2,
        message: message.to_string().into(),
        help: help.to_string().into(),
        fingerprint: "0123456789abcdef".to_string(),
        span: Some(Span::new(10, 20)),
        reason: None,
        related: Vec::new(),
    }
}

/// The runner's reading of `::cmd k=v,k=v::data`: split properties on `,`
/// and `=`, then unescape.
fn decode(line: &str) -> (String, BTreeMap<String, String>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let end = rest.find("::").expect("has a second ::");
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let unescape_data = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let unescape_prop = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let mut map = BTreeMap::new();
    for pair in props.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').expect("key=value");
        map.insert(k.to_string(), unescape_prop(v));
    }
    (command.to_string(), map, unescape_data(data))
}

#[test]
fn special_characters_survive_the_round_trip() {
    let message = "100% bad: `a,b` ::set-output name=x::y\r\nsecond line %0A literal";
    let path = "dir,with:colon/100%/wrangler.toml";
    let d = diagnostic(path, message, "fix: it, now");
    let line = github::command(&d);
    assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
    let (command, props, data) = decode(&line);
    assert_eq!(command, "error");
    assert_eq!(props["file"], path);
    assert_eq!(props["line"], "3");
    assert_eq!(props["col"], "5");
    assert_eq!(props["endLine"], "4");
    assert_eq!(props["endColumn"], "2");
    assert_eq!(props["title"], "SEC001 secret-in-vars");
    assert_eq!(data, format!("{message}\nhelp: fix: it, now"));
}

#[test]
fn exact_escaping() {
    let d = diagnostic("a:b,c%.toml", "x%y\nz: w, v", "");
    assert_eq!(
        github::command(&d),
        "::error file=a%3Ab%2Cc%25.toml,line=3,col=5,endLine=4,endColumn=2,title=SEC001 secret-in-vars::x%25y%0Az: w, v"
    );
}

#[test]
fn levels_and_pseudo_paths() {
    let mut d = diagnostic("<env>:ADMIN_KEY", "`ADMIN_KEY` is not set", "");
    d.span = None;
    d.severity = Severity::Warning;
    let line = github::command(&d);
    let (command, props, _) = decode(&line);
    assert_eq!(command, "warning");
    assert!(!props.contains_key("file"), "{line}");
    assert_eq!(props["title"], "SEC001 secret-in-vars (<env>:ADMIN_KEY)");
    d.severity = Severity::Info;
    assert!(github::command(&d).starts_with("::notice "));
}

#[test]
fn the_cli_prints_one_command_per_unsuppressed_finding() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("api, v2");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(
        sub.join("wrangler.toml"),
        "name = \"api\"\n\n[vars]\nADMIN_KEY = \"\"\n# preflight: ignore[SEC001] accepted\nCLERK_SECRET_KEY = \"\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let (command, props, data) = decode(lines[0]);
    assert_eq!(command, "error");
    assert_eq!(props["file"], "api, v2/wrangler.toml");
    assert_eq!(props["line"], "4");
    assert_eq!(props["title"], "SEC001 secret-in-vars");
    assert!(data.contains("ADMIN_KEY"));
}
