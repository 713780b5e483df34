//! The single walk over a syn `File` that fills [`JsFacts`].

use crate::hashing::{HashMap, HashSet};

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, Lit, Macro, Pat, Token, Type, UseTree};

use super::bail;
use super::sql::{self, HoleArg};
use super::{LineIndex, MAX_VISIT_DEPTH};

/// How deep a question "is this value built only from constants?" may
/// follow bindings, operands and format holes before answering no (not
/// constant: DB003 then reports it). Real code needs a handful of levels;
/// the limit also ends a binding that refers to itself.
const MAX_CONSTANT_DEPTH: usize = 32;
use crate::formats::ParseFailure;
use crate::formats::js::{
    CallFact, Compared, CorsConfig, CorsOrigin, EnvComparison, EnvRead, EnvReadKind, EnvSource,
    Export, ExportKind, ExportValue, Flag, FlagSetting, Framework, FunctionFacts, FunctionId,
    FunctionKind, HeaderValue, HeaderWrite, HeaderWriteVia, Import, ImportKind, Imported,
    ImportedName, JsFacts, LiteralFact, LiteralKind, MODULE_SCOPE, ModuleConst, PathKind,
    RouteKind, RoutePath, RouteRegistration, SafeReason, SqlClass, SqlFlow, SqlOrigin, SqlSink,
    SqlString, SqlStringKind, UnsafeReason, ValueRef,
};
use crate::span::{Span, Spanned};

/// workers-rs `Env` / `RouteContext` accessors taking a binding name.
const ENV_METHODS: &[&str] = &[
    "secret",
    "var",
    "object_var",
    "d1",
    "kv",
    "durable_object",
    "bucket",
    "service",
    "queue",
    "hyperdrive",
    "analytics_engine",
    "rate_limiter",
    "ai",
    "assets",
    "send_email",
    "get_binding",
    "browser",
    "dynamic_dispatcher",
];

/// Receivers that are a workers-rs `RouteContext` by convention.
const CONTEXT_NAMES: &[&str] = &["ctx", "context", "c", "cx", "route_ctx", "rctx"];

/// Method sinks: D1 (`prepare`, `exec`) and tokio-postgres style clients.
const SQL_METHODS: &[&str] = &[
    "prepare",
    "exec",
    "query",
    "query_one",
    "query_opt",
    "execute",
    "batch_execute",
    "simple_query",
];

/// Method sinks recorded whatever their argument.
const SQL_ANY_ARG: &[&str] = &["prepare", "exec", "query"];

/// Free-function sinks (sqlx).
const SQL_FUNCTIONS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
];

/// Conversions that keep a string's content (`&q`, `q.as_str()`, ...).
const TRANSPARENT_METHODS: &[&str] = &[
    "as_str",
    "to_string",
    "to_owned",
    "into",
    "as_ref",
    "clone",
    "borrow",
];

const LOG_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "console_log",
    "console_error",
    "console_warn",
    "console_debug",
    "info",
    "warn",
    "error",
    "debug",
    "trace",
    "dbg",
];

const ERROR_MACROS: &[&str] = &["panic", "anyhow", "bail", "ensure", "unreachable", "todo"];

const NUMERIC_TYPES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool",
];

#[derive(Clone, Debug, PartialEq)]
enum Ctx {
    Other,
    Sink,
    Console,
    Html,
    Error,
    Let(String),
}

impl Ctx {
    fn flow(&self) -> SqlFlow {
        match self {
            Ctx::Sink => SqlFlow::Sink,
            Ctx::Console => SqlFlow::Console,
            Ctx::Html => SqlFlow::Html,
            Ctx::Error => SqlFlow::Error,
            Ctx::Other | Ctx::Let(_) => SqlFlow::Other,
        }
    }
}

struct Binding {
    init: Option<Expr>,
    mutable: bool,
    numeric: bool,
    /// A `let mut` collection changed only by `.push` of constants so far
    /// (`sets.push("name = ?")`); false once it is changed any other way.
    pushes_constant: bool,
    /// Typed `Env` / `RouteContext` (or holding an env accessor).
    env_like: bool,
}

struct Scope {
    id: FunctionId,
    bindings: HashMap<String, Binding>,
}

/// A format string's holes resolved to what fills them.
struct FormatInfo {
    /// The first non-constant fill: its span and text.
    offending: Option<(Span, String)>,
    holes: usize,
    text: String,
}

pub(super) struct Extractor<'a> {
    src: &'a str,
    index: &'a LineIndex<'a>,
    facts: JsFacts,
    scopes: Vec<Scope>,
    closure_ids: HashMap<*const syn::ExprClosure, FunctionId>,
    /// Method calls that are the receiver of another method call, and `+`
    /// operands that continue a chain: analysed with their outermost node.
    inner: HashSet<*const Expr>,
    module_literal_consts: HashSet<String>,
    /// Top-level `fn`s every return of which is constant (`placeholders(n)`).
    constant_fns: HashSet<String>,
    router_vars: HashSet<String>,
    /// SQL strings bound to a local, waiting for its uses: (function, name, index).
    pending_sql: Vec<(FunctionId, String, usize)>,
    ctx: Ctx,
    impl_name: Option<String>,
    depth: usize,
    error: Option<ParseFailure>,
}

impl<'a> Extractor<'a> {
    pub(super) fn run(
        src: &'a str,
        index: &'a LineIndex<'a>,
        file: &syn::File,
    ) -> Result<JsFacts, ParseFailure> {
        let mut ex = Extractor {
            src,
            index,
            facts: JsFacts::default(),
            scopes: Vec::new(),
            closure_ids: HashMap::default(),
            inner: HashSet::default(),
            module_literal_consts: HashSet::default(),
            constant_fns: HashSet::default(),
            router_vars: HashSet::default(),
            pending_sql: Vec::new(),
            ctx: Ctx::Other,
            impl_name: None,
            depth: 0,
            error: None,
        };
        let module = ex.new_function(
            FunctionKind::Module,
            None,
            None,
            Span::new(0, src.len()),
            None,
            false,
        );
        ex.scopes.push(Scope {
            id: module,
            bindings: HashMap::default(),
        });
        ex.collect_module_items(&file.items);
        ex.visit_file(file);
        if let Some(err) = ex.error {
            return Err(err);
        }
        // Calls are visited before their receivers: report in source order.
        ex.facts.sql_sinks.sort_by_key(|s| s.span.start);
        ex.facts.sql_strings.sort_by_key(|s| s.span.start);
        ex.facts.cors.sort_by_key(|c| c.span.start);
        ex.facts.header_writes.sort_by_key(|h| h.span.start);
        for f in &mut ex.facts.functions {
            f.references.sort();
            f.references.dedup();
        }
        Ok(ex.facts)
    }

    // -- spans and text -----------------------------------------------------

    fn sp(&self, s: proc_macro2::Span) -> Span {
        self.index.span(s)
    }

    fn span_of<T: syn::spanned::Spanned + ?Sized>(&self, t: &T) -> Span {
        self.sp(t.span())
    }

    fn snippet(&self, span: Span) -> String {
        let text = self.src.get(span.range()).unwrap_or("");
        crate::formats::js::one_line_excerpt(text, 80)
    }

    /// From the start of `from` to the closing paren of a call.
    fn call_span(&self, from: Span, paren: &syn::token::Paren) -> Span {
        from.cover(self.sp(paren.span.close()))
    }

