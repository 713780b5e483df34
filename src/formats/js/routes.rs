//! Route registrations: Hono and itty-router calls, router instances, and
//! plain `fetch` handlers branching on `url.pathname` / `request.method`.

use oxc_ast::ast::{
    Argument, BinaryOperator, CallExpression, Expression, IfStatement, LogicalOperator, Statement,
    SwitchStatement,
};
use oxc_span::GetSpan;

use super::expr::{
    Member, arg, as_call, as_object, ident_name, member_parts, method_call, object_prop, path_text,
    sp, string_value, unwrap,
};
use super::visitor::BindKind;
use super::visitor::{Extractor, key};
use super::{
    Framework, PathKind, RouteKind, RoutePath, RouteRegistration, RouterInstance, RouterKind,
    ValueRef,
};
use crate::span::Spanned;

/// Methods that register routes/middleware on a router.
const ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "options", "head", "all", "on", "use", "route",
    "mount",
];

/// Methods of custom routers that take the HTTP method first
/// (`router.add('GET', '/x', h)`).
const DISPATCH_METHODS: &[&str] = &["add", "register", "addRoute"];

/// The literal methods a method-dispatching registration must name.
const HTTP_METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ALL",
];

/// Arguments of a call inspected for a router passed to a registrar
/// (`registerRoutes(app)`, `setup(env, app)`).
const MAX_REGISTER_ARGS: usize = 4;

/// Receivers that are HTTP clients or containers, never routers.
const NOT_ROUTERS: &[&str] = &[
    "axios",
    "ky",
    "got",
    "http",
    "https",
    "superagent",
    "client",
    "headers",
    "map",
    "cache",
    "caches",
    "storage",
    "kv",
    "bucket",
    "params",
    "searchparams",
    "url",
    "formdata",
    "cookies",
    "store",
    "redis",
    "db",
    "fetcher",
];

/// Joins path prefixes (`/api` + `/v1` → `/api/v1`).
fn join_paths(parts: &[String]) -> Option<String> {
    if parts.is_empty() {
        return None;
    }
    let mut out = String::new();
    for p in parts {
        let p = p.trim_end_matches('/');
        if !p.starts_with('/') {
            out.push('/');
        }
        out.push_str(p);
    }
    Some(if out.is_empty() { "/".to_string() } else { out })
}

/// Walks down a receiver chain through route-method and `basePath` calls:
/// the root expression, the `basePath` prefixes (innermost first), and
/// whether the chain holds only `basePath` calls.
fn chain_root<'b, 'a>(e: &'b Expression<'a>) -> (&'b Expression<'a>, Vec<String>, bool) {
    let mut cur = e;
    let mut bases = Vec::new();
    let mut only_base = true;
    for _ in 0..256 {
        let u = unwrap(cur);
        let Some(call) = as_call(u) else { break };
        let Some((recv, m)) = method_call(call) else {
            break;
        };
        if m == "basePath" {
            if let Some(p) = arg(&call.arguments, 0).and_then(string_value) {
                bases.push(p.to_string());
            }
        } else if ROUTE_METHODS.contains(&m) {
            only_base = false;
        } else {
            break;
        }
        cur = recv;
    }
    bases.reverse();
    (unwrap(cur), bases, only_base)
}

fn path_literal(text: &str, span: oxc_span::Span) -> RoutePath {
    RoutePath {
        text: text.into(),
        kind: PathKind::Literal,
        span: Some(sp(span)),
    }
}

impl<'a> Extractor<'a> {
    /// The framework implied by the file's imports.
    fn framework_hint(&self) -> Framework {
        if self.facts.imports_from("hono")
            || self
                .facts
                .imports
                .iter()
                .any(|i| i.source.value.starts_with("@hono/"))
        {
            Framework::Hono
        } else if self.facts.imports_from("itty-router") {
            Framework::Itty
        } else {
            Framework::Unknown
        }
    }

