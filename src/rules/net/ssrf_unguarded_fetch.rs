//! NET004 ssrf-unguarded-fetch: the doc lives in rules/NET004.md.
//!
//! A global `fetch` whose URL comes from request input must first go
//! through a guard: a call matching `ssrf_guard_pattern` that is given the
//! URL (or a value derived from it), or a host allowlist check
//! (`ALLOWED_HOSTS.has(url.hostname)`). A guard called earlier in the same
//! function counts even when the URL reached it through a variable the
//! facts do not link. Handlers of the proxy routes (`proxy_routes`) must
//! guard any URL that is not fixed by the code.

use crate::finding::{FileId, Finding};
use crate::formats::js::{FetchCall, InputKind, JsFacts, RouteKind, UrlSource};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::rules::support::routes;
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::support::ssrf::{is_guard_callee, is_guard_callee_in, is_guarded};
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "NET004",
    "ssrf-unguarded-fetch",
    Error,
    "a fetch URL comes from request input without an SSRF guard",
    "validate the URL with a guard that blocks private, loopback and metadata addresses before fetching it",
    reach = Runtime,
);

pub struct SsrfUnguardedFetch;

impl Rule for SsrfUnguardedFetch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[is_guard_callee_in]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut reported: Vec<(FileId, Span)> = Vec::new();
        for (file, _, facts) in project.js_files() {
            if skip_test_or_unreachable_file(project, file) {
                continue;
            }
            for fetch in &facts.fetches {
                let UrlSource::RequestInput { kind, .. } = fetch.url else {
                    continue;
                };
                if is_guarded(project, facts, fetch) {
                    continue;
                }
                reported.push((file, fetch.span));
                out.push(
                    Finding::new(&META, file, fetch.url_span)
                        .message(format!(
                            "`fetch` requests a URL taken from the request {} with no SSRF guard: a caller \
                             can make the Worker fetch internal or metadata addresses",
                            input_name(kind)
                        ))
                        .help(HELP),
                );
            }
            proxy_routes(project, file, facts, &mut reported, out);
        }
        resolved_proxy_routes(project, &mut reported, out);
    }
}

/// Proxy routes whose full path is only known across files (a sub-app
/// mounted under a prefix): the fetches of their chain and the helpers it
/// calls.
fn resolved_proxy_routes(
    project: &Project,
    reported: &mut Vec<(FileId, Span)>,
    out: &mut Vec<Finding>,
) {
    for route in project.routes() {
        let Some(glob) = project
            .config
            .proxy_routes
            .iter()
            .find(|g| routes::glob_matches(g, &route.full_path))
        else {
            continue;
        };
        let scoped_fns = project.route_functions(route);
        // A guard anywhere in the chain (middleware, or the handler before it
        // hands the URL to a helper) covers the route.
        if scoped_fns
            .iter()
            .any(|f| f.calls().any(|c| is_guard_callee(project, &c.callee)))
            || route.chain.iter().any(|link| match &link.target {
                crate::project::routes::LinkTarget::Call { callee, .. }
                | crate::project::routes::LinkTarget::Name(callee) => {
                    is_guard_callee(project, callee)
                }
                _ => false,
            })
        {
            continue;
        }
        for scoped in scoped_fns {
            if skip_test_or_unreachable_file(project, scoped.file) {
                continue;
            }
            for fetch in scoped.fetches() {
                if reported.contains(&(scoped.file, fetch.span))
                    || !needs_guard(project, scoped.facts, fetch)
                {
                    continue;
                }
                reported.push((scoped.file, fetch.span));
                out.push(proxy_finding(scoped.file, fetch, &route.full_path, glob));
            }
        }
    }
}

fn needs_guard(project: &Project, facts: &JsFacts, fetch: &FetchCall) -> bool {
    !fetch.url.fixes_host() && !is_guarded(project, facts, fetch)
}

fn proxy_finding(file: FileId, fetch: &FetchCall, path: &str, glob: &str) -> Finding {
    Finding::new(&META, file, fetch.url_span)
        .message(format!(
            "the proxy route `{path}` (matching `{glob}`) fetches a URL the code does not fix, \
             with no SSRF guard"
        ))
        .help(HELP)
}

const HELP: &str = "pass the URL through a guard (`assertPublicUrl(url)`) that allows only https to \
    public hosts (or an allowlist of hosts) and rejects private, loopback, link-local and metadata \
    addresses, before calling `fetch`";

fn input_name(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Query => "query string",
        InputKind::Param => "path parameters",
        InputKind::Body => "body",
        InputKind::Header => "headers",
    }
}

fn proxy_routes(
    project: &Project,
    file: FileId,
    facts: &JsFacts,
    reported: &mut Vec<(FileId, Span)>,
    out: &mut Vec<Finding>,
) {
    for route in &facts.routes {
        if route.kind != RouteKind::Handler {
            continue;
        }
        let path = routes::full_path(route);
        let Some(glob) = project
            .config
            .proxy_routes
            .iter()
            .find(|g| routes::glob_matches(g, &path))
        else {
            continue;
        };
        let handler_fns: Vec<usize> = match (&route.body, route.handlers.last()) {
            (Some(_), _) => vec![route.function],
            (None, Some(h)) => routes::resolve(facts, &h.value),
            (None, None) => Vec::new(),
        };
        let guard_middleware = route.handlers.iter().any(|h| {
            routes::value_name(facts, &h.value).is_some_and(|n| is_guard_callee(project, &n))
        });
        let guard_in_handler = route.body.is_none()
            && handler_fns.iter().any(|&h| {
                facts
                    .function_and_nested(h)
                    .iter()
                    .any(|f| f.calls.iter().any(|c| is_guard_callee(project, &c.callee)))
            });
        if guard_middleware || guard_in_handler {
            continue;
        }
        for fetch in &facts.fetches {
            let inside = handler_fns
                .iter()
                .any(|&h| routes::is_within_fn(facts, h, fetch.function))
                && route
                    .body
                    .is_none_or(|b| b.start <= fetch.span.start && fetch.span.end <= b.end);
            if !inside
                || reported.contains(&(file, fetch.span))
                || !needs_guard(project, facts, fetch)
            {
                continue;
            }
            reported.push((file, fetch.span));
            out.push(proxy_finding(file, fetch, &path, glob));
        }
    }
}
