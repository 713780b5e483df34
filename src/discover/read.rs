//! Reading one file safely: bounded size, binary detection, UTF-8 check.

use std::io::Read;
use std::path::Path;

pub enum ReadOutcome {
    Text(String),
    /// Not valid UTF-8: the byte offset of the first bad sequence, and the
    /// bytes (for the raw credential scan).
    InvalidUtf8 {
        offset: usize,
        bytes: Vec<u8>,
    },
    /// A NUL byte near the start: the bytes, for the raw credential scan.
    Binary(Vec<u8>),
    /// Over the size cap (the reason says by how much): not read, so that
    /// the raw credential scan can stream it with bounded memory.
    TooLarge(String),
    /// Not read at all (unreadable, not a regular file).
    Skip(String),
}

/// How much of the start of a file is looked at for NUL bytes.
const BINARY_SNIFF: usize = 8192;

pub fn read_text(path: &Path, max_size: u64) -> ReadOutcome {
    let file = match open_no_follow(path) {
        Ok(f) => f,
        Err(e) => return ReadOutcome::Skip(format!("cannot be read ({e})")),
    };
    let expected = match file.metadata() {
        Ok(meta) if !meta.is_file() => return ReadOutcome::Skip("not a regular file".to_string()),
        Ok(meta) if meta.len() > max_size => {
            return ReadOutcome::TooLarge(format!(
                "larger than the size cap ({} > {} bytes)",
                meta.len(),
                max_size
            ));
        }
        Err(e) => return ReadOutcome::Skip(format!("cannot be read ({e})")),
        Ok(meta) => meta.len(),
    };
    // Sized from the stat (plus one byte to see the end of file without
    // growing); `take` below still bounds what is read.
    let mut bytes = Vec::with_capacity(expected.min(max_size) as usize + 1);
    // The file may grow between stat and read: never read past the cap.
    if let Err(e) = file.take(max_size + 1).read_to_end(&mut bytes) {
        return ReadOutcome::Skip(format!("cannot be read ({e})"));
    }
    if bytes.len() as u64 > max_size {
        return ReadOutcome::TooLarge(format!("larger than the size cap ({max_size} bytes)"));
    }
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return ReadOutcome::Binary(bytes);
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // Keep offsets stable: blank the BOM out rather than removing it.
                text.replace_range(..3, "   ");
            }
            ReadOutcome::Text(text)
        }
        Err(e) => ReadOutcome::InvalidUtf8 {
            offset: e.utf8_error().valid_up_to(),
            bytes: e.into_bytes(),
        },
    }
}

/// Opens a regular file for streaming (without following a symlink or
/// blocking on a FIFO); anything else is an error.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let file = open_no_follow(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NOFOLLOW: a file swapped for a symlink after the walk is not
    // followed; O_NONBLOCK: a FIFO cannot block the open.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const FLAGS: i32 = 0o400000 | 0o4000;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const FLAGS: i32 = 0x0100 | 0x0004;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(FLAGS)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}