    // -- functions and scopes -----------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn new_function(
        &mut self,
        kind: FunctionKind,
        name: Option<String>,
        name_span: Option<Span>,
        span: Span,
        parent: Option<FunctionId>,
        is_async: bool,
    ) -> FunctionId {
        let id = self.facts.functions.len();
        let mut function = FunctionFacts::new(id, kind, span, parent);
        function.name = name.map(Into::into);
        function.name_span = name_span;
        function.is_async = is_async;
        if kind == FunctionKind::Method && self.impl_name.is_some() {
            function.rare_mut().class_name = self.impl_name.clone();
        }
        self.facts.functions.push(function);
        id
    }

    fn cur(&self) -> FunctionId {
        self.scopes.last().map_or(MODULE_SCOPE, |s| s.id)
    }

    fn cur_fn(&mut self) -> Option<&mut FunctionFacts> {
        let id = self.cur();
        self.facts.functions.get_mut(id)
    }

    fn binding(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.bindings.get(name))
    }

    fn binding_mut(&mut self, name: &str) -> Option<&mut Binding> {
        self.scopes
            .iter_mut()
            .rev()
            .find_map(|s| s.bindings.get_mut(name))
    }

    fn bind(&mut self, name: String, b: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.bindings.insert(name, b);
        }
    }

    fn closure_id(&mut self, c: &syn::ExprClosure) -> FunctionId {
        let key = c as *const syn::ExprClosure;
        if let Some(&id) = self.closure_ids.get(&key) {
            return id;
        }
        let is_async = c.asyncness.is_some() || matches!(&*c.body, Expr::Async(_));
        let span = self.span_of(c);
        let parent = Some(self.cur());
        let id = self.new_function(FunctionKind::Arrow, None, None, span, parent, is_async);
        self.closure_ids.insert(key, id);
        id
    }

    /// Runs `body` in a new function scope with `params` bound.
    fn in_function(
        &mut self,
        id: FunctionId,
        params: &[(String, Option<&Type>)],
        body: impl FnOnce(&mut Self),
    ) {
        let mut bindings = HashMap::default();
        for (name, ty) in params {
            let ty_text = ty.map(type_text).unwrap_or_default();
            bindings.insert(
                name.clone(),
                Binding {
                    init: None,
                    mutable: false,
                    numeric: NUMERIC_TYPES.contains(&ty_text.as_str()),
                    pushes_constant: false,
                    env_like: is_env_type(&ty_text),
                },
            );
        }
        self.scopes.push(Scope { id, bindings });
        let saved_ctx = std::mem::replace(&mut self.ctx, Ctx::Other);
        body(self);
        self.ctx = saved_ctx;
        self.scopes.pop();
    }

    fn fn_params(sig: &syn::Signature) -> Vec<(String, Option<&Type>)> {
        sig.inputs
            .iter()
            .map(|a| match a {
                syn::FnArg::Receiver(_) => ("self".to_string(), None),
                syn::FnArg::Typed(t) => (pat_name(&t.pat), Some(&*t.ty)),
            })
            .collect()
    }

    fn visit_fn(
        &mut self,
        kind: FunctionKind,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
        whole: Span,
    ) {
        let params = Self::fn_params(sig);
        let name = sig.ident.to_string();
        let name_span = self.span_of(&sig.ident);
        let parent = Some(self.cur());
        let id = self.new_function(
            kind,
            Some(name.clone()),
            Some(name_span),
            whole,
            parent,
            sig.asyncness.is_some(),
        );
        if let Some(event) = event_attr(attrs) {
            self.facts.exports.push(Export {
                exported: event.into(),
                local: Some(name.into()),
                kind: ExportKind::Local,
                value: ExportValue::Value(ValueRef::Function(id)),
                span: whole,
            });
        }
        self.in_function(id, &params, |ex| ex.visit_block(block));
    }

    // -- module level -------------------------------------------------------

    fn collect_module_items(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Const(c) => self.module_const(&c.ident, &c.expr, true, &c.vis, c),
                syn::Item::Static(s) => self.module_const(&s.ident, &s.expr, false, &s.vis, s),
                syn::Item::Fn(f) if !matches!(f.sig.output, syn::ReturnType::Default) => {
                    let mut returns = Returns::default();
                    returns.visit_block(&f.block);
                    let tail = block_tail(&f.block);
                    let ok = !returns.unknown
                        && (tail.is_some() || !returns.values.is_empty())
                        && tail
                            .into_iter()
                            .chain(returns.values.iter().copied())
                            .all(|e| self.is_constant(e, 0));
                    if ok {
                        self.constant_fns.insert(f.sig.ident.to_string());
                    }
                }
                syn::Item::Use(u) => {
                    let mut prefix = Vec::new();
                    let mut out = Vec::new();
                    collect_use(&u.tree, &mut prefix, &mut out, 0);
                    let span = self.span_of(u);
                    for (path, name) in out {
                        let source = Spanned::new(path, span);
                        let names = match name {
                            Some((imported, local)) => vec![ImportedName {
                                imported,
                                local: local.into(),
                                span,
                            }],
                            None => Vec::new(),
                        };
                        self.facts.imports.push(Import {
                            source: Spanned::new(source.value.into(), source.span),
                            names,
                            type_only: false,
                            kind: ImportKind::Static,
                            span,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn module_const<T: syn::spanned::Spanned>(
        &mut self,
        ident: &syn::Ident,
        expr: &Expr,
        is_const: bool,
        vis: &syn::Visibility,
        whole: &T,
    ) {
        let name = ident.to_string();
        let literal_only = literal_only(expr, 0);
        if literal_only {
            self.module_literal_consts.insert(name.clone());
        }
        self.facts.module_constants.push(ModuleConst {
            name: name.into(),
            span: self.span_of(whole),
            init_span: Some(self.span_of(expr)),
            is_const,
            literal_only,
            exported: !matches!(vis, syn::Visibility::Inherited),
        });
    }

    // -- macros -------------------------------------------------------------

    fn macro_args(tokens: &TokenStream) -> Option<Punctuated<Expr, Token![,]>> {
        Punctuated::<Expr, Token![,]>::parse_terminated
            .parse2(tokens.clone())
            .ok()
    }

    fn handle_macro(&mut self, mac: &Macro, ctx: Ctx) {
        let name = macro_name(mac);
        if name == "format" {
            self.record_format_sql(mac, ctx.clone());
        }
        // Compile-time checked or literal-only macros: nothing to learn.
        if matches!(
            name.as_str(),
            "concat" | "stringify" | "include_str" | "env" | "macro_rules"
        ) {
            return;
        }
        let Some(args) = Self::macro_args(&mac.tokens) else {
            return;
        };
        let arg_ctx = if LOG_MACROS.contains(&name.as_str()) {
            Ctx::Console
        } else if ERROR_MACROS.contains(&name.as_str()) {
            Ctx::Error
        } else {
            Ctx::Other
        };
        for a in &args {
            self.ctx = arg_ctx.clone();
            self.visit_expr(a);
        }
        self.ctx = Ctx::Other;
    }

    /// Resolves a `format!`-like macro's format string (at `fmt_index`).
    fn format_info(&self, mac: &Macro, fmt_index: usize) -> Option<FormatInfo> {
        self.format_info_at(mac, fmt_index, 0)
    }

    /// [`Self::format_info`] at `depth` of a constant-ness question: the
    /// holes are judged one level deeper, so a binding that refers to
    /// itself (`let q = format!("{q} ...")`) ends at the depth limit.
    fn format_info_at(&self, mac: &Macro, fmt_index: usize, depth: usize) -> Option<FormatInfo> {
        let args = Self::macro_args(&mac.tokens)?;
        let args: Vec<&Expr> = args.iter().collect();
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(fmt), ..
        }) = args.get(fmt_index)?
        else {
            return None;
        };
        let rest = args.get(fmt_index + 1..).unwrap_or(&[]);
        let (holes, text) = sql::parse_format(&fmt.value());
        let fmt_span = self.span_of(fmt);
        let mut offending = None;
        for hole in &holes {
            if hole.placeholder {
                continue;
            }
            let fill: Option<&Expr> = match &hole.arg {
                HoleArg::Index(n) => rest.get(*n).map(|e| assign_value(e)),
                HoleArg::Name(name) => rest.iter().find_map(|e| match e {
                    Expr::Assign(a) if path_ident(&a.left).as_deref() == Some(name) => {
                        Some(&*a.right)
                    }
                    _ => None,
                }),
            };
            let ok = match (fill, &hole.arg) {
                (Some(e), _) => self.is_constant(e, depth + 1),
                (None, HoleArg::Name(name)) => self.is_constant_name(name, depth + 1),
                (None, HoleArg::Index(_)) => true,
            };
            if !ok && offending.is_none() {
                offending = Some(match (fill, &hole.arg) {
                    (Some(e), _) => {
                        let s = self.span_of(e);
                        (s, self.snippet(s))
                    }
                    (None, HoleArg::Name(name)) => {
                        (self.capture_span(fmt_span, name), name.clone())
                    }
                    (None, HoleArg::Index(_)) => (fmt_span, self.snippet(fmt_span)),
                });
            }
        }
        Some(FormatInfo {
            offending,
            holes: holes.len(),
            text,
        })
    }

    /// The span of `name` inside `{name}` in a format literal.
    fn capture_span(&self, lit: Span, name: &str) -> Span {
        let text = self.src.get(lit.range()).unwrap_or("");
        let needle = format!("{{{name}");
        match text.find(&needle) {
            Some(p) => {
                let start = lit.start as usize + p + 1;
                Span::new(start, start + name.len())
            }
            None => lit,
        }
    }

    fn record_format_sql(&mut self, mac: &Macro, ctx: Ctx) {
        let Some(info) = self.format_info(mac, 0) else {
            return;
        };
        let Some((offending, _)) = info.offending else {
            return;
        };
        if !sql::looks_like_sql(&info.text) {
            return;
        }
        let span = self.span_of(mac);
        self.push_sql_string(span, SqlStringKind::Template, offending, &info.text, ctx);
    }

    fn push_sql_string(
        &mut self,
        span: Span,
        kind: SqlStringKind,
        offending: Span,
        text: &str,
        ctx: Ctx,
    ) {
        let function = self.cur();
        let idx = self.facts.sql_strings.len();
        let flows = match &ctx {
            Ctx::Let(name) => {
                self.pending_sql.push((function, name.clone(), idx));
                Vec::new()
            }
            other => vec![other.flow()],
        };
        self.facts.sql_strings.push(SqlString {
            span,
            kind,
            offending,
            preview: sql::truncate(text, 120),
            flows,
            imported_parts: Vec::new(),
            function,
        });
    }

    // -- constants and SQL classification -----------------------------------

    fn is_constant_name(&self, name: &str, depth: usize) -> bool {
        if let Some(b) = self.binding(name) {
            if b.numeric {
                return true;
            }
            return match &b.init {
                Some(init) if !b.mutable => {
                    matches!(self.classify_at(init, false, depth + 1), SqlClass::Safe(_))
                        || self.is_number_expr(init)
                        || self.is_constant(init, depth + 1)
                }
                // A collection built by pushes of constants only.
                Some(init) if b.pushes_constant => self.is_constant(init, depth + 1),
                _ => false,
            };
        }
        // Rust naming: SCREAMING_CASE is a `const`/`static`, evaluated at
        // compile time (possibly imported from another module).
        self.module_literal_consts.contains(name) || is_const_case(name)
    }

    fn is_number_expr(&self, e: &Expr) -> bool {
        match e {
            Expr::Lit(l) => matches!(l.lit, Lit::Int(_) | Lit::Float(_) | Lit::Bool(_)),
            Expr::Cast(c) => NUMERIC_TYPES.contains(&type_text(&c.ty).as_str()),
            Expr::Try(t) => self.is_number_expr(&t.expr),
            Expr::MethodCall(m) => {
                matches!(m.method.to_string().as_str(), "len" | "count")
                    || (m.method == "parse"
                        && m.turbofish.as_ref().is_some_and(|t| {
                            t.args.iter().any(|a| match a {
                                syn::GenericArgument::Type(ty) => {
                                    NUMERIC_TYPES.contains(&type_text(ty).as_str())
                                }
                                _ => false,
                            })
                        }))
                    || (matches!(
                        m.method.to_string().as_str(),
                        "unwrap_or"
                            | "unwrap"
                            | "unwrap_or_default"
                            | "unwrap_or_else"
                            | "expect"
                            | "ok"
                            | "min"
                            | "max"
                            | "clamp"
                            | "abs"
                    ) && self.is_number_expr(&m.receiver))
                    // `.and_then(|(_, v)| v.parse::<i64>().ok())`: an
                    // `Option`/`Result` of a number.
                    || (matches!(m.method.to_string().as_str(), "and_then" | "map")
                        && m.args.len() == 1
                        && matches!(strip_ref(&m.args[0]), Expr::Closure(c) if {
                            let body = match strip_ref(&c.body) {
                                Expr::Block(b) => block_tail(&b.block),
                                other => Some(other),
                            };
                            body.is_some_and(|b| self.is_number_expr(strip_ref(b)))
                        }))
            }
            _ => false,
        }
    }

    /// Whether a value used inside SQL text is built only from constants.
    fn is_constant(&self, e: &Expr, depth: usize) -> bool {
        if depth > MAX_CONSTANT_DEPTH {
            return false;
        }
        let e = strip(e);
        match e {
            Expr::Lit(_) => true,
            Expr::Path(p) => match path_ident(e) {
                Some(name) => self.is_constant_name(&name, depth + 1),
                None => p
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| is_const_case(&s.ident.to_string())),
            },
            Expr::Binary(b) => {
                matches!(
                    b.op,
                    BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_) | BinOp::Rem(_)
                ) && self.is_constant(&b.left, depth + 1)
                    && self.is_constant(&b.right, depth + 1)
            }
            Expr::Macro(m) => match macro_name(&m.mac).as_str() {
                "concat" | "stringify" => true,
                "vec" => m.mac.tokens.is_empty(),
                "format" => self
                    .format_info(&m.mac, 0)
                    .is_some_and(|i| i.offending.is_none()),
                _ => false,
            },
            Expr::MethodCall(m) if m.method == "join" => {
                self.is_placeholder_list(&m.receiver, depth + 1)
                    || (self.is_constant(&m.receiver, depth + 1)
                        && m.args.iter().all(|a| self.is_constant(a, depth + 1)))
            }
            Expr::Call(c)
                if matches!(
                    expr_text(&c.func).as_str(),
                    "Vec::new" | "Vec::with_capacity"
                ) =>
            {
                true
            }
            Expr::Call(c)
                if path_ident(&c.func).is_some_and(|f| self.constant_fns.contains(&f)) =>
            {
                true
            }
            Expr::If(i) => {
                block_tail(&i.then_branch).is_some_and(|t| self.is_constant(t, depth + 1))
                    && i.else_branch
                        .as_ref()
                        .is_some_and(|(_, e)| self.is_constant(e, depth + 1))
            }
            Expr::Block(b) => block_tail(&b.block).is_some_and(|t| self.is_constant(t, depth + 1)),
            Expr::Match(m) => {
                !m.arms.is_empty() && m.arms.iter().all(|a| self.is_constant(&a.body, depth + 1))
            }
            Expr::MethodCall(m) if m.method == "repeat" => {
                matches!(strip(&m.receiver), Expr::Lit(_))
            }
            _ => self.is_number_expr(e),
        }
    }

    /// Placeholder lists built only from literals and the element index:
    /// `ids.iter().enumerate().map(|(i, _)| format!("?{}", i + 1)).collect()`,
    /// `ids.iter().map(|_| "?")`, `vec!["?"; n]`, `repeat("?").take(n)`, or a
    /// local bound to one.
    fn is_placeholder_list(&self, e: &Expr, depth: usize) -> bool {
        if depth > MAX_CONSTANT_DEPTH {
            return false;
        }
        let e = strip(e);
        if let Some(name) = path_ident(e) {
            return self
                .binding(&name)
                .and_then(|b| b.init.as_ref().filter(|_| !b.mutable))
                .is_some_and(|init| self.is_placeholder_list(init, depth + 1));
        }
        if let Expr::Macro(m) = e
            && macro_name(&m.mac) == "vec"
        {
            let body = m.mac.tokens.to_string();
            return body.trim_start().starts_with('"') && body.contains(';');
        }
        let mut cur = e;
        let mut steps = 0;
        while let Expr::MethodCall(m) = cur {
            steps += 1;
            if steps > 64 {
                return false;
            }
            if m.method == "map" {
                return match m.args.first().map(strip_ref) {
                    Some(Expr::Closure(c)) => self.is_placeholder_item(&c.body),
                    _ => false,
                };
            }
            cur = strip_try(&m.receiver);
        }
        matches!(cur, Expr::Call(c) if expr_text(&c.func).ends_with("repeat")
            && c.args.iter().all(|a| matches!(strip(a), Expr::Lit(_))))
    }

    /// A placeholder list item: a literal, or a `format!` whose holes are
    /// placeholder indexes (`?{}`, `${}`) or constants.
    fn is_placeholder_item(&self, body: &Expr) -> bool {
        let mut e = strip(body);
        if let Expr::Block(b) = e
            && let Some(syn::Stmt::Expr(last, None)) = b.block.stmts.last()
            && b.block.stmts.len() == 1
        {
            e = strip(last);
        }
        match e {
            Expr::Lit(_) => true,
            Expr::Macro(m) if macro_name(&m.mac) == "format" => self
                .format_info(&m.mac, 0)
                .is_some_and(|i| i.offending.is_none()),
            _ => false,
        }
    }

    /// Classifies a SQL sink argument; `follow` allows one local binding.
    fn classify(&self, arg: &Expr, follow: bool) -> SqlClass {
        self.classify_at(arg, follow, 0)
    }

    /// [`Self::classify`] at `depth` of a constant-ness question. Every
    /// call back into `is_constant` goes one level deeper, never back to
    /// zero: `let z = z + 1;` shadowing a parameter otherwise recursed
    /// until the stack overflowed.
    fn classify_at(&self, arg: &Expr, follow: bool, depth: usize) -> SqlClass {
        let e = strip(arg);
        let unknown = || SqlClass::Unknown {
            detail: self.snippet(self.span_of(arg)),
        };
        if depth > MAX_CONSTANT_DEPTH {
            return unknown();
        }
        match e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(_), ..
            }) => SqlClass::Safe(SafeReason::Literal),
            Expr::Lit(_) => SqlClass::Safe(SafeReason::Number),
            Expr::Macro(m) => match macro_name(&m.mac).as_str() {
                "concat" | "stringify" => SqlClass::Safe(SafeReason::ConstantParts),
                "format" => match self.format_info_at(&m.mac, 0, depth + 1) {
                    Some(FormatInfo {
                        offending: Some((span, detail)),
                        ..
                    }) => SqlClass::Unsafe {
                        reason: UnsafeReason::Interpolation,
                        span,
                        detail,
                        via_binding: None,
                    },
                    Some(FormatInfo { holes: 0, .. }) => SqlClass::Safe(SafeReason::Literal),
                    Some(_) => SqlClass::Safe(SafeReason::ConstantParts),
                    None => unknown(),
                },
                _ => unknown(),
            },
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_)) => {
                for op in add_operands(e) {
                    if !self.is_constant(op, depth + 1) {
                        let span = self.span_of(op);
                        return SqlClass::Unsafe {
                            reason: UnsafeReason::Concatenation,
                            span,
                            detail: self.snippet(span),
                            via_binding: None,
                        };
                    }
                }
                SqlClass::Safe(SafeReason::ConstantParts)
            }
            Expr::Path(_) => {
                let Some(name) = path_ident(e) else {
                    return unknown();
                };
                if let Some(b) = self.binding(&name) {
                    let Some(init) = b.init.as_ref().filter(|_| follow) else {
                        return unknown();
                    };
                    return match self.classify_at(init, false, depth + 1) {
                        SqlClass::Unsafe {
                            reason,
                            span,
                            detail,
                            ..
                        } => SqlClass::Unsafe {
                            reason,
                            span,
                            detail,
                            via_binding: Some(name),
                        },
                        SqlClass::Safe(_) if !b.mutable => SqlClass::Safe(SafeReason::LocalBinding),
                        _ => unknown(),
                    };
                }
                if self.module_literal_consts.contains(&name) {
                    SqlClass::Safe(SafeReason::ConstantParts)
                } else {
                    unknown()
                }
            }
            _ => unknown(),
        }
    }

    // -- calls --------------------------------------------------------------

    fn value_ref(&mut self, e: &Expr) -> ValueRef {
        match strip_ref(e) {
            Expr::Closure(c) => ValueRef::Function(self.closure_id(c)),
            Expr::Lit(l) => match &l.lit {
                Lit::Str(s) => ValueRef::String(s.value()),
                Lit::Int(i) => ValueRef::Number(i.base10_parse::<f64>().unwrap_or(0.0)),
                Lit::Float(f) => ValueRef::Number(f.base10_parse::<f64>().unwrap_or(0.0)),
                Lit::Bool(b) => ValueRef::Bool(b.value),
                _ => ValueRef::Other,
            },
            Expr::Path(p) => {
                let text = path_text(&p.path);
                if text == "None" {
                    ValueRef::Nullish
                } else if p.path.segments.len() == 1 {
                    ValueRef::Identifier(text)
                } else {
                    ValueRef::Member(text)
                }
            }
            Expr::Field(_) => ValueRef::Member(expr_text(e)),
            Expr::Call(c) => {
                let functions = c
                    .args
                    .iter()
                    .filter_map(|a| match strip_ref(a) {
                        Expr::Closure(cl) => Some(self.closure_id(cl)),
                        _ => None,
                    })
                    .collect();
                ValueRef::Call {
                    callee: expr_text(&c.func),
                    functions,
                }
            }
            Expr::MethodCall(m) => ValueRef::Call {
                callee: format!("{}.{}", expr_text(&m.receiver), m.method),
                functions: Vec::new(),
            },
            Expr::Array(_) => ValueRef::Array,
            Expr::Struct(_) => ValueRef::Object,
            Expr::Macro(m) if macro_name(&m.mac) == "vec" => ValueRef::Array,
            Expr::Macro(m) if macro_name(&m.mac) == "format" => ValueRef::Template,
            _ => ValueRef::Other,
        }
    }

    fn record_call(&mut self, callee: String, callee_span: Span, span: Span) {
        if let Some(f) = self.cur_fn() {
            f.calls.push(CallFact {
                callee: callee.into(),
                callee_span,
                span,
                is_new: false,
                args: Default::default(),
            });
        }
    }

    fn is_env_receiver(&self, recv: &Expr) -> bool {
        let text = expr_text(recv);
        let last = text.rsplit('.').next().unwrap_or(&text);
        if last == "env" || last.ends_with("_env") || CONTEXT_NAMES.contains(&last) {
            return true;
        }
        path_ident(strip_ref(recv))
            .and_then(|n| self.binding(&n))
            .is_some_and(|b| b.env_like)
    }

    fn env_read(&mut self, m: &syn::ExprMethodCall, span: Span) -> bool {
        let method = m.method.to_string();
        if !ENV_METHODS.contains(&method.as_str()) || m.args.len() != 1 {
            return false;
        }
        let Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(name),
            ..
        })) = m.args.first()
        else {
            return false;
        };
        if !self.is_env_receiver(&m.receiver) {
            return false;
        }
        let read = EnvRead {
            name: name.value(),
            span: self.span_of(name),
            expr_span: span,
            base: expr_text(&m.receiver),
            source: EnvSource::Worker,
            kind: EnvReadKind::Member,
            mode: Default::default(),
        };
        if let Some(f) = self.cur_fn() {
            f.rare_mut().env_reads.push(read);
        }
        true
    }

    /// The env name an expression reads (directly, or a local bound to a read).
    fn env_name_of(&self, e: &Expr, depth: usize) -> Option<(String, Span, Option<String>)> {
        if depth > 8 {
            return None;
        }
        let mut e = strip(e);
        loop {
            match e {
                Expr::Try(t) => e = strip(&t.expr),
                Expr::Await(a) => e = strip(&a.base),
                Expr::MethodCall(m)
                    if matches!(
                        m.method.to_string().as_str(),
                        "unwrap" | "expect" | "unwrap_or_default"
                    ) =>
                {
                    e = strip(&m.receiver)
                }
                _ => break,
            }
        }
        match e {
            Expr::MethodCall(m) if ENV_METHODS.contains(&m.method.to_string().as_str()) => {
                match m.args.first() {
                    Some(Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    })) if self.is_env_receiver(&m.receiver) => {
                        Some((s.value(), self.span_of(m), None))
                    }
                    _ => None,
                }
            }
            p @ Expr::Path(_) => {
                let name = path_ident(p)?;
                let init = self.binding(&name)?.init.as_ref()?;
                let (env, _, _) = self.env_name_of(init, depth + 1)?;
                Some((env, self.span_of(p), Some(name)))
            }
            Expr::Match(m) => {
                let scrutinee = bail::unwrapped_scrutinee(m, strip)?;
                self.env_name_of(scrutinee, depth + 1)
            }
            _ => None,
        }
    }

    fn env_comparison(&mut self, b: &syn::ExprBinary) {
        if !matches!(b.op, BinOp::Eq(_) | BinOp::Ne(_)) {
            return;
        }
        let (env, other) = match (self.env_name_of(&b.left, 0), self.env_name_of(&b.right, 0)) {
            (Some(env), _) => (env, &b.right),
            (None, Some(env)) => (env, &b.left),
            _ => return,
        };
        let other = match strip(other) {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) if s.value().is_empty() => Compared::Nullish,
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => Compared::String(s.value()),
            Expr::Lit(_) => Compared::OtherLiteral,
            p @ Expr::Path(_) if path_ident(p).is_some() => {
                Compared::Identifier(path_ident(p).unwrap_or_default())
            }
            o => Compared::Expr(self.snippet(self.span_of(o))),
        };
        let cmp = EnvComparison {
            span: self.span_of(b),
            operator: if matches!(b.op, BinOp::Eq(_)) {
                "=="
            } else {
                "!="
            }
            .to_string(),
            env_name: env.0,
            env_span: env.1,
            via_alias: env.2,
            other,
        };
        if let Some(f) = self.cur_fn() {
            f.rare_mut().env_comparisons.push(cmp);
        }
    }

    fn sql_sink(&mut self, callee: String, method: String, arg: &Expr, span: Span) {
        let class = self.classify(arg, true);
        let function = self.cur();
        self.facts.sql_sinks.push(SqlSink {
            span,
            callee,
            method,
            arg_span: self.span_of(arg),
            class,
            imported_parts: Vec::new(),
            origins: vec![SqlOrigin::Request],
            effect: None,
            written: true,
            function,
        });
    }

    fn header_write(&mut self, m: &syn::ExprMethodCall, span: Span) {
        let via = match m.method.to_string().as_str() {
            "set" => HeaderWriteVia::Set,
            "append" => HeaderWriteVia::Append,
            _ => return,
        };
        if m.args.len() != 2 {
            return;
        }
        let (
            Some(Expr::Lit(syn::ExprLit {
                lit: Lit::Str(name),
                ..
            })),
            Some(value),
        ) = (m.args.first(), m.args.iter().nth(1))
        else {
            return;
        };
        let header = name.value();
        if !header.contains('-') && !header.eq_ignore_ascii_case("origin") {
            return;
        }
        let v = match strip(value) {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => HeaderValue::Literal(s.value()),
            other => match self.env_name_of(other, 0) {
                Some((env, _, _)) => HeaderValue::Env(env),
                None => match path_ident(other) {
                    Some(id) => HeaderValue::Identifier(id),
                    None => HeaderValue::Dynamic,
                },
            },
        };
        let function = self.cur();
        self.facts.header_writes.push(HeaderWrite {
            name: header,
            name_span: self.span_of(name),
            value: v,
            value_span: self.span_of(value),
            span,
            via,
            function,
        });
    }

    // -- chains: CORS and routes --------------------------------------------

    fn analyse_chain(&mut self, outer: &Expr) {
        let mut segments: Vec<&syn::ExprMethodCall> = Vec::new();
        let mut cur = outer;
        loop {
            match cur {
                Expr::MethodCall(m) => {
                    segments.push(m);
                    cur = &m.receiver;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        segments.reverse();
        let root = cur;
        let root_text = expr_text(root);
        let root_ident = path_ident(root);
        let chain_span = self.span_of(root).cover(self.span_of(outer));
        let is_cors = root_text.ends_with("Cors::new()")
            || root_text.ends_with("Cors::default()")
            || root_ident
                .as_deref()
                .is_some_and(|n| n.to_ascii_lowercase().contains("cors"));
        if is_cors {
            self.cors_chain(&segments, chain_span);
        }
        let is_router = root_text.ends_with("Router::new()")
            || root_text.ends_with("Router::with_data()")
            || root_ident
                .as_deref()
                .is_some_and(|n| self.router_vars.contains(n));
        if is_router {
            self.route_chain(&segments, root_ident);
        }
    }

    fn segment_span(&self, m: &syn::ExprMethodCall) -> Span {
        self.call_span(self.span_of(&m.method), &m.paren_token)
    }

    fn cors_chain(&mut self, segments: &[&syn::ExprMethodCall], span: Span) {
        let Some(origins) = segments.iter().rev().find(|m| m.method == "with_origins") else {
            return;
        };
        let credentials = segments
            .iter()
            .rev()
            .find(|m| m.method == "with_credentials")
            .map(|m| FlagSetting {
                value: match m.args.first().map(strip) {
                    Some(Expr::Lit(syn::ExprLit {
                        lit: Lit::Bool(b), ..
                    })) => {
                        if b.value {
                            Flag::True
                        } else {
                            Flag::False
                        }
                    }
                    _ => Flag::Dynamic,
                },
                span: self.segment_span(m),
            });
        let seg_span = self.segment_span(origins);
        let (origin, origin_span) = match origins.args.first() {
            Some(arg) => self.cors_origin(arg),
            None => (CorsOrigin::Dynamic(String::new()), seg_span),
        };
        let function = self.cur();
        self.facts.cors.push(CorsConfig {
            span,
            callee: "Cors::with_origins".to_string(),
            origin,
            origin_span,
            credentials,
            function,
        });
    }

    fn cors_origin(&self, arg: &Expr) -> (CorsOrigin, Span) {
        let arg_span = self.span_of(arg);
        let elems: Option<Vec<Expr>> = match strip_ref(arg) {
            Expr::Array(a) => Some(a.elems.iter().cloned().collect()),
            Expr::Macro(m) if macro_name(&m.mac) == "vec" => {
                Self::macro_args(&m.mac.tokens).map(|p| p.into_iter().collect())
            }
            Expr::Lit(_) => Some(vec![strip_ref(arg).clone()]),
            _ => None,
        };
        let Some(elems) = elems else {
            return (CorsOrigin::Dynamic(self.snippet(arg_span)), arg_span);
        };
        let mut entries = Vec::new();
        let mut has_dynamic = false;
        for e in &elems {
            match strip_ref(e) {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => entries.push(Spanned::new(s.value(), self.span_of(s))),
                _ => has_dynamic = true,
            }
        }
        if let Some(star) = entries.iter().find(|e| e.value.trim() == "*") {
            return (CorsOrigin::Literal("*".to_string()), star.span);
        }
        (
            CorsOrigin::List {
                entries,
                has_dynamic,
            },
            arg_span,
        )
    }

    fn route_chain(&mut self, segments: &[&syn::ExprMethodCall], receiver: Option<String>) {
        for m in segments {
            let method = m.method.to_string();
            let base = method.strip_suffix("_async").unwrap_or(&method);
            let (methods, path) = match base {
                "get" | "post" | "put" | "patch" | "delete" | "options" | "head" | "connect"
                | "trace" => {
                    let Some(Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(p), ..
                    })) = m.args.first()
                    else {
                        continue;
                    };
                    (
                        vec![base.to_ascii_uppercase()],
                        RoutePath {
                            text: p.value().into(),
                            kind: PathKind::Literal,
                            span: Some(self.span_of(p)),
                        },
                    )
                }
                "on" => {
                    let Some(Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(p), ..
                    })) = m.args.first()
                    else {
                        continue;
                    };
                    (
                        vec!["ALL".to_string()],
                        RoutePath {
                            text: p.value().into(),
                            kind: PathKind::Literal,
                            span: Some(self.span_of(p)),
                        },
                    )
                }
                "or_else_any_method" => (
                    vec!["ALL".to_string()],
                    RoutePath {
                        text: "*".into(),
                        kind: PathKind::Any,
                        span: None,
                    },
                ),
                _ => continue,
            };
            let Some(handler) = m.args.iter().last() else {
                continue;
            };
            if base != "or_else_any_method" && m.args.len() != 2 {
                continue;
            }
            let hspan = self.span_of(handler);
            let handler = Spanned::new(self.value_ref(handler), hspan);
            let span = self.segment_span(m);
            let function = self.cur();
            self.facts.routes.push(RouteRegistration {
                framework: Framework::Unknown,
                kind: RouteKind::Handler,
                receiver: receiver.clone(),
                instance: None,
                base_path: None,
                methods,
                path,
                handlers: vec![handler],
                span,
                function,
                body: None,
                router_param: None,
            });
        }
    }

    fn visit_method_call_expr(&mut self, e: &Expr, m: &syn::ExprMethodCall, ctx: Ctx) {
        let recv_span = self.span_of(&m.receiver);
        let span = self.call_span(recv_span, &m.paren_token);
        let callee = format!("{}.{}", expr_text(&m.receiver), m.method);
        let callee_span = recv_span.cover(self.span_of(&m.method));
        self.record_call(callee.clone(), callee_span, span);
        self.env_read(m, span);
        self.header_write(m, span);
        let method = m.method.to_string();
        if let Some(name) = path_ident(strip_ref(&m.receiver))
            && self.binding(&name).is_some_and(|b| b.mutable)
        {
            let ok = match method.as_str() {
                "push" => m.args.iter().all(|a| self.is_constant(a, 0)),
                "join" | "len" | "is_empty" | "iter" | "first" | "last" | "get" | "contains"
                | "clear" | "pop" | "truncate" | "as_str" | "as_slice" => true,
                _ => false,
            };
            if !ok && let Some(b) = self.binding_mut(&name) {
                b.pushes_constant = false;
            }
        }
        // D1 `prepare`/`exec` and `.query` are sinks whatever their
        // argument; the tokio-postgres family only when given SQL text (so
        // that sqlx's `.execute(&pool)` is not one).
        let sink = match m.args.first() {
            Some(arg) if SQL_METHODS.contains(&method.as_str()) => {
                SQL_ANY_ARG.contains(&method.as_str())
                    || !matches!(self.classify(arg, true), SqlClass::Unknown { .. })
            }
            _ => false,
        };
        if sink && let Some(arg) = m.args.first() {
            self.sql_sink(callee, method.clone(), arg, span);
        }
        if !self.inner.contains(&(e as *const Expr)) {
            self.analyse_chain(e);
        }
        // Mark receivers of this chain link so that they are not analysed
        // again as chains of their own.
        let mut recv: &Expr = &m.receiver;
        loop {
            match recv {
                Expr::Try(t) => recv = &t.expr,
                Expr::Await(a) => recv = &a.base,
                Expr::Paren(p) => recv = &p.expr,
                _ => break,
            }
        }
        if matches!(recv, Expr::MethodCall(_)) {
            self.inner.insert(recv as *const Expr);
        }
        let transparent = TRANSPARENT_METHODS.contains(&method.as_str()) && m.args.is_empty();
        self.ctx = if transparent { ctx } else { Ctx::Other };
        self.visit_expr(&m.receiver);
        for (i, a) in m.args.iter().enumerate() {
            self.ctx = if sink && i == 0 {
                Ctx::Sink
            } else {
                Ctx::Other
            };
            self.visit_expr(a);
        }
        self.ctx = Ctx::Other;
    }

    fn visit_call_expr(&mut self, c: &syn::ExprCall) {
        let callee = expr_text(&c.func);
        let callee_span = self.span_of(&c.func);
        let span = self.call_span(callee_span, &c.paren_token);
        self.record_call(callee.clone(), callee_span, span);
        let last = callee.rsplit("::").next().unwrap_or(&callee).to_string();
        let sink = SQL_FUNCTIONS.contains(&last.as_str()) && !c.args.is_empty();
        if sink && let Some(arg) = c.args.first() {
            self.sql_sink(callee.clone(), last.clone(), arg, span);
        }
        let arg_ctx = if sink {
            Ctx::Sink
        } else if last == "Err" || callee.contains("Error") || last == "error" {
            Ctx::Error
        } else if last.contains("html") {
            Ctx::Html
        } else {
            Ctx::Other
        };
        self.ctx = Ctx::Other;
        self.visit_expr(&c.func);
        for (i, a) in c.args.iter().enumerate() {
            self.ctx = if i == 0 { arg_ctx.clone() } else { Ctx::Other };
            self.visit_expr(a);
        }
        self.ctx = Ctx::Other;
    }

    fn visit_add_chain(&mut self, e: &Expr, ctx: Ctx) {
        let operands = add_operands(e);
        let mut text = String::new();
        let mut offending = None;
        for op in &operands {
            match strip(op) {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => text.push_str(&s.value()),
                Expr::Macro(m) if macro_name(&m.mac) == "format" => {
                    if let Some(info) = self.format_info(&m.mac, 0) {
                        text.push_str(&info.text);
                        if offending.is_none() {
                            offending = info.offending.map(|o| o.0);
                        }
                    }
                }
                other => {
                    text.push_str("{…}");
                    if offending.is_none() && !self.is_constant(other, 0) {
                        offending = Some(self.span_of(*op));
                    }
                }
            }
        }
        if let Some(off) = offending
            && sql::looks_like_sql(&text)
        {
            let span = self.span_of(e);
            self.push_sql_string(span, SqlStringKind::Concatenation, off, &text, ctx);
        }
    }
}

