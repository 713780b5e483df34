//! `betterAuth({...})` options (AUTH001, AUTH004, AUTH007).

use oxc_ast::ast::{
    ArrayExpressionElement, CallExpression, Expression, ObjectExpression, ObjectProperty,
    ObjectPropertyKind,
};
use oxc_span::GetSpan;

use super::cookies::attrs_from_object;
use super::expr::{
    Callee, arg, as_call, flag_prop, has_spread, key_name, object_prop, path_text, sp,
};
use super::visitor::Extractor;
use super::{BetterAuthConfig, Flag, FlagSetting, NamedCookieAttrs};
use crate::span::Spanned;

impl<'a> Extractor<'a> {
    /// The `rateLimit` option: in the options object, else in what a spread
    /// brings in: a local object (`...base`) or an object given to the
    /// helper whose result is spread (`...withCloudflare(cf, { rateLimit })`).
    fn rate_limit_prop(&self, obj: &'a ObjectExpression<'a>) -> Option<&'a ObjectProperty<'a>> {
        if let Some(p) = object_prop(obj, "rateLimit") {
            return Some(p);
        }
        obj.properties.iter().rev().find_map(|p| {
            let ObjectPropertyKind::SpreadProperty(s) = p else {
                return None;
            };
            if let Some(o) = self.resolve_object(&s.argument) {
                return object_prop(o, "rateLimit");
            }
            let Expression::CallExpression(call) = self.resolve_init(&s.argument) else {
                return None;
            };
            call.arguments
                .iter()
                .filter_map(|a| a.as_expression())
                .filter_map(|e| self.resolve_object(e))
                .find_map(|o| object_prop(o, "rateLimit"))
        })
    }

    pub(super) fn betterauth_on_call(&mut self, call: &'a CallExpression<'a>, callee: Callee) {
        if callee.method != "betterAuth" {
            return;
        }
        let obj = arg(&call.arguments, 0).and_then(|o| self.resolve_object(o));
        let mut cfg = BetterAuthConfig {
            span: sp(call.span),
            options_known: obj.is_some_and(|o| !has_spread(o)),
            use_secure_cookies: None,
            disable_csrf_check: None,
            default_cookie_attributes: None,
            cookies: Vec::new(),
            email_and_password: None,
            rate_limit: None,
            plugins: Vec::new(),
            plugins_known: true,
            function: self.cur_id(),
        };
        if let Some(obj) = obj {
            if let Some(adv) =
                object_prop(obj, "advanced").and_then(|p| self.resolve_object(&p.value))
            {
                cfg.use_secure_cookies = flag_prop(adv, "useSecureCookies");
                cfg.disable_csrf_check = flag_prop(adv, "disableCSRFCheck");
                if let Some(p) = object_prop(adv, "defaultCookieAttributes")
                    && let Some(o) = self.resolve_object(&p.value)
                {
                    cfg.default_cookie_attributes = Some((sp(p.span), attrs_from_object(o)));
                }
                if let Some(p) = object_prop(adv, "cookies")
                    && let Some(o) = self.resolve_object(&p.value)
                {
                    for q in &o.properties {
                        let ObjectPropertyKind::ObjectProperty(q) = q else {
                            continue;
                        };
                        let Some(name) = key_name(&q.key) else {
                            continue;
                        };
                        if let Some(inner) = self.resolve_object(&q.value)
                            && let Some(a) = object_prop(inner, "attributes")
                            && let Some(ao) = self.resolve_object(&a.value)
                        {
                            cfg.cookies.push(NamedCookieAttrs {
                                name: name.into_owned(),
                                span: sp(a.span),
                                attrs: attrs_from_object(ao),
                            });
                        }
                    }
                }
            }
            if let Some(ep) =
                object_prop(obj, "emailAndPassword").and_then(|p| self.resolve_object(&p.value))
            {
                cfg.email_and_password = flag_prop(ep, "enabled");
            }
            if let Some(p) = self.rate_limit_prop(obj) {
                cfg.rate_limit = Some(match self.resolve_object(&p.value) {
                    Some(rl) => flag_prop(rl, "enabled").unwrap_or(FlagSetting {
                        value: Flag::True,
                        span: sp(p.span),
                    }),
                    None => FlagSetting {
                        value: Flag::Dynamic,
                        span: sp(p.span),
                    },
                });
            }
            let plugins = object_prop(obj, "plugins");
            if let Some(p) = plugins
                && !matches!(self.resolve_init(&p.value), Expression::ArrayExpression(_))
            {
                cfg.plugins_known = false;
            }
            if let Some(p) = plugins
                && let Expression::ArrayExpression(a) = self.resolve_init(&p.value)
            {
                for el in &a.elements {
                    let (text, span) = match el {
                        ArrayExpressionElement::SpreadElement(s) => {
                            cfg.plugins_known = false;
                            (path_text(&s.argument).map(|t| format!("...{t}")), s.span)
                        }
                        _ => match el.as_expression() {
                            Some(e) => (
                                as_call(e)
                                    .map(super::expr::callee_text)
                                    .or_else(|| path_text(e)),
                                e.span(),
                            ),
                            None => (None, el.span()),
                        },
                    };
                    match text {
                        Some(text) => cfg.plugins.push(Spanned::new(text, sp(span))),
                        None => cfg.plugins_known = false,
                    }
                }
            }
        }
        self.facts.better_auth.push(cfg);
    }
}