    /// The kind of router `e` creates, if it is a router constructor call.
    pub(super) fn router_creation(&self, e: &Expression<'a>) -> Option<RouterKind> {
        let u = unwrap(e);
        if let Expression::NewExpression(n) = u {
            return match ident_name(&n.callee) {
                Some("Hono") => Some(RouterKind::Hono),
                Some("OpenAPIHono") => Some(RouterKind::OpenApiHono),
                _ => None,
            };
        }
        let call = as_call(u)?;
        match path_text(&call.callee)?.as_str() {
            "Router" | "IttyRouter" => Some(RouterKind::IttyRouter),
            "AutoRouter" => Some(RouterKind::IttyAutoRouter),
            p if p.rsplit('.').next() == Some("createApp") => Some(RouterKind::Hono),
            _ => None,
        }
    }

    /// The instance created by `root` (a router constructor), creating it.
    fn instance_for(&mut self, root: &'a Expression<'a>, kind: RouterKind) -> usize {
        let k = key(root.span());
        if let Some(&id) = self.scratch.instances.get(&k) {
            return id;
        }
        let id = self.facts.routers.len();
        let mut base_path = None;
        let mut before = Vec::new();
        let options = match root {
            Expression::NewExpression(n) => arg(&n.arguments, 0),
            _ => as_call(root).and_then(|c| arg(&c.arguments, 0)),
        };
        if matches!(kind, RouterKind::IttyRouter | RouterKind::IttyAutoRouter)
            && let Some(obj) = options.and_then(as_object)
        {
            base_path = object_prop(obj, "base")
                .and_then(|p| string_value(&p.value))
                .map(str::to_string);
            if let Some(p) = object_prop(obj, "before")
                && let Expression::ArrayExpression(a) = unwrap(&p.value)
            {
                for el in &a.elements {
                    if let Some(e) = el.as_expression() {
                        let v = self.value_ref(e);
                        before.push(Spanned::new(v, sp(e.span())));
                    }
                }
            }
        }
        self.facts.routers.push(RouterInstance {
            id,
            name: None,
            kind,
            span: sp(root.span()),
            base_path,
            derived_from: None,
            before,
            function: self.cur_id(),
        });
        self.scratch.instances.insert(k, id);
        id
    }

    /// For a value that is (a chain on) a router constructor, its instance.
    pub(super) fn router_value(&mut self, e: &'a Expression<'a>) -> Option<usize> {
        let (root, _, _) = chain_root(e);
        let kind = self.router_creation(root)?;
        Some(self.instance_for(root, kind))
    }

    pub(super) fn routes_on_declarator(&mut self, name: &'a str, init: &'a Expression<'a>) {
        let (root, bases, only_base) = chain_root(init);
        if let Some(kind) = self.router_creation(root) {
            let id = self.instance_for(root, kind);
            let r = &mut self.facts.routers[id];
            r.name = Some(name.to_string());
            if let Some(b) = join_paths(&bases) {
                r.base_path = Some(match r.base_path.take() {
                    Some(own) => join_paths(&[own, b.clone()]).unwrap_or(b),
                    None => b,
                });
            }
            self.router_names.insert(name, id);
            return;
        }
        if let Expression::NewExpression(_) = root
            && std::ptr::eq(root, unwrap(init))
        {
            self.custom_news.insert(name, root);
            return;
        }
        let Some(root_name) = ident_name(root) else {
            return;
        };
        if std::ptr::eq(root, unwrap(init)) {
            // `const a = b`: an alias of a router.
            if let Some(&id) = self.router_names.get(root_name) {
                self.router_names.insert(name, id);
            }
            return;
        }
        let Some(&parent) = self.router_names.get(root_name) else {
            return;
        };
        if only_base && !bases.is_empty() {
            let id = self.facts.routers.len();
            let kind = self.facts.routers[parent].kind;
            self.facts.routers.push(RouterInstance {
                id,
                name: Some(name.to_string()),
                kind,
                span: sp(init.span()),
                base_path: join_paths(&bases),
                derived_from: Some(root_name.to_string()),
                before: Vec::new(),
                function: self.cur_id(),
            });
            self.scratch.instances.insert(key(unwrap(init).span()), id);
            self.router_names.insert(name, id);
        } else {
            self.router_names.insert(name, parent);
        }
    }

