//! SEC009 undeclared-secret: the doc lives in rules/SEC009.md.
//!
//! For each Worker source file (skipping tests), every Worker env read
//! (`env.X`, `c.env.X`, destructuring; not `process.env`) must name a
//! binding of some env of that Worker, a var of every production-scope env,
//! or a declared secret: a key of an env file belonging to the Worker
//! (`.dev.vars.example`, `.dev.vars*`, `.env*`), the wrangler config's
//! `secrets.required`, or preflight.toml `[secrets] required`. One finding
//! per (Worker, name), at the first read in path order; the other reads are
//! its related locations.

use crate::hashing::HashSet;
use std::collections::BTreeMap;

use crate::finding::{FileId, Finding};
use crate::formats::dotenv::DotEnvFile;
use crate::formats::js::EnvSource;
use crate::formats::wrangler::WranglerConfig;
use crate::project::{Facts, Project, WorkerId};
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC009",
    "undeclared-secret",
    Warning,
    "Worker code reads an env name that is neither a binding, a var nor a declared secret",
    "declare it: add it to `.dev.vars.example` and set it with `wrangler secret put NAME`, or add the var/binding",
    reach = Runtime,
);

pub struct UndeclaredSecret;

impl Rule for UndeclaredSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut declared_by_worker: BTreeMap<WorkerId, Option<HashSet<String>>> = BTreeMap::new();
        // Every undeclared read, by Worker and name, in file (path) order.
        let mut reads: BTreeMap<(WorkerId, &str), Vec<(FileId, Span)>> = BTreeMap::new();
        for (file, source, facts) in project.js_files() {
            let Some(worker) = source.worker else {
                continue;
            };
            // A guest file is judged with its own Worker, in that Worker's
            // batch, so that its reads join the Worker's group.
            if !project.judges_worker(worker) || skip_test_or_unreachable_file(project, file) {
                continue;
            }
            let declared = declared_by_worker.entry(worker).or_insert_with(|| {
                let env: Vec<&DotEnvFile> = project
                    .worker_files(worker)
                    .filter_map(|(_, f)| match &f.facts {
                        Facts::DotEnv(env) => Some(env),
                        _ => None,
                    })
                    .collect();
                declared_names(project, worker, &env)
            });
            // A Worker whose config could not be read cannot be judged.
            let Some(declared) = declared else { continue };
            for (_, read) in facts.env_reads() {
                if read.source != EnvSource::Worker || declared.contains(&read.name) {
                    continue;
                }
                reads
                    .entry((worker, read.name.as_str()))
                    .or_default()
                    .push((file, read.span));
            }
        }
        for ((worker, name), mut places) in reads {
            places.sort_unstable_by_key(|&(file, span)| (file, span.start, span.end));
            places.dedup();
            let (file, span) = places[0];
            let config_path = project
                .workers
                .get(worker)
                .map(|w| project.file(w.config_file).path.as_str())
                .unwrap_or("the wrangler config");
            let partial = project
                .workers
                .get(worker)
                .and_then(|w| project.worker_config(w))
                .is_some_and(|c| {
                    c.scopes()
                        .any(|(_, s)| s.vars.iter().any(|v| v.key.value == name))
                });
            let what = if partial {
                format!(
                    "`{name}` is read from the Worker env but is a var of only some environments in \
                     `{config_path}`: a production deploy without it leaves it undefined"
                )
            } else {
                format!(
                    "`{name}` is read from the Worker env but is not a binding or var in \
                     `{config_path}` nor a declared secret: a deploy without it leaves it undefined"
                )
            };
            let mut finding = Finding::new(&META, file, span).message(what).help(format!(
                "if it is a secret, add `{name}=` to `.dev.vars.example` (or to \
                 `secrets.required` in the wrangler config) and set it with \
                 `wrangler secret put {name}`; otherwise add the var or binding"
            ));
            for &(file, span) in &places[1..] {
                finding = finding.related(file, span, "also read here");
            }
            out.push(finding);
        }
    }
}

/// Every name the Worker declares; `None` when its config is unreadable.
fn declared_names(
    project: &Project,
    worker: WorkerId,
    env_files: &[&DotEnvFile],
) -> Option<HashSet<String>> {
    let w = project.workers.get(worker)?;
    let config: &WranglerConfig = project.worker_config(w)?;
    let mut names = HashSet::default();
    for (_, scope) in config.scopes() {
        names.extend(scope.bindings.iter().map(|b| b.name.value.clone()));
        names.extend(scope.hyperdrive.iter().map(|h| h.binding.value.clone()));
        names.extend(scope.secrets_required.iter().map(|s| s.value.clone()));
    }
    let production: Vec<_> = config
        .scopes()
        .filter(|(name, _)| {
            project
                .config
                .is_production_env(name.map(|n| n.value.as_str()))
        })
        .map(|(_, scope)| scope)
        .collect();
    for var in &config.top.vars {
        let key = &var.key.value;
        if production
            .iter()
            .all(|scope| scope.vars.iter().any(|v| &v.key.value == key))
        {
            names.insert(key.clone());
        }
    }
    names.extend(project.config.required_secrets.iter().cloned());
    for env in env_files {
        names.extend(env.entries.iter().map(|e| e.key.value.clone()));
    }
    Some(names)
}
