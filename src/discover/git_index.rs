//! Reads the paths in the git index (`.git/index`, versions 2-4, split
//! indexes with their `sharedindex.*`) without shelling out, so SEC004
//! knows which env files are committed even when .gitignore hides them from
//! the walk.
//!
//! The reader is bounded and confined: entry names are capped at
//! [`MAX_NAME`] bytes and all names together at [`name_budget`] of the file's
//! size (version 4 prefix compression could otherwise expand a small index
//! quadratically), and names that could leave the work tree (`..`, absolute,
//! a `.git` component, empty components) are dropped, never read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// An index larger than this is not read (a huge monorepo index is ~100 MB).
const MAX_INDEX_SIZE: u64 = 512 * 1024 * 1024;

/// Git's own limit on a path is the platform's PATH_MAX (4096 on Linux).
const MAX_NAME: usize = 4096;

/// The decoded names of an index may take at most this many bytes: a real
/// index spends 62+ bytes of metadata per entry, so its names (even
/// prefix-compressed in version 4) are rarely larger than the file; twice
/// its size plus 1 MiB leaves room without letting a crafted index blow up.
fn name_budget(index_len: usize) -> usize {
    index_len.saturating_mul(2).saturating_add(1 << 20)
}

/// What reading the index gave.
#[derive(Debug)]
pub enum Index {
    /// Not inside a git work tree.
    NoRepository,
    /// The tracked paths, relative to the root (none before the first
    /// `git add`, when there is no index file yet).
    Tracked(HashSet<String>),
    /// Inside a work tree, but the index cannot be read (the reason).
    Unreadable(String),
}

/// The tracked paths, relative to `root`.
pub fn load(root: &Path) -> Index {
    let Some((work_tree, git_dir)) = find_git_dir(root) else {
        return Index::NoRepository;
    };
    let index = git_dir.join("index");
    let paths = match read_index(&index) {
        Ok(Some(paths)) => paths,
        // A fresh repository before the first `git add`: nothing tracked.
        Ok(None) => return Index::Tracked(HashSet::new()),
        Err(reason) => return Index::Unreadable(reason),
    };
    let prefix = super::relative(root, &work_tree);
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Index::Tracked(
        paths
            .into_iter()
            .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_string))
            .collect(),
    )
}

/// Reads one index file and, for a split index, its shared index; `None`
/// when there is no index file.
fn read_index(index: &Path) -> Result<Option<Vec<String>>, String> {
    let Some(bytes) = read_bounded(index)? else {
        return Ok(None);
    };
    let parsed = parse_index(&bytes)?;
    let Some(link) = parsed.link else {
        return Ok(Some(parsed.paths));
    };
    // A split index: its entries are the changes to the shared index.
    let shared_path = index.with_file_name(format!("sharedindex.{}", hex(&link.shared)));
    let shared_bytes = read_bounded(&shared_path)?
        .ok_or_else(|| format!("split index: {} is missing", shared_path.display()))?;
    let shared = parse_index(&shared_bytes)?;
    if shared.link.is_some() {
        return Err("split index: the shared index is itself split".to_string());
    }
    let mut paths: Vec<String> = shared
        .paths
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !link.deleted.contains(i))
        .map(|(_, p)| p)
        .collect();
    // Replacing entries have empty names (they keep the shared entry's).
    paths.extend(parsed.paths.into_iter().filter(|p| !p.is_empty()));
    Ok(Some(paths))
}

fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.len() > MAX_INDEX_SIZE {
        return Err(format!(
            "{} is larger than {MAX_INDEX_SIZE} bytes",
            path.display()
        ));
    }
    std::fs::read(path)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
#[cfg(test)]
fn parse(bytes: &[u8]) -> Option<Vec<String>> {
    parse_index(bytes).ok().map(|p| p.paths)
}

/// An index's entries (names that could leave the work tree dropped; empty
/// names kept for split indexes) and its `link` extension, if any.
struct Parsed {
    paths: Vec<String>,
    link: Option<Link>,
}

/// The `link` extension of a split index.
struct Link {
    shared: Vec<u8>,
    /// Positions in the shared index of the entries this index deletes.
    deleted: HashSet<usize>,
}

