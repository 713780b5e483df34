//! Whether the repository's ignore rules cover a Worker's local secret
//! files (SEC004's warning for projects that would commit one on first
//! use): `.dev.vars`, and the files its package scripts feed to
//! `wrangler secret bulk` (the deploy's secrets, kept beside the config).
//!
//! Limits: `.dev.vars.<env>` files (read by `wrangler dev --env <env>`)
//! are not asked about on their own: every Worker with environments would
//! get a warning for a file few projects create, and the fix for both is
//! the same `.dev.vars*` line. Only the `package.json` beside the wrangler config is read for
//! `secret bulk`, and only literal file names inside the Worker's
//! directory count; a `.gitignore` below the Worker's directory (beside a
//! file in a subdirectory) is not consulted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Facts, SourceFile, Worker};
use crate::formats::shell::Op;

/// A file a Worker keeps secrets in by design, relative to its directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSecretFile {
    pub name: String,
    pub why: LocalSecretWhy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalSecretWhy {
    /// `.dev.vars`, read by `wrangler dev`.
    DevVars,
    /// Fed to `wrangler secret bulk` by the package script `script`.
    BulkUpload { script: String },
}

/// The local secret files of `worker`: `.dev.vars` first, then the
/// `secret bulk` files, without repeats.
pub fn local_secret_files(files: &[SourceFile], worker: &Worker) -> Vec<LocalSecretFile> {
    let mut out = vec![LocalSecretFile {
        name: ".dev.vars".to_string(),
        why: LocalSecretWhy::DevVars,
    }];
    let mut add = |name: String, why: LocalSecretWhy| {
        if !out.iter().any(|f| f.name == name) {
            out.push(LocalSecretFile { name, why });
        }
    };
    let package = if worker.dir.is_empty() {
        "package.json".to_string()
    } else {
        format!("{}/package.json", worker.dir)
    };
    let scripts = files
        .iter()
        .find(|f| f.path == package)
        .and_then(|f| match &f.facts {
            Facts::PackageJson(p) => Some(&p.scripts),
            _ => None,
        });
    for script in scripts.into_iter().flatten() {
        for command in &script.script.commands {
            let Some(Op::SecretBulk {
                file: Some(file), ..
            }) = command.op(&[])
            else {
                continue;
            };
            if let Some(name) = inside_worker_dir(file) {
                add(
                    name,
                    LocalSecretWhy::BulkUpload {
                        script: script.name.value.clone(),
                    },
                );
            }
        }
    }
    out
}

/// A literal relative path that stays inside the Worker's directory
/// (`./.dev.vars.production` -> `.dev.vars.production`).
fn inside_worker_dir(word: &crate::formats::shell::Word) -> Option<String> {
    if !word.is_literal() || word.text.starts_with('/') {
        return None;
    }
    let name = word.text.strip_prefix("./").unwrap_or(&word.text);
    let parts: Vec<&str> = name.split('/').collect();
    if name.is_empty()
        || parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return None;
    }
    Some(name.to_string())
}

/// Answers [`DevVarsIgnore::is_ignored`] for every Worker of a tree. The
/// Workers of a monorepo share their ancestors: each directory's
/// `.gitignore` is looked for and read once, and the repository's exclude
/// file once, rather than for every Worker.
pub struct DevVarsIgnore<'r> {
    root: &'r Path,
    /// Each directory's `.gitignore`, when it has one that reads.
    gitignores: HashMap<PathBuf, Option<Gitignore>>,
    /// The repository's `.git/info/exclude`, found on first use.
    exclude: Option<Option<Gitignore>>,
}

impl<'r> DevVarsIgnore<'r> {
    pub fn new(root: &'r Path) -> Self {
        DevVarsIgnore {
            root,
            gitignores: HashMap::new(),
            exclude: None,
        }
    }

    /// True when `<worker_dir>/<name>` would be ignored by the `.gitignore`
    /// files between the root and the Worker's directory (the deepest
    /// decides, as in git), or by the repository's exclude file.
    pub fn is_ignored(&mut self, worker_dir: &str, name: &str) -> bool {
        let mut dirs = vec![self.root.to_path_buf()];
        let mut current = self.root.to_path_buf();
        for segment in worker_dir.split('/').filter(|s| !s.is_empty()) {
            current = current.join(segment);
            dirs.push(current.clone());
        }
        let target = current.join(name);
        for dir in dirs.into_iter().rev() {
            let matcher = self
                .gitignores
                .entry(dir)
                .or_insert_with_key(|dir| read_matcher(dir, &dir.join(".gitignore")));
            match matcher
                .as_ref()
                .map(|m| m.matched_path_or_any_parents(&target, false))
            {
                Some(Match::Ignore(_)) => return true,
                Some(Match::Whitelist(_)) => return false,
                Some(Match::None) | None => {}
            }
        }
        let root = self.root;
        self.exclude
            .get_or_insert_with(|| exclude_file(root))
            .as_ref()
            .is_some_and(|m| m.matched_path_or_any_parents(&target, false).is_ignore())
    }
}

/// The rules of the ignore file `file`, rooted at `dir`; `None` when there
/// is no such file or it does not read.
fn read_matcher(dir: &Path, file: &Path) -> Option<Gitignore> {
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    builder.add(file);
    builder.build().ok()
}

/// The exclude file of the repository holding `root`: the nearest
/// `.git/info/exclude` at or above it, stopping at the first `.git`.
fn exclude_file(root: &Path) -> Option<Gitignore> {
    let mut dir = Some(root);
    while let Some(d) = dir {
        let exclude = d.join(".git/info/exclude");
        if exclude.is_file() {
            return read_matcher(d, &exclude);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    impl DevVarsIgnore<'_> {
        fn is_ignored_dev_vars(&mut self, worker_dir: &str) -> bool {
            self.is_ignored(worker_dir, ".dev.vars")
        }
    }

    #[test]
    fn the_deepest_gitignore_decides_then_the_exclude_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".gitignore", ".dev.vars\n");
        write("apps/open/.gitignore", "!.dev.vars\n");
        write(".git/info/exclude", "excluded/.dev.vars\n");
        std::fs::create_dir_all(root.join("apps/api")).unwrap();
        std::fs::create_dir_all(root.join("excluded")).unwrap();
        let mut ignore = DevVarsIgnore::new(root);
        assert!(ignore.is_ignored_dev_vars(""));
        assert!(ignore.is_ignored_dev_vars("apps/api"));
        assert!(!ignore.is_ignored_dev_vars("apps/open"));
        // Asked again, from the cache.
        assert!(ignore.is_ignored_dev_vars("apps/api"));

        write(".gitignore", "node_modules\n");
        let mut ignore = DevVarsIgnore::new(root);
        assert!(ignore.is_ignored_dev_vars("excluded"));
        assert!(!ignore.is_ignored_dev_vars("apps/api"));
    }
}
