//! NET002 cors-reflects-origin: the doc lives in rules/NET002.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET002",
    "cors-reflects-origin",
    Error,
    "the request's Origin is reflected into Access-Control-Allow-Origin without an allowlist check",
    "check the origin against an explicit allowlist before echoing it",
);

pub struct CorsReflectsOrigin;

impl Rule for CorsReflectsOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
