//! Planted secrets never come out whole: every output format of `check`
//! and of `checklist` is searched for each planted value and for every
//! 12-character piece of it (docs/architecture.md, "Redaction": at most the first 4
//! characters and the length are shown).

use std::path::Path;
use std::process::Command;

const GITHUB_TOKEN: &str = "ghp_KtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlS";
const AWS_KEY: &str = "AKIAPFT75V2SEH60KVJ5";
const NEON_API_KEY: &str = "napi_Ac9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0C";
const ANTHROPIC_KEY: &str = "sk-ant-api03-sTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3J";
const LONG_VARS_SECRET: &str = "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL";
const WEAK_SCRIPT_SECRET: &str = "iS2G8NPRVdD";
const DB_PASSWORD: &str = "8dKLzdocJ2isAjIh";
const WORKFLOW_SECRET: &str = "rTAwR4y9ojfljoQoaF1LlqsajAIxNKu8";
const ENV_SECRET: &str = "53X83RZJq7wK";
/// Not random: only the key's name (SEC001 points at the key) or the file
/// being an env file says these are secrets.
const WORDY_VARS_SECRET: &str = "tangerine-walrus-42";
const WORDY_ENV_SECRET: &str = "marmalade-otter-77";

/// Values of our own, random: the rule docs that SARIF embeds quote other
/// example secrets, which this test must not mistake for leaks.
const PLANTED: &[&str] = &[
    GITHUB_TOKEN,
    AWS_KEY,
    NEON_API_KEY,
    ANTHROPIC_KEY,
    LONG_VARS_SECRET,
    WEAK_SCRIPT_SECRET,
    DB_PASSWORD,
    WORKFLOW_SECRET,
    ENV_SECRET,
    WORDY_VARS_SECRET,
    WORDY_ENV_SECRET,
];

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn plant(root: &Path) {
    write(
        root,
        "wrangler.toml",
        &format!(
            "name = \"api\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-06-01\"\n\n\
             [vars]\nENVIRONMENT = \"production\"\nAUTH_SIGNING_KEY = \"{LONG_VARS_SECRET}\"\n\
             PRIMARY_DB = \"postgresql://app:{DB_PASSWORD}@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb\"\n\
             GITHUB_TOKEN = \"{GITHUB_TOKEN}\"\nADMIN_KEY = \"{WORDY_VARS_SECRET}\"\n\n\
             [[ratelimits]]\nname = \"RATE_LIMITER\"\nnamespace_id = \"1001\"\nsimple = {{ limit = 100, period = 60 }}\n"
        ),
    );
    write(
        root,
        "src/index.ts",
        &format!(
            "const AWS = \"{AWS_KEY}\";\nconst NEON = '{NEON_API_KEY}';\n\
             export default {{\n  async fetch(request: Request, env: {{ RATE_LIMITER: unknown }}) {{\n\
             return new Response(AWS + NEON);\n  }},\n}};\n"
        ),
    );
    write(
        root,
        "scripts/set-secrets.sh",
        &format!(
            "#!/bin/sh\nset -e\necho \"{WEAK_SCRIPT_SECRET}\" | npx wrangler secret put ADMIN_KEY\n\
             printf '%s' '{ANTHROPIC_KEY}' | npx wrangler secret put ANTHROPIC_API_KEY\n"
        ),
    );
    write(
        root,
        ".dev.vars.example",
        &format!(
            "BETTER_AUTH_SECRET={WORKFLOW_SECRET}\nDATABASE_URL=postgresql://app:{DB_PASSWORD}@localhost/db\n"
        ),
    );
    write(
        root,
        ".github/workflows/deploy.yml",
        &format!(
            "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      \
             BETTER_AUTH_SECRET: {WORKFLOW_SECRET}\n      GH_TOKEN: {GITHUB_TOKEN}\n    steps:\n      \
             - run: echo \"{ANTHROPIC_KEY}\"\n      \
             - run: npx wrangler deploy\n"
        ),
    );
    write(root, ".env", &format!("SMTP_LOGIN={WORDY_ENV_SECRET}\n"));
    write(root, ".gitignore", "node_modules\n");
}

fn run(root: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .arg(root)
        .env("NO_COLOR", "1")
        .env("BETTER_AUTH_SECRET", ENV_SECRET)
        .env("ADMIN_KEY", ENV_SECRET)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{args:?}: exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stderr counts too: anything printed is output.
    let mut text = String::from_utf8(out.stdout).unwrap();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

fn assert_redacted(label: &str, text: &str) {
    for secret in PLANTED {
        assert!(
            !text.contains(secret),
            "{label}: the planted secret {secret} appears whole"
        );
        let bytes = secret.as_bytes();
        for piece in bytes.windows(12) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(
                !text.contains(piece),
                "{label}: `{piece}`, a piece of the planted secret {secret}, appears"
            );
        }
    }
}

#[test]
fn no_output_format_contains_a_planted_secret() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("repo");
    plant(&root);

    // The planted values must really be found, or the test proves nothing.
    let json = run(&root, &["check", "--format", "json", "--check-env"]);
    for code in ["SEC002", "SEC003", "SEC005", "SEC007", "SEC008", "CI002"] {
        assert!(
            json.contains(&format!("\"{code}\"")),
            "{code} not reported:\n{json}"
        );
    }
    assert_redacted("check --format json", &json);

    for format in ["human", "sarif", "github", "markdown"] {
        for extra in [&[][..], &["--check-env"][..]] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(extra);
            let text = run(&root, &args);
            assert!(!text.trim().is_empty(), "{format}: no output");
            assert_redacted(&format!("check --format {format} {extra:?}"), &text);
        }
    }
    for format in ["human", "markdown", "json"] {
        let text = run(&root, &["checklist", "--format", format]);
        assert!(!text.trim().is_empty(), "checklist {format}: no output");
        assert_redacted(&format!("checklist --format {format}"), &text);
    }
}

/// Fingerprints (and so baselines and SARIF `partialFingerprints`) are not
/// derived from secret values: two trees whose secrets differ after their
/// first characters give the same fingerprints, so none can be brute-forced
/// back to a value.
#[test]
fn fingerprints_do_not_depend_on_secret_values() {
    let fingerprints = |tail: &str| {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("repo");
        write(
            &root,
            "wrangler.toml",
            &format!(
                "name = \"api\"\n[vars]\nADMIN_KEY = \"hunt{tail}\"\n\
                 DATABASE_URL = \"postgresql://app:pw{tail}@ep-x.us-east-2.aws.neon.tech/db\"\n"
            ),
        );
        write(
            &root,
            ".dev.vars.example",
            &format!("BETTER_AUTH_SECRET=u8jz{tail}\n"),
        );
        let json = run(&root, &["check", "--format", "json"]);
        let doc: serde_json::Value =
            serde_json::from_str(&json[..json.rfind('}').unwrap() + 1]).unwrap();
        let found: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["code"], f["fingerprint"]))
            .collect();
        assert!(found.len() >= 3, "{json}");
        found
    };
    assert_eq!(
        fingerprints("Pde0IgxLd6GncfBAepfJBd0K"),
        fingerprints("QzR81mWvT4yHs0cLk2NbX9aJ")
    );
}
