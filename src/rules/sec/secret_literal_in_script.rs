//! SEC008 secret-literal-in-script: the doc lives in rules/SEC008.md.
//! The script queries it shares with DB001, DB002 and SEC007 are in
//! `rules/support/scripts.rs`.

use std::collections::HashSet;

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::support::scripts::{all_scripts, secret_feeds};
use crate::rules::{Rule, RuleMeta};
use crate::secrets::names::hints_credential;
use crate::secrets::{Catalog, is_placeholder, redact};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC008",
    "secret-literal-in-script",
    Error,
    "a committed script feeds a literal secret to `wrangler secret put` or `gh secret set`",
    "read the value from the environment or a generator (`openssl rand ... | wrangler secret put NAME`) instead of writing it in the script",
    root = CommittedCredential,
);

pub struct SecretLiteralInScript;

/// Whether a literal given to a secret-setting command under `name` is a
/// leaked credential. Names that are confidential but grant nothing
/// (`CORS_ALLOWED_ORIGINS`), public names and plain identifiers
/// (`NEON_PROJECT_ID`) are left alone unless the value has a credential
/// format.
fn is_leak(project: &Project, name: &str, value: &str) -> bool {
    if is_placeholder(value) {
        return false;
    }
    if Catalog::builtin().match_value(value).is_some() {
        return true;
    }
    let names = &project.names;
    if names.is_public_name(name) {
        return false;
    }
    if names.is_secret_name(name) {
        return names.is_credential_name(name);
    }
    hints_credential(name)
}

impl Rule for SecretLiteralInScript {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        // One finding per value and file (a package.json holds several
        // scripts); repeats are related locations.
        let mut firsts: crate::hashing::HashMap<(crate::finding::FileId, String), usize> =
            Default::default();
        for (id, script, _) in all_scripts(project) {
            let mut seen: HashSet<Span> = HashSet::new();
            for feed in secret_feeds(project, script) {
                let name = feed.name.text.as_str();
                let value = feed.value.text.as_str();
                if !is_leak(project, name, value) || !seen.insert(feed.value.span) {
                    continue;
                }
                if let Some(&at) = firsts.get(&(id, value.to_string())) {
                    out[at].add_related(
                        id,
                        feed.value.span,
                        format!("the same value again, for `{name}`"),
                    );
                    continue;
                }
                firsts.insert((id, value.to_string()), out.len());
                let how = if feed.via_variable {
                    "is assigned here and later passed to"
                } else {
                    "is written into the script and passed to"
                };
                out.push(
                    Finding::new(&META, id, feed.value.span)
                        .message(format!(
                            "a literal value ({}) {how} `{} {name}`: everyone who can read the repository has it",
                            redact(value),
                            feed.command
                        ))
                        .help(format!(
                            "generate or read it at run time (`openssl rand -base64 32 | {} {name}`, \
                             `echo \"$VALUE\" | ...` with VALUE from the environment), and rotate the committed value",
                            feed.command
                        )),
                );
            }
        }
    }
}
