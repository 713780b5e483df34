//! Every `NAME = value` pair the repository makes visible, wherever it is
//! written: wrangler vars, env files, script assignments, literals piped into
//! `wrangler secret put` / `gh secret set`, workflow `env:` and `run:`
//! scripts. Rules that care
//! about a value whatever file holds it (weak secrets, Turnstile test keys,
//! CORS origins, direct database URLs) read this one list.

use super::{Facts, Project};
use crate::finding::FileId;
use crate::formats::shell::{Op, ShellScript, Stdin};
use crate::formats::workflow::{Job, KeyValue, Workflow};
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueOrigin {
    /// A wrangler `vars` entry (top level or `env.NAME`).
    WranglerVar,
    /// An env file; `template` for `.example`/`.sample`/`.template`.
    EnvFile { template: bool },
    /// `NAME=value` / `export NAME=value` in a script.
    ScriptAssignment,
    /// A literal fed to `wrangler secret put NAME`.
    SecretPut,
    /// A literal given to `gh secret set NAME --body`.
    GhSecretSet,
    /// A workflow / job / step `env:` entry.
    WorkflowEnv,
}

#[derive(Clone, Debug)]
pub struct NamedValue<'a> {
    pub file: FileId,
    pub name: &'a str,
    pub name_span: Span,
    /// The value, unquoted. For shell words it may contain expansions:
    /// check `literal`.
    pub value: &'a str,
    pub value_span: Span,
    /// False when the value contains a shell or `${{ }}` expansion.
    pub literal: bool,
    pub origin: ValueOrigin,
    /// In production scope (docs/architecture.md): top-level or non-dev wrangler env,
    /// scripts and workflow jobs that deploy or set secrets for production.
    pub production: bool,
}

/// A [`NamedValue`] with its texts copied, so that the project can keep
/// the list it collected.
#[derive(Debug)]
pub(crate) struct StoredValue {
    file: FileId,
    name: String,
    name_span: Span,
    value: String,
    value_span: Span,
    literal: bool,
    origin: ValueOrigin,
    production: bool,
}

impl StoredValue {
    fn new(v: NamedValue<'_>) -> Self {
        StoredValue {
            file: v.file,
            name: v.name.to_string(),
            name_span: v.name_span,
            value: v.value.to_string(),
            value_span: v.value_span,
            literal: v.literal,
            origin: v.origin,
            production: v.production,
        }
    }

    fn named(&self) -> NamedValue<'_> {
        NamedValue {
            file: self.file,
            name: &self.name,
            name_span: self.name_span,
            value: &self.value,
            value_span: self.value_span,
            literal: self.literal,
            origin: self.origin,
            production: self.production,
        }
    }
}

