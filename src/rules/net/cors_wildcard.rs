//! NET001 cors-wildcard: the doc lives in rules/NET001.md.
//!
//! This file covers the configuration side: a `*` inside a
//! `CORS_ALLOWED_ORIGINS` value wherever the repository makes one visible
//! (wrangler vars, env files, scripts, literals fed to `wrangler secret put`,
//! workflow env). From a value alone the routes it reaches cannot be told, so
//! a production-scope `*` is an error and one outside production a warning.

use crate::hashing::HashSet;

use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::rules::support::cors;
use crate::rules::support::credentials;
use crate::rules::support::routes;
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET001",
    "cors-wildcard",
    Error,
    "`*` is an allowed CORS origin",
    "list the exact origins allowed (`https://app.example.com`) instead of `*`",
    reach = Runtime,
);

pub struct CorsWildcard;

impl Rule for CorsWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[routes::is_auth_name_in]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        check_code(project, out);
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut seen = HashSet::default();
        for value in project.named_values() {
            if !cors::is_origins_name(value.name) {
                continue;
            }
            for entry in cors::entries(value.value, value.value_span) {
                let text = entry.trimmed();
                if !text.contains('*') || cors::is_unknown(&value, &entry) {
                    continue;
                }
                let span = cors::trimmed_span(&entry);
                if !seen.insert((value.file, span)) {
                    continue;
                }
                let what = if text == "*" {
                    "allows every origin (`*`)"
                } else {
                    "holds a wildcard origin pattern"
                };
                let scope = if value.production {
                    "in production scope"
                } else {
                    "outside production"
                };
                let severity = if value.production {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                out.push(
                    Finding::new(&META, value.file, span)
                        .severity(severity)
                        .message(format!("`{}` {what} {scope}", value.name))
                        .help(help(text == "*")),
                );
            }
        }
    }
}

fn help(bare: bool) -> &'static str {
    if bare {
        "list the exact origins allowed, comma-separated (`https://app.example.com,https://admin.example.com`); \
         a `*` lets any website call the API from a visitor's browser"
    } else {
        "list each origin exactly (`https://app.example.com`); a pattern such as `https://*.example.com` is either \
         matched literally (and never matches) or, if the Worker expands it, admits every subdomain"
    }
}

// ---------------------------------------------------------------------------
// Code side: `Access-Control-Allow-Origin: *` and `cors()` defaulting to `*`
// ---------------------------------------------------------------------------

use crate::formats::js::{
    CorsOrigin, FunctionId, HeaderValue, JsFacts, RouteKind, RouteRegistration,
};
use crate::span::Span;

fn check_code(project: &Project, out: &mut Vec<Finding>) {
    for (file, _, facts) in project.js_files() {
        if skip_test_or_unreachable_file(project, file) {
            continue;
        }
        let credentials_header = facts
            .header_writes
            .iter()
            .filter(|w| {
                w.is("Access-Control-Allow-Credentials")
                    && matches!(&w.value, HeaderValue::Literal(v) if v.trim().eq_ignore_ascii_case("true"))
            })
            .collect::<Vec<_>>();
        for write in &facts.header_writes {
            if !write.is("Access-Control-Allow-Origin")
                || !matches!(&write.value, HeaderValue::Literal(v) if v.trim() == "*")
            {
                continue;
            }
            let credentials = credentials_header
                .iter()
                .any(|c| c.function == write.function);
            out.push(finding(
                project,
                facts,
                file,
                Site {
                    function: write.function,
                    span: write.span,
                    report: write.value_span,
                    what: "`Access-Control-Allow-Origin: *` allows every origin".to_string(),
                    credentials,
                },
            ));
        }
        for cors in &facts.cors {
            let what = match &cors.origin {
                CorsOrigin::Absent => format!(
                    "`{}()` without an `origin` option allows every origin (the default is `*`)",
                    cors.callee
                ),
                CorsOrigin::Literal(v) if v.trim() == "*" => {
                    "the allowed origin `*` admits every origin".to_string()
                }
                CorsOrigin::List { entries, .. }
                    if entries.iter().any(|e| e.value.trim() == "*") =>
                {
                    "the origin list holds `*`, which allows every origin".to_string()
                }
                _ => continue,
            };
            let credentials = cors
                .credentials
                .is_some_and(|c| c.value == crate::formats::js::Flag::True);
            out.push(finding(
                project,
                facts,
                file,
                Site {
                    function: cors.function,
                    span: cors.span,
                    report: cors.origin_span,
                    what,
                    credentials,
                },
            ));
        }
    }
}

