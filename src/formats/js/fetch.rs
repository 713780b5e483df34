//! Request-input taint and global `fetch` calls (NET004, NET005).

use oxc_ast::ast::{Argument, CallExpression, Expression};
use oxc_span::GetSpan;

use super::expr::{
    self, arg, as_call, chunk_text, last_segment, member_parts, method_call, path_text, sp,
    string_value, unwrap, unwrap_await,
};
use super::visitor::{Extractor, Taint};
use super::{FetchCall, InputKind, Redirect, UrlSource};
use crate::span::Spanned;

/// How many names or nested choices a URL is followed through: enough for
/// `const base = a ? b : c; const url = \`${base}/x\``, small enough that a
/// chain of aliases stays cheap.
const MAX_URL_DEPTH: usize = 4;

/// Calls whose result is a number or boolean whatever their input.
const NUMERIC_CONVERSIONS: &[&str] = &[
    "parseInt",
    "parseFloat",
    "Number",
    "Boolean",
    "Number.parseInt",
    "Number.parseFloat",
];

/// The request input a method call reads (`c.req.query()`,
/// `request.json()`, `url.searchParams.get()`, `req.headers.get()`), given
/// the last segment of its receiver's path.
fn method_input<'a>(
    call: &CallExpression<'a>,
    recv: &Expression<'a>,
    method: &str,
    last: &str,
) -> Option<InputKind> {
    if last == "req" {
        let kind = match method {
            "query" | "queries" => Some(InputKind::Query),
            "param" => Some(InputKind::Param),
            "json" | "parseBody" | "formData" | "text" | "arrayBuffer" | "blob" => {
                Some(InputKind::Body)
            }
            "header" => Some(InputKind::Header),
            "valid" => Some(match arg(&call.arguments, 0).and_then(string_value) {
                Some("query") => InputKind::Query,
                Some("param") => InputKind::Param,
                Some("header" | "cookie") => InputKind::Header,
                _ => InputKind::Body,
            }),
            _ => None,
        };
        if kind.is_some() {
            return kind;
        }
    }
    if is_request_name(last)
        && matches!(
            method,
            "json" | "formData" | "text" | "arrayBuffer" | "blob"
        )
    {
        return Some(InputKind::Body);
    }
    if matches!(method, "get" | "getAll") && last == "searchParams" {
        return Some(InputKind::Query);
    }
    if method == "get"
        && last.eq_ignore_ascii_case("headers")
        && let Some((inner, _, _)) = member_parts(recv)
        && path_text(inner).is_some_and(|p| is_request_name(last_segment(&p)))
    {
        return Some(InputKind::Header);
    }
    None
}

/// Request-like receiver names (`request.json()`, `req.formData()`, `c.req.raw`).
fn is_request_name(name: &str) -> bool {
    // Asked for most calls and members of a file: no lower-cased copy.
    expr::ends_with_ignore_ascii_case(name, "request")
        || name.eq_ignore_ascii_case("req")
        || name.eq_ignore_ascii_case("raw")
}

/// `scheme://host` when the literal prefix fixes both and the host ends
/// inside the prefix (a `/`, `?` or `#` follows it), so no substitution can
/// change the host.
pub(super) fn fixed_origin(prefix: &str) -> Option<String> {
    let lower = prefix.to_ascii_lowercase();
    let scheme_end = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = &prefix[scheme_end..];
    let host_end = rest.find(['/', '?', '#'])?;
    let host = &rest[..host_end];
    if host.is_empty() || host.contains('@') {
        return None;
    }
    Some(prefix[..scheme_end + host_end].to_string())
}

impl<'a> Extractor<'a> {
    /// The request input a member read is (`c.req.query`, `request.body`).
    fn member_input(&self, u: &Expression<'a>) -> Option<InputKind> {
        let (obj, prop, _) = member_parts(u)?;
        if !self.with_path(obj, |p| p.is_some_and(|p| is_request_name(last_segment(p)))) {
            return None;
        }
        match prop {
            "query" => Some(InputKind::Query),
            "params" => Some(InputKind::Param),
            "body" | "content" => Some(InputKind::Body),
            _ => None,
        }
    }

