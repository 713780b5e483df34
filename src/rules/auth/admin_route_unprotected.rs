//! AUTH003 admin-route-unprotected: the doc lives in rules/AUTH003.md.
//!
//! An admin route is one under an admin path segment, or one that does
//! admin work whatever its path (`support::admin_work`): destroys data,
//! runs SQL the request supplies, or answers a set-up/debug path.

use crate::hashing::HashSet;

use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::project::routes::ResolvedRoute;
use crate::rules::support::admin_work;
use crate::rules::support::chain::{ACCESS_HEADER, is_authenticated};
use crate::rules::support::sources::skip_test_file;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH003",
    "admin-route-unprotected",
    Error,
    "an admin route has no admin guard in its middleware chain or handler",
    "guard admin routes with middleware registered before them (e.g. `app.use('/admin/*', requireAdmin)`) or Cloudflare Access",
    reach = Runtime,
);

pub struct AdminRouteUnprotected;

/// Path segments of the way into an admin area: these must answer
/// anonymous users (`/admin/login`, `/api/admin/register`).
const SIGN_IN_SEGMENTS: &[&str] = &[
    "login", "signin", "sign-in", "logout", "register", "signup", "sign-up", "token", "session",
];

/// Calls (by method name) that issue a credential: the route that makes
/// them is where users sign in (`jwt.sign(...)`, `new SignJWT(...)`).
const ISSUING_CALLS: &[&str] = &[
    "sign",
    "signJwt",
    "signJWT",
    "SignJWT",
    "createSession",
    "createToken",
    "issueToken",
];

fn is_issuing_call(_: &crate::config::Config, callee: &str) -> bool {
    ISSUING_CALLS.contains(&callee.rsplit('.').next().unwrap_or(callee))
}

/// Why an unguarded admin route looks like the sign-in entry to the
/// admin area, if it does: its last path segment, or a credential it
/// issues itself.
fn sign_in_entry(project: &Project, route: &ResolvedRoute) -> Option<String> {
    if let Some(last) = route.segments().last()
        && SIGN_IN_SEGMENTS
            .iter()
            .any(|s| last.eq_ignore_ascii_case(s))
    {
        return Some(format!("its path ends in `{last}`"));
    }
    project
        .route_callees(route)
        .iter()
        .find(|c| is_issuing_call(&project.config, c))
        .map(|c| format!("it issues a credential itself (`{c}(...)`)"))
}

fn is_guarded(project: &Project, route: &ResolvedRoute) -> bool {
    let pattern = &project.config.admin_guard_pattern;
    if project
        .route_callees(route)
        .iter()
        .any(|c| pattern.is_match(c))
    {
        return true;
    }
    project.route_functions(route).iter().any(|s| {
        s.header_reads()
            .any(|h| h.name.eq_ignore_ascii_case(ACCESS_HEADER))
            || s.env_comparisons().any(|c| c.env_name == "ADMIN_KEY")
    })
}

impl Rule for AdminRouteUnprotected {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[
            crate::rules::support::routes::is_auth_name_in,
            is_issuing_call,
        ]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let segments = &project.config.admin_segments;
        let mut seen = HashSet::default();
        let code_in_batch = admin_work::batch_has_code_work(project);
        for route in project.routes() {
            let is_admin = route
                .segments()
                .any(|s| segments.iter().any(|a| s.eq_ignore_ascii_case(a)));
            if skip_test_file(project, project.file(route.file)) {
                continue;
            }
            let span = route.report_span();
            if seen.contains(&(route.file, span)) {
                continue;
            }
            if !is_admin {
                if let Some(finding) = admin_work_finding(project, route, code_in_batch) {
                    seen.insert((route.file, span));
                    out.push(finding);
                }
                continue;
            }
            if is_guarded(project, route) {
                continue;
            }
            seen.insert((route.file, span));
            let finding = Finding::new(&META, route.file, span).message(format!(
                "{} {} is an admin route, but no admin guard (admin/permission middleware, Cloudflare Access JWT check, ADMIN_KEY comparison) runs before or in its handler",
                route.methods.join("/"),
                route.full_path
            ));
            // The way in must stay open: likely the sign-in, unproven.
            out.push(match sign_in_entry(project, route) {
                Some(why) => finding.severity(Severity::Warning).message(format!(
                    "{} {} sits under an admin path with no admin guard, but {why}: it looks \
                         like the sign-in that must answer anonymous users; make sure it does \
                         nothing else",
                    route.methods.join("/"),
                    route.full_path
                )),
                None => finding,
            });
        }
    }
}

/// A route outside the admin paths that does admin work with no auth of
/// any kind in its chain: error when the code shows it (or the path and
/// the code agree), warning on the path alone.
fn admin_work_finding(
    project: &Project,
    route: &ResolvedRoute,
    code_in_batch: bool,
) -> Option<Finding> {
    let work = admin_work::of_route(project, route, code_in_batch)?;
    if is_guarded(project, route) || is_authenticated(project, route) {
        return None;
    }
    let severity = if work.proven() {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut finding = Finding::new(&META, route.file, route.report_span())
        .severity(severity)
        .message(format!(
            "{} {} {}, but no auth check (auth or admin middleware, session or token check, Cloudflare Access JWT) runs before or in its handler",
            route.methods.join("/"),
            route.full_path,
            work.describe()
        ))
        .help("guard it with admin middleware or Cloudflare Access, or remove it from the deployed Worker (a one-off script or `wrangler d1 execute` does set-up work without a public route)");
    if let Some(site) = &work.site {
        finding.add_related(site.file, site.span, site.what.clone());
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::support::sources::run_rule_on;

    const WRANGLER: &str = "name = \"w\"\nmain = \"src/index.ts\"\n";

    #[test]
    fn guards_by_prefix_sub_app_and_handler() {
        let found = run_rule_on(
            &AdminRouteUnprotected,
            &[
                ("wrangler.toml", WRANGLER),
                (
                    "src/index.ts",
                    r#"
import { Hono } from 'hono'
import admin from './admin'
const app = new Hono()
app.get('/api/admin/early', (c) => c.json({}))
app.use('/api/admin/*', requireAdmin)
app.get('/api/admin/users', (c) => c.json({}))
app.route('/admin', admin)
app.post('/ops/admin/flush', (c) => {
  if (c.req.header('X-Admin-Key') !== c.env.ADMIN_KEY) return c.text('no', 401)
  return c.json({})
})
export default app
"#,
                ),
                (
                    "src/admin.ts",
                    r#"
import { Hono } from 'hono'
const admin = new Hono()
admin.use('*', adminAuth)
admin.get('/stats', (c) => c.json({}))
export default admin
"#,
                ),
            ],
            Config::default(),
        );
        let lines: Vec<_> = found.iter().map(|(_, l, t)| (*l, t.as_str())).collect();
        assert_eq!(lines, vec![(5, "'/api/admin/early'")]);
    }
}
