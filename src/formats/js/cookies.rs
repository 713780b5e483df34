//! Cookie writes: Hono `setCookie`/`setSignedCookie`, `serialize`, and
//! literal `Set-Cookie` header values (AUTH001).

use oxc_ast::ast::{CallExpression, Expression, ObjectExpression};
use oxc_span::GetSpan;

use super::expr::{Callee, arg, flag_prop, has_spread, object_prop, sp, string_value, unwrap};
use super::visitor::Extractor;
use super::{CookieAttrs, CookieVia, CookieWrite, Flag, FlagSetting, StringSetting};
use crate::span::{Span, Spanned};

/// Cookie attributes from an options object (`{ httpOnly, secure, sameSite }`).
pub(super) fn attrs_from_object(obj: &ObjectExpression<'_>) -> CookieAttrs {
    CookieAttrs {
        http_only: flag_prop(obj, "httpOnly"),
        secure: flag_prop(obj, "secure"),
        same_site: object_prop(obj, "sameSite").map(|p| StringSetting {
            value: string_value(&p.value).map(str::to_string),
            span: sp(p.span),
        }),
    }
}

/// Parses a literal `Set-Cookie` value from its source text
/// (`'sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax'`, possibly a
/// template): the cookie name, the attributes with exact spans, and whether
/// no attribute is hidden in a `${...}` substitution.
fn parse_cookie_source(
    src: &str,
    span: oxc_span::Span,
) -> (Option<Spanned<String>>, CookieAttrs, bool) {
    let start = span.start as usize + 1;
    let end = (span.end as usize).saturating_sub(1).max(start);
    let text = src.get(start..end).unwrap_or("");
    let mut attrs = CookieAttrs::default();
    let mut name = None;
    let mut known = true;
    let mut offset = 0usize;
    for (i, segment) in text.split(';').enumerate() {
        let seg_start = start + offset;
        offset += segment.len() + 1;
        let trimmed = segment.trim();
        let lead = segment.len() - segment.trim_start().len();
        let at = Span::new(seg_start + lead, seg_start + lead + trimmed.len());
        if i == 0 {
            let cookie_name = trimmed.split('=').next().unwrap_or("").trim();
            if !cookie_name.is_empty() && !cookie_name.contains("${") {
                name = Some(Spanned::new(
                    cookie_name.to_string(),
                    Span::new(seg_start + lead, seg_start + lead + cookie_name.len()),
                ));
            }
            continue;
        }
        if trimmed.contains("${") {
            known = false;
            continue;
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower == "httponly" {
            attrs.http_only = Some(FlagSetting {
                value: Flag::True,
                span: at,
            });
        } else if lower == "secure" {
            attrs.secure = Some(FlagSetting {
                value: Flag::True,
                span: at,
            });
        } else if let Some(v) = lower.strip_prefix("samesite") {
            let value = v.trim_start().strip_prefix('=').map(|v| {
                let raw_start = trimmed.len() - v.len();
                trimmed[raw_start..].trim().to_string()
            });
            attrs.same_site = Some(StringSetting { value, span: at });
        }
    }
    (name, attrs, known)
}

impl<'a> Extractor<'a> {
    pub(super) fn cookies_on_call(&mut self, call: &'a CallExpression<'a>, callee: Callee) {
        let (via, name_idx, opts_idx, min_args) = match callee.method {
            "setCookie" => (CookieVia::SetCookie, 1, 3, 3),
            "setSignedCookie" => (CookieVia::SetCookie, 1, 4, 4),
            "serialize" | "serializeCookie" => (CookieVia::Serialize, 0, 2, 2),
            _ => return,
        };
        let args = &call.arguments;
        if args.len() < min_args {
            return;
        }
        let name = arg(args, name_idx)
            .and_then(|e| string_value(e).map(|s| Spanned::new(s.to_string(), sp(e.span()))));
        let (attrs, options_known) = match arg(args, opts_idx) {
            None => (CookieAttrs::default(), true),
            Some(o) => match self.resolve_object(o) {
                Some(obj) => (attrs_from_object(obj), !has_spread(obj)),
                None => (CookieAttrs::default(), false),
            },
        };
        self.facts.cookie_writes.push(CookieWrite {
            span: sp(call.span),
            via,
            name,
            attrs,
            options_known,
            function: self.cur_id(),
        });
    }

    /// A `Set-Cookie` header value.
    pub(super) fn cookie_from_header_value(&mut self, value: &'a Expression<'a>) {
        let u = unwrap(value);
        let (name, attrs, options_known) = match u {
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => {
                parse_cookie_source(self.src, u.span())
            }
            _ => (None, CookieAttrs::default(), false),
        };
        self.facts.cookie_writes.push(CookieWrite {
            span: sp(u.span()),
            via: CookieVia::SetCookieHeader,
            name,
            attrs,
            options_known,
            function: self.cur_id(),
        });
    }
}
