//! Workflow analysis shared by the CI rules: which `${{ }}` expressions and
//! shell variables carry a credential at each step of a job, and what a
//! `run:` command does with its output (pipes, redirections).
//!
//! The workflow model keeps command spans in file offsets but not the file
//! text, so a run block is parsed a second time from its own text: both
//! parses list the same commands in the same order, which lets a rule read
//! a command's redirections in the script while reporting in the file.

use std::collections::HashSet;

use crate::formats::shell::{Command, ShellScript, Stdin, Word};
use crate::formats::workflow::{ExprRef, Expression, Job, KeyValue, RunBlock, Step, Workflow};
use crate::span::Span;

/// Actions whose outputs are credentials, by output name.
const CREDENTIAL_OUTPUTS: &[(&str, &[&str])] = &[(
    "neondatabase/create-branch-action",
    &["db_url", "db_url_with_pooler", "db_url_pooled", "password"],
)];

/// `owner/repo[/path]` of a `uses:` value, without its `@ref`, lower case.
pub(crate) fn action_name(uses: &str) -> String {
    uses.split('@')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a step runs the action `name` (`owner/repo`).
pub(crate) fn step_uses(step: &Step, name: &str) -> bool {
    step.uses
        .as_ref()
        .is_some_and(|u| action_name(&u.value) == name)
}

/// A `with:` input of a step.
pub(crate) fn input<'a>(step: &'a Step, name: &str) -> Option<&'a KeyValue> {
    step.with.iter().find(|kv| kv.key.value == name)
}

/// An expression that evaluates to a boolean (`secrets.X != ''`,
/// `!secrets.X`, `contains(...)`): it never yields the value itself.
fn is_test(text: &str) -> bool {
    let t = text.trim();
    t.starts_with('!')
        || ["==", "!=", "<", ">"].iter().any(|op| t.contains(op))
        || ["contains(", "startsWith(", "endsWith("]
            .iter()
            .any(|f| t.starts_with(f))
}

/// The credential state of a job at one of its steps.
#[derive(Clone, Debug, Default)]
pub(crate) struct Creds {
    /// `(step id, output)` pairs known to hold credentials.
    pub outputs: HashSet<(String, String)>,
    /// Environment variables holding credentials at this step.
    pub vars: HashSet<String>,
    /// Variables a previous step exported through `$GITHUB_ENV`.
    exported: HashSet<String>,
    /// Files a previous step wrote a credential to.
    pub files: Vec<String>,
}

impl Creds {
    /// Whether the expression yields a secret or a credential step output
    /// (with `env`, also an env variable holding one).
    pub fn expr_is_credential(&self, e: &Expression, with_env: bool) -> bool {
        if is_test(&e.text) {
            return false;
        }
        if e.text.replace(' ', "").contains("toJSON(secrets)") {
            return true;
        }
        e.refs.iter().any(|r| match r {
            ExprRef::Secret(_) => true,
            ExprRef::StepOutput { step, output } => {
                self.outputs.contains(&(step.clone(), output.clone()))
            }
            ExprRef::Env(name) => with_env && self.vars.contains(name),
            _ => false,
        })
    }

    fn value_is_credential(&self, kv: &KeyValue) -> bool {
        kv.expressions
            .iter()
            .any(|e| self.expr_is_credential(e, true))
    }
}

/// Walks a job's steps in order, keeping track of credentials.
pub(crate) struct JobWalk<'a> {
    workflow: &'a Workflow,
    job: &'a Job,
    creds: Creds,
}

