//! SEC004 env-file-not-ignored: the doc lives in rules/SEC004.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC004",
    "env-file-not-ignored",
    Error,
    "a local env file is tracked by git or not covered by .gitignore",
    "add `.dev.vars*` and `.env*` (except templates) to .gitignore and `git rm --cached` the file",
);

pub struct EnvFileNotIgnored;

impl Rule for EnvFileNotIgnored {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
