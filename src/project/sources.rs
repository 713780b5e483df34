//! Source files (TS/JS, Rust) are parsed a batch of Workers at a time, and
//! the source rules run on each batch before its facts are dropped: peak
//! memory follows the largest batch, not the size of the tree.
//!
//! A batch holds whole Workers (every source file under their directory)
//! plus the files those import from outside it (shared packages, another
//! Worker's modules), loaded as guests and checked in the importing
//! Worker's context too; a finding reported by several batches is kept
//! once. Source files under no Worker that no batch imported are checked
//! last, together. What each file showed beyond its facts
//! (credentials, suppressions, parse failures, skips) is kept for the
//! whole-project rules and the report.

use crate::hashing::{HashMap, HashSet};
use std::collections::BTreeSet;
use std::path::PathBuf;

use rayon::prelude::*;

use super::build::{analyze_keeping_text, in_parse_pool, spawn_in_parse_pool};
use super::callees::{CalleeVerdicts, KeptCallees};
use super::{Facts, Project, SourceFile, WorkerId};
use crate::config::Config;
use crate::discover::{FileKind, Skipped};
use crate::finding::{FileId, Finding, Location};
use crate::secrets::Catalog;
use crate::span::{LineStarts, Place};
use crate::timing::Total;

/// A batch is closed once it holds this many source files; a Worker is
/// never split. `PREFLIGHT_BATCH_FILES` overrides it, so that tests can
/// check that the output does not depend on how Workers are grouped.
const BATCH_FILES: usize = 256;

/// Batches being read ahead of the one the rules check.
const PREFETCH_DEPTH: usize = 2;

fn batch_files() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SIZE.get_or_init(|| {
        std::env::var("PREFLIGHT_BATCH_FILES")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(BATCH_FILES)
    })
}

/// What the source files showed, kept after their facts are dropped, for
/// the rules that judge the whole project.
#[derive(Debug, Default)]
pub struct SourceSummary {
    /// Packages imported (bare specifiers) by some source file.
    pub packages: BTreeSet<String>,
    /// Environment variable names some source file reads.
    pub env_names: BTreeSet<String>,
}

impl SourceSummary {
    fn absorb(&mut self, facts: &crate::formats::js::JsFacts) {
        for import in &facts.imports {
            let source = import.source.value.as_str();
            if !source.starts_with('.') && !self.packages.contains(source) {
                self.packages.insert(source.to_string());
            }
        }
        for (_, read) in facts.env_reads() {
            if !self.env_names.contains(read.name.as_str()) {
                self.env_names.insert(read.name.to_string());
            }
        }
    }
}

/// Where each source file stands during the batches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Not read yet.
    Never,
    /// Read; its credentials, suppressions and parse result are recorded.
    Read,
    /// Read and skipped (unreadable, too large, binary).
    Skipped,
}

impl Project {
    /// Loads the source files a batch at a time and runs `check` on each
    /// batch; returns what `check` found, without duplicates (a file
    /// imported by Workers of several batches is checked with each).
    pub fn check_sources(&mut self, check: impl FnMut(&Project) -> Vec<Finding>) -> Vec<Finding> {
        self.check_sources_in_batches_of(batch_files(), check)
    }