impl<'a> JobWalk<'a> {
    pub fn new(workflow: &'a Workflow, job: &'a Job) -> JobWalk<'a> {
        let mut creds = Creds::default();
        for step in &job.steps {
            let (Some(id), Some(uses)) = (&step.id, &step.uses) else {
                continue;
            };
            let name = action_name(&uses.value);
            for (action, outputs) in CREDENTIAL_OUTPUTS {
                if name == *action {
                    for o in *outputs {
                        creds.outputs.insert((id.value.clone(), (*o).to_string()));
                    }
                }
            }
        }
        JobWalk {
            workflow,
            job,
            creds,
        }
    }

    /// The credentials visible to `step` (which must be the next step of
    /// the walk); call `after` once the step has been looked at.
    pub fn before(&mut self, step: &Step) -> &Creds {
        let mut vars = self.creds.exported.clone();
        // Narrower `env:` blocks override wider ones.
        let levels = [&self.workflow.env, &self.job.env, &step.env];
        for level in levels {
            for kv in level.iter() {
                if self.creds.value_is_credential(kv) {
                    vars.insert(kv.key.value.clone());
                } else {
                    vars.remove(&kv.key.value);
                }
            }
        }
        self.creds.vars = vars;
        &self.creds
    }

    /// Records what `step` exported (`$GITHUB_ENV`, `$GITHUB_OUTPUT`) or
    /// wrote to files.
    pub fn after(&mut self, step: &Step) {
        let Some(run) = &step.run else { return };
        let Some(view) = RunView::new(run) else {
            return;
        };
        let mut vars = self.creds.vars.clone();
        for i in 0..view.len() {
            view.track_assignment(i, &self.creds, &mut vars);
            let Some(cmd) = view.local(i) else { continue };
            if !matches!(cmd.name(), Some("echo" | "printf")) {
                continue;
            }
            let carrying: Vec<usize> = (1..cmd.words.len())
                .filter(|&w| view.word_is_credential(i, w, &self.creds, &vars))
                .collect();
            if carrying.is_empty() {
                continue;
            }
            for target in view.stdout_targets(i) {
                match target_kind(&target) {
                    Target::GithubEnv => {
                        for w in &cmd.words[1..] {
                            if let Some((name, _)) = w.text.split_once('=') {
                                self.creds.exported.insert(name.trim().to_string());
                            }
                        }
                    }
                    Target::GithubOutput => {
                        if let Some(id) = &step.id {
                            for w in &cmd.words[1..] {
                                if let Some((name, _)) = w.text.split_once('=') {
                                    self.creds
                                        .outputs
                                        .insert((id.value.clone(), name.trim().to_string()));
                                }
                            }
                        }
                    }
                    Target::File(path) => self.creds.files.push(path),
                    _ => {}
                }
            }
        }
    }
}

/// Where a command's standard output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    GithubEnv,
    GithubOutput,
    StepSummary,
    /// The log: stdout/stderr duplicated (`>&2`, `>/dev/stderr`).
    Log,
    /// Discarded.
    Null,
    File(String),
}

pub(crate) fn target_kind(target: &str) -> Target {
    let t = target
        .trim_matches(|c| c == '"' || c == '\'')
        .replace(['{', '}'], "");
    match t.as_str() {
        "$GITHUB_ENV" => Target::GithubEnv,
        "$GITHUB_OUTPUT" => Target::GithubOutput,
        "$GITHUB_STEP_SUMMARY" => Target::StepSummary,
        "&1" | "&2" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" => Target::Log,
        "/dev/null" | "&-" => Target::Null,
        _ => Target::File(t),
    }
}

/// A run block seen both ways: commands with file spans, and the same
/// commands parsed from the block's own text.
pub(crate) struct RunView<'a> {
    text: &'a str,
    file: &'a ShellScript,
    local: ShellScript,
    run: &'a RunBlock,
    /// Indexes of the block's commands, built once so that the pipe
    /// lookups of every command stay linear in the block's length.
    pipes: PipeIndex,
}

/// Which command reads which: a run block of 95k lines made the pairwise
/// search take seconds.
struct PipeIndex {
    /// Each command's span, to its index.
    by_span: std::collections::HashMap<Span, usize>,
    /// The commands fed by another's output (a dynamic stdin span), by
    /// that span, in order.
    fed_by: std::collections::HashMap<Span, Vec<usize>>,
    /// The commands with a literal stdin: (its span, command index),
    /// sorted by span start.
    literal: Vec<(Span, usize)>,
}

