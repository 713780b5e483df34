//! `preflight checklist`: every item of section 8 (plus the section 1/6/9
//! rules) with pass / fail / n/a / manual, in human, Markdown and JSON.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const INSECURE_TOML: &str = "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nADMIN_KEY = \"\"\nCLERK_SECRET_KEY = \"\"\n";
const CLEAN_TOML: &str =
    "name = \"api\"\nmain = \"src/index.ts\"\n\n[vars]\nENVIRONMENT = \"production\"\n";
const WORKFLOW: &str = r#"name: deploy
on: push
env:
  TOP: ${{ secrets.TOP_SECRET }}
jobs:
  deploy:
    if: ${{ secrets.SENTRY_AUTH_TOKEN != '' }}
    runs-on: ubuntu-latest
    env:
      CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}
    steps:
      - uses: actions/checkout@v4
        with:
          token: ${{ secrets.GITHUB_TOKEN }}
      - run: echo "${{ secrets.NEON_API_KEY }}" | npx wrangler secret put NEON_API_KEY
      - uses: some/action@v1
        if: secrets.DEPLOY_HOOK
        with:
          key: ${{ secrets['DIRECT_DATABASE_URL'] }}
"#;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn checklist(root: &Path, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["checklist", "--format", format])
        .arg(root)
        .output()
        .unwrap()
}

fn json(root: &Path) -> (Option<i32>, Value) {
    let out = checklist(root, "json");
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), doc)
}

fn item<'a>(doc: &'a Value, starts_with: &str) -> &'a Value {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"].as_str().unwrap().starts_with(starts_with))
        .unwrap_or_else(|| panic!("no item {starts_with:?}"))
}

