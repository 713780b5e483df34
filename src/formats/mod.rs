//! Parser fronts: one per file format. Each turns a file's text into a typed
//! model whose every value carries its byte span, or a `ParseFailure` with
//! the parser's location.

pub mod dotenv;
pub mod js;
pub mod package_json;
pub mod prisma;
pub mod rust_src;
pub mod shell;
pub mod workflow;
pub mod wrangler;

use crate::span::Span;

/// Why a file could not be understood; becomes a PF000 finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub span: Span,
    pub message: String,
}

impl ParseFailure {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        ParseFailure {
            span,
            message: message.into(),
        }
    }
}

/// Nesting deeper than this is rejected by our own recursive walks, so that
/// hostile input cannot overflow the stack.
pub const MAX_NESTING: usize = 256;

/// Stack of the threads files are parsed on (`project::build`): with the
/// depth limits in each front, hostile nesting cannot overflow it.
pub const PARSE_STACK_BYTES: usize = 64 * 1024 * 1024;

thread_local! {
    static ON_PARSE_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the current thread as one with [`PARSE_STACK_BYTES`] of stack.
pub fn mark_parse_stack() {
    ON_PARSE_STACK.with(|on| on.set(true));
}

/// Whether the current thread has [`PARSE_STACK_BYTES`] of stack.
pub(crate) fn on_parse_stack() -> bool {
    ON_PARSE_STACK.with(|on| on.get())
}
