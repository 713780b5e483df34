//! `preflight checklist`: the pre-deploy checklist (section 8 of the
//! deployment guide, plus the section 1/6/9 rules mapped onto it) with each
//! item's status.
//!
//! An item passes only when every rule mapped to it ran and found nothing.
//! A mapped rule that is not registered (not implemented yet) or is disabled
//! by the configuration makes the item "manual", so the report never claims
//! more than was checked and becomes exact as rules land.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Report;
use super::markdown::{code, inline};
use crate::discover::FileKind;
use crate::formats::workflow::{ExprRef, KeyValue, Workflow};
use crate::project::Project;

/// When an item concerns something the project may not have at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Always,
    /// A wrangler config exists.
    Workers,
    /// A wrangler config declares Hyperdrive.
    Hyperdrive,
    /// A wrangler config binds a D1 database.
    D1,
    /// Worker source code (TS/JS or Rust) exists.
    Sources,
    /// GitHub workflows exist.
    Workflows,
    /// Workflows or a Prisma schema (where migrations are configured).
    Migrations,
    /// The project uses Sentry.
    Sentry,
}

struct ItemDef {
    section: &'static str,
    text: &'static str,
    codes: &'static [&'static str],
    scope: Scope,
    /// What to check by hand when the rules cannot settle the item.
    verify: &'static str,
    /// Said whatever the status, when the static check covers only part of
    /// the item.
    note: Option<&'static str>,
    lists_secrets: bool,
    /// The LIVE codes (`preflight verify`) that settle the item with
    /// `--verify`.
    live: &'static [&'static str],
    /// Whether the project shows what the item is about, so that clean
    /// rules prove it; otherwise the item is `unverified` (the rules had
    /// nothing to examine).
    settled_statically: fn(&Project) -> bool,
}

const fn item(
    section: &'static str,
    text: &'static str,
    codes: &'static [&'static str],
    scope: Scope,
    verify: &'static str,
) -> ItemDef {
    ItemDef {
        section,
        text,
        codes,
        scope,
        verify,
        note: None,
        lists_secrets: false,
        live: &[],
        settled_statically: |_| true,
    }
}

/// Only live state answers it.
fn never(_: &Project) -> bool {
    false
}

/// A Neon origin host written out where DB001 reads it (a production
/// `localConnectionString`, a `wrangler hyperdrive create|update`); with
/// only the Hyperdrive id, the origin lives in Cloudflare.
fn hyperdrive_origin_visible(project: &Project) -> bool {
    use crate::rules::support::neon::neon_host;
    let local = project.wrangler_configs().any(|(_, c)| {
        c.scopes().any(|(env, scope)| {
            project
                .config
                .is_production_env(env.map(|e| e.value.as_str()))
                && scope.hyperdrive.iter().any(|h| {
                    h.local_connection_string
                        .as_ref()
                        .is_some_and(|l| neon_host(&l.value).is_some())
                })
        })
    });
    local
        || project.shell_scripts().any(|(_, script)| {
            script.commands.iter().any(|c| {
                c.words.iter().any(|w| w.text == "hyperdrive")
                    && c.words.iter().any(|w| neon_host(&w.text).is_some())
            })
        })
}

/// A value of a secret with a minimum length is in a scanned file.
fn strength_value_visible(project: &Project) -> bool {
    project
        .named_values()
        .iter()
        .any(|v| project.config.min_length(v.name).is_some() && !v.value.is_empty())
}

/// The project uses Sentry: a Sentry package, `SENTRY_*` read by the code,
/// or a workflow that mentions it.
fn uses_sentry(project: &Project) -> bool {
    let summary = &project.summary;
    summary
        .packages
        .iter()
        .any(|p| p.starts_with("@sentry/") || p == "toucan-js")
        || summary.env_names.iter().any(|n| n.starts_with("SENTRY_"))
        || project.workflows().any(|(_, w)| {
            w.jobs.iter().flat_map(|j| &j.steps).any(|s| {
                s.uses
                    .as_ref()
                    .is_some_and(|u| u.value.to_ascii_lowercase().contains("sentry"))
                    || s.run
                        .as_ref()
                        .is_some_and(|r| r.text.to_ascii_lowercase().contains("sentry"))
            })
        })
}

