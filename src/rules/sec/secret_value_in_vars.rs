//! SEC002 secret-value-in-vars: the doc lives in rules/SEC002.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC002",
    "secret-value-in-vars",
    Error,
    "a wrangler `vars` value looks like a credential",
    "move the value to a Worker secret (`wrangler secret put NAME`) and rotate it",
);

pub struct SecretValueInVars;

impl Rule for SecretValueInVars {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
