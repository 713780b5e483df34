//! AUTH005 non-constant-time-compare: the doc lives in rules/AUTH005.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH005",
    "non-constant-time-compare",
    Warning,
    "a secret is compared with `===`/`!==` instead of in constant time",
    "compare with `crypto.subtle.timingSafeEqual` over equal-length byte arrays",
);

pub struct NonConstantTimeCompare;

impl Rule for NonConstantTimeCompare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