    fn check_sources_in_batches_of(
        &mut self,
        batch_files: usize,
        mut check: impl FnMut(&Project) -> Vec<Finding>,
    ) -> Vec<Finding> {
        let mut seen = vec![Seen::Never; self.files.len()];
        let mut findings = Vec::new();
        let (mut load, mut rules, mut unload) = (
            Total::new("  load"),
            Total::new("  check"),
            Total::new("  unload"),
        );
        // Prefetches read the next batches on the parse threads while the
        // rules check this one, so the cores stay busy; each owns what it
        // needs. Two are kept in flight: the parse threads start on the
        // second while the last, largest files of the first finish, instead
        // of idling until this batch is checked.
        let config = std::sync::Arc::new(self.config.clone());
        let kept_callees = self.kept_callees.clone();
        let mut run = |project: &mut Project,
                       seen: &mut Vec<Seen>,
                       (workers, members): (Vec<WorkerId>, Vec<FileId>),
                       ready: Vec<(FileId, ReadResult)>,
                       ahead: &[(Vec<WorkerId>, Vec<FileId>)]| {
            load.time(|| project.load(&members, workers, seen, ready));
            let prefetches: Vec<_> = ahead
                .iter()
                .map(|(_, next)| {
                    let jobs = project.read_jobs(next, seen);
                    let config = config.clone();
                    let kept_callees = kept_callees.clone();
                    spawn_in_parse_pool(move || read_sources(&jobs, &config, &kept_callees))
                })
                .collect();
            let mut found = rules.time(|| check(project));
            project.resolve_places(&mut found);
            findings.extend(found);
            unload.time(|| project.unload());
            prefetches
        };
        let mut batches = self.worker_batches(batch_files);
        let mut in_flight = std::collections::VecDeque::new();
        for index in 0..batches.len() {
            // The first batch reads its own files; later ones were prefetched.
            let ready = in_flight.pop_front().map(join_read).unwrap_or_default();
            let batch = std::mem::take(&mut batches[index]);
            let first_unspawned = (index + 1 + in_flight.len()).min(batches.len());
            let ahead = &batches[first_unspawned..(index + 1 + PREFETCH_DEPTH).min(batches.len())];
            in_flight.extend(run(self, &mut seen, batch, ready, ahead));
        }
        // Shared files no Worker imported come last, together.
        let orphans = self.orphan_sources(&seen);
        if !orphans.is_empty() {
            run(self, &mut seen, (Vec::new(), orphans), Vec::new(), &[]);
        }
        self.drop_skipped_sources(&seen, &mut findings);
        dedup(&mut findings);
        findings
    }

    /// Test support: every source file loaded as one batch that judges
    /// every Worker.
    #[cfg(test)]
    pub(crate) fn load_all_sources(&mut self) {
        let members = self.pending.iter().map(|&(id, _)| id).collect::<Vec<_>>();
        let mut seen = vec![Seen::Never; self.files.len()];
        self.load(
            &members,
            (0..self.workers.len()).collect(),
            &mut seen,
            Vec::new(),
        );
        let mut none = Vec::new();
        self.drop_skipped_sources(&seen, &mut none);
    }

    /// Workers in order, grouped until a group holds `batch_files` source
    /// files, each with its source files and its entry.
    fn worker_batches(&self, batch_files: usize) -> Vec<(Vec<WorkerId>, Vec<FileId>)> {
        let mut by_worker: Vec<Vec<FileId>> = vec![Vec::new(); self.workers.len()];
        for &(id, _) in &self.pending {
            if let Some(w) = self.files[id].worker {
                by_worker[w].push(id);
            }
        }
        let mut batches: Vec<(Vec<WorkerId>, Vec<FileId>)> = Vec::new();
        let mut current: (Vec<WorkerId>, Vec<FileId>) = Default::default();
        for (worker, mut files) in by_worker.into_iter().enumerate() {
            // `main` may lie outside the Worker's directory.
            if let Some(entry) = self.worker_main_file(worker)
                && !files.contains(&entry)
            {
                files.push(entry);
            }
            current.0.push(worker);
            current.1.extend(files);
            if current.1.len() >= batch_files {
                batches.push(std::mem::take(&mut current));
            }
        }
        if !current.1.is_empty() {
            batches.push(current);
        }
        // Workers with no source file have nothing for the source rules.
        batches.retain(|(_, members)| !members.is_empty());
        for (_, members) in &mut batches {
            members.sort_unstable();
            members.dedup();
        }
        batches
    }