    /// Whether `u` itself reads request input (`c.req.query('q')`,
    /// `url.searchParams.get('id')`, `request.json()`, `req.body`), without
    /// following locals (DB003's origin walk follows them itself).
    pub(super) fn reads_input(&self, u: &Expression<'a>) -> bool {
        if self.member_input(u).is_some() {
            return true;
        }
        let Some(call) = as_call(u) else {
            return false;
        };
        if let Some((recv, m)) = method_call(call)
            && self
                .with_path(recv, |p| {
                    method_input(call, recv, m, p.map(last_segment).unwrap_or(""))
                })
                .is_some()
        {
            return true;
        }
        self.with_path(&call.callee, |c| c == Some("Object.fromEntries"))
            && arg(&call.arguments, 0)
                .and_then(path_text)
                .is_some_and(|p| p.ends_with("searchParams"))
    }

    /// Whether (and how) `e` carries request input, following locals.
    pub(super) fn taint_of(&self, e: &Expression<'a>, depth: usize) -> Option<Taint> {
        if depth > 8 {
            return None;
        }
        let u = unwrap_await(e);
        let d = depth + 1;
        if let Some(call) = as_call(u) {
            return self.call_taint(call, u.span(), d);
        }
        if let Some(kind) = self.member_input(u) {
            return Some(Taint::read(kind, u.span()));
        }
        match u {
            Expression::Identifier(id) => {
                let mut t = self.lookup(id.name.as_str())?.taint.as_deref().cloned()?;
                t.vars.push(id.name.to_string());
                Some(t)
            }
            Expression::TemplateLiteral(t) => {
                t.expressions.iter().find_map(|x| self.taint_of(x, d))
            }
            Expression::BinaryExpression(b) => self
                .taint_of(&b.left, d)
                .or_else(|| self.taint_of(&b.right, d)),
            Expression::LogicalExpression(l) => self
                .taint_of(&l.left, d)
                .or_else(|| self.taint_of(&l.right, d)),
            Expression::ConditionalExpression(c) => self
                .taint_of(&c.consequent, d)
                .or_else(|| self.taint_of(&c.alternate, d)),
            Expression::NewExpression(n) => {
                let callee = path_text(&n.callee).unwrap_or_else(|| "?".to_string());
                let mut t = n
                    .arguments
                    .iter()
                    .filter_map(|a| a.as_expression())
                    .find_map(|x| self.taint_of(x, d))?;
                t.via.push((callee, n.callee.span()));
                Some(t)
            }
            Expression::ComputedMemberExpression(m) => self.taint_of(&m.object, d),
            _ => {
                let (obj, _, _) = member_parts(u)?;
                self.taint_of(obj, d)
            }
        }
    }

    /// [`Extractor::taint_of`] for a call (spanning `span`): request input
    /// it reads, or input carried by its receiver or its arguments.
    fn call_taint(
        &self,
        call: &CallExpression<'a>,
        span: oxc_span::Span,
        d: usize,
    ) -> Option<Taint> {
        let member = method_call(call);
        let input = member.and_then(|(recv, m)| {
            self.with_path(recv, |recv_path| {
                method_input(call, recv, m, recv_path.map(last_segment).unwrap_or(""))
            })
        });
        if let Some(kind) = input {
            return Some(Taint::read(kind, span));
        }
        // The callee's path, written once, says the rest.
        let (numeric, from_entries) = self.with_path(&call.callee, |callee| {
            let numeric =
                callee.is_some_and(|c| NUMERIC_CONVERSIONS.contains(&c) || c.starts_with("Math."));
            (numeric, callee == Some("Object.fromEntries"))
        });
        if from_entries
            && arg(&call.arguments, 0)
                .and_then(path_text)
                .is_some_and(|p| p.ends_with("searchParams"))
        {
            return Some(Taint::read(InputKind::Query, span));
        }
        if numeric {
            // A number cannot carry a URL or SQL text.
            return None;
        }
        if let Some((recv, _)) = member
            && let Some(t) = self.taint_of(recv, d)
        {
            return Some(t);
        }
        let mut t = call
            .arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .find_map(|x| self.taint_of(x, d))?;
        t.via.push((expr::callee_text(call), call.callee.span()));
        Some(t)
    }

