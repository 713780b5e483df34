//! Whether a Worker's code reads the credentials a browser or client sends
//! (cookies, an `Authorization` or API-key header, a session lookup, a
//! secret compare). A `*` CORS origin without `Allow-Credentials` lets any
//! page read what an anonymous request gets; it only matters when the
//! Worker answers differently to a request that carries credentials.
//!
//! Limits: Rust sources record no header reads, so a Worker with Rust
//! source counts as reading credentials (unknown). A credential checked
//! outside the code (Cloudflare Access at the
//! edge, an IP allowlist, mTLS) is not seen, and a header read through a
//! computed name is not either; callers keep such code at the level they
//! would give it without this answer when the Worker is unknown.

use crate::discover::FileKind;
use crate::formats::js::JsFacts;
use crate::project::{Project, WorkerId};

/// Header names (lowercase) that carry a credential.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "cookie", "proxy-authorization"];

/// Parts of a header name that mark a custom credential header
/// (`X-API-Key`, `X-Auth-Token`, `Cf-Access-Jwt-Assertion`).
const CREDENTIAL_HEADER_PARTS: &[&str] = &["key", "token", "auth", "secret", "jwt", "session"];

/// Calls (by method name) that read a cookie, a session or a token.
const CREDENTIAL_CALLS: &[&str] = &[
    "getCookie",
    "getSignedCookie",
    "getSession",
    "getServerSession",
    "verifyJwt",
    "jwtVerify",
    "basicAuth",
    "bearerAuth",
    "jwt",
];

/// True when some source file of `worker` in the loaded batch reads a
/// request credential, or may (Rust source).
pub fn worker_reads_credentials(project: &Project, worker: WorkerId) -> bool {
    project
        .js_files()
        .filter(|(_, file, _)| file.worker == Some(worker))
        .any(|(_, file, facts)| file.kind == FileKind::RustSource || reads_credentials(facts))
}

fn reads_credentials(facts: &JsFacts) -> bool {
    !facts.better_auth.is_empty()
        || facts.env_comparisons().next().is_some()
        || facts.functions.iter().any(|f| {
            f.header_reads()
                .iter()
                .any(|h| is_credential_header(&h.name))
                || f.calls
                    .iter()
                    .any(|c| CREDENTIAL_CALLS.contains(&c.method()))
        })
}

fn is_credential_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CREDENTIAL_HEADERS.contains(&lower.as_str())
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| CREDENTIAL_HEADER_PARTS.contains(&part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers() {
        for name in [
            "Authorization",
            "cookie",
            "X-API-Key",
            "x-auth-token",
            "Cf-Access-Jwt-Assertion",
        ] {
            assert!(is_credential_header(name), "{name}");
        }
        for name in [
            "Origin",
            "Content-Type",
            "CF-Connecting-IP",
            "User-Agent",
            "x-keyboard",
        ] {
            assert!(!is_credential_header(name), "{name}");
        }
    }
}
