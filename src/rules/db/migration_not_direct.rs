//! DB002 migration-not-direct: the doc lives in rules/DB002.md.
//!
//! The URL that counts is the one the migration tool connects with: for
//! Prisma the datasource's `directUrl` when one is set, else its `url`. Three
//! sources are read: values of direct-URL variables wherever they are
//! written (templates, scripts, `gh secret set`, workflow `env:`), Prisma
//! datasources, and migration commands in committed scripts together with
//! the environment the script gives them, and migration steps of workflows
//! with the `env:` of the workflow, job and step around them.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::finding::{FileId, Finding, Severity};
use crate::formats::prisma::{DatasourceUrl, UrlSource};
use crate::formats::shell::{Assignment, Command, Op, ShellScript};
use crate::formats::workflow::{ExprRef, KeyValue};
use crate::project::{NamedValue, Project};
use crate::rules::support::neon::neon_host;
use crate::rules::support::scripts::{
    ScriptOrigin, all_scripts, literal_assignment, sole_variable,
};
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "DB002",
    "migration-not-direct",
    Error,
    "a migration runs through a pooled connection URL",
    "run migrations with DIRECT_DATABASE_URL pointing at the Neon direct (non `-pooler`) host",
);

pub struct MigrationNotDirect;

const DIRECT_HELP: &str = "point it at the Neon direct host (the same host without `-pooler`): migrations need a \
                           session the pooler does not keep (advisory locks, prepared statements, long transactions)";
const PRISMA_HELP: &str = "add `directUrl = env(\"DIRECT_DATABASE_URL\")` to the datasource and set that variable to the \
                           Neon direct host (no `-pooler`); keep the pooled URL in `url` for the app";

/// A variable named as a direct (unpooled) connection: `DIRECT_*`,
/// `*_DIRECT_*`, and the `*_UNPOOLED` / `*_NON_POOLING` names hosting
/// integrations use.
pub(crate) fn is_direct_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.starts_with("DIRECT_")
        || upper.contains("_DIRECT")
        || upper.contains("UNPOOLED")
        || upper.contains("NON_POOL")
        || upper.contains("NONPOOL")
}

/// A variable named as a pooled connection (`POOLED_DATABASE_URL`).
fn is_pooled_name(name: &str) -> bool {
    !is_direct_name(name) && name.to_ascii_uppercase().contains("POOL")
}

/// Whether a comment documents the URL beside it as pooled. A comment that
/// says the URL is direct or not pooled does not.
fn comment_says_pooled(comment: &str) -> bool {
    const NEGATIONS: &[&str] = &[
        "non-pool",
        "non pool",
        "nonpool",
        "not pool",
        "not the pool",
        "not through the pool",
        "not via the pool",
        "unpool",
        "no pool",
        "without pool",
        "bypass",
        "direct connection",
        "direct endpoint",
        "direct host",
    ];
    let lower = comment.to_ascii_lowercase();
    (lower.contains("pool") || lower.contains("pgbouncer"))
        && !NEGATIONS.iter().any(|n| lower.contains(n))
}

/// Why a Prisma datasource URL is pooled, judging by what the schema says.
fn documented_pooled(url: &DatasourceUrl) -> Option<String> {
    match &url.source {
        UrlSource::Literal(text) => {
            if let Some(host) = neon_host(text).filter(|h| h.pooler) {
                return Some(format!("is the Neon pooler host `{}`", host.host));
            }
        }
        UrlSource::Env(name) if is_pooled_name(name) => {
            return Some(format!("comes from `{name}`, named as a pooled URL"));
        }
        UrlSource::Env(_) => {}
    }
    comment_says_pooled(&url.comment).then(|| "is documented as pooled by its comment".to_string())
}

/// What the project's Prisma schemas say about connection variables.
#[derive(Default)]
struct PrismaVars {
    /// `directUrl = env("X")` names.
    direct: BTreeSet<String>,
    /// `url = env("X")` names.
    url: BTreeSet<String>,
    any_schema: bool,
}

impl PrismaVars {
    fn collect(project: &Project) -> PrismaVars {
        let mut vars = PrismaVars::default();
        for (_, schema) in project.prisma_schemas() {
            for ds in &schema.datasources {
                vars.any_schema = true;
                if let Some(UrlSource::Env(name)) = ds.direct_url.as_ref().map(|u| &u.source) {
                    vars.direct.insert(name.clone());
                }
                if let Some(UrlSource::Env(name)) = ds.url.as_ref().map(|u| &u.source) {
                    vars.url.insert(name.clone());
                }
            }
        }
        vars
    }
}

