//! Walks the tree (respecting .gitignore, never leaving the root), classifies
//! each file into a `FileKind`, and reads what git tracks.

mod classify;
mod git_index;
mod ignore_budget;
mod read;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

pub use classify::{FileKind, classify, is_local_env_file, is_minified_script, is_test_file};
pub use ignore_budget::{IgnoreRulesDropped, MAX_IGNORE_BYTES};
pub use read::{ReadOutcome, open_regular, read_text};

use crate::config::Config;

/// Directories never worth scanning, whatever .gitignore says.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".wrangler",
    "dist",
    "build",
    "target",
    ".git",
];

/// A file that was not scanned, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A file to scan.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Absolute (canonical when reached through a symlink) path to read.
    pub abs: PathBuf,
    /// Relative to the root, `/`-separated.
    pub rel: String,
    pub kind: FileKind,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
    /// Paths in the git index, relative to the root.
    pub tracked: HashSet<String>,
    pub in_git_repo: bool,
    /// Set when the tracked ignore files were too large to compile: the
    /// walk then applied no ignore rules (`ignore_budget.rs`).
    pub ignore_rules_dropped: Option<IgnoreRulesDropped>,
}

pub fn discover(root: &Path, config: &Config) -> Discovery {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let exclude = build_excludes(&config.exclude);
    let mut discovery = Discovery::default();

    match git_index::load(&canonical_root) {
        git_index::Index::NoRepository => {}
        git_index::Index::Tracked(tracked) => {
            discovery.in_git_repo = true;
            discovery.tracked = tracked;
        }
        // Still a repository: unignored env files are still reported.
        git_index::Index::Unreadable(reason) => {
            discovery.in_git_repo = true;
            discovery.skipped.push(Skipped {
                path: ".git/index".to_string(),
                reason: format!("git index cannot be read: {reason}"),
            });
        }
    }

    discovery.ignore_rules_dropped =
        ignore_budget::measure(&canonical_root, discovery.tracked.iter());
    let apply_ignore_rules = discovery.ignore_rules_dropped.is_none();
    let mut walker = WalkBuilder::new(root);
    walker
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(apply_ignore_rules)
        .git_exclude(apply_ignore_rules)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && entry.depth() > 0
                && SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()))
        });

    // The walk runs on several threads (directory reads dominate on large
    // trees); each thread keeps what it finds and hands it over once, when
    // the walk ends. It is sorted below, so the order is the same whatever
    // the threads did.
    let found = std::sync::Mutex::new(Vec::new());
    walker.build_parallel().run(|| {
        let mut mine = ThreadFinds {
            found: Vec::new(),
            shared: &found,
        };
        let exclude = exclude.as_ref();
        let canonical_root = canonical_root.as_path();
        Box::new(move |entry| {
            if let Some(outcome) = visit(entry, root, canonical_root, exclude) {
                mine.found.push(outcome);
            }
            ignore::WalkState::Continue
        })
    });
    // Only env files can be tracked but hidden (below): the walked ones
    // are all the set needs.
    let mut seen = HashSet::new();
    for outcome in found.into_inner().unwrap_or_default() {
        match outcome {
            Walked::File(candidate) => {
                if is_local_env_file(file_name(&candidate.rel)) {
                    seen.insert(candidate.rel.clone());
                }
                discovery.files.push(candidate);
            }
            Walked::Skipped(skipped) => discovery.skipped.push(skipped),
        }
    }

    // Env files that git tracks are checked even when .gitignore hides them
    // from the walk: being in the index is exactly what SEC004 reports.
    let mut tracked_hidden: Vec<&String> = discovery
        .tracked
        .iter()
        .filter(|p| !seen.contains(*p) && is_local_env_file(file_name(p)))
        .filter(|p| !p.split('/').any(|seg| SKIPPED_DIRS.contains(&seg)))
        .collect();
    tracked_hidden.sort();
    for rel in tracked_hidden {
        let path = root.join(rel);
        // The index names are confined (git_index.rs), but a directory on
        // the way may be a symlink leaving the root: never read through it.
        let inside = path
            .parent()
            .and_then(|dir| dir.canonicalize().ok())
            .is_some_and(|dir| dir.starts_with(&canonical_root));
        if !inside {
            if std::fs::symlink_metadata(&path).is_ok() {
                discovery.skipped.push(Skipped {
                    path: rel.clone(),
                    reason: "tracked env file behind a symlink that leaves the root".to_string(),
                });
            }
            continue;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => discovery.files.push(Candidate {
                abs: path,
                rel: rel.clone(),
                kind: classify(rel),
            }),
            Ok(_) => discovery.skipped.push(Skipped {
                path: rel.clone(),
                reason: "tracked env file is not a regular file".to_string(),
            }),
            // Tracked but deleted from the work tree: nothing to read.
            Err(_) => {}
        }
    }

    // Paths are unique: an unstable sort gives the one order.
    discovery.files.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    discovery.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    discovery
}

