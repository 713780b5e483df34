//! What a resolved route's chain does to keep strangers out or slow them
//! down: an auth check, Turnstile verification, a rate limiter (AUTH002,
//! AUTH003, AUTH008), and which of its functions are the handler's.

use crate::formats::js::UrlSource;
use crate::project::Project;
use crate::project::routes::{LinkRole, ResolvedRoute, ScopedFunction};

use super::routes::is_auth_name;

/// Cloudflare Access forwards the signed identity in this request header.
pub(crate) const ACCESS_HEADER: &str = "cf-access-jwt-assertion";

/// Cloudflare's Turnstile verification endpoint.
const SITEVERIFY: &str = "challenges.cloudflare.com/turnstile";

/// The functions of the route's handler (its own link, not the
/// middleware before it) and the helpers they call, one level deep.
pub(crate) fn handler_functions<'p>(
    project: &'p Project,
    route: &ResolvedRoute,
) -> Vec<ScopedFunction<'p>> {
    let handler_only = ResolvedRoute {
        chain: route
            .chain
            .iter()
            .filter(|l| l.role == LinkRole::Handler)
            .cloned()
            .collect(),
        ..route.clone()
    };
    project.route_functions(&handler_only)
}

/// Whether something in the chain authenticates the caller: middleware or
/// a call named like auth (`requireAuth`, `getSession`, `verifyJwt`), a
/// 401/403 answer, the Access JWT header, or a comparison with a secret
/// (`token !== env.API_TOKEN`).
pub(crate) fn is_authenticated(project: &Project, route: &ResolvedRoute) -> bool {
    if project
        .route_callees(route)
        .iter()
        .any(|c| is_auth_name(project, c))
    {
        return true;
    }
    project.route_functions(route).iter().any(|s| {
        s.function.auth_failures().any(|r| s.contains(r.span))
            || s.header_reads()
                .any(|h| h.name.eq_ignore_ascii_case(ACCESS_HEADER))
            || s.env_comparisons()
                .any(|c| project.names.is_secret_name(&c.env_name))
    })
}

/// Whether the function (in scope) calls Cloudflare's siteverify endpoint.
pub(crate) fn calls_siteverify(s: &ScopedFunction<'_>) -> bool {
    let fetches = s.fetches().any(|f| match &f.url {
        UrlSource::Literal(u) | UrlSource::FixedOrigin(u) => u.contains(SITEVERIFY),
        _ => false,
    });
    // The URL is often a constant or a template built in the function.
    fetches
        || (s.fetches().next().is_some()
            && s.function
                .literals
                .iter()
                .any(|l| s.contains(l.span) && l.value.contains(SITEVERIFY)))
}

/// Whether the chain verifies a Turnstile token: a call matching the
/// configured pattern or a siteverify fetch.
pub(crate) fn verifies_turnstile(project: &Project, route: &ResolvedRoute) -> bool {
    project
        .route_callees(route)
        .iter()
        .any(|c| project.config.turnstile_pattern.is_match(c))
        || project.route_functions(route).iter().any(calls_siteverify)
}

/// Whether the chain calls a rate limiter: a callee matching the
/// configured pattern, or `.limit(...)` on one of the Worker's
/// `ratelimits` bindings (`env.UPLOADS.limit({ key })`).
pub(crate) fn is_rate_limited(project: &Project, route: &ResolvedRoute) -> bool {
    let bindings: Vec<&str> = project
        .workers
        .get(route.worker)
        .and_then(|w| project.worker_config(w))
        .map(|config| {
            config
                .scopes()
                .flat_map(|(_, scope)| scope.bindings.iter())
                .filter(|b| b.kind == "ratelimits")
                .map(|b| b.name.value.as_str())
                .collect()
        })
        .unwrap_or_default();
    project.route_callees(route).iter().any(|c| {
        project.config.rate_limit_pattern.is_match(c)
            || c.strip_suffix(".limit").is_some_and(|receiver| {
                let last = receiver.rsplit('.').next().unwrap_or(receiver);
                bindings.contains(&last)
            })
    })
}
