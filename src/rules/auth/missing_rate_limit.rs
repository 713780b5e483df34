//! AUTH004 missing-rate-limit: the doc lives in rules/AUTH004.md.
//!
//! Rate limiting is a `ratelimits` binding, a call matching
//! `rate_limit_pattern` on the Worker's routes, or Better Auth's own
//! `rateLimit` option. A Worker whose entry exports handlers but no `fetch`
//! (cron, queue, email only) receives no requests and is not judged.
//!
//! A Worker whose `main` is not scanned (a Pages project, a framework app
//! whose `main` is build output or an adapter's entry) is judged on its
//! request-handling files (`support::apps`): a warning when they serve an
//! authentication endpoint or make a paid call, info otherwise.

use crate::finding::{FileId, Finding, Severity};
use crate::formats::js::{BetterAuthConfig, ExportValue, Flag, Framework, SPREAD_KEY};
use crate::formats::wrangler::WranglerConfig;
use crate::project::callees::CalleeTest;
use crate::project::{Facts, Project, WorkerId};
use crate::rules::support::apps;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH004",
    "missing-rate-limit",
    Warning,
    "the Worker has no rate limiting",
    "add a `ratelimits` binding and call it from middleware on the public routes",
    reach = Runtime,
);

pub struct MissingRateLimit;

impl Rule for MissingRateLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::sources::is_rate_limit_callee]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let pattern = &project.config.rate_limit_pattern;
        // Only the Workers this batch judges: the others have no entry here.
        for &id in &project.scope_workers {
            let Some(worker) = project.workers.get(id) else {
                continue;
            };
            let Some(config) = project.worker_config(worker) else {
                continue;
            };
            // No scanned entry: a Pages project or a framework app, judged
            // on its request-handling files; with none (config only), not
            // at all.
            if project.worker_entry(id).is_none() {
                check_app(project, id, config, out);
                continue;
            }
            if config.scopes().any(|(_, scope)| scope.has_rate_limit) {
                continue;
            }
            if project
                .worker_entry(id)
                .is_some_and(|entry| serves_no_requests(project, entry))
            {
                continue;
            }
            let routes: Vec<_> = project.routes().iter().filter(|r| r.worker == id).collect();
            // Better Auth's own `rateLimit` option limits its endpoints, the
            // ones brute force aims at.
            let auth_limited = project.js_files().any(|(fid, f, facts)| {
                f.worker == Some(id)
                    && project.is_reachable(fid)
                    && facts.better_auth.iter().any(better_auth_limits)
            });
            let limited = if auth_limited {
                true
            } else if routes.is_empty() {
                // No routes resolved (a bare fetch handler): any call in
                // the Worker's reachable code counts.
                project.js_files().any(|(fid, f, facts)| {
                    f.worker == Some(id)
                        && project.is_reachable(fid)
                        && facts.calls().any(|(_, c)| pattern.is_match(&c.callee))
                })
            } else {
                routes
                    .iter()
                    .any(|r| project.route_callees(r).iter().any(|c| pattern.is_match(c)))
            };
            if limited {
                continue;
            }
            let span = config.main.as_ref().map_or(Span::default(), |m| m.span);
            let name = match &project.file(worker.config_file).facts {
                Facts::Wrangler(c) => c.name.as_ref().map(|n| n.value.clone()),
                _ => None,
            };
            let what = name.map_or_else(|| "this Worker".to_string(), |n| format!("Worker `{n}`"));
            // The same evidence as for apps: a sign-in, token or paid
            // endpoint makes the missing limiter a likely problem.
            let requests: Vec<apps::RequestFile> = routes
                .iter()
                .map(|r| apps::RequestFile {
                    file: r.file,
                    span: r.report_span(),
                    url_path: r.full_path.clone(),
                })
                .collect();
            let target = apps::auth_target(project, id, &requests)
                .or_else(|| apps::paid_target(project, id, &requests));
            let finding = Finding::new(&META, worker.config_file, span);
            // A Worker bound to nothing but its static assets, that calls
            // no other service and reads no env value, with no sign-in or
            // paid call, has little a flood can exhaust.
            let binding_names: Vec<&str> = config
                .scopes()
                .flat_map(|(_, scope)| scope.bindings.iter())
                .map(|b| b.name.value.as_str())
                .collect();
            let bound_to_state = config
                .scopes()
                .flat_map(|(_, scope)| scope.bindings.iter())
                .any(|b| b.kind != "assets")
                || config.scopes().any(|(_, scope)| {
                    scope.vars.iter().any(|v| {
                        let key = v.key.value.as_str();
                        project.names.is_secret_name(key)
                            || crate::secrets::names::hints_credential(key)
                    })
                })
                || project.js_files().any(|(_, f, facts)| {
                    f.worker == Some(id)
                        && (!facts.fetches.is_empty()
                            || facts
                                .env_reads()
                                .any(|(_, r)| !binding_names.contains(&r.name.as_str())))
                });
            out.push(match target {
                Some(t) => finding
                    .message(format!(
                        "{what} has no rate limiting: no `ratelimits` binding and no route calls a rate limiter, yet it {}",
                        t.what
                    ))
                    .related(t.file, t.span, "what makes it worth limiting"),
                None if bound_to_state => finding.message(format!(
                    "{what} has no rate limiting: no `ratelimits` binding and no route calls a rate limiter"
                )),
                None => finding
                    .message(format!(
                        "{what} has no rate limiting: no `ratelimits` binding and no route calls a rate limiter (it is bound to nothing but its assets, calls no other service, reads no env value or secret-named var, and no sign-in, token or paid endpoint was seen)"
                    ))
                    .severity(Severity::Info),
            });
        }
    }
}

