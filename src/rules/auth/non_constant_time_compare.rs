//! AUTH005 non-constant-time-compare: the doc lives in rules/AUTH005.md.

use crate::finding::Finding;
use crate::formats::js::Compared;
use crate::project::Project;
use crate::rules::support::sources::source_files;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::is_placeholder;

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH005",
    "non-constant-time-compare",
    Warning,
    "a secret is compared with `===`/`!==` instead of in constant time",
    "compare with `crypto.subtle.timingSafeEqual` over equal-length byte arrays",
    reach = Runtime,
);

pub struct NonConstantTimeCompare;

/// Whether the other operand can carry a caller's guess. Presence checks
/// (`undefined`, `null`, `''`) and literals are not value comparisons an
/// attacker can time.
fn attacker_side(other: &Compared) -> bool {
    match other {
        Compared::Nullish | Compared::String(_) | Compared::OtherLiteral => false,
        Compared::Identifier(name) => name != "undefined",
        Compared::Expr(text) => !text.trim_start().starts_with("typeof "),
    }
}

/// A literal that names a value rather than being one (`GOOGLE_MAPS_API_KEY`,
/// `ADMIN_PASSWORD`): code testing whether a setting still holds its name.
fn names_a_setting(literal: &str) -> bool {
    literal.contains('_')
        && literal.starts_with(|c: char| c.is_ascii_uppercase())
        && literal
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

impl Rule for NonConstantTimeCompare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, _, facts) in source_files(project) {
            for (_, cmp) in facts.env_comparisons() {
                // Credential names only: `origin === env.CORS_ALLOWED_ORIGINS`
                // compares a confidential but non-secret value.
                if !project.names.is_credential_name(&cmp.env_name) || !attacker_side(&cmp.other) {
                    continue;
                }
                let via = cmp
                    .via_alias
                    .as_deref()
                    .map(|a| format!(" (through `{a}`)"))
                    .unwrap_or_default();
                out.push(Finding::new(&META, id, cmp.span).message(format!(
                    "secret `{}`{via} is compared with `{}`, which returns as soon as a character differs",
                    cmp.env_name, cmp.operator
                )));
            }
            for (_, cmp) in facts.literal_credential_compares() {
                // `password === 'changeme'` or `apiKey === 'MAPS_API_KEY'`
                // tests for an unset default.
                if is_placeholder(&cmp.literal) || names_a_setting(&cmp.literal) {
                    continue;
                }
                out.push(
                    Finding::new(&META, id, cmp.span)
                        .message(format!(
                            "`{}` is compared with a hard-coded string literal (`{}`): the accepted \
                             credential is written in the source, and the compare is not constant-time",
                            cmp.value_text, cmp.operator
                        ))
                        .help(
                            "check the credential against a hash in the database or an env secret, \
                             compared with `crypto.subtle.timingSafeEqual`",
                        ),
                );
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
    fn value_comparisons_fire_presence_checks_do_not() {
        let src = r#"export function guard(c, request, env) {
  if (!env.ADMIN_KEY) return new Response('not configured', { status: 500 })
  if (env.ADMIN_KEY === undefined || c.env.ADMIN_KEY === '') return null
  if (request.headers.get('X-Admin-Key') !== env.ADMIN_KEY) return null
  const key = c.env.ADMIN_KEY
  const given = c.req.header('authorization')
  if (given === `Bearer ${key}`) return true
  if (c.req.header('origin') === env.CORS_ALLOWED_ORIGINS) return true
  if (env.ENVIRONMENT === 'production') return true
  return typeof env.ADMIN_KEY === 'string'
}
"#;
        let got = run_rule_on(
            &NonConstantTimeCompare,
            &[("src/index.ts", src)],
            Config::default(),
        );
        let lines: Vec<usize> = got.iter().map(|(_, l, _)| *l).collect();
        assert_eq!(lines, vec![4, 7], "{got:?}");
    }
}
