//! Byte spans into a file's text, and values that carry one.

/// A half-open byte range `[start, end)` into one file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub fn empty_at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span shifted right by `offset` bytes: used when a sub-parser
    /// (e.g. the shell front inside a YAML scalar) works on a slice.
    pub fn shifted(self, offset: usize) -> Self {
        Span::new(self.start as usize + offset, self.end as usize + offset)
    }

    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value together with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Line and column (both 1-based, columns in Unicode scalar values) of a
/// byte offset. Offsets past the end or inside a character are clamped.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Where a span is, for the report: start and end as (line, column), and
/// the text it covers (the finding's fingerprint is made from it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub start: (usize, usize),
    pub end: (usize, usize),
    pub excerpt: String,
}

impl Place {
    pub fn of(text: &str, lines: &LineStarts, span: Span) -> Place {
        Place {
            start: lines.line_col(text, span.start as usize),
            end: lines.line_col(text, span.end as usize),
            excerpt: text.get(span.range()).unwrap_or("").to_string(),
        }
    }
}

/// 1-based line number of every byte offset, computed once per file.
#[derive(Clone, Debug, Default)]
pub struct LineStarts(Vec<u32>);

impl LineStarts {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0u32];
        // Built for every file with a finding: memchr's SIMD search is
        // several times faster than a byte loop.
        starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineStarts(starts)
    }

    pub fn line_of(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    pub fn start_of_line(&self, line: usize) -> Option<usize> {
        self.0.get(line.checked_sub(1)?).map(|&s| s as usize)
    }

    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// `line_col` for a text this index was built from, in time
    /// proportional to the line's length rather than the file's.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.start_of_line(line).unwrap_or(0).min(offset);
        (line, text[start..offset].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "ab\nçé=x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'ç' and 'é' are two bytes each: '=' is at byte 7, column 3.
        assert_eq!(line_col(text, 7), (2, 3));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn line_starts_finds_lines() {
        let ls = LineStarts::new("a\nbb\n\nc");
        assert_eq!(ls.line_of(0), 1);
        assert_eq!(ls.line_of(2), 2);
        assert_eq!(ls.line_of(5), 3);
        assert_eq!(ls.line_of(6), 4);
        assert_eq!(ls.start_of_line(4), Some(6));
    }

    #[test]
    fn indexed_line_col_agrees_with_the_scan() {
        let text = "ab\nçé=x\n\nlast";
        let index = LineStarts::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(text, offset),
                line_col(text, offset),
                "offset {offset}"
            );
        }
    }
}
