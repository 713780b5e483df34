//! CI007 secret-interpolated-in-script: the doc lives in rules/CI007.md.
//!
//! The runner substitutes `${{ }}` into the script text before the shell
//! runs it, so a secret there is code, not data. Presence tests
//! (`${{ secrets.X != '' }}`) expand to `true`/`false` and are fine.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::support::workflows::JobWalk;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI007",
    "secret-interpolated-in-script",
    Warning,
    "a secret is expanded with `${{ }}` directly inside `run:` text",
    "pass it through `env:` and reference the shell variable",
);

pub struct SecretInterpolatedInScript;

impl Rule for SecretInterpolatedInScript {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, workflow) in project.workflows() {
            for job in &workflow.jobs {
                let mut walk = JobWalk::new(workflow, job);
                for step in &job.steps {
                    let creds = walk.before(step).clone();
                    if let Some(run) = &step.run {
                        for e in run
                            .expressions
                            .iter()
                            .filter(|e| creds.expr_is_credential(e, false))
                        {
                            out.push(
                                Finding::new(&META, file, e.span)
                                    .message(format!(
                                        "`${{{{ {} }}}}` is pasted into the script text before the shell runs: a quote \
                                         or `$(` in the value breaks or injects into the script, and the value shows \
                                         in the process list",
                                        e.text
                                    ))
                                    .help(META.help),
                            );
                        }
                    }
                    walk.after(step);
                }
            }
        }
    }
}
