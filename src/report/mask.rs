//! Finding the values of assignments (`NAME = "value"`, `NAME: value`,
//! `"NAME": "value"`, `export NAME=value`) in a text, so that snippets and
//! fingerprints never carry a value held under a secret name: SEC001
//! points at the key, so its value sits on the snippet's line.
//!
//! Limits: one assignment per key occurrence on a line, values end at the
//! closing quote or at whitespace, `,`, `;`, `#`, `}` or `]`; multi-line
//! values are masked on their first line only.

use crate::span::Span;

/// The value spans of the assignments in `text` whose key `wanted` accepts.
pub fn assignment_values(text: &str, wanted: impl Fn(&str) -> bool) -> Vec<Span> {
    let bytes = text.as_bytes();
    let is_key = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') || (i > 0 && is_key(bytes[i - 1]))
        {
            i += 1;
            continue;
        }
        let key_start = i;
        while i < bytes.len() && is_key(bytes[i]) {
            i += 1;
        }
        let key = &text[key_start..i];
        let mut j = i;
        if j < bytes.len() && matches!(bytes[j], b'"' | b'\'') {
            j += 1;
        }
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        let Some(&op) = bytes.get(j) else { break };
        let doubled = bytes.get(j + 1) == Some(&op);
        if !matches!(op, b'=' | b':') || doubled {
            continue;
        }
        j += 1;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        let (start, end) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'' | b'`')) => {
                let start = j + 1;
                let len = bytes[start..]
                    .iter()
                    .position(|&b| b == q || b == b'\n')
                    .unwrap_or(bytes.len() - start);
                (start, start + len)
            }
            Some(_) => {
                let len = bytes[j..]
                    .iter()
                    .position(|&b| {
                        b.is_ascii_whitespace() || matches!(b, b',' | b';' | b'#' | b'}' | b']')
                    })
                    .unwrap_or(bytes.len() - j);
                (j, j + len)
            }
            None => break,
        };
        if end > start && wanted(key) {
            out.push(Span::new(start, end));
        }
        i = end.max(i);
    }
    out
}

/// The byte range of the lines that `span` touches.
pub fn lines_of(text: &str, span: Span) -> Span {
    let start = (span.start as usize).min(text.len());
    let end = (span.end as usize).clamp(start, text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    Span::new(line_start, line_end)
}

/// `text` with the characters of each span after the first `shown`
/// replaced by `*`: byte offsets of whole characters stay valid only when
/// the masked characters are ASCII, so multi-byte ones become one `*` per
/// byte.
pub fn masked(text: &str, spans: &[Span], shown: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        let Some(value) = text.get(span.range()) else {
            continue;
        };
        let start = span.start as usize;
        for (i, (offset, c)) in value.char_indices().enumerate() {
            if i >= shown {
                let at = start + offset;
                if let Some(slot) = bytes.get_mut(at..at + c.len_utf8()) {
                    slot.fill(b'*');
                }
            }
        }
    }
    // Whole characters were replaced by ASCII, so this cannot fail.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<&str> {
        assignment_values(text, |_| true)
            .into_iter()
            .map(|s| &text[s.range()])
            .collect()
    }

    #[test]
    fn finds_values_in_every_assignment_shape() {
        assert_eq!(values("ADMIN_KEY = \"hunter2hunter2\""), ["hunter2hunter2"]);
        assert_eq!(values("export API_TOKEN=abc123 # note"), ["abc123"]);
        assert_eq!(values("  \"ADMIN_KEY\": \"x y z\","), ["x y z"]);
        assert_eq!(values("secret: 'v1'\nother: v2"), ["v1", "v2"]);
        assert_eq!(values("a == b; c::d; e ="), Vec::<&str>::new());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(256))]

        /// Any text: the masked text keeps its length and line breaks, and
        /// no quoted value longer than the shown prefix survives whole.
        #[test]
        fn masking_any_text_keeps_its_shape(
            text in "[A-Za-z_ =:\"'#,\n\u{e9}\u{1F600}0-9]{0,200}",
        ) {
            let spans = assignment_values(&text, |_| true);
            let out = masked(&text, &spans, 4);
            proptest::prop_assert_eq!(out.len(), text.len());
            proptest::prop_assert_eq!(out.matches('\n').count(), text.matches('\n').count());
            for span in spans {
                let value = &text[span.range()];
                if value.chars().count() > 4 {
                    proptest::prop_assert!(!out[span.range()].contains(value));
                }
            }
        }
    }

    #[test]
    fn masks_keep_offsets() {
        let text = "K = \"hunter2hunter2\"\nL = é";
        let spans = assignment_values(text, |_| true);
        let out = masked(text, &spans, 4);
        assert_eq!(out, "K = \"hunt**********\"\nL = é");
        assert_eq!(out.len(), text.len());
        assert_eq!(
            &text[lines_of(text, Span::new(0, 1)).range()],
            "K = \"hunter2hunter2\""
        );
    }
}
