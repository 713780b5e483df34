//! CI002 hardcoded-secret-in-workflow: the doc lives in rules/CI002.md.
//!
//! Values under secret names in `env:` (workflow, job, step) and `with:`
//! (step inputs, reusable-workflow `with:`/`secrets:`), plus every known
//! credential format anywhere in the workflow text (also SEC003's finding:
//! a workflow is where a pasted key most often ends up).

use std::collections::HashSet;

use crate::finding::Finding;
use crate::formats::workflow::KeyValue;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::conn_url::{ConnUrl, is_database_scheme};
use crate::secrets::{is_placeholder, redact};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "CI002",
    "hardcoded-secret-in-workflow",
    Error,
    "a workflow hardcodes a secret value instead of using `${{ secrets.* }}`",
    "store the value in repository secrets and reference it as `${{ secrets.NAME }}`",
    root = CommittedCredential,
);

pub struct HardcodedSecretInWorkflow;

/// `apiToken` / `github-token` / `api_token` → `API_TOKEN`, so that action
/// inputs are judged by the same secret-name rules as env names.
fn normalized(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '-' || c == '.' {
            out.push('_');
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A database URL for a throwaway CI database: a service container or
/// local host (a single-label host such as `postgres` or `db`).
fn is_ci_database(value: &str) -> bool {
    ConnUrl::parse(value).is_some_and(|u| is_database_scheme(u.scheme) && !u.host.contains('.'))
}

impl Rule for HardcodedSecretInWorkflow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, workflow) in project.workflows() {
            // Values already reported, or judged to be throwaway CI
            // databases: credential matches inside them add nothing.
            let mut reported: Vec<Span> = Vec::new();
            let mut entries: Vec<(&KeyValue, &str)> = Vec::new();
            entries.extend(workflow.env.iter().map(|kv| (kv, "env")));
            for job in &workflow.jobs {
                entries.extend(job.env.iter().map(|kv| (kv, "env")));
                entries.extend(job.with.iter().map(|kv| (kv, "with")));
                entries.extend(job.secrets.iter().map(|kv| (kv, "secrets")));
                for step in &job.steps {
                    entries.extend(step.env.iter().map(|kv| (kv, "env")));
                    entries.extend(step.with.iter().map(|kv| (kv, "with")));
                }
            }
            let mut seen = HashSet::new();
            for (kv, block) in entries {
                let Some(value) = &kv.value else { continue };
                let name = &kv.key.value;
                if !kv.expressions.is_empty()
                    || !project.names.is_secret_name(&normalized(name))
                    || is_placeholder(&value.value)
                    || !seen.insert(value.span)
                {
                    continue;
                }
                if is_ci_database(value.value.trim()) {
                    // Judged already: not a credential worth a second report.
                    reported.push(value.span);
                    continue;
                }
                reported.push(value.span);
                out.push(
                    Finding::new(&META, file, value.span)
                        .message(format!(
                            "`{block}: {name}` is a literal ({}) committed in the workflow instead of a secret reference",
                            redact(value.value.trim())
                        ))
                        .help(format!(
                            "rotate it, add it under Settings → Secrets and variables → Actions, and write \
                             `{name}: ${{{{ secrets.{} }}}}`",
                            normalized(name)
                        )),
                );
            }
            for found in &project.file(file).credentials {
                let inside = reported
                    .iter()
                    .any(|s| s.start <= found.span.start && found.span.end <= s.end);
                if inside {
                    continue;
                }
                out.push(
                    Finding::new(&META, file, found.span)
                        .message(format!(
                            "{} committed in a workflow ({} chars)",
                            found.description,
                            found.span.len()
                        ))
                        .help(META.help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_input_names() {
        assert_eq!(normalized("apiToken"), "API_TOKEN");
        assert_eq!(normalized("github-token"), "GITHUB_TOKEN");
        assert_eq!(normalized("NEON_API_KEY"), "NEON_API_KEY");
    }

    #[test]
    fn ci_databases() {
        assert!(is_ci_database("postgres://app:hunter2@postgres:5432/app"));
        assert!(!is_ci_database("postgres://app:hunter2@ep-x.neon.tech/app"));
    }
}
