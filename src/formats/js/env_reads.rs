//! Env reads (SEC009), comparisons with env values (AUTH005, AUTH003) and
//! "what happens when the secret is missing" branches (AUTH006).

use oxc_ast::ast::{
    BinaryExpression, BinaryOperator, Expression, IfStatement, LogicalOperator, ObjectExpression,
    ReturnStatement, Statement, UnaryOperator,
};
use oxc_span::GetSpan;

use super::expr::{
    self, as_call, ident_name, member_parts, number_value, object_prop, sp, unwrap, unwrap_await,
};
use super::visitor::{BindKind, Extractor, key};
use super::{
    Compared, EnvComparison, EnvRead, EnvReadKind, EnvReadMode, EnvSource, MissingOutcome,
    SecretCheck,
};

/// Names a Hono/Workers handler commonly gives its context object.
const CONTEXT_NAMES: &[&str] = &["c", "ctx", "context", "event", "evt"];

/// Keys whose `true` value means "verification passed".
const SUCCESS_KEYS: &[&str] = &[
    "success", "ok", "valid", "isValid", "verified", "passed", "allowed", "human",
];

pub(super) fn is_equality(op: BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::StrictEquality
            | BinaryOperator::Equality
            | BinaryOperator::StrictInequality
            | BinaryOperator::Inequality
    )
}

fn is_nullish(e: &Expression<'_>) -> bool {
    match unwrap(e) {
        Expression::NullLiteral(_) => true,
        Expression::Identifier(id) => id.name == "undefined",
        Expression::StringLiteral(s) => s.value.is_empty(),
        Expression::UnaryExpression(u) => u.operator == UnaryOperator::Void,
        _ => false,
    }
}

/// `true`/`false` of the first success-ish key of an object literal.
fn success_flag(obj: &ObjectExpression<'_>) -> Option<bool> {
    SUCCESS_KEYS.iter().find_map(|k| {
        object_prop(obj, k).and_then(|p| match unwrap(&p.value) {
            Expression::BooleanLiteral(b) => Some(b.value),
            _ => None,
        })
    })
}

fn is_next_call(e: &Expression<'_>) -> bool {
    as_call(unwrap_await(e)).is_some_and(|c| ident_name(&c.callee) == Some("next"))
}

/// A numeric status >= 400 among the arguments (or `{ status: n }`).
fn has_error_status(args: &[oxc_ast::ast::Argument<'_>]) -> bool {
    args.iter().filter_map(|a| a.as_expression()).any(|e| {
        number_value(e).is_some_and(|n| n >= 400.0)
            || expr::as_object(e).is_some_and(|o| {
                object_prop(o, "status")
                    .and_then(|p| number_value(&p.value))
                    .is_some_and(|n| n >= 400.0)
            })
    })
}

fn classify_value(e: &Expression<'_>) -> MissingOutcome {
    let u = unwrap_await(e);
    match u {
        Expression::BooleanLiteral(b) if b.value => MissingOutcome::ReturnsSuccess,
        Expression::BooleanLiteral(_) => MissingOutcome::Fails,
        Expression::ObjectExpression(o) => match success_flag(o) {
            Some(true) => MissingOutcome::ReturnsSuccess,
            Some(false) => MissingOutcome::Fails,
            None => MissingOutcome::Other,
        },
        _ if is_next_call(u) => MissingOutcome::CallsNext,
        Expression::NewExpression(n) => {
            if has_error_status(&n.arguments) {
                MissingOutcome::Fails
            } else {
                MissingOutcome::Other
            }
        }
        _ => match as_call(u) {
            Some(call) => {
                let objects: Vec<_> = call
                    .arguments
                    .iter()
                    .filter_map(|a| a.as_expression().and_then(expr::as_object))
                    .filter_map(success_flag)
                    .collect();
                if has_error_status(&call.arguments) || objects.contains(&false) {
                    MissingOutcome::Fails
                } else if objects.contains(&true) {
                    MissingOutcome::ReturnsSuccess
                } else {
                    MissingOutcome::Other
                }
            }
            None => MissingOutcome::Other,
        },
    }
}

fn classify_return(r: &ReturnStatement<'_>) -> (MissingOutcome, Option<oxc_span::Span>) {
    match &r.argument {
        None => (MissingOutcome::ReturnsNothing, Some(r.span)),
        Some(e) => (classify_value(e), Some(r.span)),
    }
}

/// What a branch does first: call `next()`, return, throw, or nothing.
pub(super) fn outcome_of(stmt: &Statement<'_>) -> (MissingOutcome, Option<oxc_span::Span>) {
    match stmt {
        Statement::BlockStatement(b) => outcome_of_list(b.body.iter()),
        other => outcome_of_list(std::iter::once(other)),
    }
}

pub(super) fn outcome_of_list<'s, 'a: 's>(
    stmts: impl Iterator<Item = &'s Statement<'a>>,
) -> (MissingOutcome, Option<oxc_span::Span>) {
    for st in stmts {
        match st {
            Statement::ExpressionStatement(es) if is_next_call(&es.expression) => {
                return (MissingOutcome::CallsNext, Some(es.span));
            }
            Statement::ReturnStatement(r) => return classify_return(r),
            Statement::ThrowStatement(t) => return (MissingOutcome::Fails, Some(t.span)),
            _ => {}
        }
    }
    (MissingOutcome::Continues, None)
}

