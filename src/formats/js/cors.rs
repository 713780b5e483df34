//! CORS: `cors({...})` configs, response header writes, request header
//! reads, and checks applied to the request Origin (NET001, NET002, NET006).

use oxc_ast::ast::{
    BinaryExpression, CallExpression, Expression, FormalParameters, LogicalOperator,
    ObjectProperty, Statement,
};
use oxc_span::GetSpan;

use super::env_reads::is_equality;
use super::expr::{
    Callee, Member, arg, as_call, flag_prop, function_span, ident_name, key_name, last_segment,
    member_parts, method_call, object_prop, path_text, sp, string_value, unwrap, unwrap_await,
};
use super::visitor::{Extractor, OriginBinding, key};
use super::{
    CorsConfig, CorsOrigin, FunctionKind, HeaderRead, HeaderValue, HeaderWrite, HeaderWriteVia,
    OriginCheck, OriginCheckKind, OriginSource,
};
use crate::span::Spanned;

/// Methods that transform a string but keep what it says about the origin.
const TRANSFORMS: &[&str] = &[
    "toLowerCase",
    "toUpperCase",
    "trim",
    "replace",
    "replaceAll",
    "slice",
    "toString",
];

/// Callees that take the origin without checking it.
const NOT_CHECKS: &[&str] = &[
    "String",
    "URL",
    "JSON.stringify",
    "encodeURIComponent",
    "decodeURIComponent",
];

fn is_cors_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("access-control-") || lower == "set-cookie"
}

/// Whether the function body (arrow expression or statements) returns the
/// identifier `param` itself somewhere.
fn returns_name(stmts: &[Statement<'_>], param: &str, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    stmts.iter().any(|s| match s {
        Statement::ReturnStatement(r) => r
            .argument
            .as_ref()
            .is_some_and(|a| is_name_or_fallback(a, param)),
        Statement::IfStatement(i) => {
            returns_name(std::slice::from_ref(&i.consequent), param, depth + 1)
                || i.alternate
                    .as_ref()
                    .is_some_and(|a| returns_name(std::slice::from_ref(a), param, depth + 1))
        }
        Statement::BlockStatement(b) => returns_name(&b.body, param, depth + 1),
        Statement::TryStatement(t) => returns_name(&t.block.body, param, depth + 1),
        _ => false,
    })
}

/// `param`, `param || x`, `param ?? x`.
fn is_name_or_fallback(e: &Expression<'_>, param: &str) -> bool {
    let mut cur = e;
    for _ in 0..64 {
        match unwrap(cur) {
            Expression::Identifier(id) => return id.name == param,
            Expression::LogicalExpression(l) => cur = &l.left,
            _ => return false,
        }
    }
    false
}

impl<'a> Extractor<'a> {
    /// A regex literal, `new RegExp('...')`, or a local holding one: pattern and flags.
    pub(super) fn regex_of(&self, e: &'a Expression<'a>) -> Option<(String, String)> {
        match self.resolve_init(e) {
            Expression::RegExpLiteral(r) => {
                Some((r.regex.pattern.text.to_string(), r.regex.flags.to_string()))
            }
            Expression::NewExpression(n) if ident_name(&n.callee) == Some("RegExp") => {
                let pattern = arg(&n.arguments, 0).and_then(string_value)?;
                let flags = arg(&n.arguments, 1).and_then(string_value).unwrap_or("");
                Some((pattern.to_string(), flags.to_string()))
            }
            _ => None,
        }
    }

    /// `c.req.header('X')` / `request.headers.get('X')`: the name and its span.
    pub(super) fn header_read_of(
        &self,
        call: &'a CallExpression<'a>,
    ) -> Option<(&'a str, oxc_span::Span)> {
        self.header_read_in(call, member_parts(&call.callee))
    }

