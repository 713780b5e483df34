//! SEC008 secret-literal-in-script: the doc lives in rules/SEC008.md.
//!
//! Also home of the script helpers the other script rules share: every
//! script the project holds (shell files, package.json scripts, workflow
//! `run:` blocks) and the literal a `$VAR` stands for.

use std::collections::HashSet;

use crate::finding::{FileId, Finding};
use crate::formats::shell::{Assignment, Op, ShellScript, Stdin, Word};
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::names::hints_credential;
use crate::secrets::{Catalog, is_placeholder, redact};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC008",
    "secret-literal-in-script",
    Error,
    "a committed script feeds a literal secret to `wrangler secret put` or `gh secret set`",
    "read the value from the environment or a generator (`openssl rand ... | wrangler secret put NAME`) instead of writing it in the script",
);

pub struct SecretLiteralInScript;

/// Where a script's commands come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScriptOrigin {
    /// A `*.sh` file or a `package.json` script.
    Script,
    /// A workflow or composite-action `run:` block.
    RunBlock,
}

/// Every script in the project, with the file holding it.
pub(crate) fn all_scripts(project: &Project) -> Vec<(FileId, &ShellScript, ScriptOrigin)> {
    let mut scripts: Vec<(FileId, &ShellScript, ScriptOrigin)> = project
        .shell_scripts()
        .map(|(id, s)| (id, s, ScriptOrigin::Script))
        .collect();
    for (id, workflow) in project.workflows() {
        for job in &workflow.jobs {
            for step in &job.steps {
                if let Some(run) = &step.run {
                    scripts.push((id, &run.script, ScriptOrigin::RunBlock));
                }
            }
        }
    }
    scripts
}

/// The variable a word consists of, if it is exactly `$NAME` or `${NAME}`.
pub(crate) fn sole_variable(word: &str) -> Option<&str> {
    let rest = word.strip_prefix('$')?;
    let name = match rest.strip_prefix('{') {
        Some(inner) => inner.strip_suffix('}')?,
        None => rest,
    };
    let mut chars = name.chars();
    let first = chars.next()?;
    let valid = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(name)
}

/// The statement that last set `name` before `before` in the same script
/// (`NAME=...` or `export NAME=...` on its own, not a `NAME=x cmd` prefix),
/// when it set a literal.
pub(crate) fn literal_assignment<'a>(
    script: &'a ShellScript,
    name: &str,
    before: Span,
) -> Option<&'a Assignment> {
    let last = script
        .commands
        .iter()
        .filter(|c| c.words.is_empty() && c.span.start < before.start)
        .flat_map(|c| c.assignments.iter())
        .rfind(|a| a.name.value == name)?;
    last.value.is_literal().then_some(last)
}

/// The value a secret-setting command receives from the script's own text:
/// a literal word, or a `$VAR` whose last assignment is a literal. The word
/// returned is where the value is written; the flag tells it was assigned.
pub(crate) fn literal_source<'a>(
    script: &'a ShellScript,
    word: &'a Word,
) -> Option<(&'a Word, bool)> {
    if word.is_literal() {
        return Some((word, false));
    }
    let var = sole_variable(word.text.trim())?;
    literal_assignment(script, var, word.span).map(|a| (&a.value, true))
}

/// The word a command's stdin comes from: the literal the shell front
/// recognised, or the single argument of the `echo`/`printf '%s'` piped in
/// when that argument is an expansion (`echo "$NEW_SECRET" | ...`), so that
/// the variable can be followed.
pub(crate) fn fed_word<'a>(script: &'a ShellScript, stdin: &'a Stdin) -> Option<&'a Word> {
    let span = match stdin {
        Stdin::Literal(word) => return Some(word),
        Stdin::Dynamic(span) => *span,
    };
    let source = script.commands.iter().find(|c| c.span == span)?;
    let (program, args) = source.words.split_first()?;
    match program.text.as_str() {
        "echo" => {
            let is_option = |w: &&Word| {
                w.text.len() > 1
                    && w.text.starts_with('-')
                    && w.text[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
            };
            match args
                .iter()
                .skip_while(is_option)
                .collect::<Vec<_>>()
                .as_slice()
            {
                [one] => Some(one),
                _ => None,
            }
        }
        "printf" => match args {
            [format, value] if matches!(format.text.as_str(), "%s" | "%s\\n" | "%s\n") => {
                Some(value)
            }
            _ => None,
        },
        _ => None,
    }
}

/// What a secret-setting command is fed, with the command's name for the
/// message.
pub(crate) struct SecretFeed<'a> {
    pub name: &'a Word,
    pub command: &'static str,
    pub value: &'a Word,
    /// The value reached the command through a variable assigned earlier.
    pub via_variable: bool,
}

