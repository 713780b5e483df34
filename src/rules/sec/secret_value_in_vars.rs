//! SEC002 secret-value-in-vars: the doc lives in rules/SEC002.md.
//!
//! The value decides, whatever the key: a known credential format, a URL
//! carrying a password, or random-looking text under a key that hints at a
//! credential. Entropy alone never decides, so digests and ids under neutral
//! names stay quiet. Values public by design (site and publishable keys,
//! PostHog project keys, host names) are not credentials; a Sentry DSN is
//! reported as info, since it only lets clients post events.

use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::conn_url::ConnUrl;
use crate::secrets::entropy::looks_random;
use crate::secrets::names::hints_credential;
use crate::secrets::{Catalog, PublicValue, is_placeholder, public_value, redact};

pub static META: RuleMeta = crate::rule_meta!(
    "SEC002",
    "secret-value-in-vars",
    Error,
    "a wrangler `vars` value looks like a credential",
    "move the value to a Worker secret (`wrangler secret put NAME`) and rotate it",
    root = CommittedCredential,
);

pub struct SecretValueInVars;

impl Rule for SecretValueInVars {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, config) in project.wrangler_configs() {
            for (_, table, var) in config.all_vars() {
                let Some(value) = var.value.as_str() else {
                    continue;
                };
                let key = var.key.value.as_str();
                let Some((what, public)) = credential_kind(project, key, value) else {
                    continue;
                };
                let finding = Finding::new(&META, file, var.value_span);
                if public {
                    out.push(
                        finding
                            .severity(Severity::Info)
                            .message(format!(
                                "`{key}` in {table} holds {what} (`{}`): public by design (it only lets \
                                 clients send events), but kept out of `vars` by policy",
                                redact(value)
                            ))
                            .help(format!(
                                "no rotation needed; to keep it out of the config, set it with \
                                 `wrangler secret put {key}`"
                            )),
                    );
                    continue;
                }
                out.push(
                        finding
                            .message(format!(
                                "`{key}` in {table} holds {what} (`{}`), committed and deployed in clear text",
                                redact(value)
                            ))
                            .help(format!(
                                "treat it as leaked: rotate it at its issuer, delete it from {table}, and set the new \
                                 value with `wrangler secret put {key}`"
                            )),
                    );
            }
        }
    }
}

/// What makes `value` a credential, and whether that kind is public by
/// design (a Sentry DSN), or `None`.
fn credential_kind(project: &Project, key: &str, value: &str) -> Option<(String, bool)> {
    let value = value.trim();
    if value.is_empty() || is_placeholder(value) {
        return None;
    }
    match public_value(value) {
        Some(PublicValue::SentryDsn) => return Some(("a Sentry DSN".to_string(), true)),
        Some(_) => return None,
        None => {}
    }
    if let Some(found) = Catalog::builtin().match_value(value) {
        // A public DSN was handled above; one with its secret half is a leak.
        return Some((format!("a {}", found.description), false));
    }
    if let Some(url) = ConnUrl::parse(value) {
        if has_real_password(&url) {
            let what = if url.is_database() {
                "a database connection string with its password"
            } else {
                "a URL with an embedded password"
            };
            return Some((what.to_string(), false));
        }
        return None;
    }
    if hints_credential(key)
        && !project.names.is_public_name(key)
        && !is_identifier_name(key)
        && looks_random(value)
    {
        return Some((
            "a random-looking value under a credential-like name".to_string(),
            false,
        ));
    }
    None
}

/// `*_ID` names hold identifiers (account, client, key ids), which are
/// random-looking by design and not secret.
fn is_identifier_name(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    upper.ends_with("_ID") || upper.ends_with("_IDS") || upper == "ID"
}

fn has_real_password(url: &ConnUrl<'_>) -> bool {
    let Some(password) = url.password else {
        return false;
    };
    let lower = password.to_ascii_lowercase();
    !password.is_empty()
        && !matches!(lower.as_str(), "password" | "pass" | "secret")
        && !is_placeholder(password)
        && !url.is_local()
}