impl<'ast> Visit<'ast> for Extractor<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if is_test_only(&f.attrs) {
            return;
        }
        let whole = self.span_of(f);
        self.visit_fn(FunctionKind::Declaration, &f.attrs, &f.sig, &f.block, whole);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let whole = self.span_of(f);
        self.visit_fn(FunctionKind::Method, &f.attrs, &f.sig, &f.block, whole);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            let whole = self.span_of(f);
            self.visit_fn(FunctionKind::Method, &f.attrs, &f.sig, block, whole);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let saved = self.impl_name.replace(type_text(&i.self_ty));
        visit::visit_item_impl(self, i);
        self.impl_name = saved;
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // Unit tests are not Worker code (source rules skip test files too).
        if is_test_only(&m.attrs) {
            return;
        }
        if let Some((_, items)) = &m.content {
            self.collect_module_items(items);
        }
        visit::visit_item_mod(self, m);
    }

    fn visit_type(&mut self, _: &'ast Type) {}

    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let name = pat_name(&l.pat);
        if let Some(init) = &l.init {
            self.ctx = Ctx::Let(name.clone());
            self.visit_expr(&init.expr);
            self.ctx = Ctx::Other;
            if let Some((_, d)) = &init.diverge {
                self.visit_expr(d);
            }
        }
        let ty = match &l.pat {
            Pat::Type(t) => type_text(&t.ty),
            _ => String::new(),
        };
        let mutable = matches!(
            &l.pat,
            Pat::Ident(p) if p.mutability.is_some()
        ) || matches!(&l.pat, Pat::Type(t) if matches!(&*t.pat, Pat::Ident(p) if p.mutability.is_some()));
        let init = l.init.as_ref().map(|i| (*i.expr).clone());
        if let Some(init) = &init {
            let text = expr_text(strip_try(init));
            if text.ends_with("Router::new()") || text.ends_with("Router::with_data()") {
                self.router_vars.insert(name.clone());
            }
        }
        let numeric = NUMERIC_TYPES.contains(&ty.as_str())
            || init.as_ref().is_some_and(|i| self.is_number_expr(i));
        let env_like = is_env_type(&ty);
        // `let Ok(v) = x else { return ... };` binds `v` to what `x` holds.
        let (name, init) = match (&l.init, bail::value_binding(&l.pat)) {
            (Some(i), Some(inner)) if i.diverge.is_some() => (inner, Some((*i.expr).clone())),
            _ => (name, init),
        };
        if name != "_" && !name.starts_with(['(', '{', '[']) {
            self.bind(
                name,
                Binding {
                    init,
                    mutable,
                    numeric,
                    pushes_constant: true,
                    env_like,
                },
            );
        }
    }

    fn visit_macro(&mut self, m: &'ast Macro) {
        let ctx = std::mem::replace(&mut self.ctx, Ctx::Other);
        self.handle_macro(m, ctx);
    }

    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        let span = self.span_of(s);
        let value = s.value();
        if !crate::formats::js::literal_may_matter(LiteralKind::String, &value) {
            return;
        }
        if let Some(f) = self.cur_fn() {
            f.literals.push(LiteralFact {
                kind: LiteralKind::String,
                value: value.into(),
                flags: String::new(),
                span,
            });
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        if self.error.is_some() {
            return;
        }
        if self.depth >= MAX_VISIT_DEPTH {
            self.error = Some(ParseFailure::new(
                self.span_of(e),
                format!("expressions nested deeper than {MAX_VISIT_DEPTH} levels"),
            ));
            return;
        }
        self.depth += 1;
        let ctx = std::mem::replace(&mut self.ctx, Ctx::Other);
        // Assigned anew (`sets = ...`, `q += ...`): no longer built only by pushes.
        let assigned = match e {
            Expr::Assign(a) => Some(&*a.left),
            Expr::Binary(b) if binop_assigns(&b.op) => Some(&*b.left),
            _ => None,
        };
        if let Some(name) = assigned.and_then(|t| path_ident(strip(t)))
            && let Some(b) = self.binding_mut(&name)
        {
            b.pushes_constant = false;
        }
        match e {
            Expr::MethodCall(m) => self.visit_method_call_expr(e, m, ctx),
            Expr::Call(c) => self.visit_call_expr(c),
            Expr::Closure(c) => {
                let id = self.closure_id(c);
                let params: Vec<(String, Option<&Type>)> = c
                    .inputs
                    .iter()
                    .map(|p| match p {
                        Pat::Type(t) => (pat_name(&t.pat), Some(&*t.ty)),
                        other => (pat_name(other), None),
                    })
                    .collect();
                self.in_function(id, &params, |ex| ex.visit_expr(&c.body));
            }
            Expr::Reference(r) if r.mutability.is_some() => {
                // `&mut sets` handed on: no longer changed only by pushes.
                if let Some(name) = path_ident(strip(&r.expr))
                    && let Some(b) = self.binding_mut(&name)
                {
                    b.pushes_constant = false;
                }
                self.ctx = ctx;
                visit::visit_expr(self, e);
            }
            Expr::Reference(_)
            | Expr::Paren(_)
            | Expr::Group(_)
            | Expr::Try(_)
            | Expr::Await(_) => {
                self.ctx = ctx;
                visit::visit_expr(self, e);
            }
            Expr::Macro(m) => {
                self.ctx = ctx;
                self.visit_macro(&m.mac);
            }
            Expr::Path(p) => {
                if let Some(name) = path_ident(e) {
                    let fid = self.cur();
                    if let Some(&(_, _, idx)) = self
                        .pending_sql
                        .iter()
                        .rev()
                        .find(|(f, n, _)| *f == fid && *n == name)
                        && let Some(s) = self.facts.sql_strings.get_mut(idx)
                    {
                        s.flows.push(ctx.flow());
                    }
                    if let Some(f) = self.cur_fn() {
                        f.references.push(name.into());
                    }
                }
                visit::visit_expr_path(self, p);
            }
            Expr::Binary(b) => {
                self.env_comparison(b);
                if matches!(b.op, BinOp::Add(_)) {
                    if !self.inner.contains(&(e as *const Expr)) {
                        self.visit_add_chain(e, ctx);
                    }
                    if matches!(&*b.left, Expr::Binary(l) if matches!(l.op, BinOp::Add(_))) {
                        self.inner.insert(&*b.left as *const Expr);
                    }
                }
                visit::visit_expr(self, e);
            }
            _ => visit::visit_expr(self, e),
        }
        self.ctx = Ctx::Other;
        self.depth -= 1;
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        if self.error.is_some() {
            return;
        }
        visit::visit_stmt(self, s);
    }
}

