//! TypeScript / JavaScript Worker source: per-file facts extracted with oxc.
//!
//! [`extract`] parses one file into a fresh arena, walks the AST once, and
//! returns [`JsFacts`]: owned data with byte spans, so that rules never need
//! an AST and the arena is dropped as soon as the file is done.
//!
//! # How the facts are organised
//!
//! * Every function in the file (declarations, function expressions, arrows,
//!   object and class methods) gets a [`FunctionFacts`] in
//!   [`JsFacts::functions`]; its index is its [`FunctionId`]. Index 0
//!   ([`MODULE_SCOPE`]) is a pseudo-function for top-level code.
//! * What a function *does* (calls, env reads, comparisons with env values,
//!   401/403 responses, header reads, origin checks, literals) lives in its
//!   `FunctionFacts`, attributed to the innermost enclosing function only:
//!   use [`JsFacts::function_and_nested`] to include nested callbacks.
//! * Sites that a rule reports on (SQL sinks, SQL-looking strings, `fetch`
//!   calls, CORS configs, header writes, cookie writes, Better Auth configs)
//!   are file-level lists whose items name their `function`.
//! * Route registrations (Hono, itty-router, plain `fetch` branches) are in
//!   [`JsFacts::routes`], in registration order, and name their handlers and
//!   middleware as [`ValueRef`]s: an inline function's id, or a name to
//!   resolve in this file or through [`JsFacts::imports`].
//!
//! # Limits (deliberately small data-flow)
//!
//! Bindings are tracked per function, not per block; a name's latest
//! declaration wins. SQL classification follows one local binding
//! (`const q = ...; db.prepare(q)`) plus module-level literal-only constants,
//! allowlist checks, placeholder lists and `'col = ?'` fragment arrays (see
//! [`SqlClass`]). Request-input taint follows local `const`/`let` chains
//! within one function. Nothing crosses files here: cross-file resolution
//! works on these facts.
//!
//! # Hostile input
//!
//! oxc's parser and visitor are recursive. A linear pre-scan
//! (`prescan.rs`) rejects sources whose estimated nesting exceeds
//! [`MAX_SOURCE_NESTING`] before parsing (except small sources on the parse
//! threads, which cannot nest deep enough to matter there:
//! `PRESCAN_FREE_BYTES`), and the visitor stops (and the file fails with
//! PF000) past [`MAX_VISIT_DEPTH`] nested expressions/statements, which
//! covers long operator chains the pre-scan lets through.

mod betterauth;
mod cookies;
mod cors;
mod credential_literals;
mod env_reads;
mod env_types;
mod expr;
mod fallbacks;
mod fetch;
mod imports;
mod prescan;
mod responses;
mod routes;
mod scope;
mod sql;
mod visitor;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_sql;

use compact_str::CompactString;
use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions, Parser};
use oxc_span::SourceType;
use thin_vec::ThinVec;

use super::ParseFailure;
use crate::span::{Span, Spanned};

/// Estimated nesting (brackets, template substitutions, JSX elements, and
/// chains of prefix operators / conditionals / assignments / arrows /
/// `if`-`else` that the parser handles recursively) above which a file is
/// rejected before parsing. Source code is legitimately deeper than data
/// formats (`crate::formats::MAX_NESTING` is 256), but real code stays far
/// below this.
pub const MAX_SOURCE_NESTING: usize = 1000;

/// Nested expression/statement depth at which the fact visitor gives up
/// (and the file fails with PF000). Long left-nested chains
/// (`a + b + c ...` split over many lines, fluent `.x().y()` chains) are
/// parsed iteratively by oxc but still form deep trees.
pub const MAX_VISIT_DEPTH: usize = 2000;

/// Index of a function in [`JsFacts::functions`].
pub type FunctionId = usize;

/// Index of a router instance in [`JsFacts::routers`].
pub type InstanceId = usize;

/// The pseudo-function holding top-level (module scope) code.
pub const MODULE_SCOPE: FunctionId = 0;

/// Everything preflight knows about one TS/JS file.
///
/// Also produced for workers-rs `.rs` files by [`crate::formats::rust_src`]
/// (see there for which Rust constructs map to which facts).
#[derive(Clone, Debug, Default)]
pub struct JsFacts {
    /// `import` declarations, dynamic `import()` and `require()` calls.
    pub imports: Vec<Import>,
    /// Every export, including re-exports and the default export.
    pub exports: Vec<Export>,
    /// Top-level bindings whose value a default export may name: an object
    /// literal with a `fetch` property (`const handler = { fetch }`) or a
    /// wrapper call ([`ExportValue::Wrapped`]).
    pub handler_bindings: Vec<(CompactString, ExportValue)>,
    /// Top-level `const`/`let`/`var` bindings with a simple name.
    pub module_constants: Vec<ModuleConst>,
    /// Top-level functions (declarations, and `const f = () => ...`) every
    /// `return` of which is constant in the sense of DB003's safe list
    /// (`placeholders(n)`, `orderBy(sort)` returning only literals).
    pub constant_fns: Vec<CompactString>,
    /// Router instances created in this file (`new Hono()`, `Router()`, ...).
    pub routers: Vec<RouterInstance>,
    /// Route, middleware and mount registrations, in registration order.
    pub routes: Vec<RouteRegistration>,
    /// Every function; index = [`FunctionId`]; index 0 is module scope.
    pub functions: Vec<FunctionFacts>,
    /// Calls to SQL sinks with the classification of their argument (DB003).
    pub sql_sinks: Vec<SqlSink>,
    /// SQL-looking strings built by interpolation or concatenation (DB004).
    pub sql_strings: Vec<SqlString>,
    /// Calls to the global `fetch` (NET004, NET005).
    pub fetches: Vec<FetchCall>,
    /// `cors({...})` calls (Hono `hono/cors`, itty-router `cors`/`createCors`).
    pub cors: Vec<CorsConfig>,
    /// Response header writes: `headers.set/append`, `c.header`, and object
    /// literal keys naming `Access-Control-*` or `Set-Cookie` headers.
    pub header_writes: Vec<HeaderWrite>,
    /// Cookie writes: `setCookie`, `serialize`, literal `Set-Cookie` values.
    pub cookie_writes: Vec<CookieWrite>,
    /// `betterAuth({...})` calls with the options the AUTH rules inspect.
    pub better_auth: Vec<BetterAuthConfig>,
    /// Names of this file's functions and imports passed as a value (a
    /// call argument, an object property's value: `items.map(format)`,
    /// `{ fetch: handle }`): their callers are not all visible (DB003).
    pub passed_names: Vec<CompactString>,
    /// Members of env types (`interface Env`, `type Bindings = {...}`,
    /// `interface CloudflareEnv`) declared in this file (SEC009).
    pub env_type_members: Vec<EnvTypeMember>,
    /// The file opens with the header `wrangler types` writes (`Generated by
    /// Wrangler`): its env interface lists what the config and `.dev.vars`
    /// declared when it was generated.
    pub wrangler_types: bool,
}

