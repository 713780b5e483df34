//! SEC010 env-not-inherited: the doc lives in rules/SEC010.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC010",
    "env-not-inherited",
    Warning,
    "a production environment omits a var or binding defined at top level; wrangler does not inherit it",
    "repeat the var or binding inside the `[env.NAME]` section",
);

pub struct EnvNotInherited;

impl Rule for EnvNotInherited {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
