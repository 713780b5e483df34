//! A linear pre-scan estimating how deeply syn would recurse on a Rust
//! source, so that hostile input (100k nested brackets, `!!!!…x`,
//! `else if` chains, `Vec<Vec<…>>`, closures of closures) is rejected before
//! the recursive parser sees it.
//!
//! Strings (also raw `r#"…"#`, byte and C strings), char literals (told from
//! lifetimes best effort) and nested block comments are skipped. A stack of
//! bracket frames counts, per frame, operator characters and the keywords
//! syn parses recursively since the last `;` or `,` (or since a closing `}`
//! that is not followed by `else` or an operator). The estimate is the sum
//! over open frames of `1 + count`; it over-approximates syn's nesting for
//! real code.

use super::MAX_SOURCE_NESTING;
use crate::formats::ParseFailure;
use crate::span::Span;

/// Keywords after which syn parses a nested expression, type or block.
const RECURSIVE_KEYWORDS: &[&str] = &[
    "if", "else", "match", "return", "break", "move", "async", "let", "as", "dyn", "impl", "mut",
    "ref", "unsafe", "loop", "while", "for", "in", "yield", "box", "static", "const", "await",
];

struct Frame {
    count: usize,
    pending_reset: bool,
}

struct Scan<'a> {
    b: &'a [u8],
    stack: Vec<Frame>,
    total: usize,
}

impl Scan<'_> {
    fn top(&mut self) -> &mut Frame {
        if self.stack.is_empty() {
            self.stack.push(Frame {
                count: 0,
                pending_reset: false,
            });
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn reset(&mut self) {
        let top = self.top();
        let n = top.count;
        top.count = 0;
        top.pending_reset = false;
        self.total -= n;
    }

    /// A token arrives: settle a pending reset (after `}`), unless the token
    /// continues the expression.
    fn token(&mut self, continues: bool) {
        if self.top().pending_reset {
            if continues {
                self.top().pending_reset = false;
            } else {
                self.reset();
            }
        }
    }

    fn bump(&mut self, at: usize) -> Result<(), ParseFailure> {
        self.top().count += 1;
        self.total += 1;
        self.check(at)
    }

    fn check(&self, at: usize) -> Result<(), ParseFailure> {
        if self.total > MAX_SOURCE_NESTING {
            return Err(ParseFailure::new(
                Span::new(at, at + 1),
                format!(
                    "nesting deeper than {MAX_SOURCE_NESTING} levels (brackets and operators); \
                     preflight does not parse source this deep"
                ),
            ));
        }
        Ok(())
    }

    /// Skips a `"…"` string starting at `i` (the quote); returns the index
    /// after the closing quote.
    fn skip_string(&self, mut i: usize) -> usize {
        i += 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        self.b.len()
    }

    /// Skips a raw string whose `#`s start at `i` (after the `r`).
    fn skip_raw(&self, mut i: usize) -> usize {
        let mut hashes = 0;
        while self.b.get(i) == Some(&b'#') {
            hashes += 1;
            i += 1;
        }
        i += 1; // opening quote
        while i < self.b.len() {
            if self.b[i] == b'"' && (1..=hashes).all(|k| self.b.get(i + k) == Some(&b'#')) {
                return i + 1 + hashes;
            }
            i += 1;
        }
        self.b.len()
    }

    /// At a `'`: a char literal (skipped whole) or a lifetime/label (the
    /// quote only).
    fn skip_quote(&self, i: usize) -> usize {
        match self.b.get(i + 1) {
            Some(b'\\') => {
                // Escapes are at most `\u{10FFFF}`.
                let mut j = i + 2;
                let limit = (i + 14).min(self.b.len());
                while j < limit {
                    if self.b[j] == b'\'' && j > i + 2 {
                        return j + 1;
                    }
                    j += 1;
                }
                i + 1
            }
            Some(&c) => {
                let width = utf8_width(c);
                if self.b.get(i + 1 + width) == Some(&b'\'') {
                    i + 2 + width
                } else {
                    i + 1
                }
            }
            None => i + 1,
        }
    }

    fn skip_block_comment(&self, mut i: usize) -> usize {
        let mut depth = 0usize;
        while i < self.b.len() {
            if self.b[i] == b'/' && self.b.get(i + 1) == Some(&b'*') {
                depth += 1;
                i += 2;
            } else if self.b[i] == b'*' && self.b.get(i + 1) == Some(&b'/') {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            } else {
                i += 1;
            }
        }
        self.b.len()
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Rejects `text` when its estimated nesting exceeds [`MAX_SOURCE_NESTING`].
pub(super) fn check_nesting(text: &str) -> Result<(), ParseFailure> {
    let mut s = Scan {
        b: text.as_bytes(),
        stack: Vec::new(),
        total: 1,
    };
    s.top();
    let b = s.b;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = s.skip_block_comment(i),
            b'"' => {
                s.token(false);
                i = s.skip_string(i);
            }
            b'\'' => {
                s.token(false);
                i = s.skip_quote(i);
            }
            b'(' | b'[' | b'{' => {
                s.token(false);
                s.stack.push(Frame {
                    count: 0,
                    pending_reset: false,
                });
                s.total += 1;
                s.check(i)?;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if s.stack.len() > 1
                    && let Some(f) = s.stack.pop()
                {
                    s.total -= 1 + f.count;
                }
                if c == b'}' {
                    s.top().pending_reset = true;
                }
                i += 1;
            }
            b';' | b',' => {
                s.reset();
                i += 1;
            }
            _ if is_word(c) => {
                let start = i;
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                let word = text.get(start..i).unwrap_or("");
                // Raw, byte and C strings: `r"…"`, `r#"…"#`, `b"…"`, `br#"…"#`, `c"…"`.
                if matches!(word, "r" | "br" | "cr")
                    && matches!(b.get(i), Some(b'"' | b'#'))
                    && b[i..].iter().find(|&&x| x != b'#') == Some(&b'"')
                {
                    s.token(false);
                    i = s.skip_raw(i);
                    continue;
                }
                if matches!(word, "b" | "c") && b.get(i) == Some(&b'"') {
                    s.token(false);
                    i = s.skip_string(i);
                    continue;
                }
                if word == "b" && b.get(i) == Some(&b'\'') {
                    s.token(false);
                    i = s.skip_quote(i);
                    continue;
                }
                let continues = matches!(word, "else" | "as");
                s.token(continues);
                if RECURSIVE_KEYWORDS.contains(&word) {
                    s.bump(start)?;
                }
            }
            _ => {
                s.token(c != b'#');
                s.bump(i)?;
                i += 1;
            }
        }
    }
    Ok(())
}
