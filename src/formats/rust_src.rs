//! workers-rs sources (`.rs`): the same facts model as TS/JS
//! ([`JsFacts`]), extracted with syn, so that the source rules work
//! unchanged on Rust Workers.
//!
//! # What is recognised
//!
//! * Functions: `fn` items ([`FunctionKind::Declaration`]), `impl`/trait
//!   methods ([`FunctionKind::Method`]) and closures ([`FunctionKind::Arrow`]);
//!   index 0 is module scope, as for TS/JS.
//! * Env reads: `env.secret("X")`, `env.var("X")`, `env.d1("X")`,
//!   `env.kv("X")`, `env.durable_object("X")`, `env.bucket("X")`,
//!   `env.service("X")`, `env.queue("X")`, ... on a receiver named `env`
//!   (`ctx.env`, `self.env`, `*_env`), a RouteContext (`ctx.secret("X")`), or
//!   a parameter typed `Env`/`RouteContext`. The span is the string literal.
//! * SQL sinks: `.prepare(x)`, `.exec(x)`, `.query(x)` (and the
//!   tokio-postgres `execute`/`query_one`/... family), free `query(x)` /
//!   `sqlx::query(x)` / `query_as(x)`. The argument is classified like TS/JS:
//!   literals and `concat!` are safe; `format!` with a non-constant argument
//!   (or inline capture `{name}`) and `+` chains with a non-constant operand
//!   are unsafe; a local `let q = ...` is followed one level.
//! * CORS: a `Cors::new()`/`Cors::default()` chain with `.with_origins(...)`
//!   becomes a [`CorsConfig`] (an origin list holding `"*"` is
//!   `CorsOrigin::Literal("*")` at that literal). Without `with_origins`
//!   workers-rs sends no `Access-Control-Allow-Origin`, so no config is
//!   produced (unlike Hono, where an absent origin means `*`).
//! * Routes: `Router::new().get("/x", h).post_async("/y", |req, ctx| ...)`
//!   (also through a `let router = Router::new()` variable) become
//!   [`RouteRegistration`]s with [`Framework::Unknown`]; `on`/`on_async`
//!   and `or_else_any_method` register every method (`ALL`).
//! * `#[cfg(test)]` modules and `#[test]` functions are skipped.
//! * `#[event(fetch)]` (also `scheduled`, `queue`, `start`) functions are
//!   exports named after the event; `use` declarations are imports whose
//!   `source` is the path (`worker`, `worker::d1`).
//!
//! # Macros
//!
//! syn keeps macro bodies as token streams. Bodies of function-like macros
//! that parse as a comma-separated expression list (`format!`, `println!`,
//! `console_log!`, `vec!`, ...) are re-parsed and visited, so env reads and
//! calls inside them count; `format!` strings are read to find which
//! argument fills each `{}`.
//!
//! # Spans and hostile input
//!
//! proc-macro2 (`span-locations`) reports line/column-in-chars; a per-file
//! line table turns them into byte offsets. proc-macro2 keeps every parsed
//! text in a thread-local source map, which [`extract`] clears when done so
//! memory stays flat. syn is recursive and has no error recovery: a linear
//! pre-scan (`prescan.rs`) rejects nesting beyond [`MAX_SOURCE_NESTING`]
//! before parsing, the visitor stops past [`MAX_VISIT_DEPTH`], and the first
//! syntax error is the file's `ParseFailure`.

mod bail;
mod prescan;
mod sql;
mod visitor;

#[cfg(test)]
mod tests;

use super::ParseFailure;
use crate::formats::js::JsFacts;
#[cfg(doc)]
use crate::formats::js::{CorsConfig, Framework, FunctionKind, RouteRegistration};
use crate::span::Span;

/// Estimated nesting (brackets plus operators and keywords syn handles
/// recursively) above which a file is rejected before parsing.
pub const MAX_SOURCE_NESTING: usize = 1000;

/// Nested expression depth at which the fact visitor gives up (PF000).
pub const MAX_VISIT_DEPTH: usize = 2000;

/// Parses one Rust source file and extracts its facts. A syntax error, or
/// nesting beyond the limits, is a `ParseFailure` at the first problem.
pub fn extract(text: &str) -> Result<JsFacts, ParseFailure> {
    prescan::check_nesting(text)?;
    let base = preamble_len(text);
    let body = text.get(base..).unwrap_or("");
    let index = LineIndex::new(text, base);
    let result = match syn::parse_str::<syn::File>(body) {
        Ok(file) => visitor::Extractor::run(text, &index, &file),
        Err(err) => Err(ParseFailure::new(index.span(err.span()), err.to_string())),
    };
    // Every span has been turned into bytes: drop this file's text from
    // proc-macro2's thread-local source map.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// Bytes of a BOM and a `#!` line (not `#![attr]`) that syn would strip.
fn preamble_len(text: &str) -> usize {
    let mut base = 0;
    if text.starts_with('\u{feff}') {
        base = '\u{feff}'.len_utf8();
    }
    let rest = text.get(base..).unwrap_or("");
    if let Some(after) = rest.strip_prefix("#!")
        && !after.trim_start().starts_with('[')
    {
        base += rest.find('\n').unwrap_or(rest.len());
    }
    base
}

/// Line starts of the parsed text (which begins at `base` in the file).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    base: usize,
    /// Byte offset (in `text`) of each line's start.
    starts: Vec<usize>,
    /// Whether each line is ASCII (column = byte offset).
    ascii: Vec<bool>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        let mut starts = vec![base];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate().skip(base) {
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            } else if b >= 0x80 {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        LineIndex {
            text,
            base,
            starts,
            ascii,
        }
    }

    fn offset(&self, lc: proc_macro2::LineColumn) -> usize {
        let Some(line) = lc.line.checked_sub(1) else {
            return self.base;
        };
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = self.text.get(start..end).unwrap_or("");
        let within = if self.ascii.get(line).copied().unwrap_or(false) {
            lc.column.min(line_text.len())
        } else {
            line_text
                .char_indices()
                .nth(lc.column)
                .map_or(line_text.len(), |(i, _)| i)
        };
        start + within
    }

    /// Byte span of a proc-macro2 span.
    pub(crate) fn span(&self, s: proc_macro2::Span) -> Span {
        let start = self.offset(s.start());
        let end = self.offset(s.end()).max(start);
        Span::new(start, end)
    }
}
