//! Builds a Project: discover, then read + parse + extract facts per file in
//! parallel, then link files to Workers.

use std::path::Path;

use rayon::prelude::*;

use super::callees::{CalleeVerdicts, KeptCallees};
use super::{Facts, Project, ShadowedConfig, SourceFile, Unanalysed, Worker};
use crate::config::Config;
use crate::discover::{self, FileKind, ReadOutcome, Skipped};
use crate::formats::dotenv::DotEnvFile;
use crate::formats::package_json::PackageJson;
use crate::formats::prisma::PrismaSchema;
use crate::formats::shell::ShellScript;
use crate::formats::workflow::Workflow;
use crate::formats::wrangler::{ConfigFormat, WranglerConfig};
use crate::formats::{PARSE_STACK_BYTES, ParseFailure};
use crate::secrets::{Catalog, SecretNames};
use crate::span::Span;
use crate::suppress;

/// Discovers the tree, parses every configuration file (wrangler, env,
/// workflows, scripts, manifests) and links files to Workers. Source files
/// are only listed: [`Project::check_sources`] parses them a batch of
/// Workers at a time, so that their facts never all sit in memory at once;
/// compaction keeps the calls to built-ins that `kept_callees` names.
pub fn scan(root: &Path, config: Config, kept_callees: KeptCallees) -> Project {
    let phase = crate::timing::Phase::start("discover");
    let discovery = discover::discover(root, &config);
    phase.end();
    let phase = crate::timing::Phase::start("parse");
    let catalog = Catalog::builtin();
    let results = in_parse_pool(|| {
        discovery
            .files
            .par_iter()
            .map_init(
                || CalleeVerdicts::new(&config, &kept_callees),
                |verdicts, c| {
                    if c.kind.is_source() {
                        Ok(SourceFile::new(c.rel.clone(), c.kind))
                    } else {
                        analyze(&c.rel, &c.abs, c.kind, catalog, verdicts)
                    }
                },
            )
            .collect::<Vec<_>>()
    });
    phase.end();

    let phase = crate::timing::Phase::start("link");
    let mut files = Vec::with_capacity(results.len());
    let mut pending = Vec::new();
    let mut skipped = discovery.skipped;
    for (result, candidate) in results.into_iter().zip(discovery.files) {
        match result {
            Ok(mut file) => {
                file.tracked = discovery.tracked.contains(&file.path);
                if file.kind.is_source() {
                    pending.push((files.len(), candidate.abs));
                }
                files.push(file);
            }
            Err(skip) => skipped.push(skip),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));

    let (workers, shadowed_configs) = link_workers(&mut files);
    let names = SecretNames {
        extra_secrets: config.secret_names.clone(),
        extra_public: config.public_names.clone(),
    };
    // Ignore rules the walk did not apply cover nothing here either: the
    // local secret files' check fails closed with them.
    let mut ignore = super::dev_vars::DevVarsIgnore::new(root);
    let unignored_secret_files = workers
        .iter()
        .map(|w| {
            let mut local = super::dev_vars::local_secret_files(&files, w);
            if discovery.ignore_rules_dropped.is_none() {
                local.retain(|f| !ignore.is_ignored(&w.dir, &f.name));
            }
            local
        })
        .collect();
    phase.end();
    let source_index =
        super::source_index::SourceIndex::new(&files, pending.iter().map(|(id, _)| *id));
    Project {
        root: root.to_path_buf(),
        config,
        kept_callees,
        names,
        files,
        workers,
        shadowed_configs,
        tracked: discovery.tracked,
        in_git_repo: discovery.in_git_repo,
        unignored_secret_files,
        skipped,
        ignore_rules_dropped: discovery.ignore_rules_dropped,
        summary: Default::default(),
        pending,
        source_index,
        scope: Vec::new(),
        scope_workers: Vec::new(),
        routes: std::sync::OnceLock::new(),
        batch_texts: Vec::new(),
        values: std::sync::OnceLock::new(),
    }
}

/// Test support: a scan with every source file loaded as one batch, for
/// tests that look at facts and routes directly.
#[cfg(test)]
pub fn scan_with_sources(root: &Path, config: Config) -> Project {
    let mut project = scan(
        root,
        config,
        crate::rules::kept_callees(crate::rules::all()),
    );
    project.load_all_sources();
    project
}