// ---------------------------------------------------------------------------
// Free helpers
// ---------------------------------------------------------------------------

/// `+=`, `-=`, ...: a compound assignment.
fn binop_assigns(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// The value of a block: its last statement, an expression without `;`.
fn block_tail(b: &syn::Block) -> Option<&Expr> {
    match b.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => Some(e),
        _ => None,
    }
}

/// The `return` values of a function body, outside its closures and items;
/// `unknown` for a bare `return` or `?` (an early error is not text).
#[derive(Default)]
struct Returns<'ast> {
    values: Vec<&'ast Expr>,
    unknown: bool,
}

impl<'ast> Visit<'ast> for Returns<'ast> {
    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        match &r.expr {
            Some(e) => self.values.push(e),
            None => self.unknown = true,
        }
        visit::visit_expr_return(self, r);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// `MAX_ROWS`, `TABLE`: a constant by Rust naming convention.
fn is_const_case(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn macro_name(m: &Macro) -> String {
    m.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// `#[cfg(test)]` or `#[test]`.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg")
                && a.meta
                    .require_list()
                    .is_ok_and(|l| l.tokens.to_string().trim() == "test"))
    })
}

/// `#[event(fetch)]` / `#[worker::event(scheduled)]`: the event name.
fn event_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let last = a.path().segments.last()?;
        if last.ident != "event" {
            return None;
        }
        let list = a.meta.require_list().ok()?;
        let first = list.tokens.clone().into_iter().next()?;
        Some(first.to_string())
    })
}

