//! AUTH001 insecure-cookie: the doc lives in rules/AUTH001.md.
//!
//! Only what is written is judged: a non-literal flag (`secure: isProduction`)
//! or options that are not an object literal are left alone, and Better
//! Auth's own defaults are secure.

use crate::finding::{FileId, Finding, Severity};
use crate::formats::js::{CookieAttrs, CookieVia, CookieWrite, Flag, StringSetting};
use crate::project::Project;
use crate::rules::support::sources::source_files;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH001",
    "insecure-cookie",
    Error,
    "a session or auth cookie lacks HttpOnly, Secure or SameSite=Lax/Strict",
    "keep Better Auth's secure defaults; set `httpOnly: true, secure: true, sameSite: 'lax'` on session cookies",
    reach = Runtime,
);

pub struct InsecureCookie;

/// Cookie names that carry the user's identity itself (`user_id`, `uid`,
/// `accountId`): when the server reads the user from it, it is the session,
/// but it may also be a harmless analytics id, hence a warning.
const IDENTITY_NAMES: &[&str] = &["uid", "user", "userid", "accountid", "memberid"];

/// Whether the cookie `name` holds the user's identity (separators and
/// case aside: `user_id`, `User-Id`, `userId`).
fn is_identity_cookie(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    IDENTITY_NAMES.contains(&folded.as_str())
}

/// Whether a cookie name reads like a session or auth cookie.
fn is_session_cookie(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["session", "auth", "token", "jwt"]
        .iter()
        .any(|w| lower.contains(w))
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|seg| seg == "sid")
}

fn lax_or_strict(value: &str) -> bool {
    value.eq_ignore_ascii_case("lax") || value.eq_ignore_ascii_case("strict")
}

/// An explicitly weakened attribute: (property span, what is wrong).
fn explicit_problems(attrs: &CookieAttrs) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    if let Some(f) = attrs.http_only
        && f.value == Flag::False
    {
        out.push((
            f.span,
            "`httpOnly: false` lets page scripts read the cookie".to_string(),
        ));
    }
    if let Some(f) = attrs.secure
        && f.value == Flag::False
    {
        out.push((
            f.span,
            "`secure: false` lets the cookie travel over plain HTTP".to_string(),
        ));
    }
    if let Some(StringSetting {
        value: Some(v),
        span,
    }) = &attrs.same_site
        && !lax_or_strict(v)
    {
        out.push((
            *span,
            format!("`SameSite={v}` sends the cookie on cross-site requests"),
        ));
    }
    out
}

fn check_better_auth(id: FileId, facts: &crate::formats::js::JsFacts, out: &mut Vec<Finding>) {
    for cfg in &facts.better_auth {
        if let Some(f) = cfg.use_secure_cookies
            && f.value == Flag::False
        {
            out.push(Finding::new(&META, id, f.span).message(
                "Better Auth `advanced.useSecureCookies: false` drops the Secure flag from its session cookies",
            ).help("remove `useSecureCookies: false`; Better Auth sets Secure on HTTPS by default"));
        }
        if let Some(f) = cfg.disable_csrf_check
            && f.value == Flag::True
        {
            out.push(Finding::new(&META, id, f.span).message(
                "Better Auth `advanced.disableCSRFCheck: true` turns off its CSRF and origin checks",
            ).help("remove `disableCSRFCheck`; list extra origins in `trustedOrigins` instead"));
        }
        let mut groups: Vec<(&str, &CookieAttrs)> = Vec::new();
        if let Some((_, attrs)) = &cfg.default_cookie_attributes {
            groups.push(("advanced.defaultCookieAttributes", attrs));
        }
        for c in &cfg.cookies {
            groups.push((c.name.as_str(), &c.attrs));
        }
        for (label, attrs) in groups {
            for (span, problem) in explicit_problems(attrs) {
                out.push(Finding::new(&META, id, span).message(format!(
                    "Better Auth cookie attributes ({label}): {problem}"
                )));
            }
        }
    }
}

/// Attributes a `setCookie`/`serialize`/`Set-Cookie` write leaves out.
fn missing(write: &CookieWrite, name: &str) -> Vec<&'static str> {
    let a = &write.attrs;
    let mut out = Vec::new();
    if a.http_only.is_none() {
        out.push("HttpOnly");
    }
    // Hono forces Secure on `__Secure-`/`__Host-` prefixed cookies.
    let prefixed = write.via == CookieVia::SetCookie
        && (name.starts_with("__Secure-") || name.starts_with("__Host-"));
    if a.secure.is_none() && !prefixed {
        out.push("Secure");
    }
    if a.same_site.is_none() {
        out.push("SameSite");
    }
    out
}

