//! SSRF guards: which callees guard a `fetch` URL and whether one ran
//! before the call. Shared by NET004 and NET005.

use crate::config::Config;
use crate::formats::js::{FetchCall, JsFacts};
use crate::project::Project;
use crate::rules::support::routes;

/// Whether a callee is an SSRF guard: the configured pattern, or a host
/// allowlist membership test.
pub fn is_guard_callee(project: &Project, callee: &str) -> bool {
    is_guard_callee_in(&project.config, callee)
}

/// [`is_guard_callee`] for a configuration.
pub fn is_guard_callee_in(config: &Config, callee: &str) -> bool {
    if config.ssrf_guard_pattern.is_match(callee) {
        return true;
    }
    let mut parts = callee.rsplitn(2, '.');
    let method = parts.next().unwrap_or("");
    let receiver = parts.next().unwrap_or("").to_ascii_lowercase();
    matches!(method, "includes" | "has" | "some")
        && (receiver.contains("allow") || receiver.contains("trusted"))
}

/// Whether the fetch URL passed through a guard before the call.
pub fn is_guarded(project: &Project, facts: &JsFacts, fetch: &FetchCall) -> bool {
    if fetch
        .guards
        .iter()
        .any(|g| is_guard_callee(project, &g.value))
    {
        return true;
    }
    routes::ancestors(facts, fetch.function)
        .into_iter()
        .filter_map(|id| facts.function(id))
        .any(|f| {
            f.calls
                .iter()
                .any(|c| c.span.end <= fetch.span.start && is_guard_callee(project, &c.callee))
        })
}
