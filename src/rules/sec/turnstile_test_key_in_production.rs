//! SEC006 turnstile-test-key-in-production: the doc lives in rules/SEC006.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC006",
    "turnstile-test-key-in-production",
    Error,
    "a Cloudflare Turnstile test key is used in production scope",
    "use the real site key and secret from the Turnstile dashboard; keep test keys in `.dev.vars` or `env.dev`",
);

pub struct TurnstileTestKeyInProduction;

impl Rule for TurnstileTestKeyInProduction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
