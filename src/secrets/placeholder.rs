//! Placeholders (docs/architecture.md, "Definitions"): values that are obviously not real credentials.
//!
//! The one place every secret rule asks "is this value a stand-in?":
//!
//! - [`is_placeholder`]: template syntax and marker words (`<your-key>`,
//!   `[password]`, `${X}`, `***`, `xxxx`, `changeme`, `your-...`,
//!   `different-secure-random-string-32-chars`) and connection strings
//!   whose password, user or host is one (`DB_USER:DB_PASSWORD@DB_HOST`).
//!   Safe everywhere, including before SEC008 calls a piped value weak.
//! - [`is_template_dummy`]: also plain dummy words (`FOO`, `TODO`,
//!   `set-me`) and local-development phrases (`dev-local-secret`), for
//!   values whose place says they are not deployed as they stand: env
//!   templates (SEC005) and the severity of SEC001.
//!
//! Limits: the decision reads the value alone, by shape. A real password
//! that happens to be an upper-case snake token with `_` (`HUNTER_2`), or a
//! phrase of development words, is taken for a placeholder; a placeholder
//! in a shape not listed here (`qwerty123`) is taken for a value. Public
//! values (site keys, DSNs, host names) are [`super::public`]'s.

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

/// Connection-string hosts that are the word itself (`user:pw@host:5432`).
const HOST_WORDS: &[&str] = &["host", "hostname"];

/// Whole values that stand in for a credential in a template: a value so
/// short or so plain that no provider issues it (`CLOUDFLARE_API_TOKEN="FOO"`).
/// Only for templates (SEC005): piped into `wrangler secret put`, the same
/// word is a real, weak secret that SEC008 must still see.
const DUMMY_WORDS: &[&str] = &[
    "foo",
    "bar",
    "baz",
    "test",
    "todo",
    "tbd",
    "none",
    "null",
    "secret",
    "token",
    "value",
    "key",
    "supersecret",
    "changeit",
    "set-me",
    "set_me",
    "setme",
    "fill-me",
    "fill_me",
    "n/a",
];

/// Words that describe the value wanted rather than being one
/// (`different-secure-random-string-32-chars`).
const DESCRIPTIVE_WORDS: &[&str] = &[
    "random",
    "chars",
    "characters",
    "generate",
    "generated",
    "different",
];

/// Words of a local-development stand-in (`dev-local-secret`,
/// `my-super-secret-key`): a phrase made only of them is a template value,
/// for templates only (see [`DUMMY_WORDS`]).
const DEV_PHRASE_WORDS: &[&str] = &[
    "dev",
    "local",
    "development",
    "test",
    "testing",
    "secret",
    "key",
    "token",
    "super",
    "my",
    "demo",
    "sample",
    "insecure",
    "not",
    "a",
    "real",
    "value",
    "password",
    "jwt",
    "api",
    "session",
    "auth",
    "only",
    "for",
];

/// Whether `value` is a placeholder: empty or whitespace,
/// `<...>`, `${...}`, `$VAR`, `your-...`/`your_...`, `replace-with-...`,
/// `replace_me`, `...-here`, a run of `xxx`, `...` anywhere (so also values
/// ending in `...` like `pk_test_...`), `changeme`, `example`, `placeholder`,
/// `dummy`, `fake`, a Cloudflare Turnstile test key,
/// `local-dev-secret-change-in-production`; and a database connection string
/// whose password is absent, a placeholder or the word `password`/`pass`/
/// `secret`, or whose host is loopback or a placeholder.
///
/// Besides the usual markers, a whole-value command substitution `$(...)` and
/// the Unicode ellipsis `…` count too: neither is a literal credential; so
/// do a bracketed name (`[password]`), a mask (`***`), a phrase that
/// describes the value (`different-secure-random-string-32-chars`), and in
/// a connection string an upper-case snake token (`DB_USER:DB_PASSWORD@DB_HOST`)
/// or the host `host`.
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

/// The connection-string clause for a password alone: absent (the
/// caller passes ""), a placeholder, or the literal word `password`, `pass`
/// or `secret` (any case).
pub fn is_placeholder_password(password: &str) -> bool {
    let password = password.trim();
    password.is_empty()
        || PASSWORD_WORDS
            .iter()
            .any(|w| password.eq_ignore_ascii_case(w))
        || is_template(password)
        || is_caps_token(password)
}

/// Whether a template (`.env.example`, `.dev.vars.example`) value is a
/// stand-in: a placeholder, a dummy word (`FOO`, `todo`, `supersecret`) or
/// a phrase of local-development words (`dev-local-secret`). Broader than
/// [`is_placeholder`] on purpose: outside a template the same word is a
/// weak real secret.
pub fn is_template_dummy(value: &str) -> bool {
    let value = value.trim();
    if is_placeholder(value) || DUMMY_WORDS.iter().any(|w| value.eq_ignore_ascii_case(w)) {
        return true;
    }
    let words: Vec<&str> = value.split(['-', '_']).collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| DEV_PHRASE_WORDS.iter().any(|d| w.eq_ignore_ascii_case(d)))
}

