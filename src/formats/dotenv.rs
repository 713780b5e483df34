//! `.env`, `.dev.vars` and their templates: `KEY=value` lines with optional
//! `export`, single/double/back quotes, comments and empty values.
//!
//! The accepted syntax is the common ground of the dotenv libraries
//! (motdotla/dotenv, python-dotenv, wrangler's `.dev.vars` reader): a line we
//! cannot read is reported rather than guessed at, because those libraries
//! reject it too and the file then does not do what its author thinks.

use super::ParseFailure;
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct DotEnvFile {
    pub entries: Vec<DotEnvEntry>,
    /// Keys of commented-out entries (`# SENTRY_DSN=`, `#export X=1`): a
    /// template documents optional names this way.
    pub commented_keys: Vec<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct DotEnvEntry {
    pub key: Spanned<String>,
    /// The value with quotes removed and escapes resolved; its span covers
    /// the value as written (quotes included; empty at the `=` for `KEY=`).
    pub value: Spanned<String>,
}

impl DotEnvFile {
    pub fn parse(text: &str) -> Result<DotEnvFile, ParseFailure> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            bare_names: false,
        }
        .run()
    }

    /// A template (`.env.example`): besides `KEY=value` lines, a bare `KEY`
    /// line declares the name with an empty value. Templates that list the
    /// names a project needs, one per line, are common; the dotenv libraries
    /// ignore such lines (or read them as unset), so they are no parse error.
    pub fn parse_template(text: &str) -> Result<DotEnvFile, ParseFailure> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            bare_names: true,
        }
        .run()
    }

    /// The entry for `key` (the last one wins, as in the dotenv libraries).
    pub fn get(&self, key: &str) -> Option<&DotEnvEntry> {
        self.entries.iter().rev().find(|e| e.key.value == key)
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Accept a bare `KEY` line (templates only).
    bare_names: bool,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    /// End of the current line, before any `\r\n` / `\n`.
    fn line_end(&self, from: usize) -> usize {
        let nl = self.bytes[from.min(self.bytes.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |i| from + i);
        if nl > from && self.bytes.get(nl - 1) == Some(&b'\r') {
            nl - 1
        } else {
            nl
        }
    }

    /// Moves past the end of the current line (its newline included).
    fn next_line(&mut self) {
        match self.bytes[self.pos.min(self.bytes.len())..]
            .iter()
            .position(|&b| b == b'\n')
        {
            Some(i) => self.pos += i + 1,
            None => self.pos = self.bytes.len(),
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    fn run(mut self) -> Result<DotEnvFile, ParseFailure> {
        let mut file = DotEnvFile::default();
        if self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        while self.pos < self.bytes.len() {
            self.skip_blanks();
            match self.peek() {
                None => break,
                Some(b'\n') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    continue;
                }
                Some(b'#') => {
                    if let Some(key) = self.commented_key() {
                        file.commented_keys.push(key);
                    }
                    self.next_line();
                    continue;
                }
                _ => {}
            }
            let entry = self.entry()?;
            file.entries.push(entry);
        }
        Ok(file)
    }

    /// The key of a comment line that is a commented-out entry: `#`, blanks,
    /// an optional `export `, a key, blanks, then `=`.
    fn commented_key(&self) -> Option<Spanned<String>> {
        let mut i = self.pos + 1;
        let skip = |mut i: usize| {
            while self.bytes.get(i).is_some_and(|&b| is_blank(b) || b == b'#') {
                i += 1;
            }
            i
        };
        i = skip(i);
        if self.bytes[i.min(self.bytes.len())..].starts_with(b"export")
            && self.bytes.get(i + 6).is_some_and(|&b| is_blank(b))
        {
            i = skip(i + 6);
        }
        let start = i;
        if !self.bytes.get(i).is_some_and(|&b| is_key_start(b)) {
            return None;
        }
        while self.bytes.get(i).is_some_and(|&b| is_key_char(b)) {
            i += 1;
        }
        let end = i;
        while self.bytes.get(i).is_some_and(|&b| is_blank(b)) {
            i += 1;
        }
        (self.bytes.get(i) == Some(&b'='))
            .then(|| Spanned::new(self.slice(start, end).to_string(), Span::new(start, end)))
    }

    fn garbage(&self, line_start: usize) -> ParseFailure {
        let end = self.line_end(line_start);
        let text = self.slice(line_start, end);
        let trimmed_end = line_start + text.trim_end().len();
        ParseFailure::new(
            Span::new(line_start, trimmed_end.max(line_start)),
            "expected `KEY=value`, a comment or a blank line",
        )
    }

    /// One `[export ]KEY = value` line (or several, for a quoted value that
    /// spans lines); leaves `pos` at the start of the next line.
    fn entry(&mut self) -> Result<DotEnvEntry, ParseFailure> {
        let line_start = self.pos;
        if self.bytes[self.pos..].starts_with(b"export")
            && self.bytes.get(self.pos + 6).is_some_and(|&b| is_blank(b))
        {
            let save = self.pos;
            self.pos += 6;
            self.skip_blanks();
            // `export = 1` is a variable called `export`.
            if !self
                .peek()
                .is_some_and(|b| is_key_start(b) || b.is_ascii_digit())
            {
                self.pos = save;
            }
        }
        let key_start = self.pos;
        match self.peek() {
            Some(b) if is_key_start(b) => {}
            Some(b) if b.is_ascii_digit() => {
                let mut end = self.pos;
                while self.bytes.get(end).is_some_and(|&b| is_key_char(b)) {
                    end += 1;
                }
                return Err(ParseFailure::new(
                    Span::new(key_start, end),
                    "invalid variable name: it must not start with a digit",
                ));
            }
            _ => return Err(self.garbage(line_start)),
        }
        while self.peek().is_some_and(is_key_char) {
            self.pos += 1;
        }
        let key_end = self.pos;
        self.skip_blanks();
        if self.bare_names && self.pos == self.line_end(self.pos) {
            let key = Spanned::new(
                self.slice(key_start, key_end).to_string(),
                Span::new(key_start, key_end),
            );
            self.next_line();
            return Ok(DotEnvEntry {
                key,
                value: Spanned::new(String::new(), Span::empty_at(key_end)),
            });
        }
        if self.peek() != Some(b'=') {
            return Err(self.garbage(line_start));
        }
        self.pos += 1;
        let after_eq = self.pos;
        let key = Spanned::new(
            self.slice(key_start, key_end).to_string(),
            Span::new(key_start, key_end),
        );
        self.skip_blanks();
        let value = match self.peek() {
            Some(q @ (b'"' | b'\'' | b'`')) => match self.quoted(q)? {
                Some(v) => v,
                None => self.unquoted(after_eq),
            },
            _ => self.unquoted(after_eq),
        };
        Ok(DotEnvEntry { key, value })
    }

    /// An unquoted value from `pos` to the end of the line, without a
    /// trailing ` # comment` and surrounding blanks.
    fn unquoted(&mut self, after_eq: usize) -> Spanned<String> {
        let start = self.pos;
        let end = self.line_end(start);
        let mut value_end = end;
        let mut i = start;
        while i < end {
            // A `#` opens a comment only after a blank (or as the first
            // character after blanks), so `a#b` and URL fragments survive.
            if self.bytes[i] == b'#'
                && (i == start && start > after_eq || i > start && is_blank(self.bytes[i - 1]))
            {
                value_end = i;
                break;
            }
            i += 1;
        }
        let raw = self.slice(start, value_end);
        let trimmed = raw.trim_end_matches([' ', '\t']);
        let value_end = start + trimmed.len();
        self.pos = end;
        self.next_line();
        if trimmed.is_empty() {
            Spanned::new(String::new(), Span::empty_at(after_eq))
        } else {
            Spanned::new(trimmed.to_string(), Span::new(start, value_end))
        }
    }

    /// A quoted value starting at `pos`. `Ok(None)` when text other than a
    /// comment follows the closing quote on the same line: the libraries
    /// then read the whole rest of the line as an unquoted value.
    fn quoted(&mut self, quote: u8) -> Result<Option<Spanned<String>>, ParseFailure> {
        let open = self.pos;
        let mut i = open + 1;
        let mut value: Vec<u8> = Vec::new();
        let close = loop {
            let Some(&b) = self.bytes.get(i) else {
                return Err(ParseFailure::new(
                    Span::new(open, open + 1),
                    format!("unterminated {} quote", quote_name(quote)),
                ));
            };
            if b == quote {
                break i;
            }
            if b == b'\r' && self.bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            if b == b'\\' && quote == b'"' {
                match self.bytes.get(i + 1) {
                    Some(b'n') => value.push(b'\n'),
                    Some(b'r') => value.push(b'\r'),
                    Some(b't') => value.push(b'\t'),
                    Some(&e @ (b'"' | b'\\' | b'$')) => value.push(e),
                    Some(&e) if e.is_ascii() => {
                        value.push(b'\\');
                        value.push(e);
                    }
                    // A backslash before a multi-byte character or at the
                    // end is kept; the character itself is copied next.
                    _ => {
                        value.push(b'\\');
                        i += 1;
                        continue;
                    }
                }
                i += 2;
                continue;
            }
            value.push(b);
            i += 1;
        };
        let close_end = close + 1;
        let line_end = self.line_end(close_end);
        let rest = self.slice(close_end, line_end);
        let rest_trimmed = rest.trim_start_matches([' ', '\t']);
        let single_line = !self.bytes[open..close].contains(&b'\n');
        if !rest_trimmed.is_empty() && !rest_trimmed.starts_with('#') && single_line {
            return Ok(None);
        }
        self.pos = line_end;
        self.next_line();
        Ok(Some(Spanned::new(
            String::from_utf8_lossy(&value).into_owned(),
            Span::new(open, close_end),
        )))
    }
}

fn quote_name(q: u8) -> &'static str {
    match q {
        b'"' => "double",
        b'\'' => "single",
        _ => "back",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> DotEnvFile {
        DotEnvFile::parse(text).expect("parses")
    }

    fn kv(f: &DotEnvFile) -> Vec<(&str, &str)> {
        f.entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect()
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn commented_out_entries_declare_their_keys() {
        let text = "# header\n# SENTRY_DSN=\n#export A_B = 1\n## C=x\n# note: D is = E\n# e.g. x\n";
        let f = DotEnvFile::parse_template(text).unwrap();
        let keys: Vec<&str> = f.commented_keys.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(keys, ["SENTRY_DSN", "A_B", "C"]);
        assert!(f.entries.is_empty());
    }

    #[test]
    fn plain_values_and_comments() {
        let text =
            "# header\n\nA=1\nexport B = two words  # note\nC=a#b\nD=http://x/#frag\n  E=e\n";
        let f = parse(text);
        assert_eq!(
            kv(&f),
            vec![
                ("A", "1"),
                ("B", "two words"),
                ("C", "a#b"),
                ("D", "http://x/#frag"),
                ("E", "e")
            ]
        );
        assert_eq!(at(text, f.entries[1].key.span), "B");
        assert_eq!(at(text, f.entries[1].value.span), "two words");
    }

    #[test]
    fn empty_value_span_is_after_equals() {
        let text = "A=\nB=   # only a comment\nC = \n";
        let f = parse(text);
        assert_eq!(kv(&f), vec![("A", ""), ("B", ""), ("C", "")]);
        assert_eq!(f.entries[0].value.span, Span::empty_at(2));
        assert_eq!(f.entries[1].value.span, Span::empty_at(5));
        assert!(f.entries[2].value.span.is_empty());
    }

    #[test]
    fn quotes() {
        let text = "S='a \\n $b' # c\nD=\"x\\n\\\"y\\\\\"\nB=`tick`\nH=\"#not comment\"\n";
        let f = parse(text);
        assert_eq!(
            kv(&f),
            vec![
                ("S", "a \\n $b"),
                ("D", "x\n\"y\\"),
                ("B", "tick"),
                ("H", "#not comment")
            ]
        );
        assert_eq!(at(text, f.entries[0].value.span), "'a \\n $b'");
        assert_eq!(at(text, f.entries[1].value.span), "\"x\\n\\\"y\\\\\"");
    }

    #[test]
    fn multiline_double_quotes() {
        let text = "K=\"-----BEGIN\nabc\n-----END\"\nNEXT=1\n";
        let f = parse(text);
        assert_eq!(
            kv(&f),
            vec![("K", "-----BEGIN\nabc\n-----END"), ("NEXT", "1")]
        );
        assert_eq!(
            at(text, f.entries[0].value.span),
            "\"-----BEGIN\nabc\n-----END\""
        );
    }

    #[test]
    fn crlf() {
        let text = "A=1\r\nB=\"two\"\r\n# c\r\n\r\nC=\r\nD=\"x\r\ny\"\r\n";
        let f = parse(text);
        assert_eq!(
            kv(&f),
            vec![("A", "1"), ("B", "two"), ("C", ""), ("D", "x\ny")]
        );
        assert_eq!(at(text, f.entries[0].value.span), "1");
    }

    #[test]
    fn text_after_closing_quote_reads_as_unquoted() {
        let f = parse("A=\"x\"y\n");
        assert_eq!(kv(&f), vec![("A", "\"x\"y")]);
    }

    #[test]
    fn garbage_line_fails_at_that_line() {
        let text = "A=1\nthis is garbage\nB=2\n";
        let err = DotEnvFile::parse(text).unwrap_err();
        assert_eq!(at(text, err.span), "this is garbage");
    }

    #[test]
    fn templates_accept_bare_names_and_nothing_else_does() {
        let text = "API_TOKEN\r\nACCOUNT_ID  \nURL=https://x.dev\nsecretKey";
        let f = DotEnvFile::parse_template(text).unwrap();
        assert_eq!(
            kv(&f),
            vec![
                ("API_TOKEN", ""),
                ("ACCOUNT_ID", ""),
                ("URL", "https://x.dev"),
                ("secretKey", "")
            ]
        );
        assert_eq!(at(text, f.entries[0].key.span), "API_TOKEN");
        assert!(DotEnvFile::parse(text).is_err());
        // A name followed by anything but `=` is still garbage.
        assert!(DotEnvFile::parse_template("A B\n").is_err());
    }

    #[test]
    fn unterminated_quote_fails_at_opening_quote() {
        let text = "A=1\nB=\"open\nC=2\n";
        let err = DotEnvFile::parse(text).unwrap_err();
        assert_eq!(err.span, Span::new(6, 7));
        let err = DotEnvFile::parse("X='abc").unwrap_err();
        assert_eq!(err.span, Span::new(2, 3));
    }

    #[test]
    fn invalid_key_fails() {
        let text = "1ABC=x\n";
        let err = DotEnvFile::parse(text).unwrap_err();
        assert_eq!(at(text, err.span), "1ABC");
        assert!(DotEnvFile::parse("=x\n").is_err());
        assert!(DotEnvFile::parse("export\n").is_err());
    }

    #[test]
    fn export_as_key_and_bom() {
        let f = parse("\u{feff}export=1\nexport  FOO=bar\n");
        assert_eq!(kv(&f), vec![("export", "1"), ("FOO", "bar")]);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for text in [
            "\"",
            "A=\"\\",
            "A=\"\\é\"",
            "A='é",
            "\r",
            "é=1",
            "A=é # é",
            "A=\"x\"\r",
        ] {
            let _ = DotEnvFile::parse(text);
        }
    }
}
