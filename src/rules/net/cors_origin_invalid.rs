//! NET003 cors-origin-invalid: the doc lives in rules/NET003.md.
//!
//! Every `CORS_ALLOWED_ORIGINS` value the repository makes visible is split
//! into its entries; each entry that is not an exact origin as a browser
//! sends it is reported at the entry itself. Entries holding `*` are NET001's.

use crate::hashing::HashSet;

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::support::cors::{self, Problem};
use crate::rules::{Rule, RuleMeta};
use crate::secrets::is_placeholder;

pub static META: RuleMeta = crate::rule_meta!(
    "NET003",
    "cors-origin-invalid",
    Warning,
    "a CORS_ALLOWED_ORIGINS entry is not an exact origin",
    "write each entry as `scheme://host[:port]` with no path, trailing slash or spaces; use https outside localhost",
);

pub struct CorsOriginInvalid;

impl Rule for CorsOriginInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut seen = HashSet::default();
        for value in project.named_values() {
            // An empty or template value says nothing about the real list.
            if !cors::is_origins_name(value.name)
                || value.value.trim().is_empty()
                || is_placeholder(value.value)
            {
                continue;
            }
            for entry in cors::entries(value.value, value.value_span) {
                if cors::is_unknown(&value, &entry) || is_placeholder_entry(entry.trimmed()) {
                    continue;
                }
                let Some(problem) = cors::problem(&entry, value.production) else {
                    continue;
                };
                let span = cors::trimmed_span(&entry);
                if !seen.insert((value.file, span)) {
                    continue;
                }
                out.push(
                    Finding::new(&META, value.file, span)
                        .message(format!(
                            "an entry of `{}` {}",
                            value.name,
                            problem.describe()
                        ))
                        .help(help(problem)),
                );
            }
        }
    }
}

/// A template entry (`https://<your-domain>`); an empty entry is a real
/// mistake, not a placeholder.
fn is_placeholder_entry(text: &str) -> bool {
    !text.is_empty() && (is_placeholder(text) || text.contains('<') || text.contains("${"))
}

fn help(problem: Problem) -> &'static str {
    match problem {
        Problem::Empty => "remove the extra comma",
        Problem::Whitespace => "remove the spaces: `https://a.example.com,https://b.example.com`",
        Problem::NullOrigin => "remove `null`; allow only the exact origins of your own front ends",
        Problem::NoScheme | Problem::Credentials | Problem::BadPort => {
            "write the entry as `https://host` or `https://host:port`"
        }
        Problem::TrailingSlash | Problem::Path => {
            "keep only `scheme://host[:port]`: drop the trailing slash and any path"
        }
        Problem::DefaultPort => "drop the `:443` / `:80`: browsers omit the default port",
        Problem::NotLowercase => "write the scheme and host in lower case",
        Problem::InsecureHttp => "use `https://` for every origin that is not localhost",
        Problem::LocalhostInProduction => {
            "keep localhost origins in `.dev.vars` or a dev env; list only deployed front ends in production"
        }
    }
}
