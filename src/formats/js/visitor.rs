//! The single AST walk: function/scope bookkeeping, local bindings, and
//! dispatch of every node of interest to the analysis modules.
//!
//! Analysis runs in `enter_node`/`leave_node`, which receive arena
//! references (`&'a`), so bindings can keep pointers to their initialisers
//! for the one-level data-flow the rules need. The program itself is
//! allocated in the arena by `extract`, so every node outlives the walk.

use std::cell::{Cell, RefCell};

// Span-keyed tables use FxHash: the keys are source offsets, which an
// attacker cannot usefully steer into collisions; name-keyed ones use
// randomly seeded maps (`crate::hashing`).
use crate::hashing::{HashMap, HashSet};
use compact_str::CompactString;
use rustc_hash::{FxHashMap, FxHashSet};

use oxc_ast::AstKind;
use oxc_ast::ast::{
    Argument, AssignmentExpression, AssignmentTarget, BindingPattern, CallExpression, Class,
    Expression, FormalParameters, JSXElement, NewExpression, ObjectExpression, Program, Statement,
    TSType, TSTypeName, VariableDeclarationKind, VariableDeclarator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;

use super::expr::{self, as_call, function_span, path_text, sp, unwrap, unwrap_await};
use super::{
    CallFact, EnvSource, FunctionFacts, FunctionId, FunctionKind, InputKind, InstanceId, JsFacts,
    LiteralFact, LiteralKind, MAX_VISIT_DEPTH, MODULE_SCOPE, ModuleConst, OriginSource, SqlFlow,
    ValueRef,
};
use crate::formats::ParseFailure;
use crate::span::{Span, Spanned};

/// Map key for a node: its span.
pub(super) type Key = (u32, u32);

pub(super) fn key(s: oxc_span::Span) -> Key {
    (s.start, s.end)
}

/// Request input a local value was derived from.
#[derive(Clone, Debug)]
pub(super) struct Taint {
    pub kind: InputKind,
    /// Where the input was read.
    pub origin: oxc_span::Span,
    /// Local variables along the way (the value's derivation chain).
    pub vars: Vec<String>,
    /// Callees the value passed through (`validateUrl(raw)`, `new URL(raw)`).
    pub via: Vec<(String, oxc_span::Span)>,
}

impl Taint {
    /// Input read right here, through no local or call yet.
    pub(super) fn read(kind: InputKind, origin: oxc_span::Span) -> Self {
        Taint {
            kind,
            origin,
            vars: Vec::new(),
            via: Vec::new(),
        }
    }
}

/// Whether a local holds the request's Origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OriginBinding {
    /// The raw origin (or a value derived from it, such as its hostname).
    Raw(OriginSource),
    /// An origin already chosen by an allowlist conditional.
    Checked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BindKind {
    Const,
    Let,
    Param,
}

/// What a helper returns that is constant given constant arguments at
/// some positions: (`None` for the whole result, or a property of the
/// object literals it returns; those positions).
pub(super) type ParamHelper = Vec<(Option<CompactString>, Vec<u8>)>;

/// Pushed values kept per binding ([`Binding::pushed`]).
pub(super) const MAX_PUSHED: usize = 16;

/// A local (or module-level) name and what is known about its value.
pub(super) struct Binding<'a> {
    pub kind: BindKind,
    /// The initialiser (`None` for parameters and destructured names).
    pub init: Option<&'a Expression<'a>>,
    /// Right-hand sides of later `=`/`+=` assignments.
    pub assigns: Vec<&'a Expression<'a>>,
    /// The value is not fully described by `init`/`assigns`
    /// (destructured, parameter).
    pub opaque: bool,
    /// Every `.push(...)` on it so far had constant arguments.
    pub pushes_constant: bool,
    /// A parameter whose values are constant: declared `: number`,
    /// `: bigint` or `: boolean`, or the element parameter of a callback
    /// over a constant array (`ALLOWED.forEach((col) => ...)`).
    pub numeric: bool,
    /// A parameter's position (DB003: its callers decide where it comes from).
    pub param_index: Option<u8>,
    /// A parameter of an inline route handler (the framework's context
    /// object: only its request reads are request input).
    pub handler_param: bool,
    /// Non-constant `.push(...)`/`.unshift(...)` arguments (at most
    /// [`MAX_PUSHED`]), for DB003's origin of an array built by pushes.
    pub pushed: Vec<&'a Expression<'a>>,
    /// Where every non-constant pushed value comes from, judged where it
    /// was pushed (a callback's parameter is request input there: its
    /// callers are not seen).
    pub pushed_origins: Vec<super::SqlOrigin>,
    /// Destructured from a `const`'s initialiser: (initialiser, key), as
    /// `const { sql } = buildWhere(f)`.
    pub prop_of: Option<(&'a Expression<'a>, CompactString)>,
    /// It holds this env value (`const key = c.env.ADMIN_KEY`).
    pub env: Option<String>,
    /// It is the env object itself (`const e = c.env`).
    pub env_object: Option<EnvSource>,
    /// It holds request input.
    /// (Boxed: few locals hold input, and every binding is moved around.)
    pub taint: Option<Box<Taint>>,
    /// It holds the request Origin.
    pub origin: Option<OriginBinding>,
    /// It holds `url.pathname`.
    pub path_alias: bool,
    /// It holds `request.method`.
    pub method_alias: bool,
}

impl<'a> Binding<'a> {
    pub(super) fn new(kind: BindKind, init: Option<&'a Expression<'a>>) -> Self {
        Binding {
            kind,
            init,
            assigns: Vec::new(),
            opaque: init.is_none(),
            pushes_constant: true,
            numeric: false,
            param_index: None,
            handler_param: false,
            pushed: Vec::new(),
            pushed_origins: Vec::new(),
            prop_of: None,
            env: None,
            env_object: None,
            taint: None,
            origin: None,
            path_alias: false,
            method_alias: false,
        }
    }
}

/// How an expression's value is used, recorded by its parent before the
/// expression itself is visited (for DB004's "only goes to console/HTML/Error").
#[derive(Clone, Copy, Debug)]
pub(super) enum UseCtx<'a> {
    Flow(SqlFlow),
    Bind(&'a str),
}