fn parse_index(bytes: &[u8]) -> Result<Parsed, String> {
    let bad = |what: &str| format!("not a valid git index ({what})");
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4) != Some(b"DIRC") {
        return Err(bad("no DIRC signature"));
    }
    let version = r.u32().ok_or_else(|| bad("truncated header"))?;
    if !(2..=4).contains(&version) {
        return Err(bad(&format!("version {version}")));
    }
    let count = r.u32().ok_or_else(|| bad("truncated header"))? as usize;
    let mut budget = name_budget(bytes.len());
    let mut paths = Vec::with_capacity(count.min(bytes.len() / 62));
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let entry = || bad("truncated entry");
        let entry_start = r.pos;
        // ctime, mtime, dev, ino, mode, uid, gid, size: 10 u32s, then the
        // 20-byte object id.
        r.take(40 + 20).ok_or_else(entry)?;
        let flags = r.u16().ok_or_else(entry)?;
        let extended = version >= 3 && flags & 0x4000 != 0;
        if extended {
            r.u16().ok_or_else(entry)?;
        }
        if version == 4 {
            // The previous name, cut and extended in place: linear in the
            // bytes of the names, never a copy of the prefix per entry.
            let strip = r.varint().ok_or_else(entry)?;
            let keep = previous.len().checked_sub(strip).ok_or_else(entry)?;
            let suffix = r.until_nul().ok_or_else(entry)?;
            previous.truncate(keep);
            previous.extend_from_slice(suffix);
        } else {
            let name = r.until_nul().ok_or_else(entry)?;
            previous.clear();
            previous.extend_from_slice(name);
            // Entries are padded with NULs to a multiple of 8 bytes.
            let len = r.pos - entry_start;
            let padded = len.div_ceil(8) * 8;
            r.take(padded - len).ok_or_else(entry)?;
        }
        if previous.len() > MAX_NAME {
            return Err(bad(&format!("an entry name over {MAX_NAME} bytes")));
        }
        budget = budget
            .checked_sub(previous.len())
            .ok_or_else(|| bad("entry names larger than the index allows"))?;
        let name = String::from_utf8_lossy(&previous);
        if name.is_empty() || is_confined(&name) {
            paths.push(name.into_owned());
        }
    }
    Ok(Parsed {
        paths,
        link: parse_link(&mut r),
    })
}

/// Whether an entry name stays inside the work tree: relative, no `..`,
/// `.` or empty component, no `.git` component (git refuses all of these
/// itself; a crafted index may not).
fn is_confined(name: &str) -> bool {
    !name.starts_with('/')
        && !name.contains('\\')
        && name.split('/').all(|part| {
            !(part.is_empty() || part == "." || part == ".." || part.eq_ignore_ascii_case(".git"))
        })
}

/// Finds the `link` extension among the extensions after the entries.
fn parse_link(r: &mut Reader) -> Option<Link> {
    // Each extension: a 4-byte signature and a 32-bit size; the index ends
    // with a 20-byte checksum.
    while r.bytes.len().saturating_sub(r.pos) > 20 {
        let signature = r.take(4)?;
        let size = r.u32()? as usize;
        let body = r.take(size)?;
        if signature == b"link" {
            let mut b = Reader {
                bytes: body,
                pos: 0,
            };
            let shared = b.take(20)?.to_vec();
            let deleted = if b.pos < body.len() {
                ewah_positions(&mut b)?
            } else {
                HashSet::new()
            };
            return Some(Link { shared, deleted });
        }
    }
    None
}

