//! SEC005 real-value-in-env-template: the doc lives in rules/SEC005.md.
//!
//! Templates are committed on purpose, so each of their values must be
//! something nobody could use: a placeholder for every credential name, and
//! never a value in one of the catalog's credential formats. Stand-ins
//! (`dev-local-secret`, `TODO`, `[password]`) and values public by design
//! (site and publishable keys, host names) are fine; a Sentry DSN is info.

use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::{
    Catalog, PublicValue, is_public_credential_id, is_template_dummy, public_value, redact,
};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC005",
    "real-value-in-env-template",
    Error,
    "an env template holds a real credential value",
    "replace the value with a placeholder such as `<value>` and rotate the credential",
    root = CommittedCredential,
);

pub struct RealValueInEnvTemplate;

/// Below this length a value under a credential name is more likely a
/// stand-in typed for local development (`GELLO`, `abc`) than a real
/// secret, which is generated and 16 characters or more: still reported,
/// since a weak real password is possible, but as a warning.
const SHORT_VALUE_LEN: usize = 8;

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
            // One finding per value and file; repeats are related locations.
            let mut firsts: crate::hashing::HashMap<&str, usize> = Default::default();
            for entry in &env.entries {
                let key = entry.key.as_str();
                let value = entry.value.as_str();
                if let Some(&at) = firsts.get(value) {
                    out[at].add_related(
                        id,
                        entry.value.span,
                        format!("the same value again, under `{key}`"),
                    );
                    continue;
                }
                // A known format embedded in a longer value (a DSN inside a
                // URL list) counts as much as a whole-value match.
                let format = catalog.match_value(value).or_else(|| {
                    file.credentials
                        .iter()
                        .find(|c| {
                            c.span.start >= entry.value.span.start
                                && c.span.end <= entry.value.span.end
                        })
                        .cloned()
                });
                let public = public_value(value);
                let mut severity = META.severity;
                let message = if let Some(found) = format {
                    let note = if is_public_credential_id(found.id) {
                        severity = Severity::Info;
                        ": public by design, but a template usually leaves it blank"
                    } else {
                        ""
                    };
                    format!(
                        "`{key}` in a committed template holds a {} ({}){note}",
                        found.description,
                        redact(value)
                    )
                } else if public == Some(PublicValue::SentryDsn) {
                    severity = Severity::Info;
                    format!(
                        "`{key}` in a committed template holds a Sentry DSN ({}): public by design, \
                         but a template usually leaves it blank",
                        redact(value)
                    )
                } else if project.names.is_credential_name(key)
                    && !is_template_dummy(value)
                    && public.is_none()
                {
                    if value.trim().chars().count() < SHORT_VALUE_LEN {
                        severity = Severity::Warning;
                        format!(
                            "`{key}` in a committed template holds a short value ({}) instead of a \
                             placeholder: likely a stand-in, but no placeholder says so",
                            redact(value)
                        )
                    } else {
                        format!(
                            "`{key}` in a committed template holds a real-looking value ({}) instead of a placeholder",
                            redact(value)
                        )
                    }
                } else {
                    continue;
                };
                firsts.insert(value, out.len());
                out.push(
                    Finding::new(&META, id, entry.value.span)
                        .severity(severity)
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
