//! AUTH006 turnstile-fails-open: the doc lives in rules/AUTH006.md.

use crate::finding::Finding;
use crate::formats::js::{JsFacts, MissingOutcome, SecretCheck, UrlSource};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::rules::support::sources::source_files;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH006",
    "turnstile-fails-open",
    Error,
    "Turnstile verification passes when its secret is missing",
    "fail closed: reject the request (5xx) when TURNSTILE_SECRET_KEY is not set",
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

impl Rule for TurnstileFailsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::sources::is_turnstile_callee]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, _, facts) in source_files(project) {
            for (_, check) in facts.secret_checks() {
                let name = &check.env_name;
                if !project.config.turnstile_pattern.is_match(name)
                    || !project.names.is_secret_name(name)
                {
                    continue;
                }
                let what = match check.when_missing {
                    MissingOutcome::ReturnsSuccess => "verification reports success",
                    MissingOutcome::CallsNext => "the middleware calls `next()` without verifying",
                    MissingOutcome::SkipsCheck if verifies_inside(project, facts, check) => {
                        "verification is skipped"
                    }
                    _ => continue,
                };
                out.push(Finding::new(&META, id, check.env_span).message(format!(
                    "when `{name}` is not set, {what}: the request passes unchecked"
                )));
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