impl JsFacts {
    /// Drops what no rule reads once extraction is done, so that the facts
    /// every file keeps for the cross-file rules stay small: references to
    /// names this file neither defines nor imports, and calls to JavaScript
    /// built-ins ([`BUILTIN_CALLS`]) on values this file does not name, unless
    /// `call_matters` says a rule looks for that callee (rules match
    /// callees by pattern, or resolve them to functions through the names
    /// the file defines and imports).
    pub fn compact(mut self, mut call_matters: impl FnMut(&str) -> bool) -> JsFacts {
        // Looked up for every call and reference: a set of the names, seeded
        // at random since the file chooses them (`crate::hashing`).
        let mut names: crate::hashing::HashSet<CompactString> = Default::default();
        names.reserve(
            self.module_constants.len()
                + self.functions.len()
                + self.imports.iter().map(|i| i.names.len()).sum::<usize>(),
        );
        names.extend(
            self.module_constants
                .iter()
                .map(|c| c.name.clone())
                .chain(self.functions.iter().filter_map(|f| f.name.clone()))
                .chain(
                    self.imports
                        .iter()
                        .flat_map(|i| i.names.iter().map(|n| n.local.clone())),
                ),
        );
        let known = |name: &str| names.contains(name);
        let mut decide = |callee: &str| {
            let method = expr::last_segment(callee);
            if !is_builtin_call(method) || known(method) {
                return false;
            }
            let root = match callee.bytes().position(|b| b == b'.' || b == b'(') {
                Some(end) => &callee[..end],
                None => callee,
            };
            !known(root) && !call_matters(callee)
        };
        // A file calls the same few callees (`c.json`, `c.req.param`) over
        // and over: each is decided once.
        let mut decided: crate::hashing::HashMap<CompactString, bool> = Default::default();
        decided.reserve(
            self.functions
                .iter()
                .map(|f| f.calls.len())
                .sum::<usize>()
                .min(64),
        );
        let mut droppable = |call: &CallFact| match decided.get(call.callee.as_str()) {
            Some(&drop) => drop,
            None => {
                let drop = decide(&call.callee);
                decided.insert(call.callee.clone(), drop);
                drop
            }
        };
        for f in &mut self.functions {
            f.calls.retain(|c| !droppable(c));
            f.references.retain(|r| known(r.as_str()));
            f.shrink_to_fit();
        }
        self.shrink_to_fit();
        self
    }

