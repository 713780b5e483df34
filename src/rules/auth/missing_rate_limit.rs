//! AUTH004 missing-rate-limit: the doc lives in rules/AUTH004.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH004",
    "missing-rate-limit",
    Warning,
    "the Worker has no rate limiting",
    "add a `ratelimits` binding and call it from middleware on the public routes",
);

pub struct MissingRateLimit;

impl Rule for MissingRateLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
