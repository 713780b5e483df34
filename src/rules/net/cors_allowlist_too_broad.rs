//! NET006 cors-allowlist-too-broad: the doc lives in rules/NET006.md.
//!
//! Only credentialed CORS is judged: `cors({ credentials: true })`, or a
//! file writing `Access-Control-Allow-Credentials: true`. The origin checks
//! read are those of the `cors()` origin callback, of the functions writing
//! `Access-Control-Allow-Origin` from the request origin (with the
//! functions around and inside them), and of same-file helpers they hand
//! the origin to (`isAllowedOrigin(origin)`), one level.

use crate::finding::{FileId, Finding, Severity};
use crate::formats::js::{
    CorsOrigin, Flag, FunctionFacts, HeaderValue, JsFacts, OriginCheck, OriginCheckKind,
};
use crate::project::Project;
use crate::rules::support::routes;
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "NET006",
    "cors-allowlist-too-broad",
    Error,
    "a credentialed CORS policy accepts origins anyone can register",
    "match exact origins from an allowlist; never suffix-match shared hosting domains",
    reach = Runtime,
);

pub struct CorsAllowlistTooBroad;

/// Hosting suffixes under which anyone can get a subdomain.
const SHARED_SUFFIXES: &[&str] = &[
    "pages.dev",
    "workers.dev",
    "vercel.app",
    "netlify.app",
    "github.io",
    "gitlab.io",
    "herokuapp.com",
    "onrender.com",
    "fly.dev",
    "web.app",
    "firebaseapp.com",
    "azurewebsites.net",
    "azurestaticapps.net",
    "cloudfront.net",
    "amplifyapp.com",
    "appspot.com",
    "railway.app",
    "deno.dev",
    "r2.dev",
    "ngrok.io",
    "ngrok-free.app",
    "ngrok.app",
    "trycloudflare.com",
    "surge.sh",
    "glitch.me",
    "repl.co",
    "replit.app",
    "codesandbox.io",
    "stackblitz.io",
    "loca.lt",
];

impl Rule for CorsAllowlistTooBroad {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, _, facts) in project.js_files() {
            if skip_test_or_unreachable_file(project, file) {
                continue;
            }
            let credentials_header = facts.header_writes.iter().any(|w| {
                w.is("Access-Control-Allow-Credentials")
                    && matches!(&w.value, HeaderValue::Literal(v) if v.trim().eq_ignore_ascii_case("true"))
            });
            let mut seen: Vec<Span> = Vec::new();
            for cors in &facts.cors {
                let credentialed = cors.credentials.is_some_and(|c| c.value == Flag::True);
                if !credentialed && !credentials_header {
                    continue;
                }
                match &cors.origin {
                    CorsOrigin::Literal(v) => {
                        if let Some(why) = broad_pattern(v) {
                            report(out, &mut seen, file, cors.origin_span, v, &why);
                        }
                    }
                    CorsOrigin::List { entries, .. } => {
                        for e in entries {
                            if let Some(why) = broad_pattern(&e.value) {
                                report(out, &mut seen, file, e.span, &e.value, &why);
                            }
                        }
                    }
                    CorsOrigin::Function { function, .. } => {
                        for check in checks_of(facts, *function) {
                            judge(out, &mut seen, file, check);
                        }
                    }
                    _ => {}
                }
            }
            if !credentials_header {
                continue;
            }
            for write in &facts.header_writes {
                // The value may be computed from a flag (`allowed ? origin : x`):
                // what matters is the checks made where the header is written.
                if !write.is("Access-Control-Allow-Origin")
                    || matches!(write.value, HeaderValue::Literal(_))
                {
                    continue;
                }
                let mut ids = vec![write.function];
                ids.extend(routes::ancestors(facts, write.function).into_iter().skip(1));
                for id in ids {
                    if id == crate::formats::js::MODULE_SCOPE {
                        continue;
                    }
                    for check in checks_of(facts, id) {
                        judge(out, &mut seen, file, check);
                    }
                }
            }
        }
    }
}