    /// Drops the slack capacity building left in the file-level lists.
    fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        self.exports.shrink_to_fit();
        self.handler_bindings.shrink_to_fit();
        self.module_constants.shrink_to_fit();
        self.routers.shrink_to_fit();
        self.routes.shrink_to_fit();
        self.functions.shrink_to_fit();
        self.sql_sinks.shrink_to_fit();
        self.sql_strings.shrink_to_fit();
        self.fetches.shrink_to_fit();
        self.cors.shrink_to_fit();
        self.header_writes.shrink_to_fit();
        self.cookie_writes.shrink_to_fit();
        self.better_auth.shrink_to_fit();
        self.passed_names.shrink_to_fit();
    }

    /// The function with this id.
    pub fn function(&self, id: FunctionId) -> Option<&FunctionFacts> {
        self.functions.get(id)
    }

    /// Named functions (declarations, `const f = () => ...`, methods) with
    /// this name, outermost first.
    pub fn functions_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s FunctionFacts> + 's {
        self.functions
            .iter()
            .filter(move |f| f.name.as_deref() == Some(name))
    }

    /// The function and every function nested inside it (callbacks,
    /// returned middleware, ...), found through `parent` links.
    pub fn function_and_nested(&self, id: FunctionId) -> Vec<&FunctionFacts> {
        let mut children: Vec<Vec<FunctionId>> = vec![Vec::new(); self.functions.len()];
        for f in &self.functions {
            if let Some(p) = f.parent
                && let Some(list) = children.get_mut(p)
            {
                list.push(f.id);
            }
        }
        let mut seen = vec![false; self.functions.len()];
        let mut queue = vec![id];
        let mut out = Vec::new();
        while let Some(next) = queue.pop() {
            if next >= self.functions.len() || seen[next] {
                continue;
            }
            seen[next] = true;
            out.push(&self.functions[next]);
            queue.extend(children[next].iter().copied());
        }
        out.sort_by_key(|f| f.id);
        out
    }

    /// The innermost function whose span contains `span` (module scope
    /// for top-level code; `None` only for an empty `JsFacts::default()`).
    pub fn function_containing(&self, span: Span) -> Option<&FunctionFacts> {
        self.functions
            .iter()
            .filter(|f| f.span.start <= span.start && span.end <= f.span.end)
            .min_by_key(|f| f.span.len())
            .or_else(|| self.functions.get(MODULE_SCOPE))
    }

    /// Every env read in the file with the function it occurs in.
    pub fn env_reads(&self) -> impl Iterator<Item = (&FunctionFacts, &EnvRead)> {
        self.functions
            .iter()
            .flat_map(|f| f.env_reads().iter().map(move |r| (f, r)))
    }

    /// Every comparison with an env value in the file.
    pub fn env_comparisons(&self) -> impl Iterator<Item = (&FunctionFacts, &EnvComparison)> {
        self.functions
            .iter()
            .flat_map(|f| f.env_comparisons().iter().map(move |c| (f, c)))
    }

    /// Every "what happens when the secret is missing" branch in the file.
    pub fn secret_checks(&self) -> impl Iterator<Item = (&FunctionFacts, &SecretCheck)> {
        self.functions
            .iter()
            .flat_map(|f| f.secret_checks().iter().map(move |c| (f, c)))
    }

    /// Every password-named value compared with a string literal.
    pub fn literal_credential_compares(
        &self,
    ) -> impl Iterator<Item = (&FunctionFacts, &LiteralCredentialCompare)> {
        self.functions
            .iter()
            .flat_map(|f| f.literal_credential_compares().iter().map(move |c| (f, c)))
    }

    /// Every call in the file.
    pub fn calls(&self) -> impl Iterator<Item = (&FunctionFacts, &CallFact)> {
        self.functions
            .iter()
            .flat_map(|f| f.calls.iter().map(move |c| (f, c)))
    }

    /// The local name an import binds, with its import, if `name` is one.
    pub fn import_of(&self, local: &str) -> Option<(&Import, &ImportedName)> {
        self.imports
            .iter()
            .find_map(|i| i.names.iter().find(|n| n.local == local).map(|n| (i, n)))
    }

    /// The router instance bound to `name` in this file (latest wins).
    pub fn router_named(&self, name: &str) -> Option<&RouterInstance> {
        self.routers
            .iter()
            .rev()
            .find(|r| r.name.as_deref() == Some(name))
    }

    /// Whether the file imports from a module whose specifier is `source`
    /// or starts with `source/` (`hono` matches `hono/cors`).
    pub fn imports_from(&self, source: &str) -> bool {
        self.imports.iter().any(|i| {
            i.source.value == source
                || i.source
                    .value
                    .strip_prefix(source)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

// ---------------------------------------------------------------------------
// Functions and what they do
// ---------------------------------------------------------------------------

/// What kind of code a [`FunctionFacts`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// Top-level code ([`MODULE_SCOPE`]).
    Module,
    /// `function f() {}` (also `export function`, `export default function`).
    Declaration,
    /// `function () {}` used as a value.
    Expression,
    /// `() => ...`.
    Arrow,
    /// A method in an object literal (`{ async fetch() {} }`) or a class.
    Method,
}

/// Collapses whitespace runs to one space and cuts the text after `max`
/// characters (with `…`): how facts quote a piece of source.
pub(crate) fn one_line_excerpt(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = false;
    for ch in text.chars() {
        if count >= max {
            out.push('…');
            break;
        }
        if ch.is_whitespace() {
            if !last_space {
                out.push(' ');
                count += 1;
            }
            last_space = true;
        } else {
            out.push(ch);
            count += 1;
            last_space = false;
        }
    }
    out
}

/// One function and what its own body does (nested functions have their own
/// entry; see [`JsFacts::function_and_nested`]).
#[derive(Clone, Debug)]
pub struct FunctionFacts {
    /// Index in [`JsFacts::functions`].
    pub id: FunctionId,
    /// What kind of function this is.
    pub kind: FunctionKind,
    /// The name it is known by: its own name, the variable it initialises
    /// (`const requireAdmin = async (c, next) => ...`, also through one
    /// wrapping call such as `createMiddleware(...)`), or the method/property
    /// key (`fetch` in `export default { fetch() {} }`).
    pub name: Option<CompactString>,
    /// Span of that name, when it is written in the source.
    pub name_span: Option<Span>,
    /// The whole function.
    pub span: Span,
    /// The lexically enclosing function (module scope for top-level ones);
    /// `None` only for module scope itself.
    pub parent: Option<FunctionId>,
    /// `async` function.
    pub is_async: bool,
    /// Every call and `new` in the body.
    pub calls: ThinVec<CallFact>,
    /// String, template, regex and number literals in the body, for guard
    /// coverage checks (NET005) and the siteverify URL (AUTH002): only
    /// those [`literal_may_matter`] keeps.
    pub literals: ThinVec<LiteralFact>,
    /// Identifier names the body reads (sorted, deduplicated): lets a rule
    /// follow module-level constants a function uses.
    pub references: ThinVec<CompactString>,
    /// What few functions have (an enclosing class, a wrapping call, env
    /// reads and checks, responses, header reads, origin checks): boxed, so
    /// that the many functions with none of it stay small. Read through the
    /// accessors of the same names.
    rare: Option<Box<RareFacts>>,
}

/// The facts most functions do not have; see [`FunctionFacts`].
#[derive(Clone, Debug, Default)]
pub struct RareFacts {
    /// The enclosing class for class methods and class property functions.
    pub class_name: Option<String>,
    /// The call wrapping this function when it is that call's argument and
    /// the call initialises a variable (`createMiddleware`, `factory.createHandlers`).
    pub wrapper: Option<String>,
    /// Reads of Worker env values.
    pub env_reads: Vec<EnvRead>,
    /// `===`/`==`/`!==`/`!=` comparisons where one side is an env value.
    pub env_comparisons: Vec<EnvComparison>,
    /// Branches taken when an env value (secret) is missing or present.
    pub secret_checks: Vec<SecretCheck>,
    /// A password-named value compared with a string literal.
    pub literal_credential_compares: Vec<LiteralCredentialCompare>,
    /// Success returned when something failed (a `catch`, a fallback flag).
    pub success_fallbacks: Vec<SuccessFallback>,
    /// Responses created with an explicit status (`c.json(x, 401)`,
    /// `new Response(x, { status: 403 })`, `throw new HTTPException(401)`).
    pub responses: Vec<ResponseFact>,
    /// Request header reads (`c.req.header('Origin')`, `request.headers.get(...)`).
    pub header_reads: Vec<HeaderRead>,
    /// Checks applied to the request's Origin (or a value derived from it).
    pub origin_checks: Vec<OriginCheck>,
}

impl FunctionFacts {
    /// A function with no facts yet, filled in as its body is walked.
    pub fn new(id: FunctionId, kind: FunctionKind, span: Span, parent: Option<FunctionId>) -> Self {
        FunctionFacts {
            id,
            kind,
            name: None,
            name_span: None,
            span,
            parent,
            is_async: false,
            calls: ThinVec::new(),
            literals: ThinVec::new(),
            references: ThinVec::new(),
            rare: None,
        }
    }

    /// The rare facts, created on first write.
    pub fn rare_mut(&mut self) -> &mut RareFacts {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The enclosing class, for class methods and class property functions.
    pub fn class_name(&self) -> Option<&str> {
        self.rare.as_ref()?.class_name.as_deref()
    }

    /// The call wrapping this function (see [`RareFacts::wrapper`]).
    pub fn wrapper(&self) -> Option<&str> {
        self.rare.as_ref()?.wrapper.as_deref()
    }

    /// Reads of Worker env values.
    pub fn env_reads(&self) -> &[EnvRead] {
        self.rare.as_ref().map_or(&[], |r| &r.env_reads)
    }

    /// Comparisons where one side is an env value.
    pub fn env_comparisons(&self) -> &[EnvComparison] {
        self.rare.as_ref().map_or(&[], |r| &r.env_comparisons)
    }

    /// Branches taken when an env value is missing or present.
    pub fn secret_checks(&self) -> &[SecretCheck] {
        self.rare.as_ref().map_or(&[], |r| &r.secret_checks)
    }

    /// Password-named values compared with a string literal.
    pub fn literal_credential_compares(&self) -> &[LiteralCredentialCompare] {
        self.rare
            .as_ref()
            .map_or(&[], |r| &r.literal_credential_compares)
    }

    /// Success returned when something failed.
    pub fn success_fallbacks(&self) -> &[SuccessFallback] {
        self.rare.as_ref().map_or(&[], |r| &r.success_fallbacks)
    }

    /// Responses created with an explicit status.
    pub fn responses(&self) -> &[ResponseFact] {
        self.rare.as_ref().map_or(&[], |r| &r.responses)
    }

    /// Request header reads.
    pub fn header_reads(&self) -> &[HeaderRead] {
        self.rare.as_ref().map_or(&[], |r| &r.header_reads)
    }

    /// Checks applied to the request's Origin.
    pub fn origin_checks(&self) -> &[OriginCheck] {
        self.rare.as_ref().map_or(&[], |r| &r.origin_checks)
    }

    /// Drops the slack capacity building left in this function's lists.
    fn shrink_to_fit(&mut self) {
        self.calls.shrink_to_fit();
        if let Some(rare) = &mut self.rare {
            rare.env_reads.shrink_to_fit();
            rare.env_comparisons.shrink_to_fit();
            rare.secret_checks.shrink_to_fit();
            rare.literal_credential_compares.shrink_to_fit();
            rare.success_fallbacks.shrink_to_fit();
            rare.responses.shrink_to_fit();
            rare.header_reads.shrink_to_fit();
            rare.origin_checks.shrink_to_fit();
        }
        self.literals.shrink_to_fit();
        self.references.shrink_to_fit();
    }

    /// Whether the body calls a callee whose text satisfies `pred`.
    pub fn calls_matching(&self, mut pred: impl FnMut(&str) -> bool) -> bool {
        self.calls.iter().any(|c| pred(&c.callee))
    }

    /// The 401/403 responses of this function.
    pub fn auth_failures(&self) -> impl Iterator<Item = &ResponseFact> {
        self.responses()
            .iter()
            .filter(|r| r.status == 401 || r.status == 403)
    }
}

/// Methods, functions and constructors of JavaScript built-ins (and the
/// `console` and `Response` APIs) that run no user code: a call to one of
/// them neither delegates a check elsewhere (NET005) nor names a guard,
/// rate limiter or tracker. Sorted; [`is_builtin_call`] looks names up.
pub const BUILTIN_CALLS: &[&str] = &[
    "Array",
    "Boolean",
    "Date",
    "Error",
    "Map",
    "Number",
    "Object",
    "RangeError",
    "RegExp",
    "Response",
    "Set",
    "String",
    "TypeError",
    "URL",
    "URLSearchParams",
    "abs",
    "at",
    "ceil",
    "charAt",
    "charCodeAt",
    "concat",
    "debug",
    "endsWith",
    "entries",
    "error",
    "every",
    "exec",
    "fill",
    "filter",
    "find",
    "findIndex",
    "flat",
    "flatMap",
    "floor",
    "forEach",
    "freeze",
    "from",
    "getTime",
    "has",
    "includes",
    "indexOf",
    "info",
    "isArray",
    "isInteger",
    "isNaN",
    "join",
    "json",
    "keys",
    "lastIndexOf",
    "localeCompare",
    "log",
    "map",
    "match",
    "matchAll",
    "max",
    "min",
    "now",
    "padEnd",
    "padStart",
    "parseFloat",
    "parseInt",
    "pop",
    "push",
    "random",
    "reduce",
    "repeat",
    "replace",
    "replaceAll",
    "reverse",
    "round",
    "shift",
    "slice",
    "some",
    "sort",
    "splice",
    "split",
    "startsWith",
    "stringify",
    "substring",
    "test",
    "toFixed",
    "toISOString",
    "toLowerCase",
    "toString",
    "toUpperCase",
    "trim",
    "trimEnd",
    "trimStart",
    "unshift",
    "values",
    "warn",
];

/// Whether `name` is one of [`BUILTIN_CALLS`]. Asked for every call of
/// every file: a fixed hash set answers with one hash and one comparison
/// (its keys are ours, so hashing fast is safe).
pub fn is_builtin_call(name: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| BUILTIN_CALLS.iter().copied().collect())
        .contains(name)
}

/// One call (or `new`) expression.
#[derive(Clone, Debug)]
pub struct CallFact {
    /// The callee as dotted text: `verifyTurnstile`, `c.env.RATE_LIMITER.limit`,
    /// `fetch`, `this.track`; call results in the chain render as `()`
    /// (`c.req.header().trim`), computed keys with a literal as `.key`, other
    /// computed keys as `[]`; `?` when the callee is not a path.
    pub callee: CompactString,
    /// The callee expression.
    pub callee_span: Span,
    /// The whole call.
    pub span: Span,
    /// A `new` expression.
    pub is_new: bool,
    /// For a call of a plain name (`buildQuery(a, b)`): where each
    /// argument's value comes from, for DB003 to judge a helper's SQL
    /// parameter at its call sites. Empty for other calls.
    pub args: ThinVec<SqlOrigin>,
}

impl CallFact {
    /// The last segment of the callee (`limit` for `c.env.RL.limit`).
    pub fn method(&self) -> &str {
        expr::last_segment(&self.callee)
    }
}

/// A value written in an argument, handler list or export, summarised.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueRef {
    /// An inline function (arrow, function expression, method).
    Function(FunctionId),
    /// A name to resolve: a local function/variable or an import.
    Identifier(String),
    /// A member path such as `app.fetch` or `handlers.login`.
    Member(String),
    /// A call such as `cors({...})`, `requireRole('admin')`,
    /// `createMiddleware(async (c, next) => ...)`; `functions` are the inline
    /// functions among its arguments.
    Call {
        callee: String,
        functions: Vec<FunctionId>,
    },
    /// A `new` expression other than a router.
    New { callee: String },
    /// A router instance created in this file (`new Hono()`, `Router()`,
    /// possibly with chained registrations).
    Router(InstanceId),
    /// A string literal or substitution-free template.
    String(String),
    /// A number literal.
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null` or `undefined`.
    Nullish,
    /// A template literal with substitutions.
    Template,
    /// An object literal.
    Object,
    /// An array literal.
    Array,
    /// `...x` (spread argument); the text of `x`.
    Spread(String),
    /// Anything else.
    Other,
}

impl ValueRef {
    /// The name or member path this value refers to, if it is one.
    pub fn name(&self) -> Option<&str> {
        match self {
            ValueRef::Identifier(n) | ValueRef::Member(n) => Some(n),
            _ => None,
        }
    }
}

/// A literal in a function body.
#[derive(Clone, Debug, PartialEq)]
pub struct LiteralFact {
    /// Which kind of literal.
    pub kind: LiteralKind,
    /// String value, template chunk (cooked), regex pattern (`/` stripped),
    /// or number as written.
    pub value: CompactString,
    /// For regexes, the flags; empty otherwise.
    pub flags: String,
    /// The literal (for template chunks, the chunk).
    pub span: Span,
}

/// Whether a literal may matter to a rule: numbers and regexes (address
/// checks), and short strings that could be an address, a host or a URL.
/// The extractors ask before they copy a literal: most are neither.
pub(crate) fn literal_may_matter(kind: LiteralKind, value: &str) -> bool {
    match kind {
        LiteralKind::Number | LiteralKind::Regex => true,
        LiteralKind::String | LiteralKind::TemplateChunk => {
            value.contains("siteverify")
                || value.contains("localhost")
                || (value.len() <= 128 && (value.contains('.') || value.contains(':')))
        }
    }
}

/// Kind of a [`LiteralFact`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralKind {
    /// A string literal.
    String,
    /// One static chunk of a template literal.
    TemplateChunk,
    /// A regex literal (`value` is the pattern, `flags` its flags).
    Regex,
    /// A number literal (`value` as written).
    Number,
}

// ---------------------------------------------------------------------------
// Env reads, comparisons, secret-missing branches
// ---------------------------------------------------------------------------

/// Where an env read comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvSource {
    /// The Worker env: `env.X`, `c.env.X`, `this.env.X`, `ctx.env.X`,
    /// `env(c).X` (hono/adapter), destructuring of those, or an alias.
    Worker,
    /// `process.env.X` (nodejs_compat, build scripts).
    Process,
}

/// Whether the read is a member access or a destructured key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvReadKind {
    /// `env.X`, `env['X']`, `env?.X`.
    Member,
    /// `const { X } = env` / `const { X: y = d } = c.env`.
    Destructure,
}

/// A read of one env value (SEC009).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvRead {
    /// The binding/var/secret name (`X`).
    pub name: String,
    /// The name as written (property or destructured key): the smallest useful span.
    pub span: Span,
    /// The whole read (`c.env.X`), or the destructuring property.
    pub expr_span: Span,
    /// The object read from, as text: `env`, `c.env`, `this.env`, `process.env`, `env(c)`.
    pub base: String,
    /// Worker env or `process.env`.
    pub source: EnvSource,
    /// Member access or destructuring.
    pub kind: EnvReadKind,
    /// How the value is used: needed, optional, or assigned.
    pub mode: EnvReadMode,
}

/// How an env read uses the value (SEC009 tells a required name from an
/// optional one, and a runtime write from a read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EnvReadMode {
    /// A plain read: the code needs the value.
    #[default]
    Required,
    /// A read that tolerates a missing value: the left of `??`/`||`/`&&`,
    /// the test of `?:` or `if` (`env.X`, `!env.X`), a comparison with a
    /// string literal (`env.FLAG === 'true'`), a destructured key with a
    /// default (`const { X = d } = env`).
    Optional,
    /// The target of an assignment (`c.env.X = value`): the Worker sets the
    /// name itself at run time.
    Written,
}

/// A property of an env type: `X: string`, `X?: string`, `DB: D1Database`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvTypeMember {
    pub name: String,
    /// `X?: ...`: the type says the value may be missing.
    pub optional: bool,
}

/// What the other side of an env comparison is.
#[derive(Clone, Debug, PartialEq)]
pub enum Compared {
    /// `undefined`, `null`, or `''`: a presence check, not a value comparison.
    Nullish,
    /// A string literal (other than `''`).
    String(String),
    /// A number or boolean literal.
    OtherLiteral,
    /// An identifier.
    Identifier(String),
    /// Anything else, as (truncated) source text.
    Expr(String),
}

/// `a === env.X` (also `==`, `!==`, `!=`), AUTH005 and AUTH003.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvComparison {
    /// The binary expression.
    pub span: Span,
    /// `===`, `==`, `!==` or `!=`.
    pub operator: String,
    /// The env value compared.
    pub env_name: String,
    /// The env read (or the alias identifier) in the comparison.
    pub env_span: Span,
    /// The local variable the env value was read into, when compared through one
    /// (`const key = c.env.ADMIN_KEY; if (token !== key)`).
    pub via_alias: Option<String>,
    /// The other operand.
    pub other: Compared,
}

/// `body.password === 'hunter2'` (also `==`, `!==`, `!=`): a value named
/// like a password or key, not an env value, compared with a non-empty
/// string literal (AUTH005). The literal is kept for the placeholder test
/// and never shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LiteralCredentialCompare {
    /// The binary expression.
    pub span: Span,
    /// `===`, `==`, `!==` or `!=`.
    pub operator: String,
    /// The compared value as written (`body.password`), truncated.
    pub value_text: String,
    /// The string literal.
    pub literal: String,
}

/// `catch { return { success: true } }` or `if (cfg.fallback_on_error)
/// return { success: true }`: success reported when the work failed
/// (AUTH006, for verification functions).
#[derive(Clone, Debug, PartialEq)]
pub struct SuccessFallback {
    /// The `return` of the success value.
    pub span: Span,
    /// `catch`, or the fallback flag's source text.
    pub when: String,
}

/// What runs when an env value is missing (AUTH006).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingOutcome {
    /// Returns `true` or an object with `success`/`ok`/`valid`/`verified`/
    /// `passed`/`allowed: true` (possibly wrapped in a response call).
    ReturnsSuccess,
    /// Calls `next()` (Hono middleware continues without verification).
    CallsNext,
    /// The verification is inside `if (env.X) { ... }` with no `else`: when
    /// the value is missing the check is silently skipped.
    SkipsCheck,
    /// Returns an error response (status >= 400), `false`, a failure object,
    /// or throws: fails closed.
    Fails,
    /// A bare `return;`.
    ReturnsNothing,
    /// The branch has no unconditional exit; execution continues after it.
    Continues,
    /// Some other return value.
    Other,
}

/// `if (!env.X) ...`, `if (env.X === undefined) ...`, `if (env.X) {...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretCheck {
    /// The env value tested.
    pub env_name: String,
    /// The env read or alias in the test.
    pub env_span: Span,
    /// The `if` statement.
    pub span: Span,
    /// What happens when the value is missing.
    pub when_missing: MissingOutcome,
    /// The statement/expression that decides `when_missing` (the `return`,
    /// `next()` call or `throw`), when there is one.
    pub outcome_span: Option<Span>,
}