    fn url_source(&self, e: &'a Expression<'a>, depth: usize) -> UrlSource {
        let u = unwrap_await(e);
        match u {
            Expression::StringLiteral(s) => return UrlSource::Literal(s.value.to_string()),
            Expression::TemplateLiteral(t) => {
                if t.expressions.is_empty() {
                    return UrlSource::Literal(chunk_text(t, 0).to_string());
                }
                if let Some(origin) = fixed_origin(chunk_text(t, 0)) {
                    return UrlSource::FixedOrigin(origin);
                }
                // `${env.API_BASE}/items/${id}`, `${API_URL}/x?q=${q}`: a base
                // the code or the configuration fixes decides the host as long
                // as a `/` follows it before any user input.
                if chunk_text(t, 0).is_empty()
                    && chunk_text(t, 1).starts_with('/')
                    && let Some(first) = t.expressions.first()
                    && let Some(base) = self.fixed_base(first, depth)
                {
                    return base;
                }
            }
            Expression::BinaryExpression(b) => {
                let mut left = &b.left;
                for _ in 0..64 {
                    match unwrap(left) {
                        Expression::BinaryExpression(inner) => left = &inner.left,
                        _ => break,
                    }
                }
                if let Some(origin) = string_value(left).and_then(fixed_origin) {
                    return UrlSource::FixedOrigin(origin);
                }
            }
            Expression::NewExpression(n) if path_text(&n.callee).as_deref() == Some("URL") => {
                let path = arg(&n.arguments, 0);
                let base = arg(&n.arguments, 1);
                if let (Some(path), Some(base)) = (path, base) {
                    let relative = match unwrap(path) {
                        Expression::StringLiteral(s) => Some(s.value.as_str()),
                        Expression::TemplateLiteral(t) => Some(chunk_text(t, 0)),
                        _ => None,
                    }
                    .is_some_and(|p| p.starts_with('/') && !p.starts_with("//"));
                    if relative {
                        if let Some(b) =
                            string_value(base).and_then(|b| fixed_origin(&format!("{b}/")))
                        {
                            return UrlSource::FixedOrigin(b);
                        }
                        if let Some((name, _, _)) = self.env_ref(base) {
                            return UrlSource::Env(name);
                        }
                    }
                }
            }
            Expression::Identifier(id) if depth < MAX_URL_DEPTH => {
                // The values the name is given say more than its taint: a
                // fixed-host template that carries input in its query is
                // tainted, yet fixes the host.
                if let Some(b) = self.lookup(id.name.as_str())
                    && !b.opaque
                    && let Some(init) = b.init
                {
                    if b.assigns.is_empty() {
                        return self.url_source(init, depth + 1);
                    }
                    // `let url = ''; ... url = \`https://api.x.com/...\``: every
                    // value the name is given fixes the host (an empty
                    // initialiser is never fetched).
                    let sources: Vec<UrlSource> = std::iter::once(init)
                        .chain(b.assigns.iter().copied())
                        .map(|v| self.url_source(v, depth + 1))
                        .filter(|s| !matches!(s, UrlSource::Literal(l) if l.is_empty()))
                        .collect();
                    if !sources.is_empty() && sources.iter().all(UrlSource::fixes_host) {
                        return sources
                            .into_iter()
                            .next_back()
                            .unwrap_or(UrlSource::Unknown(String::new()));
                    }
                }
            }
            _ => {}
        }
        if let Some(t) = self.taint_of(u, 0) {
            return UrlSource::RequestInput {
                kind: t.kind,
                origin: sp(t.origin),
            };
        }
        if let Some((name, _, _)) = self.env_ref(u) {
            return UrlSource::Env(name);
        }
        UrlSource::Unknown(self.snippet(u.span()))
    }

