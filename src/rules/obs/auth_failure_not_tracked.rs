//! OBS001 auth-failure-not-tracked: the doc lives in rules/OBS001.md.
//!
//! Every 401/403 response (`c.json(x, 401)`, `new Response(x, { status })`,
//! `throw new HTTPException(403)`) needs a call matching
//! `security_event_pattern` in the same function: its own body, callbacks
//! inside it, the functions around it, or a same-file helper it calls that
//! makes the call itself (one level).
//!
//! That per-response check only means something where a tracker exists: a
//! Worker with no call matching the pattern anywhere (nor a function so
//! named) gets one finding, at its first untracked failure, with the
//! others as related locations. A 403 whose body or message names a
//! business state (quota, limit, plan, closed, disabled) is no auth
//! failure.

use std::collections::BTreeMap;

use crate::finding::{FileId, Finding};
use crate::formats::js::{FunctionFacts, JsFacts, ResponseFact};
use crate::project::callees::CalleeTest;
use crate::project::{Project, WorkerId};
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
        // Per judged Worker: whether it calls a tracker anywhere, and its
        // untracked auth failures in path order.
        let mut workers: BTreeMap<WorkerId, WorkerFailures<'_>> = BTreeMap::new();
        // Shared code the batch imported (no Worker of its own) counts as
        // every judged Worker's: a tracker defined there serves them.
        let shared_tracker = project
            .js_files()
            .any(|(_, source, facts)| source.worker.is_none() && has_tracker(project, facts));
        for (file, source, facts) in project.js_files() {
            // Only a Worker's own code: scripts and tooling outside every
            // wrangler project have no security-event pipeline to feed. A
            // guest file is judged in its own Worker's batch.
            let Some(worker) = source.worker else {
                continue;
            };
            if !project.judges_worker(worker) || skip_test_or_unreachable_file(project, file) {
                continue;
            }
            let entry = workers
                .entry(worker)
                .or_insert((shared_tracker, Vec::new()));
            entry.0 |= has_tracker(project, facts);
            for function in &facts.functions {
                if function.auth_failures().next().is_none() || tracks(project, facts, function) {
                    continue;
                }
                entry.1.extend(
                    function
                        .auth_failures()
                        .filter(|r| !is_business_state(r))
                        .map(|r| (file, r)),
                );
            }
        }
        for (has_tracker, mut failures) in workers.into_values() {
            if failures.is_empty() {
                continue;
            }
            failures.sort_by_key(|(file, r)| (*file, r.span.start, r.span.end));
            if has_tracker {
                for (file, response) in failures {
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
                continue;
            }
            // No tracker anywhere: one root cause, reported once.
            let (file, first) = failures[0];
            let others = match failures.len() - 1 {
                0 => String::new(),
                1 => " and 1 other 401/403 response (its related location) are".to_string(),
                n => format!(" and {n} other 401/403 responses (its related locations) are"),
            };
            let mut finding = Finding::new(&META, file, first.span)
                .message(format!(
                    "auth failures of this Worker are never recorded: no call matching `{}` exists \
                     in its code, so this {} response{} invisible to monitoring",
                    pattern.as_str(),
                    first.status,
                    if others.is_empty() { " is" } else { &others },
                ))
                .help(
                    "add a security-event tracker (`trackSecurityEvent(c, { type: 'auth_failure', \
                     status })`, e.g. writing to Analytics Engine) and call it before each 401/403, \
                     or set `security_event_pattern` to the tracker you already have",
                );
            for (file, response) in &failures[1..] {
                finding = finding.related(
                    *file,
                    response.span,
                    format!("also an untracked {} response", response.status),
                );
            }
            out.push(finding);
        }
    }
}

/// A Worker's untracked auth failures, and whether it calls a tracker
/// anywhere.
type WorkerFailures<'f> = (bool, Vec<(FileId, &'f ResponseFact)>);

/// Whether a file calls (or defines) a function matching
/// `security_event_pattern`.
fn has_tracker(project: &Project, facts: &JsFacts) -> bool {
    let pattern = &project.config.security_event_pattern;
    facts.functions.iter().any(|f| {
        f.name.as_deref().is_some_and(|n| pattern.is_match(n))
            || f.calls.iter().any(|c| pattern.is_match(&c.callee))
    })
}

/// Words of a 403's body or message that name a business state (a quota,
/// a plan, a closed form), not a failed authentication or authorization.
const BUSINESS_WORDS: &[&str] = &[
    "quota",
    "limit",
    "exceeded",
    "closed",
    "disabled",
    "plan",
    "subscription",
    "upgrade",
    "credits",
    "billing",
];

/// A 403 whose text names a business state: the caller is who they say
/// and may act, but the account's state forbids this request.
fn is_business_state(response: &ResponseFact) -> bool {
    response.status == 403 && has_word_start(&response.text, BUSINESS_WORDS)
}

/// Whether `text` holds one of `words` (lower-case) at the start of a word
/// (`limits` and `Plan` count, `unlimited` and `explanation` do not).
fn has_word_start(text: &str, words: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    words.iter().any(|w| {
        lower.match_indices(w).any(|(at, _)| {
            lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, text: &str) -> ResponseFact {
        ResponseFact {
            status,
            span: crate::span::Span::default(),
            callee: "c.json".to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn business_states_are_told_from_auth_failures() {
        assert!(is_business_state(&response(403, "Monthly quota reached")));
        assert!(is_business_state(&response(403, "Submissions are closed")));
        assert!(is_business_state(&response(
            403,
            "Not allowed by your Plan"
        )));
        assert!(is_business_state(&response(403, "Upload limits exceeded")));
        assert!(!is_business_state(&response(403, "forbidden")));
        assert!(!is_business_state(&response(
            403,
            "unlimited access needs an owner"
        )));
        assert!(!is_business_state(&response(403, "no explanation given")));
        assert!(!is_business_state(&response(401, "quota reached")));
        assert!(!is_business_state(&response(403, "")));
    }
}