const SECRETS: &str = "Worker Secrets";
const DATABASE: &str = "Database & Hyperdrive";
const AUTH: &str = "Authentication & Authorization";
const NETWORK: &str = "Network & CORS";
const CICD: &str = "CI/CD";
const OBSERVABILITY: &str = "Observability";
const HYGIENE: &str = "Secret hygiene (sections 1, 6, 9)";

static ITEMS: &[ItemDef] = &[
    ItemDef {
        note: Some(
            "the static check sees declarations only; run `preflight check --check-env` in the deploy job to check the values",
        ),
        live: &["LIVE001"],
        settled_statically: never,
        ..item(
            SECRETS,
            "All required Worker secrets set via `wrangler secret put`",
            &["SEC009"],
            Scope::Workers,
            "run `wrangler secret list` (and `--env <name>` for each environment) and compare it with the secrets the Worker reads",
        )
    },
    ItemDef {
        live: &["LIVE002"],
        ..item(
            SECRETS,
            "No secrets in the wrangler `[vars]` block",
            &["SEC001", "SEC002"],
            Scope::Workers,
            "read every `vars` table of the wrangler config: only public values belong there",
        )
    },
    ItemDef {
        note: Some(
            "only values visible in the repository are checked; run `preflight check --check-env` where the real secrets are set",
        ),
        settled_statically: strength_value_visible,
        ..item(
            SECRETS,
            "`BETTER_AUTH_SECRET` is at least 32 and `ADMIN_KEY` at least 48 characters of cryptographic randomness",
            &["SEC007"],
            Scope::Workers,
            "generate them with `openssl rand -base64 32` / `openssl rand -base64 48` and run `preflight check --check-env` where they are set",
        )
    },
    ItemDef {
        live: &["LIVE003"],
        settled_statically: hyperdrive_origin_visible,
        ..item(
            DATABASE,
            "Hyperdrive connection string points to the Neon pooler endpoint (host contains `-pooler`)",
            &["DB001"],
            Scope::Hyperdrive,
            "run `wrangler hyperdrive get <id>` and check that the origin host contains `-pooler`",
        )
    },
    item(
        DATABASE,
        "`DIRECT_DATABASE_URL` (GitHub Actions) uses the Neon direct endpoint, for migrations only",
        &["DB002"],
        Scope::Migrations,
        "check that migrations use the direct (non-pooler) host and nothing else uses `DIRECT_DATABASE_URL`",
    ),
    item(
        DATABASE,
        "All D1 queries use parameterized statements (`.prepare().bind()`)",
        &["DB003"],
        Scope::D1,
        "review every `.prepare(...)` call: values must go through `.bind()`, never into the SQL text",
    ),
    item(
        DATABASE,
        "No raw SQL string interpolation anywhere in Worker code",
        &["DB004"],
        Scope::Sources,
        "search the Worker code for SQL built with template literals or `+` and replace it with bound parameters",
    ),
    item(
        AUTH,
        "Better Auth cookie security: `httpOnly: true`, `secure: true`, `sameSite: \"lax\"`",
        &["AUTH001"],
        Scope::Sources,
        "check the Better Auth `advanced.defaultCookieAttributes` (or equivalent) in the auth setup",
    ),
    item(
        AUTH,
        "Turnstile verification enabled on all write endpoints (`/compile*`, `/validate`, `/ast/parse`)",
        &["AUTH002"],
        Scope::Sources,
        "check that every write route verifies a Turnstile token before doing work",
    ),
    item(
        AUTH,
        "Rate limiting configured per auth tier (anonymous, free, pro, admin)",
        &["AUTH004"],
        Scope::Workers,
        "check the rate-limit bindings or middleware and their per-tier limits",
    ),
    item(
        AUTH,
        "Auth chain verified: API Key → Better Auth → Clerk JWT → Anonymous",
        &[],
        Scope::Sources,
        "read the authentication middleware and confirm it tries the methods in this order and falls back to anonymous last",
    ),
    item(
        AUTH,
        "Admin routes (`/admin/*`) protected by CF Access and/or admin role middleware",
        &["AUTH003", "AUTH005"],
        Scope::Sources,
        "check that every `/admin/*` route passes a CF Access JWT check or an admin-role guard",
    ),
    item(
        NETWORK,
        "`CORS_ALLOWED_ORIGINS` uses an explicit origin allowlist (not `*`)",
        &["NET001", "NET003"],
        Scope::Workers,
        "check the value set with `wrangler secret put CORS_ALLOWED_ORIGINS`: exact origins only",
    ),
    item(
        NETWORK,
        "No `Access-Control-Allow-Origin: *` on authenticated or write endpoints",
        &["NET001", "NET002"],
        Scope::Workers,
        "check the CORS middleware and any handler that sets `Access-Control-Allow-Origin`",
    ),
    item(
        NETWORK,
        "SSRF protection active on `/proxy/fetch` (blocks RFC 1918, localhost, 169.254.169.254)",
        &["NET004", "NET005"],
        Scope::Sources,
        "check that the proxy resolves and rejects private, loopback and link-local targets before fetching",
    ),
    ItemDef {
        lists_secrets: true,
        live: &["LIVE004"],
        ..item(
            CICD,
            "All GitHub Actions secrets configured",
            &[],
            Scope::Workflows,
            "confirm that each secret the workflows use (listed here) is set in the repository or environment settings (`gh secret list`)",
        )
    },
    item(
        CICD,
        "CI pipeline passes (lint, typecheck, unit and integration tests) before deploy",
        &["CI003"],
        Scope::Workflows,
        "check that the deploy job `needs` the test jobs or runs only after CI succeeded",
    ),
    item(
        CICD,
        "Sentry source maps uploaded on deploy",
        &["CI004"],
        Scope::Sentry,
        "check that the deploy workflow uploads source maps to Sentry after building",
    ),
    item(
        OBSERVABILITY,
        "Security events emitted to Analytics Engine on auth failures (`trackSecurityEvent()`)",
        &["OBS001"],
        Scope::Sources,
        "check that every authentication failure path records a security event",
    ),
    item(
        OBSERVABILITY,
        "Sentry DSN configured for error tracking",
        &[],
        Scope::Always,
        "check that `wrangler secret list` shows `SENTRY_DSN` for each production environment",
    ),
    ItemDef {
        live: &["LIVE005"],
        settled_statically: never,
        ..item(
            OBSERVABILITY,
            "Health monitoring workflow active",
            &["CI006"],
            Scope::Workflows,
            "check that a scheduled workflow probes the health endpoint and alerts on failure, and that GitHub has not disabled it",
        )
    },
    item(
        HYGIENE,
        "Zero Trust: no committed credentials or env files, placeholder-only templates, no literal secrets in scripts or workflows",
        &["SEC003", "SEC004", "SEC005", "SEC008", "CI001", "CI002"],
        Scope::Always,
        "search the repository for credentials and check that `.env` / `.dev.vars` are git-ignored",
    ),
    item(
        HYGIENE,
        "Turnstile test keys used only in local development",
        &["SEC006"],
        Scope::Workers,
        "check that production Turnstile keys are not Cloudflare's documented test keys",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    NotApplicable,
    Manual,
    /// The rules found nothing because they had nothing to examine (the
    /// answer lives in Cloudflare or GitHub, or no value is visible).
    Unverified,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
            Status::Manual => "manual",
            Status::Unverified => "unverified",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleState {
    /// Ran: unsuppressed and suppressed findings.
    Checked {
        findings: usize,
        suppressed: usize,
    },
    /// Not in the registry yet.
    NotImplemented,
    Disabled,
}

#[derive(Clone, Debug)]
pub struct RuleResult {
    pub code: &'static str,
    pub state: RuleState,
}

/// A `secrets.NAME` the workflows reference, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretUse {
    pub name: String,
    pub files: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ItemResult {
    pub section: &'static str,
    pub text: &'static str,
    pub status: Status,
    pub rules: Vec<RuleResult>,
    pub verify: &'static str,
    /// The LIVE codes that can settle the item (`--verify`).
    pub live: &'static [&'static str],
    pub note: Option<&'static str>,
    /// Only for the GitHub-secrets item.
    pub secrets: Option<Vec<SecretUse>>,
}

#[derive(Clone, Debug)]
pub struct Checklist {
    pub items: Vec<ItemResult>,
}

impl Checklist {
    pub fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    pub fn failed(&self) -> bool {
        self.count(Status::Fail) > 0
    }
}

/// The live results `--verify` merges: LIVE findings by code, and the
/// LIVE checks that could not be completed.
#[derive(Clone, Debug, Default)]
pub struct LiveResults {
    pub found: BTreeMap<&'static str, usize>,
    pub unverified: std::collections::BTreeSet<&'static str>,
}

/// Evaluates every item from the project's facts and the report of a full
/// `check` of it, and the live results when `--verify` gave them.
pub fn evaluate(project: &Project, report: &Report, live: Option<&LiveResults>) -> Checklist {
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    let mut suppressed: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &report.findings {
        *found.entry(d.code).or_default() += 1;
    }
    for d in &report.suppressed {
        *suppressed.entry(d.code).or_default() += 1;
    }
    let secrets = workflow_secrets(project);
    let items = ITEMS
        .iter()
        .map(|def| {
            let rules: Vec<RuleResult> = def
                .codes
                .iter()
                .map(|&code| {
                    let state = match crate::rules::find(code) {
                        None => RuleState::NotImplemented,
                        Some(meta) if !project.config.is_enabled(meta.code) => RuleState::Disabled,
                        Some(meta) => RuleState::Checked {
                            findings: found.get(meta.code).copied().unwrap_or(0),
                            suppressed: suppressed.get(meta.code).copied().unwrap_or(0),
                        },
                    };
                    RuleResult { code, state }
                })
                .collect();
            let failing = rules
                .iter()
                .any(|r| matches!(r.state, RuleState::Checked { findings, .. } if findings > 0));
            let all_checked = !rules.is_empty()
                && rules
                    .iter()
                    .all(|r| matches!(r.state, RuleState::Checked { .. }));
            let live = live.filter(|_| !def.live.is_empty());
            let live_failing = live.is_some_and(|l| {
                def.live
                    .iter()
                    .any(|c| l.found.get(c).is_some_and(|n| *n > 0))
            });
            let status = if failing || live_failing {
                Status::Fail
            } else if !applies(project, def.scope) {
                Status::NotApplicable
            } else if let Some(live) = live {
                let unchecked =
                    |c: &&str| live.unverified.contains(c) || !project.config.is_enabled(c);
                if def.live.iter().any(unchecked) {
                    Status::Unverified
                } else {
                    Status::Pass
                }
            } else if all_checked && (def.settled_statically)(project) {
                Status::Pass
            } else if all_checked {
                Status::Unverified
            } else {
                Status::Manual
            };
            ItemResult {
                section: def.section,
                text: def.text,
                status,
                rules,
                verify: def.verify,
                live: def.live,
                note: def.note,
                secrets: def.lists_secrets.then(|| secrets.clone()),
            }
        })
        .collect();
    Checklist { items }
}

fn applies(project: &Project, scope: Scope) -> bool {
    let has_kind = |pred: fn(FileKind) -> bool| project.files.iter().any(|f| pred(f.kind));
    let configs = || project.wrangler_configs().map(|(_, c)| c);
    let any_env = |pred: &dyn Fn(&crate::formats::wrangler::EnvConfig) -> bool| {
        configs().any(|c| pred(&c.top) || c.envs.iter().any(|e| pred(&e.config)))
    };
    match scope {
        Scope::Always => true,
        Scope::Workers => {
            has_kind(|k| matches!(k, FileKind::WranglerToml | FileKind::WranglerJson))
        }
        Scope::Hyperdrive => any_env(&|e| {
            !e.hyperdrive.is_empty() || e.bindings.iter().any(|b| b.kind == "hyperdrive")
        }),
        Scope::D1 => any_env(&|e| e.bindings.iter().any(|b| b.kind == "d1_databases")),
        Scope::Sources => has_kind(|k| matches!(k, FileKind::Script | FileKind::RustSource)),
        Scope::Workflows => has_kind(|k| k == FileKind::Workflow),
        Scope::Sentry => uses_sentry(project),
        Scope::Migrations => has_kind(|k| {
            matches!(
                k,
                FileKind::Workflow | FileKind::Prisma | FileKind::PrismaConfig
            )
        }),
    }
}

/// Every `secrets.NAME` the workflows read (in `env`, `with`, `secrets`,
/// `run` and `if`), with the files that read it. `GITHUB_TOKEN` is left
/// out: GitHub provides it.
pub fn workflow_secrets(project: &Project) -> Vec<SecretUse> {
    let mut uses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, workflow) in project.workflows() {
        let path = &project.file(id).path;
        let mut names = Vec::new();
        collect_workflow(workflow, &mut names);
        for name in names {
            if name == "GITHUB_TOKEN" {
                continue;
            }
            let files = uses.entry(name).or_default();
            if !files.contains(path) {
                files.push(path.clone());
            }
        }
    }
    uses.into_iter()
        .map(|(name, files)| SecretUse { name, files })
        .collect()
}

