//! The shell lexer: words (quotes removed, expansions kept as written),
//! operators, redirections and here-document bodies. Nested constructs
//! (`$(...)`, `${...}`, backticks) are skipped with an explicit stack, never
//! by recursion, so hostile nesting costs memory bounded by `MAX_NESTING`.

use super::Word;
use crate::formats::MAX_NESTING;
use crate::span::Span;

/// A word as lexed, with what the parser needs to spot assignments.
#[derive(Clone, Debug)]
pub(super) struct RawWord {
    pub word: Word,
    /// True when any quote or backslash appeared (keywords must be bare).
    pub quoted: bool,
    /// The first `=` preceded only by plain characters: its index in
    /// `word.text` and its byte offset in the source.
    pub eq: Option<(usize, usize)>,
}

impl RawWord {
    pub fn is_bare(&self, s: &str) -> bool {
        !self.quoted && !self.word.has_expansion && self.word.text == s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OpKind {
    Semi,
    /// `;;`, `;&`, `;;&`: the end of a `case` clause.
    CaseEnd,
    And,
    Or,
    Pipe,
    Amp,
    LParen,
    RParen,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RedirOp {
    /// `<`, `<>`, `<&`: stdin comes from a file or descriptor.
    Input,
    /// `<<<`.
    HereString,
    /// `<<` / `<<-`: the index of the body in `Lexed::heredocs`.
    Heredoc(usize),
    /// Every output redirection.
    Output,
}

#[derive(Clone, Debug)]
pub(super) enum Tok {
    Word(RawWord),
    Op(OpKind, Span),
    Redir(RedirOp, Span),
    Newline,
    /// `(( ... ))`: arithmetic, no command inside.
    Arith,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Lexed {
    pub toks: Vec<Tok>,
    /// Bodies of here-documents, by the index in `RedirOp::Heredoc`;
    /// `None` until the line ending the command was reached.
    pub heredocs: Vec<Option<Word>>,
}

struct PendingHeredoc {
    index: usize,
    delimiter: String,
    strip_tabs: bool,
    expand: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Paren,
    Brace,
    DQuote,
    Backtick,
}

/// Nesting beyond `MAX_NESTING`: the lexer stops there.
struct TooDeep;

pub(super) fn lex(text: &str) -> Lexed {
    let mut lexer = Lexer {
        b: text.as_bytes(),
        text,
        pos: 0,
        out: Lexed::default(),
        pending: Vec::new(),
        delimiter_for: None,
    };
    let _ = lexer.run();
    lexer.out
}

struct Lexer<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
    out: Lexed,
    pending: Vec<PendingHeredoc>,
    /// Set right after `<<` / `<<-`: the next word is the delimiter.
    delimiter_for: Option<(usize, bool)>,
}

fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn starts(&self, i: usize, s: &[u8]) -> bool {
        self.b.get(i..).is_some_and(|rest| rest.starts_with(s))
    }

    fn run(&mut self) -> Result<(), TooDeep> {
        while let Some(c) = self.at(self.pos) {
            let start = self.pos;
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.at(start + 1) == Some(b'\n') => self.pos += 2,
                b'\\' if self.starts(start + 1, b"\r\n") => self.pos += 3,
                b'#' => {
                    while self.at(self.pos).is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    self.out.toks.push(Tok::Newline);
                    self.read_heredoc_bodies();
                }
                b';' => {
                    let (kind, len) = if self.starts(start, b";;&") {
                        (OpKind::CaseEnd, 3)
                    } else if self.starts(start, b";;") || self.starts(start, b";&") {
                        (OpKind::CaseEnd, 2)
                    } else {
                        (OpKind::Semi, 1)
                    };
                    self.op(kind, len);
                }
                b'&' => {
                    if self.starts(start, b"&&") {
                        self.op(OpKind::And, 2);
                    } else if self.starts(start, b"&>>") {
                        self.redir(RedirOp::Output, 3);
                    } else if self.starts(start, b"&>") {
                        self.redir(RedirOp::Output, 2);
                    } else {
                        self.op(OpKind::Amp, 1);
                    }
                }
                b'|' => {
                    if self.starts(start, b"||") {
                        self.op(OpKind::Or, 2);
                    } else if self.starts(start, b"|&") {
                        self.op(OpKind::Pipe, 2);
                    } else {
                        self.op(OpKind::Pipe, 1);
                    }
                }
                b'(' if self.at(start + 1) == Some(b'(') => {
                    let end = self.skip_balanced(start + 2, &[Frame::Paren, Frame::Paren])?;
                    self.pos = end;
                    self.out.toks.push(Tok::Arith);
                }
                b'(' => self.op(OpKind::LParen, 1),
                b')' => self.op(OpKind::RParen, 1),
                b'<' | b'>' => self.redirection(start, start)?,
                b'0'..=b'9' => {
                    let mut i = start;
                    while self.at(i).is_some_and(|b| b.is_ascii_digit()) {
                        i += 1;
                    }
                    match self.at(i) {
                        Some(b'<' | b'>') if self.at(i + 1) != Some(b'(') => {
                            self.redirection(start, i)?
                        }
                        _ => self.word()?,
                    }
                }
                _ => self.word()?,
            }
        }
        Ok(())
    }

    fn op(&mut self, kind: OpKind, len: usize) {
        let start = self.pos;
        self.pos += len;
        self.out
            .toks
            .push(Tok::Op(kind, Span::new(start, self.pos)));
    }

    fn redir(&mut self, op: RedirOp, len: usize) {
        let start = self.pos;
        self.pos += len;
        self.out
            .toks
            .push(Tok::Redir(op, Span::new(start, self.pos)));
    }

    /// A redirection operator at `op_at` (after an optional fd number that
    /// starts at `start`), or a process substitution `<(...)` / `>(...)`.
    fn redirection(&mut self, start: usize, op_at: usize) -> Result<(), TooDeep> {
        if self.at(op_at + 1) == Some(b'(') && start == op_at {
            return self.word();
        }
        let (op, len) = if self.starts(op_at, b"<<<") {
            (RedirOp::HereString, 3)
        } else if self.starts(op_at, b"<<-") || self.starts(op_at, b"<<") {
            let strip_tabs = self.starts(op_at, b"<<-");
            let index = self.out.heredocs.len();
            self.out.heredocs.push(None);
            self.delimiter_for = Some((index, strip_tabs));
            (RedirOp::Heredoc(index), if strip_tabs { 3 } else { 2 })
        } else if self.starts(op_at, b"<>") || self.starts(op_at, b"<&") {
            (RedirOp::Input, 2)
        } else if self.at(op_at) == Some(b'<') {
            (RedirOp::Input, 1)
        } else if self.starts(op_at, b">>")
            || self.starts(op_at, b">&")
            || self.starts(op_at, b">|")
        {
            (RedirOp::Output, 2)
        } else {
            (RedirOp::Output, 1)
        };
        self.pos = op_at + len;
        self.out
            .toks
            .push(Tok::Redir(op, Span::new(start, self.pos)));
        Ok(())
    }

    /// Skips a nested construct whose opening is already consumed (`stack`
    /// holds the frames still open) and returns the offset just past its
    /// end, or the end of the text when it is never closed.
    fn skip_balanced(&self, from: usize, stack: &[Frame]) -> Result<usize, TooDeep> {
        let mut stack: Vec<Frame> = stack.to_vec();
        let mut i = from;
        while let Some(&top) = stack.last() {
            let Some(c) = self.at(i) else {
                return Ok(self.b.len());
            };
            let mut push = None;
            match top {
                Frame::Backtick => match c {
                    b'\\' => i += 1,
                    b'`' => {
                        stack.pop();
                    }
                    _ => {}
                },
                Frame::DQuote => match c {
                    b'\\' => i += 1,
                    b'"' => {
                        stack.pop();
                    }
                    b'`' => push = Some(Frame::Backtick),
                    b'$' if self.at(i + 1) == Some(b'(') => {
                        i += 1;
                        push = Some(Frame::Paren);
                    }
                    b'$' if self.at(i + 1) == Some(b'{') => {
                        i += 1;
                        push = Some(Frame::Brace);
                    }
                    _ => {}
                },
                Frame::Paren | Frame::Brace => match c {
                    b'\\' => i += 1,
                    b'\'' => {
                        i += 1;
                        while self.at(i).is_some_and(|b| b != b'\'') {
                            i += 1;
                        }
                    }
                    b'"' => push = Some(Frame::DQuote),
                    b'`' => push = Some(Frame::Backtick),
                    b'$' if self.at(i + 1) == Some(b'(') => {
                        i += 1;
                        push = Some(Frame::Paren);
                    }
                    b'$' if self.at(i + 1) == Some(b'{') => {
                        i += 1;
                        push = Some(Frame::Brace);
                    }
                    b'(' if top == Frame::Paren => push = Some(Frame::Paren),
                    b'{' if top == Frame::Brace => push = Some(Frame::Brace),
                    b')' if top == Frame::Paren => {
                        stack.pop();
                    }
                    b'}' if top == Frame::Brace => {
                        stack.pop();
                    }
                    _ => {}
                },
            }
            if let Some(frame) = push {
                if stack.len() >= MAX_NESTING {
                    return Err(TooDeep);
                }
                stack.push(frame);
            }
            i += 1;
        }
        Ok(i.min(self.b.len()))
    }

    /// An expansion starting with `$` at `i`; returns its end, or `None`
    /// when the `$` is a literal dollar sign.
    fn dollar(&self, i: usize) -> Result<Option<usize>, TooDeep> {
        Ok(match self.at(i + 1) {
            Some(b'(') => Some(self.skip_balanced(i + 2, &[Frame::Paren])?),
            Some(b'{') => Some(self.skip_balanced(i + 2, &[Frame::Brace])?),
            Some(c) if is_name_start(c) => {
                let mut j = i + 1;
                while self.at(j).is_some_and(is_name_char) {
                    j += 1;
                }
                Some(j)
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => Some(i + 2),
            _ => None,
        })
    }

    /// At a `$` or a backtick: copies the expansion into `text` as written
    /// and returns where it ends, or copies a lone `$` and returns `None`.
    fn expansion(&self, i: usize, text: &mut Vec<u8>) -> Result<Option<usize>, TooDeep> {
        let end = if self.at(i) == Some(b'`') {
            Some(self.skip_balanced(i + 1, &[Frame::Backtick])?)
        } else {
            self.dollar(i)?
        };
        match end {
            Some(end) => self.push_raw(text, i, end),
            None => text.push(b'$'),
        }
        Ok(end)
    }

    fn push_raw(&self, text: &mut Vec<u8>, from: usize, to: usize) {
        if let Some(s) = self.b.get(from..to) {
            text.extend_from_slice(s);
        }
    }

    fn word(&mut self) -> Result<(), TooDeep> {
        let start = self.pos;
        let mut i = start;
        let mut text: Vec<u8> = Vec::new();
        let mut quoted = false;
        let mut expansion = false;
        let mut in_dq = false;
        let mut eq: Option<(usize, usize)> = None;
        // Only characters copied as they are so far: an `=` now can make
        // the word an assignment or a `--flag=value`.
        let mut plain = true;
        while let Some(c) = self.at(i) {
            if in_dq {
                match c {
                    b'"' => {
                        in_dq = false;
                        i += 1;
                    }
                    b'\\' => match self.at(i + 1) {
                        Some(b'\n') => i += 2,
                        Some(e @ (b'$' | b'`' | b'"' | b'\\')) => {
                            text.push(e);
                            i += 2;
                        }
                        _ => {
                            text.push(b'\\');
                            i += 1;
                        }
                    },
                    b'$' | b'`' => match self.expansion(i, &mut text)? {
                        Some(end) => {
                            expansion = true;
                            i = end;
                        }
                        None => i += 1,
                    },
                    _ => {
                        text.push(c);
                        i += 1;
                    }
                }
                continue;
            }
            if (c == b'<' || c == b'>') && i == start && self.at(i + 1) == Some(b'(') {
                // A process substitution `<(...)` / `>(...)`.
                let end = self.skip_balanced(i + 2, &[Frame::Paren])?;
                self.push_raw(&mut text, i, end);
                expansion = true;
                plain = false;
                i = end;
                continue;
            }
            if is_meta(c) {
                // `arr=(a b)`: the parenthesised list belongs to the word.
                if c == b'(' && plain && eq.is_some_and(|(t, _)| t + 1 == text.len()) {
                    let end = self.skip_balanced(i + 1, &[Frame::Paren])?;
                    self.push_raw(&mut text, i, end);
                    i = end;
                    continue;
                }
                break;
            }
            match c {
                b'\\' => {
                    match self.at(i + 1) {
                        Some(b'\n') => i += 2,
                        Some(b'\r') if self.at(i + 2) == Some(b'\n') => i += 3,
                        Some(e) => {
                            text.push(e);
                            i += 2;
                        }
                        None => {
                            text.push(b'\\');
                            i += 1;
                        }
                    }
                    quoted = true;
                    plain = false;
                }
                b'\'' => {
                    let close = self.b[i + 1..]
                        .iter()
                        .position(|&b| b == b'\'')
                        .map_or(self.b.len(), |k| i + 1 + k);
                    self.push_raw(&mut text, i + 1, close);
                    i = (close + 1).min(self.b.len());
                    quoted = true;
                    plain = false;
                }
                b'"' => {
                    in_dq = true;
                    quoted = true;
                    plain = false;
                    i += 1;
                }
                b'$' if self.at(i + 1) == Some(b'\'') => {
                    i = self.ansi_c_quote(i + 2, &mut text);
                    quoted = true;
                    plain = false;
                }
                b'$' if self.at(i + 1) == Some(b'"') => {
                    in_dq = true;
                    quoted = true;
                    plain = false;
                    i += 2;
                }
                b'$' | b'`' => match self.expansion(i, &mut text)? {
                    Some(end) => {
                        expansion = true;
                        plain = false;
                        i = end;
                    }
                    None => i += 1,
                },
                _ => {
                    if c == b'=' && plain && eq.is_none() {
                        eq = Some((text.len(), i));
                    }
                    text.push(c);
                    i += 1;
                }
            }
        }
        let end = i.max(start + 1).min(self.b.len());
        self.pos = end;
        let word = Word {
            text: String::from_utf8_lossy(&text).into_owned(),
            span: Span::new(start, end),
            has_expansion: expansion,
        };
        if let Some((index, strip_tabs)) = self.delimiter_for.take() {
            self.pending.push(PendingHeredoc {
                index,
                delimiter: word.text.clone(),
                strip_tabs,
                expand: !quoted,
            });
        }
        self.out.toks.push(Tok::Word(RawWord { word, quoted, eq }));
        Ok(())
    }

    /// `$'...'` from just after the opening quote; returns the offset after
    /// the closing quote.
    fn ansi_c_quote(&self, from: usize, text: &mut Vec<u8>) -> usize {
        let mut i = from;
        while let Some(c) = self.at(i) {
            match c {
                b'\'' => return i + 1,
                b'\\' => {
                    match self.at(i + 1) {
                        Some(b'n') => text.push(b'\n'),
                        Some(b't') => text.push(b'\t'),
                        Some(b'r') => text.push(b'\r'),
                        Some(e @ (b'\\' | b'\'' | b'"')) => text.push(e),
                        Some(e) if e.is_ascii() => {
                            text.push(b'\\');
                            text.push(e);
                        }
                        _ => {
                            text.push(b'\\');
                            i += 1;
                            continue;
                        }
                    }
                    i += 2;
                }
                _ => {
                    text.push(c);
                    i += 1;
                }
            }
        }
        self.b.len()
    }

    /// Called just after a newline: the bodies of the here-documents opened
    /// on the line that ended, in order.
    fn read_heredoc_bodies(&mut self) {
        self.delimiter_for = None;
        for doc in std::mem::take(&mut self.pending) {
            let body_start = self.pos;
            let mut body_end = body_start;
            let mut text = String::new();
            let mut first = true;
            loop {
                if self.pos >= self.b.len() {
                    break;
                }
                let line_start = self.pos;
                let nl = self.b[line_start..].iter().position(|&b| b == b'\n');
                let line_end = nl.map_or(self.b.len(), |k| line_start + k);
                let next = nl.map_or(self.b.len(), |k| line_start + k + 1);
                let raw = self.text.get(line_start..line_end).unwrap_or("");
                let line = raw.strip_suffix('\r').unwrap_or(raw);
                let line = if doc.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                self.pos = next;
                if line == doc.delimiter {
                    break;
                }
                if !first {
                    text.push('\n');
                }
                first = false;
                text.push_str(line);
                body_end = line_end;
            }
            let has_expansion = doc.expand && body_expands(&text);
            if let Some(slot) = self.out.heredocs.get_mut(doc.index) {
                *slot = Some(Word {
                    text,
                    span: Span::new(body_start, body_end),
                    has_expansion,
                });
            }
        }
    }
}

/// Whether an unquoted-delimiter here-document body expands anything.
fn body_expands(body: &str) -> bool {
    let b = body.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'`' => return true,
            b'$' => match b.get(i + 1) {
                Some(&n) if is_name_start(n) || n.is_ascii_digit() || b"{(@*#?$!-".contains(&n) => {
                    return true;
                }
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    false
}