/// The threads with [`PARSE_STACK_BYTES`] of stack that parse files; `None`
/// when such a pool cannot be built.
fn parse_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(PARSE_STACK_BYTES)
            .start_handler(|_| crate::formats::mark_parse_stack())
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `work` on the parse threads (on the current ones when there are
/// none).
pub(super) fn in_parse_pool<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match parse_pool() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Starts `work` on the parse threads and returns at once; its result (or
/// its panic) arrives on the channel. Runs it here when there are no parse
/// threads. No thread is created: each new thread would bring its own
/// allocator heap.
pub(super) fn spawn_in_parse_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::sync::mpsc::Receiver<std::thread::Result<T>> {
    let (done, result) = std::sync::mpsc::sync_channel(1);
    let job = move || {
        // A panic must reach the caller: rayon would abort on it.
        let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
    };
    match parse_pool() {
        Some(pool) => pool.spawn(job),
        None => job(),
    }
    result
}

/// Reads and parses one file; the parser's model is all that is kept.
pub(super) fn analyze(
    rel: &str,
    abs: &Path,
    kind: FileKind,
    catalog: &Catalog,
    verdicts: &mut CalleeVerdicts,
) -> Result<SourceFile, Skipped> {
    analyze_keeping_text(rel, abs, kind, catalog, verdicts).map(|(file, _)| file)
}

/// [`analyze`], also returning the text read (none when it was not text):
/// a batch of source files resolves its findings' places with it.
pub(super) fn analyze_keeping_text(
    rel: &str,
    abs: &Path,
    kind: FileKind,
    catalog: &Catalog,
    verdicts: &mut CalleeVerdicts,
) -> Result<(SourceFile, Option<String>), Skipped> {
    let config = verdicts.config();
    let mut file = SourceFile::new(rel.to_string(), kind);
    let text = match discover::read_text(abs, config.max_file_size) {
        ReadOutcome::Text(text) => text,
        ReadOutcome::InvalidUtf8 { offset, bytes } => {
            if kind.is_structured() {
                file.parse_failure = Some(ParseFailure::new(
                    Span::empty_at(offset),
                    format!("not valid UTF-8 (first invalid byte at offset {offset})"),
                ));
            } else {
                file.unanalysed = Some(Box::new(Unanalysed::new("not valid UTF-8 text")));
            }
            scan_raw(&mut file, &bytes[..], catalog);
            return Ok((file, None));
        }
        ReadOutcome::Binary(bytes) => {
            file.unanalysed = Some(Box::new(Unanalysed::new(
                "binary (a NUL byte in its first 8 KiB)",
            )));
            scan_raw(&mut file, &bytes[..], catalog);
            return Ok((file, None));
        }
        ReadOutcome::TooLarge(reason) => {
            file.unanalysed = Some(Box::new(Unanalysed::new(reason)));
            match discover::open_regular(abs) {
                Ok(reader) => scan_raw(&mut file, reader, catalog),
                Err(e) => {
                    if let Some(u) = &mut file.unanalysed {
                        u.reason.push_str(&format!("; cannot be read ({e})"));
                    }
                }
            }
            return Ok((file, None));
        }
        ReadOutcome::Skip(reason) => {
            return Err(Skipped {
                path: rel.to_string(),
                reason,
            });
        }
    };
    // Minified code is not parsed (its names mean nothing), but it is not
    // trusted either: a Worker source judged minified is a PF002 finding,
    // and its credentials are still scanned.
    if kind == FileKind::Script && crate::discover::is_minified_script(&text) {
        file.unanalysed = Some(Box::new(Unanalysed::new(
            "judged minified (most of its bytes are in long, code-dense lines), so not parsed",
        )));
        file.credentials = catalog.scan(&text);
        return Ok((file, Some(text)));
    }
    let parsed = parse_facts(kind, &text, rel, verdicts);
    match parsed {
        Ok(facts) => file.facts = facts,
        Err(failure) => file.parse_failure = Some(failure),
    }
    file.credentials = catalog.scan(&text);
    file.suppressions = suppress::parse_comments(&text);
    Ok((file, Some(text)))
}

/// Runs the credential catalog over the raw bytes of a file that is not
/// analysed; a read error midway keeps what was found and says so.
fn scan_raw(file: &mut SourceFile, reader: impl std::io::Read, catalog: &Catalog) {
    let (found, error) = match crate::secrets::raw::scan(reader, catalog) {
        Ok(found) => (found, None),
        Err(e) => (Default::default(), Some(e)),
    };
    let unanalysed = file
        .unanalysed
        .get_or_insert_with(|| Box::new(Unanalysed::new("not analysed")));
    if let Some(e) = error {
        unanalysed
            .reason
            .push_str(&format!("; its bytes cannot be read ({e})"));
    }
    unanalysed.places = found.places;
    file.credentials = found.credentials;
}

fn parse_facts(
    kind: FileKind,
    text: &str,
    path: &str,
    verdicts: &mut CalleeVerdicts,
) -> Result<Facts, ParseFailure> {
    let call_matters = |callee: &str| verdicts.matters(callee);
    Ok(match kind {
        FileKind::WranglerToml => {
            Facts::Wrangler(Box::new(WranglerConfig::parse(text, ConfigFormat::Toml)?))
        }
        FileKind::WranglerJson => {
            Facts::Wrangler(Box::new(WranglerConfig::parse(text, ConfigFormat::Json)?))
        }
        FileKind::EnvFile { template: false } => Facts::DotEnv(DotEnvFile::parse(text)?),
        FileKind::EnvFile { template: true } => Facts::DotEnv(DotEnvFile::parse_template(text)?),
        FileKind::Workflow | FileKind::Action => Facts::Workflow(Box::new(Workflow::parse(text)?)),
        FileKind::Shell => Facts::Shell(ShellScript::parse(text)),
        FileKind::PackageJson => Facts::PackageJson(PackageJson::parse(text)?),
        FileKind::Prisma => Facts::Prisma(PrismaSchema::parse(text)?),
        FileKind::PrismaConfig => Facts::Prisma(PrismaSchema::parse_config_ts(text)),
        // The facts are kept for the whole run, so they are compacted first:
        // on large trees they are most of the peak memory.
        FileKind::Script => Facts::Js(Box::new(
            crate::formats::js::extract(text, path)?.compact(call_matters),
        )),
        FileKind::RustSource => Facts::Js(Box::new(
            crate::formats::rust_src::extract(text)?.compact(call_matters),
        )),
        FileKind::Text => Facts::None,
    })
}

/// Every wrangler config defines a Worker rooted at its directory; every
/// file belongs to the Worker whose directory is the nearest above it. When
/// one directory holds several configs, wrangler's own precedence picks the
/// one that counts (json, jsonc, toml).
fn link_workers(files: &mut [SourceFile]) -> (Vec<Worker>, Vec<ShadowedConfig>) {
    let mut workers: Vec<Worker> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.kind, FileKind::WranglerToml | FileKind::WranglerJson))
        .map(|(id, f)| Worker {
            dir: discover::parent_dir(&f.path).to_string(),
            config_file: id,
        })
        .collect();
    workers.sort_by_key(|w| {
        (
            w.dir.clone(),
            precedence(discover::file_name(&files[w.config_file].path)),
        )
    });
    // Wrangler reads one config per directory; the others are recorded so
    // that PF003 can say which one is not used.
    let mut shadowed_configs = Vec::new();
    workers.dedup_by(|later, first| {
        let same = later.dir == first.dir;
        if same {
            shadowed_configs.push(ShadowedConfig {
                file: later.config_file,
                used: first.config_file,
            });
        }
        same
    });

    // The nearest Worker is found by walking up each file's directories
    // (a few map lookups per file) rather than testing every Worker.
    let by_dir: crate::hashing::HashMap<&str, usize> = workers
        .iter()
        .enumerate()
        .map(|(id, w)| (w.dir.as_str(), id))
        .collect();
    let nearest: Vec<Option<usize>> = files
        .iter()
        .map(|file| {
            let mut dir = discover::parent_dir(&file.path);
            loop {
                if let Some(&id) = by_dir.get(dir) {
                    debug_assert!(is_within(&file.path, dir));
                    return Some(id);
                }
                if dir.is_empty() {
                    return None;
                }
                dir = discover::parent_dir(dir);
            }
        })
        .collect();
    for (file, worker) in files.iter_mut().zip(nearest) {
        file.worker = worker;
    }
    (workers, shadowed_configs)
}

fn precedence(name: &str) -> u8 {
    match name {
        "wrangler.json" => 0,
        "wrangler.jsonc" => 1,
        _ => 2,
    }
}

fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}
