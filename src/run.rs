//! The `check` command: load config, scan each root, run the rules, build
//! the report, write it, and decide the exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::baseline::Baseline;
use crate::cli::{CheckArgs, ChecklistArgs, ChecklistFormat, FailOn, OutputFormat};
use crate::config::{self, Config};
use crate::finding::{Finding, Location, Severity};
use crate::hashing::HashSet;
use crate::project::routes::{ProjectReach, Reachability};
use crate::project::{self, Project};
use crate::report::{self, Report};
use crate::rule_meta::Reach;
use crate::rules::{self, Rule};

/// Exit codes (docs/architecture.md, "Contracts").
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// An error that stops the run (exit 2), with a message for the user.
#[derive(Debug)]
pub struct RunError(pub String);

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What to scan: a root directory, and optionally the files (relative to
/// it) that the report is limited to.
struct Target {
    root: PathBuf,
    only: Option<Vec<String>>,
    /// How report paths are prefixed when several roots are scanned.
    prefix: String,
}

pub fn check(args: &CheckArgs, color: bool) -> Result<i32, RunError> {
    let started = Instant::now();
    check_outputs(args)?;
    let targets = targets(&args.paths)?;
    let relative_to = match &args.relative_to {
        Some(dir) => Some(canonical(dir)?),
        None => None,
    };
    let mut report = Report::default();
    let several = targets.len() > 1;
    for (index, target) in targets.iter().enumerate() {
        let config = load_config(args, &target.root)?;
        let (project, findings) = analyze(&target.root, config, rules::all());
        let phase = crate::timing::Phase::start("report");
        let human = std::iter::once(args.format)
            .chain(args.report.iter().map(|r| r.format))
            .any(|f| f == OutputFormat::Human);
        let snippets = if human && !(args.statistics && args.report.is_empty()) {
            report::Snippets::Keep
        } else {
            report::Snippets::Drop
        };
        let part = report::build(&project, findings, target.only.as_deref(), snippets);
        phase.end();
        let prefix = match &relative_to {
            Some(base) => relative_prefix(base, &target.root)?,
            None if several => target.prefix.clone(),
            None => String::new(),
        };
        report.absorb(part, &prefix);
        // The environment is one for all roots: check it once, with the
        // first root's configuration.
        if args.check_env && index == 0 {
            let lookup =
                |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
            let mut env = Vec::new();
            if project
                .config
                .is_enabled(crate::rules::sec::weak_secret::META.code)
            {
                let required = crate::check_env::wrangler_required(&project);
                env = crate::check_env::check(&project.config, &required, lookup);
            }
            env.extend(crate::check_env::check_cors(&project.config, lookup));
            let mut part = report::build(&project, env, None, report::Snippets::Drop);
            part.files = 0;
            part.skipped.clear();
            report.absorb(part, "");
        }
        // Freeing every file's facts one by one costs more than the scan's
        // own work on large trees: after the last root the process is about
        // to exit and the memory goes back to the system with it. Earlier
        // roots are freed, so scanning several roots holds one at a time.
        if index + 1 == targets.len() {
            std::mem::forget(project);
        } else {
            drop(project);
        }
    }
    report.elapsed_ms = started.elapsed().as_millis();

    if let Some(path) = &args.write_baseline {
        let text = Baseline::render(&report);
        std::fs::write(path, text)
            .map_err(|e| RunError(format!("cannot write {}: {e}", path.display())))?;
        eprintln!(
            "preflight: recorded {} finding{} in {}",
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" },
            path.display()
        );
        return Ok(EXIT_OK);
    }
    if let Some(path) = &args.baseline {
        let baseline = Baseline::load(path).map_err(RunError)?;
        if baseline.is_legacy() {
            eprintln!(
                "preflight: {} is a version 1 baseline, whose fingerprints could reveal short \
                 secrets; its findings are matched by code and path until it is rewritten \
                 with --write-baseline",
                path.display()
            );
        }
        let hidden = baseline.apply(&mut report);
        report.baselined = hidden;
        if hidden > 0 {
            eprintln!(
                "preflight: {hidden} finding{} hidden by the baseline {}",
                if hidden == 1 { "" } else { "s" },
                path.display()
            );
        }
    }

    let phase = crate::timing::Phase::start("render");
    for spec in &args.report {
        write_report(&report, spec.format, false, Some(&spec.path))?;
    }
    if args.statistics {
        let text = match args.format {
            OutputFormat::Json => report::statistics::render_json(&report),
            _ => report::statistics::render_human(&report),
        };
        write_output(args.output.as_deref(), &text)?;
    } else {
        write_report(&report, args.format, color, args.output.as_deref())?;
    }
    phase.end();
    Ok(exit_code(&report, args.fail_on))
}

/// Rejects, before the scan, output options that cannot all be honoured.
fn check_outputs(args: &CheckArgs) -> Result<(), RunError> {
    if args.statistics
        && !matches!(
            args.format,
            OutputFormat::Human | OutputFormat::Concise | OutputFormat::Json
        )
    {
        return Err(RunError(
            "--statistics works with --format human, concise or json; use --report for other formats"
                .to_string(),
        ));
    }
    let mut files: Vec<&Path> = args.output.iter().map(PathBuf::as_path).collect();
    for spec in &args.report {
        if files.contains(&spec.path.as_path()) {
            return Err(RunError(format!(
                "{} is named by two reports (--output / --report)",
                spec.path.display()
            )));
        }
        files.push(&spec.path);
    }
    Ok(())
}

/// Renders `report` in `format` to `output` (stdout when `None`).
fn write_report(
    report: &Report,
    format: OutputFormat,
    color: bool,
    output: Option<&Path>,
) -> Result<(), RunError> {
    let rendered = match format {
        OutputFormat::Human => report::human::render(report, color),
        // JSON is the format of large reports: it is written as it is
        // serialized rather than built in memory first.
        OutputFormat::Json => {
            return write_with(output, |out| report::json::render_to(report, out));
        }
        OutputFormat::Sarif => report::sarif::render(report),
        OutputFormat::Github => report::github::render(report),
        OutputFormat::Markdown => report::markdown::render(report),
        OutputFormat::Concise => report::concise::render(report),
    };
    write_output(output, &rendered)
}

/// `preflight checklist`: a full check of one root, mapped onto the
/// checklist items. Exits 1 when an item fails.
pub fn checklist(args: &ChecklistArgs) -> Result<i32, RunError> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(RunError(format!("{}: not a directory", root.display())));
    }
    let config = read_config(args.config.as_deref(), &root)?;
    let live = if args.verify {
        Some(crate::verify::live_results(
            &root,
            config.clone(),
            &args.live,
        )?)
    } else {
        let given = args.live.env.is_some()
            || args.live.cloudflare_secrets.is_some()
            || args.live.hyperdrive.is_some();
        if given {
            return Err(RunError(
                "--env, --cloudflare-secrets and --hyperdrive need --verify".to_string(),
            ));
        }
        None
    };
    let (project, findings) = analyze(&root, config, rules::all());
    let report = report::build(&project, findings, None, report::Snippets::Drop);
    let list = report::checklist::evaluate(&project, &report, live.as_ref());
    let text = match args.format {
        ChecklistFormat::Human => report::checklist::render_human(&list),
        ChecklistFormat::Markdown => report::checklist::render_markdown(&list),
        ChecklistFormat::Json => report::checklist::render_json(&list),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(if list.failed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn canonical(path: &Path) -> Result<PathBuf, RunError> {
    std::fs::canonicalize(path).map_err(|e| RunError(format!("{}: {e}", path.display())))
}

/// The path of `root` relative to `base`, with `/`, for `--relative-to`.
fn relative_prefix(base: &Path, root: &Path) -> Result<String, RunError> {
    let root = canonical(root)?;
    let rel = root.strip_prefix(base).map_err(|_| {
        RunError(format!(
            "--relative-to: {} is not inside {}",
            root.display(),
            base.display()
        ))
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// Scans `root` and runs `rules` (those the configuration enables): the
/// source rules on each batch of Workers while its source files are
/// loaded, then the whole-project rules.
pub fn analyze(root: &Path, config: Config, rules: &[&dyn Rule]) -> (Project, Vec<Finding>) {
    let mut project = project::scan(root, config, rules::kept_callees(rules));
    let mut times = RuleTimes::default();
    // The reachability policy needs what each batch's entries reach, which
    // only the loaded batch knows; it is gathered only when a rule it
    // applies to runs.
    let reach_policy = rules
        .iter()
        .any(|r| r.meta().reach == Reach::Runtime && project.config.is_enabled(r.meta().code));
    let mut reached = HashSet::default();
    let phase = crate::timing::Phase::start("sources");
    let mut findings = project.check_sources(|batch| {
        let found = run_rules(batch, rules, Pass::Sources, &times);
        if reach_policy {
            reached.extend(batch.reached_files());
        }
        found
    });
    phase.end();
    let phase = crate::timing::Phase::start("rules");
    findings.extend(run_rules(&project, rules, Pass::Project, &times));
    phase.end();
    if reach_policy {
        let reach = ProjectReach::new(&project, reached);
        lower_unreached(&project, &reach, &mut findings);
    }
    times.report();
    (project, findings)
}

/// The severity policy for code that no Worker entry reaches, the one place
/// it is applied: a finding of a rule about run-time behaviour
/// ([`Reach::Runtime`]) whose primary location is a TS/JS file that no
/// Worker entry reaches ([`ProjectReach::of`]) says so in its message and
/// drops one level (error to warning, warning to info). The file may be
/// wired in tomorrow, so the finding stays; but nothing shows it happens in
/// what is deployed today. Findings about what a file contains
/// ([`Reach::Content`]: credential values, configuration, workflows) are
/// not lowered, nor any finding where reachability is unknown (no Worker,
/// a `main` that is built output).
fn lower_unreached(project: &Project, reach: &ProjectReach, findings: &mut [Finding]) {
    for finding in findings
        .iter_mut()
        .filter(|f| f.meta.reach == Reach::Runtime && !f.unreached)
    {
        let Location::File { file, .. } = finding.location else {
            continue;
        };
        if reach.of(project, file) != Reachability::Unreachable {
            continue;
        }
        finding.unreached = true;
        finding.severity = finding.severity.lowered();
        finding.message = format!("{}{UNREACHED_NOTE}", finding.message).into();
    }
}

/// What a lowered finding's message ends with.
pub const UNREACHED_NOTE: &str =
    " (no Worker entry reaches this file: not deployed today, so one severity level lower)";

/// Which of a rule's checks runs.
#[derive(Clone, Copy)]
enum Pass {
    /// On each batch of source files.
    Sources,
    /// Once, on the whole project.
    Project,
}

fn run_rules(
    project: &Project,
    rules: &[&dyn Rule],
    pass: Pass,
    times: &RuleTimes,
) -> Vec<Finding> {
    use rayon::prelude::*;
    rules
        .par_iter()
        .filter(|rule| project.config.is_enabled(rule.meta().code))
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            let started = crate::timing::enabled().then(Instant::now);
            match pass {
                Pass::Sources => rule.check_sources(project, &mut out),
                Pass::Project => rule.check(project, &mut out),
            }
            if let Some(started) = started {
                times.add(rule.meta().code, started.elapsed());
            }
            out
        })
        .collect()
}

/// Time spent in each rule over all batches, for `PREFLIGHT_TIMINGS`.
#[derive(Default)]
struct RuleTimes(std::sync::Mutex<std::collections::BTreeMap<&'static str, std::time::Duration>>);

impl RuleTimes {
    fn add(&self, code: &'static str, time: std::time::Duration) {
        if let Ok(mut times) = self.0.lock() {
            *times.entry(code).or_default() += time;
        }
    }

    fn report(&mut self) {
        let Ok(times) = self.0.get_mut() else { return };
        for (code, time) in times.iter() {
            eprintln!(
                "preflight: timing rule {code:<7} {:>8.1} ms",
                time.as_secs_f64() * 1000.0
            );
        }
    }
}

pub(crate) fn exit_code(report: &Report, fail_on: FailOn) -> i32 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return EXIT_OK,
    };
    match report.max_severity() {
        Some(max) if max >= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

fn load_config(args: &CheckArgs, root: &Path) -> Result<Config, RunError> {
    let mut config = read_config(args.config.as_deref(), root)?;
    // `--select "SEC001, SEC002"`: spaces around the commas are not part
    // of a code, and an empty item (a trailing comma) names nothing.
    let codes = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let (select, ignore) = (codes(&args.select), codes(&args.ignore));
    let known = rule_codes();
    for code in select.iter().chain(&ignore) {
        if !config::is_known_code_or_prefix(code, &known) {
            return Err(RunError(format!(
                "`{code}` is not a rule code or family prefix (see `preflight rules`)"
            )));
        }
    }
    if !select.is_empty() {
        config.select = select.iter().map(|c| c.to_ascii_uppercase()).collect();
    }
    config
        .ignore
        .extend(ignore.iter().map(|c| c.to_ascii_uppercase()));
    Ok(config)
}

/// Every rule code, for the configuration to validate the codes it names.
fn rule_codes() -> Vec<&'static str> {
    rules::metas().map(|m| m.code).collect()
}

/// The configuration given with `--config`, else `preflight.toml` at the
/// root, else the defaults.
pub(crate) fn read_config(explicit: Option<&Path>, root: &Path) -> Result<Config, RunError> {
    match explicit {
        Some(path) => Config::load(path, &path.display().to_string(), &rule_codes()),
        None => {
            let default = root.join(config::FILE_NAME);
            if default.is_file() {
                Config::load(&default, &default.display().to_string(), &rule_codes())
            } else {
                Ok(Config::default())
            }
        }
    }
    .map_err(|e| RunError(format!("invalid configuration: {e}")))
}

/// Directories are scanned as roots; files are grouped under their project
/// root (the nearest ancestor with `preflight.toml` or `.git`, else the
/// current directory) and the report is limited to them.
fn targets(paths: &[PathBuf]) -> Result<Vec<Target>, RunError> {
    let cwd = std::env::current_dir()
        .map_err(|e| RunError(format!("cannot read the current directory: {e}")))?;
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut targets: Vec<Target> = Vec::new();
    for path in &paths {
        let meta =
            std::fs::metadata(path).map_err(|e| RunError(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            targets.push(Target {
                root: path.clone(),
                only: None,
                prefix: display_prefix(path),
            });
            continue;
        }
        let abs = if path.is_absolute() {
            path.clone()
        } else {
            cwd.join(path)
        };
        let root = project_root(&abs, &cwd);
        let rel = crate::discover::relative(&abs, &root);
        match targets
            .iter_mut()
            .find(|t| t.root == root && t.only.is_some())
        {
            Some(t) => t.only.get_or_insert_with(Vec::new).push(rel),
            None => targets.push(Target {
                prefix: display_prefix(&root),
                root,
                only: Some(vec![rel]),
            }),
        }
    }
    Ok(targets)
}

fn project_root(file: &Path, cwd: &Path) -> PathBuf {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d.join(config::FILE_NAME).is_file() || d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    if file.starts_with(cwd) {
        cwd.to_path_buf()
    } else {
        file.parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
    }
}

fn display_prefix(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.trim_start_matches("./").trim_end_matches('/').to_string()
}

pub(crate) fn write_output(output: Option<&Path>, text: &str) -> Result<(), RunError> {
    write_with(output, |out| out.write_all(text.as_bytes()))
}

/// Runs `write` on the output file, or on stdout, buffered. A closed pipe
/// (`preflight check | head`) is not an error worth reporting.
fn write_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
    match output {
        Some(path) => {
            let fail =
                |e: std::io::Error| RunError(format!("cannot write {}: {e}", path.display()));
            let file = std::fs::File::create(path).map_err(fail)?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).and_then(|_| out.flush()).map_err(fail)
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut out).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(RunError(format!("cannot write output: {e}")))
                }
                _ => Ok(()),
            }
        }
    }
}