// ---------------------------------------------------------------------------
// Responses and headers
// ---------------------------------------------------------------------------

/// A response (or HTTP exception) with an explicit numeric status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseFact {
    /// The status code.
    pub status: u16,
    /// The call / `new` / `throw` creating it.
    pub span: Span,
    /// Callee text (`c.json`, `Response`, `HTTPException`, `error`, ...).
    pub callee: String,
    /// The text literals among its arguments (the body or message: string
    /// literals, template chunks, string values of object literals), joined
    /// by spaces and cut at a few hundred bytes; empty when there are none.
    /// OBS001 tells a business state (`'quota reached'`) from an auth
    /// failure by it.
    pub text: String,
}

/// A request header read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderRead {
    /// The header name as written (compare case-insensitively).
    pub name: String,
    /// The header name literal.
    pub name_span: Span,
    /// The whole read.
    pub span: Span,
}

/// How a header is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderWriteVia {
    /// A key in an object literal (headers object, `Response` init, a
    /// `corsHeaders` constant...).
    ObjectProperty,
    /// `headers.set(name, value)`.
    Set,
    /// `headers.append(name, value)`.
    Append,
    /// Hono `c.header(name, value)`.
    ContextHeader,
}

/// The value written to a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderValue {
    /// A string literal (`'*'`, `'https://app.example.com'`, `'true'`).
    Literal(String),
    /// The request's Origin header, directly or through a local variable,
    /// possibly with a literal fallback (`origin || '*'`); `source` says
    /// whether it was read here or is a parameter named like an origin (a
    /// helper whose callers decide what it holds).
    RequestOrigin {
        fallback: Option<String>,
        source: OriginSource,
    },
    /// The Origin chosen by a conditional whose test checks it
    /// (`allowed.includes(origin) ? origin : 'null'`).
    CheckedOrigin,
    /// An env value (`c.env.CORS_ORIGIN`).
    Env(String),
    /// Some other identifier.
    Identifier(String),
    /// Anything else.
    Dynamic,
}