/// The origin checks of a function, its nested callbacks, and the same-file
/// helpers it passes the origin to.
fn checks_of(facts: &JsFacts, id: usize) -> Vec<&OriginCheck> {
    let scopes: Vec<&FunctionFacts> = facts.function_and_nested(id);
    let mut out: Vec<&OriginCheck> = scopes.iter().flat_map(|f| f.origin_checks()).collect();
    let helpers: Vec<&str> = out
        .iter()
        .filter_map(|c| match &c.kind {
            OriginCheckKind::Call { callee } => Some(callee.rsplit('.').next().unwrap_or(callee)),
            _ => None,
        })
        .collect();
    for name in helpers {
        for f in facts.functions_named(name) {
            for n in facts.function_and_nested(f.id) {
                out.extend(n.origin_checks().iter());
            }
        }
    }
    out
}

fn judge(out: &mut Vec<Finding>, seen: &mut Vec<Span>, file: FileId, check: &OriginCheck) {
    let value = check.value.as_ref().map(|v| v.value.to_ascii_lowercase());
    let why = match &check.kind {
        OriginCheckKind::EndsWith | OriginCheckKind::Includes => {
            let Some(v) = value.as_deref() else { return };
            let verb = if check.kind == OriginCheckKind::EndsWith {
                "endsWith"
            } else {
                "includes"
            };
            if let Some(suffix) = shared_suffix(v) {
                format!(
                    "`{verb}('{v}')` accepts any site hosted on `{suffix}`, which anyone can register"
                )
            } else if v.starts_with(|c: char| c.is_ascii_alphanumeric()) && !v.contains("://") {
                format!(
                    "`{verb}('{v}')` without a leading dot also accepts `evil{v}`{}",
                    if verb == "includes" {
                        format!(" and `{v}.evil.com`")
                    } else {
                        String::new()
                    }
                )
            } else {
                return;
            }
        }
        OriginCheckKind::Regex {
            pattern: Some(p), ..
        } => match broad_regex(p) {
            Some(why) => why,
            None => return,
        },
        OriginCheckKind::StartsWith => {
            let Some(v) = value.as_deref() else { return };
            match open_prefix(v) {
                Some(OpenPrefix::AnyHost) => format!(
                    "`startsWith('{v}')` also accepts `{v}.evil.com`: an origin is a whole \
                     scheme, host and port, so a prefix of it matches hosts anyone can register"
                ),
                Some(OpenPrefix::AnyLocalPort) => {
                    let why = format!(
                        "`startsWith('{v}')` accepts every port on this machine: any local \
                         program or page served on another port can read credentialed responses"
                    );
                    push(out, seen, file, check.span, &why, Severity::Warning);
                    return;
                }
                None => return,
            }
        }
        _ => return,
    };
    push(out, seen, file, check.span, &why, Severity::Error);
}

fn push(
    out: &mut Vec<Finding>,
    seen: &mut Vec<Span>,
    file: FileId,
    span: Span,
    why: &str,
    severity: Severity,
) {
    if seen.contains(&span) {
        return;
    }
    seen.push(span);
    out.push(
        Finding::new(&META, file, span)
            .severity(severity)
            .message(format!("credentialed CORS origin check: {why}"))
            .help(HELP),
    );
}

/// What a `startsWith` origin prefix leaves open.
#[derive(Debug, PartialEq, Eq)]
enum OpenPrefix {
    /// `https://app.example.com`: also `https://app.example.com.evil.com`.
    AnyHost,
    /// `http://localhost:`: every port of the loopback host.
    AnyLocalPort,
}

/// Judges a lowercase `startsWith` prefix of an origin: only a
/// `scheme://host` prefix is judged (a bare scheme or a partial word is
/// not a host check).
fn open_prefix(prefix: &str) -> Option<OpenPrefix> {
    let (_, rest) = prefix.split_once("://")?;
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    match rest.split_once(':') {
        None => rest
            .contains('.')
            .then_some(OpenPrefix::AnyHost)
            .or_else(|| (rest == "localhost").then_some(OpenPrefix::AnyHost)),
        Some(("localhost" | "127.0.0.1" | "[::1]", "")) => Some(OpenPrefix::AnyLocalPort),
        Some(_) => None,
    }
}

fn report(
    out: &mut Vec<Finding>,
    seen: &mut Vec<Span>,
    file: FileId,
    span: Span,
    value: &str,
    why: &str,
) {
    if seen.contains(&span) {
        return;
    }
    seen.push(span);
    out.push(
        Finding::new(&META, file, span)
            .message(format!("credentialed CORS allows `{value}`: {why}"))
            .help(HELP),
    );
}

