//! Small, non-recursive (or depth-bounded) helpers over oxc expressions.

use std::borrow::Cow;

use oxc_ast::ast::{
    Argument, CallExpression, ChainElement, Expression, ObjectExpression, ObjectProperty,
    ObjectPropertyKind, PropertyKey, Statement, TemplateLiteral,
};
use oxc_span::GetSpan;

use super::{Flag, FlagSetting};
use crate::span::Span;

/// Budget for the bounded recursive helpers (value classification, name
/// collection): deeper expressions are treated as "unknown".
pub(super) const MAX_HELPER_DEPTH: usize = 24;

/// Longest member path rendered by [`path_text`].
const MAX_PATH_SEGMENTS: usize = 24;

/// Converts an oxc span.
pub(super) fn sp(s: oxc_span::Span) -> Span {
    Span::new(s.start as usize, s.end as usize)
}

/// Strips parentheses and TypeScript-only wrappers (`as`, `satisfies`, `!`,
/// `<T>x`, instantiation expressions).
pub(super) fn unwrap<'b, 'a>(mut e: &'b Expression<'a>) -> &'b Expression<'a> {
    loop {
        e = match e {
            Expression::ParenthesizedExpression(p) => &p.expression,
            Expression::TSAsExpression(x) => &x.expression,
            Expression::TSSatisfiesExpression(x) => &x.expression,
            Expression::TSNonNullExpression(x) => &x.expression,
            Expression::TSTypeAssertion(x) => &x.expression,
            Expression::TSInstantiationExpression(x) => &x.expression,
            _ => return e,
        };
    }
}

/// [`unwrap`], also through `await`.
pub(super) fn unwrap_await<'b, 'a>(mut e: &'b Expression<'a>) -> &'b Expression<'a> {
    loop {
        e = unwrap(e);
        match e {
            Expression::AwaitExpression(a) => e = &a.argument,
            _ => return e,
        }
    }
}

/// The value of a string literal or a substitution-free template.
pub(super) fn string_value<'b>(e: &'b Expression<'_>) -> Option<&'b str> {
    match unwrap(e) {
        Expression::StringLiteral(s) => Some(s.value.as_str()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => template_single(t),
        _ => None,
    }
}

fn template_single<'b>(t: &'b TemplateLiteral<'_>) -> Option<&'b str> {
    let q = t.quasis.first()?;
    Some(
        q.value
            .cooked
            .as_ref()
            .map_or(q.value.raw.as_str(), |c| c.as_str()),
    )
}

/// A template chunk's text (cooked when valid, raw otherwise).
pub(super) fn chunk_text<'b>(t: &'b TemplateLiteral<'_>, i: usize) -> &'b str {
    t.quasis.get(i).map_or("", |q| {
        q.value
            .cooked
            .as_ref()
            .map_or(q.value.raw.as_str(), |c| c.as_str())
    })
}

/// A number literal's value (also `-n`).
pub(super) fn number_value(e: &Expression<'_>) -> Option<f64> {
    match unwrap(e) {
        Expression::NumericLiteral(n) => Some(n.value),
        _ => None,
    }
}

/// The static name of a property key (identifier, string or number key).
pub(super) fn key_name<'b>(k: &'b PropertyKey<'_>) -> Option<Cow<'b, str>> {
    k.static_name()
}

/// The last property of `obj` with this key (later keys win, as in JS).
pub(super) fn object_prop<'b, 'a>(
    obj: &'b ObjectExpression<'a>,
    key: &str,
) -> Option<&'b ObjectProperty<'a>> {
    obj.properties.iter().rev().find_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) if !p.computed || key_name(&p.key).is_some() => {
            (key_name(&p.key).as_deref() == Some(key)).then_some(&**p)
        }
        _ => None,
    })
}

/// Whether the object has a `...spread` property (so absent keys are unknown).
pub(super) fn has_spread(obj: &ObjectExpression<'_>) -> bool {
    obj.properties
        .iter()
        .any(|p| matches!(p, ObjectPropertyKind::SpreadProperty(_)))
}