#[test]
fn failing_items_name_their_codes_and_counts() {
    let dir = project(&[("wrangler.toml", INSECURE_TOML)]);
    let (code, doc) = json(dir.path());
    assert_eq!(code, Some(1));
    let vars = item(&doc, "No secrets in the wrangler `[vars]` block");
    assert_eq!(vars["status"], "fail");
    assert_eq!(vars["section"], "Worker Secrets");
    let sec001 = vars["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "SEC001")
        .unwrap();
    assert_eq!(sec001["state"], "checked");
    assert_eq!(sec001["findings"], 2);
    assert_eq!(doc["summary"]["fail"].as_u64(), Some(1));

    let human = String::from_utf8(checklist(dir.path(), "human").stdout).unwrap();
    assert!(
        human.contains("✗ fail   No secrets in the wrangler `[vars]` block"),
        "{human}"
    );
    assert!(human.contains("SEC001 ×2"), "{human}");
    let markdown = String::from_utf8(checklist(dir.path(), "markdown").stdout).unwrap();
    assert!(markdown.starts_with("## preflight checklist"), "{markdown}");
    assert!(
        markdown.contains("| ❌ fail | No secrets in the wrangler `[vars]` block | SEC001 ×2"),
        "{markdown}"
    );
}

#[test]
fn statuses_follow_the_rules_that_ran() {
    let dir = project(&[
        ("wrangler.toml", CLEAN_TOML),
        (".github/workflows/deploy.yml", WORKFLOW),
    ]);
    let (code, doc) = json(dir.path());
    let items = doc["items"].as_array().unwrap();
    // Section 8 has 21 items; the checklist module adds the Zero Trust and Turnstile
    // test-key items.
    assert_eq!(items.len(), 23);
    let mut failed = false;
    for i in items {
        let rules = i["rules"].as_array().unwrap();
        let unchecked = rules.iter().any(|r| r["state"] != "checked");
        let found = rules
            .iter()
            .any(|r| r["findings"].as_u64().is_some_and(|n| n > 0));
        match i["status"].as_str().unwrap() {
            "pass" => assert!(
                !rules.is_empty() && !unchecked && !found,
                "pass needs every rule checked and clean: {i}"
            ),
            "fail" => {
                assert!(found, "fail needs findings: {i}");
                failed = true;
            }
            "manual" => {
                assert!(!found, "{i}");
                assert!(
                    rules.is_empty() || unchecked,
                    "manual only when a rule did not run: {i}"
                );
                assert!(i["verify"].as_str().is_some_and(|v| !v.is_empty()), "{i}");
            }
            "n/a" => assert!(!found, "{i}"),
            "unverified" => {
                assert!(
                    !found && !rules.is_empty() && !unchecked,
                    "unverified: every rule ran clean with nothing to examine: {i}"
                );
                assert!(i["verify"].as_str().is_some_and(|v| !v.is_empty()), "{i}");
            }
            other => panic!("unknown status {other}: {i}"),
        }
        // A rule that is not registered yet can never be reported as run.
        for r in rules {
            let registered = preflight::rules::find(r["code"].as_str().unwrap()).is_some();
            assert_eq!(r["state"] != "not-implemented", registered, "{r}");
        }
    }
    assert_eq!(code, Some(if failed { 1 } else { 0 }));
    assert_eq!(
        item(&doc, "Auth chain verified")["status"],
        "n/a",
        "no Worker source in this project"
    );
    assert_eq!(item(&doc, "Sentry DSN configured")["status"], "manual");
    assert_eq!(item(&doc, "Hyperdrive connection string")["status"], "n/a");
    assert_eq!(
        item(
            &doc,
            "`CORS_ALLOWED_ORIGINS` uses an explicit origin allowlist"
        )["status"],
        "pass"
    );

    let hyperdrive = project(&[(
        "wrangler.toml",
        "name = \"api\"\n\n[[hyperdrive]]\nbinding = \"DB\"\nid = \"800f7e2edc86488ab24e8621982e9ad7\"\n",
    )]);
    let (_, doc) = json(hyperdrive.path());
    // Only the id is in the repository: DB001 had no host to examine.
    let only_id = item(&doc, "Hyperdrive connection string");
    assert_eq!(only_id["status"], "unverified");
    assert!(
        only_id["verify"]
            .as_str()
            .unwrap()
            .contains("preflight checklist --verify")
    );
    // The secrets being set and the health probe running are live facts.
    assert_eq!(
        item(&doc, "All required Worker secrets set")["status"],
        "unverified"
    );
    assert_eq!(doc["summary"]["unverified"], 3, "{doc}");

    let with_host = project(&[(
        "wrangler.toml",
        "name = \"api\"\n\n[[hyperdrive]]\nbinding = \"DB\"\nid = \"800f7e2edc86488ab24e8621982e9ad7\"\nlocalConnectionString = \"postgres://app:pw@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb\"\n",
    )]);
    let (_, doc) = json(with_host.path());
    assert_eq!(item(&doc, "Hyperdrive connection string")["status"], "pass");
}

#[test]
fn the_github_secrets_item_lists_every_secret_the_workflows_use() {
    let dir = project(&[
        ("wrangler.toml", CLEAN_TOML),
        (".github/workflows/deploy.yml", WORKFLOW),
    ]);
    let (_, doc) = json(dir.path());
    let gh = item(&doc, "All GitHub Actions secrets configured");
    assert_eq!(gh["status"], "manual");
    let names: Vec<&str> = gh["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "CLOUDFLARE_API_TOKEN",
            "DEPLOY_HOOK",
            "DIRECT_DATABASE_URL",
            "NEON_API_KEY",
            "SENTRY_AUTH_TOKEN",
            "TOP_SECRET"
        ]
    );
    assert_eq!(gh["secrets"][0]["files"][0], ".github/workflows/deploy.yml");
    let markdown = String::from_utf8(checklist(dir.path(), "markdown").stdout).unwrap();
    assert!(markdown.contains("`NEON_API_KEY`"), "{markdown}");

    let bare = project(&[("wrangler.toml", CLEAN_TOML)]);
    let (_, doc) = json(bare.path());
    assert_eq!(
        item(&doc, "All GitHub Actions secrets configured")["status"],
        "n/a"
    );
}

#[test]
fn disabled_rules_make_items_manual_not_pass() {
    let dir = project(&[
        ("wrangler.toml", INSECURE_TOML),
        ("preflight.toml", "ignore = [\"SEC001\"]\n"),
    ]);
    let (_, doc) = json(dir.path());
    let vars = item(&doc, "No secrets in the wrangler `[vars]` block");
    assert_eq!(vars["status"], "manual", "{vars}");
    assert!(
        vars["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "SEC001" && r["state"] == "disabled")
    );
}
