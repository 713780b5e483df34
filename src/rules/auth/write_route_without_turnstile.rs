//! AUTH002 write-route-without-turnstile: the doc lives in rules/AUTH002.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH002",
    "write-route-without-turnstile",
    Error,
    "a protected write route runs without Turnstile verification",
    "verify the Turnstile token (siteverify) in middleware that runs before the handler, or in the handler",
);

pub struct WriteRouteWithoutTurnstile;

impl Rule for WriteRouteWithoutTurnstile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
