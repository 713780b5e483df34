//! Reads the paths in the git index (`.git/index`, versions 2-4) without
//! shelling out, so SEC004 knows which env files are committed even when
//! .gitignore hides them from the walk.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// An index larger than this is not read (a huge monorepo index is ~100 MB).
const MAX_INDEX_SIZE: u64 = 512 * 1024 * 1024;

/// The tracked paths, relative to `root`; `None` when `root` is not inside a
/// git work tree or the index cannot be read.
pub fn load(root: &Path) -> Option<HashSet<String>> {
    let (work_tree, git_dir) = find_git_dir(root)?;
    let index = git_dir.join("index");
    let meta = std::fs::metadata(&index).ok()?;
    if !meta.is_file() || meta.len() > MAX_INDEX_SIZE {
        return None;
    }
    let bytes = std::fs::read(&index).ok()?;
    let paths = parse(&bytes)?;
    let prefix = super::relative(root, &work_tree);
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Some(
        paths
            .into_iter()
            .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_string))
            .collect(),
    )
}

/// Walks up from `root` to the first directory with a `.git` directory (or a
/// `.git` file naming the git dir, as worktrees and submodules use).
fn find_git_dir(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut dir = Some(root);
    while let Some(d) = dir {
        let dot_git = d.join(".git");
        if let Ok(meta) = std::fs::symlink_metadata(&dot_git) {
            if meta.is_dir() {
                return Some((d.to_path_buf(), dot_git));
            }
            if meta.is_file() {
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
                let git_dir = d.join(target);
                return Some((d.to_path_buf(), git_dir));
            }
        }
        dir = d.parent();
    }
    None
}

/// Parses the entries of an index file. Returns `None` for anything that is
/// not a well-formed index, never panics.
pub fn parse(bytes: &[u8]) -> Option<Vec<String>> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4)? != b"DIRC" {
        return None;
    }
    let version = r.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = r.u32()? as usize;
    let mut paths = Vec::with_capacity(count.min(1 << 20));
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let entry_start = r.pos;
        // ctime, mtime, dev, ino, mode, uid, gid, size: 10 u32s, then the
        // 20-byte object id.
        r.take(40 + 20)?;
        let flags = r.u16()?;
        let extended = version >= 3 && flags & 0x4000 != 0;
        if extended {
            r.u16()?;
        }
        let name = if version == 4 {
            let strip = r.varint()?;
            let keep = previous.len().checked_sub(strip)?;
            let suffix = r.until_nul()?;
            let mut name = previous[..keep].to_vec();
            name.extend_from_slice(suffix);
            name
        } else {
            let name = r.until_nul()?.to_vec();
            // Entries are padded with NULs to a multiple of 8 bytes.
            let len = r.pos - entry_start;
            let padded = len.div_ceil(8) * 8;
            r.take(padded - len)?;
            name
        };
        paths.push(String::from_utf8_lossy(&name).into_owned());
        previous = name;
    }
    Some(paths)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    /// A NUL-terminated string; the terminator is consumed.
    fn until_nul(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.pos..)?;
        let len = rest.iter().position(|&b| b == 0)?;
        self.pos += len + 1;
        Some(&rest[..len])
    }

    /// Git's offset varint (index v4 path prefix compression).
    fn varint(&mut self) -> Option<usize> {
        let mut byte = *self.take(1)?.first()?;
        let mut value = (byte & 0x7f) as usize;
        while byte & 0x80 != 0 {
            byte = *self.take(1)?.first()?;
            value = value.checked_add(1)?.checked_shl(7)? | (byte & 0x7f) as usize;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_v2(name: &str) -> Vec<u8> {
        let mut e = vec![0u8; 60];
        e.extend_from_slice(&(name.len() as u16).to_be_bytes());
        e.extend_from_slice(name.as_bytes());
        e.push(0);
        while !e.len().is_multiple_of(8) {
            e.push(0);
        }
        e
    }

    #[test]
    fn parses_a_v2_index() {
        let mut bytes = b"DIRC".to_vec();
        bytes.extend_from_slice(&2u32.to_be_bytes());
        bytes.extend_from_slice(&2u32.to_be_bytes());
        bytes.extend(entry_v2(".dev.vars"));
        bytes.extend(entry_v2("src/index.ts"));
        assert_eq!(parse(&bytes).unwrap(), vec![".dev.vars", "src/index.ts"]);
    }

    #[test]
    fn rejects_truncated_and_garbage() {
        assert!(parse(b"DIRC\0\0\0\x02\0\0\0\x05").is_none());
        assert!(parse(b"garbage").is_none());
        assert!(parse(&[]).is_none());
    }

    #[test]
    fn reads_this_repository_index_when_present() {
        // The real index of the repository the tests run in (when any).
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        if let Some(paths) = load(root) {
            assert!(paths.contains("Cargo.toml"));
        }
    }
}
