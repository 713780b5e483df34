//! CI001 secret-in-log: the doc lives in rules/CI001.md.
//!
//! GitHub masks registered secrets in logs, but not values derived from
//! them (a substring, a base64 form, a URL built around one) nor outputs of
//! actions that do not register a mask; and comments, summaries and
//! artifacts outlive the log. So any route from a credential to one of
//! those places is reported, at the word or expression that carries it.

use std::collections::HashSet;

use crate::finding::{FileId, Finding};
use crate::formats::workflow::{Step, Workflow};
use crate::project::Project;
use crate::rules::support::workflows::{
    Creds, JobWalk, RunView, Target, action_name, input, target_kind,
};
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "CI001",
    "secret-in-log",
    Error,
    "a workflow publishes a credential to logs, comments, summaries or artifacts",
    "never print secrets; pipe them into the command that needs them",
);

pub struct SecretInLog;

/// Actions that post a comment, with the input holding its text.
const COMMENT_ACTIONS: &[(&str, &[&str])] = &[
    ("peter-evans/create-or-update-comment", &["body"]),
    ("marocchino/sticky-pull-request-comment", &["message"]),
    ("thollander/actions-comment-pull-request", &["message"]),
    ("mshick/add-pr-comment", &["message"]),
];

/// Calls in an `actions/github-script` script that publish text.
const SCRIPT_SINKS: &[&str] = &[
    "createComment",
    "updateComment",
    "createReview",
    "issues.create",
    "issues.update",
    "pulls.update",
    "core.summary",
    "core.info",
    "core.notice",
    "core.warning",
    "core.error",
    "core.debug",
    "console.log",
    "console.info",
    "console.error",
];

/// Where a command's output ends up.
#[derive(Debug, PartialEq, Eq)]
enum Dest {
    Log,
    Summary,
    Elsewhere,
}

struct Out<'a> {
    out: &'a mut Vec<Finding>,
    file: FileId,
    seen: HashSet<Span>,
}

impl Out<'_> {
    fn push(&mut self, span: Span, message: String, help: &'static str) {
        if self.seen.insert(span) {
            self.out.push(
                Finding::new(&META, self.file, span)
                    .message(message)
                    .help(help),
            );
        }
    }
}

const PRINT_HELP: &str = "do not print it: pass it to the command that needs it through `env:` or a pipe \
                          (`echo \"$X\" | wrangler secret put X`); print only its presence or length";

impl Rule for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (file, workflow) in project.workflows() {
            let mut o = Out {
                out: &mut *out,
                file,
                seen: HashSet::new(),
            };
            check_workflow(workflow, &mut o);
        }
    }
}

fn check_workflow(workflow: &Workflow, out: &mut Out<'_>) {
    for job in &workflow.jobs {
        let mut walk = JobWalk::new(workflow, job);
        for step in &job.steps {
            let creds = walk.before(step).clone();
            run_step(step, &creds, out);
            action_step(step, &creds, out);
            walk.after(step);
        }
    }
}

/// Where command `i`'s stdout goes, following pipes through `tee`/`cat`.
fn destination(view: &RunView<'_>, mut i: usize) -> Dest {
    for _ in 0..view.len().min(64) {
        if let Some(last) = view.stdout_targets(i).last() {
            return match target_kind(last) {
                Target::StepSummary => Dest::Summary,
                Target::Log => Dest::Log,
                _ => Dest::Elsewhere,
            };
        }
        let Some(j) = view.piped_into(i) else {
            return Dest::Log;
        };
        let Some(consumer) = view.local(j) else {
            return Dest::Elsewhere;
        };
        match consumer.name() {
            Some("tee") => {
                let to_summary = consumer.words[1..]
                    .iter()
                    .any(|w| target_kind(&w.text) == Target::StepSummary);
                if to_summary {
                    return Dest::Summary;
                }
            }
            Some("cat") if consumer.words.len() == 1 => {}
            // Consumed by a command (`wrangler secret put`, `docker login
            // --password-stdin`, `base64 -d > key`).
            _ => return Dest::Elsewhere,
        }
        i = j;
    }
    Dest::Elsewhere
}

fn dest_message(dest: &Dest) -> Option<&'static str> {
    match dest {
        Dest::Log => Some("the job log"),
        Dest::Summary => {
            Some("the job summary (`$GITHUB_STEP_SUMMARY`), which anyone with read access sees")
        }
        Dest::Elsewhere => None,
    }
}

