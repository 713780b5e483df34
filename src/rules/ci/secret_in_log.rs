//! CI001 secret-in-log: the doc lives in rules/CI001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI001",
    "secret-in-log",
    Error,
    "a workflow publishes a credential to logs, comments, summaries or artifacts",
    "never print secrets; pipe them into the command that needs them",
);

pub struct SecretInLog;

impl Rule for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