    /// [`Extractor::header_read_of`] with the callee already split.
    fn header_read_in(
        &self,
        call: &'a CallExpression<'a>,
        member: Member<'a>,
    ) -> Option<(&'a str, oxc_span::Span)> {
        let (recv, m, _) = member?;
        if !matches!(m, "header" | "get" | "has") {
            return None;
        }
        let is_read = self.with_path(recv, |recv_path| {
            let Some(last) = recv_path.map(last_segment) else {
                return false;
            };
            (m == "header" && last == "req" && call.arguments.len() == 1)
                || (matches!(m, "get" | "has") && last.eq_ignore_ascii_case("headers"))
        });
        if !is_read {
            return None;
        }
        let name_expr = arg(&call.arguments, 0)?;
        Some((string_value(name_expr)?, name_expr.span()))
    }

    /// The origin variable `e` reads (directly, or derived: its hostname,
    /// lower-cased, `new URL(origin)`), with the origin's source.
    pub(super) fn origin_of(
        &self,
        e: &'a Expression<'a>,
        depth: usize,
    ) -> Option<(String, OriginSource)> {
        if depth > 8 {
            return None;
        }
        let u = unwrap_await(e);
        match u {
            Expression::Identifier(id) => match self.lookup(id.name.as_str())?.origin? {
                OriginBinding::Raw(source) => Some((id.name.to_string(), source)),
                OriginBinding::Checked => None,
            },
            Expression::NewExpression(n) if ident_name(&n.callee) == Some("URL") => {
                self.origin_of(arg(&n.arguments, 0)?, depth + 1)
            }
            Expression::LogicalExpression(l) if l.operator != LogicalOperator::And => {
                self.origin_of(&l.left, depth + 1)
            }
            _ => {
                if let Some(call) = as_call(u) {
                    if let Some((name, _)) = self.header_read_of(call) {
                        return name
                            .eq_ignore_ascii_case("origin")
                            .then(|| ("Origin".to_string(), OriginSource::Header));
                    }
                    let (recv, m) = method_call(call)?;
                    return if TRANSFORMS.contains(&m) {
                        self.origin_of(recv, depth + 1)
                    } else {
                        None
                    };
                }
                let (obj, prop, _) = member_parts(u)?;
                if matches!(prop, "hostname" | "host" | "origin" | "protocol") {
                    self.origin_of(obj, depth + 1)
                } else {
                    None
                }
            }
        }
    }

    /// Whether a local initialised with `init` holds the request Origin.
    pub(super) fn origin_binding(&self, init: &'a Expression<'a>) -> Option<OriginBinding> {
        // Runs for every declaration: a string literal (a header value of
        // its own, copied out by `header_value`) is never a checked origin.
        let literal = string_value(unwrap_await(init)).is_some();
        if !literal && matches!(self.header_value(init), HeaderValue::CheckedOrigin) {
            return Some(OriginBinding::Checked);
        }
        self.origin_of(init, 0).map(|(_, s)| OriginBinding::Raw(s))
    }

    fn mentions_origin(&self, e: &'a Expression<'a>) -> bool {
        let mut names = Vec::new();
        super::expr::names_in(e, &mut names);
        names.iter().any(|n| {
            self.lookup(n)
                .is_some_and(|b| matches!(b.origin, Some(OriginBinding::Raw(_))))
        }) || self.contains_origin_read(e)
    }

    fn contains_origin_read(&self, e: &'a Expression<'a>) -> bool {
        as_call(unwrap(e))
            .and_then(|c| self.header_read_of(c))
            .is_some_and(|(n, _)| n.eq_ignore_ascii_case("origin"))
    }

    /// What a header value is.
    pub(super) fn header_value(&self, e: &'a Expression<'a>) -> HeaderValue {
        self.header_value_at(e, 0)
    }