/// A response header write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderWrite {
    /// Header name as written.
    pub name: String,
    /// The name literal.
    pub name_span: Span,
    /// The value.
    pub value: HeaderValue,
    /// The value expression.
    pub value_span: Span,
    /// The call or object property.
    pub span: Span,
    /// How it is written.
    pub via: HeaderWriteVia,
    /// Enclosing function.
    pub function: FunctionId,
}

impl HeaderWrite {
    /// Whether this writes the named header (case-insensitive).
    pub fn is(&self, header: &str) -> bool {
        self.name.eq_ignore_ascii_case(header)
    }
}

/// Where an origin value comes from (for [`OriginCheck`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginSource {
    /// Read from the request's Origin header.
    Header,
    /// The first parameter of a `cors({ origin: (o) => ... })` callback.
    CorsCallback,
    /// A parameter named like an origin (`origin`, `requestOrigin`) of a helper.
    NamedParam,
}

/// What an origin check does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginCheckKind {
    /// `list.includes(origin)`, `set.has(origin)`, `list.indexOf(origin)`:
    /// exact membership; `collection` is the receiver's text.
    Membership { collection: String },
    /// `origin === x`.
    Equals,
    /// `origin.endsWith(x)` (or a value derived from origin, e.g. its hostname).
    EndsWith,
    /// `origin.startsWith(x)`.
    StartsWith,
    /// `origin.includes(x)`.
    Includes,
    /// `re.test(origin)`, `origin.match(re)`, `origin.search(re)`; the pattern
    /// when it is a literal (regex or `new RegExp('...')`).
    Regex {
        pattern: Option<String>,
        flags: String,
    },
    /// `origin` passed to some other function (`isAllowedOrigin(origin)`).
    Call { callee: String },
}

/// A check applied to the request origin (NET002, NET006).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginCheck {
    /// The checked variable (or `Origin` for a direct header read).
    pub variable: String,
    /// Where that variable's value comes from.
    pub source: OriginSource,
    /// The check.
    pub kind: OriginCheckKind,
    /// The literal argument (`'.example.com'`, `'https://a.com'`), if any.
    pub value: Option<Spanned<String>>,
    /// The check expression.
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

/// Which router registered a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framework {
    /// Hono (`new Hono()`, `OpenAPIHono`, `createApp()`), or an unknown
    /// receiver in a file importing hono.
    Hono,
    /// itty-router (`Router()`, `AutoRouter()`), or an unknown receiver in a
    /// file importing itty-router.
    Itty,
    /// A branch of a plain `fetch` handler on `url.pathname`.
    Fetch,
    /// A router-shaped call on a receiver of unknown origin (e.g. an
    /// imported `app`) in a file that imports neither hono nor itty-router.
    Unknown,
    /// A file-based route: the file's path is the route's path (SvelteKit
    /// `+server.ts`, Pages Functions, Astro endpoints, Next.js route
    /// handlers). Resolved by `project::routes`, never in a file's facts.
    Files,
}

/// Kind of router instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouterKind {
    /// `new Hono()`, `createApp()` / `factory.createApp()` (hono/factory).
    Hono,
    /// `new OpenAPIHono()` (@hono/zod-openapi).
    OpenApiHono,
    /// itty-router `Router()` / `IttyRouter()`.
    IttyRouter,
    /// itty-router `AutoRouter()`.
    IttyAutoRouter,
    /// `new X()` of another class that registers routes by method name
    /// (`router.add('GET', '/x', h)`).
    Custom,
}

impl RouterKind {
    /// The framework of this kind of router.
    pub fn framework(self) -> Framework {
        match self {
            RouterKind::Hono | RouterKind::OpenApiHono => Framework::Hono,
            RouterKind::IttyRouter | RouterKind::IttyAutoRouter => Framework::Itty,
            RouterKind::Custom => Framework::Unknown,
        }
    }
}

/// A router created in this file.
#[derive(Clone, Debug, PartialEq)]
pub struct RouterInstance {
    /// Index in [`JsFacts::routers`].
    pub id: InstanceId,
    /// The variable it is bound to (`app`), `None` when anonymous
    /// (`export default new Hono().get(...)`).
    pub name: Option<String>,
    /// What kind of router.
    pub kind: RouterKind,
    /// The creating expression (`new Hono()`).
    pub span: Span,
    /// `basePath('/api')` applied when it was created, or itty's `{ base }`.
    pub base_path: Option<String>,
    /// For `const api = app.basePath('/v1')`: the instance it derives from
    /// (Hono shares the router: routes on `api` are routes of `app`).
    pub derived_from: Option<String>,
    /// itty `AutoRouter({ before: [...] })` / `Router({ before })` handlers,
    /// which run before every route.
    pub before: Vec<Spanned<ValueRef>>,
    /// Function in which it is created.
    pub function: FunctionId,
}

/// Kind of registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// A route with handlers (`get/post/put/patch/delete/options/all/on`,
    /// a plain `fetch` branch).
    Handler,
    /// Middleware: `app.use(path?, ...mw)`.
    Use,
    /// A sub-app mounted at a prefix: Hono `app.route(prefix, sub)`,
    /// `app.mount(prefix, fetchFn)`.
    Mount,
    /// The router passed to a function (`registerRoutes(app)`): the routes
    /// that function registers on that parameter belong to this router.
    /// `handlers` holds the callee, `router_param` the argument index.
    Register,
}