fn collect_workflow(w: &Workflow, names: &mut Vec<String>) {
    let from_pairs = |pairs: &[KeyValue], names: &mut Vec<String>| {
        for kv in pairs {
            for e in &kv.expressions {
                names.extend(secret_refs(&e.refs));
            }
        }
    };
    from_pairs(&w.env, names);
    for job in &w.jobs {
        from_pairs(&job.env, names);
        from_pairs(&job.with, names);
        from_pairs(&job.secrets, names);
        if let Some(cond) = &job.if_cond {
            names.extend(secrets_in_text(&cond.value));
        }
        for step in &job.steps {
            from_pairs(&step.env, names);
            from_pairs(&step.with, names);
            if let Some(run) = &step.run {
                for e in &run.expressions {
                    names.extend(secret_refs(&e.refs));
                }
            }
            if let Some(cond) = &step.if_cond {
                names.extend(secrets_in_text(&cond.value));
            }
        }
    }
}

fn secret_refs(refs: &[ExprRef]) -> impl Iterator<Item = String> + '_ {
    refs.iter().filter_map(|r| match r {
        ExprRef::Secret(name) => Some(name.clone()),
        _ => None,
    })
}

/// `if:` conditions are kept as text: find `secrets.NAME` and
/// `secrets['NAME']` / `secrets["NAME"]` in them.
fn secrets_in_text(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text[from..].find("secrets") {
        let start = from + pos;
        let after = start + "secrets".len();
        from = after;
        let preceded = start > 0
            && (bytes[start - 1].is_ascii_alphanumeric()
                || matches!(bytes[start - 1], b'_' | b'.'));
        if preceded {
            continue;
        }
        let rest = &text[after..];
        let name: String = if let Some(r) = rest.strip_prefix('.') {
            r.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        } else if let Some(r) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
            r.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        } else {
            String::new()
        };
        if !name.is_empty() {
            names.push(name);
        }
    }
    names
}

