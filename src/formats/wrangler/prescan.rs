//! Linear nesting checks run before the text reaches a recursive parser.
//!
//! jsonc-parser descends recursively with no depth limit, and although
//! toml_edit caps array/inline-table recursion, a dotted key or table header
//! with thousands of segments still builds a table chain that deep, and
//! dropping it recurses once per level. Either can overflow the stack on
//! hostile input, so the depth is measured here first, with a lexer that only
//! knows enough about strings and comments not to count brackets inside them.

use crate::formats::{MAX_NESTING, ParseFailure};
use crate::span::Span;

fn too_deep(at: usize, text: &str) -> ParseFailure {
    let len = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    ParseFailure::new(
        Span::new(at, at + len),
        format!("nesting deeper than {MAX_NESTING}"),
    )
}

/// JSON/JSONC: `{`/`[` nesting outside strings (either quote, as
/// jsonc-parser accepts both) and `//`/`/* */` comments.
pub(super) fn json(text: &str) -> Result<(), ParseFailure> {
    #[derive(Clone, Copy)]
    enum State {
        Code,
        Str(u8),
        StrEscape(u8),
        LineComment,
        BlockComment,
    }
    let bytes = text.as_bytes();
    let mut state = State::Code;
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        state = match state {
            State::Code => match b {
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(too_deep(i, text));
                    }
                    State::Code
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    State::Code
                }
                b'"' | b'\'' => State::Str(b),
                b'/' => match bytes.get(i + 1) {
                    Some(b'/') => {
                        i += 1;
                        State::LineComment
                    }
                    Some(b'*') => {
                        i += 1;
                        State::BlockComment
                    }
                    _ => State::Code,
                },
                _ => State::Code,
            },
            State::Str(q) if b == q => State::Code,
            State::Str(q) if b == b'\\' => State::StrEscape(q),
            State::Str(q) | State::StrEscape(q) => State::Str(q),
            State::LineComment if b == b'\n' => State::Code,
            State::LineComment => State::LineComment,
            State::BlockComment if b == b'*' && bytes.get(i + 1) == Some(&b'/') => {
                i += 1;
                State::Code
            }
            State::BlockComment => State::BlockComment,
        };
        i += 1;
    }
    Ok(())
}

