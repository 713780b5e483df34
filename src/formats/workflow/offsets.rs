//! From saphyr's character positions to byte offsets, and from offsets in a
//! scalar's value (block indentation removed, lines folded, escapes
//! decoded) back to offsets in the file.

use crate::formats::shell::ShellScript;
use crate::span::Span;

/// The file text, and how to turn saphyr's character indices into bytes.
pub(super) struct Ctx<'t> {
    pub text: &'t str,
    /// Byte offset of every character (and of the end), only for non-ASCII
    /// text: for ASCII the two coincide.
    char_bytes: Option<Vec<u32>>,
}

impl<'t> Ctx<'t> {
    pub fn new(text: &'t str) -> Ctx<'t> {
        let char_bytes = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(b, _)| to_u32(b))
                .chain(std::iter::once(to_u32(text.len())))
                .collect()
        });
        Ctx { text, char_bytes }
    }

    /// Byte offset of a character index (clamped to the end of the text).
    pub fn byte(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(table) => table
                .get(char_index)
                .or(table.last())
                .map_or(0, |&b| b as usize),
        }
    }

    /// The character at a character index, as a byte span (empty at the end).
    pub fn char_span(&self, char_index: usize) -> Span {
        let start = self.byte(char_index);
        let len = self
            .text
            .get(start..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(start, start + len)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How a scalar is written, which decides how its value relates to its
/// source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`: the region is the content lines.
    Block,
}

/// One stretch where value and file agree byte for byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    value: usize,
    file: usize,
    len: usize,
}

/// Maps byte offsets in a scalar's value to byte offsets in the file.
/// Offsets inside a stretch copied verbatim from the file map exactly;
/// offsets in text the file does not hold verbatim (a folded line break, a
/// decoded escape) map to the end of the preceding stretch, and everything
/// stays within the scalar.
#[derive(Clone, Debug)]
pub struct OffsetMap {
    segments: Vec<Segment>,
    /// The scalar as written in the file.
    bounds: Span,
}

impl OffsetMap {
    /// For a value copied verbatim from `file_start`.
    pub fn identity(file_start: usize, len: usize) -> OffsetMap {
        OffsetMap {
            segments: vec![Segment {
                value: 0,
                file: file_start,
                len,
            }],
            bounds: Span::new(file_start, file_start + len),
        }
    }

    /// For a scalar whose source is `file[region]` in the given style and
    /// whose value (as saphyr decoded it) is `value`; `bounds` is the
    /// scalar as written, which every mapped offset stays within.
    pub fn for_scalar(
        file: &str,
        region: std::ops::Range<usize>,
        style: Style,
        value: &str,
        bounds: Span,
    ) -> OffsetMap {
        let runs = source_runs(file, region, style);
        OffsetMap {
            segments: align(value.as_bytes(), file.as_bytes(), &runs),
            bounds,
        }
    }

    /// Narrows (or widens) the span every mapped offset stays within.
    pub fn set_bounds(&mut self, bounds: Span) {
        self.bounds = bounds;
    }

    /// The file offset of a value offset.
    pub fn map(&self, offset: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.value <= offset);
        let mapped = match idx.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(seg) => seg.file + (offset - seg.value).min(seg.len),
            None => self
                .segments
                .first()
                .map_or(self.bounds.start as usize, |s| s.file),
        };
        mapped.clamp(self.bounds.start as usize, self.bounds.end as usize)
    }

    pub fn map_span(&self, span: Span) -> Span {
        let start = self.map(span.start as usize);
        let end = self.map(span.end as usize).max(start);
        Span::new(start, end)
    }

    /// End of the last stretch copied from the file, if any.
    pub fn last_file_end(&self) -> Option<usize> {
        self.segments.iter().map(|s| s.file + s.len).max()
    }
}

/// Moves every span of a script parsed from a scalar's value to file
/// offsets.
pub fn remap_script(script: &mut ShellScript, map: &OffsetMap) {
    script.map_spans(|span| map.map_span(span));
}

