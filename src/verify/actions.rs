//! GitHub Actions: LIVE004 (a `secrets.NAME` a workflow uses that neither
//! the repository, the job's environment nor the organization provides),
//! LIVE005 (the scheduled health probe disabled) and LIVE006 (repository
//! and environment secrets older than their rotation policy).
//!
//! Limits: reusable workflows (`on: workflow_call`) get their secrets from
//! the caller and are not judged; a job whose `environment` is an
//! expression is judged against the repository and organization only and,
//! when the name is not there, reported as unverified.

use std::collections::BTreeMap;

use crate::finding::{FileId, Finding};
use crate::formats::workflow::{ExprRef, Workflow};
use crate::project::Project;
use crate::rules::ci::no_health_monitoring::probes_health;
use crate::rules::live;
use crate::span::Span;

use super::Outcome;
use super::github::Secret;
use super::rotation;
use super::sources::{GitHub, Unknown};

/// A workflow's first use of one secret in one environment.
struct Use {
    file: FileId,
    span: Span,
    name: String,
    /// The job's `environment` (`None` without one; `Some("")` when it is an
    /// expression).
    environment: Option<String>,
}

pub fn check(project: &Project, github: &GitHub, out: &mut Outcome) {
    let uses = secret_uses(project);
    let health: Vec<(FileId, &Workflow)> = project
        .workflows()
        .filter(|(_, w)| {
            w.triggers.has("schedule") && probes_health(w, &project.config.health_paths)
        })
        .collect();
    if uses.is_empty() && health.is_empty() {
        return;
    }
    if github.repo().is_none() {
        // One finding for the whole of GitHub: the reason is the same.
        let why = github
            .repository_secrets()
            .err()
            .unwrap_or_else(|| "GitHub is not reachable".to_string());
        if let Some(first) = uses.first() {
            let mut names: Vec<&str> = uses.iter().map(|u| u.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            out.unknown(
                &[&live::ACTIONS_SECRET_MISSING],
                Finding::new(&live::LIVE_STATE_UNVERIFIED, first.file, first.span).message(
                    format!(
                        "the Actions secrets the workflows use ({}) are not verified: {why}",
                        names.join(", ")
                    ),
                ),
            );
        }
        for (file, workflow) in &health {
            out.unknown(
                &[&live::HEALTH_WORKFLOW_DISABLED],
                Finding::new(&live::LIVE_STATE_UNVERIFIED, *file, anchor(workflow)).message(
                    format!("the health-probe workflow's state is not verified: {why}"),
                ),
            );
        }
        return;
    }

    let repository = github.repository_secrets();
    let organization = github.organization_secrets();
    let mut environments: BTreeMap<String, Result<Vec<Secret>, Unknown>> = BTreeMap::new();
    for environment in uses.iter().filter_map(|u| u.environment.as_deref()) {
        if !environment.is_empty() && !environments.contains_key(environment) {
            environments.insert(
                environment.to_string(),
                github.environment_secrets(environment),
            );
        }
    }

    for used in &uses {
        let mut sources: Vec<&Result<Vec<Secret>, Unknown>> = vec![&repository, &organization];
        let mut unknown_environment = false;
        match used.environment.as_deref() {
            Some("") => unknown_environment = true,
            Some(environment) => sources.extend(environments.get(environment)),
            None => {}
        }
        let found = sources.iter().any(|s| {
            s.as_ref()
                .is_ok_and(|list| list.iter().any(|x| x.name == used.name))
        });
        if found {
            continue;
        }
        let failures: Vec<&str> = sources
            .iter()
            .filter_map(|s| s.as_ref().err().map(String::as_str))
            .collect();
        let at = |meta| Finding::new(meta, used.file, used.span);
        if !failures.is_empty() || unknown_environment {
            let mut why = failures.join("; ");
            if unknown_environment {
                if !why.is_empty() {
                    why.push_str("; ");
                }
                why.push_str("the job's environment is an expression, so its secrets are unknown");
            }
            out.unknown(
                &[&live::ACTIONS_SECRET_MISSING],
                at(&live::LIVE_STATE_UNVERIFIED).message(format!(
                    "`secrets.{}` is not among the secrets that could be read: {why}",
                    used.name
                )),
            );
            continue;
        }
        let scope = match &used.environment {
            Some(environment) => {
                format!("the repository, environment `{environment}` or the organization")
            }
            None => "the repository or the organization".to_string(),
        };
        out.push(at(&live::ACTIONS_SECRET_MISSING).message(format!(
            "the workflow uses `secrets.{}`, which {scope} does not provide: it evaluates to an empty string",
            used.name
        )).help(format!(
            "add `{}` under Settings > Secrets and variables > Actions, or `gh secret set {}`",
            used.name, used.name
        )));
    }

    for (file, workflow) in &health {
        let path = &project.file(*file).path;
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let at = Finding::new(&live::LIVE_STATE_UNVERIFIED, *file, anchor(workflow));
        match github.workflow_state(file_name) {
            Ok(state) if state.starts_with("disabled") => out.push(
                Finding::new(&live::HEALTH_WORKFLOW_DISABLED, *file, anchor(workflow)).message(
                    format!("the health-probe workflow `{file_name}` is `{state}` on GitHub: nothing probes the Worker"),
                ),
            ),
            Ok(state) if state == "active" => {}
            Ok(state) => out.unknown(&[&live::HEALTH_WORKFLOW_DISABLED], at.message(format!(
                "the health-probe workflow `{file_name}` is `{state}` on GitHub, not `active`"
            ))),
            Err(why) => out.unknown(&[&live::HEALTH_WORKFLOW_DISABLED], at.message(format!(
                "the health-probe workflow's state is not verified: {why}"
            ))),
        }
    }

    let first_use = |name: &str| uses.iter().find(|u| u.name == name);
    let mut dated: Vec<(String, &Secret)> = Vec::new();
    if let Ok(list) = &repository {
        dated.extend(list.iter().map(|s| ("repository".to_string(), s)));
    }
    for (environment, list) in &environments {
        if let Ok(list) = list {
            dated.extend(
                list.iter()
                    .map(|s| (format!("environment `{environment}`"), s)),
            );
        }
    }
    let repo = github.repo().map(|r| r.display()).unwrap_or_default();
    for (scope, secret) in dated {
        let Some(&days) = project.config.rotation_days.get(&secret.name) else {
            continue;
        };
        let finding = |meta| match first_use(&secret.name) {
            Some(u) => Finding::new(meta, u.file, u.span),
            None => Finding::virtual_path(meta, format!("github:{repo}:secrets/{}", secret.name)),
        };
        match secret.updated_at.as_deref().and_then(rotation::age_days) {
            Some(age) if age > days => out.push(finding(&live::SECRET_ROTATION_OVERDUE).message(format!(
                "the {scope} secret `{}` last changed {age} days ago; the policy is {days} days",
                secret.name
            ))),
            Some(_) => {}
            None => out.unknown(&[&live::SECRET_ROTATION_OVERDUE], finding(&live::LIVE_STATE_UNVERIFIED).message(format!(
                "the rotation of the {scope} secret `{}` is not verified: GitHub gave no readable `updated_at`",
                secret.name
            ))),
        }
    }
}

/// Where findings about a workflow as a whole point: its `name`.
fn anchor(workflow: &Workflow) -> Span {
    workflow.name.as_ref().map_or(Span::default(), |n| n.span)
}

/// The first use of each secret per (workflow, environment), in file order.
fn secret_uses(project: &Project) -> Vec<Use> {
    let mut uses: Vec<Use> = Vec::new();
    for (file, workflow) in project.workflows() {
        if workflow.is_action || workflow.triggers.has("workflow_call") {
            continue;
        }
        for expression in &workflow.expressions {
            let job = workflow.jobs.iter().find(|j| {
                j.span.start <= expression.span.start && expression.span.end <= j.span.end
            });
            let environment = job.and_then(|j| j.environment.as_ref()).map(|e| {
                if e.value.contains("${{") {
                    String::new()
                } else {
                    e.value.clone()
                }
            });
            for reference in &expression.refs {
                let ExprRef::Secret(name) = reference else {
                    continue;
                };
                // Always provided by GitHub.
                if name.eq_ignore_ascii_case("GITHUB_TOKEN") {
                    continue;
                }
                let seen = uses
                    .iter()
                    .any(|u| u.file == file && &u.name == name && u.environment == environment);
                if !seen {
                    uses.push(Use {
                        file,
                        span: expression.span,
                        name: name.clone(),
                        environment: environment.clone(),
                    });
                }
            }
        }
    }
    uses
}
