//! SEC008 secret-literal-in-script: the doc lives in rules/SEC008.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC008",
    "secret-literal-in-script",
    Error,
    "a committed script feeds a literal secret to `wrangler secret put` or `gh secret set`",
    "read the value from the environment or a generator (`openssl rand ... | wrangler secret put NAME`) instead of writing it in the script",
);

pub struct SecretLiteralInScript;

impl Rule for SecretLiteralInScript {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