/// A place that allows `*`.
struct Site {
    /// The function it is written in.
    function: FunctionId,
    /// The write or `cors()` call.
    span: Span,
    /// What to report.
    report: Span,
    what: String,
    /// Credentials are sent with it.
    credentials: bool,
}

fn finding(
    project: &Project,
    facts: &JsFacts,
    file: crate::finding::FileId,
    site: Site,
) -> Finding {
    let reach = reach_of(facts, site.function, site.span);
    let resolved = resolved_risk(project, file, facts, site.function, site.span);
    let Site {
        report: span,
        what,
        credentials,
        ..
    } = site;
    let local_risk = reach.as_ref().and_then(|routes| {
        routes.iter().find_map(|r| {
            if routes::is_write_route(r) {
                Some(format!(
                    "and reaches the write route `{}`",
                    routes::describe(r)
                ))
            } else if routes::is_auth_guarded(project, facts, r) {
                Some(format!(
                    "and reaches `{}`, which is guarded by authentication",
                    routes::describe(r)
                ))
            } else {
                None
            }
        })
    });
    let risky = local_risk.or(resolved);
    let (severity, context) = if credentials {
        (
            Severity::Error,
            "while sending credentials (`Access-Control-Allow-Credentials`)".to_string(),
        )
    } else if let Some(r) = risky {
        (Severity::Error, r)
    } else if reach.as_ref().is_some_and(|r| !r.is_empty()) {
        (
            Severity::Warning,
            "and reaches only public read-only routes".to_string(),
        )
    } else {
        (
            Severity::Warning,
            "(which routes it reaches cannot be told here)".to_string(),
        )
    };
    // Without credentials, `*` lets a page read what an anonymous request
    // gets: it matters only when the Worker reads some credential.
    let anonymous = severity == Severity::Warning
        && project
            .file(file)
            .worker
            .is_some_and(|w| !credentials::worker_reads_credentials(project, w));
    let (severity, context) = if anonymous {
        (
            Severity::Info,
            format!(
                "{context}; the Worker reads no cookie, Authorization or API-key header, so any \
                 page can read only what an anonymous request gets"
            ),
        )
    } else {
        (severity, context)
    };
    Finding::new(&META, file, span)
        .severity(severity)
        .message(format!("{what} {context}"))
        .help(
            "answer with the request's Origin only when it is in an exact allowlist \
             (`ALLOWED.includes(origin)`), or pass `origin: [...]` with the exact origins to `cors()`; \
             keep `*` only for public read-only data sent without credentials",
        )
}

/// The functions a CORS site acts in: its own, or for a module-level
/// headers object, every function that reads it (then `true`).
fn site_functions(facts: &JsFacts, site_fn: FunctionId, site: Span) -> (Vec<FunctionId>, bool) {
    if site_fn == crate::formats::js::MODULE_SCOPE
        && let Some(constant) = facts.module_constants.iter().find(|c| {
            c.init_span
                .is_some_and(|i| i.start <= site.start && site.end <= i.end)
        })
    {
        let fns = facts
            .functions
            .iter()
            .filter(|f| f.id != 0 && f.references.contains(&constant.name))
            .map(|f| f.id)
            .collect();
        return (fns, true);
    }
    (vec![site_fn], false)
}

