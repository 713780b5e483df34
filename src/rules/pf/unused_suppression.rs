//! PF001 unused-suppression: the doc lives in rules/PF001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "PF001",
    "unused-suppression",
    Warning,
    "a `preflight: ignore[...]` comment suppressed nothing",
    "remove the comment, or correct the codes it names",
);

pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
