//! SQL sinks and how their argument was built (DB003), SQL-looking strings
//! built by interpolation anywhere (DB004), and the small "is this value
//! constant" evaluation both share (rules/DB003.md's safe list).

use compact_str::CompactString;
use oxc_ast::ast::{
    Argument, BinaryExpression, BinaryOperator, CallExpression, ConditionalExpression, Expression,
    IfStatement, ObjectExpression, Statement, SwitchStatement, TemplateLiteral, UnaryOperator,
};
use oxc_span::GetSpan;

use super::expr::{
    Callee, MAX_HELPER_DEPTH, Member, arg, as_call, as_object, chunk_text, exits, ident_name,
    key_name, last_segment, member_parts, method_call, object_prop, path_text, sp, unwrap,
    unwrap_await,
};
use super::visitor::{BindKind, Extractor, MAX_PUSHED, ParamHelper, UseCtx, key};
use super::{
    FunctionId, ImportKind, Imported, SafeReason, SqlClass, SqlEffect, SqlFlow, SqlOrigin, SqlSink,
    SqlString, SqlStringKind, UnsafeReason,
};
use crate::span::Spanned;

/// Sink methods whose first argument is SQL text.
const SINK_METHODS: &[&str] = &[
    "prepare",
    "exec",
    "query",
    "unsafe",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
];

/// Methods that keep a constant receiver constant.
const STRING_METHODS: &[&str] = &[
    "toString",
    "toUpperCase",
    "toLowerCase",
    "trim",
    "trimStart",
    "trimEnd",
    "repeat",
    "padStart",
    "padEnd",
    "slice",
    "substring",
    "replace",
    "replaceAll",
    "concat",
    "at",
    "charAt",
    "split",
    "sort",
    "reverse",
    "flat",
    "keys",
    "values",
];

/// Whether `text` reads like SQL: a statement keyword followed by a clause
/// keyword, both upper-case, or both lower-case with the statement keyword
/// first (so English prose such as "Select a file from …" is not SQL).
pub(super) fn sql_like(text: &str) -> bool {
    const STATEMENTS: &[&str] = &[
        "select", "insert", "update", "delete", "replace", "upsert", "merge",
    ];
    const CLAUSES: &[&str] = &["from", "into", "set", "where", "values"];
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let upper = w.bytes().all(|b| b.is_ascii_uppercase());
        let lower = w.bytes().all(|b| b.is_ascii_lowercase());
        if !(upper || lower) || !STATEMENTS.contains(&w.to_ascii_lowercase().as_str()) {
            continue;
        }
        if lower && i != 0 {
            continue;
        }
        let found = words[i + 1..].iter().any(|c| {
            let same_style = if upper {
                c.bytes().all(|b| b.is_ascii_uppercase())
            } else {
                c.bytes().all(|b| b.is_ascii_lowercase())
            };
            same_style && CLAUSES.contains(&c.to_ascii_lowercase().as_str())
        });
        if found {
            return true;
        }
    }
    false
}

/// What the written text of a SQL argument does beyond reading and writing
/// rows, the strongest over its `;`-separated statements (`--` comments
/// skipped). Text that is not written out (a `${...}` part) reads as a
/// word break, so `DELETE FROM ${t} WHERE ...` keeps its `WHERE`.
pub(crate) fn sql_effect(text: &str) -> Option<SqlEffect> {
    const HOLDS_DATA: &[&str] = &["table", "database", "schema"];
    const SCHEMA_ONLY: &[&str] = &["view", "index", "trigger"];
    let mut strongest = None;
    for statement in text.split(';') {
        let words: Vec<String> = statement
            .lines()
            .map(|l| l.split("--").next().unwrap_or(""))
            .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let has = |w: &str| words.iter().any(|x| x == w);
        let effect = match words.first().map(String::as_str) {
            Some("drop")
                if words
                    .get(1)
                    .is_some_and(|w| HOLDS_DATA.contains(&w.as_str())) =>
            {
                Some(SqlEffect::Destructive)
            }
            Some("drop")
                if words
                    .get(1)
                    .is_some_and(|w| SCHEMA_ONLY.contains(&w.as_str())) =>
            {
                Some(SqlEffect::Schema)
            }
            Some("truncate") => Some(SqlEffect::Destructive),
            Some("alter") if has("drop") => Some(SqlEffect::Destructive),
            Some("delete") if has("from") && !has("where") => Some(SqlEffect::Destructive),
            Some("create") if words.iter().take(4).any(|w| w == "table") => {
                let guarded = words.windows(3).any(|w| w == ["if", "not", "exists"]);
                (!guarded).then_some(SqlEffect::Schema)
            }
            _ => None,
        };
        strongest = strongest.max(effect);
    }
    strongest
}

/// Whether an `exec` receiver runs shell commands rather than SQL:
/// `child_process` (`cp`, `childProcess`), a sandbox, container, shell or
/// executor object.
fn is_command_runner(receiver: &str) -> bool {
    const RUNNERS: &[&str] = &[
        "sandbox",
        "shell",
        "executor",
        "process",
        "container",
        "terminal",
        "ssh",
        "docker",
        "spawn",
        "runner",
        "execa",
    ];
    let name = last_segment(receiver).to_ascii_lowercase();
    // Suffixes, not substrings: `env.PROCESSING_DB` is a database.
    name == "cp" || name == "proc" || RUNNERS.iter().any(|r| name.ends_with(r))
}

/// Whether `text` holds a SQL statement keyword as a word, in any case
/// (weaker than [`sql_like`]: DDL and fragments count).
fn has_sql_keyword(text: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "select", "insert", "update", "delete", "create", "drop", "alter", "pragma", "upsert",
        "merge", "truncate", "vacuum", "attach", "detach", "reindex", "grant", "revoke", "explain",
        "where", "from", "values",
    ];
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)))
}

