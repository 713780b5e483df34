//! CI007 secret-interpolated-in-script: the doc lives in rules/CI007.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI007",
    "secret-interpolated-in-script",
    Warning,
    "a secret is expanded with `${{ }}` directly inside `run:` text",
    "pass it through `env:` and reference the shell variable",
);

pub struct SecretInterpolatedInScript;

impl Rule for SecretInterpolatedInScript {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