/// How a route path is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// A literal path or pattern as the router sees it (`/api/*`, `/users/:id`).
    Literal,
    /// A plain-fetch `pathname.startsWith('/admin')`: everything under it.
    Prefix,
    /// A plain-fetch regex test/match on the pathname; `text` is the pattern.
    Regex,
    /// `use(mw)` with no path: every path (`text` is `*`).
    Any,
    /// A non-literal path; `text` is its source text.
    Dynamic,
}

/// A route path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutePath {
    /// The path/pattern.
    pub text: CompactString,
    /// How it is written.
    pub kind: PathKind,
    /// The path literal, when written.
    pub span: Option<Span>,
}

/// One registration: a route, a middleware, or a mount.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteRegistration {
    /// Which router.
    pub framework: Framework,
    /// Route, middleware or mount.
    pub kind: RouteKind,
    /// The receiver variable (`app` in `app.get(...)`, also for chains
    /// `app.get(...).post(...)`); `None` for anonymous instances and plain
    /// fetch branches.
    pub receiver: Option<String>,
    /// The router instance in this file, when known.
    pub instance: Option<InstanceId>,
    /// `basePath(...)` prefixes applied in the receiver chain of this call.
    pub base_path: Option<String>,
    /// Upper-case methods: `GET`, `POST`, ...; `ALL` for `all`, `use` and
    /// mounts; for plain-fetch branches, the methods compared in or around
    /// the branch, or `ALL` when none is.
    pub methods: Vec<String>,
    /// The path.
    pub path: RoutePath,
    /// Middleware and handler, in order: for `Handler` the last one is the
    /// handler; for `Mount` the mounted app. Empty for plain fetch branches
    /// (see `body`).
    pub handlers: Vec<Spanned<ValueRef>>,
    /// The registration call (for plain fetch branches, the `if` test or
    /// `case` test).
    pub span: Span,
    /// Function in which the registration happens (for plain fetch
    /// branches, the function whose body holds the branch).
    pub function: FunctionId,
    /// Plain fetch branches: the branch body; the facts of `function` whose
    /// spans fall inside it belong to this route, and those before
    /// `body.start` in `function` ran before it (like global middleware).
    pub body: Option<Span>,
    /// A registration on a parameter of `function` that is no known router
    /// (`function registerAdmin(app) { app.get(...) }`): the parameter's
    /// index. For [`RouteKind::Register`], the argument index of the router.
    pub router_param: Option<u8>,
}

impl RouteRegistration {
    /// Whether the route may answer a request with this method.
    pub fn allows_method(&self, method: &str) -> bool {
        self.methods
            .iter()
            .any(|m| m == "ALL" || m.eq_ignore_ascii_case(method))
    }
}

// ---------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------

/// Why a SQL argument is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SafeReason {
    /// A string literal or substitution-free template.
    Literal,
    /// A tagged template (`sql\`...\``, `Prisma.sql\`...\``).
    TaggedTemplate,
    /// A number.
    Number,
    /// A template or concatenation whose every substitution is constant:
    /// literals, numbers/arithmetic, placeholder indexes (`?${n}`, `$${n}`),
    /// literal-only module constants, allowlist-checked identifiers,
    /// placeholder lists, literal fragment arrays.
    ConstantParts,
    /// A local binding (one level) of a safe value.
    LocalBinding,
}

/// Why a SQL argument is unsafe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsafeReason {
    /// A template literal substitution that is not constant.
    Interpolation,
    /// `+` / `.concat` with an operand that is not constant.
    Concatenation,
    /// A value taken straight from request input.
    RequestInput,
}

/// Classification of a SQL sink argument (rules/DB003.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlClass {
    /// Provably built from constants.
    Safe(SafeReason),
    /// Built by interpolation/concatenation of a non-constant value, or
    /// request input.
    Unsafe {
        /// Why.
        reason: UnsafeReason,
        /// The offending substitution / operand / input.
        span: Span,
        /// Its source text (truncated).
        detail: String,
        /// The local variable the argument went through, if it did
        /// (`const q = ...; db.prepare(q)`).
        via_binding: Option<String>,
    },
    /// Cannot tell (a parameter, an imported value, a call result).
    Unknown {
        /// Source text of the argument (truncated).
        detail: String,
    },
}

impl SqlClass {
    /// Whether DB003 should report it.
    pub fn is_unsafe(&self) -> bool {
        matches!(self, SqlClass::Unsafe { .. })
    }
}

/// Where the dynamic part of SQL text (or a call argument) comes from
/// (DB003's severity: only request input makes an error). Ordered by how
/// strongly it points at request input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SqlOrigin {
    /// Constant (literals, numbers, allowlisted names): only for call
    /// arguments; a sink's offending part is never constant.
    Constant,
    /// Read from the database: a row, a column of it, `meta.last_row_id`
    /// (second-order data: bind it, but no request input shown).
    Stored,
    /// Something else nothing shows to be request input: a global, an
    /// import, an external API response, a call result, a mutated object.
    Unproven,
    /// A parameter of the enclosing function (`index`); `whole` when the
    /// parameter itself is spliced, not a property or a value derived from
    /// it. Its callers decide.
    Param {
        /// The parameter's position.
        index: u8,
        /// The parameter itself, not `param.prop` or `f(param)`.
        whole: bool,
    },
    /// Request input: query string, path params, body, headers.
    Request,
}

/// A call to a SQL sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlSink {
    /// The call.
    pub span: Span,
    /// Callee text (`c.env.DB.prepare`, `sql.unsafe`, `Prisma.raw`).
    pub callee: String,
    /// The sink method: `prepare`, `exec`, `query`, `unsafe`,
    /// `$queryRawUnsafe`, `$executeRawUnsafe`, `raw`.
    pub method: String,
    /// The SQL argument (for `query({ text })`, the `text` value).
    pub arg_span: Span,
    /// Its classification.
    pub class: SqlClass,
    /// When `class` is `Unsafe` only because of imported bindings (which this
    /// file cannot evaluate): those bindings as used (`COLS`, or `ns.COLS`
    /// for a namespace import), first use's span. The argument is safe if
    /// each resolves to a literal-only exported constant. Calls are listed
    /// with `()` (`placeholders()`): an imported function, or one of this
    /// file declared after the call, that must be in the defining file's
    /// [`JsFacts::constant_fns`]. Empty otherwise.
    pub imported_parts: Vec<Spanned<String>>,
    /// For an unsafe argument: where its non-constant parts come from
    /// (deduplicated, never [`SqlOrigin::Constant`]; `[Request]` when
    /// nothing is known). Empty for a safe or unknown argument.
    pub origins: Vec<SqlOrigin>,
    /// What the written SQL text does to the schema or to every row, when
    /// it does more than read and write rows (AUTH003).
    pub effect: Option<SqlEffect>,
    /// Whether the argument has SQL text written in the code (a literal or
    /// template part, directly or through one local binding): without, the
    /// whole statement comes from elsewhere (AUTH003: the request).
    pub written: bool,
    /// Enclosing function.
    pub function: FunctionId,
}

/// What a SQL statement does beyond reading and writing rows, judged on
/// the text written in the code (a route doing it is an admin route).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SqlEffect {
    /// `CREATE TABLE` without `IF NOT EXISTS`, `DROP INDEX/VIEW/TRIGGER`:
    /// sets the schema up.
    Schema,
    /// `DROP TABLE/DATABASE/SCHEMA`, `TRUNCATE`, `ALTER TABLE ... DROP`,
    /// `DELETE FROM t` with no `WHERE`: destroys data.
    Destructive,
}

/// Where a SQL-looking string goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlFlow {
    /// A SQL sink argument (DB003's business).
    Sink,
    /// `console.*`.
    Console,
    /// An HTML template/response or JSX.
    Html,
    /// An `Error`/exception message.
    Error,
    /// Anywhere else (returned, passed to another function, stored...).
    Other,
}