    fn header_value_at(&self, e: &'a Expression<'a>, depth: usize) -> HeaderValue {
        if depth > 8 {
            return HeaderValue::Dynamic;
        }
        let u = unwrap_await(e);
        if let Some(s) = string_value(u) {
            return HeaderValue::Literal(s.to_string());
        }
        if let Expression::Identifier(id) = u
            && let Some(b) = self.lookup(id.name.as_str())
        {
            match b.origin {
                Some(OriginBinding::Raw(source)) => {
                    return HeaderValue::RequestOrigin {
                        fallback: None,
                        source,
                    };
                }
                Some(OriginBinding::Checked) => return HeaderValue::CheckedOrigin,
                None => {}
            }
        }
        match u {
            Expression::LogicalExpression(l) if l.operator != LogicalOperator::And => {
                if let HeaderValue::RequestOrigin { source, .. } =
                    self.header_value_at(&l.left, depth + 1)
                {
                    return HeaderValue::RequestOrigin {
                        fallback: string_value(&l.right).map(str::to_string),
                        source,
                    };
                }
            }
            Expression::ConditionalExpression(c) => {
                let branch_is_origin = |x: &'a Expression<'a>| {
                    matches!(
                        self.header_value_at(x, depth + 1),
                        HeaderValue::RequestOrigin { .. }
                    ) || self.origin_of(x, 0).is_some()
                };
                if (branch_is_origin(&c.consequent) || branch_is_origin(&c.alternate))
                    && self.mentions_origin(&c.test)
                {
                    return HeaderValue::CheckedOrigin;
                }
                return HeaderValue::Dynamic;
            }
            _ => {}
        }
        if let Some(call) = as_call(u)
            && let Some((name, _)) = self.header_read_of(call)
            && name.eq_ignore_ascii_case("origin")
        {
            return HeaderValue::RequestOrigin {
                fallback: None,
                source: OriginSource::Header,
            };
        }
        if let Some((name, _, _)) = self.env_ref(u) {
            return HeaderValue::Env(name);
        }
        if let Expression::Identifier(id) = u {
            return HeaderValue::Identifier(id.name.to_string());
        }
        HeaderValue::Dynamic
    }

    fn push_header_write(
        &mut self,
        name: &str,
        name_span: oxc_span::Span,
        value: &'a Expression<'a>,
        span: oxc_span::Span,
        via: HeaderWriteVia,
    ) {
        let v = self.header_value(value);
        self.facts.header_writes.push(HeaderWrite {
            name: name.to_string(),
            name_span: sp(name_span),
            value: v,
            value_span: sp(value.span()),
            span: sp(span),
            via,
            function: self.cur_id(),
        });
        if name.eq_ignore_ascii_case("set-cookie") {
            self.cookie_from_header_value(value);
        }
    }

    pub(super) fn headers_on_object_property(&mut self, p: &'a ObjectProperty<'a>) {
        let Some(name) = key_name(&p.key) else { return };
        if !is_cors_header(&name) {
            return;
        }
        let name = name.into_owned();
        self.push_header_write(
            &name,
            p.key.span(),
            &p.value,
            p.span,
            HeaderWriteVia::ObjectProperty,
        );
    }

    pub(super) fn cors_on_call(
        &mut self,
        call: &'a CallExpression<'a>,
        callee: Callee,
        member: Member<'a>,
    ) {
        if let Some((name, name_span)) = self.header_read_in(call, member) {
            self.cur_fn().rare_mut().header_reads.push(HeaderRead {
                name: name.to_string(),
                name_span: sp(name_span),
                span: sp(call.span),
            });
        }
        if let Some((recv, m, _)) = member
            && matches!(m, "set" | "append" | "header")
            && let (Some(name_expr), Some(value)) =
                (arg(&call.arguments, 0), arg(&call.arguments, 1))
            && let Some(name) = string_value(name_expr)
        {
            let recv_path = path_text(recv).unwrap_or_default();
            let recv_last = last_segment(&recv_path).to_ascii_lowercase();
            let via = match m {
                "set" | "append" if recv_last.contains("header") || is_cors_header(name) => {
                    Some(if m == "set" {
                        HeaderWriteVia::Set
                    } else {
                        HeaderWriteVia::Append
                    })
                }
                "header" if recv_last != "req" => Some(HeaderWriteVia::ContextHeader),
                _ => None,
            };
            if let Some(via) = via {
                self.push_header_write(name, name_expr.span(), value, call.span, via);
            }
        }
        if matches!(callee.method, "cors" | "createCors") {
            self.cors_config(call, callee.text);
        }
        self.origin_checks_on_call(call, callee.text, member);
    }