    /// The host fixed by `e` used as the base of a URL (`${e}/path`): a
    /// literal with scheme and host, an env or build-time setting
    /// (`env.API`, `import.meta.env.VITE_API`, an import from SvelteKit's
    /// `$env/static/*`), a module constant or import (`API_URL`), or a
    /// choice among such (`prod ? 'https://a' : 'http://localhost'`,
    /// `import.meta.env.VITE_API || 'http://localhost:8787'`). None when
    /// any part could come from the request.
    fn fixed_base(&self, e: &'a Expression<'a>, depth: usize) -> Option<UrlSource> {
        if depth >= MAX_URL_DEPTH {
            return None;
        }
        let u = unwrap_await(e);
        if let Some(s) = string_value(u) {
            return fixed_origin(&format!("{s}/")).map(UrlSource::FixedOrigin);
        }
        if let Some((name, _, _)) = self.env_ref(u) {
            return Some(UrlSource::Env(name));
        }
        match u {
            Expression::ConditionalExpression(c) => {
                let first = self.fixed_base(&c.consequent, depth + 1)?;
                self.fixed_base(&c.alternate, depth + 1)?;
                Some(first)
            }
            Expression::LogicalExpression(l) => {
                let first = self.fixed_base(&l.left, depth + 1)?;
                self.fixed_base(&l.right, depth + 1)?;
                Some(first)
            }
            Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                Some(b) => {
                    if b.taint.is_some() || b.opaque || !b.assigns.is_empty() {
                        return None;
                    }
                    self.fixed_base(b.init?, depth + 1)
                }
                // Not bound in this file: an import is a module-level value
                // (configuration), never this request's input.
                None => self
                    .facts
                    .import_of(id.name.as_str())
                    .map(|_| UrlSource::Configured(id.name.to_string())),
            },
            _ => {
                let (obj, prop, _) = member_parts(u)?;
                // `import.meta.env.VITE_API_URL`: fixed at build time.
                let Expression::StaticMemberExpression(m) = unwrap(obj) else {
                    return None;
                };
                (matches!(unwrap(&m.object), Expression::ImportMeta(_)) && m.property.name == "env")
                    .then(|| UrlSource::Env(prop.to_string()))
            }
        }
    }

    pub(super) fn fetch_on_call(&mut self, call: &'a CallExpression<'a>, callee: &str) {
        if !matches!(
            callee,
            "fetch" | "globalThis.fetch" | "self.fetch" | "window.fetch"
        ) {
            return;
        }
        let Some(first) = arg(&call.arguments, 0) else {
            return;
        };
        let mut url_expr = first;
        let mut init = arg(&call.arguments, 1);
        if let Expression::NewExpression(n) = unwrap(first)
            && path_text(&n.callee).as_deref() == Some("Request")
            && let Some(u) = arg(&n.arguments, 0)
        {
            url_expr = u;
            init = init.or_else(|| arg(&n.arguments, 1));
        }
        let url = self.url_source(url_expr, 0);

        let mut chain = Vec::new();
        expr::names_in(url_expr, &mut chain);
        let taint = self.taint_of(url_expr, 0);
        if let Some(t) = &taint {
            chain.extend(t.vars.iter().cloned());
        }
        let mut guards: Vec<Spanned<String>> = Vec::new();
        let start = call.span.start;
        let fid = self.cur_id();
        let earlier_calls = self.facts.functions[fid]
            .calls
            .iter()
            .filter(|c| c.span.end <= start);
        for c in earlier_calls {
            let mentions_url = self
                .call_args
                .iter()
                .filter(|(f, end, _)| *f == fid && *end == c.span.end)
                .any(|(_, _, args)| {
                    let mut names = Vec::new();
                    for a in args.iter() {
                        match a {
                            Argument::SpreadElement(s) => expr::names_in(&s.argument, &mut names),
                            _ => {
                                if let Some(e) = a.as_expression() {
                                    expr::names_in(e, &mut names);
                                }
                            }
                        }
                    }
                    names.iter().any(|n| chain.contains(n))
                });
            if mentions_url {
                guards.push(Spanned::new(c.callee.to_string(), c.callee_span));
            }
        }
        if let Some(t) = &taint {
            for (name, span) in &t.via {
                guards.push(Spanned::new(name.clone(), sp(*span)));
            }
        }
        let mut seen = crate::hashing::HashSet::default();
        guards.retain(|g| seen.insert(g.value.clone()));

        let redirect = match init {
            None => Redirect::Absent,
            Some(init) => match self.resolve_object(init) {
                Some(obj)
                    if expr::has_spread(obj) && expr::object_prop(obj, "redirect").is_none() =>
                {
                    Redirect::Dynamic(sp(init.span()))
                }
                Some(obj) => match expr::object_prop(obj, "redirect") {
                    None => Redirect::Absent,
                    Some(p) => match string_value(&p.value) {
                        Some(v) => Redirect::Literal(Spanned::new(v.to_string(), sp(p.span))),
                        None => Redirect::Dynamic(sp(p.span)),
                    },
                },
                None => Redirect::Dynamic(sp(init.span())),
            },
        };
        self.facts.fetches.push(FetchCall {
            span: sp(call.span),
            url_span: sp(url_expr.span()),
            url,
            guards,
            redirect,
            function: fid,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::is_request_name;

    #[test]
    fn request_names_match_ignoring_case() {
        for name in [
            "request",
            "Request",
            "REQ",
            "req",
            "raw",
            "incomingRequest",
            "upstreamREQUEST",
        ] {
            assert!(is_request_name(name), "{name}");
        }
        for name in ["", "requests", "requestId", "rq", "rawBody", "re", "quest"] {
            assert!(!is_request_name(name), "{name}");
        }
    }
}
