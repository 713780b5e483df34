//! RULES.md "placeholder": values that are obviously not real credentials.

use super::conn_url::{self, ConnUrl};
use super::turnstile;

/// Substrings that mark a template value wherever they occur
/// (ASCII case-insensitive).
const CONTAINED_MARKERS: &[&str] = &[
    "...",
    "changeme",
    "change-me",
    "change_me",
    "example",
    "placeholder",
    "dummy",
    "fake",
    "replace_me",
    "replace-me",
    "replaceme",
    "local-dev-secret-change-in-production",
];

/// Connection-string passwords that are the word itself.
const PASSWORD_WORDS: &[&str] = &["password", "pass", "secret"];

/// Whether `value` is a placeholder (RULES.md): empty or whitespace,
/// `<...>`, `${...}`, `$VAR`, `your-...`/`your_...`, `replace-with-...`,
/// `replace_me`, `...-here`, a run of `xxx`, `...` anywhere (so also values
/// ending in `...` like `pk_test_...`), `changeme`, `example`, `placeholder`,
/// `dummy`, `fake`, a Cloudflare Turnstile test key,
/// `local-dev-secret-change-in-production`; and a database connection string
/// whose password is absent, a placeholder or the word `password`/`pass`/
/// `secret`, or whose host is loopback or a placeholder.
///
/// Besides RULES.md's list, a whole-value command substitution `$(...)` and
/// the Unicode ellipsis `…` count too: neither is a literal credential.
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || is_template(value) {
        return true;
    }
    if is_database_scheme(value) {
        return match ConnUrl::parse(value) {
            Some(url) => conn_url_is_placeholder(&url),
            // `postgres://` with no host has no password either.
            None => true,
        };
    }
    false
}

/// RULES.md's connection-string clause for a password alone: absent (the
/// caller passes ""), a placeholder, or the literal word `password`, `pass`
/// or `secret` (any case).
pub fn is_placeholder_password(password: &str) -> bool {
    let password = password.trim();
    password.is_empty()
        || PASSWORD_WORDS
            .iter()
            .any(|w| password.eq_ignore_ascii_case(w))
        || is_template(password)
}

/// Placeholder rules for a parsed connection string.
pub fn conn_url_is_placeholder(url: &ConnUrl<'_>) -> bool {
    url.password.is_none_or(is_placeholder_password) || url.is_local() || is_template(url.host)
}

/// Unmistakable template markers only, for long random bodies (PEM keys)
/// in which short substrings such as `xxx` or `fake` turn up by chance:
/// `...`/`…`, `${`, `<...>`, or a placeholder word standing alone between
/// non-alphanumeric characters (`your`, `here`, `example`, `xxxx`, ...).
pub fn has_placeholder_marker(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "your",
        "here",
        "replace",
        "changeme",
        "example",
        "placeholder",
        "dummy",
        "fake",
        "redacted",
    ];
    text.contains("...")
        || text.contains('…')
        || text.contains("${")
        || has_angle_template(text)
        || text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| {
                WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
                    || (word.len() >= 3 && word.chars().all(|c| c == 'x' || c == 'X'))
            })
}

/// Every placeholder form except the connection-string clause.
fn is_template(value: &str) -> bool {
    let ends_with = |suffix: &str| {
        value.len() >= suffix.len()
            && value.as_bytes()[value.len() - suffix.len()..]
                .eq_ignore_ascii_case(suffix.as_bytes())
    };
    turnstile::test_key(value).is_some()
        || value.contains('…')
        || has_marker(value)
        || has_angle_template(value)
        || has_brace_template(value)
        || is_shell_reference(value)
        || ends_with("-here")
        || ends_with("_here")
        || has_x_run(value)
}

/// Prefixes that mark a template at the start of a word: `your-domain.com`
/// and `https://app.your-domain.com`, but not `flyour-app`.
const WORD_START_MARKERS: &[&str] = &["your-", "your_", "replace-with", "replace_with"];

/// One of [`CONTAINED_MARKERS`] anywhere, or of [`WORD_START_MARKERS`] at
/// the start of a word (ASCII case-insensitive). Asked of every value of
/// every config and env file: one automaton pass instead of a substring
/// search per marker.
fn has_marker(value: &str) -> bool {
    static MARKERS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let markers = MARKERS.get_or_init(|| {
        // Fixed patterns, built by every test of this module: cannot fail.
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CONTAINED_MARKERS.iter().chain(WORD_START_MARKERS))
            .expect("placeholder markers")
    });
    markers.find_overlapping_iter(value).any(|found| {
        found.pattern().as_usize() < CONTAINED_MARKERS.len() || starts_word_at(value, found.start())
    })
}

/// Whether `at` starts a word: the text's start, or after a character that
/// is not alphanumeric.
fn starts_word_at(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn is_database_scheme(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once("://") else {
        return false;
    };
    conn_url::is_database_scheme(scheme)
}

/// `<name>` somewhere: a `<`, then letters/digits/spaces/`_-.:/`, with at
/// least one letter, then `>`. Random symbols around `<`/`>` in a generated
/// password do not form one often enough to matter.
fn has_angle_template(value: &str) -> bool {
    value.match_indices('<').any(|(at, _)| {
        let rest = &value[at + 1..];
        let Some(close) = rest.find('>') else {
            return false;
        };
        let inner = &rest[..close];
        inner.chars().any(|c| c.is_ascii_alphabetic())
            && inner.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | ':' | '/')
            })
    })
}

/// `${...}`: shell/JS interpolation and `${{ secrets.X }}`.
fn has_brace_template(value: &str) -> bool {
    value
        .find("${")
        .is_some_and(|at| value[at + 2..].contains('}'))
}

