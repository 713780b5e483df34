//! CI006 no-health-monitoring: the doc lives in rules/CI006.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI006",
    "no-health-monitoring",
    Info,
    "no scheduled workflow probes the Worker's health endpoint",
    "add a workflow `on: schedule` that requests `/health` and fails when it is down",
);

pub struct NoHealthMonitoring;

impl Rule for NoHealthMonitoring {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