/// The object literal `e` is, if it is one.
pub(super) fn as_object<'b, 'a>(e: &'b Expression<'a>) -> Option<&'b ObjectExpression<'a>> {
    match unwrap(e) {
        Expression::ObjectExpression(o) => Some(o),
        _ => None,
    }
}

/// The call `e` is, directly or as an optional chain (`a?.b()`).
pub(super) fn as_call<'b, 'a>(e: &'b Expression<'a>) -> Option<&'b CallExpression<'a>> {
    match unwrap(e) {
        Expression::CallExpression(c) => Some(c),
        Expression::ChainExpression(ch) => match &ch.expression {
            ChainElement::CallExpression(c) => Some(c),
            _ => None,
        },
        _ => None,
    }
}

/// `object.prop` / `object['prop']` / `object?.prop`: the object, the
/// property name and the property's span.
pub(super) fn member_parts<'b, 'a>(
    e: &'b Expression<'a>,
) -> Option<(&'b Expression<'a>, &'b str, oxc_span::Span)> {
    match unwrap(e) {
        Expression::StaticMemberExpression(m) => {
            Some((&m.object, m.property.name.as_str(), m.property.span))
        }
        Expression::ComputedMemberExpression(m) => {
            string_value(&m.expression).map(|k| (&m.object, k, m.expression.span()))
        }
        Expression::ChainExpression(ch) => match &ch.expression {
            ChainElement::StaticMemberExpression(m) => {
                Some((&m.object, m.property.name.as_str(), m.property.span))
            }
            ChainElement::ComputedMemberExpression(m) => {
                string_value(&m.expression).map(|k| (&m.object, k, m.expression.span()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// A call's callee split by [`member_parts`], found once per call and
/// handed to the handlers that ask for the receiver and method.
pub(super) type Member<'a> = Option<(&'a Expression<'a>, &'a str, oxc_span::Span)>;

/// The callee's method name and receiver: `(receiver, "get")` for `app.get(...)`.
pub(super) fn method_call<'b, 'a>(
    call: &'b CallExpression<'a>,
) -> Option<(&'b Expression<'a>, &'b str)> {
    member_parts(&call.callee).map(|(obj, name, _)| (obj, name))
}

/// The identifier name `e` is.
pub(super) fn ident_name<'b>(e: &'b Expression<'_>) -> Option<&'b str> {
    match unwrap(e) {
        Expression::Identifier(id) => Some(id.name.as_str()),
        _ => None,
    }
}

/// An argument's expression (`None` for spread).
pub(super) fn arg<'b, 'a>(args: &'b [Argument<'a>], i: usize) -> Option<&'b Expression<'a>> {
    args.get(i).and_then(|a| a.as_expression())
}

/// The span of `e` if it is an inline function (arrow / function expression).
pub(super) fn function_span(e: &Expression<'_>) -> Option<oxc_span::Span> {
    match unwrap(e) {
        Expression::ArrowFunctionExpression(f) => Some(f.span),
        Expression::FunctionExpression(f) => Some(f.span),
        _ => None,
    }
}

/// One piece of a member/call path.
enum Piece<'b> {
    /// `.name`
    Seg(&'b str),
    /// `.#name`
    Private(&'b str),
    /// `()`
    Call,
    /// The root name (`c`, `this`, `super`).
    Root(&'b str),
    /// The root `new Name()`.
    NewRoot(&'b str),
}

/// The piece `e` contributes and the expression inside it; `None` when `e`
/// cannot be part of a path.
fn step<'b, 'a>(e: &'b Expression<'a>) -> Option<(Option<Piece<'b>>, Option<&'b Expression<'a>>)> {
    let seg = |name: &'b str, next| Some((Some(Piece::Seg(name)), Some(next)));
    let computed = |key: &'b Expression<'a>, next| seg(string_value(key).unwrap_or("[]"), next);
    match e {
        Expression::Identifier(id) => Some((Some(Piece::Root(id.name.as_str())), None)),
        Expression::ThisExpression(_) => Some((Some(Piece::Root("this")), None)),
        Expression::Super(_) => Some((Some(Piece::Root("super")), None)),
        Expression::StaticMemberExpression(m) => seg(m.property.name.as_str(), &m.object),
        Expression::ComputedMemberExpression(m) => computed(&m.expression, &m.object),
        Expression::PrivateFieldExpression(m) => {
            Some((Some(Piece::Private(m.field.name.as_str())), Some(&m.object)))
        }
        Expression::CallExpression(c) => Some((Some(Piece::Call), Some(&c.callee))),
        Expression::AwaitExpression(a) => Some((None, Some(&a.argument))),
        Expression::NewExpression(n) => match unwrap(&n.callee) {
            Expression::Identifier(id) => Some((Some(Piece::NewRoot(id.name.as_str())), None)),
            _ => None,
        },
        Expression::ChainExpression(ch) => match &ch.expression {
            ChainElement::CallExpression(c) => Some((Some(Piece::Call), Some(&c.callee))),
            ChainElement::StaticMemberExpression(m) => seg(m.property.name.as_str(), &m.object),
            ChainElement::ComputedMemberExpression(m) => computed(&m.expression, &m.object),
            ChainElement::PrivateFieldExpression(m) => {
                Some((Some(Piece::Private(m.field.name.as_str())), Some(&m.object)))
            }
            ChainElement::TSNonNullExpression(x) => Some((None, Some(&x.expression))),
        },
        Expression::ParenthesizedExpression(_)
        | Expression::TSAsExpression(_)
        | Expression::TSSatisfiesExpression(_)
        | Expression::TSNonNullExpression(_)
        | Expression::TSTypeAssertion(_)
        | Expression::TSInstantiationExpression(_) => Some((None, Some(unwrap(e)))),
        _ => None,
    }
}

/// Dotted text of a member/call path: `c.env.DB.prepare`,
/// `c.req.header().trim`, `this.env.X`; `None` if the root is not a name.
pub(super) fn path_text(e: &Expression<'_>) -> Option<String> {
    // Room for most paths at once: growing from empty reallocates several
    // times, and measuring first costs a second walk.
    let mut out = String::with_capacity(32);
    write_path(e, &mut out).then_some(out)
}

/// [`path_text`] into `out` (cleared first), which callers reuse: it runs
/// for every call of every file. `false` (and `out` unspecified) when the
/// root is not a name.
pub(super) fn write_path(e: &Expression<'_>, out: &mut String) -> bool {
    out.clear();
    write_from_root(e, out, MAX_PATH_SEGMENTS * 2)
}

/// Writes the path inside `e` (from its root out), then `e`'s own piece;
/// at most `budget` steps deep.
fn write_from_root(e: &Expression<'_>, out: &mut String, budget: usize) -> bool {
    let Some(budget) = budget.checked_sub(1) else {
        return false;
    };
    let Some((piece, inner)) = step(e) else {
        return false;
    };
    if let Some(inner) = inner
        && !write_from_root(inner, out, budget)
    {
        return false;
    }
    match piece {
        Some(Piece::Root(name)) => out.push_str(name),
        Some(Piece::NewRoot(name)) => {
            out.push_str("new ");
            out.push_str(name);
            out.push_str("()");
        }
        Some(Piece::Seg(name)) => {
            out.push('.');
            out.push_str(name);
        }
        Some(Piece::Private(name)) => {
            out.push_str(".#");
            out.push_str(name);
        }
        Some(Piece::Call) => out.push_str("()"),
        None => {}
    }
    true
}

/// The callee text of a call, `?` when it is not a path.
pub(super) fn callee_text(call: &CallExpression<'_>) -> String {
    path_text(&call.callee).unwrap_or_else(|| "?".to_string())
}

/// Whether `haystack` contains one of `needles` (ASCII, lower case),
/// ignoring ASCII case; short haystacks are lower-cased on the stack.
pub(super) fn contains_any_ignore_ascii_case(haystack: &str, needles: &[&str]) -> bool {
    let mut buf = [0u8; 64];
    let owned;
    let lower = match buf.get_mut(..haystack.len()) {
        Some(lower) => {
            lower.copy_from_slice(haystack.as_bytes());
            lower.make_ascii_lowercase();
            // Lower-casing ASCII bytes keeps UTF-8 valid.
            std::str::from_utf8(lower).unwrap_or_default()
        }
        None => {
            owned = haystack.to_ascii_lowercase();
            owned.as_str()
        }
    };
    needles.iter().any(|n| lower.contains(n))
}

/// Whether `text` starts with `prefix`, ignoring ASCII case.
pub(super) fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `text` ends with `suffix`, ignoring ASCII case.
pub(super) fn ends_with_ignore_ascii_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// A call's callee text with its last segment found once: every handler of
/// a call (SQL, CORS, cookies, responses, ...) asks for it.
#[derive(Clone, Copy)]
pub(super) struct Callee<'t> {
    /// The whole dotted text ([`write_path`]).
    pub text: &'t str,
    /// Its last segment ([`last_segment`]).
    pub method: &'t str,
}

impl<'t> Callee<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Callee {
            text,
            method: last_segment(text),
        }
    }

    /// Everything before the last segment (`c.req` for `c.req.json`).
    pub(super) fn receiver(&self) -> Option<&'t str> {
        let end = self.text.len() - self.method.len();
        end.checked_sub(1).map(|dot| &self.text[..dot])
    }
}

/// The last dotted segment of a path.
pub(super) fn last_segment(path: &str) -> &str {
    // Runs several times for every call of every file, on short paths: a
    // plain byte loop beats `rfind`'s searcher (and `rsplit`) several times.
    match path.bytes().rposition(|b| b == b'.') {
        Some(dot) => &path[dot + 1..],
        None => path,
    }
}

/// A one-line excerpt of the source, at most `max` characters.
pub(super) fn snippet(src: &str, span: oxc_span::Span, max: usize) -> String {
    let text = src
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    super::one_line_excerpt(text, max)
}

/// A boolean option's value.
pub(super) fn flag_of(e: &Expression<'_>) -> Flag {
    match unwrap(e) {
        Expression::BooleanLiteral(b) if b.value => Flag::True,
        Expression::BooleanLiteral(_) => Flag::False,
        // `!0` / `!1` (minified booleans).
        Expression::UnaryExpression(u) if u.operator == oxc_ast::ast::UnaryOperator::LogicalNot => {
            match number_value(&u.argument) {
                Some(0.0) => Flag::True,
                Some(_) => Flag::False,
                None => Flag::Dynamic,
            }
        }
        _ => Flag::Dynamic,
    }
}

/// `{ key: value }` → the flag setting for `key`.
pub(super) fn flag_prop(obj: &ObjectExpression<'_>, key: &str) -> Option<FlagSetting> {
    object_prop(obj, key).map(|p| FlagSetting {
        value: flag_of(&p.value),
        span: sp(p.span),
    })
}

/// Whether a statement unconditionally leaves the current block
/// (`return`, `throw`, `continue`, `break`, or a block ending in one).
pub(super) fn exits(stmt: &Statement<'_>) -> bool {
    match stmt {
        Statement::ReturnStatement(_)
        | Statement::ThrowStatement(_)
        | Statement::ContinueStatement(_)
        | Statement::BreakStatement(_) => true,
        Statement::BlockStatement(b) => b.body.iter().any(|s| {
            matches!(
                s,
                Statement::ReturnStatement(_)
                    | Statement::ThrowStatement(_)
                    | Statement::ContinueStatement(_)
                    | Statement::BreakStatement(_)
            )
        }),
        _ => false,
    }
}

/// Collects identifier names read anywhere in `e` (not inside nested
/// functions), bounded in depth, node count and result size.
pub(super) fn names_in(e: &Expression<'_>, out: &mut Vec<String>) {
    let mut budget = 256usize;
    names_rec(e, out, 0, &mut budget);
}

fn names_rec(e: &Expression<'_>, out: &mut Vec<String>, depth: usize, budget: &mut usize) {
    if depth > 12 || *budget == 0 || out.len() >= 32 {
        return;
    }
    *budget -= 1;
    let d = depth + 1;
    match unwrap(e) {
        Expression::Identifier(id) if !out.iter().any(|n| n == id.name.as_str()) => {
            out.push(id.name.to_string());
        }
        Expression::StaticMemberExpression(m) => names_rec(&m.object, out, d, budget),
        Expression::PrivateFieldExpression(m) => names_rec(&m.object, out, d, budget),
        Expression::ComputedMemberExpression(m) => {
            names_rec(&m.object, out, d, budget);
            names_rec(&m.expression, out, d, budget);
        }
        Expression::CallExpression(c) => {
            names_rec(&c.callee, out, d, budget);
            for a in &c.arguments {
                if let Some(x) = a.as_expression() {
                    names_rec(x, out, d, budget);
                }
            }
        }
        Expression::NewExpression(n) => {
            for a in &n.arguments {
                if let Some(x) = a.as_expression() {
                    names_rec(x, out, d, budget);
                }
            }
        }
        Expression::ChainExpression(ch) => match &ch.expression {
            ChainElement::CallExpression(c) => {
                names_rec(&c.callee, out, d, budget);
                for a in &c.arguments {
                    if let Some(x) = a.as_expression() {
                        names_rec(x, out, d, budget);
                    }
                }
            }
            ChainElement::StaticMemberExpression(m) => names_rec(&m.object, out, d, budget),
            ChainElement::ComputedMemberExpression(m) => {
                names_rec(&m.object, out, d, budget);
                names_rec(&m.expression, out, d, budget);
            }
            ChainElement::PrivateFieldExpression(m) => names_rec(&m.object, out, d, budget),
            ChainElement::TSNonNullExpression(x) => names_rec(&x.expression, out, d, budget),
        },
        Expression::BinaryExpression(b) => {
            names_rec(&b.left, out, d, budget);
            names_rec(&b.right, out, d, budget);
        }
        Expression::LogicalExpression(b) => {
            names_rec(&b.left, out, d, budget);
            names_rec(&b.right, out, d, budget);
        }
        Expression::ConditionalExpression(c) => {
            names_rec(&c.test, out, d, budget);
            names_rec(&c.consequent, out, d, budget);
            names_rec(&c.alternate, out, d, budget);
        }
        Expression::UnaryExpression(u) => names_rec(&u.argument, out, d, budget),
        Expression::AwaitExpression(a) => names_rec(&a.argument, out, d, budget),
        Expression::TemplateLiteral(t) => {
            for x in &t.expressions {
                names_rec(x, out, d, budget);
            }
        }
        Expression::TaggedTemplateExpression(t) => {
            for x in &t.quasi.expressions {
                names_rec(x, out, d, budget);
            }
        }
        Expression::ArrayExpression(a) => {
            for el in &a.elements {
                if let Some(x) = el.as_expression() {
                    names_rec(x, out, d, budget);
                }
            }
        }
        Expression::ObjectExpression(o) => {
            for p in &o.properties {
                match p {
                    ObjectPropertyKind::ObjectProperty(p) => names_rec(&p.value, out, d, budget),
                    ObjectPropertyKind::SpreadProperty(s) => names_rec(&s.argument, out, d, budget),
                }
            }
        }
        Expression::SequenceExpression(s) => {
            for x in &s.expressions {
                names_rec(x, out, d, budget);
            }
        }
        Expression::AssignmentExpression(a) => names_rec(&a.right, out, d, budget),
        _ => {}
    }
}