    fn cors_config(&mut self, call: &'a CallExpression<'a>, callee: &str) {
        let options = arg(&call.arguments, 0);
        let obj = options.and_then(|o| self.resolve_object(o));
        let mut origin_span = sp(call.span);
        let mut pending = None;
        let origin = match (options, obj) {
            (None, _) => CorsOrigin::Absent,
            (Some(o), None) => CorsOrigin::Dynamic(self.snippet(o.span())),
            (Some(_), Some(obj)) => match object_prop(obj, "origin") {
                None => CorsOrigin::Absent,
                Some(p) => {
                    origin_span = sp(p.span);
                    if let Some(fs) = function_span(&p.value) {
                        let kind =
                            if matches!(unwrap(&p.value), Expression::ArrowFunctionExpression(_)) {
                                FunctionKind::Arrow
                            } else {
                                FunctionKind::Expression
                            };
                        let fid = self.function_id(fs, kind);
                        self.scratch.cors_callbacks.insert(key(fs));
                        pending = Some((fid, self.callback_returns_param(&p.value)));
                        CorsOrigin::Function {
                            function: fid,
                            returns_argument_unchecked: false,
                        }
                    } else {
                        self.cors_origin_value(&p.value)
                    }
                }
            },
        };
        let credentials = obj.and_then(|o| flag_prop(o, "credentials"));
        let idx = self.facts.cors.len();
        self.facts.cors.push(CorsConfig {
            span: sp(call.span),
            callee: callee.to_string(),
            origin,
            origin_span,
            credentials,
            function: self.cur_id(),
        });
        if let Some((fid, returns_param)) = pending {
            self.pending_cors.push((idx, fid, returns_param));
        }
    }

    fn cors_origin_value(&self, e: &'a Expression<'a>) -> CorsOrigin {
        let v = self.resolve_init(e);
        if let Some(s) = string_value(v) {
            return CorsOrigin::Literal(s.to_string());
        }
        if let Expression::ArrayExpression(a) = v {
            let mut entries = Vec::new();
            let mut has_dynamic = false;
            for el in &a.elements {
                match el
                    .as_expression()
                    .and_then(|x| string_value(x).map(|s| (s, x.span())))
                {
                    Some((s, span)) => entries.push(Spanned::new(s.to_string(), sp(span))),
                    None => has_dynamic = true,
                }
            }
            return CorsOrigin::List {
                entries,
                has_dynamic,
            };
        }
        CorsOrigin::Dynamic(self.snippet(e.span()))
    }

