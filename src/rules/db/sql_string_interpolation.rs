//! DB004 sql-string-interpolation: the doc lives in rules/DB004.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "DB004",
    "sql-string-interpolation",
    Warning,
    "SQL text is built by string interpolation or concatenation",
    "build SQL from constant text and bind every value as a parameter",
);

pub struct SqlStringInterpolation;

impl Rule for SqlStringInterpolation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
