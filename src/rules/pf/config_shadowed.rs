//! PF003 config-shadowed: the doc lives in rules/PF003.md.
//!
//! Wrangler reads one config per directory, the first of `wrangler.json`,
//! `wrangler.jsonc`, `wrangler.toml` that exists. A second config beside it
//! is never deployed, yet reads as the Worker's configuration to anyone
//! editing it (and to preflight's config rules, which still judge it).
//! The facts come from `project::build::link_workers`, which keeps the
//! config wrangler uses and records the others.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "PF003",
    "config-shadowed",
    Info,
    "a wrangler config that wrangler never reads: another config in its directory wins",
    "delete the config wrangler does not read, or merge what it holds into the one it does",
);

pub struct ConfigShadowed;

impl Rule for ConfigShadowed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for shadowed in &project.shadowed_configs {
            let used = &project.file(shadowed.used).path;
            out.push(
                Finding::new(&META, shadowed.file, Span::empty_at(0))
                    .message(format!(
                        "wrangler reads `{used}` in this directory, not this file: nothing \
                         here is deployed, and a setting changed here changes nothing"
                    ))
                    .related(
                        shadowed.used,
                        Span::empty_at(0),
                        "the config wrangler reads",
                    ),
            );
        }
    }
}
