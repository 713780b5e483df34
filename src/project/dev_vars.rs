//! Whether the repository's ignore rules cover a Worker's `.dev.vars`
//! (SEC004's warning for projects that would commit it on first use).

use std::path::Path;

use ignore::Match;
use ignore::gitignore::GitignoreBuilder;

/// True when `<worker_dir>/.dev.vars` would be ignored by the `.gitignore`
/// files between the root and the Worker's directory (the deepest decides,
/// as in git).
pub fn is_ignored(root: &Path, worker_dir: &str) -> bool {
    let mut dirs = vec![root.to_path_buf()];
    let mut current = root.to_path_buf();
    for segment in worker_dir.split('/').filter(|s| !s.is_empty()) {
        current = current.join(segment);
        dirs.push(current.clone());
    }
    let target = current.join(".dev.vars");
    for dir in dirs.iter().rev() {
        let gitignore = dir.join(".gitignore");
        if !gitignore.is_file() {
            continue;
        }
        let mut builder = GitignoreBuilder::new(dir);
        builder.add(&gitignore);
        let Ok(matcher) = builder.build() else {
            continue;
        };
        match matcher.matched_path_or_any_parents(&target, false) {
            Match::Ignore(_) => return true,
            Match::Whitelist(_) => return false,
            Match::None => {}
        }
    }
    // The repository's own exclude file counts as an ignore rule too.
    exclude_file_covers(root, &target)
}

fn exclude_file_covers(root: &Path, target: &Path) -> bool {
    let mut dir = Some(root);
    while let Some(d) = dir {
        let exclude = d.join(".git/info/exclude");
        if exclude.is_file() {
            let mut builder = GitignoreBuilder::new(d);
            builder.add(&exclude);
            return builder
                .build()
                .is_ok_and(|m| m.matched_path_or_any_parents(target, false).is_ignore());
        }
        if d.join(".git").exists() {
            return false;
        }
        dir = d.parent();
    }
    false
}
