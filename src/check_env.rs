//! `--check-env`: at deploy time, checks the secrets in this process's
//! environment. Every name with a minimum length (`BETTER_AUTH_SECRET` 32,
//! `ADMIN_KEY` 48, `[secrets.min_length]`) must be set, not a placeholder,
//! long enough and random enough; every `[secrets] required` name of
//! preflight.toml and every `secrets.required` name of a production scope
//! of a wrangler config must be set and not a placeholder. Findings are
//! SEC007 at `<env>:NAME`. The deploy's `CORS_ALLOWED_ORIGINS` is judged
//! like a committed one: NET001 for `*`, NET003 for an inexact entry.
//!
//! Messages give lengths, never characters: the first characters of a weak
//! secret are a large part of it.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::finding::Finding;
use crate::project::Project;
use crate::rules::sec::weak_secret::META;
use crate::secrets::entropy::is_low_entropy;
use crate::secrets::is_placeholder;

/// The `secrets.required` names of every production scope (the top level
/// and each production `[env.*]`) of the project's wrangler configs: the
/// deploy needs them, so the deploying environment must hold them.
pub fn wrangler_required(project: &Project) -> Vec<&str> {
    project
        .wrangler_configs()
        .flat_map(|(_, config)| config.scopes())
        .filter(|(env, _)| {
            project
                .config
                .is_production_env(env.map(|e| e.value.as_str()))
        })
        .flat_map(|(_, scope)| scope.secrets_required.iter().map(|s| s.value.as_str()))
        .collect()
}