/// Per-function state during the walk.
pub(super) struct FnCtx<'a> {
    pub id: FunctionId,
    pub end: u32,
    pub bindings: super::scope::Bindings<'a>,
    /// Identifiers checked against a literal allowlist: (name, valid from, valid to).
    pub allowlisted: Vec<(&'a str, u32, u32)>,
    /// Parameters typed as a Hono router.
    pub router_params: Vec<&'a str>,
    /// Locals initialised with a SQL-looking string: (name, index in sql_strings).
    pub sql_watch: Vec<(&'a str, usize)>,
    /// For watched names: (references seen, references attributed to a call argument).
    pub uses: HashMap<&'a str, (u32, u32)>,
    /// Identifiers read in the body, with repeats (sorted and deduplicated
    /// once, when the function ends: cheaper than hashing every read).
    pub refs: Vec<&'a str>,
    /// A named helper (a declaration, or `const f = () => ...`) whose
    /// returns are judged when it ends: (name, declared at module level).
    pub helper: Option<(CompactString, bool)>,
    /// The function's span.
    pub span: Key,
    /// Its `return` values (and an arrow's expression body), with where they are.
    pub returns: Vec<(&'a Expression<'a>, u32)>,
}

impl<'a> FnCtx<'a> {
    /// A context for a new function, reusing a finished one's allocations.
    fn reuse(spare: &mut Vec<FnCtx<'a>>, id: FunctionId, end: u32) -> Self {
        match spare.pop() {
            Some(mut ctx) => {
                ctx.id = id;
                ctx.end = end;
                ctx
            }
            None => FnCtx::new(id, end),
        }
    }

    /// Empties the context for [`FnCtx::reuse`], keeping its allocations.
    fn clear(&mut self) {
        self.bindings.clear();
        self.allowlisted.clear();
        self.router_params.clear();
        self.sql_watch.clear();
        self.uses.clear();
        self.refs.clear();
        self.helper = None;
        self.returns.clear();
    }

    fn new(id: FunctionId, end: u32) -> Self {
        FnCtx {
            id,
            end,
            bindings: Default::default(),
            allowlisted: Vec::new(),
            router_params: Vec::new(),
            sql_watch: Vec::new(),
            uses: HashMap::default(),
            refs: Vec::new(),
            helper: None,
            span: (0, 0),
            returns: Vec::new(),
        }
    }
}

/// A name for a function, known to its parent before the function is entered.
#[derive(Default)]
pub(super) struct Hint {
    pub name: Option<(String, Option<oxc_span::Span>)>,
    pub method: bool,
    pub class_name: Option<String>,
    pub wrapper: Option<String>,
    /// Named by a variable declarator (`const f = () => ...`).
    pub declarator: bool,
}

pub(super) struct Extractor<'a> {
    pub src: &'a str,
    pub facts: JsFacts,
    pub stack: Vec<FnCtx<'a>>,
    /// Finished contexts, kept for their allocations.
    spare_ctxs: Vec<FnCtx<'a>>,
    /// The working sets that borrow nothing from the file.
    pub scratch: Scratch,
    /// Router instances by variable name (file-wide; latest wins).
    pub router_names: HashMap<&'a str, InstanceId>,
    /// Locals initialised with `new X()` of a class no router kind names:
    /// a custom router once a method-dispatching registration is seen.
    pub custom_news: HashMap<&'a str, &'a Expression<'a>>,
    /// Sort key of each route (call start, method-name start).
    pub route_order: Vec<(u32, u32)>,
    /// Plain-fetch route branches still open: (route index, body).
    pub open_branches: Vec<(usize, oxc_span::Span)>,
    /// Method-only conditions enclosing later path branches.
    pub method_scopes: Vec<(Vec<String>, oxc_span::Span)>,
    /// (cors index, callback id, callback returns its parameter).
    pub pending_cors: Vec<(usize, FunctionId, bool)>,
    pub contexts: FxHashMap<Key, UseCtx<'a>>,
    pub class_names: Vec<Option<String>>,
    pub decl_kinds: Vec<VariableDeclarationKind>,
    /// Node budget of the current bounded evaluation (see `sql.rs`).
    pub fuel: Cell<u32>,
    /// While `Some`, constant evaluation treats imported bindings as
    /// constants and records them here (see `sql.rs` `assuming_imports`).
    pub assumed_imports: RefCell<Option<Vec<Spanned<String>>>>,
    /// Arguments of every call so far, with the calling function and the
    /// call's end: `fetch` guard detection looks for earlier calls that
    /// mention the URL (`isPublicUrl(new URL(target).hostname)`).
    pub call_args: Vec<(FunctionId, u32, &'a [Argument<'a>])>,
    /// `for (const x of ITERABLE)`: the declarator's span and the iterable,
    /// which DB003 reads as the loop variable's value.
    pub for_of: Vec<(Key, &'a Expression<'a>)>,
    /// Named helpers judged so far: whether every return is constant, by
    /// the function's span (see `sql.rs` `judge_helper_returns`).
    pub helper_fns: FxHashMap<Key, bool>,
    /// The same for module-level helpers, by name (false once any function
    /// of that name is not constant).
    pub module_helpers: HashMap<CompactString, bool>,
    /// Constant properties of the object literals helpers return, by span.
    pub helper_props: FxHashMap<Key, Vec<CompactString>>,
    /// The same for module-level helpers, by name.
    pub module_helper_props: HashMap<CompactString, Vec<CompactString>>,
    /// While `Some`, constant evaluation treats the parameters of the
    /// helper being judged as constants and records their positions here
    /// (see `sql.rs` `judge_helper_returns`).
    pub assumed_params: RefCell<Option<Vec<u8>>>,
    /// Helpers constant when some of their arguments are: by the
    /// function's span, (`None` for the whole result or the property,
    /// the argument positions that must be constant).
    pub param_helpers: FxHashMap<Key, ParamHelper>,
    /// The same for module-level helpers, by name.
    pub module_param_helpers: HashMap<CompactString, ParamHelper>,
    depth: usize,
    too_deep: Option<u32>,
}

/// The walk's working sets that borrow nothing from the file, kept by each
/// parse thread from one file to the next: allocating and growing them
/// again for every file cost more than clearing them.
#[derive(Default)]
pub(super) struct Scratch {
    pub fn_ids: FxHashMap<Key, FunctionId>,
    pub hints: FxHashMap<Key, Hint>,
    /// Router instances by creating expression.
    pub instances: FxHashMap<Key, InstanceId>,
    /// `cors({ origin: fn })` callbacks, by span.
    pub cors_callbacks: FxHashSet<Key>,
    /// Inline route handlers/middleware, by span.
    pub handler_fns: FxHashSet<Key>,
    /// Callbacks over a constant array (`ALLOWED.forEach((col) => ...)`),
    /// by span: their first parameter is constant.
    pub constant_element_fns: FxHashSet<Key>,

