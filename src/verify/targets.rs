//! What `verify` checks in Cloudflare, from the repository: each deployed
//! script (a Worker's top level and its environments, named as wrangler
//! names them), the secrets it needs and where the need is written, and its
//! Hyperdrive ids.

use std::collections::BTreeMap;

use crate::finding::{FileId, Severity};
use crate::formats::js::EnvSource;
use crate::formats::wrangler::{EnvConfig, WranglerConfig};
use crate::project::{Project, WorkerId};
use crate::span::{Span, Spanned};

/// Where a Worker's code first reads each env name: `(file, span)`.
pub type CodeReads = BTreeMap<WorkerId, BTreeMap<String, (FileId, Span)>>;

/// One deployed script.
#[derive(Debug)]
pub struct Script {
    /// wrangler's name for it: `name`, or `<name>-<env>` for `[env.<env>]`
    /// without a `name` of its own. `None` when the config has no `name`.
    pub name: Option<String>,
    /// The env (`None` for the top level).
    pub env: Option<String>,
    /// The config's `account_id` for this scope (or the top level's).
    pub account_id: Option<String>,
    pub config_file: FileId,
    /// Where findings about the script as a whole point: its `name`.
    pub anchor: Span,
    pub required: Vec<Required>,
    pub hyperdrive: Vec<HyperdriveRef>,
}

impl Script {
    /// `script` or `script (env production)` for messages.
    pub fn label(&self) -> String {
        let name = self.name.as_deref().unwrap_or("<no name>");
        match &self.env {
            Some(env) => format!("`{name}` (env `{env}`)"),
            None => format!("`{name}`"),
        }
    }

    /// The wrangler flag that selects this script's env.
    pub fn env_flag(&self) -> String {
        match &self.env {
            Some(env) => format!(" --env {env}"),
            None => String::new(),
        }
    }
}

/// A secret name the script needs, and why.
#[derive(Clone, Debug)]
pub struct Required {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub why: Why,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Listed in the wrangler config's `secrets.required`.
    WranglerRequired,
    /// Listed in preflight.toml's `[secrets] required`.
    PreflightRequired,
    /// Read by the Worker's code and neither a var nor a binding.
    ReadByCode,
}

impl Why {
    pub fn text(self) -> &'static str {
        match self {
            Why::WranglerRequired => "listed in `secrets.required`",
            Why::PreflightRequired => "listed in preflight.toml `[secrets] required`",
            Why::ReadByCode => "read by the Worker's code and neither a var nor a binding",
        }
    }

    /// A declared secret that is missing breaks the Worker; a name the code
    /// reads may be optional (read behind a check), hence a warning.
    pub fn severity(self) -> Severity {
        match self {
            Why::ReadByCode => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

#[derive(Clone, Debug)]
pub struct HyperdriveRef {
    pub binding: String,
    pub id: Spanned<String>,
}

/// Every script of every Worker, in production scope (the top level and the
/// envs that are not development envs), or only the env `only`.
pub fn scripts(project: &Project, only: Option<&str>, reads: &CodeReads) -> Vec<Script> {
    let mut out = Vec::new();
    for (worker_id, worker) in project.workers.iter().enumerate() {
        let Some(config) = project.worker_config(worker) else {
            continue;
        };
        for (env, scope) in config.scopes() {
            let env = env.map(|e| e.value.as_str());
            let wanted = match only {
                Some(name) => env == Some(name),
                None => project.config.is_production_env(env),
            };
            if !wanted {
                continue;
            }
            out.push(script(
                project,
                config,
                worker.config_file,
                env,
                scope,
                reads.get(&worker_id),
            ));
        }
    }
    out
}

fn script(
    project: &Project,
    config: &WranglerConfig,
    config_file: FileId,
    env: Option<&str>,
    scope: &EnvConfig,
    reads: Option<&BTreeMap<String, (FileId, Span)>>,
) -> Script {
    let top_name = config.name.as_ref();
    let (name, anchor) = match (env, &scope.name) {
        (Some(_), Some(own)) => (Some(own.value.clone()), own.span),
        (Some(env), None) => (
            top_name.map(|n| format!("{}-{env}", n.value)),
            top_name.map_or(Span::default(), |n| n.span),
        ),
        (None, _) => (
            top_name.map(|n| n.value.clone()),
            top_name.map_or(Span::default(), |n| n.span),
        ),
    };
    let account_id = scope
        .account_id
        .as_ref()
        .or(config.top.account_id.as_ref())
        .map(|a| a.value.clone());

    let mut required: Vec<Required> = Vec::new();
    let mut add = |name: &str, file: FileId, span: Span, why: Why| {
        if !required.iter().any(|r| r.name == name) {
            required.push(Required {
                name: name.to_string(),
                file,
                span,
                why,
            });
        }
    };
    // `secrets` is not inherited by an env, but the code needs the names
    // there all the same.
    let declared = scope
        .secrets_required
        .iter()
        .chain(env.map_or(&[][..], |_| &config.top.secrets_required[..]));
    for entry in declared {
        add(&entry.value, config_file, entry.span, Why::WranglerRequired);
    }
    for name in &project.config.required_secrets {
        add(name, config_file, anchor, Why::PreflightRequired);
    }
    let provided = |name: &str| {
        scope.vars.iter().any(|v| v.key.value == name)
            || scope.bindings.iter().any(|b| b.name.value == name)
            || scope.hyperdrive.iter().any(|h| h.binding.value == name)
    };
    for (name, (file, span)) in reads.into_iter().flatten() {
        if !provided(name) {
            add(name, *file, *span, Why::ReadByCode);
        }
    }

    let hyperdrive = scope
        .hyperdrive
        .iter()
        .filter_map(|h| {
            Some(HyperdriveRef {
                binding: h.binding.value.clone(),
                id: h.id.clone()?,
            })
        })
        .collect();
    Script {
        name,
        env: env.map(str::to_string),
        account_id,
        config_file,
        anchor,
        required,
        hyperdrive,
    }
}

/// Scans the source files a batch at a time and keeps, per Worker, where
/// its (non-test, reachable) code first reads each Worker env name.
pub fn code_reads(project: &mut Project) -> CodeReads {
    let mut reads = CodeReads::new();
    project.check_sources(|batch| {
        for (file, source, facts) in batch.js_files() {
            let Some(worker) = source.worker else {
                continue;
            };
            if crate::rules::support::sources::skip_test_file(batch, source)
                || batch.reachability(file) == crate::project::routes::Reachability::Unreachable
            {
                continue;
            }
            let names = reads.entry(worker).or_default();
            for (_, read) in facts.env_reads() {
                if read.source != EnvSource::Worker {
                    continue;
                }
                names
                    .entry(read.name.clone())
                    .and_modify(|at| {
                        if (file, read.span.start) < (at.0, at.1.start) {
                            *at = (file, read.span);
                        }
                    })
                    .or_insert((file, read.span));
            }
        }
        Vec::new()
    });
    reads
}