/// With the cross-file route resolution: a write or auth-guarded route the
/// site reaches through mounts in other files. Only ever raises severity.
fn resolved_risk(
    project: &Project,
    file: crate::finding::FileId,
    facts: &JsFacts,
    site_fn: FunctionId,
    site: Span,
) -> Option<String> {
    use crate::project::routes::{LinkRole, LinkTarget};
    let (fns, _) = site_functions(facts, site_fn, site);
    let in_site = |f: &crate::project::routes::FnRef| {
        f.file == file
            && fns
                .iter()
                .any(|&s| routes::is_within_fn(facts, f.function, s))
    };
    for route in project.routes() {
        let applies = route.chain.iter().any(|link| {
            (link.file == file && link.span.start <= site.start && site.end <= link.span.end)
                || match &link.target {
                    LinkTarget::Function(f) => in_site(f),
                    LinkTarget::Call {
                        factory, inline, ..
                    } => factory.iter().chain(inline).any(in_site),
                    LinkTarget::Region {
                        function,
                        span,
                        exclude,
                    } => {
                        function.file == file
                            && fns.contains(&function.function)
                            && span.start <= site.start
                            && site.end <= span.end
                            && !exclude
                                .iter()
                                .any(|e| e.start <= site.start && site.end <= e.end)
                    }
                    LinkTarget::Name(_) => false,
                }
        });
        if !applies {
            continue;
        }
        let describe = format!("{} {}", route.methods.join("|"), route.full_path);
        if route
            .methods
            .iter()
            .any(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
        {
            return Some(format!("and reaches the write route `{describe}`"));
        }
        let guarded = route.chain.iter().any(|link| {
            link.role == LinkRole::Middleware
                && match &link.target {
                    LinkTarget::Call { callee, .. } => routes::is_auth_name(project, callee),
                    LinkTarget::Name(n) => routes::is_auth_name(project, n),
                    LinkTarget::Function(f) => project_function_name(project, f)
                        .is_some_and(|n| routes::is_auth_name(project, &n)),
                    LinkTarget::Region { .. } => false,
                }
        });
        if guarded {
            return Some(format!(
                "and reaches `{describe}`, which is guarded by authentication"
            ));
        }
    }
    None
}

fn project_function_name(project: &Project, f: &crate::project::routes::FnRef) -> Option<String> {
    match &project.files.get(f.file)?.facts {
        crate::project::Facts::Js(j) => j.function(f.function)?.name.as_deref().map(String::from),
        _ => None,
    }
}

/// The routes a CORS site (in function `site_fn`, at `site`) applies to;
/// `None` when that cannot be told from this file.
fn reach_of(facts: &JsFacts, site_fn: FunctionId, site: Span) -> Option<Vec<&RouteRegistration>> {
    let (fns, from_constant) = site_functions(facts, site_fn, site);
    let mut routes: Vec<&RouteRegistration> = Vec::new();
    let mut known = false;
    for (index, reg) in facts.routes.iter().enumerate() {
        let direct = reg
            .handlers
            .iter()
            .any(|h| h.span.start <= site.start && site.end <= h.span.end);
        let via_fn = reg.handlers.iter().any(|h| {
            routes::resolve(facts, &h.value)
                .into_iter()
                .any(|id| fns.iter().any(|&f| routes::is_within_fn(facts, id, f)))
        });
        let fetch_branch = reg.body.is_some_and(|body| {
            fns.iter().any(|&f| {
                let at = if f == reg.function {
                    if from_constant {
                        return true;
                    }
                    site
                } else if routes::is_within_fn(facts, reg.function, f) {
                    facts.function(f).map_or(site, |x| x.span)
                } else {
                    return false;
                };
                (body.start <= at.start && at.end <= body.end) || at.end <= body.start
            })
        });
        if !(direct || via_fn || fetch_branch) {
            continue;
        }
        known = true;
        match reg.kind {
            RouteKind::Handler => routes.push(reg),
            RouteKind::Use => {
                for later in facts.routes.iter().skip(index + 1) {
                    if later.kind == RouteKind::Handler
                        && routes::same_router(reg, later)
                        && routes::path_covers(&routes::full_path(reg), &routes::full_path(later))
                    {
                        routes.push(later);
                    }
                }
            }
            RouteKind::Mount | RouteKind::Register => {}
        }
    }
    routes.dedup_by(|a, b| std::ptr::eq(*a, *b));
    known.then_some(routes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn code_findings(fixture: &str) -> Vec<(usize, Severity)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/NET001")
            .join(fixture);
        let project = crate::project::scan_with_sources(&root, Config::default());
        let mut out = Vec::new();
        check_code(&project, &mut out);
        out.iter()
            .filter_map(|f| match &f.location {
                crate::finding::Location::File { file, span } => {
                    let text =
                        std::fs::read_to_string(root.join(&project.file(*file).path)).ok()?;
                    Some((
                        crate::span::line_col(&text, span.start as usize).0,
                        f.severity,
                    ))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn write_route_is_an_error() {
        assert_eq!(
            code_findings("hono-default-cors-write"),
            vec![(7, Severity::Error)]
        );
        assert_eq!(
            code_findings("mounted-write-route"),
            vec![(7, Severity::Error)]
        );
        assert_eq!(
            code_findings("fetch-handler-headers"),
            vec![(2, Severity::Error)]
        );
    }

    #[test]
    fn public_get_only_is_a_warning_and_info_without_credentials() {
        assert_eq!(
            code_findings("credentialed-worker"),
            vec![(3, Severity::Warning)]
        );
        // Nothing in that Worker reads a cookie or an Authorization header.
        assert_eq!(code_findings("public-get-star"), vec![(7, Severity::Info)]);
        assert_eq!(code_findings("anonymous-worker"), vec![(3, Severity::Info)]);
    }

    #[test]
    fn paths() {
        assert!(routes::path_covers("*", "/a"));
        assert!(routes::path_covers("/api/*", "/api/x"));
        assert!(routes::path_covers("/api/*", "/api"));
        assert!(!routes::path_covers("/api/*", "/apix"));
        assert!(routes::glob_matches("/proxy/fetch", "/proxy/fetch"));
        assert!(routes::glob_matches("/compile*", "/compile/async"));
    }
}