/// Collects findings, one per location.
struct Out<'a> {
    out: &'a mut Vec<Finding>,
    seen: HashSet<(FileId, Span)>,
}

impl Out<'_> {
    fn push(&mut self, finding: Finding, file: FileId, span: Span) {
        if self.seen.insert((file, span)) {
            self.out.push(finding);
        }
    }
}

impl Rule for MigrationNotDirect {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let prisma = PrismaVars::collect(project);
        let mut out = Out {
            out,
            seen: HashSet::new(),
        };
        direct_values(project, &prisma, &mut out);
        prisma_datasources(project, &mut out);
        for (file, script, origin) in all_scripts(project) {
            if origin == ScriptOrigin::Script {
                script_migrations(project, &prisma, file, script, &mut out);
            }
        }
        workflow_migrations(project, &prisma, &mut out);
    }
}

/// A direct-URL variable (`DIRECT_DATABASE_URL`, a Prisma `directUrl`
/// variable) whose value, wherever it is written, is a pooler host.
fn direct_values(project: &Project, prisma: &PrismaVars, out: &mut Out<'_>) {
    for value in project.named_values() {
        if !(is_direct_name(value.name) || prisma.direct.contains(value.name)) {
            continue;
        }
        let Some(host) = neon_host(value.value).filter(|h| h.pooler) else {
            continue;
        };
        let finding = Finding::new(&META, value.file, value.value_span)
            .message(format!(
                "`{}` is the direct URL migrations use, but it points at the Neon pooler host `{}`",
                value.name, host.host
            ))
            .help(DIRECT_HELP);
        out.push(finding, value.file, value.value_span);
    }
}

/// Datasources whose migration URL is pooled: the `directUrl` itself, or a
/// pooled `url` with no `directUrl` beside it.
fn prisma_datasources(project: &Project, out: &mut Out<'_>) {
    let values = project.named_values();
    // Looked up once per datasource: indexed by name, not scanned.
    let mut by_name: std::collections::HashMap<&str, Vec<&NamedValue<'_>>> =
        std::collections::HashMap::new();
    for v in &values {
        by_name.entry(v.name).or_default().push(v);
    }
    for (file, schema) in project.prisma_schemas() {
        for ds in &schema.datasources {
            let name = &ds.name.value;
            if let Some(direct) = &ds.direct_url {
                if let Some(why) = documented_pooled(direct) {
                    let finding = Finding::new(&META, file, direct.span)
                        .message(format!("the `directUrl` of datasource `{name}` {why}; migrations run through it"))
                        .help(DIRECT_HELP);
                    out.push(finding, file, direct.span);
                }
                continue;
            }
            let Some(url) = &ds.url else { continue };
            let why = documented_pooled(url).or_else(|| {
                // No directUrl: migrations use `url`, whose value may be
                // visible elsewhere (an env template, a workflow).
                let UrlSource::Env(var) = &url.source else {
                    return None;
                };
                let named = by_name.get(var.as_str()).map_or(&[][..], Vec::as_slice);
                named.iter().find_map(|v| {
                    let host = neon_host(v.value).filter(|h| h.pooler)?;
                    Some(format!(
                        "comes from `{var}`, which `{}` sets to the Neon pooler host `{}`",
                        project.file(v.file).path,
                        host.host
                    ))
                })
            });
            if let Some(why) = why {
                let finding = Finding::new(&META, file, url.span)
                    .message(format!(
                        "the `url` of datasource `{name}` {why}, and there is no `directUrl`: `prisma migrate` \
                         runs through the pooler"
                    ))
                    .help(PRISMA_HELP);
                out.push(finding, file, url.span);
            }
        }
    }
}

/// The environment a command runs with, from the script's own text:
/// `export NAME=...` statements before it, overlaid by its `NAME=... cmd`
/// prefixes.
fn command_env<'a>(
    script: &'a ShellScript,
    command: &'a Command,
) -> HashMap<&'a str, &'a Assignment> {
    let mut env: HashMap<&str, &Assignment> = HashMap::new();
    for earlier in &script.commands {
        if earlier.span.start >= command.span.start {
            break;
        }
        if earlier.words.is_empty() {
            for a in earlier.assignments.iter().filter(|a| a.exported) {
                env.insert(a.name.value.as_str(), a);
            }
        }
    }
    for a in &command.assignments {
        env.insert(a.name.value.as_str(), a);
    }
    env
}