/// The set bits of an EWAH-compressed bitmap (git's `ewah/` format: bit
/// count, word count, words of run-length markers and literals, and the
/// position of the last marker). Runs of ones are bounded by the bit count.
fn ewah_positions(r: &mut Reader) -> Option<HashSet<usize>> {
    let bits = r.u32()? as usize;
    let words = r.u32()? as usize;
    let mut out = HashSet::new();
    let mut position = 0usize;
    let mut i = 0;
    while i < words {
        let marker = r.u64()?;
        i += 1;
        let run = ((marker >> 1) & 0xffff_ffff) as usize;
        let literals = (marker >> 33) as usize;
        let run_bits = run.checked_mul(64)?;
        if marker & 1 == 1 {
            for p in position..position.checked_add(run_bits)?.min(bits) {
                out.insert(p);
            }
        }
        position = position.checked_add(run_bits)?;
        for _ in 0..literals {
            if i >= words {
                return None;
            }
            let word = r.u64()?;
            i += 1;
            for bit in 0..64 {
                if word & (1 << bit) != 0 && position + bit < bits {
                    out.insert(position + bit);
                }
            }
            position = position.checked_add(64)?;
        }
    }
    r.u32()?;
    Some(out)
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

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
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

    fn header(version: u32, count: u32) -> Vec<u8> {
        let mut bytes = b"DIRC".to_vec();
        bytes.extend_from_slice(&version.to_be_bytes());
        bytes.extend_from_slice(&count.to_be_bytes());
        bytes
    }

    /// A version 4 entry: strip `strip` bytes of the previous name, then
    /// append `suffix`.
    fn entry_v4(strip: u8, suffix: &[u8]) -> Vec<u8> {
        let mut e = vec![0u8; 60];
        e.extend_from_slice(&0u16.to_be_bytes());
        e.push(strip);
        e.extend_from_slice(suffix);
        e.push(0);
        e
    }

    #[test]
    fn names_leaving_the_work_tree_are_dropped() {
        let names = [
            "../outside.env",
            "/etc/passwd",
            "a/../../b/.env",
            ".git/config",
            "sub/.GIT/hooks/x",
            "a//b",
            "./.env",
            "ok/.env",
        ];
        let mut bytes = header(2, names.len() as u32);
        for name in names {
            bytes.extend(entry_v2(name));
        }
        assert_eq!(parse(&bytes).unwrap(), vec!["ok/.env"]);
    }

    #[test]
    fn v4_prefix_compression_decodes_and_stays_bounded() {
        let mut bytes = header(4, 3);
        bytes.extend(entry_v4(0, b"src/a.ts"));
        bytes.extend(entry_v4(4, b"b.ts"));
        bytes.extend(entry_v4(8, b".env"));
        assert_eq!(parse(&bytes).unwrap(), vec!["src/a.ts", "src/b.ts", ".env"]);

        // Each entry keeps the whole previous name and adds a byte: 66
        // bytes of index per entry would decode to names of growing length
        // (quadratic). The budget stops it, whatever the entry count.
        let count = 20_000u32;
        let mut bytes = header(4, count);
        bytes.extend(entry_v4(0, &[b'a'; 100]));
        for _ in 1..count {
            bytes.extend(entry_v4(0, b"a"));
        }
        let err = parse_index(&bytes).err().unwrap();
        assert!(
            err.contains("over 4096") || err.contains("larger than"),
            "{err}"
        );
    }

    #[test]
    fn ewah_bitmaps_decode_runs_and_literals() {
        // 130 bits: a marker with a run of one word of ones and one literal
        // word, whose bits 0 and 1 are set.
        let mut body = Vec::new();
        body.extend_from_slice(&130u32.to_be_bytes());
        body.extend_from_slice(&2u32.to_be_bytes());
        let marker: u64 = 1 | (1 << 1) | (1 << 33);
        body.extend_from_slice(&marker.to_be_bytes());
        body.extend_from_slice(&0b11u64.to_be_bytes());
        body.extend_from_slice(&0u32.to_be_bytes());
        let mut r = Reader {
            bytes: &body,
            pos: 0,
        };
        let set = ewah_positions(&mut r).unwrap();
        let mut set: Vec<usize> = set.into_iter().collect();
        set.sort();
        let mut want: Vec<usize> = (0..64).collect();
        want.extend([64, 65]);
        assert_eq!(set, want);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(256))]

        /// Any v2-v4 index body: never a panic, never a name that leaves
        /// the work tree, and the decoded names within the budget.
        #[test]
        fn any_index_is_parsed_safely(
            version in 2u32..=4,
            count in 0u32..64,
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
        ) {
            let mut bytes = header(version, count);
            bytes.extend(body);
            if let Ok(parsed) = parse_index(&bytes) {
                let total: usize = parsed.paths.iter().map(String::len).sum();
                proptest::prop_assert!(total <= name_budget(bytes.len()));
                for p in &parsed.paths {
                    proptest::prop_assert!(p.is_empty() || is_confined(p), "{p:?}");
                }
            }
        }
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
        if let Index::Tracked(paths) = load(root) {
            assert!(paths.contains("Cargo.toml"));
        }
    }
}