impl PipeIndex {
    fn new(script: &ShellScript) -> PipeIndex {
        let mut index = PipeIndex {
            by_span: Default::default(),
            fed_by: Default::default(),
            literal: Vec::new(),
        };
        for (j, c) in script.commands.iter().enumerate() {
            index.by_span.entry(c.span).or_insert(j);
            match &c.stdin {
                Some(Stdin::Dynamic(s)) => index.fed_by.entry(*s).or_default().push(j),
                Some(Stdin::Literal(w)) => index.literal.push((w.span, j)),
                None => {}
            }
        }
        index.literal.sort_by_key(|(span, _)| span.start);
        index
    }
}

impl<'a> RunView<'a> {
    pub fn new(run: &'a RunBlock) -> Option<RunView<'a>> {
        let local = ShellScript::parse(&run.text);
        (local.commands.len() == run.script.commands.len()).then(|| RunView {
            text: &run.text,
            file: &run.script,
            local,
            run,
            pipes: PipeIndex::new(&run.script),
        })
    }

    pub fn len(&self) -> usize {
        self.file.commands.len()
    }

    /// Command `i` with file spans.
    pub fn command(&self, i: usize) -> Option<&'a Command> {
        self.file.commands.get(i)
    }

    /// Command `i` with spans into the block's text.
    pub fn local(&self, i: usize) -> Option<&Command> {
        self.local.commands.get(i)
    }

    fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }

    /// A `NAME=value` statement whose value carries a credential makes
    /// `NAME` one too; any other value clears it.
    pub fn track_assignment(&self, i: usize, creds: &Creds, vars: &mut HashSet<String>) {
        let (Some(file), Some(local)) = (self.command(i), self.local(i)) else {
            return;
        };
        if !file.words.is_empty() {
            return;
        }
        for (f, l) in file.assignments.iter().zip(&local.assignments) {
            let carries = self.text_is_credential(&l.value.text, f.value.span, creds, vars);
            if carries {
                vars.insert(f.name.value.clone());
            } else {
                vars.remove(&f.name.value);
            }
        }
    }

    /// Whether word `w` of command `i` expands a credential.
    pub fn word_is_credential(
        &self,
        i: usize,
        w: usize,
        creds: &Creds,
        vars: &HashSet<String>,
    ) -> bool {
        let (Some(file), Some(local)) = (self.command(i), self.local(i)) else {
            return false;
        };
        let (Some(fw), Some(lw)) = (file.words.get(w), local.words.get(w)) else {
            return false;
        };
        self.text_is_credential(&lw.text, fw.span, creds, vars)
    }

    /// Whether text written at `span` in the file expands a credential
    /// variable or holds a credential expression.
    pub fn text_is_credential(
        &self,
        text: &str,
        span: Span,
        creds: &Creds,
        vars: &HashSet<String>,
    ) -> bool {
        if text.starts_with("::add-mask::") {
            return false;
        }
        let in_span = |e: &&Expression| e.span.start >= span.start && e.span.end <= span.end;
        self.run
            .expressions
            .iter()
            .filter(in_span)
            .any(|e| creds.expr_is_credential(e, true))
            || expanded_vars(text).iter().any(|v| vars.contains(*v))
    }

    /// The targets of command `i`'s stdout redirections, in order.
    pub fn stdout_targets(&self, i: usize) -> Vec<String> {
        let Some(cmd) = self.local(i) else {
            return Vec::new();
        };
        let mut gaps = self.slice(cmd.span).to_string();
        let base = cmd.span.start as usize;
        let covered = cmd.words.iter().map(|w| w.span).chain(
            cmd.assignments
                .iter()
                .map(|a| a.name.span.cover(a.value.span)),
        );
        for span in covered {
            let from = (span.start as usize).saturating_sub(base);
            let to = (span.end as usize).saturating_sub(base);
            if let Some(part) = gaps.get(from..to) {
                let blank = " ".repeat(part.len());
                gaps.replace_range(from..to, &blank);
            }
        }
        redirect_targets(&gaps)
    }

    /// The command `i`'s output is piped into: `Some(consumer index)`.
    pub fn piped_into(&self, i: usize) -> Option<usize> {
        let span = self.command(i)?.span;
        let dynamic = self
            .pipes
            .fed_by
            .get(&span)
            .and_then(|js| js.iter().copied().find(|&j| j > i));
        let from = self
            .pipes
            .literal
            .partition_point(|(s, _)| s.start < span.start);
        let literal = self.pipes.literal[from..]
            .iter()
            .take_while(|(s, _)| s.start <= span.end)
            .filter(|(s, j)| s.end <= span.end && *j > i)
            .map(|&(_, j)| j)
            .min();
        match (dynamic, literal) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// For a command fed by a here-string or here-document: the fed text
    /// in the block and its span in the file.
    pub fn inline_stdin(&self, i: usize) -> Option<(&str, Span)> {
        let file = self.command(i)?;
        let local = self.local(i)?;
        let (Some(Stdin::Dynamic(fs)), Some(Stdin::Dynamic(ls))) = (&file.stdin, &local.stdin)
        else {
            return None;
        };
        if self.pipes.by_span.contains_key(fs) {
            return None; // a pipe, not inline text
        }
        Some((self.slice(*ls), *fs))
    }
}