    /// `+` nodes already handled as part of a longer chain.
    pub concat_seen: FxHashSet<Key>,
    /// Template literals that are the quasi of a tagged template.
    pub tagged: FxHashSet<Key>,
    /// Member expressions where a missing env value is tolerated (see
    /// [`super::EnvReadMode::Optional`]).
    pub optional_env: FxHashSet<Key>,
    /// Member expressions that are assignment targets.
    pub written_env: FxHashSet<Key>,
    /// Spans already reported as SQL-looking strings (parts of a reported chain).
    pub sql_covered: FxHashSet<Key>,
    /// Buffer for the callee text of the call being entered.
    callee_text: String,
    /// Buffer for [`Extractor::with_path`] (empty while lent out).
    path_text: Cell<String>,
}

impl Scratch {
    /// Sets that grew past this many entries (a very large file) are
    /// freed rather than kept for the next file.
    const KEEP_ENTRIES: usize = 4096;

    fn clear(&mut self) {
        self.fn_ids.clear();
        self.hints.clear();
        self.instances.clear();
        self.cors_callbacks.clear();
        self.handler_fns.clear();
        self.constant_element_fns.clear();
        self.concat_seen.clear();
        self.tagged.clear();
        self.optional_env.clear();
        self.written_env.clear();
        self.sql_covered.clear();
        self.callee_text.clear();
        self.path_text.get_mut().clear();
    }

    fn worth_keeping(&self) -> bool {
        self.fn_ids.capacity() <= Self::KEEP_ENTRIES
            && self.hints.capacity() <= Self::KEEP_ENTRIES
            && self.instances.capacity() <= Self::KEEP_ENTRIES
            && self.cors_callbacks.capacity() <= Self::KEEP_ENTRIES
            && self.handler_fns.capacity() <= Self::KEEP_ENTRIES
            && self.constant_element_fns.capacity() <= Self::KEEP_ENTRIES
            && self.concat_seen.capacity() <= Self::KEEP_ENTRIES
            && self.tagged.capacity() <= Self::KEEP_ENTRIES
            && self.optional_env.capacity() <= Self::KEEP_ENTRIES
            && self.written_env.capacity() <= Self::KEEP_ENTRIES
            && self.sql_covered.capacity() <= Self::KEEP_ENTRIES
    }
}

thread_local! {
    static SCRATCH: Cell<Option<Scratch>> = const { Cell::new(None) };
}

fn new_function(
    id: FunctionId,
    kind: FunctionKind,
    span: oxc_span::Span,
    parent: Option<FunctionId>,
) -> FunctionFacts {
    FunctionFacts::new(id, kind, sp(span), parent)
}

impl<'a> Extractor<'a> {
    pub(super) fn run(src: &'a str, program: &'a Program<'a>) -> Result<JsFacts, ParseFailure> {
        let mut facts = JsFacts::default();
        facts.functions.push(new_function(
            MODULE_SCOPE,
            FunctionKind::Module,
            program.span,
            None,
        ));
        let mut ex = Extractor {
            src,
            facts,
            stack: vec![FnCtx::new(MODULE_SCOPE, program.span.end)],
            spare_ctxs: Vec::new(),
            scratch: SCRATCH.with(Cell::take).unwrap_or_default(),
            router_names: HashMap::default(),
            custom_news: HashMap::default(),
            route_order: Vec::new(),
            open_branches: Vec::new(),
            method_scopes: Vec::new(),
            pending_cors: Vec::new(),
            contexts: FxHashMap::default(),
            class_names: Vec::new(),
            decl_kinds: Vec::new(),
            fuel: Cell::new(0),
            assumed_imports: RefCell::new(None),
            call_args: Vec::new(),
            for_of: Vec::new(),
            helper_fns: FxHashMap::default(),
            module_helpers: HashMap::default(),
            helper_props: FxHashMap::default(),
            module_helper_props: HashMap::default(),
            assumed_params: RefCell::new(None),
            param_helpers: FxHashMap::default(),
            module_param_helpers: HashMap::default(),
            depth: 0,
            too_deep: None,
        };
        ex.visit_program(program);
        if let Some(at) = ex.too_deep {
            return Err(ParseFailure::new(
                Span::empty_at(at as usize),
                format!(
                    "code nested too deeply to analyse safely (more than {MAX_VISIT_DEPTH} nested expressions)"
                ),
            ));
        }
        while let Some(ctx) = ex.stack.pop() {
            ex.finish_ctx(ctx);
        }
        let mut scratch = std::mem::take(&mut ex.scratch);
        let facts = ex.finish();
        if scratch.worth_keeping() {
            scratch.clear();
            SCRATCH.with(|kept| kept.set(Some(scratch)));
        }
        Ok(facts)
    }

    fn finish(mut self) -> JsFacts {
        self.facts.wrangler_types = super::env_types::is_wrangler_types(self.src);
        // Routes in registration order (chains register inner calls first).
        let mut routes: Vec<_> = std::mem::take(&mut self.facts.routes)
            .into_iter()
            .zip(self.route_order.iter().copied())
            .collect();
        routes.sort_by_key(|(_, order)| *order);
        self.facts.routes = routes.into_iter().map(|(r, _)| r).collect();

        for (cors_idx, fid, returns_param) in std::mem::take(&mut self.pending_cors) {
            let checked = self
                .facts
                .function_and_nested(fid)
                .iter()
                .any(|f| !f.origin_checks().is_empty());
            if let Some(super::CorsOrigin::Function {
                returns_argument_unchecked,
                ..
            }) = self.facts.cors.get_mut(cors_idx).map(|c| &mut c.origin)
            {
                *returns_argument_unchecked = returns_param && !checked;
            }
        }

        let exported: HashSet<String> = self
            .facts
            .exports
            .iter()
            .filter_map(|e| e.local.as_deref().map(String::from))
            .collect();
        for c in &mut self.facts.module_constants {
            c.exported = exported.contains(c.name.as_str());
        }
        self.facts
    }

    fn finish_ctx(&mut self, mut ctx: FnCtx<'a>) {
        for (name, idx) in &ctx.sql_watch {
            let (seen, attributed) = ctx.uses.get(name).copied().unwrap_or((0, 0));
            if seen > attributed
                && let Some(s) = self.facts.sql_strings.get_mut(*idx)
                && !s.flows.contains(&SqlFlow::Other)
            {
                s.flows.push(SqlFlow::Other);
            }
        }
        // References let rules follow the module-level constants a function
        // uses: a function's own parameters and locals are not those.
        // Most reads in a function are of its own locals: leaving those out
        // first leaves little to sort.
        if ctx.id != MODULE_SCOPE {
            let bindings = &ctx.bindings;
            ctx.refs.retain(|name| !bindings.contains_key(name));
        }
        ctx.refs.sort_unstable();
        ctx.refs.dedup();
        if let Some(f) = self.facts.functions.get_mut(ctx.id) {
            f.references = ctx
                .refs
                .iter()
                .map(|name| CompactString::from(*name))
                .collect();
        }
        ctx.clear();
        self.spare_ctxs.push(ctx);
    }

