//! AUTH006 turnstile-fails-open: the doc lives in rules/AUTH006.md.

use crate::finding::{Finding, Severity};
use crate::formats::js::{
    Compared, FunctionFacts, JsFacts, MissingOutcome, SecretCheck, UrlSource,
};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::rules::support::sources::source_files;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH006",
    "turnstile-fails-open",
    Error,
    "a guard (Turnstile, API key, Access) lets requests through when its secret is missing",
    "fail closed: reject the request (5xx) when the guard's secret is not set",
    reach = Runtime,
);

pub struct TurnstileFailsOpen;

const SITEVERIFY: &str = "challenges.cloudflare.com/turnstile/v0/siteverify";

/// Whether the `if` of a `SkipsCheck` holds a Turnstile verification: a
/// call matching the Turnstile pattern or a fetch to siteverify. Without
/// one, `if (env.TURNSTILE_SECRET_KEY) {...}` is not a verification.
fn verifies_inside(project: &Project, facts: &JsFacts, check: &SecretCheck) -> bool {
    let inside = |s: crate::span::Span| check.span.start <= s.start && s.end <= check.span.end;
    let pattern = &project.config.turnstile_pattern;
    facts
        .calls()
        .any(|(_, c)| inside(c.span) && c.callee != "fetch" && pattern.is_match(&c.callee))
        || facts.fetches.iter().any(|f| {
            inside(f.span)
                && match &f.url {
                    UrlSource::Literal(u) | UrlSource::FixedOrigin(u) => u.contains(SITEVERIFY),
                    _ => false,
                }
        })
}

/// Parts of env names that configure an access guard without being a
/// credential themselves (`CF_ACCESS_TEAM_DOMAIN`, `CF_ACCESS_AUD`).
const GUARD_CONFIG_HINTS: &[&str] = &["ACCESS_TEAM", "TEAM_DOMAIN", "ACCESS_AUD"];

/// Statuses that show a function turns callers away.
const REJECT_STATUSES: &[u16] = &[401, 403];

/// A name a non-Turnstile guard is configured by: a credential name or an
/// access-guard setting.
fn guard_name(project: &Project, name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    project.names.is_credential_name(name)
        || (project.names.is_secret_name(name) && upper.contains("ACCESS"))
        || GUARD_CONFIG_HINTS.iter().any(|h| upper.contains(h))
}

/// What shows that the function around a non-Turnstile check is a guard,
/// within `inside` (the `if` block for a skipped check, the whole function
/// otherwise): the value compared with something a caller sends, or a
/// 401/403 response.
fn guards_within(function: &FunctionFacts, name: &str, inside: crate::span::Span) -> bool {
    let within = |s: crate::span::Span| inside.start <= s.start && s.end <= inside.end;
    function.env_comparisons().iter().any(|c| {
        c.env_name == name
            && within(c.span)
            && matches!(c.other, Compared::Identifier(_) | Compared::Expr(_))
    }) || function
        .responses()
        .iter()
        .any(|r| within(r.span) && REJECT_STATUSES.contains(&r.status))
}

/// Names of bot checks other than Turnstile (`validateCaptchaToken`,
/// `verifyHcaptcha`, `checkRecaptcha`).
const CAPTCHA_HINT: &str = "captcha";

/// A function that verifies a bot challenge: named after Turnstile or a
/// captcha, or fetching siteverify.
fn is_verifier(project: &Project, facts: &JsFacts, function: &FunctionFacts) -> bool {
    let named = function.name.as_deref().is_some_and(|n| {
        project.config.turnstile_pattern.is_match(n)
            || n.to_ascii_lowercase().contains(CAPTCHA_HINT)
    });
    named
        || facts.fetches.iter().any(|f| {
            function.span.start <= f.span.start
                && f.span.end <= function.span.end
                && matches!(&f.url, UrlSource::Literal(u) | UrlSource::FixedOrigin(u) if u.contains(SITEVERIFY))
        })
}

impl Rule for TurnstileFailsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::sources::is_turnstile_callee]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, _, facts) in source_files(project) {
            for (function, check) in facts.secret_checks() {
                let name = &check.env_name;
                let turnstile = project.config.turnstile_pattern.is_match(name)
                    && project.names.is_secret_name(name);
                if !turnstile && !guard_name(project, name) {
                    continue;
                }
                let what = match check.when_missing {
                    MissingOutcome::ReturnsSuccess => "verification reports success",
                    MissingOutcome::CallsNext => "the middleware calls `next()` without verifying",
                    MissingOutcome::SkipsCheck if turnstile => {
                        if !verifies_inside(project, facts, check) {
                            continue;
                        }
                        "verification is skipped"
                    }
                    MissingOutcome::SkipsCheck => "the check is skipped",
                    _ => continue,
                };
                // A Turnstile secret says what it guards; any other name
                // needs the function to show it is a guard.
                if !turnstile {
                    let inside = if check.when_missing == MissingOutcome::SkipsCheck {
                        check.span
                    } else {
                        function.span
                    };
                    if !guards_within(function, name, inside) {
                        continue;
                    }
                }
                let mut finding = Finding::new(&META, id, check.env_span).message(format!(
                    "when `{name}` is not set, {what}: the request passes unchecked"
                ));
                if !turnstile {
                    // Whether the guard is meant to be optional is a choice
                    // the code cannot show: likely, not proven.
                    finding = finding.severity(Severity::Warning).help(format!(
                        "fail closed: reject the request (5xx) when `{name}` is not set"
                    ));
                }
                out.push(finding);
            }
            for function in &facts.functions {
                if function.success_fallbacks().is_empty() || !is_verifier(project, facts, function)
                {
                    continue;
                }
                for fallback in function.success_fallbacks() {
                    let when = if fallback.when == "catch" {
                        "when the verification throws, it reports success".to_string()
                    } else {
                        format!(
                            "when `{}` is on and the verification fails, it reports success",
                            fallback.when
                        )
                    };
                    // The service being down is what lets bots through; a
                    // deliberate availability trade-off is possible.
                    out.push(
                        Finding::new(&META, id, fallback.span)
                            .severity(Severity::Warning)
                            .message(format!("{when}: the request passes unchecked"))
                            .help("fail closed: report failure (and log it) when the verification errors"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::support::sources::run_rule_on;

    #[test]
    fn fail_open_branches() {
        let src = r#"export async function verifyTurnstile(token, env) {
  if (!env.TURNSTILE_SECRET_KEY) return { success: true }
  const r = await fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST' })
  return r.json()
}
export const mw = async (c, next) => {
  if (!c.env.TURNSTILE_SECRET_KEY) {
    return next()
  }
  await next()
}
export async function handler(c) {
  if (c.env.TURNSTILE_SECRET_KEY) {
    const ok = await verifyTurnstile(c.req.header('cf-turnstile-response'), c.env)
    if (!ok.success) return c.text('no', 403)
  }
  return c.text('ok')
}
export async function closed(c) {
  if (!c.env.TURNSTILE_SECRET_KEY) return c.text('misconfigured', 500)
  const status = {}
  if (c.env.TURNSTILE_SECRET_KEY) {
    status.turnstile = 'configured'
  }
  if (!c.env.TURNSTILE_SITE_KEY) return { success: true }
  return c.json(status)
}
"#;
        let got = run_rule_on(&TurnstileFailsOpen, &[("src/t.ts", src)], Config::default());
        let lines: Vec<usize> = got.iter().map(|(_, l, _)| *l).collect();
        assert_eq!(lines, vec![2, 7, 13], "{got:?}");
    }
}
