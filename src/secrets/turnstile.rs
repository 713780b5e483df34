//! Cloudflare's documented Turnstile test keys.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestKey {
    pub key: &'static str,
    pub secret: bool,
    pub behaviour: &'static str,
}

pub const TEST_KEYS: &[TestKey] = &[
    TestKey { key: "1x00000000000000000000AA", secret: false, behaviour: "always passes" },
    TestKey { key: "1x00000000000000000000BB", secret: false, behaviour: "always passes (invisible)" },
    TestKey { key: "2x00000000000000000000AB", secret: false, behaviour: "always blocks" },
    TestKey { key: "2x00000000000000000000BB", secret: false, behaviour: "always blocks (invisible)" },
    TestKey { key: "3x00000000000000000000FF", secret: false, behaviour: "forces an interactive challenge" },
    TestKey { key: "1x0000000000000000000000000000000AA", secret: true, behaviour: "always passes" },
    TestKey { key: "2x0000000000000000000000000000000AA", secret: true, behaviour: "always fails" },
    TestKey { key: "3x0000000000000000000000000000000AA", secret: true, behaviour: "yields a token-already-spent error" },
];

/// The test key a value is, if any.
pub fn test_key(value: &str) -> Option<&'static TestKey> {
    TEST_KEYS.iter().find(|k| k.key == value.trim())
}

/// Every test key occurring in `text`, with its byte offset.
pub fn find_test_keys(text: &str) -> Vec<(usize, &'static TestKey)> {
    let mut found = Vec::new();
    for key in TEST_KEYS {
        let mut from = 0;
        while let Some(pos) = text[from..].find(key.key) {
            let start = from + pos;
            let end = start + key.key.len();
            // A short site key is a prefix of no secret key, but make sure we
            // matched a whole token, not part of a longer one.
            let before_ok = start == 0 || !text.as_bytes()[start - 1].is_ascii_alphanumeric();
            let after_ok = end == text.len() || !text.as_bytes()[end].is_ascii_alphanumeric();
            if before_ok && after_ok {
                found.push((start, key));
            }
            from = end;
        }
    }
    found.sort_by_key(|(pos, _)| *pos);
    found
}