fn rules_summary(rules: &[RuleResult]) -> Vec<String> {
    rules
        .iter()
        .map(|r| match r.state {
            RuleState::Checked {
                findings: 0,
                suppressed: 0,
            } => format!("{} clean", r.code),
            RuleState::Checked {
                findings: 0,
                suppressed,
            } => format!("{} clean ({suppressed} suppressed)", r.code),
            RuleState::Checked {
                findings,
                suppressed: 0,
            } => format!("{} ×{findings}", r.code),
            RuleState::Checked {
                findings,
                suppressed,
            } => format!("{} ×{findings} ({suppressed} suppressed)", r.code),
            RuleState::NotImplemented => format!("{} not checked yet", r.code),
            RuleState::Disabled => format!("{} disabled in config", r.code),
        })
        .collect()
}

/// What to do about an item that is manual or unverified.
fn verify_hint(item: &ItemResult) -> String {
    if item.live.is_empty() {
        item.verify.to_string()
    } else {
        format!(
            "{}; or run `preflight checklist --verify` ({})",
            item.verify,
            item.live.join(", ")
        )
    }
}

fn counts_line(c: &Checklist) -> String {
    format!(
        "{} pass, {} fail, {} n/a, {} manual, {} unverified",
        c.count(Status::Pass),
        c.count(Status::Fail),
        c.count(Status::NotApplicable),
        c.count(Status::Manual),
        c.count(Status::Unverified)
    )
}

