//! SEC001 secret-in-vars: the doc lives in rules/SEC001.md.
//!
//! The key decides, never the value: an empty or placeholder value under a
//! secret name still overwrites the real secret when the config is deployed.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::support::secrets::is_declared_secret;
use crate::rules::{Rule, RuleMeta};

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
                let empty = if var.value.as_str().is_some_and(|v| v.trim().is_empty()) {
                    "; even empty, deploying it overwrites the secret"
                } else {
                    ""
                };
                let env_flag = env
                    .map(|e| format!(" --env {}", e.value))
                    .unwrap_or_default();
                out.push(
                        Finding::new(&META, file, var.key.span)
                            .message(format!("`{key}` {why} but sits in {table}, committed and deployed in clear text{empty}"))
                            .help(format!(
                                "delete `{key}` from {table} and set it with `wrangler secret put {key}{env_flag}`; \
                                 for local development put it in `.dev.vars`"
                            )),
                    );
            }
        }
    }
}
