//! Cloudflare's documented Turnstile test keys.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestKey {
    pub key: &'static str,
    pub secret: bool,
    pub behaviour: &'static str,
}

pub const TEST_KEYS: &[TestKey] = &[
    TestKey {
        key: "1x00000000000000000000AA",
        secret: false,
        behaviour: "always passes",
    },
    TestKey {
        key: "1x00000000000000000000BB",
        secret: false,
        behaviour: "always passes (invisible)",
    },
    TestKey {
        key: "2x00000000000000000000AB",
        secret: false,
        behaviour: "always blocks",
    },
    TestKey {
        key: "2x00000000000000000000BB",
        secret: false,
        behaviour: "always blocks (invisible)",
    },
    TestKey {
        key: "3x00000000000000000000FF",
        secret: false,
        behaviour: "forces an interactive challenge",
    },
    TestKey {
        key: "1x0000000000000000000000000000000AA",
        secret: true,
        behaviour: "always passes",
    },
    TestKey {
        key: "2x0000000000000000000000000000000AA",
        secret: true,
        behaviour: "always fails",
    },
    TestKey {
        key: "3x0000000000000000000000000000000AA",
        secret: true,
        behaviour: "yields a token-already-spent error",
    },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        assert_eq!(TEST_KEYS.len(), 8);
        for key in TEST_KEYS {
            // Site keys are 24 characters, secret keys 35.
            assert_eq!(
                key.key.len(),
                if key.secret { 35 } else { 24 },
                "{}",
                key.key
            );
            assert_eq!(test_key(key.key), Some(key));
        }
        assert_eq!(TEST_KEYS.iter().filter(|k| k.secret).count(), 3);
    }

    #[test]
    fn test_key_trims_and_rejects_others() {
        let key = test_key("  1x0000000000000000000000000000000AA\n").expect("secret test key");
        assert!(key.secret);
        assert_eq!(key.behaviour, "always passes");
        assert!(test_key("1x00000000000000000000AB").is_none());
        assert!(test_key("0x4AAAAAAABkMYinukE8nzY").is_none());
        assert!(test_key("").is_none());
    }

    #[test]
    fn finds_whole_tokens_in_text() {
        let text = "site = \"1x00000000000000000000AA\"\nsecret=2x0000000000000000000000000000000AA\n\
                    longer=x1x00000000000000000000BB and 3x00000000000000000000FFF";
        let found = find_test_keys(text);
        let keys: Vec<&str> = found.iter().map(|(_, k)| k.key).collect();
        assert_eq!(
            keys,
            [
                "1x00000000000000000000AA",
                "2x0000000000000000000000000000000AA"
            ]
        );
        for (pos, key) in &found {
            assert_eq!(&text[*pos..*pos + key.key.len()], key.key);
        }
    }

    #[test]
    fn finds_repeated_keys_in_order_and_handles_unicode() {
        let text = "é1x00000000000000000000AA 1x00000000000000000000AA";
        let found = find_test_keys(text);
        // `é` is not ASCII alphanumeric, so the first one is a whole token.
        assert_eq!(found.len(), 2);
        assert!(found[0].0 < found[1].0);
        assert!(find_test_keys("").is_empty());
    }
}
