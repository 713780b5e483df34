//! NET006 cors-allowlist-too-broad: the doc lives in rules/NET006.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET006",
    "cors-allowlist-too-broad",
    Error,
    "a credentialed CORS policy accepts origins anyone can register",
    "match exact origins from an allowlist; never suffix-match shared hosting domains",
);

pub struct CorsAllowlistTooBroad;

impl Rule for CorsAllowlistTooBroad {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
