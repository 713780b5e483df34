//! NET005 ssrf-guard-incomplete: the doc lives in rules/NET005.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET005",
    "ssrf-guard-incomplete",
    Warning,
    "an SSRF guard misses required address ranges, or the guarded fetch follows redirects",
    "block 10/8, 172.16/12, 192.168/16, 127/8, localhost, 169.254.169.254, ::1 and ::ffff: and fetch with `redirect: 'manual'`",
);

pub struct SsrfGuardIncomplete;

impl Rule for SsrfGuardIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