    fn handler_refs(&mut self, args: &'a [Argument<'a>]) -> Vec<Spanned<ValueRef>> {
        let mut out = Vec::new();
        for a in args {
            match a {
                Argument::SpreadElement(s) => {
                    let text =
                        path_text(&s.argument).unwrap_or_else(|| self.snippet(s.argument.span()));
                    out.push(Spanned::new(ValueRef::Spread(text), sp(s.span)));
                }
                _ => {
                    if let Some(e) = a.as_expression() {
                        if let Some(fs) = super::expr::function_span(e) {
                            self.scratch.handler_fns.insert(key(fs));
                        }
                        let v = self.value_ref(e);
                        out.push(Spanned::new(v, sp(e.span())));
                    }
                }
            }
        }
        out
    }

    fn plausible_receiver(
        &self,
        receiver: &str,
        framework: Framework,
        last_is_function: bool,
    ) -> bool {
        let lower = receiver.to_ascii_lowercase();
        let last = lower.rsplit('.').next().unwrap_or(&lower);
        if NOT_ROUTERS.contains(&last) || lower.split('.').any(|s| s == "env") {
            return false;
        }
        framework != Framework::Unknown || last_is_function
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_route(
        &mut self,
        call: &'a CallExpression<'a>,
        order: u32,
        framework: Framework,
        kind: RouteKind,
        receiver: &Option<String>,
        instance: Option<usize>,
        base_path: &Option<String>,
        methods: Vec<String>,
        path: RoutePath,
        handlers: Vec<Spanned<ValueRef>>,
    ) {
        self.facts.routes.push(RouteRegistration {
            framework,
            kind,
            receiver: receiver.clone(),
            instance,
            base_path: base_path.clone(),
            methods,
            path,
            handlers,
            span: sp(call.span),
            function: self.cur_id(),
            body: None,
            router_param: None,
        });
        self.route_order.push((call.span.start, order));
    }

    /// `registerAdmin(app)` / `routes.register(app)`: a known router passed
    /// to a plain or namespace-qualified function (resolved across files
    /// later, where the callee's registrations on that parameter join the
    /// router).
    fn register_on_call(&mut self, call: &'a CallExpression<'a>) {
        let callee = match unwrap(&call.callee) {
            Expression::Identifier(i) => i.name.to_string(),
            e => match member_parts(e) {
                Some((obj, prop, _)) => match ident_name(obj) {
                    Some(o) if !self.router_names.contains_key(o) => format!("{o}.{prop}"),
                    _ => return,
                },
                None => return,
            },
        };
        for (i, a) in call.arguments.iter().enumerate().take(MAX_REGISTER_ARGS) {
            let Some(e) = a.as_expression() else { continue };
            let Some(name) = ident_name(unwrap(e)) else {
                continue;
            };
            let Some(&id) = self.router_names.get(name) else {
                continue;
            };
            let framework = self.facts.routers[id].kind.framework();
            self.facts.routes.push(RouteRegistration {
                framework,
                kind: RouteKind::Register,
                receiver: Some(name.to_string()),
                instance: Some(id),
                base_path: None,
                methods: vec!["ALL".to_string()],
                path: RoutePath {
                    text: "".into(),
                    kind: PathKind::Any,
                    span: None,
                },
                handlers: vec![Spanned::new(
                    ValueRef::Identifier(callee.clone()),
                    sp(call.callee.span()),
                )],
                span: sp(call.span),
                function: self.cur_id(),
                body: None,
                router_param: u8::try_from(i).ok(),
            });
            self.route_order.push((call.span.start, call.span.start));
        }
    }

    /// `router.add('POST', '/x', handler)` on a known router, a `new X()`
    /// local (which becomes a custom router) or a registrar's parameter:
    /// a literal HTTP method, a literal `/` path, and a function or named
    /// handler last.
    fn dispatch_route(
        &mut self,
        call: &'a CallExpression<'a>,
        recv: &'a Expression<'a>,
        order: u32,
    ) {
        let args = &call.arguments;
        if args.len() < 3 {
            return;
        }
        let Some(method) = arg(args, 0).and_then(string_value) else {
            return;
        };
        let method = method.to_ascii_uppercase();
        if !HTTP_METHODS.contains(&method.as_str()) {
            return;
        }
        let Some((pe, p)) = arg(args, 1).and_then(|e| Some((e, string_value(e)?))) else {
            return;
        };
        if !p.starts_with('/') {
            return;
        }
        let Some(last) = args.last().and_then(|a| a.as_expression()) else {
            return;
        };
        let named = matches!(
            unwrap(last),
            Expression::Identifier(_) | Expression::StaticMemberExpression(_)
        );
        if !named && super::expr::function_span(last).is_none() {
            return;
        }
        let Some(name) = ident_name(unwrap(recv)) else {
            return;
        };
        let mut instance = self.router_names.get(name).copied();
        if instance.is_none()
            && let Some(&root) = self.custom_news.get(name)
        {
            let id = self.instance_for(root, RouterKind::Custom);
            self.facts.routers[id].name = Some(name.to_string());
            self.router_names.insert(name, id);
            instance = Some(id);
        }
        let router_param = match instance {
            Some(_) => None,
            None => self.own_param_index(name),
        };
        if instance.is_none() && router_param.is_none() {
            return;
        }
        let framework = instance.map_or_else(
            || self.framework_hint(),
            |i| self.facts.routers[i].kind.framework(),
        );
        let handlers = self.handler_refs(&args[2..]);
        self.emit_route(
            call,
            order,
            framework,
            RouteKind::Handler,
            &Some(name.to_string()),
            instance,
            &None,
            vec![method],
            path_literal(p, pe.span()),
            handlers,
        );
        if let Some(r) = self.facts.routes.last_mut() {
            r.router_param = router_param;
        }
    }

    /// The index of the innermost function's parameter `name`, when it is
    /// not a known router instance.
    fn own_param_index(&self, name: &str) -> Option<u8> {
        let b = self.stack.last()?.bindings.get(name)?;
        if b.kind != BindKind::Param {
            return None;
        }
        b.param_index
    }

    pub(super) fn routes_on_call(&mut self, call: &'a CallExpression<'a>, member: Member<'a>) {
        if !call.arguments.is_empty() && member.is_none_or(|(_, m, _)| !ROUTE_METHODS.contains(&m))
        {
            self.register_on_call(call);
        }
        let Some((recv, m, name_span)) = member else {
            return;
        };
        if DISPATCH_METHODS.contains(&m) {
            self.dispatch_route(call, recv, name_span.start);
            return;
        }
        if !ROUTE_METHODS.contains(&m) {
            return;
        }
        let order = name_span.start;
        let (root, bases, _) = chain_root(recv);
        let first_str = arg(&call.arguments, 0).and_then(string_value);
        let mut router_param = None;
        let (receiver, instance, known) = if let Some(kind) = self.router_creation(root) {
            let id = self.instance_for(root, kind);
            (self.facts.routers[id].name.clone(), Some(id), true)
        } else if let Some(n) = ident_name(root) {
            let inst = self.router_names.get(n).copied();
            let typed = self.stack.iter().any(|c| c.router_params.contains(&n));
            if inst.is_none() {
                router_param = self.own_param_index(n);
            }
            // An untyped parameter is taken as a router only where the call
            // reads like a registration; it joins a router only when a
            // caller passes one (`RouteKind::Register`).
            let param_route = router_param.is_some()
                && (matches!(m, "use" | "route" | "mount")
                    || first_str.is_some_and(|p| p.starts_with('/') || p == "*"));
            (
                Some(n.to_string()),
                inst,
                inst.is_some() || typed || param_route,
            )
        } else if let Some(p) = path_text(root) {
            (Some(p), None, false)
        } else {
            return;
        };
        let framework = instance.map_or_else(
            || self.framework_hint(),
            |i| self.facts.routers[i].kind.framework(),
        );
        let args = &call.arguments;
        let last_is_function = args
            .last()
            .and_then(|a| a.as_expression())
            .and_then(super::expr::function_span)
            .is_some();
        if !known
            && !self.plausible_receiver(
                receiver.as_deref().unwrap_or(""),
                framework,
                last_is_function,
            )
        {
            return;
        }
        let base_path = join_paths(&bases);
        let first = arg(args, 0);
        let emitted = self.facts.routes.len();
        self.route_by_method(
            call, m, order, framework, &receiver, instance, known, &base_path, first, first_str,
        );
        for r in &mut self.facts.routes[emitted..] {
            r.router_param = router_param;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn route_by_method(
        &mut self,
        call: &'a CallExpression<'a>,
        m: &str,
        order: u32,
        framework: Framework,
        receiver: &Option<String>,
        instance: Option<usize>,
        known: bool,
        base_path: &Option<String>,
        first: Option<&'a Expression<'a>>,
        first_str: Option<&'a str>,
    ) {
        let args = &call.arguments;
        match m {
            "use" => {
                let app_like = receiver.as_deref().is_some_and(|r| {
                    let lower = r.to_ascii_lowercase();
                    ["app", "router", "api", "route", "hono", "server"]
                        .iter()
                        .any(|w| lower.contains(w))
                });
                let (path, rest) = match (first, first_str) {
                    (Some(f), Some(p)) => (path_literal(p, f.span()), &args[1..]),
                    _ if known || (app_like && framework != Framework::Unknown) => (
                        RoutePath {
                            text: "*".into(),
                            kind: PathKind::Any,
                            span: None,
                        },
                        &args[..],
                    ),
                    _ => return,
                };
                if rest.is_empty() {
                    return;
                }
                let handlers = self.handler_refs(rest);
                self.emit_route(
                    call,
                    order,
                    framework,
                    RouteKind::Use,
                    receiver,
                    instance,
                    base_path,
                    vec!["ALL".to_string()],
                    path,
                    handlers,
                );
            }
            "route" | "mount" => {
                let (Some(f), Some(p)) = (first, first_str) else {
                    return;
                };
                if args.len() < 2 {
                    return;
                }
                let handlers = self.handler_refs(&args[1..2]);
                self.emit_route(
                    call,
                    order,
                    framework,
                    RouteKind::Mount,
                    receiver,
                    instance,
                    base_path,
                    vec!["ALL".to_string()],
                    path_literal(p, f.span()),
                    handlers,
                );
            }
            "on" => {
                if args.len() < 3 {
                    return;
                }
                let methods: Vec<String> = match first.map(unwrap) {
                    Some(Expression::ArrayExpression(a)) => a
                        .elements
                        .iter()
                        .filter_map(|e| e.as_expression().and_then(string_value))
                        .map(str::to_ascii_uppercase)
                        .collect(),
                    _ => first_str
                        .map(|s| vec![s.to_ascii_uppercase()])
                        .unwrap_or_default(),
                };
                if methods.is_empty() {
                    return;
                }
                let paths: Vec<RoutePath> = match arg(args, 1).map(unwrap) {
                    Some(Expression::ArrayExpression(a)) => a
                        .elements
                        .iter()
                        .filter_map(|e| e.as_expression())
                        .filter_map(|e| string_value(e).map(|s| path_literal(s, e.span())))
                        .collect(),
                    Some(e) => match string_value(e) {
                        Some(s) => vec![path_literal(s, e.span())],
                        None => vec![RoutePath {
                            text: self.snippet(e.span()).into(),
                            kind: PathKind::Dynamic,
                            span: Some(sp(e.span())),
                        }],
                    },
                    None => return,
                };
                let handlers = self.handler_refs(&args[2..]);
                for path in paths {
                    self.emit_route(
                        call,
                        order,
                        framework,
                        RouteKind::Handler,
                        receiver,
                        instance,
                        base_path,
                        methods.clone(),
                        path,
                        handlers.clone(),
                    );
                }
            }
            _ => {
                let Some(f) = first else { return };
                if args.len() < 2 || super::expr::function_span(f).is_some() {
                    return;
                }
                let path = match first_str {
                    Some(p) => {
                        if !(known || p.starts_with('/') || p == "*") {
                            return;
                        }
                        path_literal(p, f.span())
                    }
                    None if known => RoutePath {
                        text: self.snippet(f.span()).into(),
                        kind: PathKind::Dynamic,
                        span: Some(sp(f.span())),
                    },
                    None => return,
                };
                let method = match m {
                    "del" => "DELETE".to_string(),
                    other => other.to_ascii_uppercase(),
                };
                let handlers = self.handler_refs(&args[1..]);
                if !known
                    && handlers.iter().any(|h| {
                        matches!(
                            h.value,
                            ValueRef::Object | ValueRef::Array | ValueRef::String(_)
                        )
                    })
                {
                    return;
                }
                self.emit_route(
                    call,
                    order,
                    framework,
                    RouteKind::Handler,
                    receiver,
                    instance,
                    base_path,
                    vec![method],
                    path,
                    handlers,
                );
            }
        }
    }

    // -- plain fetch handlers ---------------------------------------------

    /// `url.pathname`, `pathname`, or a local holding it.
    pub(super) fn is_pathname(&self, e: &Expression<'a>) -> bool {
        self.is_pathname_at(e, 0)
    }

    fn is_pathname_at(&self, e: &Expression<'a>, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        let u = unwrap(e);
        if let Some(name) = ident_name(u) {
            return name == "pathname" || self.lookup(name).is_some_and(|b| b.path_alias);
        }
        if let Some((_, prop, _)) = member_parts(u) {
            return prop == "pathname";
        }
        // `url.pathname.toLowerCase()`, `.replace(/\/$/, '')`.
        if let Some(call) = as_call(u)
            && let Some((recv, m)) = method_call(call)
            && matches!(
                m,
                "toLowerCase" | "replace" | "replaceAll" | "slice" | "trim"
            )
        {
            return self.is_pathname_at(recv, depth + 1);
        }
        false
    }

    /// `request.method`, `c.req.method`, `method`, or a local holding it.
    pub(super) fn is_method_expr(&self, e: &Expression<'a>) -> bool {
        let u = unwrap(e);
        if let Some(name) = ident_name(u) {
            return name == "method" || self.lookup(name).is_some_and(|b| b.method_alias);
        }
        member_parts(u).is_some_and(|(_, prop, _)| prop == "method")
    }

    /// Paths compared with the pathname in `e` (`===`, `startsWith`, regex,
    /// `[...].includes(pathname)`, `||` of those).
    fn path_conds(&self, e: &'a Expression<'a>, out: &mut Vec<RoutePath>, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let u = unwrap(e);
        match u {
            Expression::BinaryExpression(b)
                if matches!(
                    b.operator,
                    BinaryOperator::StrictEquality | BinaryOperator::Equality
                ) =>
            {
                let (lit, other) = match (string_value(&b.left), string_value(&b.right)) {
                    (Some(_), None) => (&b.left, &b.right),
                    (None, Some(_)) => (&b.right, &b.left),
                    _ => return false,
                };
                if !self.is_pathname(other) {
                    return false;
                }
                if let Some(s) = string_value(lit) {
                    out.push(path_literal(s, lit.span()));
                }
                true
            }
            Expression::LogicalExpression(l) if l.operator == LogicalOperator::Or => {
                let before = out.len();
                let left = self.path_conds(&l.left, out, depth + 1);
                let right = self.path_conds(&l.right, out, depth + 1);
                if !(left && right) {
                    out.truncate(before);
                    return false;
                }
                true
            }
            _ => {
                let Some(call) = as_call(u) else { return false };
                let Some((recv, m)) = method_call(call) else {
                    return false;
                };
                let first = arg(&call.arguments, 0);
                match m {
                    "startsWith" if self.is_pathname(recv) => {
                        let Some(f) = first else { return false };
                        let Some(s) = string_value(f) else {
                            return false;
                        };
                        out.push(RoutePath {
                            text: s.into(),
                            kind: PathKind::Prefix,
                            span: Some(sp(f.span())),
                        });
                        true
                    }
                    "match" | "exec" | "test" => {
                        let (re, subject) = if m == "match" {
                            (first, Some(recv))
                        } else {
                            (Some(recv), first)
                        };
                        let (Some(re), Some(subject)) = (re, subject) else {
                            return false;
                        };
                        if !self.is_pathname(subject) {
                            return false;
                        }
                        let Some((pattern, _)) = self.regex_of(re) else {
                            return false;
                        };
                        out.push(RoutePath {
                            text: pattern.into(),
                            kind: PathKind::Regex,
                            span: Some(sp(re.span())),
                        });
                        true
                    }
                    "includes" => {
                        let Some(f) = first else { return false };
                        if !self.is_pathname(f) {
                            return false;
                        }
                        let Expression::ArrayExpression(a) = unwrap(recv) else {
                            return false;
                        };
                        for el in &a.elements {
                            if let Some(x) = el.as_expression()
                                && let Some(s) = string_value(x)
                            {
                                out.push(path_literal(s, x.span()));
                            }
                        }
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    /// Methods compared with the request method in `e` (`===`/`!==`,
    /// `[...].includes(method)`, `||` of those).
    fn method_conds(&self, e: &Expression<'a>, out: &mut Vec<String>, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let u = unwrap(e);
        match u {
            Expression::BinaryExpression(b) if super::env_reads::is_equality(b.operator) => {
                let (lit, other) = match (string_value(&b.left), string_value(&b.right)) {
                    (Some(l), None) => (l, &b.right),
                    (None, Some(r)) => (r, &b.left),
                    _ => return false,
                };
                if !self.is_method_expr(other) {
                    return false;
                }
                out.push(lit.to_ascii_uppercase());
                true
            }
            Expression::LogicalExpression(l) => {
                let a = self.method_conds(&l.left, out, depth + 1);
                let b = self.method_conds(&l.right, out, depth + 1);
                a || b
            }
            Expression::UnaryExpression(un) => self.method_conds(&un.argument, out, depth + 1),
            _ => {
                let Some(call) = as_call(u) else { return false };
                let Some((recv, "includes")) = method_call(call) else {
                    return false;
                };
                if !arg(&call.arguments, 0).is_some_and(|f| self.is_method_expr(f)) {
                    return false;
                }
                let Expression::ArrayExpression(a) = unwrap(recv) else {
                    return false;
                };
                for el in &a.elements {
                    if let Some(s) = el.as_expression().and_then(string_value) {
                        out.push(s.to_ascii_uppercase());
                    }
                }
                true
            }
        }
    }

    /// Flattens `a && b && c`.
    fn conjuncts<'b>(e: &'b Expression<'a>, out: &mut Vec<&'b Expression<'a>>, depth: usize) {
        match unwrap(e) {
            Expression::LogicalExpression(l)
                if l.operator == LogicalOperator::And && depth < 32 =>
            {
                Self::conjuncts(&l.left, out, depth + 1);
                Self::conjuncts(&l.right, out, depth + 1);
            }
            other => out.push(other),
        }
    }

    fn prune_branches(&mut self, pos: u32) {
        self.open_branches.retain(|(_, body)| body.end > pos);
        self.method_scopes.retain(|(_, body)| body.end > pos);
    }

    fn add_methods_to_open_branch(&mut self, at: oxc_span::Span, methods: &[String]) -> bool {
        let Some(&(idx, _)) = self
            .open_branches
            .iter()
            .rev()
            .find(|(_, body)| body.start <= at.start && at.end <= body.end)
        else {
            return false;
        };
        if let Some(route) = self.facts.routes.get_mut(idx) {
            route.methods.retain(|m| m != "ALL");
            for m in methods {
                if !route.methods.contains(m) {
                    route.methods.push(m.clone());
                }
            }
        }
        true
    }

    fn enclosing_methods(&self, at: oxc_span::Span) -> Vec<String> {
        self.method_scopes
            .iter()
            .rev()
            .find(|(_, body)| body.start <= at.start && at.end <= body.end)
            .map_or_else(|| vec!["ALL".to_string()], |(m, _)| m.clone())
    }

    fn emit_branch(
        &mut self,
        path: RoutePath,
        methods: Vec<String>,
        test_span: oxc_span::Span,
        body: oxc_span::Span,
    ) {
        let idx = self.facts.routes.len();
        self.facts.routes.push(RouteRegistration {
            framework: Framework::Fetch,
            kind: RouteKind::Handler,
            receiver: None,
            instance: None,
            base_path: None,
            methods,
            path,
            handlers: Vec::new(),
            span: sp(test_span),
            function: self.cur_id(),
            body: Some(sp(body)),
            router_param: None,
        });
        self.route_order.push((test_span.start, test_span.start));
        self.open_branches.push((idx, body));
    }

    pub(super) fn routes_on_if(&mut self, s: &'a IfStatement<'a>) {
        self.prune_branches(s.span.start);
        let mut parts = Vec::new();
        Self::conjuncts(&s.test, &mut parts, 0);
        let mut paths = Vec::new();
        let mut methods = Vec::new();
        for p in parts {
            if !self.path_conds(p, &mut paths, 0) {
                self.method_conds(p, &mut methods, 0);
            }
        }
        if !paths.is_empty() {
            let methods = if methods.is_empty() {
                self.enclosing_methods(s.span)
            } else {
                methods
            };
            let body = s.consequent.span();
            for path in paths {
                self.emit_branch(path, methods.clone(), s.test.span(), body);
            }
        } else if !methods.is_empty() && !self.add_methods_to_open_branch(s.span, &methods) {
            self.method_scopes.push((methods, s.consequent.span()));
        }
    }

    pub(super) fn routes_on_switch(&mut self, s: &'a SwitchStatement<'a>) {
        self.prune_branches(s.span.start);
        let on_path = self.is_pathname(&s.discriminant);
        let on_method = !on_path && self.is_method_expr(&s.discriminant);
        if !on_path && !on_method {
            return;
        }
        let cases = &s.cases;
        for (i, case) in cases.iter().enumerate() {
            let Some(test) = &case.test else { continue };
            let Some(text) = string_value(test) else {
                continue;
            };
            if on_method {
                let methods = [text.to_ascii_uppercase()];
                self.add_methods_to_open_branch(s.span, &methods);
                continue;
            }
            // A case with no statements falls through to the next one that has some.
            let body = cases[i..]
                .iter()
                .find(|c| !c.consequent.is_empty())
                .map(|c| {
                    let first = c.consequent.first().map_or(c.span, Statement::span);
                    let last = c.consequent.last().map_or(c.span, Statement::span);
                    oxc_span::Span::new(first.start, last.end)
                })
                .unwrap_or(case.span);
            let methods = self.enclosing_methods(s.span);
            self.emit_branch(path_literal(text, test.span()), methods, test.span(), body);
        }
    }
}
