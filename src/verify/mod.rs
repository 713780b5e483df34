//! `preflight verify`: the checklist items only live state can answer,
//! read (GET only) from the Cloudflare and GitHub APIs, or from the files
//! wrangler prints, and reported as LIVE findings through the usual report
//! formats. `check` never comes here: it makes no network request.
//!
//! Flow: scan the project (configs, and the code's env reads a batch at a
//! time) → the deployed scripts and what each needs (`targets`) → the live
//! state (`sources`: API clients or files) → the checks, one module each
//! (`worker_secrets`, `hyperdrive`, `actions`) → report.
//!
//! What cannot be read (no token, 401/403/404, rate limit, timeout) is a
//! LIVE007 finding naming the token, scope or command that would settle
//! it: never a pass, never a panic. Secret values are never requested; the
//! token never appears in output.

mod actions;
pub mod client;
pub mod cloudflare;
pub mod github;
mod hyperdrive;
pub mod rotation;
pub mod sources;
mod targets;
mod worker_secrets;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cli::{OutputFormat, VerifyArgs};
use crate::finding::Finding;
use crate::report;
use crate::run::{self, RunError};

pub use sources::Environment;

pub fn run(args: &VerifyArgs, color: bool) -> Result<i32, RunError> {
    let started = Instant::now();
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(RunError(format!("{}: not a directory", root.display())));
    }
    if args.timeout == 0 {
        return Err(RunError("--timeout must be at least 1 second".to_string()));
    }
    let config = run::read_config(args.config.as_deref(), &root)?;
    let env = Environment::from_process();
    let timeout = Duration::from_secs(args.timeout);
    let cloudflare = sources::Cloudflare::new(
        &env,
        timeout,
        args.cloudflare_secrets.as_deref(),
        args.hyperdrive.as_deref(),
    )
    .map_err(RunError)?;
    let github = sources::GitHub::new(&env, timeout, &root);

    let mut project = crate::project::scan(&root, config);
    let reads = targets::code_reads(&mut project);
    if let Some(name) = &args.env {
        let known = project.workers.iter().any(|w| {
            project
                .worker_config(w)
                .is_some_and(|c| c.envs.iter().any(|e| &e.name.value == name))
        });
        if !known {
            return Err(RunError(format!(
                "--env {name}: no wrangler config of {} has `[env.{name}]`",
                root.display()
            )));
        }
    }
    let scripts = targets::scripts(&project, args.env.as_deref(), &reads);
    if cloudflare.has_secrets_file() && scripts.len() > 1 {
        let names: Vec<String> = scripts.iter().map(targets::Script::label).collect();
        return Err(RunError(format!(
            "--cloudflare-secrets holds the secrets of one script, but {} are checked ({}): \
             choose one with --env NAME or run in the Worker's directory",
            scripts.len(),
            names.join(", ")
        )));
    }

    let mut findings: Vec<Finding> = Vec::new();
    worker_secrets::check(&project, &scripts, &cloudflare, &mut findings);
    hyperdrive::check(&project, &scripts, &cloudflare, &mut findings);
    actions::check(&project, &github, &mut findings);
    findings.retain(|f| project.config.is_enabled(f.code()));

    let snippets = match args.format {
        OutputFormat::Human => report::Snippets::Keep,
        _ => report::Snippets::Drop,
    };
    let mut report = report::build(&project, findings, None, snippets);
    report.elapsed_ms = started.elapsed().as_millis();
    let rendered = match args.format {
        OutputFormat::Human => report::human::render(&report, color),
        OutputFormat::Json => {
            let mut out = Vec::new();
            report::json::render_to(&report, &mut out)
                .map_err(|e| RunError(format!("cannot render JSON: {e}")))?;
            String::from_utf8_lossy(&out).into_owned()
        }
        OutputFormat::Sarif => report::sarif::render(&report),
        OutputFormat::Github => report::github::render(&report),
        OutputFormat::Markdown => report::markdown::render(&report),
    };
    run::write_output(args.output.as_deref(), &rendered)?;
    Ok(run::exit_code(&report, args.fail_on))
}
