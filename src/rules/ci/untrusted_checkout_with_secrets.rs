//! CI005 untrusted-checkout-with-secrets: the doc lives in rules/CI005.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI005",
    "untrusted-checkout-with-secrets",
    Error,
    "a pull_request_target job checks out the pull request head with secrets available",
    "do not check out the PR head in pull_request_target jobs that have secrets; use pull_request instead",
);

pub struct UntrustedCheckoutWithSecrets;

impl Rule for UntrustedCheckoutWithSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