fn run_step(step: &Step, creds: &Creds, out: &mut Out<'_>) {
    let Some(run) = &step.run else { return };
    let Some(view) = RunView::new(run) else {
        return;
    };
    let mut vars = creds.vars.clone();
    let has_secret_env = !creds.vars.is_empty()
        || run
            .expressions
            .iter()
            .any(|e| creds.expr_is_credential(e, true));
    for i in 0..view.len() {
        view.track_assignment(i, creds, &mut vars);
        let (Some(file_cmd), Some(cmd)) = (view.command(i), view.local(i)) else {
            continue;
        };
        let carrying = |w: usize| view.word_is_credential(i, w, creds, &vars);
        match cmd.name() {
            Some(program @ ("echo" | "printf")) => {
                let Some(place) = dest_message(&destination(&view, i)) else {
                    continue;
                };
                for w in (1..cmd.words.len()).filter(|&w| carrying(w)) {
                    if let Some(word) = file_cmd.words.get(w) {
                        out.push(
                            word.span,
                            format!("`{program}` writes a credential to {place}"),
                            PRINT_HELP,
                        );
                    }
                }
            }
            Some(program @ ("cat" | "tee")) => {
                let Some((text, span)) = view.inline_stdin(i) else {
                    continue;
                };
                if !view.text_is_credential(text, span, creds, &vars) {
                    continue;
                }
                if let Some(place) = dest_message(&destination(&view, i)) {
                    out.push(
                        span,
                        format!("`{program}` writes a here-string/here-document holding a credential to {place}"),
                        PRINT_HELP,
                    );
                }
            }
            Some("set") if has_secret_env => {
                let words = &cmd.words;
                let at = words.iter().enumerate().skip(1).find_map(|(k, w)| {
                    let t = w.text.as_str();
                    let short = t.starts_with('-') && !t.starts_with("--") && t.contains('x');
                    let long = t == "-o" && words.get(k + 1).is_some_and(|n| n.text == "xtrace");
                    (short || long).then_some(k)
                });
                if let Some(word) = at.and_then(|k| file_cmd.words.get(k)) {
                    out.push(
                        word.span,
                        "`set -x` traces every command with its expanded arguments, in a step whose \
                         environment holds a credential"
                            .to_string(),
                        "remove `set -x` (or turn it off with `set +x` around commands that use the secret)",
                    );
                }
            }
            Some(program @ ("env" | "printenv"))
                if !vars.is_empty() && cmd.words[1..].iter().all(|w| w.text.starts_with('-')) =>
            {
                if destination(&view, i) == Dest::Elsewhere {
                    continue;
                }
                if let Some(word) = file_cmd.words.first() {
                    out.push(
                        word.span,
                        format!(
                            "bare `{program}` prints the whole environment, which holds a credential in this step"
                        ),
                        "print only the variables you need, by name, and never credentials",
                    );
                }
            }
            Some("gh") => {
                let texts: Vec<&str> = cmd.words.iter().map(|w| w.text.as_str()).collect();
                let comments = matches!(
                    texts.get(1..3),
                    Some(["pr" | "issue", "comment" | "create" | "edit" | "review"])
                );
                if !comments {
                    continue;
                }
                for w in (3..cmd.words.len()).filter(|&w| carrying(w)) {
                    if let Some(word) = file_cmd.words.get(w) {
                        out.push(
                            word.span,
                            "`gh` posts a credential in a pull request or issue".to_string(),
                            "never put secrets in comments; they are public to everyone who can read the repository",
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn action_step(step: &Step, creds: &Creds, out: &mut Out<'_>) {
    let Some(uses) = &step.uses else { return };
    let name = action_name(&uses.value);
    if name == "actions/github-script" {
        let Some(script) = input(step, "script") else {
            return;
        };
        let text = script.value.as_ref().map_or("", |v| v.value.as_str());
        if !SCRIPT_SINKS.iter().any(|s| text.contains(s)) {
            return;
        }
        for e in script
            .expressions
            .iter()
            .filter(|e| creds.expr_is_credential(e, true))
        {
            out.push(
                e.span,
                format!("an `actions/github-script` script that publishes text (comments, summary, log) embeds `${{{{ {} }}}}`", e.text),
                "do not publish credentials; if the script needs one, read it from `process.env` and never print it",
            );
        }
        let reads_credential = creds
            .vars
            .iter()
            .any(|v| text.contains(&format!("process.env.{v}")));
        if reads_credential && let Some(v) = &script.value {
            out.push(
                v.span,
                "an `actions/github-script` script reads a credential from `process.env` and publishes text \
                 (comments, summary, log)"
                    .to_string(),
                "make sure the credential never reaches a comment, the summary or the log",
            );
        }
        return;
    }
    if let Some((_, inputs)) = COMMENT_ACTIONS.iter().find(|(a, _)| *a == name) {
        for kv in step
            .with
            .iter()
            .filter(|kv| inputs.contains(&kv.key.value.as_str()))
        {
            for e in kv
                .expressions
                .iter()
                .filter(|e| creds.expr_is_credential(e, true))
            {
                out.push(
                    e.span,
                    format!("`{name}` posts a comment holding `${{{{ {} }}}}`", e.text),
                    "never put secrets in comments; they are public to everyone who can read the repository",
                );
            }
        }
        return;
    }
    if name == "actions/upload-artifact" && !creds.files.is_empty() {
        let Some(path) = input(step, "path").and_then(|kv| kv.value.as_ref()) else {
            return;
        };
        let leaks = path.value.lines().map(str::trim).any(|p| {
            let p = p.trim_start_matches("./");
            creds.files.iter().any(|f| {
                let f = f.trim_start_matches("./");
                p == f
                    || f.starts_with(&format!("{}/", p.trim_end_matches('/')))
                    || p == "."
                    || p == "*"
            })
        });
        if leaks {
            out.push(
                path.span,
                "the uploaded artifact includes a file an earlier step wrote a credential to".to_string(),
                "write credentials only to files outside the uploaded paths, and delete them after use",
            );
        }
    }
}
