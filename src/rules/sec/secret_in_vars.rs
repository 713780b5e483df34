//! SEC001 secret-in-vars: the doc lives in rules/SEC001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC001",
    "secret-in-vars",
    Error,
    "a secret-named key sits in wrangler `vars`, which are deployed in clear text",
    "remove it from `vars` and set it with `wrangler secret put NAME`",
);

pub struct SecretInVars;

impl Rule for SecretInVars {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
