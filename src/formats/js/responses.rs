//! Responses and HTTP exceptions created with an explicit status (OBS001
//! looks for 401/403; AUTH006 uses error statuses).

use oxc_ast::ast::{Argument, CallExpression, NewExpression};

use super::ResponseFact;
use super::expr::{
    Callee, arg, as_object, contains_any_ignore_ascii_case, number_value, object_prop, sp,
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

impl<'a> Extractor<'a> {
    fn push_response(&mut self, status: u16, span: oxc_span::Span, callee: &str) {
        self.cur_fn().rare_mut().responses.push(ResponseFact {
            status,
            span: sp(span),
            callee: callee.to_string(),
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
            self.push_response(status, call.span, callee.text);
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
            self.push_response(status, n.span, callee.text);
        }
    }
}
