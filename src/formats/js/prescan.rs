//! A linear, allocation-light pre-scan that estimates how deeply the oxc
//! parser would recurse on a source text, so that hostile input (100k nested
//! brackets, `!!!!…x`, `a ? b : c ? …`, `<a><a>…`, long `else if` chains)
//! is rejected before the recursive parser and visitor see it.
//!
//! It tokenizes loosely (strings, comments, templates and regex literals are
//! skipped; regex-vs-division is guessed from the previous token) and keeps a
//! stack of bracket frames. Each frame counts, besides its bracket:
//!
//! * `strong`: tokens the parser recurses on without a closing bracket —
//!   prefix operators, `?`, `:`, assignments, `=>`, `**`, `new`, `await`,
//!   `typeof`, `if`/`else`/loops. Reset by `;` and `,`, and at a statement
//!   boundary (a newline after a token that can end a statement, or a
//!   closing `}`) unless the next token continues the expression (`else`,
//!   a binary operator, `.`, `?`, `:`).
//! * `weak`: binary operators and `.`, which oxc parses iteratively but
//!   which nest the tree the visitor walks; also reset at every newline
//!   (long multi-line chains are caught by the visitor's own depth limit).
//! * `jsx`: opened JSX tags (`<a` not directly after an identifier), closed
//!   by `</` and `/>`; not reset by punctuation, since JSX text may contain
//!   commas.
//!
//! The estimate is the sum over open frames of `1 + strong + weak + jsx`; it
//! over-approximates the parser's nesting for real code and is compared with
//! [`super::MAX_SOURCE_NESTING`]. Best effort by design: the goal is that no
//! input can make the recursion deeper than the estimate by more than a small
//! factor.

use super::MAX_SOURCE_NESTING;
use crate::formats::ParseFailure;
use crate::span::Span;

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Root,
    Bracket,
    TemplateSub,
    Template,
}

struct Frame {
    kind: FrameKind,
    strong: usize,
    weak: usize,
    jsx: usize,
    generic: usize,
    pending_reset: bool,
}

impl Frame {
    fn new(kind: FrameKind) -> Self {
        Frame {
            kind,
            strong: 0,
            weak: 0,
            jsx: 0,
            generic: 0,
            pending_reset: false,
        }
    }

    fn weight(&self) -> usize {
        1 + self.strong + self.weak + self.jsx + self.generic
    }
}

struct Scanner<'t> {
    bytes: &'t [u8],
    pos: usize,
    frames: Vec<Frame>,
    total: usize,
    /// The previous token can end an expression (identifier, literal, `)`).
    prev_ending: bool,
    /// The previous token was an identifier/keyword character run that ends
    /// right before the current position (for telling generics from JSX).
    prev_ident_adjacent: bool,
}

/// Keywords after which an expression (and so a regex literal) may start.
const EXPR_KEYWORDS: &[&str] = &[
    "return",
    "typeof",
    "void",
    "delete",
    "await",
    "new",
    "yield",
    "in",
    "of",
    "instanceof",
    "case",
    "do",
    "else",
    "throw",
    "extends",
    "keyof",
    "infer",
];

/// Keywords the parser recurses on.
const STRONG_KEYWORDS: &[&str] = &[
    "typeof", "void", "delete", "await", "new", "yield", "if", "else", "for", "while", "do",
    "with", "keyof", "extends", "infer",
];

/// Keywords that continue the previous statement after a newline / `}`.
const CONTINUATION_KEYWORDS: &[&str] = &[
    "else",
    "instanceof",
    "in",
    "of",
    "as",
    "satisfies",
    "catch",
    "finally",
    "while",
    "extends",
    "implements",
];

