//! NET002 cors-reflects-origin: the doc lives in rules/NET002.md.
//!
//! Two shapes: an `Access-Control-Allow-Origin` write whose value is the
//! request's Origin with no check on the origin in the writing function (or
//! the functions around or inside it), and a `cors({ origin })` callback
//! that returns its argument unchecked. How broad a check is belongs to
//! NET006; any check at all silences this rule. A helper's parameter named
//! like an origin (`applyCors(headers, origin)`) is a warning: its callers
//! decide what it holds, and they are not followed.

use crate::finding::{Finding, Severity};
use crate::formats::js::{CorsOrigin, HeaderValue, JsFacts, OriginCheckKind, OriginSource};
use crate::project::Project;
use crate::rules::support::routes;
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET002",
    "cors-reflects-origin",
    Error,
    "the request's Origin is reflected into Access-Control-Allow-Origin without an allowlist check",
    "check the origin against an explicit allowlist before echoing it",
    reach = Runtime,
);

pub struct CorsReflectsOrigin;

impl Rule for CorsReflectsOrigin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, _, facts) in project.js_files() {
            if skip_test_or_unreachable_file(project, file) {
                continue;
            }
            for write in &facts.header_writes {
                let HeaderValue::RequestOrigin { source, .. } = write.value else {
                    continue;
                };
                if !write.is("Access-Control-Allow-Origin") || is_checked(facts, write.function) {
                    continue;
                }
                let finding = Finding::new(&META, file, write.value_span).help(HELP);
                out.push(if source == OriginSource::NamedParam {
                    // A helper's `origin` parameter: what it holds is up to
                    // callers this rule does not follow.
                    finding.severity(Severity::Warning).message(
                        "`Access-Control-Allow-Origin` is set to this function's `origin` parameter \
                         with no allowlist check here: unless every caller passes an origin it \
                         checked, every website is allowed",
                    )
                } else {
                    finding.message(
                        "`Access-Control-Allow-Origin` echoes the request's `Origin` header with no \
                         allowlist check: every website is allowed",
                    )
                });
            }
            for cors in &facts.cors {
                if let CorsOrigin::Function {
                    returns_argument_unchecked: true,
                    ..
                } = cors.origin
                {
                    out.push(
                        Finding::new(&META, file, cors.origin_span)
                            .message(format!(
                                "the `{}({{ origin }})` callback returns the request's origin unchecked: \
                                 every website is allowed",
                                cors.callee
                            ))
                            .help(HELP),
                    );
                }
            }
        }
    }
}

const HELP: &str = "return the origin only when it is in an exact allowlist \
    (`ALLOWED_ORIGINS.includes(origin) ? origin : null`), or pass `origin: [...]` to `cors()`";

/// Whether the origin is checked in the writing function, a function
/// around it, or a callback inside it (`list.some((o) => o === origin)`).
/// A scheme-only prefix test (`origin.startsWith('https://')`) admits
/// every site and does not count.
fn is_checked(facts: &JsFacts, function: usize) -> bool {
    let mut scopes: Vec<&crate::formats::js::FunctionFacts> = facts.function_and_nested(function);
    for id in routes::ancestors(facts, function).into_iter().skip(1) {
        if id != crate::formats::js::MODULE_SCOPE
            && let Some(f) = facts.function(id)
        {
            scopes.push(f);
        }
    }
    scopes
        .iter()
        .flat_map(|f| f.origin_checks())
        .any(|c| match &c.kind {
            OriginCheckKind::StartsWith => c.value.as_ref().is_none_or(|v| {
                let v = v.value.to_ascii_lowercase();
                !matches!(
                    v.as_str(),
                    "http" | "https" | "http:" | "https:" | "http://" | "https://"
                )
            }),
            _ => true,
        })
}
