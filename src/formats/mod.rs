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
