//! The commands inside shell scripts, `package.json` scripts and workflow
//! `run:` blocks — not a full shell, but enough to know what a command line
//! runs, with which arguments and environment, and what feeds its stdin.

use crate::span::{Span, Spanned};

mod lex;
mod op;
mod parse;

#[derive(Clone, Debug, Default)]
pub struct ShellScript {
    /// Every simple command, in source order (pipelines flattened; a
    /// command inside `$(...)` is not listed).
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug)]
pub struct Command {
    /// `NAME=value` prefixes (`FOO=1 cmd`), or a bare assignment / `export
    /// NAME=value` statement when `words` is empty (`local`, `declare`,
    /// `readonly`, `typeset` statements too, with `exported` false unless
    /// `declare -x`).
    pub assignments: Vec<Assignment>,
    /// The program and its arguments, unquoted.
    pub words: Vec<Word>,
    /// From the first assignment or word to the last word (covering an
    /// `export` keyword and redirections written among them, not the body
    /// of a here-document).
    pub span: Span,
    /// What feeds this command's stdin, if anything does.
    pub stdin: Option<Stdin>,
    /// The value part of every `--flag=value` word: (index in `words`,
    /// the value with its own span), so that options can be read the same
    /// way whether written `--env x` or `--env=x`.
    pub flag_values: Vec<(usize, Word)>,
}

#[derive(Clone, Debug)]
pub struct Assignment {
    pub name: Spanned<String>,
    pub value: Word,
    pub exported: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed; expansions are kept as written
    /// (`$VAR`, `${X}`, `$(cmd)`).
    pub text: String,
    /// The word as written, quotes included.
    pub span: Span,
    /// True when the word contains an unquoted or double-quoted expansion
    /// (`$VAR`, `${...}`, `$(...)`, backticks): its value is not a literal.
    pub has_expansion: bool,
}

impl Word {
    pub fn is_literal(&self) -> bool {
        !self.has_expansion
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stdin {
    /// A literal string: `echo 'x' | cmd`, `printf '%s' x | cmd`,
    /// `cmd <<< 'x'`, or a heredoc whose body has no expansion.
    Literal(Word),
    /// Anything else: an expansion, another command's output
    /// (`openssl rand -base64 32 | cmd`), a file (`< f`).
    Dynamic(Span),
}

impl ShellScript {
    /// Never fails: text that is not understood yields fewer commands.
    pub fn parse(text: &str) -> ShellScript {
        parse::parse(text)
    }

    /// Rewrites every span (commands, words, assignments, stdin), e.g. to
    /// map offsets in an extracted script back to offsets in its file.
    pub fn map_spans<F: FnMut(Span) -> Span>(&mut self, mut f: F) {
        for cmd in &mut self.commands {
            cmd.span = f(cmd.span);
            for a in &mut cmd.assignments {
                a.name.span = f(a.name.span);
                a.value.span = f(a.value.span);
            }
            for w in &mut cmd.words {
                w.span = f(w.span);
            }
            for (_, w) in &mut cmd.flag_values {
                w.span = f(w.span);
            }
            match &mut cmd.stdin {
                Some(Stdin::Literal(w)) => w.span = f(w.span),
                Some(Stdin::Dynamic(s)) => *s = f(*s),
                None => {}
            }
        }
    }

    /// Every span moved right by `offset` bytes.
    pub fn shift(&mut self, offset: usize) {
        self.map_spans(|s| s.shifted(offset));
    }
}

/// What a command means to preflight.
#[derive(Clone, Debug)]
pub enum Op<'a> {
    /// `wrangler secret put NAME [--env E]` (also via npx/pnpm/yarn/bunx).
    SecretPut {
        name: &'a Word,
        env: Option<&'a Word>,
        stdin: Option<&'a Stdin>,
    },
    /// `wrangler secret bulk [FILE] [--env E]`: uploads every secret of a
    /// local file (stdin when no file is named).
    SecretBulk {
        file: Option<&'a Word>,
        env: Option<&'a Word>,
    },
    /// `gh secret set NAME [--body V | -b V]`.
    GhSecretSet {
        name: &'a Word,
        body: Option<&'a Word>,
        stdin: Option<&'a Stdin>,
    },
    /// `wrangler hyperdrive create|update ... --origin-url|--connection-string URL`.
    HyperdriveOrigin { url: &'a Word },
    /// `wrangler deploy [--env E]` / `wrangler publish`.
    Deploy {
        env: Option<&'a Word>,
        dry_run: bool,
    },
    /// A database migration: `prisma migrate deploy|dev|reset|resolve`,
    /// `prisma db push`, `drizzle-kit migrate|push`, or a script/task named
    /// like `db:migrate` (`npm run db:migrate`, `deno task db:migrate`).
    Migration {
        /// What was recognised, e.g. `prisma migrate deploy`.
        tool: String,
    },
}

impl Command {
    /// Classifies the command; `migration_tasks` are script names that count
    /// as migrations (default `db:migrate`).
    pub fn op(&self, migration_tasks: &[String]) -> Option<Op<'_>> {
        op::classify(self, migration_tasks)
    }

    /// The program actually run once runners (`npx`, `pnpm exec`, `bunx`,
    /// `yarn dlx`, `npm exec`, `env`, `sudo`, `dotenv --` ...) and paths
    /// (`./node_modules/.bin/`) are stripped, e.g. `wrangler`; `None` for a
    /// bare assignment or a package-script invocation.
    pub fn program(&self) -> Option<&str> {
        op::program(self)
    }

    /// The `NAME=value` prefix or statement assignment for `name`.
    pub fn env_assignment(&self, name: &str) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.name.value == name)
    }

    /// The first word, as written after quote removal (`npx`, `echo`).
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(|w| w.text.as_str())
    }
}

#[cfg(test)]
mod tests;
