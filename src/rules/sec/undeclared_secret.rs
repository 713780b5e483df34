//! SEC009 undeclared-secret: the doc lives in rules/SEC009.md.
//!
//! For each Worker source file (skipping tests), every Worker env read
//! (`env.X`, `c.env.X`, destructuring; not `process.env`) must name a
//! binding of some env of that Worker, a var of every production-scope env,
//! or a declared secret: a key of an env file belonging to the Worker
//! (`.dev.vars.example`, `.dev.vars*`, `.env*`, commented-out entries
//! included), the wrangler config's `secrets.required`, preflight.toml
//! `[secrets] required`, a key of the Deploy to Cloudflare button's
//! `cloudflare.bindings` in a package.json of the Worker, a member of the
//! env interface `wrangler types` generated, or a name the Worker assigns
//! itself (`c.env.X = ...`). Pages Functions get `ASSETS` and the `CF_PAGES*`
//! vars from the platform. One finding per (Worker, name), at the first
//! read in path order; the other reads are its related locations.
//!
//! A name that is not secret-like and that the code treats as optional
//! (read with a default or under a presence test, `X?:` in the project's
//! env type) and never fails without is reported as info: a deploy
//! without it runs with the default.

use crate::hashing::HashSet;
use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::finding::{FileId, Finding};
use crate::formats::js::{EnvReadMode, EnvSource, MissingOutcome};
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
        let mut declared_by_worker: BTreeMap<WorkerId, Option<Declared>> = BTreeMap::new();
        // Every undeclared read, by Worker and name, in file (path) order.
        let mut reads: BTreeMap<(WorkerId, &str), Reads> = BTreeMap::new();
        for (file, source, facts) in project.js_files() {
            let Some(worker) = source.worker else {
                continue;
            };
            // A guest file is judged with its own Worker, in that Worker's
            // batch, so that its reads join the Worker's group.
            if !project.judges_worker(worker) || skip_test_or_unreachable_file(project, file) {
                continue;
            }
            let declared = declared_by_worker
                .entry(worker)
                .or_insert_with(|| declared_names(project, worker));
            // A Worker whose config could not be read cannot be judged.
            let Some(declared) = declared else { continue };
            let pages = is_pages_functions_file(&source.path);
            for (_, read) in facts.env_reads() {
                if read.source != EnvSource::Worker
                    || read.mode == EnvReadMode::Written
                    || declared.names.contains(&read.name)
                    || (pages && is_pages_platform_name(&read.name))
                {
                    continue;
                }
                let group = reads.entry((worker, read.name.as_str())).or_default();
                group.places.push((file, read.span));
                group.optional |= read.mode == EnvReadMode::Optional;
            }
            for (_, check) in facts.secret_checks() {
                if check.when_missing == MissingOutcome::Fails {
                    declared.required.insert(check.env_name.clone());
                }
            }
        }
        for ((worker, name), group) in reads {
            let Reads {
                mut places,
                optional,
            } = group;
            let declared = declared_by_worker.get(&worker).and_then(Option::as_ref);
            // Optional by its reads or by the project's env type, never
            // checked with a failure, and not a credential.
            let optional = (optional || declared.is_some_and(|d| d.optional.contains(name)))
                && !declared.is_some_and(|d| d.required.contains(name))
                && !is_secret_like(project, name);
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
            let what = if optional {
                format!(
                    "`{name}` is read from the Worker env as an optional value (with a default or \
                     under a presence test) but is not a binding or var in `{config_path}` nor \
                     declared: document it so a deploy can set it"
                )
            } else if partial {
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
            if optional {
                finding = finding.severity(Severity::Info);
            }
            for &(file, span) in &places[1..] {
                finding = finding.related(file, span, "also read here");
            }
            out.push(finding);
        }
    }
}

/// The undeclared reads of one name in one Worker.
#[derive(Default)]
struct Reads {
    places: Vec<(FileId, Span)>,
    /// Some read tolerates a missing value.
    optional: bool,
}

/// What a Worker declares.
struct Declared {
    /// Every name it declares.
    names: HashSet<String>,
    /// Names its own env type marks optional (`X?: string`).
    optional: HashSet<String>,
    /// Names the code fails without (`if (!env.X) throw ...`).
    required: HashSet<String>,
}

/// A name that is or hints at a credential (`*_TOKEN`, `ENCRYPTION_KEY`,
/// `SIGNING_SECRET`), unless it names a public key (`*_PUBLISHABLE_KEY`).
fn is_secret_like(project: &Project, name: &str) -> bool {
    !project.names.is_public_name(name)
        && (project.names.is_secret_name(name) || crate::secrets::names::hints_credential(name))
}

/// Names Pages gives every Pages Functions file: the static assets
/// binding and the build's system vars.
fn is_pages_platform_name(name: &str) -> bool {
    name == "ASSETS" || name == "CF_PAGES" || name.starts_with("CF_PAGES_")
}

/// A Pages Functions file (`functions/...`) or an advanced-mode
/// `_worker.js`.
fn is_pages_functions_file(path: &str) -> bool {
    let mut segments = path.split('/');
    let name = segments.next_back().unwrap_or("");
    segments.any(|s| s == "functions") || name.starts_with("_worker.")
}

/// Every name the Worker declares; `None` when its config is unreadable.
fn declared_names(project: &Project, worker: WorkerId) -> Option<Declared> {
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
    let mut optional = HashSet::default();
    for (_, file) in project.worker_files(worker) {
        match &file.facts {
            Facts::DotEnv(env) => {
                names.extend(env.entries.iter().map(|e| e.key.value.clone()));
                names.extend(env.commented_keys.iter().map(|k| k.value.clone()));
            }
            Facts::PackageJson(package) => names.extend(package.deploy_bindings.iter().cloned()),
            Facts::Js(js) if js.wrangler_types => {
                names.extend(js.env_type_members.iter().map(|m| m.name.clone()));
            }
            Facts::Js(js) => {
                optional.extend(
                    js.env_type_members
                        .iter()
                        .filter(|m| m.optional)
                        .map(|m| m.name.clone()),
                );
                names.extend(
                    js.env_reads()
                        .filter(|(_, r)| {
                            r.mode == EnvReadMode::Written && r.source == EnvSource::Worker
                        })
                        .map(|(_, r)| r.name.clone()),
                );
            }
            _ => {}
        }
    }
    Some(Declared {
        names,
        optional,
        required: HashSet::default(),
    })
}
