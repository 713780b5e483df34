//! From tokens to simple commands. Compound commands are flattened: their
//! keywords are skipped and the commands inside them listed in order, so
//! the parser is a flat loop with no recursion at all.

use super::lex::{Lexed, OpKind, RawWord, RedirOp, Tok, lex};
use super::{Assignment, Command, ShellScript, Stdin, Word};
use crate::span::{Span, Spanned};

pub(super) fn parse(text: &str) -> ShellScript {
    let Lexed { toks, heredocs } = lex(text);
    let mut p = Parser {
        heredocs,
        commands: Vec::new(),
        cur: Builder::default(),
        pending_redir: None,
        header: Header::None,
        skip_function_name: false,
    };
    let mut toks = toks.into_iter().peekable();
    while let Some(tok) = toks.next() {
        let next_is_rparen = matches!(toks.peek(), Some(Tok::Op(OpKind::RParen, _)));
        if p.token(tok, next_is_rparen) {
            toks.next();
        }
    }
    p.finish();
    ShellScript {
        commands: p.commands,
    }
}

#[derive(Default)]
struct Builder {
    assignments: Vec<Assignment>,
    words: Vec<Word>,
    flag_values: Vec<(usize, Word)>,
    span: Option<Span>,
    stdin: Option<Stdin>,
    /// After `export` / `local` / `declare` ...: `Some(exported)`.
    declaration: Option<bool>,
}

impl Builder {
    fn at_command_start(&self) -> bool {
        self.words.is_empty() && self.assignments.is_empty() && self.declaration.is_none()
    }

    fn extend(&mut self, span: Span) {
        self.span = Some(self.span.map_or(span, |s| s.cover(span)));
    }
}

/// Text that is skipped before commands start again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    None,
    /// `for NAME in ...` / `select ...` up to `;`, a newline or `do`.
    For,
    /// `case WORD` up to `in`.
    Case,
    /// Case patterns up to `)`, or `esac`.
    Pattern,
}

struct Parser {
    heredocs: Vec<Option<Word>>,
    commands: Vec<Command>,
    cur: Builder,
    pending_redir: Option<(RedirOp, Span)>,
    header: Header,
    skip_function_name: bool,
}

const DECLARATIONS: [&str; 5] = ["export", "readonly", "declare", "typeset", "local"];

impl Parser {
    /// Handles one token; returns true when the following `)` was consumed
    /// too (a function definition `name()`).
    fn token(&mut self, tok: Tok, next_is_rparen: bool) -> bool {
        match tok {
            Tok::Word(w) => self.word(w),
            Tok::Newline => {
                if self.header == Header::For {
                    self.header = Header::None;
                }
                self.finish();
            }
            Tok::Arith => {}
            Tok::Redir(op, span) => {
                if self.header == Header::None {
                    self.pending_redir = Some((op, span));
                }
            }
            Tok::Op(kind, span) => return self.op(kind, span, next_is_rparen),
        }
        false
    }

    fn op(&mut self, kind: OpKind, span: Span, next_is_rparen: bool) -> bool {
        self.pending_redir = None;
        match self.header {
            Header::Pattern => {
                if kind == OpKind::RParen {
                    self.header = Header::None;
                }
                return false;
            }
            Header::Case => return false,
            Header::For => {
                if matches!(kind, OpKind::Semi | OpKind::Amp) {
                    self.header = Header::None;
                }
                return false;
            }
            Header::None => {}
        }
        match kind {
            OpKind::Pipe => {
                let source = self.finish();
                self.cur.stdin = Some(match source {
                    Some(i) => self
                        .commands
                        .get(i)
                        .map_or(Stdin::Dynamic(span), pipe_output),
                    None => Stdin::Dynamic(span),
                });
            }
            OpKind::LParen => {
                let is_function = self.cur.words.len() == 1
                    && self.cur.assignments.is_empty()
                    && self.cur.declaration.is_none()
                    && next_is_rparen;
                if is_function {
                    self.cur = Builder::default();
                    return true;
                }
                self.finish();
            }
            OpKind::CaseEnd => {
                self.finish();
                self.header = Header::Pattern;
            }
            OpKind::Semi | OpKind::And | OpKind::Or | OpKind::Amp | OpKind::RParen => {
                self.finish();
            }
        }
        false
    }

