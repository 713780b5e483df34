//! CI006 no-health-monitoring: the doc lives in rules/CI006.md.
//!
//! Per repository: a project whose workflows deploy a Worker and that has no
//! scheduled workflow probing a health endpoint. Monitoring outside GitHub
//! (an uptime service) cannot be seen, hence `info`.

use crate::finding::Finding;
use crate::formats::workflow::Workflow;
use crate::project::Project;
use crate::rules::support::workflows::step_deploy_span;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI006",
    "no-health-monitoring",
    Info,
    "no scheduled workflow probes the Worker's health endpoint",
    "add a workflow `on: schedule` that requests `/health` and fails when it is down",
);

pub struct NoHealthMonitoring;

const PROBES: &[&str] = &[
    "curl", "wget", "http", "fetch", "node", "deno", "bun", "npx", "pnpm", "npm",
];

pub(crate) fn probes_health(workflow: &Workflow, paths: &[String]) -> bool {
    let mentions = |text: &str| paths.iter().any(|p| text.contains(p.as_str()));
    workflow.jobs.iter().flat_map(|j| &j.steps).any(|step| {
        let in_run = step.run.as_ref().is_some_and(|r| {
            r.script.commands.iter().any(|c| {
                c.words.first().is_some_and(|w| {
                    let program = w.text.rsplit('/').next().unwrap_or(&w.text);
                    PROBES.contains(&program)
                }) && c.words.iter().any(|w| mentions(&w.text))
            })
        });
        let in_inputs = step.uses.is_some()
            && step
                .with
                .iter()
                .any(|kv| kv.value.as_ref().is_some_and(|v| mentions(&v.value)));
        in_run || in_inputs
    })
}

impl Rule for NoHealthMonitoring {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let paths = &project.config.health_paths;
        let monitored = project
            .workflows()
            .any(|(_, w)| w.triggers.has("schedule") && probes_health(w, paths));
        if monitored {
            return;
        }
        let first_deploy = project.workflows().find_map(|(file, w)| {
            w.jobs
                .iter()
                .find(|j| j.steps.iter().any(|s| step_deploy_span(s).is_some()))
                .map(|j| (file, j.id.span, j.id.value.as_str()))
        });
        let Some((file, span, job)) = first_deploy else {
            return;
        };
        let listed = paths
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Finding::new(&META, file, span)
                .message(format!(
                    "job `{job}` deploys a Worker, but no scheduled workflow probes its health endpoint ({listed}): \
                     an outage is noticed only when users report it"
                ))
                .help(META.help),
        );
    }
}