fn is_env_type(ty: &str) -> bool {
    ty == "Env" || ty == "RouteContext"
}

/// The last path segment of a type, through references (`&Env` -> `Env`).
fn type_text(ty: &Type) -> String {
    let mut t = ty;
    for _ in 0..16 {
        match t {
            Type::Reference(r) => t = &r.elem,
            Type::Paren(p) => t = &p.elem,
            Type::Group(g) => t = &g.elem,
            Type::Path(p) => {
                return p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
            }
            _ => break,
        }
    }
    String::new()
}

fn pat_name(p: &Pat) -> String {
    match p {
        Pat::Ident(i) => i.ident.to_string(),
        Pat::Type(t) => pat_name(&t.pat),
        Pat::Reference(r) => pat_name(&r.pat),
        Pat::Wild(_) => "_".to_string(),
        Pat::Tuple(_) | Pat::TupleStruct(_) => "(...)".to_string(),
        Pat::Struct(_) => "{...}".to_string(),
        Pat::Slice(_) => "[...]".to_string(),
        _ => "?".to_string(),
    }
}

fn path_text(p: &syn::Path) -> String {
    let mut out = String::new();
    if p.leading_colon.is_some() {
        out.push_str("::");
    }
    for (i, seg) in p.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        out.push_str(&seg.ident.to_string());
    }
    out
}