    fn word(&mut self, w: RawWord) {
        match self.header {
            Header::Case => {
                if w.is_bare("in") {
                    self.header = Header::Pattern;
                }
                return;
            }
            Header::Pattern => {
                if w.is_bare("esac") {
                    self.header = Header::None;
                }
                return;
            }
            Header::For => {
                if w.is_bare("do") {
                    self.header = Header::None;
                }
                return;
            }
            Header::None => {}
        }
        if let Some((op, span)) = self.pending_redir.take() {
            self.redirect(op, span, w.word);
            return;
        }
        if self.skip_function_name {
            self.skip_function_name = false;
            return;
        }
        if self.cur.at_command_start() && !w.quoted && !w.word.has_expansion {
            match w.word.text.as_str() {
                "if" | "then" | "else" | "elif" | "fi" | "do" | "done" | "while" | "until"
                | "{" | "}" | "!" | "time" | "coproc" | "esac" => return,
                "for" | "select" => {
                    self.header = Header::For;
                    return;
                }
                "case" => {
                    self.header = Header::Case;
                    return;
                }
                "function" => {
                    self.skip_function_name = true;
                    return;
                }
                _ => {}
            }
        }
        if self.cur.words.is_empty()
            && let Some(assignment) = as_assignment(&w, self.cur.declaration == Some(true))
        {
            self.cur.extend(w.word.span);
            self.cur.assignments.push(assignment);
            return;
        }
        if self.cur.words.is_empty()
            && self.cur.declaration.is_none()
            && !w.quoted
            && let Some(&decl) = DECLARATIONS.iter().find(|d| w.word.text == **d)
        {
            self.cur.declaration = Some(decl == "export");
            self.cur.extend(w.word.span);
            return;
        }
        if let Some(exported) = self.cur.declaration {
            // `declare -x NAME=v` exports; other flags and bare names
            // (`export NAME`) carry no value.
            if w.word.text.starts_with('-') && w.word.text.contains('x') && !exported {
                self.cur.declaration = Some(true);
            }
            return;
        }
        self.cur.extend(w.word.span);
        if let Some((t, s)) = w.eq
            && w.word.text.starts_with('-')
        {
            let value = Word {
                text: w.word.text.get(t + 1..).unwrap_or("").to_string(),
                span: Span::new(s + 1, w.word.span.end as usize),
                has_expansion: w.word.has_expansion,
            };
            self.cur.flag_values.push((self.cur.words.len(), value));
        }
        self.cur.words.push(w.word);
    }

    fn redirect(&mut self, op: RedirOp, op_span: Span, target: Word) {
        self.cur.extend(op_span.cover(target.span));
        let stdin = match op {
            RedirOp::Output => return,
            RedirOp::Input => Stdin::Dynamic(op_span.cover(target.span)),
            RedirOp::HereString => {
                if target.is_literal() {
                    Stdin::Literal(target)
                } else {
                    Stdin::Dynamic(target.span)
                }
            }
            RedirOp::Heredoc(index) => match self.heredocs.get(index).cloned().flatten() {
                Some(body) if body.is_literal() => Stdin::Literal(body),
                Some(body) => Stdin::Dynamic(body.span),
                None => Stdin::Dynamic(op_span.cover(target.span)),
            },
        };
        self.cur.stdin = Some(stdin);
    }

    /// Ends the current command; returns its index when it was kept.
    fn finish(&mut self) -> Option<usize> {
        self.pending_redir = None;
        self.skip_function_name = false;
        let b = std::mem::take(&mut self.cur);
        if b.words.is_empty() && b.assignments.is_empty() {
            return None;
        }
        let span = b.span.unwrap_or_default();
        self.commands.push(Command {
            assignments: b.assignments,
            words: b.words,
            span,
            stdin: b.stdin,
            flag_values: b.flag_values,
        });
        Some(self.commands.len() - 1)
    }
}

fn is_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn as_assignment(w: &RawWord, exported: bool) -> Option<Assignment> {
    let (t, s) = w.eq?;
    let name = w.word.text.get(..t)?;
    let name = name.strip_suffix('+').unwrap_or(name);
    if !is_name(name) {
        return None;
    }
    let start = w.word.span.start as usize;
    Some(Assignment {
        name: Spanned::new(name.to_string(), Span::new(start, start + name.len())),
        value: Word {
            text: w.word.text.get(t + 1..).unwrap_or("").to_string(),
            span: Span::new(s + 1, w.word.span.end as usize),
            has_expansion: w.word.has_expansion,
        },
        exported,
    })
}

/// What a command writes to a pipe: the literal of `echo`/`printf` (and of
/// `cat` reading a literal), otherwise the command's own output.
fn pipe_output(cmd: &Command) -> Stdin {
    let dynamic = Stdin::Dynamic(cmd.span);
    let Some(program) = cmd.words.first().filter(|w| w.is_literal()) else {
        return dynamic;
    };
    let args = &cmd.words[1..];
    match program.text.as_str() {
        "echo" => {
            let args: Vec<&Word> = args
                .iter()
                .skip_while(|w| is_echo_option(&w.text))
                .collect();
            match args.as_slice() {
                [] => Stdin::Literal(Word {
                    text: String::new(),
                    span: Span::empty_at(program.span.end as usize),
                    has_expansion: false,
                }),
                [one] if one.is_literal() => Stdin::Literal((*one).clone()),
                [first, .., last] if args.iter().all(|w| w.is_literal()) => {
                    let text = args
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    Stdin::Literal(Word {
                        text,
                        span: first.span.cover(last.span),
                        has_expansion: false,
                    })
                }
                _ => dynamic,
            }
        }
        "printf" => {
            let args = match args.first() {
                Some(w) if w.text == "--" => &args[1..],
                _ => args,
            };
            match args {
                [format] if format.is_literal() && !format.text.contains('%') => {
                    let mut word = format.clone();
                    if let Some(t) = word.text.strip_suffix("\\n") {
                        word.text = t.to_string();
                    }
                    Stdin::Literal(word)
                }
                [format, value]
                    if matches!(format.text.as_str(), "%s" | "%s\\n" | "%s\n")
                        && value.is_literal() =>
                {
                    Stdin::Literal(value.clone())
                }
                _ => dynamic,
            }
        }
        "cat" if args.iter().all(|w| w.text == "-") => match &cmd.stdin {
            Some(lit @ Stdin::Literal(_)) => lit.clone(),
            _ => dynamic,
        },
        _ => dynamic,
    }
}

fn is_echo_option(s: &str) -> bool {
    s.len() > 1 && s.starts_with('-') && s[1..].bytes().all(|b| matches!(b, b'n' | b'e' | b'E'))
}