    // -- small accessors -------------------------------------------------

    pub(super) fn cur_id(&self) -> FunctionId {
        self.stack.last().map_or(MODULE_SCOPE, |c| c.id)
    }

    pub(super) fn cur_fn(&mut self) -> &mut FunctionFacts {
        let id = self.cur_id();
        &mut self.facts.functions[id]
    }

    pub(super) fn cur_end(&self) -> u32 {
        self.stack.last().map_or(u32::MAX, |c| c.end)
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        self.stack.iter().rev().find_map(|c| c.bindings.get(name))
    }

    pub(super) fn lookup_mut(&mut self, name: &str) -> Option<&mut Binding<'a>> {
        self.stack
            .iter_mut()
            .rev()
            .find_map(|c| c.bindings.get_mut(name))
    }

    pub(super) fn is_param(&self, name: &str) -> bool {
        self.lookup(name).is_some_and(|b| b.kind == BindKind::Param)
    }

    pub(super) fn snippet(&self, span: oxc_span::Span) -> String {
        expr::snippet(self.src, span, 80)
    }

    /// The id of the function at `span`, creating its entry (with the current
    /// function as parent) if it has not been seen yet.
    pub(super) fn function_id(&mut self, span: oxc_span::Span, kind: FunctionKind) -> FunctionId {
        if let Some(&id) = self.scratch.fn_ids.get(&key(span)) {
            return id;
        }
        let id = self.facts.functions.len();
        let parent = self.cur_id();
        self.facts
            .functions
            .push(new_function(id, kind, span, Some(parent)));
        self.scratch.fn_ids.insert(key(span), id);
        id
    }

    /// Summarises a value, registering inline functions and router instances.
    pub(super) fn value_ref(&mut self, e: &'a Expression<'a>) -> ValueRef {
        let u = unwrap_await(e);
        match u {
            Expression::ArrowFunctionExpression(f) => {
                return ValueRef::Function(self.function_id(f.span, FunctionKind::Arrow));
            }
            Expression::FunctionExpression(f) => {
                return ValueRef::Function(self.function_id(f.span, FunctionKind::Expression));
            }
            _ => {}
        }
        if let Some(id) = self.router_value(u) {
            return ValueRef::Router(id);
        }
        match u {
            Expression::Identifier(id) if id.name == "undefined" => ValueRef::Nullish,
            Expression::Identifier(id) => ValueRef::Identifier(id.name.to_string()),
            Expression::StringLiteral(s) => ValueRef::String(s.value.to_string()),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
                ValueRef::String(expr::chunk_text(t, 0).to_string())
            }
            Expression::TemplateLiteral(_) => ValueRef::Template,
            Expression::NumericLiteral(n) => ValueRef::Number(n.value),
            Expression::BooleanLiteral(b) => ValueRef::Bool(b.value),
            Expression::NullLiteral(_) => ValueRef::Nullish,
            Expression::ObjectExpression(_) => ValueRef::Object,
            Expression::ArrayExpression(_) => ValueRef::Array,
            Expression::NewExpression(n) => ValueRef::New {
                callee: path_text(&n.callee).unwrap_or_else(|| "?".to_string()),
            },
            _ => {
                if let Some(call) = as_call(u) {
                    let functions = self.inline_function_args(&call.arguments);
                    ValueRef::Call {
                        callee: expr::callee_text(call),
                        functions,
                    }
                } else if let Some(p) = path_text(u) {
                    ValueRef::Member(p)
                } else {
                    ValueRef::Other
                }
            }
        }
    }

    pub(super) fn inline_function_args(&mut self, args: &'a [Argument<'a>]) -> Vec<FunctionId> {
        let mut out = Vec::new();
        for a in args {
            if let Some(e) = a.as_expression() {
                match unwrap(e) {
                    Expression::ArrowFunctionExpression(f) => {
                        out.push(self.function_id(f.span, FunctionKind::Arrow))
                    }
                    Expression::FunctionExpression(f) => {
                        out.push(self.function_id(f.span, FunctionKind::Expression));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// Records a call and writes its callee text (`?` when it is not a
    /// path) into `callee`.
    fn record_call(
        &mut self,
        callee_expr: &'a Expression<'a>,
        args: &'a [Argument<'a>],
        span: oxc_span::Span,
        is_new: bool,
        callee: &mut String,
    ) {
        if !expr::write_path(callee_expr, callee) {
            callee.clear();
            callee.push('?');
        }
        let plain =
            !is_new && !args.is_empty() && matches!(unwrap(callee_expr), Expression::Identifier(_));
        let fact = CallFact {
            callee: callee.as_str().into(),
            callee_span: sp(callee_expr.span()),
            span: sp(span),
            is_new,
            args: if plain {
                self.arg_origins(args, span.start)
            } else {
                thin_vec::ThinVec::new()
            },
        };
        for a in args {
            let value = match a {
                Argument::SpreadElement(s) => Some(&s.argument),
                other => other.as_expression(),
            };
            if let Some(Expression::Identifier(id)) = value.map(unwrap) {
                self.note_passed_name(id.name.as_str());
            }
        }
        let function = self.cur_id();
        self.facts.functions[function].calls.push(fact);
        self.call_args.push((function, span.end, args));
    }

    /// Records a name passed as a value when no local binds it (a
    /// function declaration or an import).
    fn note_passed_name(&mut self, name: &str) {
        if self.lookup(name).is_none() && !self.facts.passed_names.iter().any(|n| n == name) {
            self.facts.passed_names.push(name.into());
        }
    }

    // -- functions -------------------------------------------------------

    fn enter_function(
        &mut self,
        span: oxc_span::Span,
        kind: FunctionKind,
        own_name: Option<(&str, oxc_span::Span)>,
        params: &'a FormalParameters<'a>,
        is_async: bool,
    ) {
        let parent = self.cur_id();
        let id = self.function_id(span, kind);
        let hint = self.scratch.hints.remove(&key(span)).unwrap_or_default();
        // Named helpers whose returns DB003 judges when they end.
        let module_level = self.stack.len() == 1;
        let helper: Option<CompactString> = match (own_name, &hint.name) {
            (Some((name, _)), _) if kind == FunctionKind::Declaration => Some(name.into()),
            (None, Some((name, _))) if hint.declarator => Some(name.as_str().into()),
            _ => None,
        };
        {
            let f = &mut self.facts.functions[id];
            f.parent = Some(parent);
            f.kind = if hint.method {
                FunctionKind::Method
            } else {
                kind
            };
            f.is_async = is_async;
            if let Some((name, name_span)) = own_name {
                f.name = Some(name.into());
                f.name_span = Some(sp(name_span));
            } else if let Some((name, name_span)) = hint.name {
                f.name = Some(name.into());
                f.name_span = name_span.map(sp);
            }
            if hint.class_name.is_some() {
                f.rare_mut().class_name = hint.class_name;
            }
            if hint.wrapper.is_some() {
                f.rare_mut().wrapper = hint.wrapper;
            }
        }
        let mut ctx = FnCtx::reuse(&mut self.spare_ctxs, id, span.end);
        ctx.span = key(span);
        ctx.helper = helper.map(|n| (n, module_level));
        let cors_callback = self.scratch.cors_callbacks.contains(&key(span));
        let is_handler = self.scratch.handler_fns.contains(&key(span));
        let element_constant = self.scratch.constant_element_fns.contains(&key(span));
        for (i, p) in params.items.iter().enumerate() {
            let index = u8::try_from(i).ok();
            match &p.pattern {
                BindingPattern::BindingIdentifier(b) => {
                    let name = b.name.as_str();
                    let mut binding = Binding::new(BindKind::Param, None);
                    binding.param_index = index;
                    binding.handler_param = is_handler;
                    if i == 0 && cors_callback {
                        binding.origin = Some(OriginBinding::Raw(OriginSource::CorsCallback));
                    } else if is_origin_param_name(name) {
                        binding.origin = Some(OriginBinding::Raw(OriginSource::NamedParam));
                    }
                    binding.numeric = p.type_annotation.as_ref().is_some_and(|ann| {
                        matches!(
                            ann.type_annotation,
                            TSType::TSNumberKeyword(_)
                                | TSType::TSBigIntKeyword(_)
                                | TSType::TSBooleanKeyword(_)
                        )
                    }) || (i == 0 && element_constant);
                    if let Some(ann) = &p.type_annotation
                        && let TSType::TSTypeReference(r) = &ann.type_annotation
                        && let TSTypeName::IdentifierReference(t) = &r.type_name
                        && matches!(t.name.as_str(), "Hono" | "OpenAPIHono")
                    {
                        ctx.router_params.push(name);
                    }
                    ctx.bindings.insert(name, binding);
                }
                BindingPattern::ObjectPattern(pat) if i == 0 && is_handler => {
                    // itty: `({ query, params, content }) => ...` destructures request input.
                    for prop in &pat.properties {
                        let mut binding = Binding::new(BindKind::Param, None);
                        let input = match expr::key_name(&prop.key).as_deref() {
                            Some("query") => Some(InputKind::Query),
                            Some("params") => Some(InputKind::Param),
                            Some("content" | "body") => Some(InputKind::Body),
                            _ => None,
                        };
                        binding.taint = input.map(|kind| Box::new(Taint::read(kind, prop.span)));
                        for b in prop.value.get_binding_identifiers() {
                            let mut copy = Binding::new(BindKind::Param, None);
                            copy.taint = binding.taint.clone();
                            ctx.bindings.insert(b.name.as_str(), copy);
                        }
                    }
                }
                other => {
                    for b in other.get_binding_identifiers() {
                        let mut binding = Binding::new(BindKind::Param, None);
                        binding.param_index = index;
                        binding.handler_param = is_handler;
                        ctx.bindings.insert(b.name.as_str(), binding);
                    }
                }
            }
        }
        if let Some(rest) = &params.rest {
            for b in rest.rest.argument.get_binding_identifiers() {
                ctx.bindings
                    .insert(b.name.as_str(), Binding::new(BindKind::Param, None));
            }
        }
        self.stack.push(ctx);
    }

    fn leave_function(&mut self, body: Option<&'a Expression<'a>>) {
        if self.stack.len() <= 1 {
            return;
        }
        if let Some(body) = body
            && let Some(ctx) = self.stack.last_mut()
        {
            ctx.returns.push((body, body.span().start));
        }
        self.judge_helper_returns();
        if let Some(ctx) = self.stack.pop() {
            self.finish_ctx(ctx);
        }
    }

    /// Remembers how a template / `+` expression is used, for DB004 flows
    /// (only those can be SQL-looking strings).
    pub(super) fn note_sql_context(&mut self, e: &Expression<'a>, ctx: UseCtx<'a>) {
        let u = unwrap_await(e);
        if matches!(
            u,
            Expression::TemplateLiteral(_) | Expression::BinaryExpression(_)
        ) {
            self.contexts.insert(key(u.span()), ctx);
        }
    }

    fn set_hint(&mut self, span: oxc_span::Span, hint: Hint) {
        self.scratch.hints.insert(key(span), hint);
    }

    // -- declarations and assignments -------------------------------------

    fn enter_declarator(&mut self, d: &'a VariableDeclarator<'a>) {
        let (Some(init), Some(id)) = (&d.init, d.id.get_binding_identifier()) else {
            return;
        };
        let name = id.name.as_str();
        if let Some(fs) = function_span(init) {
            self.set_hint(
                fs,
                Hint {
                    name: Some((name.to_string(), Some(id.span))),
                    declarator: true,
                    ..Hint::default()
                },
            );
        } else if let Some(call) = as_call(unwrap_await(init)) {
            let fns: Vec<_> = call
                .arguments
                .iter()
                .filter_map(|a| a.as_expression().and_then(function_span))
                .collect();
            if let [only] = fns.as_slice() {
                self.set_hint(
                    *only,
                    Hint {
                        name: Some((name.to_string(), Some(id.span))),
                        wrapper: Some(expr::callee_text(call)),
                        ..Hint::default()
                    },
                );
            }
        }
        self.note_sql_context(init, UseCtx::Bind(name));
        self.routes_on_declarator(name, init);
    }

    fn leave_declarator(&mut self, d: &'a VariableDeclarator<'a>) {
        let kind = match self.decl_kinds.last() {
            Some(VariableDeclarationKind::Const) => BindKind::Const,
            _ => BindKind::Let,
        };
        let init = d.init.as_ref();
        match &d.id {
            BindingPattern::BindingIdentifier(id) => {
                let name = id.name.as_str();
                let mut b = Binding::new(kind, init);
                // `let x;` is fully described by its later assignments.
                b.opaque = false;
                if let Some(init) = init {
                    b.env = self.env_alias_of(init);
                    b.env_object = self.env_base(init).map(|(_, s)| s);
                    b.taint = self.taint_of(init, 0).map(Box::new);
                    b.origin = self.origin_binding(init);
                    b.path_alias = self.is_pathname(init);
                    b.method_alias = self.is_method_expr(init);
                }
                if self.stack.len() == 1 {
                    if let Some(v) = init.and_then(|i| self.handler_binding(i)) {
                        self.facts.handler_bindings.push((name.into(), v));
                    }
                    let literal_only = init.is_some_and(|i| self.constant_eval(i, u32::MAX, &[]));
                    self.facts.module_constants.push(ModuleConst {
                        name: name.into(),
                        span: sp(d.span),
                        init_span: init.map(|i| sp(i.span())),
                        is_const: kind == BindKind::Const,
                        literal_only,
                        exported: false,
                    });
                }
                if init.is_none()
                    && let Some(at) = self.for_of.iter().position(|(k, _)| *k == key(d.span))
                {
                    // Only DB003 reads it: the loop variable is an element
                    // of the iterable (constant or request input if it is).
                    b.init = Some(self.for_of.swap_remove(at).1);
                }
                if let Some(ctx) = self.stack.last_mut() {
                    ctx.bindings.insert(name, b);
                }
            }
            BindingPattern::ObjectPattern(pat) => {
                let base = init.and_then(|i| self.env_base(i));
                let taint = init.and_then(|i| self.taint_of(i, 0)).map(Box::new);
                for prop in &pat.properties {
                    let key_name = expr::key_name(&prop.key).map(|k| k.into_owned());
                    let target = match &prop.value {
                        BindingPattern::AssignmentPattern(a) => &a.left,
                        other => other,
                    };
                    let mut b = Binding::new(kind, None);
                    b.taint = taint.clone();
                    if kind == BindKind::Const
                        && let (Some(k), Some(i)) = (&key_name, init)
                        && matches!(prop.value, BindingPattern::BindingIdentifier(_))
                    {
                        b.prop_of = Some((i, k.as_str().into()));
                    }
                    if let Some(k) = &key_name {
                        b.path_alias = k == "pathname";
                        b.method_alias = k == "method";
                        if let Some((base_text, source)) = &base {
                            self.record_env_read(
                                k,
                                prop.key.span(),
                                prop.span,
                                base_text,
                                *source,
                                super::EnvReadKind::Destructure,
                            );
                            if matches!(prop.value, BindingPattern::AssignmentPattern(_)) {
                                self.mark_last_env_read_optional();
                            }
                            b.env = Some(k.clone());
                        }
                    }
                    if let BindingPattern::BindingIdentifier(id) = target {
                        if let Some(ctx) = self.stack.last_mut() {
                            ctx.bindings.insert(id.name.as_str(), b);
                        }
                    } else {
                        for id in target.get_binding_identifiers() {
                            let mut inner = Binding::new(kind, None);
                            inner.taint = taint.clone();
                            if let Some(ctx) = self.stack.last_mut() {
                                ctx.bindings.insert(id.name.as_str(), inner);
                            }
                        }
                    }
                }
                if let Some(rest) = &pat.rest {
                    for id in rest.argument.get_binding_identifiers() {
                        let mut b = Binding::new(kind, None);
                        b.taint = taint.clone();
                        b.env_object = base.as_ref().map(|(_, s)| *s);
                        if let Some(ctx) = self.stack.last_mut() {
                            ctx.bindings.insert(id.name.as_str(), b);
                        }
                    }
                }
            }
            other => {
                let taint = init.and_then(|i| self.taint_of(i, 0)).map(Box::new);
                for id in other.get_binding_identifiers() {
                    let mut b = Binding::new(kind, None);
                    b.taint = taint.clone();
                    if let Some(ctx) = self.stack.last_mut() {
                        ctx.bindings.insert(id.name.as_str(), b);
                    }
                }
            }
        }
    }

    fn enter_assignment(&mut self, a: &'a AssignmentExpression<'a>) {
        match &a.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                let name = id.name.as_str();
                if let Some(fs) = function_span(&a.right) {
                    self.set_hint(
                        fs,
                        Hint {
                            name: Some((name.to_string(), Some(id.span))),
                            ..Hint::default()
                        },
                    );
                }
                self.note_sql_context(&a.right, UseCtx::Bind(name));
                let taint = self.taint_of(&a.right, 0).map(Box::new);
                if let Some(b) = self.lookup_mut(name) {
                    b.assigns.push(&a.right);
                    if taint.is_some() {
                        b.taint = taint;
                    }
                }
            }
            target => {
                if let Some(m) = target.as_member_expression()
                    && let Some(fs) = function_span(&a.right)
                    && let Some(name) = m.static_property_name()
                {
                    self.set_hint(
                        fs,
                        Hint {
                            name: Some((name.to_string(), None)),
                            ..Hint::default()
                        },
                    );
                }
            }
        }
    }

    // -- literals and references ------------------------------------------

    /// Records a literal, when it may matter to a rule (most do not, and
    /// are not copied).
    fn push_literal(&mut self, kind: LiteralKind, value: &str, flags: &str, span: oxc_span::Span) {
        if !super::literal_may_matter(kind, value) {
            return;
        }
        self.cur_fn().literals.push(LiteralFact {
            kind,
            value: value.into(),
            flags: flags.to_string(),
            span: sp(span),
        });
    }

    fn enter_identifier(&mut self, name: &'a str) {
        if let Some(ctx) = self.stack.last_mut() {
            ctx.refs.push(name);
        }
        for ctx in self.stack.iter_mut().rev() {
            if ctx.sql_watch.iter().any(|(n, _)| *n == name) {
                ctx.uses.entry(name).or_insert((0, 0)).0 += 1;
                break;
            }
        }
    }

    /// Records that a watched SQL-string local is used as an argument with
    /// this flow.
    pub(super) fn attribute_use(&mut self, name: &str, flow: SqlFlow) {
        for ctx in self.stack.iter_mut().rev() {
            if let Some(&(n, idx)) = ctx.sql_watch.iter().find(|(n, _)| *n == name) {
                ctx.uses.entry(n).or_insert((0, 0)).1 += 1;
                if let Some(s) = self.facts.sql_strings.get_mut(idx)
                    && !s.flows.contains(&flow)
                {
                    s.flows.push(flow);
                }
                return;
            }
        }
    }

    // -- calls ------------------------------------------------------------

    fn enter_call(&mut self, call: &'a CallExpression<'a>) {
        // The text buffer is reused from call to call.
        let mut callee = std::mem::take(&mut self.scratch.callee_text);
        self.record_call(&call.callee, &call.arguments, call.span, false, &mut callee);
        let text = expr::Callee::new(&callee);
        let member = expr::member_parts(&call.callee);
        self.routes_on_call(call, member);
        self.sql_on_call(call, text, member);
        self.fetch_on_call(call, text.text);
        self.cors_on_call(call, text, member);
        self.cookies_on_call(call, text);
        self.betterauth_on_call(call, text);
        self.responses_on_call(call, text);
        self.imports_on_call(call, text.text);
        self.scratch.callee_text = callee;
    }

    fn enter_new(&mut self, n: &'a NewExpression<'a>) {
        let mut callee = std::mem::take(&mut self.scratch.callee_text);
        self.record_call(&n.callee, &n.arguments, n.span, true, &mut callee);
        let text = expr::Callee::new(&callee);
        self.sql_contexts_for_args(text, &n.arguments, true, None);
        self.responses_on_new(n, text);
        self.scratch.callee_text = callee;
    }

    fn enter_class(&mut self, c: &'a Class<'a>) {
        self.class_names
            .push(c.id.as_ref().map(|id| id.name.to_string()));
    }
}

/// `origin`, `requestOrigin`, `originHeader`, but not `allowedOrigin`.
fn is_origin_param_name(name: &str) -> bool {
    // Asked for every parameter of every function: no lower-cased copy.
    (expr::starts_with_ignore_ascii_case(name, "origin")
        || expr::ends_with_ignore_ascii_case(name, "origin"))
        && !expr::contains_any_ignore_ascii_case(name, &["allow"])
}

impl<'a> Visit<'a> for Extractor<'a> {
    fn enter_node(&mut self, kind: AstKind<'a>) {
        if self.too_deep.is_some() {
            // The file fails anyway; keep only the bookkeeping that
            // `leave_node` undoes, and analyse nothing more.
            match kind {
                AstKind::Function(f) => {
                    self.enter_function(f.span, FunctionKind::Expression, None, &f.params, false)
                }
                AstKind::ArrowFunctionExpression(f) => {
                    self.enter_function(f.span, FunctionKind::Arrow, None, &f.params, false);
                }
                AstKind::Class(c) => self.enter_class(c),
                AstKind::VariableDeclaration(d) => self.decl_kinds.push(d.kind),
                _ => {}
            }
            return;
        }
        match kind {
            AstKind::Function(f) => {
                let fk = if f.is_declaration() {
                    FunctionKind::Declaration
                } else {
                    FunctionKind::Expression
                };
                let name = f.id.as_ref().map(|id| (id.name.as_str(), id.span));
                self.enter_function(f.span, fk, name, &f.params, f.r#async);
            }
            AstKind::ArrowFunctionExpression(f) => {
                self.enter_function(f.span, FunctionKind::Arrow, None, &f.params, f.r#async);
            }
            AstKind::Class(c) => self.enter_class(c),
            AstKind::MethodDefinition(m) => {
                if let Some(name) = expr::key_name(&m.key) {
                    let class_name = self.class_names.last().cloned().flatten();
                    self.set_hint(
                        m.value.span,
                        Hint {
                            name: Some((name.into_owned(), Some(m.key.span()))),
                            method: true,
                            class_name,
                            wrapper: None,
                            declarator: false,
                        },
                    );
                }
            }
            AstKind::PropertyDefinition(p) => {
                if let (Some(v), Some(name)) = (&p.value, expr::key_name(&p.key))
                    && let Some(fs) = function_span(v)
                {
                    let class_name = self.class_names.last().cloned().flatten();
                    self.set_hint(
                        fs,
                        Hint {
                            name: Some((name.into_owned(), Some(p.key.span()))),
                            method: true,
                            class_name,
                            wrapper: None,
                            declarator: false,
                        },
                    );
                }
            }
            AstKind::ObjectProperty(p) => {
                if let Expression::Identifier(id) = unwrap(&p.value) {
                    self.note_passed_name(id.name.as_str());
                }
                if let Some(fs) = function_span(&p.value)
                    && let Some(name) = expr::key_name(&p.key)
                {
                    self.set_hint(
                        fs,
                        Hint {
                            name: Some((name.into_owned(), Some(p.key.span()))),
                            method: p.method,
                            ..Hint::default()
                        },
                    );
                }
                self.headers_on_object_property(p);
            }
            AstKind::VariableDeclaration(d) => self.decl_kinds.push(d.kind),
            AstKind::ForOfStatement(f) => {
                if let oxc_ast::ast::ForStatementLeft::VariableDeclaration(d) = &f.left
                    && let [decl] = d.declarations.as_slice()
                {
                    self.for_of.push((key(decl.span), &f.right));
                }
            }
            AstKind::VariableDeclarator(d) => self.enter_declarator(d),
            AstKind::AssignmentExpression(a) => {
                self.env_use_on_assignment(a);
                self.enter_assignment(a);
            }
            AstKind::LogicalExpression(l) => self.env_use_on_logical(l),
            AstKind::ConditionalExpression(c) => self.env_use_on_conditional(c),
            AstKind::TSInterfaceDeclaration(d) => self.env_type_on_interface(d),
            AstKind::TSTypeAliasDeclaration(d) => self.env_type_on_alias(d),
            AstKind::CallExpression(c) => self.enter_call(c),
            AstKind::NewExpression(n) => self.enter_new(n),
            AstKind::StaticMemberExpression(m) => {
                self.env_on_member(&m.object, m.property.name.as_str(), m.property.span, m.span)
            }
            AstKind::ComputedMemberExpression(m) => {
                if let Some(k) = expr::string_value(&m.expression) {
                    self.env_on_member(&m.object, k, m.expression.span(), m.span);
                }
            }
            AstKind::BinaryExpression(b) => {
                self.env_on_binary(b);
                self.credential_literal_on_binary(b);
                self.env_use_on_binary(b);
                self.origin_on_binary(b);
                self.sql_on_binary(b);
            }
            AstKind::TaggedTemplateExpression(t) => {
                let raw = path_text(&t.tag).is_some_and(|p| p == "String.raw");
                if !raw {
                    self.scratch.tagged.insert(key(t.quasi.span));
                }
            }
            AstKind::TemplateLiteral(t) => self.sql_on_template(t),
            AstKind::CatchClause(c) => self.fallback_on_catch(c),
            AstKind::IfStatement(s) => {
                self.fallback_on_if(s);
                self.env_on_if(s);
                self.env_use_on_if(s);
                self.sql_on_if(s);
                self.routes_on_if(s);
            }
            AstKind::SwitchStatement(s) => {
                self.sql_on_switch(s);
                self.routes_on_switch(s);
            }
            AstKind::JSXExpressionContainer(c) => {
                if let Some(e) = c.expression.as_expression() {
                    self.note_sql_context(e, UseCtx::Flow(SqlFlow::Html));
                }
            }
            AstKind::IdentifierReference(id) => self.enter_identifier(id.name.as_str()),
            AstKind::ReturnStatement(r) => {
                if let Some(ctx) = self.stack.last_mut()
                    && ctx.helper.is_some()
                {
                    match &r.argument {
                        Some(e) => ctx.returns.push((e, r.span.start)),
                        None => ctx.helper = None,
                    }
                }
            }
            AstKind::StringLiteral(s) => {
                self.push_literal(LiteralKind::String, s.value.as_str(), "", s.span);
            }
            AstKind::NumericLiteral(n) => {
                let raw = self
                    .src
                    .get(n.span.start as usize..n.span.end as usize)
                    .unwrap_or("");
                self.push_literal(LiteralKind::Number, raw, "", n.span);
            }
            AstKind::RegExpLiteral(r) => {
                let flags = r.regex.flags.to_string();
                self.push_literal(
                    LiteralKind::Regex,
                    r.regex.pattern.text.as_str(),
                    &flags,
                    r.span,
                );
            }
            AstKind::TemplateElement(t) => {
                let text = t
                    .value
                    .cooked
                    .as_ref()
                    .map_or(t.value.raw.as_str(), |c| c.as_str());
                if !text.is_empty() {
                    self.push_literal(LiteralKind::TemplateChunk, text, "", t.span);
                }
            }
            AstKind::ImportDeclaration(d) => self.on_import(d),
            AstKind::ImportExpression(i) => self.on_import_expression(i),
            AstKind::ExportNamedDeclaration(d) => self.on_export_named(d),
            AstKind::ExportDeclaration(d) => self.on_export_declaration(d),
            AstKind::ExportFromDeclaration(d) => self.on_export_from(d),
            AstKind::ExportAllDeclaration(d) => self.on_export_all(d),
            AstKind::ExportDefaultDeclaration(d) => self.on_export_default(d),
            AstKind::TSExportAssignment(d) => self.on_export_assignment(d),
            _ => {}
        }
    }

    fn leave_node(&mut self, kind: AstKind<'a>) {
        match kind {
            AstKind::Function(_) => self.leave_function(None),
            AstKind::ArrowFunctionExpression(f) => {
                self.leave_function(f.get_expression());
            }
            AstKind::Class(_) => {
                self.class_names.pop();
            }
            AstKind::VariableDeclarator(d) if self.too_deep.is_none() => self.leave_declarator(d),
            AstKind::VariableDeclaration(_) => {
                self.decl_kinds.pop();
            }
            _ => {}
        }
    }

    fn visit_expression(&mut self, it: &Expression<'a>) {
        if self.descend(it.span()) {
            walk::walk_expression(self, it);
        }
        self.depth -= 1;
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        if self.descend(it.span()) {
            walk::walk_statement(self, it);
        }
        self.depth -= 1;
    }

    fn visit_jsx_element(&mut self, it: &JSXElement<'a>) {
        if self.descend(it.span) {
            walk::walk_jsx_element(self, it);
        }
        self.depth -= 1;
    }

    // Types carry nothing the rules need; skipping them keeps the walk
    // shallow and fast.
    fn visit_ts_type(&mut self, _it: &TSType<'a>) {}
}

impl Extractor<'_> {
    fn descend(&mut self, span: oxc_span::Span) -> bool {
        self.depth += 1;
        if self.too_deep.is_some() {
            return false;
        }
        if self.depth > MAX_VISIT_DEPTH {
            self.too_deep = Some(span.start);
            return false;
        }
        true
    }

    /// Runs `f` on the dotted path text of `e` ([`expr::path_text`]),
    /// written into a buffer the walk reuses: the checks that only compare
    /// a path run for most calls and members of a file.
    pub(super) fn with_path<R>(&self, e: &Expression<'_>, f: impl FnOnce(Option<&str>) -> R) -> R {
        let mut text = self.scratch.path_text.take();
        let written = expr::write_path(e, &mut text);
        let out = f(written.then_some(text.as_str()));
        self.scratch.path_text.set(text);
        out
    }

    /// Starts a bounded evaluation (`constant_eval`) with a fresh budget.
    pub(super) fn refuel(&self) {
        self.fuel.set(4096);
    }

    /// Spends one unit of the evaluation budget; false when exhausted.
    pub(super) fn burn(&self) -> bool {
        let left = self.fuel.get();
        if left == 0 {
            return false;
        }
        self.fuel.set(left - 1);
        true
    }
}

impl<'a> Extractor<'a> {
    /// The object literal `e` is, or that a `const`/`let` without later
    /// assignments was initialised with (one level).
    pub(super) fn resolve_object(&self, e: &'a Expression<'a>) -> Option<&'a ObjectExpression<'a>> {
        match unwrap(self.resolve_init(e)) {
            Expression::ObjectExpression(o) => Some(&**o),
            _ => None,
        }
    }

    /// `e`, or for an identifier bound once (no later assignments) to an
    /// initialiser, that initialiser (one level).
    pub(super) fn resolve_init(&self, e: &'a Expression<'a>) -> &'a Expression<'a> {
        let u = unwrap(e);
        if let Expression::Identifier(id) = u
            && let Some(b) = self.lookup(id.name.as_str())
            && b.assigns.is_empty()
            && let Some(init) = b.init
        {
            return unwrap(init);
        }
        u
    }
}

#[cfg(test)]
mod tests {
    use super::is_origin_param_name;

    #[test]
    fn origin_parameters_are_named_for_the_origin_but_not_an_allowlist() {
        for name in [
            "origin",
            "Origin",
            "requestOrigin",
            "ORIGIN_HEADER",
            "originHeader",
        ] {
            assert!(is_origin_param_name(name), "{name}");
        }
        for name in [
            "",
            "orig",
            "allowedOrigin",
            "originAllowlist",
            "ALLOW_ORIGIN",
            "source",
        ] {
            assert!(!is_origin_param_name(name), "{name}");
        }
    }
}
