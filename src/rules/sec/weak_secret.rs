//! SEC007 weak-secret: the doc lives in rules/SEC007.md.
//!
//! Static sources only: values that committed scripts and workflows set for
//! a name with a minimum length (`BETTER_AUTH_SECRET`, `ADMIN_KEY`, and the
//! names `[secrets.min_length]` adds). A placeholder there is a template to
//! fill in and is not reported. Messages give lengths, never characters: a
//! weak secret's first characters are a large part of it.

use std::collections::HashSet;

use crate::finding::{FileId, Finding};
use crate::project::{Project, ValueOrigin};
use crate::rules::support::scripts::{all_scripts, secret_feeds};
use crate::rules::{Rule, RuleMeta};
use crate::secrets::entropy::{LOW_ENTROPY, MIN_DISTINCT_CHARS, is_low_entropy};
use crate::secrets::is_placeholder;
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC007",
    "weak-secret",
    Error,
    "a secret value is too short or has too little randomness",
    "generate it with `openssl rand -base64 32` (BETTER_AUTH_SECRET) or `openssl rand -base64 48` (ADMIN_KEY)",
);

pub struct WeakSecret;

/// Why a value is weak for a name that needs `min` characters.
fn weakness(value: &str, min: usize) -> Option<String> {
    let length = value.chars().count();
    if length < min {
        return Some(format!(
            "is {length} characters long; at least {min} are required"
        ));
    }
    is_low_entropy(value).then(|| {
        format!(
            "has {length} characters but little randomness (fewer than {MIN_DISTINCT_CHARS} distinct \
             characters, under {LOW_ENTROPY} bits of entropy per character, a repeated chunk or a run)"
        )
    })
}

impl WeakSecret {
    fn report(&self, out: &mut Vec<Finding>, file: FileId, span: Span, name: &str, why: String) {
        out.push(
            Finding::new(&META, file, span)
                .message(format!("the value set for `{name}` {why}"))
                .help(generator_help(name)),
        );
    }
}

fn generator_help(name: &str) -> String {
    let bytes = match name {
        "ADMIN_KEY" => 48,
        _ => 32,
    };
    format!(
        "generate it at deploy time instead of writing it down: `openssl rand -base64 {bytes} | wrangler secret put {name}`"
    )
}

impl Rule for WeakSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let config = &project.config;
        let mut seen: HashSet<(FileId, Span)> = HashSet::new();
        for value in project.named_values() {
            let from_script_or_workflow = matches!(
                value.origin,
                ValueOrigin::ScriptAssignment
                    | ValueOrigin::SecretPut
                    | ValueOrigin::GhSecretSet
                    | ValueOrigin::WorkflowEnv
            );
            if !from_script_or_workflow || !value.literal || is_placeholder(value.value) {
                continue;
            }
            let Some(min) = config.min_length(value.name) else {
                continue;
            };
            if let Some(why) = weakness(value.value, min)
                && seen.insert((value.file, value.value_span))
            {
                self.report(out, value.file, value.value_span, value.name, why);
            }
        }
        // `KEY=short; echo "$KEY" | wrangler secret put ADMIN_KEY` assigns
        // the literal under another name: read the scripts themselves too.
        // Named values already cover script and `run:` assignments, and
        // `seen` keeps a value found both ways to one finding.
        for (file, script, _) in all_scripts(project) {
            let assignments = script.commands.iter().flat_map(|c| c.assignments.iter());
            let assigned = assignments
                .filter(|a| a.value.is_literal())
                .map(|a| (a.name.value.as_str(), &a.value));
            let feeds = secret_feeds(project, script);
            let fed = feeds.iter().map(|f| (f.name.text.as_str(), f.value));
            for (name, word) in assigned.chain(fed) {
                let value = word.text.as_str();
                if is_placeholder(value) {
                    continue;
                }
                let Some(min) = config.min_length(name) else {
                    continue;
                };
                if let Some(why) = weakness(value, min)
                    && seen.insert((file, word.span))
                {
                    self.report(out, file, word.span, name, why);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_weak() {
        let why = weakness("short", 32).expect("weak");
        assert!(why.contains("5 characters"), "{why}");
        assert!(!why.contains("short"), "never echoes the value");
    }

    #[test]
    fn long_patterned_values_are_weak_and_random_ones_are_not() {
        assert!(weakness(&"ab".repeat(30), 48).is_some());
        assert!(weakness("Qm9iIGlzIGEgcmFuZG9tIHN0cmluZyBmb3IgdGVzdHMh", 32).is_none());
    }
}