    /// Parses `members` and, transitively, the source files they import,
    /// and makes them the loaded batch judging `workers`.
    fn load(
        &mut self,
        members: &[FileId],
        workers: Vec<WorkerId>,
        seen: &mut [Seen],
        prefetched: Vec<(FileId, ReadResult)>,
    ) {
        let mut prefetched: HashMap<FileId, ReadResult> = prefetched.into_iter().collect();
        let mut in_batch: HashSet<FileId> = members.iter().copied().collect();
        let mut scope = Vec::with_capacity(members.len());
        let mut frontier = members.to_vec();
        while !frontier.is_empty() {
            // Shared files keep their facts from the batch that read them
            // first; a file that could not be read is not read again.
            let (kept, to_read): (Vec<FileId>, Vec<FileId>) = frontier
                .iter()
                .partition(|&&id| self.keeps_facts(id, seen) || seen[id] == Seen::Skipped);
            scope.extend(&kept);
            let missing: Vec<FileId> = to_read
                .iter()
                .copied()
                .filter(|id| !prefetched.contains_key(id))
                .collect();
            let mut fresh: HashMap<FileId, ReadResult> = read_sources(
                &self.read_jobs(&missing, seen),
                &self.config,
                &self.kept_callees,
            )
            .into_iter()
            .collect();
            let parsed = to_read.iter().filter_map(|id| {
                let result = prefetched.remove(id).or_else(|| fresh.remove(id))?;
                Some((*id, result))
            });
            for (id, result) in parsed {
                scope.push(id);
                let first = seen[id] == Seen::Never;
                match result {
                    Ok((read, text)) => {
                        if let Some(text) = text {
                            self.batch_texts.push((id, text));
                        }
                        let file = &mut self.files[id];
                        file.facts = read.facts;
                        if first {
                            seen[id] = Seen::Read;
                            file.kind = read.kind;
                            file.parse_failure = read.parse_failure;
                            file.credentials = read.credentials;
                            file.suppressions = read.suppressions;
                            file.unanalysed = read.unanalysed;
                        }
                    }
                    Err(skip) => {
                        if first {
                            seen[id] = Seen::Skipped;
                            self.skipped.push(skip);
                        }
                    }
                }
            }
            let mut next = Vec::new();
            for &id in &frontier {
                let Facts::Js(facts) = &self.files[id].facts else {
                    continue;
                };
                for spec in super::routes::runtime_specifiers(facts) {
                    if let Some(target) = self.resolve_source_import(id, spec)
                        && in_batch.insert(target)
                    {
                        next.push(target);
                    }
                }
            }
            frontier = next;
        }
        scope.sort_unstable();
        self.scope = scope;
        self.scope_workers = workers;
        self.routes = std::sync::OnceLock::new();
    }

    /// What reading `ids` needs, leaving out the files a batch does not
    /// read again: shared files already read, and unreadable ones.
    fn read_jobs(&self, ids: &[FileId], seen: &[Seen]) -> Vec<ReadJob> {
        ids.iter()
            .filter(|&&id| !(self.keeps_facts(id, seen) || seen[id] == Seen::Skipped))
            .map(|&id| ReadJob {
                id,
                path: self.files[id].path.clone(),
                abs: self.source_abs(id).to_path_buf(),
                kind: self.files[id].kind,
            })
            .collect()
    }

    /// Source files under no Worker that no batch imported.
    fn orphan_sources(&self, seen: &[Seen]) -> Vec<FileId> {
        self.pending
            .iter()
            .map(|&(id, _)| id)
            .filter(|&id| self.files[id].worker.is_none() && seen[id] == Seen::Never)
            .collect()
    }

    /// Gives the findings in files this batch read their places, while the
    /// texts are at hand: the report need not read those files again.
    fn resolve_places(&mut self, findings: &mut [Finding]) {
        self.batch_texts.sort_unstable_by_key(|(id, _)| *id);
        let mut lines: Vec<Option<LineStarts>> = vec![None; self.batch_texts.len()];
        let texts = &self.batch_texts;
        let mut resolve = |location: &Location, place: &mut Option<Box<Place>>| {
            let Location::File { file, span } = *location else {
                return;
            };
            let Ok(index) = texts.binary_search_by_key(&file, |(id, _)| *id) else {
                return;
            };
            let text = &texts[index].1;
            let lines = lines[index].get_or_insert_with(|| LineStarts::new(text));
            *place = Some(Box::new(Place::of(text, lines, span)));
        };
        for finding in findings.iter_mut() {
            if finding.place.is_none() {
                resolve(&finding.location, &mut finding.place);
            }
            for related in finding.related.iter_mut().filter(|r| r.place.is_none()) {
                resolve(&related.location, &mut related.place);
            }
        }
    }

    /// Whether `id` is a shared source file (under no Worker) already read:
    /// those keep their facts across batches, since every Worker importing
    /// them would parse them again, and shared code is a small part of a
    /// tree.
    fn keeps_facts(&self, id: FileId, seen: &[Seen]) -> bool {
        seen[id] == Seen::Read && self.files[id].worker.is_none()
    }

