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

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cli::{LiveArgs, OutputFormat, VerifyArgs};
use crate::config::Config;
use crate::finding::Finding;
use crate::project::Project;
use crate::report;
use crate::run::{self, RunError};

pub use sources::Environment;

/// What the checks found, and which LIVE checks could not be completed
/// (each such gap is also a LIVE007 finding).
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// The codes of the checks some LIVE007 finding is about.
    pub unverified: std::collections::BTreeSet<&'static str>,
}

impl Outcome {
    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// A LIVE007 finding about the checks `about`.
    fn unknown(&mut self, about: &[&'static crate::rules::RuleMeta], finding: Finding) {
        self.unverified.extend(about.iter().map(|m| m.code));
        self.findings.push(finding);
    }
}

pub fn run(args: &VerifyArgs, color: bool) -> Result<i32, RunError> {
    let started = Instant::now();
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(RunError(format!("{}: not a directory", root.display())));
    }
    let config = run::read_config(args.config.as_deref(), &root)?;
    let (project, outcome) = examine(&root, config, &args.live)?;
    let mut findings = outcome.findings;
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
        OutputFormat::Concise => report::concise::render(&report),
    };
    run::write_output(args.output.as_deref(), &rendered)?;
    Ok(run::exit_code(&report, args.fail_on))
}

/// Scans the project at `root` and runs every live check on it.
pub fn examine(
    root: &Path,
    config: Config,
    args: &LiveArgs,
) -> Result<(Project, Outcome), RunError> {
    if args.timeout == 0 {
        return Err(RunError("--timeout must be at least 1 second".to_string()));
    }
    let env = Environment::from_process();
    let timeout = Duration::from_secs(args.timeout);
    let cloudflare = sources::Cloudflare::new(
        &env,
        timeout,
        args.cloudflare_secrets.as_deref(),
        args.hyperdrive.as_deref(),
    )
    .map_err(RunError)?;
    let github = sources::GitHub::new(&env, timeout, root);

    let mut project = crate::project::scan(
        root,
        config,
        crate::rules::kept_callees(crate::rules::all()),
    );
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

    let mut outcome = Outcome::default();
    worker_secrets::check(&project, &scripts, &cloudflare, &mut outcome);
    hyperdrive::check(&project, &scripts, &cloudflare, &mut outcome);
    actions::check(&project, &github, &mut outcome);
    Ok((project, outcome))
}

/// The live checks' results for `checklist --verify`: LIVE findings by
/// code (those the configuration enables) and the checks left unverified.
pub fn live_results(
    root: &Path,
    config: Config,
    args: &LiveArgs,
) -> Result<crate::report::checklist::LiveResults, RunError> {
    let (project, outcome) = examine(root, config, args)?;
    let mut results = crate::report::checklist::LiveResults {
        unverified: outcome.unverified,
        ..Default::default()
    };
    for finding in &outcome.findings {
        if project.config.is_enabled(finding.code()) {
            *results.found.entry(finding.code()).or_default() += 1;
        }
    }
    Ok(results)
}