/// TOML: the depth of the table tree the text would build. That is the
/// array/inline-table nesting plus the dotted segments of the current table
/// header and of every key on the way down. Dots inside numbers and dates
/// are counted too, which only ever over-estimates by one per value.
pub(super) fn toml(text: &str) -> Result<(), ParseFailure> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        Code,
        Basic,
        BasicEscape,
        Literal,
        MultiBasic,
        MultiBasicEscape,
        MultiLiteral,
        Comment,
    }
    let bytes = text.as_bytes();
    let mut state = State::Code;
    // Dots of the key at each open `[`/`{` level, so that a `,` or a closing
    // bracket can restore the count of the enclosing key.
    let mut open: Vec<usize> = Vec::new();
    let mut outer_dots = 0usize;
    let mut dots = 0usize;
    let mut header_dots = 0usize;
    let mut in_header = false;
    let mut line_has_code = false;
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while let Some(&b) = bytes.get(i) {
        let starts = |s: &[u8]| bytes.get(i..i + s.len()) == Some(s);
        match state {
            State::Code => {
                let at_line_start = !line_has_code;
                if !b.is_ascii_whitespace() && b != b'#' {
                    line_has_code = true;
                }
                match b {
                    b'\n' => {
                        if in_header {
                            in_header = false;
                            // Segments, not dots: `[a]` already nests once.
                            header_dots = dots + 1;
                        }
                        // Arrays may span lines; keys and inline tables may not.
                        if open.is_empty() {
                            dots = 0;
                        }
                        line_has_code = false;
                    }
                    b'#' => state = State::Comment,
                    b'"' if starts(b"\"\"\"") => {
                        i += 2;
                        state = State::MultiBasic;
                    }
                    b'"' => state = State::Basic,
                    b'\'' if starts(b"'''") => {
                        i += 2;
                        state = State::MultiLiteral;
                    }
                    b'\'' => state = State::Literal,
                    b'[' | b']' if in_header => {}
                    b'[' if open.is_empty() && at_line_start => {
                        in_header = true;
                        dots = 0;
                    }
                    b'[' | b'{' => {
                        open.push(dots);
                        outer_dots += dots;
                        dots = 0;
                    }
                    b']' | b'}' => {
                        if let Some(d) = open.pop() {
                            outer_dots -= d;
                            dots = d;
                        }
                    }
                    b',' => dots = 0,
                    b'.' => dots += 1,
                    _ => {}
                }
                let depth = if in_header {
                    dots
                } else {
                    header_dots + outer_dots + dots + open.len()
                };
                if depth > MAX_NESTING {
                    return Err(too_deep(i, text));
                }
            }
            State::Basic | State::Literal if b == b'\n' => {
                // An unterminated one-line string: the parser stops here, so
                // resume counting on the newline as it would have.
                state = State::Code;
                continue;
            }
            State::Basic => match b {
                b'\\' => state = State::BasicEscape,
                b'"' => state = State::Code,
                _ => {}
            },
            State::BasicEscape => state = State::Basic,
            State::Literal => {
                if b == b'\'' {
                    state = State::Code;
                }
            }
            State::MultiBasic => match b {
                b'\\' => state = State::MultiBasicEscape,
                b'"' if starts(b"\"\"\"") => {
                    i += 2;
                    // Up to two more quotes belong to the content.
                    while bytes.get(i + 1) == Some(&b'"') {
                        i += 1;
                    }
                    state = State::Code;
                }
                _ => {}
            },
            State::MultiBasicEscape => state = State::MultiBasic,
            State::MultiLiteral => {
                if starts(b"'''") {
                    i += 2;
                    while bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    }
                    state = State::Code;
                }
            }
            State::Comment => {
                if b == b'\n' {
                    // The code state must see the newline that ends the line.
                    state = State::Code;
                    continue;
                }
            }
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::extract::test_support::on_small_stack;
    use super::super::{ConfigFormat, WranglerConfig};
    use super::*;

    #[test]
    fn json_limit_is_exact() {
        let at_limit = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(json(&at_limit).is_ok());
        let over = "[".repeat(MAX_NESTING + 1);
        let err = json(&over).expect_err("over the limit");
        assert_eq!(err.span, Span::new(MAX_NESTING, MAX_NESTING + 1));
        // Closing brackets bring the depth back down.
        let wide = "[[]]".repeat(MAX_NESTING * 4);
        assert!(json(&wide).is_ok());
    }

    #[test]
    fn json_skips_strings_and_comments() {
        let deep = "{[".repeat(MAX_NESTING);
        for text in [
            format!("\"{deep}\""),
            format!("'{deep}'"),
            format!("\"\\\"{deep}\""),
            format!("// {deep}\n"),
            format!("/* {deep} */"),
        ] {
            assert!(json(&text).is_ok(), "{text:.40}");
        }
        // A `/` that starts no comment is ordinary code.
        assert!(json(&format!("/ {deep}")).is_err());
    }

    #[test]
    fn toml_counts_keys_headers_and_brackets() {
        let ok_dotted = format!("{} = 1\n", vec!["a"; MAX_NESTING].join("."));
        assert!(toml(&ok_dotted).is_ok());
        let over_dotted = format!("{} = 1\n", vec!["a"; MAX_NESTING + 2].join("."));
        assert!(toml(&over_dotted).is_err());
        // A header's depth carries over to the keys below it, until the next.
        let half = vec!["a"; MAX_NESTING / 2 + 1].join(".");
        assert!(toml(&format!("[{half}]\n{half} = 1\n")).is_err());
        assert!(toml(&format!("[{half}]\n[b]\n{half} = 1\n")).is_ok());
        // Sibling keys in an inline table do not add up.
        let siblings = vec!["a.b = 1"; MAX_NESTING].join(", ");
        assert!(toml(&format!("t = {{ {siblings} }}\n")).is_ok());
        // Arrays may span lines; their nesting still counts.
        let lines = "[\n".repeat(MAX_NESTING + 1);
        assert!(toml(&format!("a = {lines}")).is_err());
    }

    #[test]
    fn toml_skips_strings_and_comments() {
        let deep = "[{.".repeat(MAX_NESTING);
        for text in [
            format!("a = \"{deep}\"\n"),
            format!("a = \"\\\"{deep}\"\n"),
            format!("a = '{deep}'\n"),
            format!("a = \"\"\"\n{deep}\n\"\"\"\n"),
            format!("a = \"\"\"\"\"{deep}\"\"\"\"\"\n"),
            format!("a = '''\n{deep}\n'''\n"),
            format!("# {deep}\n"),
            format!("[\"{deep}\"] # {deep}\n"),
        ] {
            assert!(toml(&text).is_ok(), "{text:.40}");
        }
    }

    #[test]
    fn the_limit_is_safe_for_the_parsers_on_a_small_stack() {
        let json_text = format!(
            "{{\"vars\": {}1{}}}",
            "{\"a\":".repeat(MAX_NESTING - 2),
            "}".repeat(MAX_NESTING - 2)
        );
        let toml_text = format!("{} = 1\n", vec!["a"; MAX_NESTING].join("."));
        on_small_stack(move || {
            let json = WranglerConfig::parse(&json_text, ConfigFormat::Json).expect("parses");
            assert!(json.top.has_vars);
            // toml_edit's own, lower recursion limit answers here; either way
            // this must return rather than overflow.
            let _ = WranglerConfig::parse(&toml_text, ConfigFormat::Toml);
        });
    }
}
