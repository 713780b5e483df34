//! SEC006 turnstile-test-key-in-production: the doc lives in rules/SEC006.md.
//!
//! Any name counts, since the keys are recognised by value; only values in
//! production scope are reported, because the checklist itself puts the test
//! keys in `.dev.vars` for local development.

use std::collections::HashSet;

use crate::finding::Finding;
use crate::project::{Project, ValueOrigin};
use crate::rules::{Rule, RuleMeta};
use crate::secrets::turnstile::test_key;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC006",
    "turnstile-test-key-in-production",
    Error,
    "a Cloudflare Turnstile test key is used in production scope",
    "use the real site key and secret from the Turnstile dashboard; keep test keys in `.dev.vars` or `env.dev`",
);

pub struct TurnstileTestKeyInProduction;

impl Rule for TurnstileTestKeyInProduction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut seen = HashSet::new();
        for value in project.named_values() {
            if !value.production || !value.literal {
                continue;
            }
            let Some(key) = test_key(value.value) else {
                continue;
            };
            if !seen.insert((value.file, value.value_span)) {
                continue;
            }
            let kind = if key.secret { "secret key" } else { "site key" };
            let consequence = match (key.secret, key.key.as_bytes().first()) {
                (true, Some(b'1')) => {
                    "every request passes verification, so the bot protection is off"
                }
                (true, _) => "every real visitor fails verification",
                (false, _) => {
                    "the widget issues dummy tokens that a real secret key rejects, so either every visitor \
                     fails or the protection is off"
                }
            };
            let place = match value.origin {
                ValueOrigin::WranglerVar => "a production wrangler `vars` entry",
                ValueOrigin::SecretPut => "a `wrangler secret put` for production",
                ValueOrigin::GhSecretSet => "a GitHub secret",
                ValueOrigin::WorkflowEnv => "the env of a deploying workflow job",
                ValueOrigin::ScriptAssignment => "a script that deploys to production",
                ValueOrigin::EnvFile { .. } => "a production env file",
            };
            out.push(
                Finding::new(&META, value.file, value.value_span)
                    .message(format!(
                        "`{}` is Cloudflare's Turnstile test {kind} ({}) in {place}: {consequence}",
                        value.name, key.behaviour
                    ))
                    .help(if key.secret {
                        "set the real secret from Cloudflare Dashboard → Turnstile → Settings with \
                         `wrangler secret put TURNSTILE_SECRET_KEY`; keep test keys in `.dev.vars`"
                    } else {
                        "use the real site key from Cloudflare Dashboard → Turnstile (`0x4AAAA...`); \
                         keep test keys in `.dev.vars` or a dev env"
                    }),
            );
        }
    }
}