/// Writes to stdout; a closed pipe is not an error.
pub fn write_stdout(text: &str) -> Result<(), RunError> {
    write_with(None, |out| out.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::support::sources::temp_tree;

    const WRANGLER: &str =
        "name = \"w\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-01-01\"\n";
    const ENTRY: &str = "export default { async fetch(r, env) { const id = new URL(r.url).searchParams.get('id'); return Response.json(await env.DB.prepare(`SELECT * FROM t WHERE id = '${id}'`).first()) } }\n";
    const SEEDER: &str = "export async function seed(db, name) { await db.exec(`INSERT INTO t (name) VALUES ('${name}')`) }\n";

    /// (path, severity, message) of the DB003 findings of `files` under `config`.
    fn db003(files: &[(&str, &str)], config: Config) -> Vec<(String, Severity, String)> {
        let dir = temp_tree(files);
        let (project, findings) = analyze(dir.path(), config, rules::all());
        let report = report::build(&project, findings, None, report::Snippets::Drop);
        let mut out: Vec<_> = report
            .findings
            .iter()
            .filter(|d| d.code == "DB003")
            .map(|d| (d.path.to_string(), d.severity, d.message.to_string()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_runtime_finding_no_entry_reaches_is_one_level_lower_with_a_note() {
        let found = db003(
            &[
                ("wrangler.toml", WRANGLER),
                ("src/index.ts", ENTRY),
                ("scripts/seed.ts", SEEDER),
            ],
            Config::default(),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "scripts/seed.ts");
        assert_eq!(found[0].1, Severity::Warning);
        assert!(found[0].2.ends_with(UNREACHED_NOTE), "{}", found[0].2);
        assert_eq!(found[1].0, "src/index.ts");
        assert_eq!(found[1].1, Severity::Error);
        assert!(!found[1].2.contains(UNREACHED_NOTE));
    }

    #[test]
    fn without_a_worker_reachability_is_unknown_and_nothing_is_lowered() {
        let found = db003(&[("scripts/seed.ts", SEEDER)], Config::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, Severity::Error);
        assert!(!found[0].2.contains(UNREACHED_NOTE));
    }

    #[test]
    fn a_configured_severity_is_lowered_too_but_a_path_override_is_final() {
        let files = [
            ("wrangler.toml", WRANGLER),
            ("src/index.ts", ENTRY),
            ("scripts/seed.ts", SEEDER),
        ];
        let parse = |text: &str| Config::parse(text, "preflight.toml", &rule_codes()).unwrap();
        let found = db003(&files, parse("[severity]\nDB003 = \"warning\"\n"));
        let levels: Vec<Severity> = found.iter().map(|f| f.1).collect();
        assert_eq!(levels, [Severity::Info, Severity::Warning]);
        let found = db003(
            &files,
            parse("[[overrides]]\npaths = [\"scripts/**\"]\nseverity = \"error\"\n"),
        );
        let levels: Vec<Severity> = found.iter().map(|f| f.1).collect();
        assert_eq!(levels, [Severity::Error, Severity::Error]);
    }

    #[test]
    fn a_file_another_workers_entry_reaches_is_reachable() {
        // `apps/b/src/lib.ts` belongs to Worker b, whose entry does not
        // import it; Worker a's entry does. With one Worker per batch, each
        // batch sees one side: the policy judges the union.
        let wrangler = |name: &str| format!("name = \"{name}\"\nmain = \"src/index.ts\"\n");
        let (wa, wb) = (wrangler("a"), wrangler("b"));
        let a_entry = "import { seed } from '../../b/src/lib'\nexport default { async fetch(r, env) { await seed(env.DB, new URL(r.url).searchParams.get('n')); return new Response('') } }\n";
        let b_entry = "export default { async fetch() { return new Response('') } }\n";
        let files = [
            ("apps/a/wrangler.toml", wa.as_str()),
            ("apps/a/src/index.ts", a_entry),
            ("apps/b/wrangler.toml", wb.as_str()),
            ("apps/b/src/index.ts", b_entry),
            ("apps/b/src/lib.ts", SEEDER),
        ];
        let found = db003(&files, Config::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, Severity::Error);
    }
}
