//! Which variable names hold secrets (docs/architecture.md, "Secret name") and which of
//! those are credentials.

/// The secrets the checklist lists by name.
pub const LISTED_SECRETS: &[&str] = &[
    "BETTER_AUTH_SECRET",
    "TURNSTILE_SECRET_KEY",
    "ADMIN_KEY",
    "CLERK_SECRET_KEY",
    "CLERK_WEBHOOK_SECRET",
    "CF_ACCESS_AUD",
    "CF_ACCESS_CLIENT_ID",
    "CF_ACCESS_CLIENT_SECRET",
    "CORS_ALLOWED_ORIGINS",
    "SENTRY_DSN",
    "ANALYTICS_ACCOUNT_ID",
    "ANALYTICS_API_TOKEN",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "CONTAINER_SECRET",
    "WEBHOOK_URL",
    "DATADOG_API_KEY",
    "NEON_API_KEY",
    "CLOUDFLARE_API_TOKEN",
    "DATABASE_URL",
    "DIRECT_DATABASE_URL",
];

/// Kept out of `[vars]` for confidentiality, but not credentials.
pub const CONFIDENTIAL_NOT_CREDENTIAL: &[&str] = &[
    "CORS_ALLOWED_ORIGINS",
    "WEBHOOK_URL",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "CF_ACCESS_AUD",
    "ANALYTICS_ACCOUNT_ID",
];

const SECRET_SUFFIXES: &[&str] = &[
    "_SECRET",
    "_SECRET_KEY",
    "_TOKEN",
    "_API_KEY",
    "_PASSWORD",
    "_DSN",
    "_PRIVATE_KEY",
    "_DATABASE_URL",
    "_CONNECTION_STRING",
    "_PASSPHRASE",
];

/// Names that hold a secret on their own, without a prefix. Matched only
/// when written in upper case, the env-var convention: a lower-case `token`
/// or `password` is a local variable far more often than a binding.
const BARE_SECRETS: &[&str] = &[
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSPHRASE",
    "API_KEY",
    "APIKEY",
    "SECRET_KEY",
    "PRIVATE_KEY",
];

/// Whether a name is written the way env vars are: upper case, digits, `_`
/// and `-`, with at least one letter.
fn env_style(name: &str) -> bool {
    name.bytes().any(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The name upper-cased, with `-` read as `_` in an env-style name
/// (`c.env['X-API-KEY']`): the suffixes are written with `_`.
fn canonical(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    if env_style(name) {
        upper.replace('-', "_")
    } else {
        upper
    }
}

const PUBLIC_SUFFIXES: &[&str] = &["_PUBLISHABLE_KEY", "_SITE_KEY", "_PUBLIC_KEY", "_JWKS_URL"];

/// The name policy, built from the checklist defaults plus `preflight.toml`.
#[derive(Clone, Debug, Default)]
pub struct SecretNames {
    /// Extra secret names from `[secrets] names`.
    pub extra_secrets: Vec<String>,
    /// Extra public names from `[secrets] public`.
    pub extra_public: Vec<String>,
}

impl SecretNames {
    pub fn is_public_name(&self, name: &str) -> bool {
        let upper = canonical(name);
        self.extra_public
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name))
            || PUBLIC_SUFFIXES.iter().any(|s| upper.ends_with(s))
    }

    /// A secret name: listed, a secret suffix, or a bare secret word in
    /// upper case, and not public.
    pub fn is_secret_name(&self, name: &str) -> bool {
        if self.is_public_name(name) {
            return false;
        }
        let upper = canonical(name);
        LISTED_SECRETS.contains(&upper.as_str())
            || (env_style(name) && BARE_SECRETS.contains(&upper.as_str()))
            || self
                .extra_secrets
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
            || SECRET_SUFFIXES.iter().any(|s| upper.ends_with(s))
    }

    /// A secret name whose value grants access.
    pub fn is_credential_name(&self, name: &str) -> bool {
        self.is_secret_name(name)
            && !CONFIDENTIAL_NOT_CREDENTIAL.contains(&canonical(name).as_str())
    }
}

/// Whether a key hints at a credential (SEC002's entropy condition).
pub fn hints_credential(name: &str) -> bool {
    const HINTS: &[&str] = &[
        "KEY",
        "TOKEN",
        "SECRET",
        "PASS",
        "PWD",
        "AUTH",
        "CREDENTIAL",
        "PRIVATE",
        "DSN",
        "SIGNING",
    ];
    let upper = name.to_ascii_uppercase();
    HINTS.iter().any(|h| upper.contains(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_names() {
        let n = SecretNames::default();
        assert!(n.is_secret_name("ADMIN_KEY"));
        assert!(n.is_secret_name("STRIPE_SECRET_KEY"));
        assert!(n.is_secret_name("clerk_secret_key"));
        assert!(n.is_secret_name("SHADOW_DATABASE_URL"));
        assert!(!n.is_secret_name("TURNSTILE_SITE_KEY"));
        assert!(!n.is_secret_name("CLERK_PUBLISHABLE_KEY"));
        assert!(!n.is_secret_name("COMPILER_VERSION"));
        assert!(n.is_secret_name("CORS_ALLOWED_ORIGINS"));
        assert!(!n.is_credential_name("CORS_ALLOWED_ORIGINS"));
        assert!(n.is_credential_name("DATABASE_URL"));
    }

    #[test]
    fn env_style_names_read_dashes_and_bare_words() {
        let n = SecretNames::default();
        assert!(n.is_credential_name("X-API-KEY"));
        assert!(n.is_credential_name("SECRET"));
        assert!(n.is_credential_name("TOKEN"));
        assert!(n.is_credential_name("API_KEY"));
        assert!(n.is_credential_name("BASIC_AUTH_PASSPHRASE"));
        // Lower-case words are local variables, not bindings.
        assert!(!n.is_secret_name("token"));
        assert!(!n.is_secret_name("password"));
        assert!(!n.is_secret_name("x-api-key"));
        assert!(!n.is_secret_name("X-TURNSTILE-SITE-KEY"));
        assert!(!n.is_secret_name("SECRETARY"));
        assert!(!n.is_secret_name("TOKEN_URL"));
    }
}
