//! DB002 migration-not-direct: the doc lives in rules/DB002.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "DB002",
    "migration-not-direct",
    Error,
    "a migration runs through a pooled connection URL",
    "run migrations with DIRECT_DATABASE_URL pointing at the Neon direct (non `-pooler`) host",
);

pub struct MigrationNotDirect;

impl Rule for MigrationNotDirect {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
