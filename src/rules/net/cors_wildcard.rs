//! NET001 cors-wildcard: the doc lives in rules/NET001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET001",
    "cors-wildcard",
    Error,
    "`*` is an allowed CORS origin",
    "list the exact origins allowed (`https://app.example.com`) instead of `*`",
);

pub struct CorsWildcard;

impl Rule for CorsWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
