//! DB001 hyperdrive-not-pooled: the doc lives in rules/DB001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "DB001",
    "hyperdrive-not-pooled",
    Error,
    "Hyperdrive points at a Neon direct host instead of the `-pooler` endpoint",
    "use the Neon pooler host (`ep-...-pooler.<region>.aws.neon.tech`) as the Hyperdrive origin",
);

pub struct HyperdriveNotPooled;

impl Rule for HyperdriveNotPooled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