/// How a SQL-looking string is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlStringKind {
    /// A template literal with a non-constant substitution.
    Template,
    /// A `+` chain with a non-constant operand.
    Concatenation,
}

/// SQL-looking text (a statement keyword plus FROM/INTO/SET/WHERE/VALUES)
/// built with a non-constant part (DB004).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlString {
    /// The template / concatenation.
    pub span: Span,
    /// Template or concatenation.
    pub kind: SqlStringKind,
    /// The first non-constant substitution / operand.
    pub offending: Span,
    /// The literal text with `${…}` for substitutions (truncated).
    pub preview: String,
    /// Where it goes: the direct use, or every use of the local variable it
    /// initialises (empty when that variable is never used).
    pub flows: Vec<SqlFlow>,
    /// As [`SqlSink::imported_parts`]: when the only non-constant parts are
    /// imported bindings, those bindings; empty otherwise.
    pub imported_parts: Vec<Spanned<String>>,
    /// Enclosing function.
    pub function: FunctionId,
}

impl SqlString {
    /// Whether the text only goes to logging, HTML or error messages, so it
    /// is not SQL for DB004.
    pub fn only_descriptive(&self) -> bool {
        !self.flows.is_empty()
            && self
                .flows
                .iter()
                .all(|f| matches!(f, SqlFlow::Console | SqlFlow::Html | SqlFlow::Error))
    }
}

// ---------------------------------------------------------------------------
// fetch / SSRF
// ---------------------------------------------------------------------------

/// Which request input a value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Query string: `c.req.query()`, `url.searchParams.get()`, itty `request.query`.
    Query,
    /// Path parameters: `c.req.param()`, itty `request.params`.
    Param,
    /// JSON/form/text body: `c.req.json()`, `request.json()`, `parseBody`, `formData`.
    Body,
    /// Request headers.
    Header,
}

/// Where a `fetch` URL comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlSource {
    /// A literal URL.
    Literal(String),
    /// A template/concatenation whose literal prefix fixes scheme and host
    /// (`https://api.example.com/...${path}`); the fixed origin.
    FixedOrigin(String),
    /// Request input, directly or through local variables.
    RequestInput {
        /// Which input.
        kind: InputKind,
        /// Where the input was read.
        origin: Span,
    },
    /// An env value (`env.UPSTREAM_URL`).
    Env(String),
    /// A base imported from another module followed by a path
    /// (`${API_URL}/items?id=${id}`): configuration, not request input; the
    /// imported name.
    Configured(String),
    /// Anything else; source text (truncated).
    Unknown(String),
}

impl UrlSource {
    /// The code or the configuration decides scheme and host.
    pub fn fixes_host(&self) -> bool {
        matches!(
            self,
            UrlSource::Literal(_)
                | UrlSource::FixedOrigin(_)
                | UrlSource::Env(_)
                | UrlSource::Configured(_)
        )
    }
}

/// The `redirect` option of a fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// Not given: fetch follows redirects.
    Absent,
    /// A literal (`'manual'`, `'error'`, `'follow'`).
    Literal(Spanned<String>),
    /// Not a literal.
    Dynamic(Span),
}

/// A call to the global `fetch` (not service-binding `env.X.fetch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchCall {
    /// The call.
    pub span: Span,
    /// The URL argument (or the `new Request(url)` URL).
    pub url_span: Span,
    /// Where the URL comes from.
    pub url: UrlSource,
    /// Callees the URL (or a variable it was derived from) passed through or
    /// was given to earlier in the same function: guard candidates for NET004
    /// (`isPublicUrl`, `validateUrl`, `ALLOWED_HOSTS.includes`, `URL`).
    pub guards: Vec<Spanned<String>>,
    /// The `redirect` option.
    pub redirect: Redirect,
    /// Enclosing function.
    pub function: FunctionId,
}

// ---------------------------------------------------------------------------
// CORS, cookies, Better Auth
// ---------------------------------------------------------------------------

/// A boolean-ish option value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// Literal `true`.
    True,
    /// Literal `false`.
    False,
    /// Not a literal (`secure: isProduction`).
    Dynamic,
}

/// A boolean option as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagSetting {
    /// Its value.
    pub value: Flag,
    /// The whole property (`secure: false`): the span to report.
    pub span: Span,
}

/// A string option as written (`sameSite: 'none'`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringSetting {
    /// The literal value, `None` when not a literal.
    pub value: Option<String>,
    /// The whole property.
    pub span: Span,
}

/// The CORS `origin` option.
#[derive(Clone, Debug, PartialEq)]
pub enum CorsOrigin {
    /// No `origin` (Hono and itty default to `*`).
    Absent,
    /// A string literal (possibly `'*'`).
    Literal(String),
    /// An array; literal entries with spans, `has_dynamic` if any entry is not a literal.
    List {
        entries: Vec<Spanned<String>>,
        has_dynamic: bool,
    },
    /// A callback; see its `origin_checks`.
    Function {
        function: FunctionId,
        /// The callback returns its first parameter with no origin check
        /// on it anywhere in the callback (reflects any origin).
        returns_argument_unchecked: bool,
    },
    /// Anything else (env value, variable); source text (truncated).
    Dynamic(String),
}

/// A `cors({...})` call.
#[derive(Clone, Debug, PartialEq)]
pub struct CorsConfig {
    /// The call.
    pub span: Span,
    /// `cors`, `createCors`.
    pub callee: String,
    /// The `origin` option.
    pub origin: CorsOrigin,
    /// The `origin` property (or the call when absent).
    pub origin_span: Span,
    /// `credentials` option.
    pub credentials: Option<FlagSetting>,
    /// Enclosing function.
    pub function: FunctionId,
}

/// Cookie attribute flags as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieAttrs {
    /// `httpOnly` / `HttpOnly`.
    pub http_only: Option<FlagSetting>,
    /// `secure` / `Secure`.
    pub secure: Option<FlagSetting>,
    /// `sameSite` / `SameSite=...`.
    pub same_site: Option<StringSetting>,
}

/// How a cookie is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieVia {
    /// Hono `setCookie(c, name, value, opts)` / `setSignedCookie(c, name, value, secret, opts)`.
    SetCookie,
    /// `serialize(name, value, opts)` (cookie package, `cookie.serialize`).
    Serialize,
    /// A literal `Set-Cookie` header value (`'sid=...; HttpOnly; Secure'`).
    SetCookieHeader,
}

/// A cookie write (AUTH001).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieWrite {
    /// The call or header value.
    pub span: Span,
    /// How.
    pub via: CookieVia,
    /// Cookie name when literal.
    pub name: Option<Spanned<String>>,
    /// Attributes found.
    pub attrs: CookieAttrs,
    /// False when the options are not an object literal (or a local const of
    /// one) or a literal header string: attributes cannot be judged.
    pub options_known: bool,
    /// Enclosing function.
    pub function: FunctionId,
}

/// Cookie attributes under a name (`advanced.cookies.session_token.attributes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedCookieAttrs {
    /// The cookie key (`session_token`).
    pub name: String,
    /// The `attributes` object.
    pub span: Span,
    /// Its flags.
    pub attrs: CookieAttrs,
}

/// A `betterAuth({...})` call (AUTH001, AUTH007).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BetterAuthConfig {
    /// The call.
    pub span: Span,
    /// Whether the options were an object literal (or a local const of one);
    /// when false, absent settings mean "unknown", not "default".
    pub options_known: bool,
    /// `advanced.useSecureCookies`.
    pub use_secure_cookies: Option<FlagSetting>,
    /// `advanced.disableCSRFCheck`.
    pub disable_csrf_check: Option<FlagSetting>,
    /// `advanced.defaultCookieAttributes` (span of the object, flags).
    pub default_cookie_attributes: Option<(Span, CookieAttrs)>,
    /// `advanced.cookies.<name>.attributes`.
    pub cookies: Vec<NamedCookieAttrs>,
    /// `emailAndPassword.enabled`.
    pub email_and_password: Option<FlagSetting>,
    /// The `rateLimit` option: `Some` when present, with its `enabled` flag
    /// (`Flag::True` when the object leaves `enabled` out: on by default).
    pub rate_limit: Option<FlagSetting>,
    /// Callee names of `plugins: [...]` entries (`captcha`, `anonymous`, `admin`).
    pub plugins: Vec<Spanned<String>>,
    /// False when `plugins` is present but not an array literal, or holds a
    /// spread or an entry that is not a call/name: `plugins` may be incomplete.
    pub plugins_known: bool,
    /// Enclosing function.
    pub function: FunctionId,
}