    /// Drops the loaded batch's facts (but those of shared files), keeping
    /// what the whole-project rules read from them.
    fn unload(&mut self) {
        let mut dropped = Vec::with_capacity(self.scope.len());
        for &id in &self.scope {
            let file = &mut self.files[id];
            if let Facts::Js(facts) = &file.facts {
                self.summary.absorb(facts);
            }
            if file.worker.is_some() {
                dropped.push(std::mem::take(&mut file.facts));
            }
        }
        self.scope.clear();
        self.scope_workers.clear();
        let texts = std::mem::take(&mut self.batch_texts);
        let routes = std::mem::take(&mut self.routes);
        // Freeing a batch is tens of thousands of small frees: the parse
        // threads do it between files, so that this thread can go on to
        // the next batch.
        drop(spawn_in_parse_pool(move || drop((dropped, texts, routes))));
    }

    fn source_abs(&self, id: FileId) -> &std::path::Path {
        let index = self
            .pending
            .binary_search_by_key(&id, |(pending, _)| *pending)
            .expect("only listed source files are loaded");
        &self.pending[index].1
    }

    /// Removes the source files that could not be read (they are listed as
    /// skipped), renumbering the files after them.
    fn drop_skipped_sources(&mut self, seen: &[Seen], findings: &mut [Finding]) {
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        if !seen.contains(&Seen::Skipped) {
            return;
        }
        let mut new_id = Vec::with_capacity(self.files.len());
        let mut next = 0;
        for state in seen {
            new_id.push(next);
            if *state != Seen::Skipped {
                next += 1;
            }
        }
        let mut index = 0;
        self.files.retain(|_| {
            let keep = seen[index] != Seen::Skipped;
            index += 1;
            keep
        });
        for finding in findings {
            if let Location::File { file, .. } = &mut finding.location {
                *file = new_id[*file];
            }
        }
        for worker in &mut self.workers {
            worker.config_file = new_id[worker.config_file];
        }
        self.pending.retain(|(id, _)| seen[*id] != Seen::Skipped);
        for (id, _) in &mut self.pending {
            *id = new_id[*id];
        }
        self.source_index = super::source_index::SourceIndex::new(
            &self.files,
            self.pending.iter().map(|(id, _)| *id),
        );
        self.scope.retain(|id| seen[*id] != Seen::Skipped);
        for id in &mut self.scope {
            *id = new_id[*id];
        }
    }
}

/// One source file read: its facts and its text, or why it was skipped.
type ReadResult = Result<(SourceFile, Option<String>), Skipped>;

/// What reading one source file needs, owned, so that a prefetch can read
/// on its own thread while the batch before it still uses the project.
struct ReadJob {
    id: FileId,
    path: String,
    abs: PathBuf,
    kind: FileKind,
}

/// Reads and parses `jobs` in parallel, on the parse threads.
fn read_sources(
    jobs: &[ReadJob],
    config: &Config,
    kept_callees: &KeptCallees,
) -> Vec<(FileId, ReadResult)> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let catalog = Catalog::builtin();
    in_parse_pool(|| {
        jobs.par_iter()
            .map_init(
                || CalleeVerdicts::new(config, kept_callees),
                |verdicts, job| {
                    let read =
                        analyze_keeping_text(&job.path, &job.abs, job.kind, catalog, verdicts);
                    (job.id, read)
                },
            )
            .collect()
    })
}

/// A prefetch's reads; a panic while reading goes on in the caller, as it
/// would have had the files been read there. A prefetch that never answered
/// leaves its files to be read by the batch itself.
fn join_read(
    prefetch: std::sync::mpsc::Receiver<std::thread::Result<Vec<(FileId, ReadResult)>>>,
) -> Vec<(FileId, ReadResult)> {
    match prefetch.recv() {
        Ok(Ok(read)) => read,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => Vec::new(),
    }
}