/// A Pages project or framework app (no scanned entry): reported at the
/// config when its request-handling files exist and nothing limits them.
fn check_app(project: &Project, id: WorkerId, config: &WranglerConfig, out: &mut Vec<Finding>) {
    if config.scopes().any(|(_, scope)| scope.has_rate_limit) {
        return;
    }
    let requests = apps::request_files(project, id);
    if requests.is_empty() || app_limited(project, id) {
        return;
    }
    let Some(worker) = project.workers.get(id) else {
        return;
    };
    let span = config
        .main
        .as_ref()
        .or(config.pages_build_output_dir.as_ref())
        .or(config.name.as_ref())
        .map_or(Span::default(), |v| v.span);
    // Without `main` a config deploys nothing as a Worker: it is a Pages
    // project's (bindings for `functions/`, `pages_build_output_dir`).
    let kind = if config.main.is_some() && config.pages_build_output_dir.is_none() {
        "Worker"
    } else {
        "Pages project"
    };
    let what = config.name.as_ref().map_or_else(
        || format!("this {kind}"),
        |n| format!("{kind} `{}`", n.value),
    );
    let files = requests.len();
    let handlers = if files == 1 {
        "its request-handling file does not call a rate limiter".to_string()
    } else {
        format!("none of its {files} request-handling files calls a rate limiter")
    };
    let target = apps::auth_target(project, id, &requests)
        .or_else(|| apps::paid_target(project, id, &requests));
    let finding = Finding::new(&META, worker.config_file, span);
    out.push(match target {
        Some(t) => finding
            .message(format!(
                "{what} has no rate limiting: no `ratelimits` binding and {handlers}, yet it {}",
                t.what
            ))
            .related(t.file, t.span, "what makes it worth limiting"),
        // A site whose functions do nothing abuse aims at: hygiene.
        None => finding
            .message(format!(
                "{what} has no rate limiting: no `ratelimits` binding and {handlers} (no sign-in, token or paid endpoint seen)"
            ))
            .related(requests[0].file, requests[0].span, "request handler")
            .severity(Severity::Info),
    });
}

/// Whether a Worker without a scanned entry limits its requests somewhere
/// in its source: Better Auth's `rateLimit`, a call or a function or
/// import named like a rate limiter, or middleware of a file-based route
/// named like one (`export const onRequest = [rateLimit, auth]`).
fn app_limited(project: &Project, id: WorkerId) -> bool {
    let pattern = &project.config.rate_limit_pattern;
    let in_files = crate::rules::support::sources::source_files(project).any(|(_, f, facts)| {
        f.worker == Some(id)
            && (facts.better_auth.iter().any(better_auth_limits)
                || facts.calls().any(|(_, c)| pattern.is_match(&c.callee))
                || facts
                    .functions
                    .iter()
                    .filter_map(|g| g.name.as_deref())
                    .any(|n| pattern.is_match(n))
                || facts
                    .imports
                    .iter()
                    .flat_map(|i| &i.names)
                    .any(|n| pattern.is_match(&n.local)))
    });
    in_files
        || project
            .routes()
            .iter()
            .filter(|r| r.worker == id && r.framework == Framework::Files)
            .any(|r| project.route_callees(r).iter().any(|c| pattern.is_match(c)))
}

/// Whether a Better Auth config limits its endpoints: `rateLimit` is set
/// and not `enabled: false`.
fn better_auth_limits(cfg: &BetterAuthConfig) -> bool {
    cfg.rate_limit
        .as_ref()
        .is_some_and(|rl| rl.value != Flag::False)
}

/// The entry's default export lists its handlers and none is `fetch`
/// (`export default { scheduled }`, a queue consumer): no request ever
/// reaches the Worker, so there is nothing to rate-limit.
fn serves_no_requests(project: &Project, entry: FileId) -> bool {
    let Facts::Js(facts) = &project.file(entry).facts else {
        return false;
    };
    let Some(default) = facts.exports.iter().find(|e| e.exported == "default") else {
        return false;
    };
    let handlers: Vec<&str> = match &default.value {
        ExportValue::Object(props) => props.iter().map(|p| p.key.as_str()).collect(),
        ExportValue::Class(class) => class.methods.iter().map(|m| m.key.as_str()).collect(),
        _ => return false,
    };
    !handlers.is_empty() && !handlers.iter().any(|k| *k == "fetch" || *k == SPREAD_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::support::sources::run_rule_on;

    const APP: &str = "import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text('hi'))\nexport default app\n";

    #[test]
    fn binding_or_limiter_call_or_no_source_silences() {
        let run = |files: &[(&str, &str)]| run_rule_on(&MissingRateLimit, files, Config::default());
        let bare = "name = \"w\"\nmain = \"src/index.ts\"\n";
        let found = run(&[("wrangler.toml", bare), ("src/index.ts", APP)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, "\"src/index.ts\"");
        let bound = "name = \"w\"\nmain = \"src/index.ts\"\n[[ratelimits]]\nname = \"RL\"\nnamespace_id = \"1001\"\nsimple = { limit = 100, period = 60 }\n";
        assert!(run(&[("wrangler.toml", bound), ("src/index.ts", APP)]).is_empty());
        let called = APP.replace("app.get", "app.use('*', rateLimiter({}))\napp.get");
        assert!(run(&[("wrangler.toml", bare), ("src/index.ts", &called)]).is_empty());
        assert!(run(&[("wrangler.toml", bare)]).is_empty());
    }
}
