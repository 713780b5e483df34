//! PF000 parse-error: the doc lives in rules/PF000.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "PF000",
    "parse-error",
    Error,
    "a file preflight must understand cannot be parsed",
    "fix the syntax error; preflight checks every other file regardless",
);

pub struct ParseError;

impl Rule for ParseError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, file) in project.files() {
            if let Some(failure) = &file.parse_failure {
                out.push(
                    Finding::new(&META, id, failure.span)
                        .message(format!("cannot parse {}: {}", file.path, failure.message)),
                );
            }
        }
    }
}