fn looks_like_html(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// `?${n}` / `$${n}`: the chunk before a substitution ends with a placeholder sigil.
fn is_placeholder_prefix(chunk: &str) -> bool {
    let mut rev = chunk.chars().rev();
    match rev.next() {
        Some('?' | '$') => !matches!(rev.next(), Some('\'' | '"' | '`')),
        _ => false,
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

fn template_preview(t: &TemplateLiteral<'_>) -> String {
    let mut out = String::new();
    for i in 0..t.quasis.len() {
        out.push_str(chunk_text(t, i));
        if i < t.expressions.len() {
            out.push_str("${…}");
        }
    }
    out
}

fn combine(a: SqlClass, b: SqlClass) -> SqlClass {
    match (a, b) {
        (u @ SqlClass::Unsafe { .. }, _) | (_, u @ SqlClass::Unsafe { .. }) => u,
        (SqlClass::Safe(x), SqlClass::Safe(y)) => {
            SqlClass::Safe(if x == y { x } else { SafeReason::ConstantParts })
        }
        (u @ SqlClass::Unknown { .. }, _) | (_, u @ SqlClass::Unknown { .. }) => u,
    }
}

/// What a call's callee name alone says about its result (`call_constant`).
enum KnownCall {
    /// Constant whatever the arguments: `Number(x)`, `Math.max(...)`, an escaper.
    Constant,
    /// Constant when the arguments are: `String(x)`, `Object.keys(x)`.
    ConstantArgs,
    /// `Array.from(n, (_, i) => ...)`.
    ArrayFrom,
}

fn flow_for_callee(callee: Callee, is_new: bool) -> SqlFlow {
    let seg = callee.method;
    if callee.text.starts_with("console.") {
        SqlFlow::Console
    } else if seg == "html" {
        SqlFlow::Html
    } else if seg.ends_with("Error") || (is_new && seg.ends_with("Exception")) {
        SqlFlow::Error
    } else {
        SqlFlow::Other
    }
}

/// Whether a callee escapes or quotes a value for SQL, so that its result
/// is safe to splice into SQL text: the drivers' own escapers
/// (`client.escapeIdentifier`, `escapeLiteral`, mysql's `escape` and
/// `escapeId`, `SqlString.escape`) and helpers named for quoting or
/// escaping an identifier or a SQL value (`quoteIdent`,
/// `quotePostgresIdentifier`, `escapeSqlString`). A generic escaper such as
/// `escapeHtml` does not count: it does not make a value safe in SQL.
fn is_sql_escape_function(callee: &str) -> bool {
    let name = last_segment(callee);
    if name == "escape" {
        // `mysql.escape(x)`, `SqlString.escape(x)`; the bare global
        // `escape()` is URL escaping.
        return callee.contains('.');
    }
    if matches!(
        name,
        "escapeId" | "escapeIdentifier" | "escapeLiteral" | "quote_ident"
    ) {
        return true;
    }
    // Asked of most calls: the name's start settles nearly all of them.
    let starts = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if !(starts("quote") || starts("escape")) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    ["ident", "literal", "sql", "column", "table"]
        .iter()
        .any(|what| lower.contains(what))
}

/// Methods that run a prepared D1 statement: their result is rows or
/// the write's metadata (`meta.last_row_id`), i.e. stored data.
const DB_READ_METHODS: &[&str] = &["first", "all", "run", "raw"];

/// Adds `o` to `acc` once.
fn add_origin(acc: &mut Vec<SqlOrigin>, o: SqlOrigin) {
    if !acc.contains(&o) {
        acc.push(o);
    }
}

/// A part of a value: `param.prop`, `f(param)` are not the parameter
/// itself, and a non-constant part of a constant object was changed later.
fn derived(o: SqlOrigin) -> SqlOrigin {
    match o {
        SqlOrigin::Param { index, .. } => SqlOrigin::Param {
            index,
            whole: false,
        },
        SqlOrigin::Constant => SqlOrigin::Unproven,
        other => other,
    }
}

impl<'a> Extractor<'a> {
    /// Where the non-constant parts of SQL text `e` come from (DB003's
    /// severity), never empty: `[Request]` when the walk gives up.
    fn sql_origins(&self, e: &'a Expression<'a>, pos: u32) -> Vec<SqlOrigin> {
        self.refuel();
        let mut acc = Vec::new();
        self.sql_origin_of(e, pos, 0, &mut acc);
        acc.retain(|o| *o != SqlOrigin::Constant);
        if acc.is_empty() {
            // The classification found a non-constant part this walk did
            // not (its budget ran out): keep the finding an error.
            acc.push(SqlOrigin::Request);
        }
        acc
    }

    /// Where each argument of a call of a plain name comes from, one
    /// origin each: request input wins, then a single parameter.
    pub(super) fn arg_origins(
        &self,
        args: &'a [Argument<'a>],
        pos: u32,
    ) -> thin_vec::ThinVec<SqlOrigin> {
        let mut out = thin_vec::ThinVec::with_capacity(args.len());
        for a in args {
            let Some(x) = a.as_expression() else {
                // A spread: positions unknown from here on.
                out.push(SqlOrigin::Request);
                break;
            };
            self.refuel();
            let mut acc = Vec::new();
            self.sql_origin_of(x, pos, 0, &mut acc);
            let params = acc
                .iter()
                .filter(|o| matches!(o, SqlOrigin::Param { .. }))
                .count();
            let one = if acc.contains(&SqlOrigin::Request) || params > 1 {
                SqlOrigin::Request
            } else {
                acc.iter().copied().max().unwrap_or(SqlOrigin::Constant)
            };
            out.push(one);
        }
        out
    }

    /// Whether `call` runs SQL and returns what the database holds: a
    /// D1 statement's `.first()`/`.all()`/`.run()`/`.raw()` (on a
    /// `prepare(...)`/`.bind(...)` chain, directly or through a local), a
    /// `batch`, or a SQL sink that returns rows (`client.query(...)`).
    fn db_read(&self, call: &'a CallExpression<'a>) -> bool {
        let member = member_parts(&call.callee);
        let Some((recv, m, _)) = member else {
            return false;
        };
        if m == "batch" {
            return true;
        }
        if !DB_READ_METHODS.contains(&m) {
            return self.sink_of(call, member).is_some();
        }
        let mut cur = recv;
        for _ in 0..8 {
            match unwrap_await(cur) {
                Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                    Some(b) if b.kind != BindKind::Param => match b.init {
                        Some(init) => cur = init,
                        None => return false,
                    },
                    _ => return false,
                },
                other => {
                    let Some(c) = as_call(other) else {
                        return false;
                    };
                    let Some((inner, im)) = method_call(c) else {
                        return false;
                    };
                    if matches!(im, "prepare" | "bind") {
                        return true;
                    }
                    cur = inner;
                }
            }
        }
        false
    }

    /// Collects into `acc` where the non-constant parts of `e` come from.
    fn sql_origin_of(
        &self,
        e: &'a Expression<'a>,
        pos: u32,
        depth: usize,
        acc: &mut Vec<SqlOrigin>,
    ) {
        let u = unwrap_await(e);
        if depth > MAX_HELPER_DEPTH {
            add_origin(acc, SqlOrigin::Request);
            return;
        }
        let d = depth + 1;
        if matches!(
            u,
            Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_)
        ) || self.is_constant(u, pos, 0, &[])
        {
            add_origin(acc, SqlOrigin::Constant);
            return;
        }
        if self.reads_input(u) {
            add_origin(acc, SqlOrigin::Request);
            return;
        }
        match u {
            Expression::TemplateLiteral(t) => {
                for (i, sub) in t.expressions.iter().enumerate() {
                    if !(is_placeholder_prefix(chunk_text(t, i)) && self.index_like(sub)) {
                        self.sql_origin_of(sub, pos, d, acc);
                    }
                }
            }
            Expression::BinaryExpression(b) => {
                if b.operator == BinaryOperator::Addition {
                    self.sql_origin_of(&b.left, pos, d, acc);
                    self.sql_origin_of(&b.right, pos, d, acc);
                } else {
                    add_origin(acc, SqlOrigin::Constant);
                }
            }
            Expression::LogicalExpression(l) => {
                self.sql_origin_of(&l.left, pos, d, acc);
                self.sql_origin_of(&l.right, pos, d, acc);
            }
            Expression::ConditionalExpression(c) => {
                self.sql_origin_of(&c.consequent, pos, d, acc);
                self.sql_origin_of(&c.alternate, pos, d, acc);
            }
            Expression::Identifier(id) => self.ident_origin(id.name.as_str(), pos, d, acc),
            Expression::TaggedTemplateExpression(t) => {
                let sql = path_text(&t.tag).is_some_and(|p| last_segment(&p) == "sql");
                add_origin(
                    acc,
                    if sql {
                        SqlOrigin::Stored
                    } else {
                        SqlOrigin::Unproven
                    },
                );
            }
            Expression::ArrayExpression(a) => {
                for el in &a.elements {
                    match el {
                        oxc_ast::ast::ArrayExpressionElement::SpreadElement(s) => {
                            self.sql_origin_of(&s.argument, pos, d, acc)
                        }
                        other => {
                            if let Some(x) = other.as_expression() {
                                self.sql_origin_of(x, pos, d, acc);
                            }
                        }
                    }
                }
            }
            Expression::ObjectExpression(o) => {
                for p in &o.properties {
                    match p {
                        oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) => {
                            self.sql_origin_of(&p.value, pos, d, acc)
                        }
                        oxc_ast::ast::ObjectPropertyKind::SpreadProperty(s) => {
                            self.sql_origin_of(&s.argument, pos, d, acc)
                        }
                    }
                }
            }
            Expression::NewExpression(n) => {
                add_origin(acc, SqlOrigin::Unproven);
                let mut parts = Vec::new();
                for a in n.arguments.iter().filter_map(|a| a.as_expression()) {
                    self.sql_origin_of(a, pos, d, &mut parts);
                }
                for o in parts.into_iter().filter(|o| *o != SqlOrigin::Constant) {
                    add_origin(acc, derived(o));
                }
            }
            Expression::ComputedMemberExpression(m) => {
                self.derived_origin(&m.object, pos, d, acc);
            }
            _ => {
                if let Some(call) = as_call(u) {
                    if self.db_read(call) {
                        add_origin(acc, SqlOrigin::Stored);
                        return;
                    }
                    // A call's result is derived from its receiver and
                    // arguments; a constant one of those adds nothing.
                    let mut parts = Vec::new();
                    if let Some((recv, _)) = method_call(call) {
                        self.sql_origin_of(recv, pos, d, &mut parts);
                    } else {
                        add_origin(acc, SqlOrigin::Unproven);
                    }
                    for a in &call.arguments {
                        match a.as_expression() {
                            Some(x) => self.sql_origin_of(x, pos, d, &mut parts),
                            None => {
                                if let Argument::SpreadElement(s) = a {
                                    self.sql_origin_of(&s.argument, pos, d, &mut parts);
                                }
                            }
                        }
                    }
                    if parts.iter().all(|o| *o == SqlOrigin::Constant) {
                        // Not constant itself (`is_constant` said so): an
                        // unknown method of constant values.
                        add_origin(acc, SqlOrigin::Unproven);
                    }
                    for o in parts.into_iter().filter(|o| *o != SqlOrigin::Constant) {
                        add_origin(acc, derived(o));
                    }
                    return;
                }
                if let Some((obj, _, _)) = member_parts(u) {
                    self.derived_origin(obj, pos, d, acc);
                    return;
                }
                add_origin(
                    acc,
                    if self.taint_of(u, 0).is_some() {
                        SqlOrigin::Request
                    } else {
                        SqlOrigin::Unproven
                    },
                );
            }
        }
    }

    /// [`Extractor::sql_origin_of`] for a value a part is derived from.
    fn derived_origin(&self, e: &'a Expression<'a>, pos: u32, d: usize, acc: &mut Vec<SqlOrigin>) {
        let mut inner = Vec::new();
        self.sql_origin_of(e, pos, d, &mut inner);
        for o in inner {
            add_origin(acc, derived(o));
        }
    }

    fn ident_origin(&self, name: &str, pos: u32, d: usize, acc: &mut Vec<SqlOrigin>) {
        let Some(b) = self.lookup(name) else {
            // A global or an import.
            add_origin(acc, SqlOrigin::Unproven);
            return;
        };
        if b.kind == BindKind::Param {
            // Only the judged function's own parameters are resolved through
            // its callers; an enclosing function's are not followed.
            let own = self
                .stack
                .last()
                .and_then(|c| c.bindings.get(name))
                .is_some_and(|x| std::ptr::eq(x, b));
            if b.taint.is_some() || (!own && !b.handler_param) {
                add_origin(acc, SqlOrigin::Request);
            } else if b.handler_param {
                // The framework's context: its request reads are caught
                // where they are written.
                add_origin(acc, SqlOrigin::Unproven);
            } else {
                match b.param_index {
                    Some(index) => add_origin(acc, SqlOrigin::Param { index, whole: true }),
                    None => add_origin(acc, SqlOrigin::Request),
                }
            }
        } else if let Some((from, _)) = b.prop_of {
            self.derived_origin(from, pos, d, acc);
        } else if b.init.is_none() && b.assigns.is_empty() && b.pushed_origins.is_empty() {
            add_origin(
                acc,
                if b.taint.is_some() {
                    SqlOrigin::Request
                } else {
                    SqlOrigin::Unproven
                },
            );
            return;
        }
        if let Some(init) = b.init {
            self.sql_origin_of(init, pos, d, acc);
        }
        // Assignments written before `pos` (an assignment whose value holds
        // the call being judged, `r = await f(r)`, does not count).
        for a in b.assigns.iter().filter(|a| a.span().end <= pos) {
            self.sql_origin_of(a, pos, d, acc);
        }
        for o in &b.pushed_origins {
            add_origin(acc, *o);
        }
    }
}