/// The variables whose URL a migration connects with, among those its
/// environment sets: Prisma's `directUrl` variables; else direct-named
/// ones; else the database URL variables.
fn counting_vars<'a>(
    prisma: &PrismaVars,
    tool: &str,
    names: impl Iterator<Item = &'a str>,
) -> Vec<&'a str> {
    let names: Vec<&str> = names.collect();
    let uses_prisma = tool.contains("prisma") || (prisma.any_schema && !tool.contains("drizzle"));
    let mut counting: Vec<&str> = if uses_prisma && !prisma.direct.is_empty() {
        names
            .iter()
            .copied()
            .filter(|n| prisma.direct.contains(*n))
            .collect()
    } else if names.iter().any(|n| is_direct_name(n)) {
        names
            .iter()
            .copied()
            .filter(|n| is_direct_name(n))
            .collect()
    } else {
        names
            .iter()
            .copied()
            .filter(|n| {
                let upper = n.to_ascii_uppercase();
                prisma.url.contains(*n)
                    || (upper.ends_with("DATABASE_URL") && !upper.starts_with("SHADOW_"))
            })
            .collect()
    };
    counting.sort_unstable();
    counting.dedup();
    counting
}

fn script_migrations(
    project: &Project,
    prisma: &PrismaVars,
    file: FileId,
    script: &ShellScript,
    out: &mut Out<'_>,
) {
    for command in &script.commands {
        let Some(Op::Migration { tool }) = command.op(&project.config.migration_tasks) else {
            continue;
        };
        let tool = tool.as_str();
        pooler_words(command, tool, file, out);

        let env = command_env(script, command);
        let counting = counting_vars(prisma, tool, env.keys().copied());
        for name in counting {
            let Some(assignment) = env.get(name) else {
                continue;
            };
            check_assignment(script, command, tool, name, assignment, file, out);
        }
    }
}

