//! `preflight verify` against a fake Cloudflare and GitHub API on
//! 127.0.0.1 (tests/fake_api) that answers the documented JSON shapes, and
//! `preflight check`, which must make no request at all.

mod fake_api;
mod npm_tools;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fake_api::{FakeApi, Reply, Request, cf_error, cf_ok, json};
use serde_json::{Value, json as j};

const CF_TOKEN: &str = "cf-token-DO-NOT-PRINT-4711";
const GH_TOKEN: &str = "gh-token-DO-NOT-PRINT-0815";

/// Every variable verify or a proxy could read from the test's own
/// environment.
const CLEARED: &[&str] = &[
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_ACCOUNT_ID",
    "CLOUDFLARE_API_BASE_URL",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITHUB_REPOSITORY",
    "GITHUB_API_URL",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_COLOR",
];

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "wrangler.toml",
        r#"name = "api"
main = "src/index.ts"
account_id = "acc123"

[secrets]
required = ["BETTER_AUTH_SECRET", "ADMIN_KEY"]

[[hyperdrive]]
binding = "HYPERDRIVE"
id = "hd1"

[env.staging]
name = "api-staging"
"#,
    );
    write(
        "src/index.ts",
        r#"export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const dsn = env.SENTRY_DSN;
    if (request.headers.get("x-admin-key") !== env.ADMIN_KEY) return new Response("no", { status: 401 });
    return new Response(String(env.HYPERDRIVE) + dsn);
  },
};
"#,
    );
    // Declares SENTRY_DSN for SEC009; verify still asks Cloudflare for it.
    write(".dev.vars.example", "SENTRY_DSN=\n");
    write(
        ".github/workflows/deploy.yml",
        r#"name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: npx wrangler deploy
        env:
          CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}
          SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"#,
    );
    write(
        ".github/workflows/health.yml",
        r#"name: health
on:
  schedule:
    - cron: "*/10 * * * *"
jobs:
  probe:
    runs-on: ubuntu-latest
    steps:
      - run: curl --fail https://api.example.com/health
"#,
    );
    dir
}

/// The live state the fake serves.
#[derive(Clone)]
struct Live {
    worker_secrets: Vec<&'static str>,
    bindings: Vec<(&'static str, &'static str)>,
    hyperdrive_host: &'static str,
    repo_secrets: Vec<(&'static str, &'static str)>,
    org_secrets: Vec<&'static str>,
    workflow_state: &'static str,
}

fn healthy() -> Live {
    Live {
        worker_secrets: vec!["BETTER_AUTH_SECRET", "ADMIN_KEY", "SENTRY_DSN"],
        bindings: vec![
            ("ENVIRONMENT", "plain_text"),
            ("ADMIN_KEY", "secret_text"),
            ("HYPERDRIVE", "hyperdrive"),
        ],
        hyperdrive_host: "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech",
        repo_secrets: vec![
            ("CLOUDFLARE_API_TOKEN", "2026-11-30T10:00:00Z"),
            ("ADMIN_KEY", today()),
        ],
        org_secrets: vec!["SENTRY_AUTH_TOKEN"],
        workflow_state: "active",
    }
}

/// Today's date, so that a fresh secret stays fresh whenever the test runs.
fn today() -> &'static str {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    // Civil from days (the inverse of verify::rotation::epoch_day).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Box::leak(format!("{y:04}-{m:02}-{d:02}T00:00:00Z").into_boxed_str())
}