impl Project {
    /// Every named value of the configuration files (env files, wrangler
    /// vars, scripts, package scripts, workflows), in file order. Several
    /// rules ask for them; they are collected once, since the files they
    /// come from never change after the scan.
    pub fn named_values(&self) -> Vec<NamedValue<'_>> {
        self.values
            .get_or_init(|| {
                self.collect_named_values()
                    .into_iter()
                    .map(StoredValue::new)
                    .collect()
            })
            .iter()
            .map(StoredValue::named)
            .collect()
    }

    fn collect_named_values(&self) -> Vec<NamedValue<'_>> {
        let mut out = Vec::new();
        for (id, file) in self.files() {
            match &file.facts {
                Facts::Wrangler(config) => {
                    for (env, scope) in config.scopes() {
                        let production =
                            self.config.is_production_env(env.map(|e| e.value.as_str()));
                        for var in &scope.vars {
                            if let Some(value) = var.value.as_str() {
                                out.push(NamedValue {
                                    file: id,
                                    name: &var.key.value,
                                    name_span: var.key.span,
                                    value,
                                    value_span: var.value_span,
                                    literal: true,
                                    origin: ValueOrigin::WranglerVar,
                                    production,
                                });
                            }
                        }
                    }
                }
                Facts::DotEnv(env) => {
                    let template = matches!(
                        file.kind,
                        crate::discover::FileKind::EnvFile { template: true }
                    );
                    for entry in &env.entries {
                        out.push(NamedValue {
                            file: id,
                            name: &entry.key.value,
                            name_span: entry.key.span,
                            value: &entry.value.value,
                            value_span: entry.value.span,
                            literal: true,
                            origin: ValueOrigin::EnvFile { template },
                            production: false,
                        });
                    }
                }
                Facts::Shell(script) => self.script_values(id, script, false, &mut out),
                Facts::PackageJson(pkg) => {
                    for s in &pkg.scripts {
                        self.script_values(id, &s.script, false, &mut out);
                    }
                }
                Facts::Workflow(workflow) => self.workflow_values(id, workflow, &mut out),
                _ => {}
            }
        }
        out
    }

    /// Whether a script deploys or sets secrets for production.
    pub fn script_is_production(&self, script: &ShellScript) -> bool {
        let tasks = &self.config.migration_tasks;
        script.commands.iter().any(|c| match c.op(tasks) {
            Some(Op::SecretPut { env, .. })
            | Some(Op::Deploy {
                env,
                dry_run: false,
            }) => self.config.is_production_env(env.map(|w| w.text.as_str())),
            _ => false,
        })
    }

    /// `in_production`: the script runs in a production scope of its own
    /// (a workflow job that deploys to production).
    fn script_values<'a>(
        &'a self,
        id: FileId,
        script: &'a ShellScript,
        in_production: bool,
        out: &mut Vec<NamedValue<'a>>,
    ) {
        let production = in_production || self.script_is_production(script);
        let tasks = &self.config.migration_tasks;
        for command in &script.commands {
            for a in &command.assignments {
                out.push(NamedValue {
                    file: id,
                    name: &a.name.value,
                    name_span: a.name.span,
                    value: &a.value.text,
                    value_span: a.value.span,
                    literal: a.value.is_literal(),
                    origin: ValueOrigin::ScriptAssignment,
                    production,
                });
            }
            match command.op(tasks) {
                Some(Op::SecretPut {
                    name,
                    env,
                    stdin: Some(Stdin::Literal(word)),
                }) => out.push(NamedValue {
                    file: id,
                    name: &name.text,
                    name_span: name.span,
                    value: &word.text,
                    value_span: word.span,
                    literal: word.is_literal(),
                    origin: ValueOrigin::SecretPut,
                    production: self.config.is_production_env(env.map(|w| w.text.as_str())),
                }),
                Some(Op::GhSecretSet { name, body, stdin }) => {
                    let word = body.or(match stdin {
                        Some(Stdin::Literal(w)) => Some(w),
                        _ => None,
                    });
                    if let Some(word) = word {
                        out.push(NamedValue {
                            file: id,
                            name: &name.text,
                            name_span: name.span,
                            value: &word.text,
                            value_span: word.span,
                            literal: word.is_literal(),
                            origin: ValueOrigin::GhSecretSet,
                            production: true,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn workflow_values<'a>(
        &'a self,
        id: FileId,
        workflow: &'a Workflow,
        out: &mut Vec<NamedValue<'a>>,
    ) {
        let any_production = workflow.jobs.iter().any(|j| self.job_is_production(j));
        let push = |kv: &'a KeyValue, production: bool, out: &mut Vec<NamedValue<'a>>| {
            if let Some(value) = &kv.value {
                out.push(NamedValue {
                    file: id,
                    name: &kv.key.value,
                    name_span: kv.key.span,
                    value: &value.value,
                    value_span: value.span,
                    literal: kv.expressions.is_empty(),
                    origin: ValueOrigin::WorkflowEnv,
                    production,
                });
            }
        };
        for kv in &workflow.env {
            push(kv, any_production, out);
        }
        for job in &workflow.jobs {
            let production = self.job_is_production(job);
            for kv in job
                .env
                .iter()
                .chain(job.steps.iter().flat_map(|s| s.env.iter()))
            {
                push(kv, production, out);
            }
            // `run:` scripts too: assignments and literals fed to
            // `wrangler secret put` / `gh secret set` in a step.
            for run in job.steps.iter().filter_map(|s| s.run.as_ref()) {
                self.script_values(id, &run.script, production, out);
            }
        }
    }

    /// A job deploys to production: it targets a production `environment`,
    /// or a step runs `wrangler deploy`/`secret put` for a production env.
    pub fn job_is_production(&self, job: &Job) -> bool {
        let env_is_prod = job.environment.as_ref().is_some_and(|e| {
            let name = e.value.to_ascii_lowercase();
            name.contains("prod") || name == "live"
        });
        env_is_prod
            || job.steps.iter().any(|step| {
                step.run
                    .as_ref()
                    .is_some_and(|r| self.script_is_production(&r.script))
                    || self.wrangler_action_is_production(step)
            })
    }

    /// `cloudflare/wrangler-action` runs `wrangler deploy` unless `command`
    /// says otherwise; its `environment` input picks the env.
    fn wrangler_action_is_production(&self, step: &crate::formats::workflow::Step) -> bool {
        let Some(uses) = &step.uses else { return false };
        if !uses.value.starts_with("cloudflare/wrangler-action") {
            return false;
        }
        let input = |name: &str| {
            step.with
                .iter()
                .find(|kv| kv.key.value == name)
                .and_then(|kv| kv.value.as_ref())
                .map(|v| v.value.as_str())
        };
        let command = input("command").unwrap_or("deploy");
        let script = ShellScript::parse(&format!("wrangler {command}"));
        self.script_is_production(&script)
            && input("environment").is_none_or(|e| self.config.is_production_env(Some(e)))
    }
}