pub fn render_human(c: &Checklist) -> String {
    let mut out = String::from("preflight checklist (pre-deploy, section 8)\n");
    let mut section = "";
    for item in &c.items {
        if item.section != section {
            section = item.section;
            out.push_str(&format!("\n{section}\n"));
        }
        let mark = match item.status {
            Status::Pass => "✓ pass  ",
            Status::Fail => "✗ fail  ",
            Status::NotApplicable => "- n/a   ",
            Status::Manual => "? manual",
            Status::Unverified => "~ unverif",
        };
        out.push_str(&format!("  {mark} {}\n", item.text));
        let rules = rules_summary(&item.rules);
        if !rules.is_empty() {
            out.push_str(&format!("             rules: {}\n", rules.join(", ")));
        }
        if matches!(item.status, Status::Manual | Status::Unverified) {
            out.push_str(&format!("             verify: {}\n", verify_hint(item)));
        }
        if let Some(note) = item.note.filter(|_| item.status != Status::NotApplicable) {
            out.push_str(&format!("             note: {note}\n"));
        }
        if let Some(secrets) = item
            .secrets
            .as_ref()
            .filter(|_| item.status != Status::NotApplicable)
        {
            if secrets.is_empty() {
                out.push_str("             the workflows reference no secrets\n");
            }
            for s in secrets {
                out.push_str(&format!(
                    "             - {} ({})\n",
                    s.name,
                    s.files.join(", ")
                ));
            }
        }
    }
    out.push_str(&format!("\n{}\n", counts_line(c)));
    out
}