/// Removes findings reported twice (a shared file checked with each
/// Worker that imports it).
fn dedup(findings: &mut Vec<Finding>) {
    let key = |f: &Finding| {
        let (file, start, end, path) = match &f.location {
            Location::File { file, span } => (*file, span.start, span.end, ""),
            Location::Virtual { path } => (usize::MAX, 0, 0, path.as_str()),
        };
        (
            file,
            start,
            end,
            path.to_string(),
            f.meta.code,
            f.message.clone(),
        )
    };
    findings.sort_by_cached_key(key);
    findings.dedup_by(|a, b| {
        a.location == b.location
            && a.meta.code == b.meta.code
            && a.message == b.message
            && a.help == b.help
            && a.severity == b.severity
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::auth::admin_route_unprotected::AdminRouteUnprotected;
    use crate::rules::db::sql_injection::SqlInjection;
    use crate::rules::support::sources::{run_rule_on, temp_tree};

    const ADMIN_APP: &str = "import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/admin/users', (c) => c.text('all'))\nexport default app\n";
    const INJECTABLE: &str = "export const find = (db, id) => db.prepare(`SELECT * FROM t WHERE id = '${id}'`).first()\n";

    #[test]
    fn shared_files_are_loaded_with_each_worker_and_read_once() {
        let entry = "import { find } from '../../../packages/db/index'\nexport default { fetch: (r, env) => find(env.DB, r.url) }\n";
        let dir = temp_tree(&[
            (
                "apps/a/wrangler.toml",
                "name = \"a\"\nmain = \"src/index.ts\"\n",
            ),
            ("apps/a/src/index.ts", entry),
            (
                "apps/b/wrangler.toml",
                "name = \"b\"\nmain = \"src/index.ts\"\n",
            ),
            ("apps/b/src/index.ts", entry),
            ("packages/db/index.ts", INJECTABLE),
        ]);
        let mut project = crate::project::scan(
            dir.path(),
            Config::default(),
            crate::rules::kept_callees(crate::rules::all()),
        );
        let path = |p: &Project, id: FileId| p.files[id].path.clone();
        let mut batches = Vec::new();
        let shared = dir.path().join("packages/db/index.ts");
        project.check_sources_in_batches_of(1, |p| {
            let loaded: Vec<String> = p
                .js_files()
                .map(|(id, _, facts)| format!("{} {}", path(p, id), facts.sql_sinks.len()))
                .collect();
            batches.push((p.scope_workers.clone(), loaded));
            // Were the second batch to read the shared file again, it
            // would see no SQL in it.
            std::fs::write(&shared, "export const find = () => 1\n").unwrap();
            Vec::new()
        });
        let expected = |worker: usize, entry: &str| {
            (
                vec![worker],
                vec![entry.to_string(), "packages/db/index.ts 1".to_string()],
            )
        };
        assert_eq!(
            batches,
            vec![
                expected(0, "apps/a/src/index.ts 0"),
                expected(1, "apps/b/src/index.ts 0")
            ]
        );
        // A Worker's facts go with its batch; the shared file's stay.
        let facts = |p: &str| {
            let file = project.files.iter().find(|f| f.path == p).unwrap();
            matches!(file.facts, Facts::Js(_))
        };
        assert!(!facts("apps/a/src/index.ts"));
        assert!(facts("packages/db/index.ts"));
    }

    #[test]
    fn a_main_outside_the_worker_directory_is_loaded_with_its_worker() {
        let found = run_rule_on(
            &AdminRouteUnprotected,
            &[
                (
                    "apps/edge/wrangler.toml",
                    "name = \"edge\"\nmain = \"../../packages/edge/index.ts\"\n",
                ),
                ("packages/edge/index.ts", ADMIN_APP),
            ],
            Config::default(),
        );
        let at: Vec<_> = found.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
        assert_eq!(at, vec![("packages/edge/index.ts", 3)]);
    }

    #[test]
    fn a_module_imported_by_a_nested_worker_is_reported_once() {
        let nested_entry = "import { Hono } from 'hono'\nimport { find } from '../../../src/db'\nconst app = new Hono()\napp.get('/x/:id', (c) => find(c.env.DB, c.req.param('id')))\nexport default app\n";
        let root_entry = "import { Hono } from 'hono'\nimport { find } from './db'\nconst app = new Hono()\napp.get('/:id', (c) => find(c.env.DB, c.req.param('id')))\nexport default app\n";
        let found = run_rule_on(
            &SqlInjection,
            &[
                (
                    "wrangler.toml",
                    "name = \"root\"\nmain = \"src/index.ts\"\n",
                ),
                ("src/index.ts", root_entry),
                ("src/db.ts", INJECTABLE),
                (
                    "examples/demo/wrangler.toml",
                    "name = \"demo\"\nmain = \"src/index.ts\"\n",
                ),
                ("examples/demo/src/index.ts", nested_entry),
            ],
            Config::default(),
        );
        let at: Vec<_> = found.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
        assert_eq!(at, vec![("src/db.ts", 1)]);
    }
}
