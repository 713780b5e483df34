//! CI003 deploy-without-checks: the doc lives in rules/CI003.md.
//!
//! A deploy is gated when its job depends (directly or through other jobs)
//! on a job that runs lint, type checks or tests, when the job itself runs
//! them before deploying, or when the workflow is started by `workflow_run`
//! of another workflow (the CI one).

use std::collections::HashSet;

use crate::finding::Finding;
use crate::formats::workflow::{Job, Workflow};
use crate::project::Project;
use crate::rules::support::workflows::{job_runs_checks, runs_checks, step_deploy_span};
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI003",
    "deploy-without-checks",
    Warning,
    "a deploy job does not depend on lint/typecheck/test jobs",
    "add `needs:` on the CI jobs, or trigger the deploy with `workflow_run` of the CI workflow",
);

pub struct DeployWithoutChecks;

/// Whether a job that `job` needs, directly or transitively, runs checks.
fn needs_checks(workflow: &Workflow, job: &Job) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = job.needs.iter().map(|n| n.value.as_str()).collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(needed) = workflow.jobs.iter().find(|j| j.id.value == id) else {
            continue;
        };
        if job_runs_checks(needed) {
            return true;
        }
        stack.extend(needed.needs.iter().map(|n| n.value.as_str()));
    }
    false
}

impl Rule for DeployWithoutChecks {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, workflow) in project.workflows() {
            if workflow.is_action || workflow.triggers.has("workflow_run") {
                continue;
            }
            for job in &workflow.jobs {
                let mut checked = needs_checks(workflow, job);
                for step in &job.steps {
                    if let Some(run) = &step.run
                        && run.script.commands.iter().any(|c| runs_checks(&c.words))
                    {
                        checked = true;
                    }
                    let Some(span) = step_deploy_span(step) else {
                        continue;
                    };
                    if !checked {
                        out.push(
                            Finding::new(&META, file, span)
                                .message(format!(
                                    "job `{}` deploys without depending on a job that runs lint, type checks or \
                                     tests: a push that breaks them still ships",
                                    job.id.value
                                ))
                                .help(META.help),
                        );
                    }
                    break;
                }
            }
        }
    }
}