/// Stdout redirection targets (`>`, `>>`, `&>`, `1>`, `>|`) in the text a
/// command has besides its words.
fn redirect_targets(gaps: &str) -> Vec<String> {
    let tokens: Vec<&str> = gaps.split_whitespace().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let t = tokens[k];
        k += 1;
        let Some(at) = t.find('>') else { continue };
        let prefix = &t[..at];
        // Only stdout (`>`, `1>`, `&>`) decides where printed text goes.
        if !matches!(prefix, "" | "1" | "&") {
            continue;
        }
        let rest = t[at..].trim_start_matches(['>', '|']);
        // `>&2` / `2>&1` duplicate a descriptor.
        let target = if rest.is_empty() {
            let Some(next) = tokens.get(k) else { break };
            k += 1;
            (*next).to_string()
        } else {
            rest.to_string()
        };
        out.push(target);
    }
    out
}

/// Names of the variables a shell word expands: `$NAME`, `${NAME}`,
/// `${NAME:-x}`, `${NAME:0:4}`; not `${#NAME}` (a length) or
/// `${NAME:+x}` (a fixed text when set).
pub(crate) fn expanded_vars(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = b.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        if braced && b.get(start) == Some(&b'{') {
            // `${{ ... }}` is a workflow expression.
            i = start + 1;
            continue;
        }
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        let name = &text[start..end];
        let valid = name
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_');
        let alternative = braced && text.get(end..).is_some_and(|r| r.starts_with(":+"));
        if valid && !alternative {
            out.push(name);
        }
        i = end.max(i + 1);
    }
    out
}

/// The span of a step's Worker deploy, if it deploys one: `wrangler deploy`
/// (not `--dry-run`) in its run block, or `cloudflare/wrangler-action`
/// with a deploy command (its default).
pub(crate) fn step_deploy_span(step: &Step) -> Option<Span> {
    if let Some(run) = &step.run {
        for c in &run.script.commands {
            if let Some(crate::formats::shell::Op::Deploy { dry_run: false, .. }) = c.op(&[]) {
                return Some(c.span);
            }
        }
    }
    if step_uses(step, "cloudflare/wrangler-action") {
        let command = input(step, "command").and_then(|kv| kv.value.as_ref());
        let deploys = match command {
            None => true,
            Some(c) => {
                let script = ShellScript::parse(&format!("wrangler {}", c.value));
                script.commands.iter().any(|cmd| {
                    matches!(
                        cmd.op(&[]),
                        Some(crate::formats::shell::Op::Deploy { dry_run: false, .. })
                    )
                })
            }
        };
        if deploys {
            return step.uses.as_ref().map(|u| u.span);
        }
    }
    None
}

