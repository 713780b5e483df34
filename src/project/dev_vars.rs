//! Whether the repository's ignore rules cover a Worker's `.dev.vars`
//! (SEC004's warning for projects that would commit it on first use).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

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

    /// True when `<worker_dir>/.dev.vars` would be ignored by the
    /// `.gitignore` files between the root and the Worker's directory (the
    /// deepest decides, as in git), or by the repository's exclude file.
    pub fn is_ignored(&mut self, worker_dir: &str) -> bool {
        let mut dirs = vec![self.root.to_path_buf()];
        let mut current = self.root.to_path_buf();
        for segment in worker_dir.split('/').filter(|s| !s.is_empty()) {
            current = current.join(segment);
            dirs.push(current.clone());
        }
        let target = current.join(".dev.vars");
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
        assert!(ignore.is_ignored(""));
        assert!(ignore.is_ignored("apps/api"));
        assert!(!ignore.is_ignored("apps/open"));
        // Asked again, from the cache.
        assert!(ignore.is_ignored("apps/api"));

        write(".gitignore", "node_modules\n");
        let mut ignore = DevVarsIgnore::new(root);
        assert!(ignore.is_ignored("excluded"));
        assert!(!ignore.is_ignored("apps/api"));
    }
}
