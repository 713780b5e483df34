//! SEC003 committed-secret: the doc lives in rules/SEC003.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC003",
    "committed-secret",
    Error,
    "a credential in a known format is committed",
    "remove it from the file and its history, rotate it, and load it from a secret store",
);

pub struct CommittedSecret;

impl Rule for CommittedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
