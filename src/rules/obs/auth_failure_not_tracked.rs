//! OBS001 auth-failure-not-tracked: the doc lives in rules/OBS001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "OBS001",
    "auth-failure-not-tracked",
    Warning,
    "an auth failure response is returned without emitting a security event",
    "call the security-event tracker (`trackSecurityEvent`) before returning 401/403",
);

pub struct AuthFailureNotTracked;

impl Rule for AuthFailureNotTracked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
