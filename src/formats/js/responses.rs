//! Responses and HTTP exceptions created with an explicit status (OBS001
//! looks for 401/403; AUTH006 uses error statuses).

use oxc_ast::ast::{Argument, CallExpression, Expression, NewExpression, ObjectPropertyKind};

use super::ResponseFact;
use super::expr::{
    Callee, arg, as_object, chunk_text, contains_any_ignore_ascii_case, number_value, object_prop,
    sp, unwrap,
};
use super::visitor::Extractor;

/// Callee names (lower-case fragments) of helpers that build error responses.
const RESPONSE_HELPERS: &[&str] = &[
    "error",
    "respon",
    "reply",
    "unauthori",
    "forbid",
    "deny",
    "denied",
    "fail",
    "reject",
    "abort",
];

fn status_number(e: &oxc_ast::ast::Expression<'_>) -> Option<u16> {
    let n = number_value(e)?;
    (n.fract() == 0.0 && (100.0..=599.0).contains(&n)).then_some(n as u16)
}

/// A number at `i`, or `{ status: n }` at `i`.
fn status_at(args: &[Argument<'_>], i: usize) -> Option<u16> {
    let e = arg(args, i)?;
    status_number(e).or_else(|| {
        as_object(e)
            .and_then(|o| object_prop(o, "status"))
            .and_then(|p| status_number(&p.value))
    })
}

/// `{ status: n }` anywhere among the arguments.
fn status_in_object(args: &[Argument<'_>]) -> Option<u16> {
    (0..args.len()).find_map(|i| {
        arg(args, i)
            .and_then(as_object)
            .and_then(|o| object_prop(o, "status"))
            .and_then(|p| status_number(&p.value))
    })
}

fn error_number(args: &[Argument<'_>]) -> Option<u16> {
    (0..args.len()).find_map(|i| arg(args, i).and_then(status_number).filter(|s| *s >= 400))
}

/// Bytes of argument text kept per response.
const MAX_TEXT: usize = 240;

/// How deep the argument text is looked for: `c.json({ error: { message:
/// '...' } }, 403)`, `new Response(JSON.stringify({ error: '...' }), ...)`.
const MAX_TEXT_DEPTH: usize = 3;

/// The text literals among a response's arguments (see
/// [`ResponseFact::text`]).
fn literal_text(args: &[Argument<'_>]) -> String {
    let mut out = String::new();
    for i in 0..args.len() {
        if let Some(e) = arg(args, i) {
            push_text(e, 0, &mut out);
        }
    }
    out
}

fn push_text(e: &Expression<'_>, depth: usize, out: &mut String) {
    if out.len() >= MAX_TEXT || depth > MAX_TEXT_DEPTH {
        return;
    }
    let mut add = |text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let mut end = text.len().min(MAX_TEXT.saturating_sub(out.len()));
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&text[..end]);
    };
    match unwrap(e) {
        Expression::StringLiteral(s) => add(s.value.as_str()),
        Expression::TemplateLiteral(t) => {
            for i in 0..t.quasis.len() {
                add(chunk_text(t, i));
            }
        }
        Expression::ObjectExpression(o) => {
            for prop in &o.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = prop {
                    push_text(&p.value, depth + 1, out);
                }
            }
        }
        Expression::CallExpression(c) => {
            for i in 0..c.arguments.len() {
                if let Some(e) = arg(&c.arguments, i) {
                    push_text(e, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

impl<'a> Extractor<'a> {
    fn push_response(
        &mut self,
        status: u16,
        span: oxc_span::Span,
        callee: &str,
        args: &[Argument<'_>],
    ) {
        // Only auth failures need their text (OBS001).
        let text = if matches!(status, 401 | 403) {
            literal_text(args)
        } else {
            String::new()
        };
        self.cur_fn().rare_mut().responses.push(ResponseFact {
            status,
            span: sp(span),
            callee: callee.to_string(),
            text,
        });
    }

    pub(super) fn responses_on_call(&mut self, call: &'a CallExpression<'a>, callee: Callee) {
        let args = &call.arguments;
        // Every form below reads the status from an argument.
        if args.is_empty() {
            return;
        }
        let seg = callee.method;
        let receiver = callee.receiver();
        let status = match seg {
            "json" | "text" | "html" | "body" | "newResponse" | "redirect" => status_at(args, 1),
            "status" => status_at(args, 0),
            "error" => status_at(args, 0).or_else(|| status_at(args, 1)),
            _ => {
                // An error status passed to a helper named like a response
                // (the cheap test first: most calls pass no such number).
                // Every helper fragment is at least four letters long.
                let helper = || {
                    seg.len() >= 4
                        && receiver != Some("console")
                        && contains_any_ignore_ascii_case(seg, RESPONSE_HELPERS)
                };
                error_number(args)
                    .filter(|_| helper())
                    .or_else(|| status_in_object(args))
            }
        };
        if let Some(status) = status {
            self.push_response(status, call.span, callee.text, args);
        }
    }

    pub(super) fn responses_on_new(&mut self, n: &'a NewExpression<'a>, callee: Callee) {
        let args = &n.arguments;
        let seg = callee.method;
        let status = if seg == "Response" {
            status_at(args, 1)
        } else if seg.ends_with("Exception") || seg.ends_with("Error") {
            status_at(args, 0).or_else(|| status_in_object(args))
        } else {
            status_in_object(args)
        };
        if let Some(status) = status {
            self.push_response(status, n.span, callee.text, args);
        }
    }
}
