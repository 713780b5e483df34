//! CI005 untrusted-checkout-with-secrets: the doc lives in rules/CI005.md.
//!
//! `pull_request_target` runs the base branch's workflow with the base
//! repository's secrets; checking out the pull request's head there runs
//! the contributor's code (install scripts, build steps) next to them.

use crate::finding::Finding;
use crate::formats::workflow::{ExprRef, Job, Workflow};
use crate::project::Project;
use crate::rules::support::workflows::{input, step_uses};
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI005",
    "untrusted-checkout-with-secrets",
    Error,
    "a pull_request_target job checks out the pull request head with secrets available",
    "do not check out the PR head in pull_request_target jobs that have secrets; use pull_request instead",
);

pub struct UntrustedCheckoutWithSecrets;

/// Expression text naming the pull request head.
fn names_head(text: &str) -> bool {
    let t = text.replace(' ', "");
    t.contains("github.event.pull_request.head.")
        || t.contains("github.head_ref")
        || t.contains("github.event.workflow_run.head_")
}

/// The job can read secrets: it references one, or passes them all on.
fn has_secrets(workflow: &Workflow, job: &Job) -> bool {
    job.secrets_inherit
        || !job.secrets.is_empty()
        || workflow.expressions.iter().any(|e| {
            e.span.start >= job.span.start
                && e.span.end <= job.span.end
                && e.refs.iter().any(|r| matches!(r, ExprRef::Secret(_)))
        })
        || workflow.env.iter().any(|kv| {
            kv.expressions
                .iter()
                .any(|e| e.refs.iter().any(|r| matches!(r, ExprRef::Secret(_))))
        })
}

impl Rule for UntrustedCheckoutWithSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, workflow) in project.workflows() {
            if !workflow.triggers.has("pull_request_target") {
                continue;
            }
            for job in &workflow.jobs {
                if !has_secrets(workflow, job) {
                    continue;
                }
                for step in job
                    .steps
                    .iter()
                    .filter(|s| step_uses(s, "actions/checkout"))
                {
                    for key in ["ref", "repository"] {
                        let Some(kv) = input(step, key) else { continue };
                        for e in kv.expressions.iter().filter(|e| names_head(&e.text)) {
                            out.push(
                                Finding::new(&META, file, e.span)
                                    .message(format!(
                                        "job `{}` runs on `pull_request_target` with secrets and checks out the \
                                         pull request's code (`{}`): anyone who opens a pull request can run code \
                                         that reads them",
                                        job.id.value, e.text
                                    ))
                                    .help(META.help),
                            );
                        }
                    }
                }
            }
        }
    }
}