impl<'a> Extractor<'a> {
    /// Whether `e` is constant at `pos` (fresh evaluation budget).
    pub(super) fn constant_eval(&self, e: &Expression<'a>, pos: u32, idx: &[&str]) -> bool {
        self.refuel();
        self.is_constant(e, pos, 0, idx)
    }

    fn allowlisted(&self, name: &str, pos: u32) -> bool {
        self.stack.iter().any(|c| {
            c.allowlisted
                .iter()
                .any(|(n, from, to)| *n == name && *from <= pos && pos <= *to)
        })
    }

    fn is_constant(&self, e: &Expression<'a>, pos: u32, depth: usize, idx: &[&str]) -> bool {
        if depth > MAX_HELPER_DEPTH || !self.burn() {
            return false;
        }
        let d = depth + 1;
        let u = unwrap_await(e);
        match u {
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_)
            | Expression::BigIntLiteral(_)
            | Expression::RegExpLiteral(_)
            | Expression::UnaryExpression(_)
            | Expression::UpdateExpression(_) => true,
            Expression::TemplateLiteral(t) => self.template_offender(t, pos, d, idx).is_none(),
            Expression::Identifier(id) => {
                self.ident_constant(id.name.as_str(), pos, d, idx)
                    || self.assume_import(id.name.as_str(), None, id.span)
            }
            Expression::BinaryExpression(b) => {
                b.operator != BinaryOperator::Addition
                    || (self.is_constant(&b.left, pos, d, idx)
                        && self.is_constant(&b.right, pos, d, idx))
            }
            Expression::LogicalExpression(l) => {
                self.is_constant(&l.left, pos, d, idx) && self.is_constant(&l.right, pos, d, idx)
            }
            Expression::ConditionalExpression(c) => {
                (self.is_constant(&c.consequent, pos, d, idx)
                    && self.is_constant(&c.alternate, pos, d, idx))
                    || self.allowlist_ternary(c, pos, d)
            }
            Expression::ArrayExpression(a) => {
                a.elements.iter().all(|el| match el.as_expression() {
                    Some(x) => self.is_constant(x, pos, d, idx),
                    None => match el {
                        oxc_ast::ast::ArrayExpressionElement::SpreadElement(s) => {
                            self.is_constant(&s.argument, pos, d, idx)
                        }
                        _ => true,
                    },
                })
            }
            Expression::ObjectExpression(o) => o.properties.iter().all(|p| match p {
                oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) => {
                    self.is_constant(&p.value, pos, d, idx)
                }
                oxc_ast::ast::ObjectPropertyKind::SpreadProperty(s) => {
                    self.is_constant(&s.argument, pos, d, idx)
                }
            }),
            Expression::NewExpression(n) => match ident_name(&n.callee) {
                Some("Array") => true,
                Some("Set" | "Map") => self.args_constant(&n.arguments, pos, d, idx),
                _ => false,
            },
            Expression::ComputedMemberExpression(m) => self.is_constant(&m.object, pos, d, idx),
            _ => {
                if let Some(call) = as_call(u) {
                    return self.call_constant(call, pos, d, idx);
                }
                if let Some((obj, prop, _)) = member_parts(u) {
                    if let Some(ns) = ident_name(obj)
                        && self.assume_import(ns, Some(prop), u.span())
                    {
                        return true;
                    }
                    // A builder's property before the builder itself, so
                    // that an assumed helper is recorded as `f().prop`.
                    return prop == "length"
                        || self.helper_prop_constant(obj, prop, pos, d)
                        || self.is_constant(obj, pos, d, idx);
                }
                false
            }
        }
    }

    /// Runs `f` with imported bindings treated as constants; returns its
    /// result and the imported names it relied on (deduplicated).
    fn assuming_imports<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Spanned<String>>) {
        *self.assumed_imports.borrow_mut() = Some(Vec::new());
        self.refuel();
        let out = f();
        let assumed = self.assumed_imports.borrow_mut().take().unwrap_or_default();
        (out, assumed)
    }

    /// In `assuming_imports` mode: whether `name` (with `member` for a
    /// namespace import, `ns.X`) is an imported binding not shadowed by a
    /// local one, recording it. A namespace object itself is not a constant.
    fn assume_import(&self, name: &str, member: Option<&str>, span: oxc_span::Span) -> bool {
        let mut guard = self.assumed_imports.borrow_mut();
        let Some(list) = guard.as_mut() else {
            return false;
        };
        if self.lookup(name).is_some() {
            return false;
        }
        let Some((import, imported)) = self.facts.import_of(name) else {
            return false;
        };
        if import.kind != ImportKind::Static {
            return false;
        }
        let text = match (&imported.imported, member) {
            (Imported::Namespace, Some(m)) => format!("{name}.{m}"),
            (Imported::Namespace, None) | (_, Some(_)) => return false,
            (_, None) => name.to_string(),
        };
        if !list.iter().any(|s| s.value == text) {
            list.push(Spanned::new(text, sp(span)));
        }
        true
    }

    fn args_constant(&self, args: &[Argument<'a>], pos: u32, d: usize, idx: &[&str]) -> bool {
        args.iter().all(|a| match a.as_expression() {
            Some(x) => self.is_constant(x, pos, d, idx),
            None => false,
        })
    }

    fn ident_constant(&self, name: &str, pos: u32, d: usize, idx: &[&str]) -> bool {
        if idx.contains(&name)
            || matches!(name, "undefined" | "NaN" | "Infinity")
            || self.allowlisted(name, pos)
        {
            return true;
        }
        let Some(b) = self.lookup(name) else {
            return false;
        };
        if b.kind == BindKind::Param && b.numeric && b.taint.is_none() && b.assigns.is_empty() {
            return true;
        }
        if b.kind == BindKind::Param
            && b.taint.is_none()
            && b.assigns.is_empty()
            && let Some(i) = b.param_index
            && self
                .stack
                .last()
                .and_then(|c| c.bindings.get(name))
                .is_some_and(|own| std::ptr::eq(own, b))
            && let Some(list) = self.assumed_params.borrow_mut().as_mut()
        {
            // Judging a helper given constant arguments: its own parameter.
            if !list.contains(&i) {
                list.push(i);
            }
            return true;
        }
        // (Request input among the builder's arguments does not matter:
        // the property is constant whatever they are, or given the ones it
        // needs constant.)
        if let Some((from, prop)) = &b.prop_of
            && b.assigns.is_empty()
        {
            return self.helper_prop_constant(from, prop, pos, d);
        }
        // While judging a helper given its arguments, fragments pushed
        // from them count (`clauses.push(`${column} >= ?`)`).
        let pushes_ok = b.pushes_constant
            || (self.assumed_params.borrow().is_some()
                && b.pushed.len() < MAX_PUSHED
                && b.pushed.iter().all(|x| self.is_constant(x, pos, d, &[])));
        if (b.taint.is_some() && b.init.is_none()) || b.kind == BindKind::Param || !pushes_ok {
            return false;
        }
        let init_ok = match b.init {
            Some(init) => self.is_constant(init, pos, d, &[]),
            None => !b.opaque && !b.assigns.is_empty(),
        };
        init_ok && b.assigns.iter().all(|a| self.is_constant(a, pos, d, &[]))
    }

    /// The identifier a membership test checks (`X.has(id)`, `X.includes(id)`,
    /// `id in X`, `X.indexOf(id) !== -1`) against a constant collection `X`.
    fn membership(&self, e: &Expression<'a>, pos: u32) -> Option<&'a str> {
        let u = unwrap(e);
        if let Expression::BinaryExpression(b) = u {
            if b.operator == BinaryOperator::In {
                let Expression::Identifier(id) = unwrap(&b.left) else {
                    return None;
                };
                let name: &'a str = id.name.as_str();
                return self.is_constant(&b.right, pos, 0, &[]).then_some(name);
            }
            // `X.indexOf(id) !== -1`, `X.indexOf(id) >= 0`, `> -1`
            let positive = matches!(
                b.operator,
                BinaryOperator::StrictInequality
                    | BinaryOperator::Inequality
                    | BinaryOperator::GreaterEqualThan
                    | BinaryOperator::GreaterThan
            );
            if positive {
                return self.index_of_check(&b.left, pos);
            }
            return None;
        }
        let call = as_call(u)?;
        let (recv, m) = method_call(call)?;
        if !matches!(m, "has" | "includes") {
            return None;
        }
        let Expression::Identifier(id) = unwrap(arg(&call.arguments, 0)?) else {
            return None;
        };
        let name: &'a str = id.name.as_str();
        self.is_constant(recv, pos, 0, &[]).then_some(name)
    }

    fn index_of_check(&self, e: &Expression<'a>, pos: u32) -> Option<&'a str> {
        let call = as_call(unwrap(e))?;
        let (recv, "indexOf") = method_call(call)? else {
            return None;
        };
        let Expression::Identifier(id) = unwrap(arg(&call.arguments, 0)?) else {
            return None;
        };
        let name: &'a str = id.name.as_str();
        self.is_constant(recv, pos, 0, &[]).then_some(name)
    }

    /// Identifiers a test rejects when they are not in a constant allowlist:
    /// `!X.has(id)`, `X.indexOf(id) === -1`, `!(id in X)`, and `||` of those.
    fn negated_membership(
        &self,
        e: &Expression<'a>,
        pos: u32,
        out: &mut Vec<&'a str>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        match unwrap(e) {
            Expression::UnaryExpression(u) if u.operator == UnaryOperator::LogicalNot => {
                if let Some(n) = self.membership(&u.argument, pos) {
                    out.push(n);
                }
            }
            Expression::BinaryExpression(b)
                if matches!(
                    b.operator,
                    BinaryOperator::StrictEquality
                        | BinaryOperator::Equality
                        | BinaryOperator::LessThan
                ) =>
            {
                if let Some(n) = self.index_of_check(&b.left, pos) {
                    out.push(n);
                }
            }
            Expression::LogicalExpression(l) if l.operator == oxc_ast::ast::LogicalOperator::Or => {
                self.negated_membership(&l.left, pos, out, depth + 1);
                self.negated_membership(&l.right, pos, out, depth + 1);
            }
            _ => {}
        }
    }

    /// `ALLOWED.includes(x) ? x : 'id'`.
    fn allowlist_ternary(&self, c: &ConditionalExpression<'a>, pos: u32, d: usize) -> bool {
        let Some(name) = self.membership(&c.test, pos) else {
            return false;
        };
        let ok =
            |x: &Expression<'a>| ident_name(x) == Some(name) || self.is_constant(x, pos, d, &[]);
        ok(&c.consequent) && ok(&c.alternate)
    }

    fn call_constant(&self, call: &CallExpression<'a>, pos: u32, d: usize, idx: &[&str]) -> bool {
        let by_name = self.with_path(&call.callee, |callee| match callee? {
            "parseInt" | "parseFloat" | "Number" | "Boolean" | "Number.parseInt"
            | "Number.parseFloat" | "Date.now" | "Array" | "Array.isArray"
            // Generated, not supplied: hex digits and dashes.
            | "crypto.randomUUID" | "randomUUID" => Some(KnownCall::Constant),
            p if p.starts_with("Math.") => Some(KnownCall::Constant),
            "String" | "Object.keys" | "Object.values" | "Object.entries" | "Array.of" => {
                Some(KnownCall::ConstantArgs)
            }
            "Array.from" => Some(KnownCall::ArrayFrom),
            p if is_sql_escape_function(p) => Some(KnownCall::Constant),
            _ => None,
        });
        match by_name {
            Some(KnownCall::Constant) => return true,
            Some(KnownCall::ConstantArgs) => {
                return self.args_constant(&call.arguments, pos, d, idx);
            }
            Some(KnownCall::ArrayFrom) => {
                return match arg(&call.arguments, 1) {
                    Some(f) => self.placeholder_fn(f, pos, d, false),
                    None => self.args_constant(&call.arguments, pos, d, idx),
                };
            }
            None => {}
        }
        if let Expression::Identifier(f) = unwrap(&call.callee) {
            return self.helper_call_constant(
                f.name.as_str(),
                f.span,
                None,
                Some((&call.arguments, pos, d)),
            );
        }
        let Some((recv, m)) = method_call(call) else {
            return false;
        };
        match m {
            "join" => {
                self.is_constant(recv, pos, d, idx)
                    && self.args_constant(&call.arguments, pos, d, idx)
            }
            "map" => arg(&call.arguments, 0).is_some_and(|f| {
                self.placeholder_fn(f, pos, d, self.is_constant(recv, pos, d, idx))
            }),
            "fill" => self.args_constant(&call.arguments, pos, d, idx),
            // A filter keeps some of the elements: those of a constant
            // array, or those a constant allowlist holds
            // (`keys.filter((k) => ALLOWED.has(k))`).
            "filter" => {
                self.is_constant(recv, pos, d, idx)
                    || arg(&call.arguments, 0).is_some_and(|f| self.allowlist_predicate(f, pos))
            }
            "toFixed" | "toPrecision" | "getTime" | "valueOf" => true,
            _ if STRING_METHODS.contains(&m) => {
                self.is_constant(recv, pos, d, idx)
                    && self.args_constant(&call.arguments, pos, d, idx)
            }
            _ => false,
        }
    }

    /// `(k) => ALLOWED.has(k)`: a callback that keeps only its first
    /// argument's values a constant allowlist holds.
    fn allowlist_predicate(&self, f: &Expression<'a>, pos: u32) -> bool {
        let Expression::ArrowFunctionExpression(a) = unwrap(f) else {
            return false;
        };
        let (Some(first), Some(body)) = (a.params.items.first(), a.get_expression()) else {
            return false;
        };
        let Some(param) = first.pattern.get_identifier_name() else {
            return false;
        };
        self.membership(body, pos) == Some(param.as_str())
    }

    /// A call of a named helper of this file (`placeholders(n)`,
    /// `orderBy(sort)`) every return of which is constant; with `prop`, a
    /// helper every return of which is an object literal whose `prop` is
    /// constant (`buildWhere(f).sql` of a builder returning `{ sql, params }`).
    /// A helper not judged yet (declared further down, or imported) counts
    /// as constant only while imports are assumed, and is recorded as
    /// `name()` (`name().prop`) for the rule to check against the defining
    /// file's `constant_fns`.
    fn helper_call_constant(
        &self,
        name: &str,
        span: oxc_span::Span,
        prop: Option<&str>,
        args: Option<(&[Argument<'a>], u32, usize)>,
    ) -> bool {
        // Constant given constant arguments where the helper needs them
        // (`buildClause('created_at', start, end).clause`).
        let given = |helper: Option<&ParamHelper>| {
            let (Some(helper), Some((args, pos, d))) = (helper, args) else {
                return false;
            };
            // A property's own entry, else the whole result's.
            let entry = helper
                .iter()
                .find(|(p, _)| p.is_some() && p.as_deref() == prop)
                .or_else(|| helper.iter().find(|(p, _)| p.is_none()));
            entry.is_some_and(|(_, needs)| {
                needs.iter().all(|&i| match args.get(usize::from(i)) {
                    None => true,
                    Some(a) => a
                        .as_expression()
                        .is_some_and(|x| self.is_constant(x, pos, d, &[])),
                })
            })
        };
        let judged = |whole: Option<&bool>, props: Option<&Vec<CompactString>>| {
            whole == Some(&true)
                || prop.is_some_and(|p| props.is_some_and(|ps| ps.iter().any(|x| x == p)))
        };
        if let Some(b) = self.lookup(name) {
            let Some(init) = b
                .init
                .filter(|_| b.assigns.is_empty() && b.kind == BindKind::Const)
            else {
                return false;
            };
            let fn_span = match unwrap(init) {
                Expression::ArrowFunctionExpression(f) => f.span,
                Expression::FunctionExpression(f) => f.span,
                _ => return false,
            };
            let k = key(fn_span);
            return judged(self.helper_fns.get(&k), self.helper_props.get(&k))
                || given(self.param_helpers.get(&k));
        }
        if let Some(whole) = self.module_helpers.get(name) {
            return judged(Some(whole), self.module_helper_props.get(name))
                || given(self.module_param_helpers.get(name));
        }
        let mut guard = self.assumed_imports.borrow_mut();
        let Some(list) = guard.as_mut() else {
            return false;
        };
        if let Some((import, _)) = self.facts.import_of(name)
            && import.kind != ImportKind::Static
        {
            return false;
        }
        let text = match prop {
            Some(p) => format!("{name}().{p}"),
            None => format!("{name}()"),
        };
        if !list.iter().any(|s| s.value == text) {
            list.push(Spanned::new(text, sp(span)));
        }
        true
    }

    /// `prop` of what `e` holds: a call of a helper that returns objects
    /// (`buildWhere(f).sql`, or `w.sql` after `const w = buildWhere(f)`).
    fn helper_prop_constant(&self, e: &Expression<'a>, prop: &str, pos: u32, d: usize) -> bool {
        let call = match unwrap(e) {
            Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                Some(b) if b.assigns.is_empty() && b.kind == BindKind::Const => {
                    match b.init.and_then(|i| as_call(unwrap_await(i))) {
                        Some(c) => c,
                        None => return false,
                    }
                }
                _ => return false,
            },
            other => match as_call(unwrap_await(other)) {
                Some(c) => c,
                None => return false,
            },
        };
        match unwrap(&call.callee) {
            Expression::Identifier(f) => self.helper_call_constant(
                f.name.as_str(),
                f.span,
                Some(prop),
                Some((&call.arguments, pos, d)),
            ),
            _ => false,
        }
    }

    /// When a named helper ends (it is still on the stack): whether each
    /// of its returns is constant, or which properties of the object
    /// literals it returns are, for `helper_call_constant`. A function
    /// without returns (an overload signature, a `void` one) is not judged.
    pub(super) fn judge_helper_returns(&mut self) {
        let Some(ctx) = self.stack.last() else { return };
        let Some((name, module_level)) = ctx.helper.clone() else {
            return;
        };
        if ctx.returns.is_empty() {
            return;
        }
        let span = ctx.span;
        let ok = ctx
            .returns
            .iter()
            .all(|(e, pos)| self.constant_eval(e, *pos, &[]));
        let mut props: Vec<CompactString> = Vec::new();
        if !ok {
            let objects: Option<Vec<(&ObjectExpression<'a>, u32)>> = ctx
                .returns
                .iter()
                .map(|(e, pos)| {
                    as_object(unwrap_await(e))
                        .filter(|o| {
                            o.properties.iter().all(|p| {
                                matches!(p, oxc_ast::ast::ObjectPropertyKind::ObjectProperty(_))
                            })
                        })
                        .map(|o| (o, *pos))
                })
                .collect();
            if let Some(objects) = objects
                && let Some((first, _)) = objects.first()
            {
                for p in &first.properties {
                    let oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) = p else {
                        continue;
                    };
                    let Some(k) = key_name(&p.key) else { continue };
                    let all = objects.iter().all(|(o, pos)| {
                        object_prop(o, &k).is_some_and(|v| self.constant_eval(&v.value, *pos, &[]))
                    });
                    if all && !props.iter().any(|x| *x == *k) {
                        props.push(CompactString::from(&*k));
                    }
                }
            }
        }
        let given = if ok {
            Vec::new()
        } else {
            self.judge_given_params(&props)
        };
        self.helper_fns.insert(span, ok);
        if !props.is_empty() {
            self.helper_props.insert(span, props.clone());
        }
        if !given.is_empty() {
            self.param_helpers.insert(span, given.clone());
        }
        if !module_level {
            return;
        }
        if self.module_helpers.contains_key(&name) {
            self.module_param_helpers.remove(&name);
        } else if !given.is_empty() {
            self.module_param_helpers.insert(name.clone(), given);
        }
        let prefix = format!("{name}()");
        if self.module_helpers.contains_key(&name) {
            // Two functions of one name: trust neither.
            self.module_helpers.insert(name.clone(), false);
            self.module_helper_props.remove(&name);
            self.facts
                .constant_fns
                .retain(|n| *n != name && !n.starts_with(prefix.as_str()));
            return;
        }
        self.module_helpers.insert(name.clone(), ok);
        if ok {
            self.facts.constant_fns.push(name.clone());
        }
        for p in &props {
            self.facts
                .constant_fns
                .push(CompactString::from(format!("{prefix}.{p}")));
        }
        if !props.is_empty() {
            self.module_helper_props.insert(name, props);
        }
    }

    /// For a helper whose returns are not constant (or a property of the
    /// objects it returns, other than the constant `props`): whether they
    /// are once its own parameters are taken as constant, and which
    /// parameters that needs. Judged for the helper still on the stack.
    fn judge_given_params(&self, props: &[CompactString]) -> ParamHelper {
        let Some(ctx) = self.stack.last() else {
            return Vec::new();
        };
        let returns = &ctx.returns;
        let given = |check: &dyn Fn() -> bool| -> Option<Vec<u8>> {
            *self.assumed_params.borrow_mut() = Some(Vec::new());
            self.refuel();
            let ok = check();
            let needs = self.assumed_params.borrow_mut().take().unwrap_or_default();
            ok.then_some(needs)
        };
        let mut out: ParamHelper = Vec::new();
        if let Some(needs) = given(&|| {
            returns
                .iter()
                .all(|(e, pos)| self.is_constant(e, *pos, 0, &[]))
        }) {
            out.push((None, needs));
        }
        let objects: Option<Vec<(&ObjectExpression<'a>, u32)>> = returns
            .iter()
            .map(|(e, pos)| as_object(unwrap_await(e)).map(|o| (o, *pos)))
            .collect();
        let Some(objects) = objects else {
            return out;
        };
        let Some((first, _)) = objects.first() else {
            return out;
        };
        for p in &first.properties {
            let oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) = p else {
                continue;
            };
            let Some(k) = key_name(&p.key) else { continue };
            if props.iter().any(|x| *x == *k) || out.iter().any(|(n, _)| n.as_deref() == Some(&*k))
            {
                continue;
            }
            let all = || {
                objects.iter().all(|(o, pos)| {
                    object_prop(o, &k).is_some_and(|v| self.is_constant(&v.value, *pos, 0, &[]))
                })
            };
            if let Some(needs) = given(&all) {
                out.push((Some(CompactString::from(&*k)), needs));
            }
        }
        out
    }

    /// A callback whose result is constant given that its second parameter
    /// (the index) is: `() => '?'`, `(_, i) => \`$${i + 1}\``; with
    /// `element_constant` (a constant receiver), its first parameter too:
    /// `FIELDS.map((f, i) => \`${f} = ?${i + 1}\`)`.
    fn placeholder_fn(
        &self,
        f: &Expression<'a>,
        pos: u32,
        d: usize,
        element_constant: bool,
    ) -> bool {
        let names = |params: &oxc_ast::ast::FormalParameters<'a>| -> Vec<&'a str> {
            let mut out = Vec::new();
            for (i, p) in params.items.iter().enumerate().take(2) {
                if (i == 1 || element_constant)
                    && let Some(n) = p.pattern.get_identifier_name()
                {
                    out.push(n.as_str());
                }
            }
            out
        };
        match unwrap(f) {
            Expression::ArrowFunctionExpression(a) => {
                let idx = names(&a.params);
                if let Some(body) = a.get_expression() {
                    return self.is_constant(body, pos, d, &idx);
                }
                a.get_function_body()
                    .is_some_and(|b| self.returns_constant(&b.statements, pos, d, &idx))
            }
            Expression::FunctionExpression(func) => {
                let idx = names(&func.params);
                func.body
                    .as_ref()
                    .is_some_and(|b| self.returns_constant(&b.statements, pos, d, &idx))
            }
            _ => false,
        }
    }

    fn returns_constant(&self, stmts: &[Statement<'a>], pos: u32, d: usize, idx: &[&str]) -> bool {
        let mut any = false;
        for s in stmts {
            if let Statement::ReturnStatement(r) = s {
                match &r.argument {
                    Some(x) if self.is_constant(x, pos, d, idx) => any = true,
                    _ => return false,
                }
            }
        }
        any
    }

    /// An index-like substitution after a placeholder sigil (`?${i}`).
    fn index_like(&self, e: &Expression<'a>) -> bool {
        let u = unwrap(e);
        let shape = matches!(
            u,
            Expression::Identifier(_)
                | Expression::NumericLiteral(_)
                | Expression::BinaryExpression(_)
                | Expression::UpdateExpression(_)
                | Expression::StaticMemberExpression(_)
                | Expression::CallExpression(_)
        );
        shape && self.taint_of(u, 0).is_none()
    }

    /// The first substitution of `t` that is not constant.
    fn template_offender<'b>(
        &self,
        t: &'b TemplateLiteral<'a>,
        pos: u32,
        d: usize,
        idx: &[&str],
    ) -> Option<&'b Expression<'a>> {
        for (i, sub) in t.expressions.iter().enumerate() {
            if is_placeholder_prefix(chunk_text(t, i)) && self.index_like(sub) {
                continue;
            }
            if !self.is_constant(sub, pos, d, idx) {
                return Some(sub);
            }
        }
        None
    }

    /// Operands of a `+` chain, left to right (marks the inner `+` nodes).
    fn concat_operands(&mut self, b: &'a BinaryExpression<'a>) -> Vec<&'a Expression<'a>> {
        let mut rights = Vec::new();
        let mut cur = b;
        let mut leftmost = None;
        for _ in 0..100_000 {
            self.scratch.concat_seen.insert(key(cur.span));
            rights.push(&cur.right);
            match unwrap(&cur.left) {
                Expression::BinaryExpression(inner)
                    if inner.operator == BinaryOperator::Addition =>
                {
                    cur = inner
                }
                other => {
                    leftmost = Some(other);
                    break;
                }
            }
        }
        let mut out: Vec<&'a Expression<'a>> = leftmost.into_iter().collect();
        out.extend(rights.into_iter().rev());
        out
    }

    fn unsafe_at(&self, reason: UnsafeReason, e: &Expression<'a>, via: Option<String>) -> SqlClass {
        SqlClass::Unsafe {
            reason,
            span: sp(e.span()),
            detail: self.snippet(e.span()),
            via_binding: via,
        }
    }

    /// Classifies a SQL sink argument; `follow` allows one local binding.
    fn classify_sql(
        &self,
        e: &'a Expression<'a>,
        pos: u32,
        follow: bool,
        depth: usize,
    ) -> SqlClass {
        let u = unwrap_await(e);
        if depth > MAX_HELPER_DEPTH {
            return SqlClass::Unknown {
                detail: self.snippet(u.span()),
            };
        }
        let d = depth + 1;
        match u {
            Expression::StringLiteral(_) => SqlClass::Safe(SafeReason::Literal),
            Expression::NumericLiteral(_) => SqlClass::Safe(SafeReason::Number),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
                SqlClass::Safe(SafeReason::Literal)
            }
            Expression::TemplateLiteral(t) => match self.template_offender(t, pos, 0, &[]) {
                None => SqlClass::Safe(SafeReason::ConstantParts),
                Some(x) => self.unsafe_at(UnsafeReason::Interpolation, x, None),
            },
            Expression::TaggedTemplateExpression(t) => {
                if path_text(&t.tag).as_deref() == Some("String.raw") {
                    match self.template_offender(&t.quasi, pos, 0, &[]) {
                        None => SqlClass::Safe(SafeReason::ConstantParts),
                        Some(x) => self.unsafe_at(UnsafeReason::Interpolation, x, None),
                    }
                } else {
                    SqlClass::Safe(SafeReason::TaggedTemplate)
                }
            }
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                let mut operands = Vec::new();
                let mut cur = b;
                for _ in 0..100_000 {
                    operands.push(&cur.right);
                    match unwrap(&cur.left) {
                        Expression::BinaryExpression(inner)
                            if inner.operator == BinaryOperator::Addition =>
                        {
                            cur = inner
                        }
                        _ => {
                            operands.push(&cur.left);
                            break;
                        }
                    }
                }
                operands.reverse();
                match operands
                    .into_iter()
                    .find(|x| !self.is_constant(x, pos, 0, &[]))
                {
                    None => SqlClass::Safe(SafeReason::ConstantParts),
                    Some(x) => self.unsafe_at(UnsafeReason::Concatenation, x, None),
                }
            }
            Expression::ConditionalExpression(c) => combine(
                self.classify_sql(&c.consequent, pos, follow, d),
                self.classify_sql(&c.alternate, pos, follow, d),
            ),
            Expression::LogicalExpression(l) => combine(
                self.classify_sql(&l.left, pos, follow, d),
                self.classify_sql(&l.right, pos, follow, d),
            ),
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                let Some(b) = self.lookup(name) else {
                    return SqlClass::Unknown {
                        detail: name.to_string(),
                    };
                };
                if b.taint.is_some() {
                    return self.unsafe_at(UnsafeReason::RequestInput, u, None);
                }
                if b.kind == BindKind::Param || (b.init.is_none() && b.assigns.is_empty()) {
                    return SqlClass::Unknown {
                        detail: name.to_string(),
                    };
                }
                if !follow {
                    return if self.is_constant(u, pos, 0, &[]) {
                        SqlClass::Safe(SafeReason::LocalBinding)
                    } else {
                        SqlClass::Unknown {
                            detail: name.to_string(),
                        }
                    };
                }
                let parts: Vec<&'a Expression<'a>> = b
                    .init
                    .into_iter()
                    .chain(b.assigns.iter().copied())
                    .collect();
                let mut class = None;
                for p in parts {
                    let c = self.classify_sql(p, pos, false, d);
                    class = Some(match class {
                        None => c,
                        Some(prev) => combine(prev, c),
                    });
                }
                match class {
                    Some(SqlClass::Unsafe {
                        reason,
                        span,
                        detail,
                        ..
                    }) => SqlClass::Unsafe {
                        reason,
                        span,
                        detail,
                        via_binding: Some(name.to_string()),
                    },
                    Some(SqlClass::Safe(_)) => SqlClass::Safe(SafeReason::LocalBinding),
                    Some(other) => other,
                    None => SqlClass::Unknown {
                        detail: name.to_string(),
                    },
                }
            }
            _ => {
                if self.taint_of(u, 0).is_some() {
                    return self.unsafe_at(UnsafeReason::RequestInput, u, None);
                }
                if let Some(call) = as_call(u)
                    && let Some((recv, "concat")) = method_call(call)
                {
                    let mut parts = vec![recv];
                    parts.extend(call.arguments.iter().filter_map(|a| a.as_expression()));
                    return match parts
                        .into_iter()
                        .find(|x| !self.is_constant(x, pos, 0, &[]))
                    {
                        None => SqlClass::Safe(SafeReason::ConstantParts),
                        Some(x) => self.unsafe_at(UnsafeReason::Concatenation, x, None),
                    };
                }
                if self.is_constant(u, pos, 0, &[]) {
                    SqlClass::Safe(SafeReason::ConstantParts)
                } else {
                    SqlClass::Unknown {
                        detail: self.snippet(u.span()),
                    }
                }
            }
        }
    }

    fn is_regex_receiver(&self, recv: &'a Expression<'a>, recv_path: &str) -> bool {
        if self.regex_of(recv).is_some() {
            return true;
        }
        if recv_path.is_empty() {
            return false;
        }
        let written = last_segment(recv_path);
        // camelCase names of regexes (`languageDetectRe`); `VERSION_RE` is
        // below. An all-caps `...RE` may be a binding (`env.STORE`).
        if written.ends_with("Re") || written.ends_with("Rx") {
            return true;
        }
        let n = written.to_ascii_lowercase();
        n == "re"
            || n == "rx"
            || n.ends_with("regex")
            || n.ends_with("regexp")
            || n.ends_with("pattern")
            || n.ends_with("matcher")
            || n.ends_with("_re")
            || (n.len() > 2
                && n.ends_with("re")
                && n.chars().rev().nth(2).is_some_and(|c| c == '_'))
    }

    /// The literal parts of a string built by a template or `+` chain (or
    /// held by a local binding of one), concatenated; `None` when nothing of
    /// it is written out.
    fn written_text(&self, e: &'a Expression<'a>) -> Option<String> {
        let e = self.resolve_init(unwrap_await(e));
        let mut text = String::new();
        let mut stack = vec![e];
        let mut budget = 256;
        while let Some(e) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                return None;
            }
            match unwrap(e) {
                Expression::StringLiteral(s) => text.push_str(s.value.as_str()),
                Expression::TemplateLiteral(t) => {
                    for q in &t.quasis {
                        text.push_str(q.value.raw.as_str());
                        text.push(' ');
                    }
                }
                Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                    stack.push(&b.right);
                    stack.push(&b.left);
                }
                Expression::ConditionalExpression(c) => {
                    stack.push(&c.alternate);
                    stack.push(&c.consequent);
                }
                _ => text.push(' '),
            }
        }
        (!text.trim().is_empty()).then_some(text)
    }

    /// Whether some SQL text of the argument is written in the code: its
    /// own literal parts, or those of any value a local variable it names
    /// is given (`let q = 'UPDATE t SET '; q += ...`).
    fn has_written_text(&self, e: &'a Expression<'a>) -> bool {
        if let Expression::Identifier(id) = unwrap(unwrap_await(e))
            && let Some(b) = self.lookup(id.name.as_str())
        {
            return b
                .init
                .into_iter()
                .chain(b.assigns.iter().copied())
                .any(|v| self.written_text(v).is_some());
        }
        self.written_text(e).is_some()
    }

    /// The SQL argument of a sink call, with the sink method.
    fn sink_of(
        &self,
        call: &'a CallExpression<'a>,
        member: Member<'a>,
    ) -> Option<(&'static str, &'a Expression<'a>)> {
        let (recv, m, _) = member?;
        if m != "raw" && !SINK_METHODS.contains(&m) {
            return None;
        }
        let recv_path = path_text(recv).unwrap_or_default();
        let method: &'static str = match SINK_METHODS.iter().find(|s| **s == m) {
            Some(s) => s,
            None if m == "raw" && matches!(last_segment(&recv_path), "Prisma" | "sql") => "raw",
            None => return None,
        };
        let last = last_segment(&recv_path).to_ascii_lowercase();
        if method == "query"
            && (last == "req" || last == "request" || last == "url" || last == "searchparams")
        {
            return None;
        }
        if method == "exec"
            && (self.is_regex_receiver(recv, &recv_path) || is_command_runner(&recv_path))
        {
            return None;
        }
        let first = arg(&call.arguments, 0)?;
        // `exec` and `query` also name shell commands (`cp.exec`), GraphQL
        // and search clients: text whose written parts hold no SQL keyword
        // is not SQL.
        if matches!(method, "exec" | "query")
            && self
                .written_text(first)
                .is_some_and(|text| !has_sql_keyword(&text))
        {
            return None;
        }
        if method == "query"
            && let Some(obj) = as_object(first)
        {
            return object_prop(obj, "text").map(|p| (method, &p.value));
        }
        Some((method, first))
    }

    /// Records how each argument of a call/`new` is used, for DB004 flows.
    pub(super) fn sql_contexts_for_args(
        &mut self,
        callee: Callee,
        args: &'a [Argument<'a>],
        is_new: bool,
        sink_arg: Option<oxc_span::Span>,
    ) {
        let flow = flow_for_callee(callee, is_new);
        for a in args {
            let Some(e) = a.as_expression() else { continue };
            let u = unwrap_await(e);
            let f = if sink_arg == Some(u.span()) {
                SqlFlow::Sink
            } else {
                flow
            };
            match u {
                Expression::Identifier(id) => self.attribute_use(id.name.as_str(), f),
                Expression::ObjectExpression(o) if f == SqlFlow::Error => {
                    for p in &o.properties {
                        if let oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) = p {
                            self.note_sql_context(&p.value, UseCtx::Flow(SqlFlow::Error));
                        }
                    }
                }
                _ => self.note_sql_context(u, UseCtx::Flow(f)),
            }
        }
    }

    pub(super) fn sql_on_call(
        &mut self,
        call: &'a CallExpression<'a>,
        callee: Callee,
        member: Member<'a>,
    ) {
        if let Some((recv, m, _)) = member
            && matches!(m, "push" | "unshift")
            && let Some(name) = ident_name(recv)
            && self.lookup(name).is_some()
        {
            let mut pushed = Vec::new();
            for a in &call.arguments {
                match a.as_expression() {
                    Some(x) if self.constant_eval(x, call.span.start, &[]) => {}
                    Some(x) => pushed.push(x),
                    None => {
                        if let Argument::SpreadElement(s) = a {
                            pushed.push(&s.argument);
                        }
                    }
                }
            }
            let mut origins = Vec::new();
            for x in &pushed {
                self.refuel();
                self.sql_origin_of(x, call.span.start, 0, &mut origins);
            }
            // Pushed from a nested function (a callback): its parameters'
            // callers are not seen.
            let own = self
                .stack
                .last()
                .is_some_and(|c| c.bindings.contains_key(name));
            if let Some(b) = self.lookup_mut(name) {
                b.pushes_constant &= pushed.is_empty();
                for x in pushed {
                    if b.pushed.len() < MAX_PUSHED {
                        b.pushed.push(x);
                    }
                }
                for o in origins {
                    let o = match o {
                        SqlOrigin::Param { .. } if !own => SqlOrigin::Request,
                        other => other,
                    };
                    add_origin(&mut b.pushed_origins, o);
                }
            }
        }
        // `ALLOWED.forEach((col) => ...)`: the callback's element is constant.
        if let Some((recv, m, _)) = member
            && matches!(
                m,
                "forEach" | "map" | "flatMap" | "filter" | "some" | "every" | "find"
            )
            && let Some(f) = arg(&call.arguments, 0)
            && let Some(fs) = super::expr::function_span(f)
            && self.constant_eval(recv, call.span.start, &[])
        {
            self.scratch.constant_element_fns.insert(key(fs));
        }
        let sink = self.sink_of(call, member);
        let sink_span = sink.map(|(_, a)| unwrap_await(a).span());
        self.sql_contexts_for_args(callee, &call.arguments, false, sink_span);
        let Some((method, sql_arg)) = sink else {
            return;
        };
        if let Some(s) = sink_span {
            self.contexts.insert(key(s), UseCtx::Flow(SqlFlow::Sink));
            if let Some(name) = ident_name(sql_arg) {
                self.attribute_use(name, SqlFlow::Sink);
            }
        }
        self.refuel();
        let mut class = self.classify_sql(sql_arg, call.span.start, true, 0);
        let mut imported_parts = Vec::new();
        if class.is_unsafe() {
            // Imported bindings cannot be judged here: when they are the only
            // offenders, list them; otherwise point at an offender that is not one.
            let (again, assumed) =
                self.assuming_imports(|| self.classify_sql(sql_arg, call.span.start, true, 0));
            match again {
                SqlClass::Safe(_) => imported_parts = assumed,
                u @ SqlClass::Unsafe { .. } => class = u,
                SqlClass::Unknown { .. } => {}
            }
        }
        let origins = if class.is_unsafe() {
            self.sql_origins(sql_arg, call.span.start)
        } else {
            Vec::new()
        };
        let text = self.written_text(sql_arg);
        let effect = text.as_deref().and_then(sql_effect);
        self.facts.sql_sinks.push(SqlSink {
            span: sp(call.span),
            callee: callee.text.to_string(),
            method: method.to_string(),
            arg_span: sp(sql_arg.span()),
            class,
            imported_parts,
            origins,
            effect,
            written: text.is_some() || self.has_written_text(sql_arg),
            function: self.cur_id(),
        });
    }

    pub(super) fn sql_on_if(&mut self, s: &'a IfStatement<'a>) {
        self.refuel();
        let mut rejected = Vec::new();
        self.negated_membership(&s.test, s.span.start, &mut rejected, 0);
        if !rejected.is_empty() {
            if exits(&s.consequent) {
                let to = self.cur_end();
                if let Some(ctx) = self.stack.last_mut() {
                    for n in rejected {
                        ctx.allowlisted.push((n, s.span.end, to));
                    }
                }
            }
            return;
        }
        self.refuel();
        if let Some(n) = self.membership(&s.test, s.span.start) {
            let body = s.consequent.span();
            if let Some(ctx) = self.stack.last_mut() {
                ctx.allowlisted.push((n, body.start, body.end));
            }
        }
    }

    pub(super) fn sql_on_switch(&mut self, s: &'a SwitchStatement<'a>) {
        let Expression::Identifier(id) = unwrap(&s.discriminant) else {
            return;
        };
        let all_literal = s.cases.iter().all(|c| {
            c.test.as_ref().is_none_or(|t| {
                matches!(
                    unwrap(t),
                    Expression::StringLiteral(_) | Expression::NumericLiteral(_)
                )
            })
        });
        let default_exits = s.cases.iter().find(|c| c.test.is_none()).is_some_and(|c| {
            c.consequent.iter().any(|st| {
                matches!(
                    st,
                    Statement::ReturnStatement(_) | Statement::ThrowStatement(_)
                ) || exits(st)
            })
        });
        if all_literal && default_exits {
            let name: &'a str = id.name.as_str();
            let to = self.cur_end();
            if let Some(ctx) = self.stack.last_mut() {
                ctx.allowlisted.push((name, s.span.end, to));
            }
        }
    }

    fn initial_flows(&mut self, span: oxc_span::Span, text: &str, index: usize) -> Vec<SqlFlow> {
        if looks_like_html(text) {
            return vec![SqlFlow::Html];
        }
        match self.contexts.get(&key(span)).copied() {
            Some(UseCtx::Flow(f)) => vec![f],
            Some(UseCtx::Bind(name)) => {
                if let Some(ctx) = self.stack.last_mut() {
                    ctx.sql_watch.push((name, index));
                }
                Vec::new()
            }
            None => vec![SqlFlow::Other],
        }
    }

    fn push_sql_string(
        &mut self,
        span: oxc_span::Span,
        kind: SqlStringKind,
        offending: oxc_span::Span,
        text: &str,
        imported_parts: Vec<Spanned<String>>,
    ) {
        let index = self.facts.sql_strings.len();
        let flows = self.initial_flows(span, text, index);
        let function: FunctionId = self.cur_id();
        self.facts.sql_strings.push(SqlString {
            span: sp(span),
            kind,
            offending: sp(offending),
            preview: truncate(text, 120),
            flows,
            imported_parts,
            function,
        });
    }

    pub(super) fn sql_on_template(&mut self, t: &'a TemplateLiteral<'a>) {
        let k = key(t.span);
        if t.expressions.is_empty()
            || self.scratch.tagged.contains(&k)
            || self.scratch.sql_covered.contains(&k)
        {
            return;
        }
        let text = template_preview(t);
        if !sql_like(&text) {
            return;
        }
        self.refuel();
        let Some(off) = self.template_offender(t, t.span.start, 0, &[]) else {
            return;
        };
        let (rest, assumed) =
            self.assuming_imports(|| self.template_offender(t, t.span.start, 0, &[]));
        let (off, imported) = match rest {
            None => (off.span(), assumed),
            Some(real) => (real.span(), Vec::new()),
        };
        self.push_sql_string(t.span, SqlStringKind::Template, off, &text, imported);
    }

    pub(super) fn sql_on_binary(&mut self, b: &'a BinaryExpression<'a>) {
        if b.operator != BinaryOperator::Addition || self.scratch.concat_seen.contains(&key(b.span))
        {
            return;
        }
        let operands = self.concat_operands(b);
        let mut text = String::new();
        for o in &operands {
            match unwrap(o) {
                Expression::StringLiteral(s) => text.push_str(s.value.as_str()),
                Expression::TemplateLiteral(t) => text.push_str(&template_preview(t)),
                _ => text.push_str("${…}"),
            }
            if text.len() > 4096 {
                break;
            }
        }
        if !sql_like(&text) {
            return;
        }
        self.refuel();
        let Some(off) = operands
            .iter()
            .find(|x| !self.is_constant(x, b.span.start, 0, &[]))
        else {
            return;
        };
        let (rest, assumed) = self.assuming_imports(|| {
            operands
                .iter()
                .find(|x| !self.is_constant(x, b.span.start, 0, &[]))
        });
        let (off, imported) = match rest {
            None => (off.span(), assumed),
            Some(real) => (real.span(), Vec::new()),
        };
        for o in &operands {
            if let Expression::TemplateLiteral(t) = unwrap(o) {
                self.scratch.sql_covered.insert(key(t.span));
            }
        }
        self.push_sql_string(b.span, SqlStringKind::Concatenation, off, &text, imported);
    }
}
