//! The commands inside shell scripts, `package.json` scripts and workflow
//! `run:` blocks — not a full shell, but enough to know what a command line
//! runs, with which arguments and environment, and what feeds its stdin.

use crate::span::{Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct ShellScript {
    /// Every simple command, in source order (pipelines flattened; a
    /// command inside `$(...)` is not listed).
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug)]
pub struct Command {
    /// `NAME=value` prefixes (`FOO=1 cmd`), or a bare assignment / `export
    /// NAME=value` statement when `words` is empty.
    pub assignments: Vec<Assignment>,
    /// The program and its arguments, unquoted.
    pub words: Vec<Word>,
    /// From the first assignment or word to the last word.
    pub span: Span,
    /// What feeds this command's stdin, if anything does.
    pub stdin: Option<Stdin>,
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
    pub fn parse(text: &str) -> ShellScript {
        let _ = text;
        ShellScript::default()
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
        let _ = migration_tasks;
        None
    }
}