/// The single identifier an expression is (`q`, not `a::b`).
fn path_ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            p.path.get_ident().map(|i| i.to_string())
        }
        _ => None,
    }
}

/// The value of a `name = value` format argument, or the argument itself.
fn assign_value(e: &Expr) -> &Expr {
    match e {
        Expr::Assign(a) => &a.right,
        other => other,
    }
}

fn strip_ref(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Reference(r) => e = &r.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => return e,
        }
    }
}

fn strip_try(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Try(t) => e = &t.expr,
            Expr::Await(a) => e = &a.base,
            Expr::Paren(p) => e = &p.expr,
            _ => return e,
        }
    }
}

/// Strips references, derefs and content-preserving conversions
/// (`&*q`, `q.as_str()`, `String::from(q)`, `q.to_string()`).
fn strip(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Reference(r) => e = &r.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => e = &u.expr,
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && TRANSPARENT_METHODS.contains(&m.method.to_string().as_str()) =>
            {
                e = &m.receiver
            }
            Expr::Call(c)
                if c.args.len() == 1
                    && matches!(
                        expr_text(&c.func).as_str(),
                        "String::from" | "str::to_string"
                    ) =>
            {
                match c.args.first() {
                    Some(a) => e = a,
                    None => return e,
                }
            }
            _ => return e,
        }
    }
}

