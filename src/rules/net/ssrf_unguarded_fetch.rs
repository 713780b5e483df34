//! NET004 ssrf-unguarded-fetch: the doc lives in rules/NET004.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET004",
    "ssrf-unguarded-fetch",
    Error,
    "a fetch URL comes from request input without an SSRF guard",
    "validate the URL with a guard that blocks private, loopback and metadata addresses before fetching it",
);

pub struct SsrfUnguardedFetch;

impl Rule for SsrfUnguardedFetch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
