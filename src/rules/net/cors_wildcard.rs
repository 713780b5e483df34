//! NET001 cors-wildcard: the doc lives in rules/NET001.md.
//!
//! This file covers the configuration side: a `*` inside a
//! `CORS_ALLOWED_ORIGINS` value wherever the repository makes one visible
//! (wrangler vars, env files, scripts, literals fed to `wrangler secret put`,
//! workflow env). From a value alone the routes it reaches cannot be told, so
//! a production-scope `*` is an error and one outside production a warning.

use std::collections::HashSet;

use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::cors;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET001",
    "cors-wildcard",
    Error,
    "`*` is an allowed CORS origin",
    "list the exact origins allowed (`https://app.example.com`) instead of `*`",
);

pub struct CorsWildcard;

impl Rule for CorsWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut seen = HashSet::new();
        for value in project.named_values() {
            if !cors::is_origins_name(value.name) {
                continue;
            }
            for entry in cors::entries(value.value, value.value_span) {
                let text = entry.trimmed();
                if !text.contains('*') || cors::is_unknown(&value, &entry) {
                    continue;
                }
                let span = cors::trimmed_span(&entry);
                if !seen.insert((value.file, span)) {
                    continue;
                }
                let what = if text == "*" {
                    "allows every origin (`*`)"
                } else {
                    "holds a wildcard origin pattern"
                };
                let scope = if value.production {
                    "in production scope"
                } else {
                    "outside production"
                };
                let severity = if value.production {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                out.push(
                    Finding::new(&META, value.file, span)
                        .severity(severity)
                        .message(format!("`{}` {what} {scope}", value.name))
                        .help(help(text == "*")),
                );
            }
        }
    }
}

fn help(bare: bool) -> &'static str {
    if bare {
        "list the exact origins allowed, comma-separated (`https://app.example.com,https://admin.example.com`); \
         a `*` lets any website call the API from a visitor's browser"
    } else {
        "list each origin exactly (`https://app.example.com`); a pattern such as `https://*.example.com` is either \
         matched literally (and never matches) or, if the Worker expands it, admits every subdomain"
    }
}
