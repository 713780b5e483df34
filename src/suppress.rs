//! Inline suppressions: `preflight: ignore[CODE, CODE2] optional reason` in
//! any comment, on the finding's line or alone on the line above it.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The line the comment is on (1-based).
    pub line: usize,
    /// True when the comment is alone on its line, so it covers the next.
    pub standalone: bool,
    pub codes: Vec<String>,
    pub reason: String,
    /// The `preflight: ignore[...]` text.
    pub span: Span,
}

impl Suppression {
    pub fn covers(&self, code: &str, line: usize) -> bool {
        (line == self.line || (self.standalone && line == self.line + 1))
            && self.codes.iter().any(|c| c.eq_ignore_ascii_case(code))
    }
}

const MARKER: &str = "preflight: ignore[";
const COMMENT_OPENERS: &[&str] = &["#", "//", "/*", "<!--", "--", ";", "*"];

/// Every suppression comment in a text.
pub fn parse_comments(text: &str) -> Vec<Suppression> {
    let mut found = Vec::new();
    if !text.contains(MARKER) {
        return found;
    }
    let mut line_start = 0;
    for (index, line) in text.split('\n').enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(MARKER) {
            let start = from + pos;
            let after = start + MARKER.len();
            let Some(close) = line[after..].find(']') else {
                break;
            };
            let codes: Vec<String> = line[after..after + close]
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            let rest = &line[after + close + 1..];
            // A block comment's reason ends where the comment does.
            let close_at = ["*/", "-->"]
                .iter()
                .filter_map(|end| rest.find(end).map(|i| (i, end.len())))
                .min();
            let (reason, code_after) = match close_at {
                Some((i, len)) => (&rest[..i], !rest[i + len..].trim().is_empty()),
                None => (rest, false),
            };
            let reason = reason.trim().to_string();
            let before = line[..start].trim();
            let standalone =
                !code_after && (before.is_empty() || COMMENT_OPENERS.contains(&before));
            found.push(Suppression {
                line: index + 1,
                standalone,
                codes,
                reason,
                span: Span::new(line_start + start, line_start + after + close + 1),
            });
            from = after + close + 1;
        }
        line_start += line.len() + 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_trailing_and_standalone_comments() {
        let text = "A = 1 # preflight: ignore[SEC001] rotated already\n// preflight: ignore[db003, NET001]\ncall()\n";
        let s = parse_comments(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].line, 1);
        assert!(!s[0].standalone);
        assert_eq!(s[0].codes, vec!["SEC001"]);
        assert_eq!(s[0].reason, "rotated already");
        assert!(s[0].covers("SEC001", 1));
        assert!(!s[0].covers("SEC001", 2));
        assert!(s[1].standalone);
        assert_eq!(s[1].codes, vec!["DB003", "NET001"]);
        assert!(s[1].covers("NET001", 3));
        assert_eq!(&text[s[1].span.range()], "preflight: ignore[db003, NET001]");
    }

    #[test]
    fn html_and_block_comments() {
        let s = parse_comments(
            "<!-- preflight: ignore[SEC003] docs example -->\nx\n/* preflight: ignore[SEC002] */ y\n",
        );
        assert_eq!(s[0].reason, "docs example");
        assert!(s[0].standalone);
        assert_eq!(s[1].reason, "");
        assert!(!s[1].standalone);
    }

    #[test]
    fn unterminated_marker_is_ignored() {
        assert!(parse_comments("# preflight: ignore[SEC001").is_empty());
    }
}
