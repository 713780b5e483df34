//! NET003 cors-origin-invalid: the doc lives in rules/NET003.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET003",
    "cors-origin-invalid",
    Warning,
    "a CORS_ALLOWED_ORIGINS entry is not an exact origin",
    "write each entry as `scheme://host[:port]` with no path, trailing slash or spaces; use https outside localhost",
);

pub struct CorsOriginInvalid;

impl Rule for CorsOriginInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