/// A whole value that is `$VAR` or `$(command)`.
fn is_shell_reference(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('$') else {
        return false;
    };
    if rest.starts_with('(') && rest.ends_with(')') {
        return true;
    }
    let mut chars = rest.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A run of `xxx`: three or more `x` of one case (`xxx`, `XXXX`), or four
/// or more in mixed case. Mixed-case triples are left out because they turn
/// up by chance in about one random 80-character token in 400.
fn has_x_run(value: &str) -> bool {
    let mut lower = 0;
    let mut upper = 0;
    let mut any = 0;
    for c in value.chars() {
        match c {
            'x' => {
                lower += 1;
                upper = 0;
                any += 1;
            }
            'X' => {
                upper += 1;
                lower = 0;
                any += 1;
            }
            _ => {
                lower = 0;
                upper = 0;
                any = 0;
            }
        }
        if lower >= 3 || upper >= 3 || any >= 4 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> String {
        format!("sk_live_{}", "a1B2c3D4".repeat(4))
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(is_placeholder(""));
        assert!(is_placeholder("   \t\n"));
    }

    #[test]
    fn template_forms() {
        for value in [
            "<value>",
            "<your clerk secret key>",
            "sk_live_<key>",
            "${CLERK_SECRET_KEY}",
            "${{ secrets.ADMIN_KEY }}",
            "prefix-${X}-suffix",
            "$ADMIN_KEY",
            "$_under",
            "$(openssl rand -base64 32)",
            "your-secret",
            "YOUR_API_KEY",
            "https://your-domain.com,https://app.your-domain.com",
            "replace-with-a-real-secret",
            "REPLACE_WITH_KEY",
            "replace_me",
            "REPLACE-ME",
            "secret-goes-here",
            "PUT_KEY_HERE",
            "xxx",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAXXXXXXXXXXXXXXXX",
            "ab-xXxX-cd",
            "...",
            "pk_test_...",
            "sk_live_abc…",
            "changeme",
            "ChangeMe123",
            "example",
            "AKIAIOSFODNN7EXAMPLE",
            "https://api.example.com",
            "placeholder",
            "my-PLACEHOLDER-value",
            "dummy",
            "fake-token-123",
            "local-dev-secret-change-in-production",
            "1x0000000000000000000000000000000AA",
            "1x00000000000000000000AA",
            " 3x0000000000000000000000000000000AA ",
        ] {
            assert!(is_placeholder(value), "{value:?}");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        let value = real();
        assert!(!is_placeholder(&value));
        for value in [
            "q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9",
            "0x4AAAAAAABkMYinukE8nzY",
            "$2b$10$abcdefghijABCDEFGHIJ0123456789",
            "a<b9)>x-random",
            "flyour-app",
            "Xx-yy-xX",
            "true",
            "https://api.myapp.dev",
            "here-and-there",
        ] {
            assert!(!is_placeholder(value), "{value:?}");
        }
    }

    #[test]
    fn connection_strings() {
        let pw = "n8Qz2LkV5pR1";
        for value in [
            "postgresql://<user>:<password>@ep-x.neon.tech/db".to_string(),
            "postgres://user:password@db.internal/app".to_string(),
            "postgres://user:PASS@db.internal/app".to_string(),
            "postgres://user:secret@db.internal/app".to_string(),
            "postgres://user@db.internal/app".to_string(),
            "postgres://db.internal/app".to_string(),
            "postgres://user:@db.internal/app".to_string(),
            "postgres://user:${DB_PASSWORD}@db.internal/app".to_string(),
            "postgres://user:$PGPASSWORD@db.internal/app".to_string(),
            format!("postgres://user:{pw}@localhost:5432/app"),
            format!("postgres://user:{pw}@LOCALHOST/app"),
            format!("postgres://user:{pw}@127.0.0.1/app"),
            format!("postgres://user:{pw}@[::1]:5432/app"),
            format!("postgres://user:{pw}@<host>/app"),
            format!("postgres://user:{pw}@your-project.neon.tech/app"),
            format!("mysql://user:{pw}@${{DB_HOST}}/app"),
            "postgres://".to_string(),
            "postgres:///app".to_string(),
        ] {
            assert!(is_placeholder(&value), "{value:?}");
        }
        for value in [
            format!("postgres://user:{pw}@ep-cool-123.us-east-2.aws.neon.tech/app"),
            format!("postgresql+asyncpg://user:{pw}@db.internal/app"),
            format!("mysql://root:{pw}@10.0.0.5:3306/app"),
        ] {
            assert!(!is_placeholder(&value), "{value:?}");
        }
        // Not a connection string: the password clause does not apply.
        assert!(!is_placeholder("https://o1.ingest.sentry.io/1"));
    }

    #[test]
    fn password_words() {
        for pw in [
            "", " ", "password", "Password", "pass", "SECRET", "<pw>", "$PW", "xxx",
        ] {
            assert!(is_placeholder_password(pw), "{pw:?}");
        }
        for pw in ["n8Qz2LkV5pR1", "passw0rd!", "secrets"] {
            assert!(!is_placeholder_password(pw), "{pw:?}");
        }
    }

    #[test]
    fn markers_for_long_bodies() {
        assert!(has_placeholder_marker("MIIEvQIBADANBg...\n"));
        assert!(has_placeholder_marker("\n<your key>\n"));
        assert!(has_placeholder_marker("\nyour private key here\n"));
        assert!(has_placeholder_marker("\nXXXXXXXX\nXXXXXXXX\n"));
        // `xxx` and `fake` inside base64 are chance, not markers.
        assert!(!has_placeholder_marker(
            "\nMIIEvQIBADANxxxBgkqhkiG9w0BAQEFAASCfakeBKcwggSjAgEAAoIBAQC7/+Ab\n"
        ));
    }
}
