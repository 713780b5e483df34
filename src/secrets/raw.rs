//! The credential catalog over the raw bytes of a file that cannot be
//! analysed (over the size cap, binary, not UTF-8): padding a file past the
//! cap or planting one NUL byte must not hide a committed key.
//!
//! The bytes are streamed in windows of [`WINDOW`] bytes with [`CONTEXT`]
//! bytes of overlap on each side, so memory stays bounded whatever the
//! file's size; a match is kept by the window whose own part it starts in.
//! Bytes outside ASCII are read as spaces (every catalog format is ASCII),
//! which keeps byte offsets exact. Limits: a credential longer than
//! `CONTEXT` bytes that straddles two windows is cut; columns count bytes
//! that start a UTF-8 character, which is exact for valid UTF-8 only.

use std::io::Read;

use super::{Catalog, CredentialMatch};
use crate::span::{Place, Span};

/// New bytes scanned per step: large enough that the catalog's prefilter
/// runs at full speed, small enough to bound memory.
const WINDOW: usize = 1 << 20;
/// Bytes of overlap each side of a window: above the catalog's longest
/// credential (PEM keys, a few KB) and its 256-byte look-behind.
const CONTEXT: usize = 16 * 1024;

/// The credentials found, each with its place (the file's text is not kept,
/// so the report cannot resolve them later).
#[derive(Debug, Default)]
pub struct RawMatches {
    pub credentials: Vec<CredentialMatch>,
    pub places: Vec<Place>,
}

/// Scans everything `reader` yields.
pub fn scan(mut reader: impl Read, catalog: &Catalog) -> std::io::Result<RawMatches> {
    let mut out = RawMatches::default();
    let mut buf: Vec<u8> = Vec::with_capacity(WINDOW + 2 * CONTEXT);
    // File offset of `buf[0]`, and the line and column there.
    let mut base = 0usize;
    let mut at_base = Position { line: 1, column: 1 };
    // Where this window's own part starts in `buf`.
    let mut own_start = 0usize;
    loop {
        let eof = fill(&mut reader, &mut buf, WINDOW + 2 * CONTEXT)?;
        let own_end = if eof { buf.len() } else { buf.len() - CONTEXT };
        let text: String = buf
            .iter()
            .map(|&b| if b.is_ascii() { b as char } else { ' ' })
            .collect();
        for found in catalog.scan(&text) {
            let start = found.span.start as usize;
            if start < own_start || start >= own_end {
                continue;
            }
            let end = found.span.end as usize;
            let place = Place {
                start: at_base.advanced(&buf[..start]).pair(),
                end: at_base.advanced(&buf[..end]).pair(),
                excerpt: text[start..end].to_string(),
            };
            out.places.push(place);
            out.credentials.push(CredentialMatch {
                span: Span::new(base + start, base + end),
                ..found
            });
        }
        if eof {
            return Ok(out);
        }
        // Keep the context before the next window's own part and the
        // context already read after it.
        let shift = own_end - CONTEXT;
        at_base = at_base.advanced(&buf[..shift]);
        base += shift;
        buf.drain(..shift);
        own_start = CONTEXT;
    }
}

/// Reads until `buf` holds `want` bytes or the input ends; true at the end.
fn fill(reader: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let have = buf.len();
        buf.resize(want, 0);
        match reader.read(&mut buf[have..]) {
            Ok(0) => {
                buf.truncate(have);
                return Ok(true);
            }
            Ok(n) => buf.truncate(have + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(have),
            Err(e) => {
                buf.truncate(have);
                return Err(e);
            }
        }
    }
    Ok(false)
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug)]
struct Position {
    line: usize,
    column: usize,
}

impl Position {
    /// The position after `bytes`.
    fn advanced(self, bytes: &[u8]) -> Position {
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => Position {
                line: self.line + memchr::memchr_iter(b'\n', bytes).count(),
                column: 1 + chars(&bytes[last + 1..]),
            },
            None => Position {
                line: self.line,
                column: self.column + chars(bytes),
            },
        }
    }

    fn pair(self) -> (usize, usize) {
        (self.line, self.column)
    }
}

/// Bytes that start a UTF-8 character (all but continuation bytes).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_51HqLyjWDarjtT1zdp7dcXhTtgyAAhwuZRyRHUMUx3dDdWyX6Sm1R2hMR";

    fn found(bytes: &[u8]) -> Vec<(String, (usize, usize))> {
        let matches = scan(bytes, Catalog::builtin()).unwrap();
        matches
            .credentials
            .iter()
            .zip(&matches.places)
            .map(|(c, p)| {
                let text = String::from_utf8_lossy(&bytes[c.span.range()]).into_owned();
                (text, p.start)
            })
            .collect()
    }

    #[test]
    fn a_nul_byte_does_not_hide_a_key() {
        let bytes = format!("\0\nSTRIPE_SECRET_KEY={KEY}\n");
        assert_eq!(found(bytes.as_bytes()), [(KEY.to_string(), (2, 19))]);
    }

    #[test]
    fn keys_across_window_boundaries_are_found_once() {
        // Keys on each side of, and straddling, the first window's end.
        for at in [WINDOW - 40, WINDOW + CONTEXT - 30, WINDOW + CONTEXT + 5] {
            let mut bytes = vec![b'\n'; at];
            bytes.extend_from_slice(format!("K={KEY}\n").as_bytes());
            bytes.extend(std::iter::repeat_n(b'x', 3 * WINDOW));
            let hits = found(&bytes);
            assert_eq!(hits.len(), 1, "key at {at}: {hits:?}");
            assert_eq!(hits[0], (KEY.to_string(), (at + 1, 3)), "key at {at}");
        }
    }

    #[test]
    fn non_ascii_bytes_keep_offsets() {
        let mut bytes = "é\u{1F600}".as_bytes().to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(format!(" {KEY}").as_bytes());
        let hits = found(&bytes);
        assert_eq!(hits, [(KEY.to_string(), (1, 5))]);
    }
}
