//! PF001 unused-suppression: the doc lives in rules/PF001.md.
//!
//! Whether a suppression was used is only known once every other rule has
//! run, so the report builder calls `unused` after suppressing.

use crate::finding::{FileId, Finding};
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "PF001",
    "unused-suppression",
    Warning,
    "a `preflight: ignore[...]` comment suppressed nothing",
    "remove the comment, or correct the codes it names",
);

pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _project: &Project, _out: &mut Vec<Finding>) {}
}

/// Suppressions that covered no finding. `used[file]` lists the indexes of
/// the file's suppressions that did. A code whose rule is disabled in this
/// run is not held against the comment.
pub fn unused(project: &Project, used: &[Vec<usize>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, file) in project.files() {
        for (index, s) in file.suppressions.iter().enumerate() {
            if used.get(id).is_some_and(|u| u.contains(&index)) {
                continue;
            }
            let unknown: Vec<&String> = s
                .codes
                .iter()
                .filter(|c| crate::rules::find(c).is_none())
                .collect();
            let relevant = s
                .codes
                .iter()
                .any(|c| crate::rules::find(c).is_none() || project.config.is_enabled(c));
            if !relevant {
                continue;
            }
            out.push(finding(id, s, &unknown));
        }
    }
    out
}

fn finding(file: FileId, s: &crate::suppress::Suppression, unknown: &[&String]) -> Finding {
    let codes = s.codes.join(", ");
    let message = if unknown.is_empty() {
        format!("this `preflight: ignore[{codes}]` suppresses no finding")
    } else {
        let names: Vec<&str> = unknown.iter().map(|c| c.as_str()).collect();
        format!(
            "this suppression names unknown rule code(s): {}",
            names.join(", ")
        )
    };
    Finding::new(&META, file, s.span).message(message)
}