/// Rejects `text` when its estimated nesting exceeds the limit.
pub(super) fn check_nesting(text: &str) -> Result<(), ParseFailure> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        frames: vec![Frame::new(FrameKind::Root)],
        total: 1,
        prev_ending: false,
        prev_ident_adjacent: false,
    };
    scanner.run()
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 || b == b'#'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn top(&mut self) -> &mut Frame {
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn top_kind(&self) -> FrameKind {
        self.frames.last().map_or(FrameKind::Root, |f| f.kind)
    }

    fn fail(&self) -> Result<(), ParseFailure> {
        Err(ParseFailure::new(
            Span::empty_at(self.pos.min(self.bytes.len())),
            format!(
                "code nested too deeply to analyse safely (estimated nesting above {MAX_SOURCE_NESTING} levels)"
            ),
        ))
    }

    fn check(&self) -> Result<(), ParseFailure> {
        if self.total > MAX_SOURCE_NESTING {
            return self.fail();
        }
        Ok(())
    }

    /// Applies a pending statement-boundary reset unless this token continues
    /// the expression.
    fn settle_pending(&mut self, continues: bool) {
        let top = self.top();
        if !top.pending_reset {
            return;
        }
        top.pending_reset = false;
        if !continues {
            let delta = top.strong + top.weak;
            top.strong = 0;
            top.weak = 0;
            self.total -= delta;
        }
    }

    fn add_strong(&mut self) {
        self.top().strong += 1;
        self.total += 1;
    }

    fn add_weak(&mut self) {
        self.top().weak += 1;
        self.total += 1;
    }

    fn reset_counters(&mut self) {
        let top = self.top();
        let delta = top.strong + top.weak;
        top.strong = 0;
        top.weak = 0;
        top.pending_reset = false;
        self.total -= delta;
    }

    fn push(&mut self, kind: FrameKind) {
        self.frames.push(Frame::new(kind));
        self.total += 1;
    }

    fn pop(&mut self) {
        if self.frames.len() > 1
            && let Some(frame) = self.frames.pop()
        {
            self.total -= frame.weight();
        }
    }

    fn newline(&mut self) {
        if self.prev_ending {
            self.top().pending_reset = true;
        }
        let top = self.top();
        let weak = top.weak;
        top.weak = 0;
        self.total -= weak;
    }

    fn run(&mut self) -> Result<(), ParseFailure> {
        while self.pos < self.bytes.len() {
            if self.top_kind() == FrameKind::Template {
                self.template_chunk();
                continue;
            }
            let b = self.bytes[self.pos];
            let adjacent = self.prev_ident_adjacent;
            self.prev_ident_adjacent = false;
            match b {
                b'\n' => {
                    self.newline();
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                    // Indentation is a large share of every file: skip the
                    // whole run here rather than one byte per loop turn.
                    self.pos += 1;
                    while matches!(
                        self.bytes.get(self.pos),
                        Some(b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
                    ) {
                        self.pos += 1;
                    }
                    // Whitespace changes no count: nothing to check.
                    continue;
                }
                b'/' if self.peek(1) == b'/' => self.skip_line_comment(),
                b'/' if self.peek(1) == b'*' => self.skip_block_comment(),
                b'\'' | b'"' => {
                    self.settle_pending(false);
                    self.skip_string(b);
                    self.prev_ending = true;
                }
                b'`' => {
                    self.settle_pending(false);
                    self.pos += 1;
                    self.push(FrameKind::Template);
                }
                b'(' | b'[' | b'{' => {
                    self.settle_pending(false);
                    self.pos += 1;
                    self.push(FrameKind::Bracket);
                    self.prev_ending = false;
                }
                b')' | b']' | b'}' => {
                    self.pos += 1;
                    match self.top_kind() {
                        FrameKind::TemplateSub if b == b'}' => {
                            self.pop();
                            // Back in the template's text.
                            continue;
                        }
                        FrameKind::Bracket => self.pop(),
                        _ => {}
                    }
                    self.prev_ending = true;
                    if b == b'}' {
                        self.top().pending_reset = true;
                    }
                }
                b'0'..=b'9' => {
                    self.settle_pending(false);
                    self.skip_number();
                    self.prev_ending = true;
                }
                b'.' if self.peek(1).is_ascii_digit() => {
                    self.settle_pending(true);
                    self.skip_number();
                    self.prev_ending = true;
                }
                _ if is_ident_start(b) => self.word(),
                b'/' => {
                    if self.prev_ending {
                        self.settle_pending(true);
                        if self.peek(1) == b'>' {
                            // `/>` closes a self-closing JSX tag.
                            let top = self.top();
                            if top.jsx > 0 {
                                top.jsx -= 1;
                                self.total -= 1;
                            }
                            self.pos += 2;
                        } else if self.peek(1) == b'=' {
                            self.add_strong();
                            self.pos += 2;
                        } else {
                            self.add_weak();
                            self.pos += 1;
                        }
                        self.prev_ending = false;
                    } else {
                        self.settle_pending(false);
                        self.skip_regex();
                        self.prev_ending = true;
                    }
                }
                _ => self.punct(b, adjacent),
            }
            self.check()?;
        }
        Ok(())
    }

    fn template_chunk(&mut self) {
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'`' => {
                    self.pos += 1;
                    self.pop();
                    self.prev_ending = true;
                    return;
                }
                b'$' if self.peek(1) == b'{' => {
                    self.pos += 2;
                    self.push(FrameKind::TemplateSub);
                    self.prev_ending = false;
                    return;
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_line_comment(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        self.pos += 2;
        let mut saw_newline = false;
        while self.pos < self.bytes.len() {
            if self.bytes[self.pos] == b'*' && self.peek(1) == b'/' {
                self.pos += 2;
                break;
            }
            saw_newline |= self.bytes[self.pos] == b'\n';
            self.pos += 1;
        }
        if saw_newline {
            self.newline();
        }
    }

    fn skip_string(&mut self, quote: u8) {
        self.pos += 1;
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'\n' => return,
                c if c == quote => {
                    self.pos += 1;
                    return;
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_regex(&mut self) {
        self.pos += 1;
        let mut in_class = false;
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'\n' => return,
                b'[' => {
                    in_class = true;
                    self.pos += 1;
                }
                b']' => {
                    in_class = false;
                    self.pos += 1;
                }
                b'/' if !in_class => {
                    self.pos += 1;
                    while self.pos < self.bytes.len() && is_ident_continue(self.bytes[self.pos]) {
                        self.pos += 1;
                    }
                    return;
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_number(&mut self) {
        let start = self.pos;
        let hex = self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X');
        while self.pos < self.bytes.len() {
            let c = self.bytes[self.pos];
            let exponent_sign = (c == b'+' || c == b'-')
                && !hex
                && self.pos > start
                && matches!(self.bytes[self.pos - 1], b'e' | b'E');
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn word(&mut self) {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.bytes.len() && is_ident_continue(self.bytes[self.pos]) {
            self.pos += 1;
        }
        let bytes = &self.bytes[start..self.pos];
        // Every keyword is 2 to 10 lower-case ASCII letters: most identifiers
        // (camelCase, short, long) are told apart without the lists.
        let maybe_keyword =
            (2..=10).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_lowercase);
        if !maybe_keyword {
            self.settle_pending(false);
            self.prev_ending = true;
            self.prev_ident_adjacent = true;
            return;
        }
        let is_in = |list: &[&str]| list.iter().any(|k| k.as_bytes() == bytes);
        self.settle_pending(is_in(CONTINUATION_KEYWORDS));
        if is_in(STRONG_KEYWORDS) {
            self.add_strong();
        } else if bytes == b"as" || bytes == b"satisfies" {
            self.add_weak();
        }
        self.prev_ending = !is_in(EXPR_KEYWORDS);
        self.prev_ident_adjacent = true;
    }

    fn punct(&mut self, b: u8, after_ident: bool) {
        let next = self.peek(1);
        let next2 = self.peek(2);
        let was_ending = self.prev_ending;
        // Tokens that start a new expression never continue the previous
        // statement; every other operator does.
        let starts_expression = matches!(b, b'!' | b'~' | b'@' | b'#')
            || (b == b'+' && next == b'+')
            || (b == b'-' && next == b'-');
        self.settle_pending(!starts_expression);
        let mut len = 1;
        let mut ending = false;
        match b {
            b';' | b',' => self.reset_counters(),
            b'?' => {
                if next == b'?' {
                    len = if next2 == b'=' { 3 } else { 2 };
                    if len == 3 {
                        self.add_strong();
                    } else {
                        self.add_weak();
                    }
                } else if next == b'.' && !next2.is_ascii_digit() {
                    len = 2;
                    self.add_weak();
                } else {
                    self.add_strong();
                }
            }
            b'=' => {
                if next == b'>' {
                    len = 2;
                    self.add_strong();
                } else if next == b'=' {
                    len = if next2 == b'=' { 3 } else { 2 };
                    self.add_weak();
                } else {
                    self.add_strong();
                }
            }
            b'!' => {
                if next == b'=' {
                    len = if next2 == b'=' { 3 } else { 2 };
                    self.add_weak();
                } else if was_ending {
                    // TypeScript non-null assertion `x!`: nests like a member access.
                    self.add_weak();
                    ending = true;
                } else {
                    self.add_strong();
                }
            }
            b'~' | b':' => self.add_strong(),
            b'+' | b'-' => {
                if next == b {
                    len = 2;
                    ending = was_ending;
                } else if next == b'=' {
                    len = 2;
                    self.add_strong();
                } else if was_ending {
                    self.add_weak();
                } else {
                    self.add_strong();
                }
            }
            b'*' => {
                if next == b'*' {
                    len = if next2 == b'=' { 3 } else { 2 };
                    self.add_strong();
                } else if next == b'=' {
                    len = 2;
                    self.add_strong();
                } else {
                    self.add_weak();
                }
            }
            b'<' => {
                if next == b'/' {
                    // `</` closes a JSX element.
                    len = 2;
                    let top = self.top();
                    if top.jsx > 0 {
                        top.jsx -= 1;
                        self.total -= 1;
                    }
                } else if next == b'<' || next == b'=' {
                    len = if next == b'<' && next2 == b'=' { 3 } else { 2 };
                    self.add_weak();
                } else if after_ident {
                    // `Array<string>`: a type argument list, closed by `>`.
                    self.top().generic += 1;
                    self.total += 1;
                } else if was_ending {
                    self.add_weak();
                } else {
                    self.top().jsx += 1;
                    self.total += 1;
                }
            }
            b'>' | b'&' | b'|' | b'^' | b'%' => {
                let mut l = 1;
                while l < 4 && self.peek(l) == b {
                    l += 1;
                }
                let open_generics = self.top().generic;
                if self.peek(l) == b'=' {
                    l += 1;
                    self.add_strong();
                } else if b == b'>' && open_generics > 0 {
                    let closed = l.min(open_generics);
                    self.top().generic -= closed;
                    self.total -= closed;
                    ending = true;
                } else {
                    self.add_weak();
                }
                len = l;
            }
            b'.' => {
                if next == b'.' && next2 == b'.' {
                    len = 3;
                } else {
                    self.add_weak();
                }
            }
            _ => {}
        }
        self.pos += len;
        self.prev_ending = ending;
    }
}

#[cfg(test)]
mod tests {
    use super::check_nesting;

    #[test]
    fn keyword_lists_fit_the_fast_reject_in_word() {
        let lists = [
            super::EXPR_KEYWORDS,
            super::STRONG_KEYWORDS,
            super::CONTINUATION_KEYWORDS,
        ];
        for word in lists.iter().flat_map(|l| l.iter()) {
            assert!((2..=10).contains(&word.len()), "{word}");
            assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
        }
    }

    #[test]
    fn ordinary_code_passes() {
        let src = "const a = b ? c : d;\nif (x) {\n  y = 1\n} else if (z) {\n  w()\n}\n";
        assert!(check_nesting(src).is_ok());
    }

    #[test]
    fn deep_brackets_fail() {
        let src = "(".repeat(5000);
        let err = check_nesting(&src).unwrap_err();
        assert!(err.message.contains("nested too deeply"));
    }

    #[test]
    fn many_statements_without_semicolons_pass() {
        let mut src = String::new();
        for i in 0..5000 {
            src.push_str(&format!(
                "const x{i} = y{i} ? a : b\nif (x{i}) {{ z = 1 }}\n"
            ));
        }
        assert!(check_nesting(&src).is_ok());
    }

    #[test]
    fn long_else_if_chain_fails() {
        let mut src = String::from("if (a) {}\n");
        for _ in 0..2000 {
            src.push_str("else if (a) {}\n");
        }
        assert!(check_nesting(&src).is_err());
    }

    #[test]
    fn prefix_and_conditional_chains_fail() {
        assert!(check_nesting(&format!("x = {}y", "!".repeat(3000))).is_err());
        assert!(check_nesting(&"a ? b : ".repeat(3000)).is_err());
        assert!(check_nesting(&"x => ".repeat(3000)).is_err());
        assert!(check_nesting(&"<a>".repeat(3000)).is_err());
        assert!(check_nesting(&format!("`{}", "${`".repeat(3000))).is_err());
    }

    #[test]
    fn balanced_jsx_and_generics_pass() {
        let mut src = String::from("const x = (\n<ul>\n");
        for i in 0..3000 {
            src.push_str(&format!("<li key={{{i}}}>Item, {i}</li>\n<br />\n"));
        }
        src.push_str("</ul>\n)\n");
        for i in 0..3000 {
            src.push_str(&format!("type T{i} = Record<string, Array<number>>\n"));
        }
        assert!(check_nesting(&src).is_ok());
    }

    #[test]
    fn strings_comments_and_regexes_are_skipped() {
        let src = format!(
            "const s = '{}'; // {}\n/* {} */ const r = /[(]{{3}}\\(/g; const t = `{}`;",
            "(".repeat(3000),
            "(".repeat(3000),
            "{".repeat(3000),
            "[".repeat(3000)
        );
        assert!(check_nesting(&src).is_ok());
    }
}
