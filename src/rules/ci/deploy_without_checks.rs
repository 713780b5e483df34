//! CI003 deploy-without-checks: the doc lives in rules/CI003.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI003",
    "deploy-without-checks",
    Warning,
    "a deploy job does not depend on lint/typecheck/test jobs",
    "add `needs:` on the CI jobs, or trigger the deploy with `workflow_run` of the CI workflow",
);

pub struct DeployWithoutChecks;

impl Rule for DeployWithoutChecks {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
