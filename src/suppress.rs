//! Inline suppressions: `preflight: ignore[CODE, CODE2] optional reason` in
//! any comment, on the finding's line or alone on the line above it.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The line the comment is on (1-based).
    pub line: usize,
    /// True when the comment is alone on its line, so it covers the next.
    pub standalone: bool,
    pub codes: Vec<String>,
    pub reason: String,
    /// The `preflight: ignore[...]` text.
    pub span: Span,
}
