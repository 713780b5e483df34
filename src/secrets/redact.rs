//! Redaction (docs/architecture.md): at most the first 4 characters, then `…` and the
//! length. Every message that mentions a value goes through here.

/// Characters shown of a value longer than [`HIDE_ALL_UP_TO`].
const SHOWN: usize = 4;

/// Values this short show no characters: 4 of 6 would give most of it away.
const HIDE_ALL_UP_TO: usize = 8;

/// `sk_l…(51 chars)`; `…(6 chars)` for short values; `(empty)` for "".
/// Lengths and prefixes count characters, never bytes, so a multi-byte
/// value is neither split nor over-counted.
pub fn redact(value: &str) -> String {
    let len = value.chars().count();
    let unit = if len == 1 { "char" } else { "chars" };
    match len {
        0 => String::from("(empty)"),
        n if n <= HIDE_ALL_UP_TO => format!("…({n} {unit})"),
        n => {
            let shown: String = value.chars().take(SHOWN).collect();
            format!("{shown}…({n} {unit})")
        }
    }
}

/// `text` with every occurrence of `secret` replaced by its redaction, for
/// messages that quote a line. An empty secret leaves `text` unchanged.
pub fn redact_in(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_string();
    }
    text.replace(secret, &redact(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_show_four_chars_and_length() {
        let key = format!("sk_live_{}", "a1B2".repeat(10) + "xyz");
        assert_eq!(key.chars().count(), 51);
        let shown = redact(&key);
        assert_eq!(shown, "sk_l…(51 chars)");
        assert!(!shown.contains(&key));
        assert_eq!(redact("123456789"), "1234…(9 chars)");
    }

    #[test]
    fn short_values_show_nothing() {
        assert_eq!(redact("abcdef"), "…(6 chars)");
        assert_eq!(redact("12345678"), "…(8 chars)");
        assert_eq!(redact("x"), "…(1 char)");
        assert_eq!(redact(""), "(empty)");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(redact("éééééééééé"), "éééé…(10 chars)");
        assert_eq!(redact("ééé"), "…(3 chars)");
    }

    #[test]
    fn redacts_inside_text() {
        let secret = format!("ghp_{}", "Zq9".repeat(12));
        let line = format!("TOKEN={secret} # and again: {secret}");
        let out = redact_in(&line, &secret);
        assert!(!out.contains(&secret));
        assert_eq!(out, "TOKEN=ghp_…(40 chars) # and again: ghp_…(40 chars)");
        assert_eq!(redact_in("nothing here", &secret), "nothing here");
        assert_eq!(redact_in("keep", ""), "keep");
    }

    #[test]
    fn redaction_never_contains_the_value() {
        for value in [
            "Q",
            "abcdefgh",
            "abcdefghi",
            "p@ssw0rd-very-long-secret-value",
        ] {
            let shown = redact(value);
            assert!(!shown.contains(value), "{value:?} -> {shown:?}");
        }
    }
}
