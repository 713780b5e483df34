//! Shannon entropy of a string, in bits per character, and the two
//! judgements built on it: "looks random" (SEC002) and "low entropy" (SEC007).

/// The minimum length, in characters, of a value SEC002 may call random.
pub const MIN_RANDOM_LEN: usize = 20;

/// SEC002's threshold: a value of at least [`MIN_RANDOM_LEN`] characters
/// whose Shannon entropy is at least 3.5 bits per character looks random.
///
/// A random alphanumeric or base64 string of 20 characters scores about 4.1
/// (its ceiling is log2(20) = 4.3), while identifiers, words and sentences
/// mostly stay below 3.5 or fail [`looks_random`]'s other tests. Entropy alone
/// never makes a secret: SEC002 also requires a key whose name hints at a
/// credential (`secrets::names::hints_credential`), so a git SHA under
/// `BUILD_SHA`, which does look random, is not reported.
pub const HIGH_ENTROPY: f64 = 3.5;

/// The threshold for values made only of hex digits, whose alphabet of 16
/// caps entropy at 4 bits per character: a random 20-digit hex string
/// scores about 3.45, so [`HIGH_ENTROPY`] would miss half of them.
pub const HEX_HIGH_ENTROPY: f64 = 3.0;

/// SEC007: below this many bits per character a secret is low-entropy.
pub const LOW_ENTROPY: f64 = 3.0;

/// SEC007: a secret with fewer distinct characters than this is low-entropy.
pub const MIN_DISTINCT_CHARS: usize = 10;

/// Shannon entropy in bits per character (Unicode scalar values); 0 for "".
pub fn shannon(text: &str) -> f64 {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    chars.sort_unstable();
    let total = chars.len() as f64;
    chars
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let p = run.len() as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Whether a value looks like random key material: at least
/// [`MIN_RANDOM_LEN`] characters, no whitespace, not a URL, at least two of
/// the classes lowercase/uppercase/digit (a random token almost always has
/// them, a kebab-case setting like `better-auth-with-clerk-fallback` does
/// not), and entropy at least [`HIGH_ENTROPY`] ([`HEX_HIGH_ENTROPY`] for hex).
///
/// Hex digests count as random: `openssl rand -hex 32` is a real secret, and
/// telling it from a commit SHA is the key name's job, not this function's.
pub fn looks_random(s: &str) -> bool {
    if s.chars().count() < MIN_RANDOM_LEN || s.chars().any(char::is_whitespace) || s.contains("://")
    {
        return false;
    }
    let classes = [
        s.chars().any(|c| c.is_ascii_lowercase()),
        s.chars().any(|c| c.is_ascii_uppercase()),
        s.chars().any(|c| c.is_ascii_digit()),
    ];
    if classes.iter().filter(|present| **present).count() < 2 {
        return false;
    }
    let threshold = if s.chars().all(|c| c.is_ascii_hexdigit()) {
        HEX_HIGH_ENTROPY
    } else {
        HIGH_ENTROPY
    };
    shannon(s) >= threshold
}

/// SEC007's "low entropy": a value a person typed rather than generated.
/// True when it has fewer than [`MIN_DISTINCT_CHARS`] distinct characters,
/// entropy below [`LOW_ENTROPY`], is one chunk repeated (`abcabcabc`), or
/// is mostly a run or sequence (`aaaa`, `abcdef`, `123456`, `987654`).
/// Output of `openssl rand -base64 32` or `-hex 32` is never low-entropy.
pub fn is_low_entropy(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n == 0 {
        return true;
    }
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT_CHARS || shannon(s) < LOW_ENTROPY {
        return true;
    }
    let periodic =
        (1..=n / 2).any(|period| chars.iter().zip(&chars[period..]).all(|(a, b)| a == b));
    if periodic {
        return true;
    }
    // Steps of -1, 0 or +1 between neighbours: keyboard runs and counting.
    // Random base64 has about 5% of them, random hex about 19%.
    let steps = chars
        .windows(2)
        .filter(|pair| (pair[0] as i64 - pair[1] as i64).abs() <= 1)
        .count();
    n > 1 && steps * 2 >= n - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shannon_values() {
        assert_eq!(shannon(""), 0.0);
        assert_eq!(shannon("aaaa"), 0.0);
        assert!((shannon("ab") - 1.0).abs() < 1e-9);
        assert!((shannon("abcd") - 2.0).abs() < 1e-9);
        assert!((shannon("0123456789abcdef") - 4.0).abs() < 1e-9);
        // Counted per character, not per byte.
        assert!((shannon("éé") - 0.0).abs() < 1e-9);
        assert!((shannon("éa") - 1.0).abs() < 1e-9);
    }

    #[test]
    fn random_tokens_look_random() {
        let base64 = "q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9";
        assert!(looks_random(base64));
        let hex40 = "3f786850e387550fdab836ed7e6dc881de23001b";
        assert!(looks_random(hex40));
        let hex20 = "9c1e4f0a7b3d52e8a6f1";
        assert!(looks_random(hex20));
    }

    #[test]
    fn ordinary_values_do_not_look_random() {
        for value in [
            "short1A",
            "better-auth-with-clerk-fallback",
            "https://api.myapp.dev/v1/hooks/a8B3",
            "this is a sentence with Words 123",
            "AAAAAAAAAAAAAAAAAAAAAAAA1",
            "production",
            "",
        ] {
            assert!(!looks_random(value), "{value:?}");
        }
    }

    #[test]
    fn low_entropy_values() {
        for value in [
            "",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "abcabcabcabcabcabcabcabcabcabcabc",
            "passwordpasswordpasswordpassword",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "0123456789012345678901234567890123",
            "zyxwvutsrqponmlkjihgfedcba9876543210",
            "abcdefgh12",
            "11112222333344445555666677778888",
        ] {
            assert!(is_low_entropy(value), "{value:?}");
        }
    }

    #[test]
    fn generated_secrets_are_not_low_entropy() {
        for value in [
            "q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9Xe4Ua6Ws1Qo+/Ai=",
            "3f786850e387550fdab836ed7e6dc881de23001b9c1e4f0a",
            "Vt9mK2pQ7xR4nL8sW1zB6cJ3hF5gD0aYuEiOoPl",
        ] {
            assert!(!is_low_entropy(value), "{value:?}");
        }
    }
}