impl BetterAuthConfig {
    /// The plugin call with this callee name (last segment), if configured.
    pub fn plugin(&self, name: &str) -> Option<&Spanned<String>> {
        self.plugins
            .iter()
            .find(|p| p.value.rsplit('.').next() == Some(name))
    }
}

// ---------------------------------------------------------------------------
// Module structure
// ---------------------------------------------------------------------------

/// What an import binds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// `import { x } from` / `import { x as y } from`: the exported name.
    Named(CompactString),
    /// `import x from`.
    Default,
    /// `import * as ns from`.
    Namespace,
}

/// One local name bound by an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedName {
    /// What is imported.
    pub imported: Imported,
    /// The local name.
    pub local: CompactString,
    /// The specifier.
    pub span: Span,
}

/// How a module is imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// `import ... from '...'` (including side-effect `import '...'`).
    Static,
    /// `import('...')` with a literal specifier.
    Dynamic,
    /// `require('...')` with a literal specifier.
    Require,
}

/// An import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The module specifier (`./routes/admin`, `hono`).
    pub source: Spanned<CompactString>,
    /// Local names bound (empty for side-effect and dynamic imports).
    pub names: Vec<ImportedName>,
    /// `import type`.
    pub type_only: bool,
    /// Static, dynamic or require.
    pub kind: ImportKind,
    /// The whole declaration / call.
    pub span: Span,
}

/// What kind of export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// `export const/let/function/class x` or `export { x as y }`.
    Local,
    /// `export default ...`, `export { x as default }`, `export = x`.
    Default,
    /// `export { x as y } from '...'`.
    ReExport { source: String },
    /// `export * from '...'` / `export * as ns from '...'` (`exported` is
    /// `*` or `ns`).
    ReExportAll { source: String },
}

/// The key of an [`ExportedProperty`] that stands for keys not written out:
/// a spread (`...handlers`) or a computed key.
pub const SPREAD_KEY: &str = "...";

/// A property of an exported object (`export default { fetch: app.fetch }`)
/// or a method of an exported class.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedProperty {
    /// The key (`fetch`, `scheduled`, `queue`).
    pub key: String,
    /// Its value.
    pub value: ValueRef,
    /// The property.
    pub span: Span,
}

/// What an export's value is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportValue {
    /// A single value (`export default app`, `export const x = ...`).
    Value(ValueRef),
    /// An object literal (`export default { fetch }`).
    Object(Vec<ExportedProperty>),
    /// A class (`export default class extends WorkerEntrypoint { fetch() {} }`),
    /// boxed: rare, and three times the size of the other variants.
    Class(Box<ExportedClass>),
    /// A call wrapping a handler (`Sentry.withSentry(cfg, handler)`,
    /// `instrument(handler, cfg)`, `withAuth(handler)`), boxed like `Class`.
    Wrapped(Box<WrappedCall>),
    /// No value here (re-exports, `export let x;`, type-only exports).
    None,
}

/// A call whose arguments may hold the handler it wraps.
#[derive(Clone, Debug, PartialEq)]
pub struct WrappedCall {
    /// The callee text (`Sentry.withSentry`).
    pub callee: String,
    /// The arguments: names, inline functions, object literals (nested
    /// wrappers are `Wrapped`).
    pub args: Vec<ExportValue>,
}

/// An exported class.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedClass {
    pub name: Option<String>,
    /// `extends` clause text.
    pub extends: Option<String>,
    pub methods: Vec<ExportedProperty>,
}

/// An export.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// The exported name (`default` for the default export, `*` for `export *`).
    pub exported: CompactString,
    /// The local binding exported, when there is one (`app` in
    /// `export default app` or `export { app as default }`).
    pub local: Option<CompactString>,
    /// Kind.
    pub kind: ExportKind,
    /// The value, when written here.
    pub value: ExportValue,
    /// The export declaration / specifier.
    pub span: Span,
}

/// A top-level variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleConst {
    /// Its name.
    pub name: CompactString,
    /// The declarator.
    pub span: Span,
    /// The initializer, when present.
    pub init_span: Option<Span>,
    /// `const` (not `let`/`var`).
    pub is_const: bool,
    /// Its value is built only from literals (rules/DB003.md: usable as a
    /// constant substitution).
    pub literal_only: bool,
    /// Exported from this module.
    pub exported: bool,
}

thread_local! {
    /// One parse arena per thread, reset between files: creating and
    /// freeing an arena for every file costs about as much as parsing a
    /// small one.
    static ARENA: std::cell::Cell<Option<Allocator>> = const { std::cell::Cell::new(None) };
}

/// Sources up to this size skip the nesting pre-scan on the parse threads:
/// each level of nesting takes at least one byte, and 32 KiB of the densest
/// nesting there is (`!!!…`, `((…))`, `a=>a=>…`, `<a><a>…`, `${`${…}`}`,
/// `if(a)if(a)…` and twenty more) parses on [`crate::formats::PARSE_STACK_BYTES`]
/// of stack, so half that leaves a 2x margin; the visitor's own limit
/// ([`MAX_VISIT_DEPTH`]) still applies. The pre-scan is a tenth of the time
/// spent on a typical file.
const PRESCAN_FREE_BYTES: usize = 16 * 1024;

/// An arena that grew past this while parsing a large file is freed
/// rather than kept for the next file.
const KEEP_ARENA_BYTES: usize = 16 * 1024 * 1024;

/// Parses `text` (a file at `path`; the extension picks TS/JS/JSX) and
/// extracts its facts. A syntax error, or nesting beyond the limits, is a
/// `ParseFailure` at the first problem.
pub fn extract(text: &str, path: &str) -> Result<JsFacts, ParseFailure> {
    if text.len() > PRESCAN_FREE_BYTES || !crate::formats::on_parse_stack() {
        prescan::check_nesting(text)?;
    }
    let source_type = SourceType::from_path(path).unwrap_or_else(|_| SourceType::ts());
    let mut allocator = ARENA.with(|arena| arena.take()).unwrap_or_default();
    let facts = extract_in(&allocator, text, source_type);
    // Everything the AST held is dropped with the reset; the facts are owned.
    allocator.reset();
    if allocator.capacity() <= KEEP_ARENA_BYTES {
        ARENA.with(|arena| arena.set(Some(allocator)));
    }
    facts
}

fn extract_in(
    allocator: &Allocator,
    text: &str,
    source_type: SourceType,
) -> Result<JsFacts, ParseFailure> {
    let options = ParseOptions {
        allow_return_outside_function: source_type.is_commonjs(),
        ..ParseOptions::default()
    };
    let ret = Parser::new(allocator, text, source_type)
        .with_options(options)
        .parse();
    if let Some(first) = ret.diagnostics.errors().next() {
        let label = first
            .labels
            .iter()
            .find(|l| l.primary())
            .or_else(|| first.labels.first());
        let span = label
            .map(|l| {
                let start = l.offset() as usize;
                Span::new(start, start.saturating_add(l.len() as usize))
            })
            .unwrap_or_default();
        return Err(ParseFailure::new(span, first.message.to_string()));
    }
    if ret.panicked {
        return Err(ParseFailure::new(
            Span::default(),
            "the parser could not read this file",
        ));
    }
    let program = allocator.alloc(ret.program);
    visitor::Extractor::run(text, program)
}