const HELP: &str = "compare the origin exactly against a list of your own origins \
    (`ALLOWED_ORIGINS.includes(origin)`); to allow your own subdomains, parse the origin with \
    `new URL(origin)` and test `hostname === 'example.com' || hostname.endsWith('.example.com')`";

/// The shared hosting suffix a value ends with, when the part before it is
/// not a label of its own (`.pages.dev`, `pages.dev`, `*.pages.dev`).
fn shared_suffix(value: &str) -> Option<&'static str> {
    let v = value.trim().trim_end_matches('/');
    SHARED_SUFFIXES.iter().copied().find(|s| {
        let Some(head) = v.strip_suffix(s) else {
            return false;
        };
        let head = head.strip_suffix('.').unwrap_or(head);
        head.is_empty()
            || head.ends_with('*')
            || head.ends_with("://")
            || head.ends_with("//")
            || head.ends_with('.')
    })
}

/// A wildcard origin pattern (`https://*.pages.dev`) on a shared suffix.
fn broad_pattern(value: &str) -> Option<String> {
    if !value.contains('*') {
        return None;
    }
    shared_suffix(&value.to_ascii_lowercase())
        .map(|s| format!("any site hosted on `{s}` matches, and anyone can register one"))
}

/// Why a literal origin regex admits too much.
fn broad_regex(pattern: &str) -> Option<String> {
    let p = pattern.to_ascii_lowercase();
    let plain = p.replace('\\', "");
    for s in SHARED_SUFFIXES {
        let mut search = plain.as_str();
        while let Some(i) = search.find(s) {
            let before = search[..i].strip_suffix('.').unwrap_or(&search[..i]);
            if before.ends_with(['*', '+', ')', ']', '}', '?', '/']) || before.is_empty() {
                return Some(format!(
                    "`/{pattern}/` accepts any site hosted on `{s}`, which anyone can register"
                ));
            }
            search = &search[i + s.len()..];
        }
    }
    let anchored_start = p.starts_with('^');
    let anchored_end = p.ends_with('$') && !p.ends_with("\\$");
    if !anchored_start || !anchored_end {
        let missing = match (anchored_start, anchored_end) {
            (false, false) => "`^` and `$`",
            (false, true) => "`^`",
            _ => "`$`",
        };
        return Some(format!(
            "`/{pattern}/` is not anchored (no {missing}), so an origin merely containing a match passes"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(shared_suffix(".pages.dev"), Some("pages.dev"));
        assert_eq!(shared_suffix("pages.dev"), Some("pages.dev"));
        assert_eq!(shared_suffix("https://*.vercel.app"), Some("vercel.app"));
        assert_eq!(shared_suffix(".myapp.pages.dev"), None);
        assert_eq!(shared_suffix(".example.com"), None);
    }

    #[test]
    fn start_prefixes() {
        assert_eq!(
            open_prefix("https://app.example.com"),
            Some(OpenPrefix::AnyHost)
        );
        assert_eq!(open_prefix("http://localhost"), Some(OpenPrefix::AnyHost));
        assert_eq!(
            open_prefix("http://localhost:"),
            Some(OpenPrefix::AnyLocalPort)
        );
        assert_eq!(
            open_prefix("http://127.0.0.1:"),
            Some(OpenPrefix::AnyLocalPort)
        );
        assert_eq!(open_prefix("http://localhost:5173"), None);
        assert_eq!(open_prefix("https://app.example.com/"), None);
        assert_eq!(open_prefix("https://"), None);
        assert_eq!(open_prefix("chrome-extension://abc"), None);
    }

    #[test]
    fn regexes() {
        assert!(broad_regex(r"^https://[a-z0-9-]+\.pages\.dev$").is_some());
        assert!(broad_regex(r"^https://([a-z0-9-]+\.)?myapp\.pages\.dev$").is_none());
        assert!(broad_regex(r"example\.com$").is_some());
        assert!(broad_regex(r"^https://app\.example\.com").is_some());
        assert!(broad_regex(r"^https://(app|admin)\.example\.com$").is_none());
    }
}
