//! SEC005 real-value-in-env-template: the doc lives in rules/SEC005.md.
//!
//! Templates are committed on purpose, so each of their values must be
//! something nobody could use: a placeholder for every credential name, and
//! never a value in one of the catalog's credential formats.

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::{Catalog, is_placeholder, redact};

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
        let catalog = Catalog::builtin();
        for (id, file, env) in project.dotenv_files() {
            if !matches!(file.kind, FileKind::EnvFile { template: true }) {
                continue;
            }
            for entry in &env.entries {
                let key = entry.key.as_str();
                let value = entry.value.as_str();
                // A known format embedded in a longer value (a DSN inside a
                // URL list) counts as much as a whole-value match.
                let format = catalog
                    .match_value(value)
                    .map(|m| m.description)
                    .or_else(|| {
                        file.credentials
                            .iter()
                            .find(|c| {
                                c.span.start >= entry.value.span.start
                                    && c.span.end <= entry.value.span.end
                            })
                            .map(|c| c.description)
                    });
                let message = if let Some(description) = format {
                    format!(
                        "`{key}` in a committed template holds a {description} ({})",
                        redact(value)
                    )
                } else if project.names.is_credential_name(key) && !is_placeholder(value) {
                    format!(
                        "`{key}` in a committed template holds a real-looking value ({}) instead of a placeholder",
                        redact(value)
                    )
                } else {
                    continue;
                };
                out.push(
                    Finding::new(&META, id, entry.value.span)
                        .message(message)
                        .help(format!(
                            "write `{key}=\"<value>\"` (or leave it empty) in the template, keep the real value \
                             in the ignored local file, and rotate it if it was ever real"
                        )),
                );
            }
        }
    }
}