pub fn render_markdown(c: &Checklist) -> String {
    let mut out = String::from("## preflight checklist\n\n");
    out.push_str(&format!("**{}**\n", counts_line(c)));
    let mut section = "";
    for item in &c.items {
        if item.section != section {
            section = item.section;
            out.push_str(&format!(
                "\n### {}\n\n| status | item | details |\n|---|---|---|\n",
                inline(section)
            ));
        }
        let mark = match item.status {
            Status::Pass => "✅ pass",
            Status::Fail => "❌ fail",
            Status::NotApplicable => "➖ n/a",
            Status::Manual => "📝 manual",
            Status::Unverified => "❔ unverified",
        };
        let mut details: Vec<String> = Vec::new();
        let rules = rules_summary(&item.rules);
        if !rules.is_empty() {
            details.push(
                rules
                    .iter()
                    .map(|r| inline(r))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        if matches!(item.status, Status::Manual | Status::Unverified) {
            details.push(format!("**verify:** {}", inline(&verify_hint(item))));
        }
        if let Some(note) = item.note.filter(|_| item.status != Status::NotApplicable) {
            details.push(format!("_note:_ {}", inline(note)));
        }
        if let Some(secrets) = item
            .secrets
            .as_ref()
            .filter(|_| item.status != Status::NotApplicable)
        {
            if secrets.is_empty() {
                details.push("the workflows reference no secrets".to_string());
            } else {
                let list: Vec<String> = secrets.iter().map(|s| code(&s.name)).collect();
                details.push(format!("secrets used: {}", list.join(", ")));
            }
        }
        out.push_str(&format!(
            "| {mark} | {} | {} |\n",
            inline(item.text),
            details.join("<br>")
        ));
    }
    out
}

pub fn render_json(c: &Checklist) -> String {
    let items: Vec<Value> = c
        .items
        .iter()
        .map(|item| {
            let rules: Vec<Value> = item
                .rules
                .iter()
                .map(|r| match r.state {
                    RuleState::Checked { findings, suppressed } => {
                        json!({"code": r.code, "state": "checked", "findings": findings, "suppressed": suppressed})
                    }
                    RuleState::NotImplemented => json!({"code": r.code, "state": "not-implemented"}),
                    RuleState::Disabled => json!({"code": r.code, "state": "disabled"}),
                })
                .collect();
            let mut v = json!({
                "section": item.section,
                "item": item.text,
                "status": item.status.as_str(),
                "rules": rules,
            });
            if matches!(item.status, Status::Manual | Status::Unverified) {
                v["verify"] = json!(verify_hint(item));
            }
            if let Some(note) = item.note {
                v["note"] = json!(note);
            }
            if let Some(secrets) = &item.secrets {
                v["secrets"] = secrets.iter().map(|s| json!({"name": s.name, "files": s.files})).collect();
            }
            v
        })
        .collect();
    let doc = json!({
        "version": 1,
        "items": items,
        "summary": {
            "pass": c.count(Status::Pass),
            "fail": c.count(Status::Fail),
            "n/a": c.count(Status::NotApplicable),
            "manual": c.count(Status::Manual),
            "unverified": c.count(Status::Unverified),
        }
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_secrets_in_conditions() {
        assert_eq!(
            secrets_in_text("${{ secrets.SENTRY_AUTH_TOKEN != '' && secrets['NEON_API_KEY'] }}"),
            vec!["SENTRY_AUTH_TOKEN", "NEON_API_KEY"]
        );
        assert!(secrets_in_text("env.secrets_x || mysecrets.A").is_empty());
    }

    #[test]
    fn every_mapped_code_is_well_formed() {
        for item in ITEMS {
            for code in item.codes {
                assert!(
                    code.len() >= 5 && code.chars().all(|c| c.is_ascii_alphanumeric()),
                    "{code}"
                );
            }
        }
    }
}