/// 100 filler secrets then the live ones: the repository list takes two
/// pages, so pagination is exercised on every run.
fn repo_page(live: &Live, page: usize) -> Value {
    let mut all: Vec<Value> = (0..100)
        .map(|i| j!({"name": format!("FILLER_{i:03}"), "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}))
        .collect();
    all.extend(live.repo_secrets.iter().map(|(name, updated)| {
        j!({"name": name, "created_at": "2025-01-01T00:00:00Z", "updated_at": updated})
    }));
    let total = all.len();
    let items: Vec<Value> = all.into_iter().skip((page - 1) * 100).take(100).collect();
    j!({"total_count": total, "secrets": items})
}

fn route(live: &Live, request: &Request) -> Reply {
    let cf = "/client/v4/accounts/acc123";
    let gh = "/gh/repos/acme/api";
    let path = request.path();
    if path == format!("{cf}/workers/scripts/api/secrets") {
        let items: Vec<Value> = live
            .worker_secrets
            .iter()
            .map(|n| j!({"name": n, "type": "secret_text"}))
            .collect();
        return cf_ok(Value::Array(items));
    }
    if path == format!("{cf}/workers/scripts/api/settings") {
        let items: Vec<Value> = live
            .bindings
            .iter()
            .map(|(name, kind)| {
                let mut b = j!({"name": name, "type": kind});
                if *kind == "plain_text" {
                    b["text"] = j!("value-never-printed");
                }
                b
            })
            .collect();
        return cf_ok(j!({"bindings": items, "compatibility_date": "2025-01-01"}));
    }
    if path == format!("{cf}/hyperdrive/configs/hd1") {
        return cf_ok(j!({
            "id": "hd1", "name": "db",
            "origin": {"host": live.hyperdrive_host, "port": 5432, "database": "neondb", "scheme": "postgres", "user": "app"},
            "caching": {"disabled": false}
        }));
    }
    if path == format!("{gh}/actions/secrets") {
        let page: usize = request.query("page").unwrap_or("1").parse().unwrap();
        return json(200, repo_page(live, page));
    }
    if path == format!("{gh}/actions/organization-secrets") {
        let items: Vec<Value> = live
            .org_secrets
            .iter()
            .map(|n| j!({"name": n, "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z", "visibility": "all"}))
            .collect();
        return json(200, j!({"total_count": items.len(), "secrets": items}));
    }
    if path == format!("{gh}/environments/production/secrets") {
        return json(200, j!({"total_count": 0, "secrets": []}));
    }
    if path == format!("{gh}/actions/workflows/health.yml") {
        return json(
            200,
            j!({"id": 1, "name": "health", "path": ".github/workflows/health.yml", "state": live.workflow_state}),
        );
    }
    json(404, j!({"message": "Not Found"}))
}

struct Run {
    code: i32,
    findings: Vec<Value>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .findings
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        codes
    }

    fn messages(&self, code: &str) -> Vec<String> {
        self.findings
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    }

    fn assert_no_token(&self) {
        for token in [CF_TOKEN, GH_TOKEN] {
            assert!(
                !self.stdout.contains(token) && !self.stderr.contains(token),
                "a token reached the output"
            );
        }
    }
}

fn with_api(command: &mut Command, url: &str) {
    command
        .env("CLOUDFLARE_API_TOKEN", CF_TOKEN)
        .env("CLOUDFLARE_API_BASE_URL", format!("{url}/client/v4"))
        .env("GITHUB_TOKEN", GH_TOKEN)
        .env("GITHUB_REPOSITORY", "acme/api")
        .env("GITHUB_API_URL", format!("{url}/gh"));
}

fn verify(dir: &Path, setup: impl FnOnce(&mut Command), args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_preflight"));
    command
        .arg("verify")
        .arg(dir)
        .args(["--format", "json"])
        .args(args);
    for name in CLEARED {
        command.env_remove(name);
    }
    setup(&mut command);
    let started = Instant::now();
    let out = command.output().unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let findings = serde_json::from_str::<Value>(&stdout)
        .ok()
        .and_then(|v| v["findings"].as_array().cloned())
        .unwrap_or_default();
    Run {
        code: out.status.code().unwrap_or(-1),
        findings,
        stdout,
        stderr,
        elapsed,
    }
}

fn serve(live: Live) -> FakeApi {
    FakeApi::start(move |request| route(&live, request))
}

#[test]
fn a_healthy_deployment_passes_and_every_list_is_read_whole() {
    let dir = project();
    let api = serve(healthy());
    let run = verify(dir.path(), |c| with_api(c, &api.url), &[]);
    run.assert_no_token();
    // Only the undatable rotation of the Worker's secrets remains, as info.
    let serious: Vec<&Value> = run
        .findings
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(serious.is_empty(), "{serious:#?}\n{}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.codes(), ["LIVE007", "LIVE007"]);
    assert!(
        run.messages("LIVE007")
            .iter()
            .all(|m| m.contains("Cloudflare does not say when a Worker secret last changed"))
    );
    let requests = api.requests();
    assert!(requests.iter().all(|r| r.method == "GET"));
    let auth_of = |prefix: &str| {
        requests
            .iter()
            .filter(|r| r.path().starts_with(prefix))
            .all(|r| {
                r.authorization.as_deref()
                    == Some(&*format!(
                        "Bearer {}",
                        if prefix == "/gh" { GH_TOKEN } else { CF_TOKEN }
                    ))
            })
    };
    assert!(auth_of("/gh") && auth_of("/client"));
    let pages: Vec<Option<&str>> = requests
        .iter()
        .filter(|r| r.path() == "/gh/repos/acme/api/actions/secrets")
        .map(|r| r.query("page"))
        .collect();
    assert_eq!(pages, [Some("1"), Some("2")], "the second page is read");
    // The staging env is not production scope: its script is not read.
    assert!(!requests.iter().any(|r| r.target.contains("api-staging")));
}

#[test]
fn live_problems_are_reported_with_their_codes() {
    let dir = project();
    let api = serve(Live {
        worker_secrets: vec!["BETTER_AUTH_SECRET"],
        bindings: vec![
            ("ENVIRONMENT", "plain_text"),
            ("STRIPE_SECRET_KEY", "plain_text"),
        ],
        hyperdrive_host: "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
        repo_secrets: vec![("ADMIN_KEY", "2020-01-10T14:59:22Z")],
        org_secrets: vec![],
        workflow_state: "disabled_inactivity",
    });
    let run = verify(dir.path(), |c| with_api(c, &api.url), &[]);
    run.assert_no_token();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let codes = run.codes();
    for code in [
        "LIVE001", "LIVE002", "LIVE003", "LIVE004", "LIVE005", "LIVE006",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing: {:#?}",
            run.findings
        );
    }
    let missing = run.messages("LIVE001");
    assert_eq!(missing.len(), 2, "{missing:?}");
    let admin = run
        .findings
        .iter()
        .find(|f| f["code"] == "LIVE001" && f["message"].as_str().unwrap().contains("`ADMIN_KEY`"))
        .unwrap();
    assert_eq!(admin["severity"], "error");
    assert_eq!(
        (admin["path"].as_str(), admin["line"].as_u64()),
        (Some("wrangler.toml"), Some(6))
    );
    let dsn = run
        .findings
        .iter()
        .find(|f| f["code"] == "LIVE001" && f["message"].as_str().unwrap().contains("`SENTRY_DSN`"))
        .unwrap();
    assert_eq!(dsn["severity"], "warning", "a name only the code reads");
    assert_eq!(
        (dsn["path"].as_str(), dsn["line"].as_u64()),
        (Some("src/index.ts"), Some(3))
    );
    // The plain-text var with a secret name, not ENVIRONMENT; never its value.
    let plain = run.messages("LIVE002");
    assert_eq!(plain.len(), 1);
    assert!(plain[0].contains("STRIPE_SECRET_KEY"));
    assert!(!run.stdout.contains("value-never-printed"));
    assert!(run.messages("LIVE003")[0].contains("ep-cool-darkness-123456.us-east-2.aws.neon.tech"));
    let actions = run.messages("LIVE004");
    assert_eq!(
        actions.len(),
        2,
        "GITHUB_TOKEN is GitHub's own: {actions:?}"
    );
    assert!(actions.iter().any(|m| m.contains("CLOUDFLARE_API_TOKEN")));
    assert!(
        actions
            .iter()
            .any(|m| m.contains("environment `production`"))
    );
    assert!(run.messages("LIVE005")[0].contains("disabled_inactivity"));
    assert!(run.messages("LIVE006")[0].contains("`ADMIN_KEY`"));
}

/// One failure answer for every request, and what LIVE007 must say.
fn failing(reply: impl Fn() -> Reply + Send + Sync + 'static, expect: &str) -> Run {
    let dir = project();
    let api = FakeApi::start(move |_| reply());
    let run = verify(dir.path(), |c| with_api(c, &api.url), &["--timeout", "2"]);
    run.assert_no_token();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.findings.is_empty());
    assert!(
        run.findings.iter().all(|f| f["code"] == "LIVE007"),
        "{:#?}",
        run.findings
    );
    for f in &run.findings {
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains(expect) || message.contains("Cloudflare does not say"),
            "`{expect}` not in: {message}"
        );
    }
    run
}

#[test]
fn unauthorized_is_unverified_and_the_echoed_token_is_redacted() {
    // The server echoes the token it was sent, as a careless proxy might.
    let dir = project();
    let api = FakeApi::start(|r| {
        let sent = r.authorization.clone().unwrap_or_default();
        json(
            401,
            j!({"success": false, "errors": [{"code": 10000, "message": format!("bad token {sent}")}], "message": format!("Bad credentials {sent}")}),
        )
    });
    let run = verify(dir.path(), |c| with_api(c, &api.url), &[]);
    run.assert_no_token();
    assert!(
        run.stdout.contains("bad token Bearer <token>"),
        "{}",
        run.stdout
    );
    assert!(run.findings.iter().all(|f| f["code"] == "LIVE007"));
    assert!(
        run.messages("LIVE007")
            .iter()
            .all(|m| m.contains("401 unauthorized") && m.contains("invalid or expired")),
        "{:#?}",
        run.findings
    );
}

#[test]
fn forbidden_names_the_missing_permission() {
    failing(
        || {
            json(
                403,
                j!({"message": "Resource not accessible by integration"}),
            )
        },
        "403 forbidden",
    );
}

#[test]
fn a_script_that_is_not_deployed_is_unverified() {
    let dir = project();
    let api = FakeApi::start(|r| {
        if r.path().contains("/workers/scripts/") {
            cf_error(404, 10007, "This Worker does not exist on your account.")
        } else {
            route(&healthy(), r)
        }
    });
    let run = verify(dir.path(), |c| with_api(c, &api.url), &[]);
    let unverified = run.messages("LIVE007");
    assert!(
        unverified
            .iter()
            .any(|m| m.contains("code 10007") && m.contains("not deployed")),
        "{unverified:?}"
    );
    assert!(
        run.messages("LIVE001").is_empty(),
        "no guess when the list is unknown"
    );
}

#[test]
fn a_long_rate_limit_is_reported_with_its_retry_after() {
    failing(
        || {
            Reply::WithHeaders(
                429,
                vec![("Retry-After".into(), "120".into())],
                j!({"success": false, "errors": [{"code": 971, "message": "Please wait and consider throttling your request speed"}], "message": "rate limited"}).to_string(),
            )
        },
        "retry after 120 s",
    );
}

#[test]
fn a_short_rate_limit_is_waited_for_once() {
    let dir = project();
    let secrets_calls = Arc::new(AtomicUsize::new(0));
    let calls = secrets_calls.clone();
    let api = FakeApi::start(move |r| {
        if r.path().ends_with("/workers/scripts/api/secrets")
            && calls.fetch_add(1, Ordering::SeqCst) == 0
        {
            return Reply::WithHeaders(
                429,
                vec![("Retry-After".into(), "1".into())],
                j!({"success": false, "errors": [{"code": 971, "message": "slow down"}]})
                    .to_string(),
            );
        }
        route(&healthy(), r)
    });
    let run = verify(dir.path(), |c| with_api(c, &api.url), &[]);
    assert_eq!(run.code, 0, "{:#?}", run.findings);
    assert_eq!(secrets_calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_hanging_api_times_out() {
    let run = failing(|| Reply::Hang, "timed out");
    // Six requests of at most 2 s each, not the server's 10 s hang.
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
}

#[test]
fn without_tokens_each_item_says_what_would_settle_it() {
    let dir = project();
    let run = verify(dir.path(), |_| {}, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.codes(), ["LIVE007", "LIVE007", "LIVE007", "LIVE007"]);
    let all = run.messages("LIVE007").join("\n");
    for needle in [
        "wrangler secret list --format json",
        "wrangler hyperdrive get hd1",
        "GITHUB_TOKEN (or GH_TOKEN) is not set",
        "health-probe workflow",
    ] {
        assert!(all.contains(needle), "`{needle}` not in:\n{all}");
    }
}

#[test]
fn files_from_wrangler_answer_without_network() {
    let dir = project();
    let files = tempfile::tempdir().unwrap();
    let secrets = files.path().join("secrets.json");
    std::fs::write(
        &secrets,
        r#"[{"name":"BETTER_AUTH_SECRET","type":"secret_text"},{"name":"SENTRY_DSN","type":"secret_text"}]"#,
    )
    .unwrap();
    let hyperdrive = files.path().join("hyperdrive.json");
    std::fs::write(
        &hyperdrive,
        r#"{"id":"hd1","name":"db","origin":{"host":"ep-cool-darkness-123456.us-east-2.aws.neon.tech","port":5432,"database":"neondb","scheme":"postgres","user":"app"},"caching":{"disabled":false}}"#,
    )
    .unwrap();
    let run = verify(
        dir.path(),
        |_| {},
        &[
            "--cloudflare-secrets",
            secrets.to_str().unwrap(),
            "--hyperdrive",
            hyperdrive.to_str().unwrap(),
        ],
    );
    let missing = run.messages("LIVE001");
    assert_eq!(missing.len(), 1, "{:#?}", run.findings);
    assert!(missing[0].contains("`ADMIN_KEY`"));
    assert_eq!(run.messages("LIVE003").len(), 1);
    // Binding types are not in wrangler's output: said, not passed.
    assert!(
        run.messages("LIVE007")
            .iter()
            .any(|m| m.contains("plain-text secrets of script `api` are not verified"))
    );

    // A file that is not wrangler's output is an error, not a pass.
    std::fs::write(&secrets, "ADMIN_KEY\n").unwrap();
    let run = verify(
        dir.path(),
        |_| {},
        &["--cloudflare-secrets", secrets.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("wrangler secret list --format json"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_env_is_an_error() {
    let dir = project();
    let run = verify(dir.path(), |_| {}, &["--env", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("[env.nope]"), "{}", run.stderr);
    let api = serve(healthy());
    let run = verify(dir.path(), |c| with_api(c, &api.url), &["--env", "staging"]);
    assert!(
        api.requests()
            .iter()
            .any(|r| r.path().ends_with("/workers/scripts/api-staging/secrets")),
        "the env's own `name` is its script"
    );
    assert!(run.code <= 1);
}

/// `check` (every format, with --check-env) and `checklist` must not open
/// a single connection, even with tokens, base URLs and proxies pointing at
/// a listening server.
#[test]
fn check_makes_no_network_request() {
    let dir = project();
    let api = serve(healthy());
    let runs: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "json"],
        &["check", "--format", "sarif"],
        &["check", "--format", "github"],
        &["check", "--format", "markdown"],
        &["check", "--check-env"],
        &["checklist"],
    ];
    for args in runs {
        let mut command = Command::new(env!("CARGO_BIN_EXE_preflight"));
        command.args(*args).current_dir(dir.path());
        with_api(&mut command, &api.url);
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
        ] {
            command.env(proxy, &api.url);
        }
        let out = command.output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {out:?}"
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(api.connections(), 0, "{:?}", api.requests());
}

#[test]
fn every_live_code_is_exercised_here() {
    let source = include_str!("verify.rs");
    for meta in preflight::rules::metas().filter(|m| m.family() == "LIVE") {
        assert!(
            source.contains(&format!("\"{}\"", meta.code)),
            "{} untested",
            meta.code
        );
    }
}

/// The real wrangler (pinned in scripts/wrangler-client/) against the same
/// fake: it must ask the same paths as `verify` and accept the fake's
/// answers, and what it prints must be what `--cloudflare-secrets` and
/// `--hyperdrive` read.
#[test]
fn the_real_wrangler_reads_the_fake_and_verify_reads_wrangler() {
    const WRANGLER: &str = "node_modules/wrangler/bin/wrangler.js";
    let Some(tools) = npm_tools::install("wrangler-client", &[WRANGLER]) else {
        return;
    };
    let dir = project();
    let home = tempfile::tempdir().unwrap();
    let live = Live {
        worker_secrets: vec!["BETTER_AUTH_SECRET", "SENTRY_DSN"],
        hyperdrive_host: "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
        ..healthy()
    };
    let api = serve(live);
    let wrangler = |args: &[&str]| {
        let mut command = Command::new("node");
        command
            .arg(tools.join(WRANGLER))
            .args(args)
            .current_dir(dir.path());
        for name in CLEARED {
            command.env_remove(name);
        }
        let out = command
            .env("CLOUDFLARE_API_TOKEN", CF_TOKEN)
            .env("CLOUDFLARE_ACCOUNT_ID", "acc123")
            .env("CLOUDFLARE_API_BASE_URL", format!("{}/client/v4", api.url))
            .env("WRANGLER_SEND_METRICS", "false")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .output()
            .expect("node runs wrangler");
        assert!(
            out.status.success(),
            "wrangler {args:?}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let secrets = wrangler(&["secret", "list", "--format", "json"]);
    let hyperdrive = wrangler(&["hyperdrive", "get", "hd1"]);
    let asked: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    for path in [
        "/client/v4/accounts/acc123/workers/scripts/api/secrets",
        "/client/v4/accounts/acc123/hyperdrive/configs/hd1",
    ] {
        assert!(asked.iter().any(|p| p == path), "wrangler asked {asked:?}");
    }
    assert!(
        api.requests()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(&*format!("Bearer {CF_TOKEN}")))
    );

    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("secrets.json"), &secrets).unwrap();
    std::fs::write(files.path().join("hyperdrive.json"), &hyperdrive).unwrap();
    let run = verify(
        dir.path(),
        |_| {},
        &[
            "--cloudflare-secrets",
            files.path().join("secrets.json").to_str().unwrap(),
            "--hyperdrive",
            files.path().join("hyperdrive.json").to_str().unwrap(),
        ],
    );
    let missing = run.messages("LIVE001");
    assert_eq!(missing.len(), 1, "{}\n{}", run.stdout, run.stderr);
    assert!(missing[0].contains("`ADMIN_KEY`"));
    assert_eq!(run.messages("LIVE003").len(), 1, "{}", run.stdout);
}

fn checklist_json(dir: &Path, url: Option<&str>, args: &[&str]) -> (Option<i32>, Value) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_preflight"));
    command
        .arg("checklist")
        .arg(dir)
        .args(["--format", "json"])
        .args(args);
    for name in CLEARED {
        command.env_remove(name);
    }
    if let Some(url) = url {
        with_api(&mut command, url);
    }
    let out = command.output().unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), doc)
}

fn status<'a>(doc: &'a Value, prefix: &str) -> &'a str {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no item {prefix}"))["status"]
        .as_str()
        .unwrap()
}

const LIVE_ITEMS: &[&str] = &[
    "All required Worker secrets set",
    "Hyperdrive connection string",
    "All GitHub Actions secrets configured",
    "Health monitoring workflow active",
];

#[test]
fn checklist_verify_passes_only_what_live_state_proved() {
    let dir = project();
    let (_, offline) = checklist_json(dir.path(), None, &[]);
    let before: Vec<&str> = LIVE_ITEMS.iter().map(|i| status(&offline, i)).collect();
    assert_eq!(before, ["unverified", "unverified", "manual", "unverified"]);

    let api = serve(healthy());
    let (_, doc) = checklist_json(dir.path(), Some(&api.url), &["--verify"]);
    let after: Vec<&str> = LIVE_ITEMS.iter().map(|i| status(&doc, i)).collect();
    assert_eq!(after, ["pass", "pass", "pass", "pass"], "{doc}");

    let broken = serve(Live {
        worker_secrets: vec!["BETTER_AUTH_SECRET"],
        hyperdrive_host: "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
        repo_secrets: vec![],
        workflow_state: "disabled_manually",
        ..healthy()
    });
    let (code, doc) = checklist_json(dir.path(), Some(&broken.url), &["--verify"]);
    let failed: Vec<&str> = LIVE_ITEMS.iter().map(|i| status(&doc, i)).collect();
    assert_eq!(failed, ["fail", "fail", "fail", "fail"], "{doc}");
    assert_eq!(code, Some(1));

    // Without tokens, --verify leaves them unverified rather than passing.
    let (_, doc) = checklist_json(dir.path(), None, &["--verify"]);
    let unknown: Vec<&str> = LIVE_ITEMS.iter().map(|i| status(&doc, i)).collect();
    assert_eq!(unknown, ["unverified"; 4], "{doc}");

    let mut command = Command::new(env!("CARGO_BIN_EXE_preflight"));
    let out = command
        .args(["checklist", "--env", "staging"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "live flags need --verify");
}
