//! Command-line definitions (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "preflight",
    version,
    about = "Stops insecure Cloudflare Workers deployments before they happen",
    long_about = "preflight statically checks a Cloudflare Workers + Neon + Better Auth repository \
                  (wrangler config, workflows, env files, scripts, Prisma schema) against the \
                  production deployment checklist. It never runs project code and never prints a \
                  secret value."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to use colors in human output (NO_COLOR is honoured).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a project (default: the current directory).
    Check(CheckArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code such as SEC001, or its name (secret-in-vars).
        code: String,
    },
    /// The pre-deploy checklist with each item's status: pass, fail (with
    /// the rule codes), n/a, manual or unverified. Exits 1 when an item
    /// fails.
    Checklist(ChecklistArgs),
    /// Print a shell completion script (e.g. `preflight completions bash
    /// > ~/.local/share/bash-completion/completions/preflight`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check, read-only against the Cloudflare and GitHub APIs, what only
    /// live state can answer: deployed secrets, plain-text vars, the
    /// Hyperdrive origin, Actions secrets, the health workflow, rotation.
    Verify(VerifyArgs),
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The project root (default: the current directory).
    pub path: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file (default: preflight.toml at the project root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The lowest severity that makes the exit code 1. Unlike `check`, the
    /// default is `warning`: a live item that could not be verified (no
    /// token, a missing permission, a timeout) is a warning, and must not
    /// pass silently.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    #[command(flatten)]
    pub live: LiveArgs,
}

/// Where `verify` (and `checklist --verify`) read live state from.
#[derive(clap::Args, Debug)]
pub struct LiveArgs {
    /// Only this wrangler environment (`[env.NAME]`); default: the top
    /// level and every production-scope env.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,

    /// The Worker's secret names from FILE (the output of `wrangler secret
    /// list --format json`) instead of the API.
    #[arg(long, value_name = "FILE")]
    pub cloudflare_secrets: Option<PathBuf>,

    /// Hyperdrive configs from FILE (the output of `wrangler hyperdrive get
    /// ID`, or a JSON array of them) instead of the API.
    #[arg(long, value_name = "FILE")]
    pub hyperdrive: Option<PathBuf>,

    /// Seconds each API request may take.
    #[arg(long, value_name = "SECS", default_value_t = 20)]
    pub timeout: u64,
}

#[derive(clap::Args, Debug)]
pub struct ChecklistArgs {
    /// The project root (default: the current directory).
    pub path: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = ChecklistFormat::Human)]
    pub format: ChecklistFormat,

    /// Write the checklist to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file (default: preflight.toml at the project root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Merge the live results of `preflight verify` (network, tokens):
    /// an item passes only when something proved it.
    #[arg(long)]
    pub verify: bool,

    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Directories to scan, or files to report on (their project root still
    /// provides the context).
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file (default: preflight.toml at the project root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Only these rule codes or family prefixes (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,

    /// Skip these rule codes or family prefixes (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,

    /// The lowest severity that makes the exit code 1 (warnings are shown
    /// but do not fail by default).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Hide the findings recorded in FILE (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Also check the secrets in this process's environment (presence,
    /// length, placeholders, entropy); values are never printed.
    #[arg(long)]
    pub check_env: bool,

    /// Print paths relative to DIR instead of the scanned root (e.g. the
    /// repository root when scanning a subdirectory for code scanning).
    #[arg(long, value_name = "DIR")]
    pub relative_to: Option<PathBuf>,

    /// Print the number of findings per rule instead of the findings
    /// (with --format human, concise or json).
    #[arg(long)]
    pub statistics: bool,

    /// Also write the report in FORMAT to FILE, from the same scan
    /// (repeatable: `--report sarif:out.sarif --report markdown:out.md`).
    #[arg(long, value_name = "FORMAT:FILE", value_parser = parse_report)]
    pub report: Vec<ReportSpec>,
}

/// One `--report FORMAT:FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSpec {
    pub format: OutputFormat,
    pub path: PathBuf,
}

fn parse_report(spec: &str) -> Result<ReportSpec, String> {
    let (format, path) = spec
        .split_once(':')
        .ok_or_else(|| "expected FORMAT:FILE, e.g. sarif:preflight.sarif".to_string())?;
    let format = OutputFormat::from_str(format, true).map_err(|_| {
        let names: Vec<String> = OutputFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("unknown format `{format}` (one of {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no file after `{spec}`"));
    }
    Ok(ReportSpec {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown report for `$GITHUB_STEP_SUMMARY` or a PR comment.
    Markdown,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChecklistFormat {
    Human,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
