//! What a resolved route's chain does to keep strangers out (AUTH003),
//! and which of its functions are the handler's.

use crate::project::Project;
use crate::project::routes::{LinkRole, ResolvedRoute, ScopedFunction};

use super::routes::is_auth_name;

/// Cloudflare Access forwards the signed identity in this request header.
pub(crate) const ACCESS_HEADER: &str = "cf-access-jwt-assertion";

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
