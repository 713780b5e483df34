//! Builds a Project: discover, then read + parse + extract facts per file in
//! parallel, then link files to Workers.

use std::path::Path;

use rayon::prelude::*;

use super::{Facts, Project, SourceFile, Worker};
use crate::config::Config;
use crate::discover::{self, Candidate, FileKind, ReadOutcome, Skipped};
use crate::formats::ParseFailure;
use crate::formats::dotenv::DotEnvFile;
use crate::formats::package_json::PackageJson;
use crate::formats::prisma::PrismaSchema;
use crate::formats::shell::ShellScript;
use crate::formats::workflow::Workflow;
use crate::formats::wrangler::{ConfigFormat, WranglerConfig};
use crate::secrets::{Catalog, SecretNames};
use crate::span::Span;
use crate::suppress;

/// Parsers run on threads with this much stack, on top of the depth limits
/// in each front, so that hostile nesting cannot overflow it.
const PARSE_STACK: usize = 64 * 1024 * 1024;

pub fn scan(root: &Path, config: Config) -> Project {
    let phase = crate::timing::Phase::start("discover");
    let discovery = discover::discover(root, &config);
    phase.end();
    let phase = crate::timing::Phase::start("parse");
    let catalog = Catalog::builtin();
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(PARSE_STACK)
        .build();
    let analyze_all = || {
        discovery
            .files
            .par_iter()
            .map(|c| analyze(c, &config, catalog))
            .collect::<Vec<_>>()
    };
    let results = match &pool {
        Ok(pool) => pool.install(analyze_all),
        Err(_) => analyze_all(),
    };

    phase.end();
    let phase = crate::timing::Phase::start("link");
    let mut files = Vec::with_capacity(results.len());
    let mut skipped = discovery.skipped;
    for result in results {
        match result {
            Ok(mut file) => {
                file.tracked = discovery.tracked.contains(&file.path);
                files.push(file);
            }
            Err(skip) => skipped.push(skip),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));

    let workers = link_workers(&mut files);
    let names = SecretNames {
        extra_secrets: config.secret_names.clone(),
        extra_public: config.public_names.clone(),
    };
    let dev_vars_ignored = workers
        .iter()
        .map(|w| super::dev_vars::is_ignored(root, &w.dir))
        .collect();
    phase.end();
    Project {
        root: root.to_path_buf(),
        config,
        names,
        files,
        workers,
        tracked: discovery.tracked,
        in_git_repo: discovery.in_git_repo,
        dev_vars_ignored,
        skipped,
        routes: std::sync::OnceLock::new(),
    }
}

/// Reads and parses one file; the parser's model is all that is kept.
fn analyze(
    candidate: &Candidate,
    config: &Config,
    catalog: &Catalog,
) -> Result<SourceFile, Skipped> {
    let mut file = SourceFile {
        path: candidate.rel.clone(),
        kind: candidate.kind,
        facts: Facts::None,
        parse_failure: None,
        credentials: Vec::new(),
        suppressions: Vec::new(),
        worker: None,
        tracked: false,
    };
    let text = match discover::read_text(&candidate.abs, config.max_file_size) {
        ReadOutcome::Text(text) => text,
        ReadOutcome::InvalidUtf8 { offset } if candidate.kind.is_structured() => {
            file.parse_failure = Some(ParseFailure::new(
                Span::empty_at(offset),
                format!("not valid UTF-8 (first invalid byte at offset {offset})"),
            ));
            return Ok(file);
        }
        ReadOutcome::InvalidUtf8 { .. } => {
            return Err(Skipped {
                path: candidate.rel.clone(),
                reason: "not valid UTF-8 text".to_string(),
            });
        }
        ReadOutcome::Skip(reason) => {
            return Err(Skipped {
                path: candidate.rel.clone(),
                reason,
            });
        }
    };
    // Minified code is scanned as text, as a `.min.js` name would be.
    let kind = match candidate.kind {
        FileKind::Script if crate::discover::is_minified_script(&text) => FileKind::Text,
        kind => kind,
    };
    file.kind = kind;
    let parsed = parse_facts(kind, &text, &candidate.rel, config);
    match parsed {
        Ok(facts) => file.facts = facts,
        Err(failure) => file.parse_failure = Some(failure),
    }
    file.credentials = catalog.scan(&text);
    file.suppressions = suppress::parse_comments(&text);
    Ok(file)
}

fn parse_facts(
    kind: FileKind,
    text: &str,
    path: &str,
    config: &Config,
) -> Result<Facts, ParseFailure> {
    let call_matters = |callee: &str| crate::rules::source_util::callee_may_matter(config, callee);
    Ok(match kind {
        FileKind::WranglerToml => {
            Facts::Wrangler(Box::new(WranglerConfig::parse(text, ConfigFormat::Toml)?))
        }
        FileKind::WranglerJson => {
            Facts::Wrangler(Box::new(WranglerConfig::parse(text, ConfigFormat::Json)?))
        }
        FileKind::EnvFile { .. } => Facts::DotEnv(DotEnvFile::parse(text)?),
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
fn link_workers(files: &mut [SourceFile]) -> Vec<Worker> {
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
    workers.dedup_by(|later, first| later.dir == first.dir);

    // The nearest Worker is found by walking up each file's directories
    // (a few map lookups per file) rather than testing every Worker.
    let by_dir: std::collections::HashMap<&str, usize> = workers
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
    workers
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
