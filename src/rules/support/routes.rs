//! Route and function queries shared by the source rules (NET, AUTH, SEC009,
//! OBS001): what a handler value resolves to, how route paths compare,
//! which names look like auth.

use crate::formats::js::{FunctionId, JsFacts, RouteKind, RouteRegistration, ValueRef};
use crate::project::Project;

/// The functions of this file a handler/middleware value stands for.
pub(crate) fn resolve(facts: &JsFacts, value: &ValueRef) -> Vec<FunctionId> {
    match value {
        ValueRef::Function(id) => vec![*id],
        ValueRef::Identifier(name) => facts.functions_named(name).map(|f| f.id).collect(),
        ValueRef::Member(path) => {
            let last = path.rsplit('.').next().unwrap_or(path);
            facts.functions_named(last).map(|f| f.id).collect()
        }
        ValueRef::Call { callee, functions } => {
            let mut out = functions.clone();
            let last = callee.rsplit('.').next().unwrap_or(callee);
            // A factory (`requireRole('admin')`) returns the middleware it defines.
            for f in facts.functions_named(last) {
                out.extend(facts.function_and_nested(f.id).iter().map(|n| n.id));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The name a handler value is known by, for pattern matching.
pub(crate) fn value_name(facts: &JsFacts, value: &ValueRef) -> Option<String> {
    match value {
        ValueRef::Function(id) => facts
            .function(*id)
            .and_then(|f| f.name.as_deref().map(String::from)),
        ValueRef::Identifier(n) | ValueRef::Member(n) => Some(n.clone()),
        ValueRef::Call { callee, .. } | ValueRef::New { callee } => Some(callee.clone()),
        _ => None,
    }
}

/// Whether `inner` is `outer` or nested inside it.
pub(crate) fn is_within_fn(facts: &JsFacts, outer: FunctionId, inner: FunctionId) -> bool {
    let mut cur = Some(inner);
    for _ in 0..facts.functions.len().saturating_add(1) {
        match cur {
            Some(id) if id == outer => return true,
            Some(id) => cur = facts.function(id).and_then(|f| f.parent),
            None => return false,
        }
    }
    false
}

/// The function and its enclosing functions (innermost first).
pub(crate) fn ancestors(facts: &JsFacts, id: FunctionId) -> Vec<FunctionId> {
    let mut out = Vec::new();
    let mut cur = Some(id);
    while let Some(c) = cur {
        if out.contains(&c) || out.len() > facts.functions.len() {
            break;
        }
        out.push(c);
        cur = facts.function(c).and_then(|f| f.parent);
    }
    out
}

pub(crate) fn full_path(r: &RouteRegistration) -> String {
    let base = r.base_path.as_deref().unwrap_or("").trim_end_matches('/');
    format!("{base}{}", r.path.text)
}

/// Whether a middleware path applies to a route path.
pub(crate) fn path_covers(pattern: &str, path: &str) -> bool {
    if pattern == "*" || pattern == "/*" || pattern.is_empty() {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix) || path == prefix.trim_end_matches('/'),
        None => pattern == path,
    }
}

/// Whether a config glob (`/proxy/fetch`, `/compile*`) matches a route path.
pub(crate) fn glob_matches(glob: &str, path: &str) -> bool {
    match glob.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => glob == path || path.strip_suffix('/') == Some(glob),
    }
}

pub(crate) fn same_router(a: &RouteRegistration, b: &RouteRegistration) -> bool {
    match (a.instance, b.instance) {
        (Some(x), Some(y)) => x == y,
        _ => a.receiver == b.receiver,
    }
}

/// A route that accepts a write method explicitly.
pub(crate) fn is_write_route(r: &RouteRegistration) -> bool {
    r.kind == RouteKind::Handler
        && r.methods
            .iter()
            .any(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
}

pub(crate) fn describe(r: &RouteRegistration) -> String {
    format!("{} {}", r.methods.join("|"), full_path(r))
}

pub(crate) fn is_auth_name(project: &Project, name: &str) -> bool {
    is_auth_name_in(&project.config, name)
}

/// [`is_auth_name`] for a configuration.
pub(crate) fn is_auth_name_in(config: &crate::config::Config, name: &str) -> bool {
    const KEYWORDS: [&str; 7] = [
        "auth", "jwt", "session", "bearer", "login", "protect", "guard",
    ];
    let bytes = name.as_bytes();
    KEYWORDS.iter().any(|k| {
        bytes
            .windows(k.len())
            .any(|w| w.eq_ignore_ascii_case(k.as_bytes()))
    }) || config.admin_guard_pattern.is_match(name)
}

/// Whether a route's chain in this file holds auth middleware, or its
/// handler answers 401/403 itself.
pub(crate) fn is_auth_guarded(project: &Project, facts: &JsFacts, r: &RouteRegistration) -> bool {
    let own_middleware = r
        .handlers
        .iter()
        .take(r.handlers.len().saturating_sub(1))
        .any(|h| value_name(facts, &h.value).is_some_and(|n| is_auth_name(project, &n)));
    let global = facts
        .routes
        .iter()
        .take_while(|u| !std::ptr::eq(*u, r))
        .any(|u| {
            u.kind == RouteKind::Use
                && same_router(u, r)
                && path_covers(&full_path(u), &full_path(r))
                && u.handlers
                    .iter()
                    .any(|h| value_name(facts, &h.value).is_some_and(|n| is_auth_name(project, &n)))
        });
    let handler_fails = r.handlers.last().is_some_and(|h| {
        resolve(facts, &h.value).into_iter().any(|id| {
            facts
                .function_and_nested(id)
                .iter()
                .any(|f| f.auth_failures().next().is_some())
        })
    });
    own_middleware || global || handler_fails
}
