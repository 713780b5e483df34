//! `format!` strings and SQL-looking text.

/// What fills one `{…}` of a format string.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum HoleArg {
    /// `{}` (the n-th implicit positional) or `{n}`.
    Index(usize),
    /// `{name}`: a named argument or an inline-captured variable.
    Name(String),
}

/// One `{…}` in a format string.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Hole {
    pub arg: HoleArg,
    /// The text just before it ends with a placeholder sigil (`?{}`, `${}`).
    pub placeholder: bool,
}

/// The holes of a format string (cooked value) and its text with `{…}`
/// for each hole.
pub(super) fn parse_format(fmt: &str) -> (Vec<Hole>, String) {
    let mut holes = Vec::new();
    let mut text = String::new();
    let mut next_pos = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut inner = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    inner.push(d);
                }
                let spec = inner.split(':').next().unwrap_or("").trim();
                let arg = if spec.is_empty() {
                    next_pos += 1;
                    HoleArg::Index(next_pos - 1)
                } else if let Ok(n) = spec.parse::<usize>() {
                    HoleArg::Index(n)
                } else {
                    HoleArg::Name(spec.to_string())
                };
                let mut rev = text.chars().rev();
                let placeholder = match rev.next() {
                    Some('?' | '$') => !matches!(rev.next(), Some('\'' | '"')),
                    _ => false,
                };
                holes.push(Hole { arg, placeholder });
                text.push_str("{…}");
            }
            _ => text.push(c),
        }
    }
    (holes, text)
}

fn has_word(upper: &str, words: &[&str]) -> bool {
    upper
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| words.contains(&w))
}

/// A statement keyword plus FROM/INTO/SET/WHERE/VALUES (rules/DB004.md).
pub(super) fn looks_like_sql(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    has_word(
        &upper,
        &[
            "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "CREATE", "DROP", "ALTER",
        ],
    ) && has_word(&upper, &["FROM", "INTO", "SET", "WHERE", "VALUES"])
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_holes() {
        let (holes, text) =
            parse_format("SELECT {} FROM {{t}} WHERE id = ?{} AND x = {name:?} {0}");
        assert_eq!(text, "SELECT {…} FROM {t} WHERE id = ?{…} AND x = {…} {…}");
        assert_eq!(holes.len(), 4);
        assert_eq!(holes[0].arg, HoleArg::Index(0));
        assert!(holes[1].placeholder);
        assert_eq!(holes[1].arg, HoleArg::Index(1));
        assert_eq!(holes[2].arg, HoleArg::Name("name".into()));
        assert_eq!(holes[3].arg, HoleArg::Index(0));
        assert!(looks_like_sql("select * from users"));
        assert!(!looks_like_sql("selected from the list"));
    }
}
