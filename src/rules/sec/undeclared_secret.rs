//! SEC009 undeclared-secret: the doc lives in rules/SEC009.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC009",
    "undeclared-secret",
    Warning,
    "Worker code reads an env name that is neither a binding, a var nor a declared secret",
    "declare it: add it to `.dev.vars.example` and set it with `wrangler secret put NAME`, or add the var/binding",
);

pub struct UndeclaredSecret;

impl Rule for UndeclaredSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
