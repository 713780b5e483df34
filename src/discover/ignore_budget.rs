//! A bound on the ignore rules the walk compiles (issue 15).
//!
//! The `ignore` crate turns every `.gitignore` line into a compiled glob:
//! about 400 bytes of memory and tens of microseconds per byte of pattern
//! text, so a pull request that commits a multi-megabyte `.gitignore` could
//! make a scan take a gigabyte and a minute. Real ignore files are a few
//! kilobytes. Before the walk, the ignore files git tracks are measured;
//! when together they exceed [`MAX_IGNORE_BYTES`], no ignore rules are
//! applied at all (the crate cannot drop one file's rules), so every file
//! they would hide is scanned: the analysis widens, nothing is hidden, and
//! PF002 says why.
//!
//! Limits: only tracked ignore files (and `.git/info/exclude`) are
//! measured. Untracked ones come from the machine running the scan, not
//! from a pull request, and measuring them would need a second walk.

use std::path::Path;

/// The most ignore-file text (bytes, all tracked `.gitignore` files and the
/// repository's exclude file together) the walk compiles: about 400 MB of
/// matchers at worst, and 300 times the largest ignore file of the
/// real-world review set.
pub const MAX_IGNORE_BYTES: u64 = 1024 * 1024;

/// Ignore rules that were not applied, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreRulesDropped {
    /// The largest ignore file, relative to the root: where PF002 points.
    pub largest: String,
    /// Bytes of all the measured ignore files together.
    pub total_bytes: u64,
    /// How many ignore files were measured.
    pub files: usize,
}

/// Measures the tracked ignore files under `root`; `Some` when they are
/// over [`MAX_IGNORE_BYTES`] together and must not be compiled.
pub fn measure<'p>(
    root: &Path,
    tracked: impl Iterator<Item = &'p String>,
) -> Option<IgnoreRulesDropped> {
    let mut sizes: Vec<(u64, String)> = tracked
        .filter(|rel| super::file_name(rel) == ".gitignore")
        .filter_map(|rel| Some((regular_file_size(&root.join(rel))?, rel.clone())))
        .collect();
    if let Some(size) = regular_file_size(&root.join(".git/info/exclude")) {
        sizes.push((size, ".git/info/exclude".to_string()));
    }
    let total_bytes = sizes.iter().map(|(size, _)| size).sum::<u64>();
    if total_bytes <= MAX_IGNORE_BYTES {
        return None;
    }
    // The largest, and the first path among equals, so the place is stable.
    let (_, largest) = sizes
        .iter()
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))?;
    Some(IgnoreRulesDropped {
        largest: largest.clone(),
        total_bytes,
        files: sizes.len(),
    })
}

/// The size of a regular file, not following a symlink (a link is not an
/// ignore file git reads).
fn regular_file_size(path: &Path) -> Option<u64> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    meta.is_file().then_some(meta.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_files_over_the_budget_together_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join(".gitignore"), "node_modules\n").unwrap();
        let half = vec![b'x'; (MAX_IGNORE_BYTES / 2) as usize];
        std::fs::write(root.join("a/.gitignore"), &half).unwrap();
        let tracked: Vec<String> = vec![".gitignore".into(), "a/.gitignore".into()];
        assert_eq!(measure(root, tracked.iter()), None);

        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("b/.gitignore"), &half).unwrap();
        // Untracked: not measured.
        assert_eq!(measure(root, tracked.iter()), None);
        let tracked: Vec<String> = vec![
            ".gitignore".into(),
            "a/.gitignore".into(),
            "b/.gitignore".into(),
        ];
        assert_eq!(
            measure(root, tracked.iter()),
            Some(IgnoreRulesDropped {
                largest: "a/.gitignore".to_string(),
                total_bytes: MAX_IGNORE_BYTES + 13,
                files: 3,
            })
        );
    }
}
