//! CI002 hardcoded-secret-in-workflow: the doc lives in rules/CI002.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI002",
    "hardcoded-secret-in-workflow",
    Error,
    "a workflow hardcodes a secret value instead of using `${{ secrets.* }}`",
    "store the value in repository secrets and reference it as `${{ secrets.NAME }}`",
);

pub struct HardcodedSecretInWorkflow;

impl Rule for HardcodedSecretInWorkflow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