/// One walk thread's finds, added to the shared list when the thread's
/// visitor is dropped at the end of the walk.
struct ThreadFinds<'s> {
    found: Vec<Walked>,
    shared: &'s std::sync::Mutex<Vec<Walked>>,
}

impl Drop for ThreadFinds<'_> {
    fn drop(&mut self) {
        if let Ok(mut shared) = self.shared.lock() {
            shared.append(&mut self.found);
        }
    }
}

/// What the walk makes of one entry.
enum Walked {
    File(Candidate),
    Skipped(Skipped),
}

/// One walk entry: a candidate file, a skip with its reason, or nothing
/// (directories, excluded paths).
fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    canonical_root: &Path,
    exclude: Option<&globset::GlobSet>,
) -> Option<Walked> {
    let entry = match entry {
        Ok(e) => e,
        Err(err) => {
            return Some(Walked::Skipped(Skipped {
                path: error_path(&err, root),
                reason: format!("cannot be walked: {}", first_line(&err.to_string())),
            }));
        }
    };
    let file_type = entry.file_type()?;
    if file_type.is_dir() {
        return None;
    }
    let rel = relative(entry.path(), root);
    if exclude.is_some_and(|set| set.is_match(&rel)) {
        return None;
    }
    let abs = if file_type.is_symlink() {
        match resolve_symlink(entry.path(), canonical_root) {
            Ok(target) => target,
            Err(reason) => return Some(Walked::Skipped(Skipped { path: rel, reason })),
        }
    } else if file_type.is_file() {
        entry.path().to_path_buf()
    } else {
        return Some(Walked::Skipped(Skipped {
            path: rel,
            reason: "not a regular file".to_string(),
        }));
    };
    let kind = classify(&rel);
    Some(Walked::File(Candidate { abs, rel, kind }))
}

/// Follows a symlink only when it resolves to a regular file inside the
/// root; loops, dangling links and escapes are reasons to skip.
fn resolve_symlink(link: &Path, canonical_root: &Path) -> Result<PathBuf, String> {
    let target = link.canonicalize().map_err(|e| {
        format!(
            "symlink cannot be resolved ({})",
            first_line(&e.to_string())
        )
    })?;
    if !target.starts_with(canonical_root) {
        return Err("symlink points outside the scanned root".to_string());
    }
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => Ok(target),
        Ok(_) => Err("symlink does not point at a regular file".to_string()),
        Err(e) => Err(format!("symlink target unreadable ({e})")),
    }
}

fn build_excludes(globs: &[String]) -> Option<globset::GlobSet> {
    if globs.is_empty() {
        return None;
    }
    let mut builder = globset::GlobSetBuilder::new();
    for g in globs {
        // Validated when the config was loaded.
        if let Ok(glob) = globset::Glob::new(g) {
            builder.add(glob);
        }
    }
    builder.build().ok()
}

pub fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, comp) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&comp.as_os_str().to_string_lossy());
    }
    out
}

fn error_path(err: &ignore::Error, root: &Path) -> String {
    fn find(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    find(err).map_or_else(|| ".".to_string(), |p| relative(p, root))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

pub fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// The directory part of a relative path ("" at the root).
pub fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}