fn check_cookie_writes(id: FileId, facts: &crate::formats::js::JsFacts, out: &mut Vec<Finding>) {
    for w in &facts.cookie_writes {
        let Some(name) = &w.name else { continue };
        let identity = !is_session_cookie(&name.value) && is_identity_cookie(&name.value);
        if !w.options_known || !(identity || is_session_cookie(&name.value)) {
            continue;
        }
        let severity = if identity {
            Severity::Warning
        } else {
            Severity::Error
        };
        let kind = if identity {
            "identity cookie"
        } else {
            "session cookie"
        };
        for (span, problem) in explicit_problems(&w.attrs) {
            out.push(
                Finding::new(&META, id, span)
                    .severity(severity)
                    .message(format!("cookie `{}`: {problem}", name.value)),
            );
        }
        let missing = missing(w, &name.value);
        if !missing.is_empty() {
            let how = match w.via {
                CookieVia::SetCookieHeader => "its `Set-Cookie` value",
                CookieVia::SetCookie | CookieVia::Serialize => "its options",
            };
            out.push(
                Finding::new(&META, id, w.span)
                    .severity(severity)
                    .message(format!(
                        "{kind} `{}` is written without {} in {how}",
                        name.value,
                        missing.join(", ")
                    )),
            );
        }
    }
}

impl Rule for InsecureCookie {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, _, facts) in source_files(project) {
            check_better_auth(id, facts, out);
            check_cookie_writes(id, facts, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::support::sources::run_rule_on;

    #[test]
    fn session_cookie_names() {
        assert!(is_session_cookie("session"));
        assert!(is_session_cookie("__Host-sid"));
        assert!(is_session_cookie("better-auth.session_token"));
        assert!(is_session_cookie("authToken"));
        assert!(!is_session_cookie("theme"));
        assert!(!is_session_cookie("sidebar"));
        for name in ["user_id", "uid", "userId", "User-Id", "account_id"] {
            assert!(is_identity_cookie(name), "{name}");
        }
        for name in ["user_theme", "guid", "user_pref_id", "visitor"] {
            assert!(!is_identity_cookie(name), "{name}");
        }
    }

    #[test]
    fn reports_written_weaknesses_only() {
        let src = r#"import { betterAuth } from 'better-auth'
import { setCookie } from 'hono/cookie'
const isProduction = true
export const auth = betterAuth({
  advanced: {
    useSecureCookies: false,
    disableCSRFCheck: true,
    defaultCookieAttributes: { httpOnly: true, secure: isProduction, sameSite: 'none' },
  },
})
export const fine = betterAuth({ emailAndPassword: { enabled: false } })
export function h(c, token) {
  setCookie(c, 'session', token, { httpOnly: true, secure: true, sameSite: 'Lax' })
  setCookie(c, 'session', token, { httpOnly: false, secure: true, sameSite: 'Strict' })
  setCookie(c, 'auth_token', token, { path: '/' })
  setCookie(c, 'theme', 'dark', { path: '/' })
  setCookie(c, '__Host-sid', token, { httpOnly: true, sameSite: 'Lax', path: '/' })
  c.header('Set-Cookie', `sid=${token}; Path=/; HttpOnly; Secure; SameSite=None`)
  c.header('Set-Cookie', `sid=${token}; Path=/; HttpOnly; Secure; SameSite=Lax`)
  return new Response('ok', { headers: { 'Set-Cookie': `session=${token}; Path=/` } })
}
"#;
        let got = run_rule_on(&InsecureCookie, &[("src/index.ts", src)], Config::default());
        let lines: Vec<(usize, &str)> = got.iter().map(|(_, l, s)| (*l, s.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (6, "useSecureCookies: false"),
                (7, "disableCSRFCheck: true"),
                (8, "sameSite: 'none'"),
                (14, "httpOnly: false"),
                (15, "setCookie(c, 'auth_token', token, { path: '/' })"),
                (18, "SameSite=None"),
                (20, "`session=${token}; Path=/`"),
            ]
        );
    }
}
