//! Source files by path, for resolving imports: every batch resolves each
//! import more than once, trying up to twenty names for it. A binary search
//! over the path-sorted files compares a dozen paths, each behind its own
//! pointer, a cache miss apiece on a large tree; here a lookup is one hash
//! and one comparison.

use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

use rustc_hash::FxHashMap;

use super::SourceFile;
use crate::finding::FileId;

#[derive(Debug, Default)]
pub(crate) struct SourceIndex {
    /// Seeded at random, so the paths of a tree cannot be chosen to collide.
    hasher: foldhash::fast::RandomState,
    /// A path's hash to its file (the keys are seeded hashes already).
    by_hash: FxHashMap<u64, FileId>,
    /// Files whose hash another path took first; practically always empty.
    collided: Vec<FileId>,
}

impl SourceIndex {
    pub fn new(files: &[SourceFile], sources: impl Iterator<Item = FileId>) -> Self {
        let mut index = SourceIndex::default();
        for id in sources {
            let hash = index.hasher.hash_one(files[id].path.as_str());
            match index.by_hash.entry(hash) {
                Entry::Vacant(slot) => {
                    slot.insert(id);
                }
                // The first path keeps the slot; a later one is found by a scan.
                Entry::Occupied(_) => index.collided.push(id),
            }
        }
        index
    }

    /// The source file at `path`, among those indexed.
    pub fn get(&self, files: &[SourceFile], path: &str) -> Option<FileId> {
        let at = |id: FileId| files.get(id).is_some_and(|f| f.path == path);
        match self.by_hash.get(&self.hasher.hash_one(path)) {
            Some(&id) if at(id) => Some(id),
            _ => self.collided.iter().copied().find(|&id| at(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::FileKind;

    #[test]
    fn finds_indexed_paths_and_colliding_ones() {
        let files: Vec<SourceFile> = ["a/b.ts", "a/c.ts", "d.json"]
            .iter()
            .map(|p| SourceFile::new(p.to_string(), FileKind::Script))
            .collect();
        let mut index = SourceIndex::new(&files, [0, 1].into_iter());
        assert_eq!(index.get(&files, "a/b.ts"), Some(0));
        assert_eq!(index.get(&files, "a/c.ts"), Some(1));
        assert_eq!(index.get(&files, "d.json"), None);
        assert_eq!(index.get(&files, "a/b"), None);
        // A path whose hash slot another path holds is still found.
        let hash = index.hasher.hash_one("a/c.ts");
        index.by_hash.insert(hash, 0);
        index.collided.push(1);
        assert_eq!(index.get(&files, "a/c.ts"), Some(1));
    }
}