/// The names `--check-env` looks at, sorted: those of the configuration
/// and `required` (the wrangler configs' [`wrangler_required`]).
pub fn names<'a>(config: &'a Config, required: &[&'a str]) -> BTreeSet<&'a str> {
    config
        .min_length
        .keys()
        .map(String::as_str)
        .chain(config.required_secrets.iter().map(String::as_str))
        .chain(required.iter().copied())
        .collect()
}

/// Checks each name against `lookup` (the process environment in
/// production, a map in tests).
pub fn check(
    config: &Config,
    required: &[&str],
    lookup: impl Fn(&str) -> Option<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for name in names(config, required) {
        let min = config.min_length(name);
        let problem = match lookup(name) {
            None => Some("is not set".to_string()),
            Some(value) if value.trim().is_empty() => Some("is set but empty".to_string()),
            Some(value) if is_placeholder(&value) => {
                Some("holds a placeholder, not a real secret".to_string())
            }
            Some(value) => min.and_then(|min| weakness(&value, min)),
        };
        if let Some(problem) = problem {
            out.push(
                Finding::virtual_path(&META, format!("<env>:{name}"))
                    .message(format!("`{name}` in this environment {problem}"))
                    .help(help(name, min)),
            );
        }
    }
    out
}

/// The CORS allowlist the deploy will ship (`CORS_ALLOWED_ORIGINS` in this
/// process's environment), judged as NET001 (`*`) and NET003 (an entry that
/// is not an exact origin) judge one committed to the repository. Entries
/// are named by position, never quoted: the list is kept confidential.
pub fn check_cors(config: &Config, lookup: impl Fn(&str) -> Option<String>) -> Vec<Finding> {
    use crate::rules::net::{cors_origin_invalid, cors_wildcard};
    use crate::rules::support::cors;
    const NAME: &str = "CORS_ALLOWED_ORIGINS";
    let mut out = Vec::new();
    let Some(value) = lookup(NAME) else {
        return out;
    };
    if value.trim().is_empty() || is_placeholder(&value) {
        return out;
    }
    let entries = cors::entries(&value, crate::span::Span::new(0, value.len()));
    for (index, entry) in entries.iter().enumerate() {
        let position = index + 1;
        if entry.trimmed().contains('*') {
            if config.is_enabled(cors_wildcard::META.code) {
                out.push(
                    Finding::virtual_path(&cors_wildcard::META, format!("<env>:{NAME}"))
                        .message(format!(
                            "entry {position} of `{NAME}` in this environment allows every origin (`*`)"
                        ))
                        .help("list the exact origins of your own front ends instead of `*`"),
                );
            }
            continue;
        }
        if let Some(problem) = cors::problem(entry, true)
            && config.is_enabled(cors_origin_invalid::META.code)
        {
            out.push(
                Finding::virtual_path(&cors_origin_invalid::META, format!("<env>:{NAME}"))
                    .message(format!(
                        "entry {position} of `{NAME}` in this environment {}",
                        problem.describe()
                    ))
                    .help(cors_origin_invalid::META.help),
            );
        }
    }
    out
}

fn weakness(value: &str, min: usize) -> Option<String> {
    let length = value.chars().count();
    let short = length < min;
    let low = is_low_entropy(value);
    match (short, low) {
        (true, true) => Some(format!(
            "is {length} characters long (at least {min} are required) and has too little randomness"
        )),
        (true, false) => Some(format!(
            "is {length} characters long; at least {min} are required"
        )),
        (false, true) => Some(format!(
            "has {length} characters but too little randomness (repeated, sequential or few distinct characters)"
        )),
        (false, false) => None,
    }
}

fn help(name: &str, min: Option<usize>) -> String {
    match min {
        // base64 of n bytes has 4 * ceil(n / 3) characters: n = min gives
        // enough characters and as many random bytes as characters asked.
        Some(min) => format!(
            "generate it with `openssl rand -base64 {min}` and set it for the deploy (`... | wrangler secret put {name}`)"
        ),
        None => {
            format!("set `{name}` in the deploy environment (e.g. from a GitHub Actions secret)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn run(vars: &[(&str, &str)]) -> Vec<(String, String)> {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut config = Config::default();
        config
            .required_secrets
            .push("TURNSTILE_SECRET_KEY".to_string());
        check(&config, &[], |name| env.get(name).cloned())
            .into_iter()
            .map(|f| match f.location {
                crate::finding::Location::Virtual { path } => (path, f.message.into_owned()),
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn reports_missing_short_and_weak_values() {
        let found = run(&[
            ("BETTER_AUTH_SECRET", "short-one"),
            ("ADMIN_KEY", &"ab".repeat(30)),
        ]);
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "<env>:ADMIN_KEY",
                "<env>:BETTER_AUTH_SECRET",
                "<env>:TURNSTILE_SECRET_KEY"
            ]
        );
        assert!(
            found[0].1.contains("too little randomness"),
            "{}",
            found[0].1
        );
        assert!(found[1].1.contains("9 characters"), "{}", found[1].1);
        assert!(found[2].1.contains("not set"), "{}", found[2].1);
    }

    #[test]
    fn strong_values_pass() {
        let found = run(&[
            (
                "BETTER_AUTH_SECRET",
                "q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9Xe4Ua6Ws1Qo+/Ai=",
            ),
            (
                "ADMIN_KEY",
                "Vt9mK2pQ7xR4nL8sW1zB6cJ3hF5gD0aYuEiOoPlq8Zr3vT1xKp0Lm",
            ),
            ("TURNSTILE_SECRET_KEY", "0x4AAAAAAAbcdefgh"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_deploy_cors_list_is_judged_like_a_committed_one() {
        let env: HashMap<&str, &str> = [(
            "CORS_ALLOWED_ORIGINS",
            "https://app.acme-corp.net,*,https://admin.acme-corp.net/",
        )]
        .into_iter()
        .collect();
        let found: Vec<(&str, String)> =
            check_cors(&Config::default(), |n| env.get(n).map(|v| v.to_string()))
                .into_iter()
                .map(|f| (f.code(), f.message.into_owned()))
                .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "NET001");
        assert!(found[0].1.starts_with("entry 2 of"), "{}", found[0].1);
        assert_eq!(found[1].0, "NET003");
        // The list is named by position, never quoted.
        assert!(found.iter().all(|(_, m)| !m.contains("acme-corp")));
        assert!(check_cors(&Config::default(), |_| None).is_empty());
    }
}