/// The operands of a left-nested `a + b + c` chain, in order (iterative).
fn add_operands(e: &Expr) -> Vec<&Expr> {
    let mut rights = Vec::new();
    let mut cur = e;
    while let Expr::Binary(b) = cur {
        if !matches!(b.op, BinOp::Add(_)) {
            break;
        }
        rights.push(&*b.right);
        cur = strip_paren(&b.left);
    }
    let mut out = vec![cur];
    out.extend(rights.into_iter().rev());
    out
}

fn strip_paren(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

/// Callee-style text: paths with `::`, fields and methods with `.`, call
/// results as `()`, `?`/`.await`/`&` dropped; `?` when not a path.
fn expr_text(e: &Expr) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e;
    let mut steps = 0;
    let root = loop {
        steps += 1;
        if steps > 512 {
            break "?".to_string();
        }
        match cur {
            Expr::Path(p) => break path_text(&p.path),
            Expr::Field(f) => {
                parts.push(match &f.member {
                    syn::Member::Named(i) => format!(".{i}"),
                    syn::Member::Unnamed(i) => format!(".{}", i.index),
                });
                cur = &f.base;
            }
            Expr::MethodCall(m) => {
                parts.push(format!(".{}()", m.method));
                cur = &m.receiver;
            }
            Expr::Call(c) => {
                parts.push("()".to_string());
                cur = &c.func;
            }
            Expr::Try(t) => cur = &t.expr,
            Expr::Await(a) => cur = &a.base,
            Expr::Paren(p) => cur = &p.expr,
            Expr::Group(g) => cur = &g.expr,
            Expr::Reference(r) => cur = &r.expr,
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => cur = &u.expr,
            Expr::Macro(m) => break format!("{}!()", macro_name(&m.mac)),
            Expr::Index(i) => {
                parts.push("[]".to_string());
                cur = &i.expr;
            }
            _ => break "?".to_string(),
        }
    };
    let mut out = root;
    for p in parts.into_iter().rev() {
        out.push_str(&p);
    }
    out
}

