//! SEC001 secret-in-vars: the doc lives in rules/SEC001.md.
//!
//! The key decides whether to report: an empty or placeholder value under a
//! secret name still overwrites the real secret when the config is deployed.
//! The value decides the severity: a placeholder (`<token>`, `TODO`,
//! `dev-local-secret`) is no committed credential, so it is a warning, and
//! info in the top-level `vars` of a config with named environments (the
//! local defaults: only a `wrangler deploy` without `--env` deploys them,
//! since no environment inherits `vars`). A value public by design (a
//! Sentry DSN, a site key, a host name) is policy: info. A variable
//! reference (`${AUTH_SECRET}`) stays an error: wrangler expands nothing,
//! so the Worker runs with that known literal as its secret.

use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::support::secrets::is_declared_secret;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::{is_template_dummy, is_variable_reference, public_value};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC001",
    "secret-in-vars",
    Error,
    "a secret-named key sits in wrangler `vars`, which are deployed in clear text",
    "remove it from `vars` and set it with `wrangler secret put NAME`",
);

pub struct SecretInVars;

impl Rule for SecretInVars {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, config) in project.wrangler_configs() {
            for (env, table, var) in config.all_vars() {
                let key = var.key.value.as_str();
                let declared = is_declared_secret(project, config, key);
                if !declared && !project.names.is_secret_name(key) {
                    continue;
                }
                let why = if project.names.is_credential_name(key) {
                    "is a secret"
                } else if declared {
                    "is declared a secret in `secrets.required`"
                } else {
                    "is confidential (the checklist keeps it out of `vars`)"
                };
                let value = var.value.as_str().map(str::trim);
                let (note, severity) = match value {
                    Some("") => (
                        "; even empty, deploying it overwrites the secret".to_string(),
                        META.severity,
                    ),
                    Some(v) if is_variable_reference(v) => (
                        format!(
                            "; wrangler does not expand `{v}`: that literal text is deployed as \
                             the value, overwriting the secret with a string anyone can read here"
                        ),
                        META.severity,
                    ),
                    Some(v) if is_template_dummy(v) && env.is_none() && !config.envs.is_empty() => (
                        "; its value is a placeholder in the top-level `vars` of a config with \
                         environments, which none of them inherits: only a `wrangler deploy` \
                         without `--env` would overwrite the secret with it"
                            .to_string(),
                        Severity::Info,
                    ),
                    Some(v) if is_template_dummy(v) => (
                        "; its value is a placeholder, not a credential, but deploying it \
                         overwrites the secret"
                            .to_string(),
                        Severity::Warning,
                    ),
                    Some(v) => match public_value(v) {
                        Some(public) => (
                            format!(
                                "; its value is a {}, public by design, so this is policy rather \
                                 than a leak",
                                public.description()
                            ),
                            Severity::Info,
                        ),
                        None => (String::new(), META.severity),
                    },
                    None => (String::new(), META.severity),
                };
                let env_flag = env
                    .map(|e| format!(" --env {}", e.value))
                    .unwrap_or_default();
                out.push(
                        Finding::new(&META, file, var.key.span)
                            .severity(severity)
                            .message(format!("`{key}` {why} but sits in {table}, committed and deployed in clear text{note}"))
                            .help(format!(
                                "delete `{key}` from {table} and set it with `wrangler secret put {key}{env_flag}`; \
                                 for local development put it in `.dev.vars`"
                            )),
                    );
            }
        }
    }
}
