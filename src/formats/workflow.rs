//! GitHub Actions workflow YAML (and composite `action.yml`) with spans,
//! read with saphyr's marked YAML (whose markers count characters; they are
//! converted to byte offsets here).

mod expr;
mod extract;
mod load;
mod offsets;
#[cfg(test)]
mod tests;

pub use offsets::{OffsetMap, Style as ScalarStyle, remap_script};

use super::ParseFailure;
use super::shell::ShellScript;
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct Workflow {
    pub name: Option<Spanned<String>>,
    pub triggers: Triggers,
    pub env: Vec<KeyValue>,
    pub jobs: Vec<Job>,
    /// Composite action (`runs.steps`) rather than a workflow; its steps
    /// are in a single pseudo-job.
    pub is_action: bool,
    /// Every `${{ ... }}` in any scalar value of the file (including places
    /// the model does not otherwise cover: `runs-on`, `strategy`,
    /// `environment.url`, `container`, `outputs`, ...), in file order.
    pub expressions: Vec<Expression>,
}

#[derive(Clone, Debug, Default)]
pub struct Triggers {
    /// Event names (`push`, `pull_request_target`, `schedule`, ...).
    pub events: Vec<Spanned<String>>,
    /// `workflow_run.workflows` names.
    pub workflow_run: Vec<Spanned<String>>,
    /// `schedule[*].cron` strings.
    pub schedules: Vec<Spanned<String>>,
}

impl Triggers {
    pub fn has(&self, event: &str) -> bool {
        self.events.iter().any(|e| e.value == event)
    }
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub needs: Vec<Spanned<String>>,
    pub if_cond: Option<Spanned<String>>,
    /// The condition's expressions: each `${{ ... }}` in it, or the whole
    /// condition when written without `${{ }}`.
    pub if_expressions: Vec<Expression>,
    pub environment: Option<Spanned<String>>,
    pub env: Vec<KeyValue>,
    /// A reusable-workflow call (`jobs.<id>.uses`).
    pub uses: Option<Spanned<String>>,
    /// `jobs.<id>.with` for reusable-workflow calls, `secrets:` entries
    /// (or `inherit`).
    pub with: Vec<KeyValue>,
    pub secrets: Vec<KeyValue>,
    pub secrets_inherit: bool,
    pub steps: Vec<Step>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub uses: Option<Spanned<String>>,
    pub if_cond: Option<Spanned<String>>,
    /// As `Job::if_expressions`.
    pub if_expressions: Vec<Expression>,
    pub with: Vec<KeyValue>,
    pub env: Vec<KeyValue>,
    pub run: Option<RunBlock>,
    /// The whole step mapping.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RunBlock {
    /// The script text as the shell sees it (block indentation removed).
    pub text: String,
    /// Span of the scalar in the file.
    pub span: Span,
    /// The commands, with spans already mapped to file offsets.
    pub script: ShellScript,
    /// Every `${{ ... }}` inside the script, spans in file offsets.
    pub expressions: Vec<Expression>,
}

/// A `key: value` pair whose value is shown as the scalar's string form
/// (`None` for a mapping/sequence value).
#[derive(Clone, Debug)]
pub struct KeyValue {
    pub key: Spanned<String>,
    pub value: Option<Spanned<String>>,
    pub expressions: Vec<Expression>,
}

/// One `${{ ... }}` expression.
#[derive(Clone, Debug)]
pub struct Expression {
    /// The text between `${{` and `}}`, trimmed.
    pub text: String,
    /// The whole `${{ ... }}`.
    pub span: Span,
    pub refs: Vec<ExprRef>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprRef {
    /// `secrets.NAME` / `secrets['NAME']`.
    Secret(String),
    /// `steps.ID.outputs.NAME`.
    StepOutput { step: String, output: String },
    /// `needs.JOB.outputs.NAME`.
    JobOutput { job: String, output: String },
    /// `env.NAME`.
    Env(String),
    /// `vars.NAME`.
    Var(String),
}

impl Workflow {
    /// Reads a workflow, or a composite action (`action.yml`, told apart by
    /// its top-level `runs:`).
    pub fn parse(text: &str) -> Result<Workflow, ParseFailure> {
        load::parse_isolated(text)
    }
}