    fn callback_returns_param(&self, f: &'a Expression<'a>) -> bool {
        let first_param = |params: &FormalParameters<'a>| {
            params
                .items
                .first()
                .and_then(|p| p.pattern.get_identifier_name())
        };
        match unwrap(f) {
            Expression::ArrowFunctionExpression(a) => {
                let Some(param) = first_param(&a.params) else {
                    return false;
                };
                if let Some(body) = a.get_expression() {
                    is_name_or_fallback(body, &param)
                } else {
                    a.get_function_body()
                        .is_some_and(|b| returns_name(&b.statements, &param, 0))
                }
            }
            Expression::FunctionExpression(func) => {
                let Some(param) = first_param(&func.params) else {
                    return false;
                };
                func.body
                    .as_ref()
                    .is_some_and(|b| returns_name(&b.statements, &param, 0))
            }
            _ => false,
        }
    }

    fn push_origin_check(
        &mut self,
        var: String,
        source: OriginSource,
        kind: OriginCheckKind,
        value: Option<&'a Expression<'a>>,
        span: oxc_span::Span,
    ) {
        let value =
            value.and_then(|v| string_value(v).map(|s| Spanned::new(s.to_string(), sp(v.span()))));
        self.cur_fn().rare_mut().origin_checks.push(OriginCheck {
            variable: var,
            source,
            kind,
            value,
            span: sp(span),
        });
    }

    fn origin_checks_on_call(
        &mut self,
        call: &'a CallExpression<'a>,
        callee: &str,
        member: Member<'a>,
    ) {
        let first = arg(&call.arguments, 0);
        if let Some((recv, m, _)) = member {
            let checks_receiver = matches!(
                m,
                "endsWith" | "startsWith" | "includes" | "match" | "search" | "matchAll"
            );
            if checks_receiver && let Some((var, source)) = self.origin_of(recv, 0) {
                let kind = match m {
                    "endsWith" => OriginCheckKind::EndsWith,
                    "startsWith" => OriginCheckKind::StartsWith,
                    "includes" => OriginCheckKind::Includes,
                    _ => {
                        let re = first.and_then(|f| self.regex_of(f));
                        OriginCheckKind::Regex {
                            pattern: re.as_ref().map(|r| r.0.clone()),
                            flags: re.map(|r| r.1).unwrap_or_default(),
                        }
                    }
                };
                self.push_origin_check(var, source, kind, first, call.span);
                return;
            }
            let Some(f) = first else { return };
            let Some((var, source)) = self.origin_of(f, 0) else {
                return;
            };
            // Other methods of the origin itself (`origin.split(x)`) check
            // nothing; asked last because most calls have no origin at all.
            if !checks_receiver && self.origin_of(recv, 0).is_some() {
                return;
            }
            let kind = match m {
                "includes" | "has" | "indexOf" | "lastIndexOf" => OriginCheckKind::Membership {
                    collection: path_text(recv).unwrap_or_else(|| self.snippet(recv.span())),
                },
                "test" | "exec" => {
                    let re = self.regex_of(recv);
                    OriginCheckKind::Regex {
                        pattern: re.as_ref().map(|r| r.0.clone()),
                        flags: re.map(|r| r.1).unwrap_or_default(),
                    }
                }
                _ if callee.starts_with("console.") || NOT_CHECKS.contains(&callee) => return,
                "set" | "append" | "header" | "push" | "log" | "warn" | "error" | "info"
                | "debug" => return,
                _ => OriginCheckKind::Call {
                    callee: callee.to_string(),
                },
            };
            self.push_origin_check(var, source, kind, None, call.span);
            return;
        }
        let Some(f) = first else { return };
        if NOT_CHECKS.contains(&callee) {
            return;
        }
        if let Some((var, source)) = self.origin_of(f, 0) {
            self.push_origin_check(
                var,
                source,
                OriginCheckKind::Call {
                    callee: callee.to_string(),
                },
                None,
                call.span,
            );
        }
    }

    pub(super) fn origin_on_binary(&mut self, b: &'a BinaryExpression<'a>) {
        if !is_equality(b.operator) {
            return;
        }
        let (origin, other) = match (self.origin_of(&b.left, 0), self.origin_of(&b.right, 0)) {
            (Some(o), _) => (o, &b.right),
            (None, Some(o)) => (o, &b.left),
            _ => return,
        };
        if matches!(unwrap(other), Expression::NullLiteral(_))
            || ident_name(other) == Some("undefined")
            || string_value(other) == Some("")
        {
            return;
        }
        self.push_origin_check(
            origin.0,
            origin.1,
            OriginCheckKind::Equals,
            Some(other),
            b.span,
        );
    }
}