/// A whole value that names a variable for some tool to substitute
/// (`${AUTH_SECRET}`, `$AUTH_SECRET`). Wrangler substitutes nothing in its
/// config: such a value is deployed as that literal text.
pub fn is_variable_reference(value: &str) -> bool {
    let value = value.trim();
    let name = match value.strip_prefix("${") {
        Some(rest) => match rest.strip_suffix('}') {
            Some(name) => name,
            None => return false,
        },
        None => match value.strip_prefix('$') {
            Some(name) => name,
            None => return false,
        },
    };
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Placeholder rules for a parsed connection string.
pub fn conn_url_is_placeholder(url: &ConnUrl<'_>) -> bool {
    url.password.is_none_or(is_placeholder_password)
        || url.is_local()
        || is_template(url.host)
        || is_caps_token(url.host)
        || HOST_WORDS.iter().any(|w| url.host.eq_ignore_ascii_case(w))
        || url.user.is_some_and(is_caps_token)
}

/// An upper-case snake token with at least one `_` (`DB_PASSWORD`,
/// `DB_HOST`): the name of a value, not the value. Random upper-case
/// passwords seldom hold `_`, and a host name never does.
fn is_caps_token(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && text.contains('_')
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
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
        || has_bracket_template(value)
        || has_brace_template(value)
        || is_shell_reference(value)
        || value.contains("***")
        || is_descriptive_phrase(value)
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

/// `[name]` somewhere: `[`, then at least three letters (with `_`, `-` or
/// spaces between), then `]`: `[password]`, `[YOUR KEY]`. An IPv6 host
/// (`[::1]`) has no run of letters.
fn has_bracket_template(value: &str) -> bool {
    value.match_indices('[').any(|(at, _)| {
        let rest = &value[at + 1..];
        let Some(close) = rest.find(']') else {
            return false;
        };
        let inner = &rest[..close];
        inner.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 3
            && inner
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '_' | '-'))
    })
}

/// Three or more lower-case words joined by `-`/`_`, one of which says
/// what kind of value to put there (`random`, `chars`, `generate`, ...):
/// `different-secure-random-string-32-chars`.
fn is_descriptive_phrase(value: &str) -> bool {
    let words: Vec<&str> = value.split(['-', '_']).collect();
    words.len() >= 3
        && words.iter().all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && words.iter().any(|w| DESCRIPTIVE_WORDS.contains(w))
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

    #[test]
    fn variable_references_are_whole_values_naming_a_variable() {
        for v in ["${AUTH_SECRET}", "$AUTH_SECRET", " ${_X1} "] {
            assert!(is_variable_reference(v), "{v}");
        }
        for v in [
            "${AUTH_SECRET",
            "pre${X}",
            "$",
            "${}",
            "$1abc",
            "${A-B}",
            "abc",
        ] {
            assert!(!is_variable_reference(v), "{v}");
        }
    }

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
            "[password]",
            "[YOUR API KEY]",
            "sk_live_***",
            "****",
            "different-secure-random-string-32-chars",
            "generate-with-openssl-rand",
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
            "a[b]c-x7",
            "k3-random9-zz",
            "correct-horse-battery-staple",
            "FOO",
            "dev-local-secret",
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
            "postgresql://DB_USER:DB_PASSWORD@DB_HOST:DB_PORT/DB_NAME".to_string(),
            format!("postgres://user:{pw}@DB_HOST:5432/app"),
            format!("postgres://DB_USER:{pw}@db.internal/app"),
            "postgres://user:[password]@db.internal/app".to_string(),
            "postgres://user:***@db.internal/app".to_string(),
            format!("postgres://user:{pw}@host:5432/db"),
            "postgres://".to_string(),
            "postgres:///app".to_string(),
        ] {
            assert!(is_placeholder(&value), "{value:?}");
        }
        for value in [
            format!("postgres://user:{pw}@ep-cool-123.us-east-2.aws.neon.tech/app"),
            format!("postgresql+asyncpg://user:{pw}@db.internal/app"),
            format!("mysql://root:{pw}@10.0.0.5:3306/app"),
            "postgres://user:K8JD2LQP7X@db.internal/app".to_string(),
            format!("postgres://user:{pw}@[2001:db8::5]:5432/app"),
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
    fn template_dummies() {
        for value in [
            "FOO",
            "todo",
            "TBD",
            "supersecret",
            "dev-local-secret",
            "my_super_secret",
            "<x>",
            "set-me",
            "CHANGEME",
        ] {
            assert!(is_template_dummy(value), "{value:?}");
        }
        for value in ["q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9", "dev-Tq7Lm2Vx9Rk4", "local"] {
            assert!(!is_template_dummy(value), "{value:?}");
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
