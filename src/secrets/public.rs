//! Values that sit under secret-looking names but are public by design.
//!
//! Asked by the secret rules (SEC001, SEC002, SEC005) before they call a
//! value a credential. Each form is one a provider documents as safe to ship
//! to browsers, or a value with no secret in it at all:
//!
//! - a Cloudflare Turnstile *site* key: `0x4AAAA` and 24 characters
//!   (the 35-character *secret* keys share the prefix and are not public);
//! - a publishable key: `pk_live_...`/`pk_test_...` (Clerk, Stripe);
//! - a PostHog project key: `phc_...`;
//! - a Sentry DSN without its deprecated secret half
//!   (`https://<hex>@o1.ingest.sentry.io/2`, or a self-hosted Sentry's
//!   host): it only lets clients post
//!   events, so it is policy (keep it out of `vars`), not a leak;
//! - a bare host name, cookie domain or origin (`api.example.dev`,
//!   `.example.dev`, `https://auth.example.dev`): no credential is in it.
//!
//! Limits: the check reads the value only. A publishable key pasted under
//! a secret name still means the real secret is missing, which this module
//! cannot see; a host name that is itself confidential (an internal origin)
//! is SEC001's business through the name.

/// What a public value is, or `None` when it may be a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicValue {
    TurnstileSiteKey,
    PublishableKey,
    PostHogProjectKey,
    SentryDsn,
    HostName,
}

impl PublicValue {
    pub fn description(self) -> &'static str {
        match self {
            PublicValue::TurnstileSiteKey => "Turnstile site key",
            PublicValue::PublishableKey => "publishable key",
            PublicValue::PostHogProjectKey => "PostHog project key",
            PublicValue::SentryDsn => "Sentry DSN",
            PublicValue::HostName => "host name",
        }
    }
}

/// The public form `value` has, if any (see the module doc).
pub fn public_value(value: &str) -> Option<PublicValue> {
    let value = value.trim();
    if is_turnstile_site_key(value) {
        Some(PublicValue::TurnstileSiteKey)
    } else if value.starts_with("pk_live_") || value.starts_with("pk_test_") {
        Some(PublicValue::PublishableKey)
    } else if value.starts_with("phc_") {
        Some(PublicValue::PostHogProjectKey)
    } else if is_public_sentry_dsn(value) {
        Some(PublicValue::SentryDsn)
    } else if is_host_or_origin(value) {
        Some(PublicValue::HostName)
    } else {
        None
    }
}

/// The catalog ids whose matches are public by design (see the module
/// doc): reported at a lower severity, never as a leak.
pub fn is_public_credential_id(id: &str) -> bool {
    id == "sentry-dsn"
}

/// Site keys are 24 characters (`0x4AAAAAAA...`, newer `0x4AAAAAAC...`);
/// secret keys, 35. Two spare characters allow for a future widening of
/// site keys without reaching the secrets.
fn is_turnstile_site_key(value: &str) -> bool {
    value.starts_with("0x4AAAA")
        && value.len() <= 26
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `http(s)://<32 hex>@<host>/<digits>`, with no `:<secret>`: the DSN
/// shape, whichever host runs Sentry.
fn is_public_sentry_dsn(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    let Some((key, rest)) = rest.split_once('@') else {
        return false;
    };
    let Some((host, project)) = rest.split_once('/') else {
        return false;
    };
    key.len() == 32
        && key.chars().all(|c| c.is_ascii_hexdigit())
        && is_dns_name(host)
        && !project.is_empty()
        && project.chars().all(|c| c.is_ascii_digit())
}

/// A dotted DNS name (`o1.ingest.sentry.io`, a self-hosted
/// `sentry.example.org`), optionally with a port.
fn is_dns_name(host: &str) -> bool {
    let host = host.split_once(':').map_or(host, |(h, _)| h);
    host.contains('.')
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// A host name (`api.example.dev`), a cookie domain (`.example.dev`),
/// `localhost`, or an origin (`https://host[:port][/]`) without user info.
/// The last label must be letters only and at most 24 long, so dotted
/// tokens (JWTs, `key.secret` pairs) do not pass.
fn is_host_or_origin(value: &str) -> bool {
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .map(|rest| rest.strip_suffix('/').unwrap_or(rest))
        .unwrap_or(value);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let host = host.strip_prefix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && (2..=24).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_forms() {
        for (value, kind) in [
            ("0x4AAAAAACMKiPZdJh8I8IEM", PublicValue::TurnstileSiteKey),
            ("0x4AAAAAAAq8Zr3vT1xKp0Lm", PublicValue::TurnstileSiteKey),
            (
                "pk_live_Y2xlcmsuYmxvcXIuZGV2JA",
                PublicValue::PublishableKey,
            ),
            (
                "pk_test_Y2xlcmsuYmxvcXIuZGV2JA",
                PublicValue::PublishableKey,
            ),
            (
                "phc_Qw8Zr3vT1xKp0LmN7wYb2HcJ5dFg9Wx4sAbCdEf",
                PublicValue::PostHogProjectKey,
            ),
            (
                "https://0f3c9a7b2d5e4f6a8b1c0d9e8f7a6b5c@o123456.ingest.sentry.io/4504123",
                PublicValue::SentryDsn,
            ),
            ("api.bloqr.dev", PublicValue::HostName),
            (".bloqr.dev", PublicValue::HostName),
            ("https://auth.bloqr.dev/", PublicValue::HostName),
            ("http://localhost:8787", PublicValue::HostName),
        ] {
            assert_eq!(public_value(value), Some(kind), "{value:?}");
        }
    }

    #[test]
    fn secrets_are_not_public() {
        for value in [
            // A Turnstile secret key: same prefix, 35 characters.
            "0x4AAAAAAAq8Zr3vT1xKp0LmN7wYb2HcJ5d",
            "0x4AAAAAACMKiPZdJh8I8IEMq8Zr3vT1xKp",
            "sk_live_Y2xlcmsuYmxvcXIuZGV2JA",
            // A DSN with its secret half.
            "https://0f3c9a7b2d5e4f6a8b1c0d9e8f7a6b5c:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d@sentry.io/1",
            "https://deploy:V7pQ2mX9kR4tL8wZ@hooks.bloqr.dev",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJVadQssw5c",
            "q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9Wx4s",
            "https://api.bloqr.dev/hook?token=q8Zr3vT1xKp0LmN7",
            "v1.q8Zr3vT1xKp0LmN7wYb2HcJ5dFg9",
        ] {
            assert_eq!(public_value(value), None, "{value:?}");
        }
    }
}
