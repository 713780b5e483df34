//! AUTH007 auth-without-captcha: the doc lives in rules/AUTH007.md.

use crate::finding::Finding;
use crate::formats::js::{BetterAuthConfig, Flag, JsFacts, PathKind, ValueRef};
use crate::project::callees::CalleeTest;
use crate::project::{Project, WorkerId};
use crate::rules::support::sources::source_files;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH007",
    "auth-without-captcha",
    Warning,
    "Better Auth sign-up/sign-in endpoints have no captcha",
    "add Better Auth's `captcha` plugin with the Cloudflare Turnstile provider",
    reach = Runtime,
);

pub struct AuthWithoutCaptcha;

/// Whether the config protects its endpoints: a `captcha` (or Turnstile
/// named) plugin, or a Turnstile call inside the options (a `hooks.before`).
fn has_captcha(project: &Project, facts: &JsFacts, cfg: &BetterAuthConfig) -> bool {
    let pattern = &project.config.turnstile_pattern;
    let plugin = cfg.plugins.iter().any(|p| {
        let name = p.value.rsplit('.').next().unwrap_or(&p.value);
        name == "captcha" || pattern.is_match(name)
    });
    let in_hooks = facts.functions.iter().any(|f| {
        cfg.span.start <= f.span.start
            && f.span.end <= cfg.span.end
            && f.calls_matching(|c| pattern.is_match(c))
    });
    plugin || in_hooks
}

/// Whether some router of `worker` or of a shared file (any loaded router
/// when the auth config belongs to no Worker) runs Turnstile in front of the auth
/// endpoints: a middleware or route on `*` or on a path containing `auth`
/// whose handlers are named like Turnstile or call a Turnstile function.
fn router_guards_auth(project: &Project, worker: Option<WorkerId>) -> bool {
    let pattern = &project.config.turnstile_pattern;
    project.js_files().any(|(_, file, facts)| {
        (worker.is_none() || file.worker.is_none() || file.worker == worker)
            && facts.routes.iter().any(|r| {
                let path = &r.path;
                let covers =
                    path.kind == PathKind::Any || path.text == "*" || path.text.contains("auth");
                covers
                    && r.handlers.iter().any(|h| match &h.value {
                        ValueRef::Function(id) => facts
                            .function_and_nested(*id)
                            .iter()
                            .any(|f| f.calls_matching(|c| pattern.is_match(c))),
                        other => other.name().is_some_and(|n| pattern.is_match(n)),
                    })
            })
    })
}

impl Rule for AuthWithoutCaptcha {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::sources::is_turnstile_callee]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, file, facts) in source_files(project) {
            if facts.better_auth.is_empty() || router_guards_auth(project, file.worker) {
                continue;
            }
            for cfg in &facts.better_auth {
                // Unknown plugins may hold the captcha: say nothing.
                if !cfg.plugins_known || has_captcha(project, facts, cfg) {
                    continue;
                }
                let email = cfg.email_and_password.filter(|f| f.value == Flag::True);
                let anonymous = cfg.plugin("anonymous");
                let (span, what) = match (email, anonymous) {
                    (Some(f), _) => (f.span, "email/password sign-up and sign-in"),
                    (None, Some(p)) => (p.span, "anonymous sign-in"),
                    (None, None) => continue,
                };
                out.push(Finding::new(&META, id, span).message(format!(
                    "Better Auth enables {what} with no captcha plugin: bots can hit these endpoints freely"
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
    fn enabled_sign_in_without_captcha() {
        let src = r#"import { betterAuth } from 'better-auth'
import { anonymous, captcha } from 'better-auth/plugins'
export const a = betterAuth({ emailAndPassword: { enabled: true } })
export const b = betterAuth({
  plugins: [anonymous()],
})
export const c = betterAuth({
  emailAndPassword: { enabled: true },
  plugins: [captcha({ provider: 'cloudflare-turnstile', secretKey: process.env.TURNSTILE_SECRET_KEY })],
})
export const d = betterAuth({ emailAndPassword: { enabled: false }, socialProviders: {} })
export const e = betterAuth({ emailAndPassword: { enabled: true }, plugins: [...extra] })
export const f = (flag) => betterAuth({ emailAndPassword: { enabled: flag } })
"#;
        let got = run_rule_on(
            &AuthWithoutCaptcha,
            &[("src/auth.ts", src)],
            Config::default(),
        );
        let lines: Vec<(usize, &str)> = got.iter().map(|(_, l, s)| (*l, s.as_str())).collect();
        assert_eq!(lines, vec![(3, "enabled: true"), (5, "anonymous()")]);
        let guarded = "import { Hono } from 'hono'\nimport { turnstile } from './t'\nimport { auth } from './auth'\nconst app = new Hono()\napp.use('/api/auth/*', turnstile)\nexport default app\n";
        let got = run_rule_on(
            &AuthWithoutCaptcha,
            &[("src/auth.ts", src), ("src/index.ts", guarded)],
            Config::default(),
        );
        assert!(got.is_empty(), "{got:?}");
    }
}
