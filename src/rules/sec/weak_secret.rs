//! SEC007 weak-secret: the doc lives in rules/SEC007.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC007",
    "weak-secret",
    Error,
    "a secret value is too short or has too little randomness",
    "generate it with `openssl rand -base64 32` (BETTER_AUTH_SECRET) or `openssl rand -base64 48` (ADMIN_KEY)",
);

pub struct WeakSecret;

impl Rule for WeakSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