/// Every `wrangler secret put` / `gh secret set` of a script whose value is
/// written in the script itself.
pub(crate) fn secret_feeds<'a>(project: &Project, script: &'a ShellScript) -> Vec<SecretFeed<'a>> {
    let mut feeds = Vec::new();
    for command in &script.commands {
        let (name, word, what) = match command.op(&project.config.migration_tasks) {
            Some(Op::SecretPut {
                name,
                stdin: Some(stdin),
                ..
            }) => match fed_word(script, stdin) {
                Some(word) => (name, word, "wrangler secret put"),
                None => continue,
            },
            Some(Op::GhSecretSet { name, body, stdin }) => {
                let word = match (body, stdin) {
                    (Some(body), _) => body,
                    (None, Some(stdin)) => match fed_word(script, stdin) {
                        Some(word) => word,
                        None => continue,
                    },
                    _ => continue,
                };
                (name, word, "gh secret set")
            }
            _ => continue,
        };
        if let Some((value, via_variable)) = literal_source(script, word) {
            feeds.push(SecretFeed {
                name,
                command: what,
                value,
                via_variable,
            });
        }
    }
    feeds
}

/// Whether a literal given to a secret-setting command under `name` is a
/// leaked credential. Names that are confidential but grant nothing
/// (`CORS_ALLOWED_ORIGINS`), public names and plain identifiers
/// (`NEON_PROJECT_ID`) are left alone unless the value has a credential
/// format.
fn is_leak(project: &Project, name: &str, value: &str) -> bool {
    if is_placeholder(value) {
        return false;
    }
    if Catalog::builtin().match_value(value).is_some() {
        return true;
    }
    let names = &project.names;
    if names.is_public_name(name) {
        return false;
    }
    if names.is_secret_name(name) {
        return names.is_credential_name(name);
    }
    hints_credential(name)
}

impl Rule for SecretLiteralInScript {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, script, _) in all_scripts(project) {
            let mut seen: HashSet<Span> = HashSet::new();
            for feed in secret_feeds(project, script) {
                let name = feed.name.text.as_str();
                let value = feed.value.text.as_str();
                if !is_leak(project, name, value) || !seen.insert(feed.value.span) {
                    continue;
                }
                let how = if feed.via_variable {
                    "is assigned here and later passed to"
                } else {
                    "is written into the script and passed to"
                };
                out.push(
                    Finding::new(&META, id, feed.value.span)
                        .message(format!(
                            "a literal value ({}) {how} `{} {name}`: everyone who can read the repository has it",
                            redact(value),
                            feed.command
                        ))
                        .help(format!(
                            "generate or read it at run time (`openssl rand -base64 32 | {} {name}`, \
                             `echo \"$VALUE\" | ...` with VALUE from the environment), and rotate the committed value",
                            feed.command
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sole_variable_accepts_only_a_bare_expansion() {
        assert_eq!(sole_variable("$NEW_SECRET"), Some("NEW_SECRET"));
        assert_eq!(sole_variable("${KEY_1}"), Some("KEY_1"));
        assert_eq!(sole_variable("$1"), None);
        assert_eq!(sole_variable("${X:-default}"), None);
        assert_eq!(sole_variable("prefix$X"), None);
        assert_eq!(sole_variable("$(openssl rand -hex 32)"), None);
        assert_eq!(sole_variable("$"), None);
    }
}
