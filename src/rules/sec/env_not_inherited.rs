//! SEC010 env-not-inherited: the doc lives in rules/SEC010.md.
//!
//! wrangler copies neither `vars`, bindings nor `secrets.required` from the
//! top level into an `[env.NAME]` section, so each production env must
//! repeat them. Each
//! missing key is reported once per env, at the env's name. A top-level
//! var that is a stand-in (`<PLACEHOLDER>`) or that the Worker's
//! `.dev.vars` lists is not reported: production sets it another way.

use crate::finding::{FileId, Finding};
use crate::formats::wrangler::{EnvConfig, NamedEnv, WranglerConfig};
use crate::project::Project;
use crate::rules::support::secrets::{is_declared_secret, is_local_secret_name};
use crate::rules::{Rule, RuleMeta};
use crate::secrets::is_template_dummy;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC010",
    "env-not-inherited",
    Warning,
    "a production environment omits a var or binding defined at top level; wrangler does not inherit it",
    "repeat the var or binding inside the `[env.NAME]` section",
);

pub struct EnvNotInherited;

/// Binding kinds wrangler does inherit into named envs. Every other kind
/// the model records is per-env.
const INHERITED_KINDS: &[&str] = &["assets"];

impl Rule for EnvNotInherited {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for worker in &project.workers {
            let Some(config) = project.worker_config(worker) else {
                continue;
            };
            let file = worker.config_file;
            for env in &config.envs {
                if !project
                    .config
                    .is_production_env(Some(env.name.value.as_str()))
                {
                    continue;
                }
                missing_vars(project, file, &worker.dir, config, env, out);
                missing_bindings(file, &config.top, env, out);
                missing_required_secrets(file, &config.top, env, out);
            }
        }
    }
}

fn missing_vars(
    project: &Project,
    file: FileId,
    worker_dir: &str,
    config: &WranglerConfig,
    env: &NamedEnv,
    out: &mut Vec<Finding>,
) {
    let mut reported: Vec<&str> = Vec::new();
    for var in &config.top.vars {
        let key = var.key.value.as_str();
        // A secret in top-level vars is SEC001's: telling the user to copy
        // it into the env would spread it further.
        let secret = project.names.is_secret_name(key) || is_declared_secret(project, config, key);
        // A stand-in value (`<PLACEHOLDER>`) or a name the Worker's
        // `.dev.vars` lists is set another way in production (a secret, a
        // `--var` flag): there is nothing to copy.
        let stand_in = var.value.as_str().is_some_and(is_template_dummy)
            || is_local_secret_name(project, worker_dir, key);
        if secret || stand_in || reported.contains(&key) {
            continue;
        }
        if env.config.vars.iter().any(|v| v.key.value == key) {
            continue;
        }
        reported.push(key);
        let name = &env.name.value;
        out.push(
            Finding::new(&META, file, env.name.span)
                .message(format!(
                    "env `{name}` does not define var `{key}`, which the top level sets: wrangler does not \
                     inherit `vars`, so `wrangler deploy --env {name}` deploys without it"
                ))
                .help(format!("add `{key}` to `env.{name}.vars` with the value production needs")),
        );
    }
}

/// `secrets.required` is not inherited either: a top-level name the env
/// does not list is one `wrangler deploy --env NAME` no longer checks.
fn missing_required_secrets(file: FileId, top: &EnvConfig, env: &NamedEnv, out: &mut Vec<Finding>) {
    let mut reported: Vec<&str> = Vec::new();
    for secret in &top.secrets_required {
        let name = secret.value.as_str();
        if reported.contains(&name) || env.config.secrets_required.iter().any(|s| s.value == name) {
            continue;
        }
        reported.push(name);
        let env_name = &env.name.value;
        out.push(
            Finding::new(&META, file, env.name.span)
                .message(format!(
                    "env `{env_name}` does not list `{name}` in `secrets.required`, which the top level \
                     requires: wrangler does not inherit `secrets`, so `wrangler deploy --env {env_name}` \
                     no longer checks that it is set"
                ))
                .help(format!("add `{name}` to `env.{env_name}.secrets.required`")),
        );
    }
}

fn missing_bindings(file: FileId, top: &EnvConfig, env: &NamedEnv, out: &mut Vec<Finding>) {
    let mut reported: Vec<(&str, &str)> = Vec::new();
    for binding in &top.bindings {
        let kind = binding.kind.as_str();
        let name = binding.name.value.as_str();
        if INHERITED_KINDS.contains(&kind) || reported.contains(&(kind, name)) {
            continue;
        }
        if env
            .config
            .bindings
            .iter()
            .any(|b| b.kind == kind && b.name.value == name)
        {
            continue;
        }
        reported.push((kind, name));
        let env_name = &env.name.value;
        out.push(
            Finding::new(&META, file, env.name.span)
                .message(format!(
                    "env `{env_name}` does not define the `{kind}` binding `{name}`, which the top level has: \
                     wrangler does not inherit bindings, so `env.{name}` is undefined in the `{env_name}` Worker"
                ))
                .help(format!("repeat the `{kind}` entry for `{name}` under `env.{env_name}`")),
        );
    }
}
