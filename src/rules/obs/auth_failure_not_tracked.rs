//! OBS001 auth-failure-not-tracked: the doc lives in rules/OBS001.md.
//!
//! Every 401/403 response (`c.json(x, 401)`, `new Response(x, { status })`,
//! `throw new HTTPException(403)`) needs a call matching
//! `security_event_pattern` in the same function: its own body, callbacks
//! inside it, the functions around it, or a same-file helper it calls that
//! makes the call itself (one level).

use crate::finding::Finding;
use crate::formats::js::{FunctionFacts, JsFacts};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::rules::support::routes;
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "OBS001",
    "auth-failure-not-tracked",
    Warning,
    "an auth failure response is returned without emitting a security event",
    "call the security-event tracker (`trackSecurityEvent`) before returning 401/403",
    reach = Runtime,
);

pub struct AuthFailureNotTracked;

impl Rule for AuthFailureNotTracked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::sources::is_security_event_callee]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let pattern = &project.config.security_event_pattern;
        for (file, source, facts) in project.js_files() {
            // Only a Worker's own code: scripts and tooling outside every
            // wrangler project have no security-event pipeline to feed.
            if source.worker.is_none() || skip_test_or_unreachable_file(project, file) {
                continue;
            }
            for function in &facts.functions {
                if function.auth_failures().next().is_none() || tracks(project, facts, function) {
                    continue;
                }
                for response in function.auth_failures() {
                    out.push(
                        Finding::new(&META, file, response.span)
                            .message(format!(
                                "this {} response is returned with no call matching `{}` in the same \
                                 function: failed authentication is invisible to monitoring",
                                response.status,
                                pattern.as_str()
                            ))
                            .help(
                                "record the failure before responding (`trackSecurityEvent(c, { type: \
                                 'auth_failure', status })`), so brute force and probing show up in \
                                 monitoring",
                            ),
                    );
                }
            }
        }
    }
}

fn tracks(project: &Project, facts: &JsFacts, function: &FunctionFacts) -> bool {
    let pattern = &project.config.security_event_pattern;
    let mut scopes: Vec<&FunctionFacts> = facts.function_and_nested(function.id);
    for id in routes::ancestors(facts, function.id).into_iter().skip(1) {
        if id != crate::formats::js::MODULE_SCOPE
            && let Some(f) = facts.function(id)
        {
            scopes.push(f);
        }
    }
    scopes.iter().flat_map(|f| &f.calls).any(|c| {
        pattern.is_match(&c.callee)
            || facts
                .functions_named(c.method())
                .filter(|h| h.id != function.id)
                .any(|h| {
                    facts
                        .function_and_nested(h.id)
                        .iter()
                        .any(|n| n.calls.iter().any(|hc| pattern.is_match(&hc.callee)))
                })
    })
}