/// A piece of the source that should appear verbatim in the value.
/// `slack` counts value bytes allowed before it that are not whitespace
/// (what decoded escapes produce).
#[derive(Clone, Copy, Debug)]
struct Run {
    file: usize,
    len: usize,
    slack: usize,
}

/// Splits a scalar's source into the pieces its value copies verbatim:
/// each line with its indentation and trailing blanks removed, quotes
/// dropped, and split around escapes.
fn source_runs(file: &str, region: std::ops::Range<usize>, style: Style) -> Vec<Run> {
    let bytes = file.as_bytes();
    let end = region.end.min(bytes.len());
    let mut pos = region.start.min(end);
    let mut runs = Vec::new();
    let quote = match style {
        Style::SingleQuoted => Some(b'\''),
        Style::DoubleQuoted => Some(b'"'),
        _ => None,
    };
    if quote.is_some() && bytes.get(pos).copied() == quote {
        pos += 1;
    }
    let mut first = true;
    let mut slack = 0;
    while pos < end {
        let line_end = bytes[pos..end]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(end, |i| pos + i);
        let mut s = pos;
        let mut e = line_end;
        if line_end == end && quote.is_some() && e > s && bytes.get(e - 1).copied() == quote {
            e -= 1;
        }
        if !first {
            while s < e && matches!(bytes[s], b' ' | b'\t') {
                s += 1;
            }
        }
        while e > s && matches!(bytes[e - 1], b' ' | b'\t' | b'\r') {
            e -= 1;
        }
        match style {
            Style::DoubleQuoted => {
                let mut run_start = s;
                let mut i = s;
                while i < e {
                    if bytes[i] == b'\\' {
                        push_run(&mut runs, run_start, i, &mut slack);
                        let len = match bytes.get(i + 1) {
                            Some(b'x') => 4,
                            Some(b'u') => 6,
                            Some(b'U') => 10,
                            _ => 2,
                        };
                        i = (i + len).min(e);
                        while i < e && !file.is_char_boundary(i) {
                            i += 1;
                        }
                        run_start = i;
                        slack += 4;
                    } else {
                        i += 1;
                    }
                }
                push_run(&mut runs, run_start, e, &mut slack);
            }
            Style::SingleQuoted => {
                let mut run_start = s;
                let mut i = s;
                while i < e {
                    if bytes[i] == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        push_run(&mut runs, run_start, i + 1, &mut slack);
                        i += 2;
                        run_start = i;
                    } else {
                        i += 1;
                    }
                }
                push_run(&mut runs, run_start, e, &mut slack);
            }
            Style::Plain | Style::Block => push_run(&mut runs, s, e, &mut slack),
        }
        first = false;
        pos = line_end + 1;
    }
    runs
}

fn push_run(runs: &mut Vec<Run>, start: usize, end: usize, slack: &mut usize) {
    if end > start {
        runs.push(Run {
            file: start,
            len: end - start,
            slack: std::mem::take(slack),
        });
    }
}

/// Finds each run in the value, in order, allowing only whitespace (line
/// breaks, folded spaces, indentation kept by the value) and a run's
/// `slack` of other bytes between consecutive runs. A run that does not
/// fully match keeps its longest matching prefix.
fn align(value: &[u8], file: &[u8], runs: &[Run]) -> Vec<Segment> {
    let mut segments = Vec::with_capacity(runs.len());
    let mut at = 0;
    for run in runs {
        let Some(piece) = file.get(run.file..run.file + run.len) else {
            continue;
        };
        let mut slack = run.slack;
        let mut p = at;
        let mut found = None;
        while p <= value.len() {
            if value[p..].starts_with(piece) {
                found = Some((p, piece.len()));
                break;
            }
            match value.get(p) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => p += 1,
                Some(_) if slack > 0 => {
                    slack -= 1;
                    p += 1;
                }
                _ => break,
            }
        }
        let (p, len) = match found {
            Some(hit) => hit,
            None => {
                // Partial: the longest common prefix where the search stopped,
                // cut back to a character boundary.
                let mut len = value
                    .get(p..)
                    .unwrap_or_default()
                    .iter()
                    .zip(piece)
                    .take_while(|(a, b)| a == b)
                    .count();
                while len > 0 && piece.get(len).is_some_and(|b| (b & 0xC0) == 0x80) {
                    len -= 1;
                }
                (p, len)
            }
        };
        if len > 0 {
            segments.push(Segment {
                value: p,
                file: run.file,
                len,
            });
            at = p + len;
        }
    }
    segments
}