/// Whether a word list runs lint, type checks or tests.
pub(crate) fn runs_checks(words: &[Word]) -> bool {
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let check_name = |s: &str| {
        let l = s.to_ascii_lowercase();
        [
            "test",
            "lint",
            "typecheck",
            "type-check",
            "tsc",
            "check",
            "vitest",
            "jest",
        ]
        .iter()
        .any(|k| l.contains(k))
    };
    let mut i = 0;
    // Runners: `npx vitest`, `pnpm exec tsc`.
    while let Some(t) = texts.get(i) {
        let base = t.rsplit('/').next().unwrap_or(t);
        match base {
            "npx" | "bunx" | "pnpx" | "exec" | "dlx" | "x" => i += 1,
            "npm" | "pnpm" | "yarn" | "bun" | "deno" => {
                let rest: Vec<&str> = texts[i + 1..]
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with('-'))
                    .collect();
                return match rest.as_slice() {
                    ["run" | "run-script" | "task", script, ..] => check_name(script),
                    ["exec" | "x" | "dlx", ..] => {
                        i += 2;
                        continue;
                    }
                    ["test" | "t" | "tst" | "lint", ..] => true,
                    [script, ..] if *base != *"npm" => check_name(script),
                    _ => false,
                };
            }
            "cargo" => {
                return texts
                    .get(i + 1)
                    .is_some_and(|s| matches!(*s, "test" | "clippy" | "check" | "nextest"));
            }
            "vitest" | "jest" | "tsc" | "eslint" | "biome" | "oxlint" | "mocha" | "playwright"
            | "prettier" => return true,
            _ => return false,
        }
    }
    false
}

/// Whether a job runs checks: a step's command does, or the job's id or
/// name says so, or it calls a reusable workflow named like CI.
pub(crate) fn job_runs_checks(job: &Job) -> bool {
    let named = |s: &str| {
        let l = s.to_ascii_lowercase();
        ["test", "lint", "check", "typecheck", "verify", "validate"]
            .iter()
            .any(|k| l.contains(k))
            || l.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|p| p == "ci")
    };
    named(&job.id.value)
        || job.name.as_ref().is_some_and(|n| named(&n.value))
        || job.uses.as_ref().is_some_and(|u| named(&u.value))
        || job.steps.iter().any(|s| {
            s.run
                .as_ref()
                .is_some_and(|r| r.script.commands.iter().any(|c| runs_checks(&c.words)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_expanded() {
        assert_eq!(
            expanded_vars("a=$A ${B} ${C:-x} ${#D} ${E:+set}"),
            vec!["A", "B", "C"]
        );
        assert!(expanded_vars("${{ secrets.X }}").is_empty());
    }

    #[test]
    fn redirections() {
        assert_eq!(
            redirect_targets(r#"  >> "$GITHUB_ENV""#),
            vec!["\"$GITHUB_ENV\""]
        );
        assert_eq!(redirect_targets(" >key.pem 2>&1"), vec!["key.pem"]);
        assert_eq!(redirect_targets(" >&2"), vec!["&2"]);
        assert_eq!(target_kind("${GITHUB_STEP_SUMMARY}"), Target::StepSummary);
    }

    #[test]
    fn tests_are_not_values() {
        assert!(is_test("secrets.X != ''"));
        assert!(is_test("!secrets.X"));
        assert!(!is_test("secrets.X || secrets.Y"));
    }

    #[test]
    fn check_commands() {
        let cmds = |s: &str| ShellScript::parse(s).commands;
        for yes in [
            "npm test",
            "npm run lint",
            "pnpm typecheck",
            "npx vitest run",
            "cargo test",
            "yarn run test:unit",
        ] {
            assert!(runs_checks(&cmds(yes)[0].words), "{yes}");
        }
        for no in [
            "npm ci",
            "npm run build",
            "npx wrangler deploy",
            "pnpm install",
        ] {
            assert!(!runs_checks(&cmds(no)[0].words), "{no}");
        }
    }
}
