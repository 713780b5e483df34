//! SEC005 real-value-in-env-template: the doc lives in rules/SEC005.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC005",
    "real-value-in-env-template",
    Error,
    "an env template holds a real credential value",
    "replace the value with a placeholder such as `<value>` and rotate the credential",
);

pub struct RealValueInEnvTemplate;

impl Rule for RealValueInEnvTemplate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