impl<'a> Extractor<'a> {
    /// `env`, `c.env`, `this.env`, `env(c)`, `process.env`, or a local alias
    /// of one: the base text and its source.
    pub(super) fn env_base(&self, e: &Expression<'a>) -> Option<(String, EnvSource)> {
        let u = unwrap(e);
        if let Expression::Identifier(id) = u {
            let name = id.name.as_str();
            // Runs for every `x.y` of the file: only a name bound to an env
            // object, or `env` itself, can be one.
            if name != "env" && !self.stack.iter().any(|c| c.bindings.any_env_object()) {
                return None;
            }
            if let Some(b) = self.lookup(name) {
                if let Some(source) = b.env_object {
                    return Some((name.to_string(), source));
                }
                if b.kind != BindKind::Param && !b.opaque {
                    return None;
                }
            }
            return (name == "env").then(|| ("env".to_string(), EnvSource::Worker));
        }
        if let Some(call) = as_call(u)
            && ident_name(&call.callee) == Some("env")
            && call.arguments.len() == 1
        {
            let arg = expr::arg(&call.arguments, 0)
                .and_then(ident_name)
                .unwrap_or("c");
            return Some((format!("env({arg})"), EnvSource::Worker));
        }
        let (obj, prop, _) = member_parts(u)?;
        if prop != "env" {
            return None;
        }
        match unwrap(obj) {
            Expression::ThisExpression(_) => Some(("this.env".to_string(), EnvSource::Worker)),
            Expression::Identifier(id) => {
                let n = id.name.as_str();
                if n == "process" {
                    Some(("process.env".to_string(), EnvSource::Process))
                } else if CONTEXT_NAMES.contains(&n) || self.is_param(n) {
                    Some((format!("{n}.env"), EnvSource::Worker))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    pub(super) fn record_env_read(
        &mut self,
        name: &str,
        name_span: oxc_span::Span,
        expr_span: oxc_span::Span,
        base: &str,
        source: EnvSource,
        kind: EnvReadKind,
    ) {
        let mode = if self.scratch.written_env.contains(&key(expr_span)) {
            EnvReadMode::Written
        } else if self.scratch.optional_env.contains(&key(expr_span)) {
            EnvReadMode::Optional
        } else {
            EnvReadMode::Required
        };
        self.cur_fn().rare_mut().env_reads.push(EnvRead {
            name: name.to_string(),
            span: sp(name_span),
            expr_span: sp(expr_span),
            base: base.to_string(),
            source,
            kind,
            mode,
        });
    }

    /// A destructured key with a default (`const { X = d } = env`).
    pub(super) fn mark_last_env_read_optional(&mut self) {
        if let Some(read) = self.cur_fn().rare_mut().env_reads.last_mut() {
            read.mode = EnvReadMode::Optional;
        }
    }

    pub(super) fn env_on_member(
        &mut self,
        object: &'a Expression<'a>,
        name: &str,
        name_span: oxc_span::Span,
        span: oxc_span::Span,
    ) {
        if let Some((base, source)) = self.env_base(object) {
            self.record_env_read(name, name_span, span, &base, source, EnvReadKind::Member);
        }
    }

    /// The env value `e` holds: `(name, span, alias)` for `env.X`,
    /// `c.env.X ?? ''`, or a local initialised from one.
    pub(super) fn env_ref(
        &self,
        e: &Expression<'a>,
    ) -> Option<(String, oxc_span::Span, Option<String>)> {
        self.env_ref_at(e, 0)
    }

    fn env_ref_at(
        &self,
        e: &Expression<'a>,
        depth: usize,
    ) -> Option<(String, oxc_span::Span, Option<String>)> {
        if depth > 8 {
            return None;
        }
        let u = unwrap_await(e);
        match u {
            Expression::Identifier(id) => self
                .lookup(id.name.as_str())
                .and_then(|b| b.env.clone())
                .map(|n| (n, id.span, Some(id.name.to_string()))),
            Expression::LogicalExpression(l)
                if matches!(l.operator, LogicalOperator::Coalesce | LogicalOperator::Or)
                    && expr::string_value(&l.right).is_some() =>
            {
                self.env_ref_at(&l.left, depth + 1)
            }
            _ => {
                let (obj, prop, _) = member_parts(u)?;
                self.env_base(obj)?;
                Some((prop.to_string(), u.span(), None))
            }
        }
    }

    pub(super) fn env_alias_of(&self, init: &Expression<'a>) -> Option<String> {
        self.env_ref(init).map(|(n, _, _)| n)
    }

    fn compared(&self, e: &Expression<'a>) -> Compared {
        let u = unwrap(e);
        if is_nullish(u) {
            return Compared::Nullish;
        }
        match u {
            Expression::StringLiteral(s) => Compared::String(s.value.to_string()),
            Expression::NumericLiteral(_) | Expression::BooleanLiteral(_) => Compared::OtherLiteral,
            Expression::Identifier(id) => Compared::Identifier(id.name.to_string()),
            _ => Compared::Expr(self.snippet(u.span())),
        }
    }

    /// An env value inside a template compared as a whole
    /// (`` `Bearer ${env.API_TOKEN}` ``), directly or through a local
    /// initialised with one: the template still holds the secret.
    fn templated_env_ref(
        &self,
        e: &Expression<'a>,
    ) -> Option<(String, oxc_span::Span, Option<String>)> {
        let u = unwrap(e);
        let (template, alias) = match u {
            Expression::TemplateLiteral(t) => (&**t, None),
            Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                Some(b) if b.assigns.is_empty() && b.kind != BindKind::Param => {
                    match b.init.map(unwrap) {
                        Some(Expression::TemplateLiteral(t)) => (&**t, Some(id.name.to_string())),
                        _ => return None,
                    }
                }
                _ => return None,
            },
            _ => return None,
        };
        let mut found = template.expressions.iter().filter_map(|x| self.env_ref(x));
        let first = found.next()?;
        if found.next().is_some() {
            return None;
        }
        let (name, span, inner_alias) = first;
        Some((name, span, alias.or(inner_alias)))
    }

    fn compared_env_ref(
        &self,
        e: &Expression<'a>,
    ) -> Option<(String, oxc_span::Span, Option<String>)> {
        self.env_ref(e).or_else(|| self.templated_env_ref(e))
    }

    pub(super) fn env_on_binary(&mut self, b: &'a BinaryExpression<'a>) {
        if !is_equality(b.operator) {
            return;
        }
        let (env, other) = match (
            self.compared_env_ref(&b.left),
            self.compared_env_ref(&b.right),
        ) {
            (Some(l), _) => (l, &b.right),
            (None, Some(r)) => (r, &b.left),
            (None, None) => return,
        };
        let (env_name, env_span, via_alias) = env;
        let other = self.compared(other);
        self.cur_fn()
            .rare_mut()
            .env_comparisons
            .push(EnvComparison {
                span: sp(b.span),
                operator: b.operator.as_str().to_string(),
                env_name,
                env_span: sp(env_span),
                via_alias,
                other,
            });
    }

    /// `!E`, `E == null`, `E === undefined`, `E === ''`, `!E || ...`.
    fn missing_test(&self, t: &Expression<'a>, depth: usize) -> Option<(String, oxc_span::Span)> {
        if depth > 8 {
            return None;
        }
        match unwrap(t) {
            Expression::UnaryExpression(u) if u.operator == UnaryOperator::LogicalNot => {
                self.env_ref(&u.argument).map(|(n, s, _)| (n, s))
            }
            Expression::BinaryExpression(b)
                if matches!(
                    b.operator,
                    BinaryOperator::StrictEquality | BinaryOperator::Equality
                ) =>
            {
                self.env_compared_with_nullish(b)
            }
            Expression::LogicalExpression(l) if l.operator == LogicalOperator::Or => self
                .missing_test(&l.left, depth + 1)
                .or_else(|| self.missing_test(&l.right, depth + 1)),
            _ => None,
        }
    }

    /// The env value on one side of a comparison whose other side is
    /// `null`/`undefined`.
    fn env_compared_with_nullish(
        &self,
        b: &BinaryExpression<'a>,
    ) -> Option<(String, oxc_span::Span)> {
        let other = if is_nullish(&b.right) {
            &b.left
        } else if is_nullish(&b.left) {
            &b.right
        } else {
            return None;
        };
        self.env_ref(other).map(|(n, s, _)| (n, s))
    }

    /// `E`, `E && ...`, `E !== undefined`.
    fn present_test(&self, t: &Expression<'a>, depth: usize) -> Option<(String, oxc_span::Span)> {
        if depth > 8 {
            return None;
        }
        let u = unwrap(t);
        if let Some((n, s, _)) = self.env_ref(u) {
            return Some((n, s));
        }
        match u {
            Expression::BinaryExpression(b)
                if matches!(
                    b.operator,
                    BinaryOperator::StrictInequality | BinaryOperator::Inequality
                ) =>
            {
                self.env_compared_with_nullish(b)
            }
            Expression::LogicalExpression(l) if l.operator == LogicalOperator::And => self
                .present_test(&l.left, depth + 1)
                .or_else(|| self.present_test(&l.right, depth + 1)),
            _ => None,
        }
    }

    pub(super) fn env_on_if(&mut self, s: &'a IfStatement<'a>) {
        let check = if let Some((name, span)) = self.missing_test(&s.test, 0) {
            let (outcome, at) = outcome_of(&s.consequent);
            (name, span, outcome, at)
        } else if let Some((name, span)) = self.present_test(&s.test, 0) {
            match &s.alternate {
                Some(alt) => {
                    let (outcome, at) = outcome_of(alt);
                    (name, span, outcome, at)
                }
                None => (name, span, MissingOutcome::SkipsCheck, None),
            }
        } else {
            return;
        };
        let (env_name, env_span, when_missing, outcome_span) = check;
        self.cur_fn().rare_mut().secret_checks.push(SecretCheck {
            env_name,
            env_span: sp(env_span),
            span: sp(s.span),
            when_missing,
            outcome_span: outcome_span.map(sp),
        });
    }
}
