//! Scripts in every form the project holds them (shell files, package.json
//! scripts, workflow `run:` blocks) and what their commands are fed: shared
//! by the SEC008, DB001 and DB002 rules.

use crate::finding::FileId;
use crate::formats::shell::{Assignment, Op, ShellScript, Stdin, Word};
use crate::project::Project;
use crate::span::Span;

/// Where a script's commands come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptOrigin {
    /// A `*.sh` file or a `package.json` script.
    Script,
    /// A workflow or composite-action `run:` block.
    RunBlock,
}

/// Every script in the project, with the file holding it.
pub fn all_scripts(project: &Project) -> Vec<(FileId, &ShellScript, ScriptOrigin)> {
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
pub fn sole_variable(word: &str) -> Option<&str> {
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
pub fn literal_assignment<'a>(
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
pub fn literal_source<'a>(script: &'a ShellScript, word: &'a Word) -> Option<(&'a Word, bool)> {
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
pub fn fed_word<'a>(script: &'a ShellScript, stdin: &'a Stdin) -> Option<&'a Word> {
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
pub struct SecretFeed<'a> {
    pub name: &'a Word,
    pub command: &'static str,
    pub value: &'a Word,
    /// The value reached the command through a variable assigned earlier.
    pub via_variable: bool,
}

/// Every `wrangler secret put` / `gh secret set` of a script whose value is
/// written in the script itself.
pub fn secret_feeds<'a>(project: &Project, script: &'a ShellScript) -> Vec<SecretFeed<'a>> {
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