/// The block indicator (`|`, `>`, with optional chomping/indentation
/// indicators) of a block scalar whose content starts at `content_start`,
/// or `None` when the scalar there is not a block scalar.
pub(super) fn block_indicator(text: &str, content_start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let content_start = content_start.min(bytes.len());
    let line_start = bytes[..content_start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Block content starts on a line of its own.
    if !bytes[line_start..content_start]
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
    {
        return None;
    }
    // The header is the closest preceding line that is not blank.
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = bytes[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = &bytes[start..end];
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            return header_indicator(line).map(|i| start + i);
        }
        end = start.checked_sub(1)?;
    }
}

fn header_indicator(line: &[u8]) -> Option<usize> {
    // Drop a comment: `#` at the start or after a blank.
    let code_end = (0..line.len())
        .find(|&i| line[i] == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')))
        .unwrap_or(line.len());
    let mut end = code_end;
    while end > 0 && line[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    let mut i = end;
    let mut modifiers = 0;
    while i > 0 && modifiers < 2 && matches!(line[i - 1], b'+' | b'-' | b'1'..=b'9') {
        i -= 1;
        modifiers += 1;
    }
    let at = i.checked_sub(1)?;
    if !matches!(line[at], b'|' | b'>') {
        return None;
    }
    (at == 0 || matches!(line[at - 1], b' ' | b'\t')).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::shell::{Command, Word};

    #[test]
    fn ctx_converts_chars_to_bytes() {
        let ascii = Ctx::new("abc");
        assert_eq!(ascii.byte(2), 2);
        assert_eq!(ascii.byte(99), 3);
        let text = "é: ü\nx";
        let ctx = Ctx::new(text);
        assert_eq!(ctx.byte(0), 0);
        assert_eq!(ctx.byte(1), 2);
        assert_eq!(ctx.byte(3), 4);
        assert_eq!(ctx.byte(4), 6);
        assert_eq!(ctx.byte(99), text.len());
        assert_eq!(ctx.char_span(3), Span::new(4, 6));
        assert_eq!(ctx.char_span(6), Span::new(8, 8));
    }

    #[test]
    fn literal_block_maps_lines() {
        let file = "run: |\n  echo one\n    indented two\n\n  last\nnext: 1\n";
        let content = file.find("echo").unwrap();
        let region_end = file.find("next").unwrap();
        let value = "echo one\n  indented two\n\nlast\n";
        let map = OffsetMap::for_scalar(
            file,
            content..region_end,
            Style::Block,
            value,
            Span::new(5, region_end),
        );
        for needle in ["one", "indented", "two", "last"] {
            let at = value.find(needle).unwrap();
            let span = map.map_span(Span::new(at, at + needle.len()));
            assert_eq!(&file[span.range()], needle);
        }
        // The newline between lines maps to the end of the previous line.
        assert_eq!(map.map(8), file.find(" one").unwrap() + 4);
    }

    #[test]
    fn folded_and_plain_multiline_map_words() {
        let file = "a: >\n  first line\n  second\nb: plain\n   continued here\n";
        let value = "first line second\n";
        let start = file.find("first").unwrap();
        let map = OffsetMap::for_scalar(
            file,
            start..file.find("b:").unwrap(),
            Style::Block,
            value,
            Span::new(3, 26),
        );
        let at = value.find("second").unwrap();
        assert_eq!(&file[map.map_span(Span::new(at, at + 6)).range()], "second");

        let pstart = file.find("plain").unwrap();
        let pend = file.len() - 1;
        let value = "plain continued here";
        let map = OffsetMap::for_scalar(
            file,
            pstart..pend,
            Style::Plain,
            value,
            Span::new(pstart, pend),
        );
        let at = value.find("here").unwrap();
        assert_eq!(&file[map.map_span(Span::new(at, at + 4)).range()], "here");
    }

    #[test]
    fn quoted_scalars_map_around_escapes() {
        let file = r#"k: "a\tb \"q\" ${{ secrets.X }}""#;
        let start = file.find('"').unwrap();
        let value = "a\tb \"q\" ${{ secrets.X }}";
        let bounds = Span::new(start, file.len());
        let map =
            OffsetMap::for_scalar(file, start..file.len(), Style::DoubleQuoted, value, bounds);
        let at = value.find("${{").unwrap();
        let span = map.map_span(Span::new(at, value.len()));
        assert_eq!(&file[span.range()], "${{ secrets.X }}");
        assert_eq!(&file[map.map_span(Span::new(0, 1)).range()], "a");

        let file = "k: 'it''s ${{ env.A }}'";
        let start = file.find('\'').unwrap();
        let value = "it's ${{ env.A }}";
        let map = OffsetMap::for_scalar(
            file,
            start..file.len(),
            Style::SingleQuoted,
            value,
            Span::new(start, file.len()),
        );
        let at = value.find("${{").unwrap();
        assert_eq!(
            &file[map.map_span(Span::new(at, value.len())).range()],
            "${{ env.A }}"
        );
        // The value's "it's" is written "it''s".
        assert_eq!(&file[map.map_span(Span::new(0, 4)).range()], "it''s");
    }

    #[test]
    fn offsets_stay_inside_the_scalar() {
        let map = OffsetMap::identity(10, 5);
        assert_eq!(map.map(0), 10);
        assert_eq!(map.map(5), 15);
        assert_eq!(map.map(500), 15);
        let empty = OffsetMap::for_scalar("x: ''", 3..5, Style::SingleQuoted, "", Span::new(3, 5));
        assert_eq!(empty.map(7), 3);
    }

    #[test]
    fn remap_script_moves_every_span() {
        let word = |text: &str, s: usize, e: usize| Word {
            text: text.into(),
            span: Span::new(s, e),
            has_expansion: false,
        };
        let mut script = ShellScript {
            commands: vec![Command {
                assignments: Vec::new(),
                words: vec![word("echo", 0, 4), word("hi", 5, 7), word("two", 8, 11)],
                span: Span::new(0, 11),
                stdin: None,
                flag_values: Vec::new(),
            }],
        };
        let file = "run: |\n    echo hi\n    two\n";
        let start = file.find("echo").unwrap();
        let map = OffsetMap::for_scalar(
            file,
            start..file.len(),
            Style::Block,
            "echo hi\ntwo\n",
            Span::new(5, 27),
        );
        remap_script(&mut script, &map);
        let cmd = &script.commands[0];
        let texts: Vec<&str> = cmd.words.iter().map(|w| &file[w.span.range()]).collect();
        assert_eq!(texts, ["echo", "hi", "two"]);
        assert_eq!(&file[cmd.span.range()], "echo hi\n    two");
    }

    #[test]
    fn finds_block_indicators() {
        let text = "a: |-  # note |x\n\n  body\nb: plain\n- >2\n   z\n";
        assert_eq!(block_indicator(text, text.find("body").unwrap()), Some(3));
        assert_eq!(block_indicator(text, text.find("plain").unwrap()), None);
        assert_eq!(
            block_indicator(text, text.find("   z").unwrap() + 1),
            text.find('>')
        );
        assert_eq!(block_indicator("|\nx", 2), Some(0));
        assert_eq!(block_indicator("x", 0), None);
    }
}
