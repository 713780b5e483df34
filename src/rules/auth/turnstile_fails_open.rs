//! AUTH006 turnstile-fails-open: the doc lives in rules/AUTH006.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH006",
    "turnstile-fails-open",
    Error,
    "Turnstile verification passes when its secret is missing",
    "fail closed: reject the request (5xx) when TURNSTILE_SECRET_KEY is not set",
);

pub struct TurnstileFailsOpen;

impl Rule for TurnstileFailsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
