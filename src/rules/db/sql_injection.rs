//! DB003 sql-injection: the doc lives in rules/DB003.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "DB003",
    "sql-injection",
    Error,
    "SQL built by interpolation reaches a query sink",
    "pass values as bound parameters: `.prepare('... WHERE id = ?1').bind(id)`",
);

pub struct SqlInjection;

impl Rule for SqlInjection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
