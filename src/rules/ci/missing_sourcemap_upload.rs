//! CI004 missing-sourcemap-upload: the doc lives in rules/CI004.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI004",
    "missing-sourcemap-upload",
    Warning,
    "the Worker uses Sentry but deploys upload no source maps",
    "upload source maps on deploy (`sentry-cli sourcemaps upload` or `getsentry/action-release`)",
);

pub struct MissingSourcemapUpload;

impl Rule for MissingSourcemapUpload {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