/// Built only from literals: a literal, `concat!`, an array/tuple/reference
/// of such.
fn literal_only(e: &Expr, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match e {
        Expr::Lit(_) => true,
        Expr::Reference(r) => literal_only(&r.expr, depth + 1),
        Expr::Paren(p) => literal_only(&p.expr, depth + 1),
        Expr::Array(a) => a.elems.iter().all(|x| literal_only(x, depth + 1)),
        Expr::Tuple(t) => t.elems.iter().all(|x| literal_only(x, depth + 1)),
        Expr::Macro(m) => matches!(macro_name(&m.mac).as_str(), "concat" | "stringify"),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => literal_only(&u.expr, depth + 1),
        _ => false,
    }
}

/// Flattens a `use` tree into (path, Some((imported, local))) entries.
fn collect_use(
    tree: &UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(String, Option<(Imported, String)>)>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_use(&p.tree, prefix, out, depth + 1);
            prefix.pop();
        }
        UseTree::Name(n) => {
            let name = n.ident.to_string();
            out.push((
                prefix.join("::"),
                Some((Imported::Named(name.as_str().into()), name)),
            ));
        }
        UseTree::Rename(r) => out.push((
            prefix.join("::"),
            Some((
                Imported::Named(r.ident.to_string().into()),
                r.rename.to_string(),
            )),
        )),
        UseTree::Glob(_) => out.push((
            prefix.join("::"),
            Some((Imported::Namespace, "*".to_string())),
        )),
        UseTree::Group(g) => {
            for t in &g.items {
                collect_use(t, prefix, out, depth + 1);
            }
        }
    }
}