/// Where a workflow migration's variable gets its value.
enum StepValue<'a> {
    Env(&'a KeyValue),
    Script(&'a Assignment),
}

/// Migration commands in workflow `run:` blocks.
fn workflow_migrations(project: &Project, prisma: &PrismaVars, out: &mut Out<'_>) {
    let tasks = &project.config.migration_tasks;
    for (file, workflow) in project.workflows() {
        for job in &workflow.jobs {
            for step in &job.steps {
                let Some(run) = &step.run else { continue };
                for command in &run.script.commands {
                    let Some(Op::Migration { tool }) = command.op(tasks) else {
                        continue;
                    };
                    let tool = tool.as_str();
                    pooler_words(command, tool, file, out);
                    let mut env: HashMap<&str, StepValue<'_>> = HashMap::new();
                    for kv in workflow.env.iter().chain(&job.env).chain(&step.env) {
                        env.insert(kv.key.value.as_str(), StepValue::Env(kv));
                    }
                    for (name, a) in command_env(&run.script, command) {
                        env.insert(name, StepValue::Script(a));
                    }
                    for name in counting_vars(prisma, tool, env.keys().copied()) {
                        match env.get(name) {
                            Some(StepValue::Script(a)) => {
                                check_assignment(&run.script, command, tool, name, a, file, out)
                            }
                            Some(StepValue::Env(kv)) => check_env_entry(kv, tool, name, file, out),
                            None => {}
                        }
                    }
                }
            }
        }
    }
}

/// Judges a workflow `env:` entry a migration's URL comes from.
fn check_env_entry(kv: &KeyValue, tool: &str, name: &str, file: FileId, out: &mut Out<'_>) {
    let Some(value) = &kv.value else { return };
    if let Some(host) = neon_host(&value.value).filter(|h| h.pooler) {
        let finding = Finding::new(&META, file, value.span)
            .message(format!(
                "`{tool}` runs with `{name}` set to the Neon pooler host `{}`",
                host.host
            ))
            .help(DIRECT_HELP);
        out.push(finding, file, value.span);
        return;
    }
    let Some((expr, reference)) = kv
        .expressions
        .iter()
        .find_map(|e| e.refs.first().map(|r| (e, r)))
    else {
        return;
    };
    let finding = match reference {
        ExprRef::Secret(secret) if is_pooled_name(secret) => Finding::new(&META, file, expr.span)
            .message(format!(
                "`{tool}` runs with `{name}` taken from the secret `{secret}`, which is named as a pooled URL"
            ))
            .help(DIRECT_HELP),
        ExprRef::Secret(secret) if !is_direct_name(secret) => Finding::new(&META, file, expr.span)
            .severity(Severity::Warning)
            .message(format!(
                "`{tool}` takes `{name}` from the secret `{secret}`, which is not named as a direct URL: if it \
                 holds the Neon pooler host the migration runs through the pooler"
            ))
            .help("store the direct URL (the Neon host without `-pooler`) as `DIRECT_DATABASE_URL` and pass that secret to the migration step"),
        ExprRef::StepOutput { step, output }
            if output.contains("pooler") || output.contains("pooled") =>
        {
            Finding::new(&META, file, expr.span)
                .message(format!(
                    "`{tool}` runs with `{name}` set to `steps.{step}.outputs.{output}`, the pooled connection URL"
                ))
                .help("use the branch's direct URL output (`db_url` of `neondatabase/create-branch-action`)")
        }
        _ => return,
    };
    out.push(finding, file, expr.span);
}

/// A migration given a pooler URL on its command line.
fn pooler_words(command: &Command, tool: &str, file: FileId, out: &mut Out<'_>) {
    for word in &command.words {
        if let Some(host) = neon_host(&word.text).filter(|h| h.pooler) {
            let finding = Finding::new(&META, file, word.span)
                .message(format!(
                    "`{tool}` is given the Neon pooler host `{}` on its command line",
                    host.host
                ))
                .help(DIRECT_HELP);
            out.push(finding, file, word.span);
        }
    }
}

/// Judges the value a migration's URL variable is given.
fn check_assignment(
    script: &ShellScript,
    command: &Command,
    tool: &str,
    name: &str,
    assignment: &Assignment,
    file: FileId,
    out: &mut Out<'_>,
) {
    let word = &assignment.value;
    let span = word.span;
    if let Some(host) = neon_host(&word.text).filter(|h| h.pooler) {
        let finding = Finding::new(&META, file, span)
            .message(format!(
                "`{tool}` runs with `{name}` set to the Neon pooler host `{}`",
                host.host
            ))
            .help(DIRECT_HELP);
        out.push(finding, file, span);
        return;
    }
    if word.is_literal() {
        return;
    }
    let Some(var) = sole_variable(word.text.trim()) else {
        return;
    };
    // `POOLED=postgres://...; DATABASE_URL=$POOLED prisma migrate deploy`.
    if let Some(source) = literal_assignment(script, var, command.span) {
        if let Some(host) = neon_host(&source.value.text).filter(|h| h.pooler) {
            let finding = Finding::new(&META, file, span)
                .message(format!(
                    "`{tool}` runs with `{name}` set from `${var}`, which this script sets to the Neon pooler host `{}`",
                    host.host
                ))
                .help(DIRECT_HELP);
            out.push(finding, file, span);
        }
        return;
    }
    if is_direct_name(var) {
        return;
    }
    let finding = if is_pooled_name(var) {
        Finding::new(&META, file, span)
            .message(format!(
                "`{tool}` runs with `{name}` taken from `${var}`, which is named as a pooled URL"
            ))
            .help(DIRECT_HELP)
    } else {
        Finding::new(&META, file, span)
            .severity(Severity::Warning)
            .message(format!(
                "`{tool}` takes `{name}` from `${var}`, which is not named as a direct URL: if it holds the \
                 Neon pooler host the migration runs through the pooler"
            ))
            .help("pass the direct URL from a variable named for it (`DIRECT_DATABASE_URL`), set to the Neon host without `-pooler`")
    };
    out.push(finding, file, span);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_direct_name("DIRECT_DATABASE_URL"));
        assert!(is_direct_name("DATABASE_URL_UNPOOLED"));
        assert!(is_direct_name("POSTGRES_URL_NON_POOLING"));
        assert!(is_direct_name("DATABASE_DIRECT_URL"));
        assert!(!is_direct_name("DATABASE_URL"));
        assert!(is_pooled_name("POOLED_DATABASE_URL"));
        assert!(is_pooled_name("SOME_POOLED_SECRET"));
        assert!(!is_pooled_name("DATABASE_URL_UNPOOLED"));
        assert!(!is_pooled_name("DATABASE_URL"));
    }

    #[test]
    fn comments() {
        assert!(comment_says_pooled("// Pooled connection (PgBouncer)"));
        assert!(comment_says_pooled("# uses the Neon pooler endpoint"));
        assert!(!comment_says_pooled("// direct connection, not the pooler"));
        assert!(!comment_says_pooled("// non-pooled URL for migrations"));
        assert!(!comment_says_pooled("// the app's database"));
    }
}
