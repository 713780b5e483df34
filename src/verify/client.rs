//! The HTTP client of `verify`: read-only GET requests with a bearer token,
//! JSON answers, and every failure turned into an [`ApiError`] that says
//! what went wrong without the token.
//!
//! ureq (synchronous, rustls) rather than an async stack: `verify` makes a
//! handful of sequential requests, so a runtime would buy nothing. Limits:
//! no retries beyond one wait for a short `Retry-After`; proxies come from
//! the usual environment variables (ureq's default).

use std::time::Duration;

use serde_json::Value;

/// A request that takes longer than this is abandoned (`--timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A 429 whose `Retry-After` is at most this long is retried once after the
/// wait; a longer one is reported, since a linter must not stall a CI job
/// for minutes.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(5);

/// Answers larger than this are refused: secret lists and configs are a
/// few kilobytes.
const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;

/// Which API a client talks to: errors are read differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Cloudflare,
    GitHub,
}

impl Service {
    fn label(self) -> &'static str {
        match self {
            Service::Cloudflare => "Cloudflare API",
            Service::GitHub => "GitHub API",
        }
    }
}

/// Why a request gave no answer to judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 401: the token is missing, invalid or expired.
    Unauthorized(String),
    /// 403: the token lacks a permission.
    Forbidden(String),
    /// 404 (Cloudflare code 10007: the script does not exist).
    NotFound(String),
    /// 429, or GitHub's 403 with no rate limit left.
    RateLimited(String),
    /// Any other status.
    Status(u16, String),
    /// No answer: connection refused, DNS, TLS, timeout.
    Transport(String),
    /// An answer that is not the documented JSON.
    Malformed(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Unauthorized(d) => write!(f, "401 unauthorized: {d}"),
            ApiError::Forbidden(d) => write!(f, "403 forbidden: {d}"),
            ApiError::NotFound(d) => write!(f, "404 not found: {d}"),
            ApiError::RateLimited(d) => write!(f, "rate limited: {d}"),
            ApiError::Status(s, d) => write!(f, "HTTP {s}: {d}"),
            ApiError::Transport(d) => write!(f, "no answer: {d}"),
            ApiError::Malformed(d) => write!(f, "unexpected answer: {d}"),
        }
    }
}

/// A client for one API with one token.
pub struct Client {
    agent: ureq::Agent,
    service: Service,
    base: String,
    token: String,
}

impl Client {
    pub fn new(service: Service, base: &str, token: String, timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("preflight/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.into(),
            service,
            base: base.trim_end_matches('/').to_string(),
            token,
        }
    }

    pub fn service(&self) -> Service {
        self.service
    }

    /// GET `path` (with `query`) and parse the JSON answer.
    pub fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        match self.get_once(path, query) {
            Err(Retry::After(wait)) => {
                std::thread::sleep(wait);
                self.get_once(path, query).map_err(Retry::into_error)
            }
            other => other.map_err(Retry::into_error),
        }
    }

    fn get_once(&self, path: &str, query: &[(&str, String)]) -> Result<Value, Retry> {
        let url = format!("{}{}", self.base, path);
        let mut request = self
            .agent
            .get(&url)
            .header("Authorization", &format!("Bearer {}", self.token));
        if self.service == Service::GitHub {
            request = request
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28");
        }
        for (key, value) in query {
            request = request.query(*key, value);
        }
        let mut response = request
            .call()
            .map_err(|e| Retry::No(ApiError::Transport(self.redact(&transport(&e)))))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = header("retry-after");
        let no_rate_left = header("x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
        let reset = header("x-ratelimit-reset");
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_string()
            .map_err(|e| Retry::No(ApiError::Transport(self.redact(&transport(&e)))))?;
        let json: Option<Value> = serde_json::from_str(&text).ok();
        if (200..300).contains(&status) {
            return json.ok_or_else(|| {
                Retry::No(ApiError::Malformed(format!(
                    "{} answered {status} with a body that is not JSON",
                    self.service.label()
                )))
            });
        }
        let detail = self.redact(&self.detail(json.as_ref(), status));
        let rate_limited = status == 429 || (status == 403 && no_rate_left);
        if rate_limited {
            let wait = retry_after
                .as_deref()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            if let Some(wait) = wait.filter(|w| *w <= MAX_RETRY_WAIT) {
                return Err(Retry::After(wait));
            }
            let when = match (retry_after, reset) {
                (Some(after), _) => format!("retry after {} s", after.trim()),
                (None, Some(reset)) => format!("the limit resets at epoch {}", reset.trim()),
                (None, None) => "no Retry-After given".to_string(),
            };
            return Err(Retry::No(ApiError::RateLimited(format!(
                "{detail} ({when})"
            ))));
        }
        Err(Retry::No(match status {
            401 => ApiError::Unauthorized(detail),
            403 => ApiError::Forbidden(detail),
            404 => ApiError::NotFound(detail),
            _ => ApiError::Status(status, detail),
        }))
    }

    /// The API's own words for a failure: Cloudflare's `errors[]` (code and
    /// message), GitHub's `message`.
    fn detail(&self, json: Option<&Value>, status: u16) -> String {
        let from_api = json.and_then(|json| match self.service {
            Service::Cloudflare => {
                let errors = json.get("errors")?.as_array()?;
                let parts: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        let code = e.get("code").and_then(Value::as_i64);
                        let message = e.get("message").and_then(Value::as_str).unwrap_or("");
                        match code {
                            Some(code) => format!("code {code}: {message}"),
                            None => message.to_string(),
                        }
                    })
                    .collect();
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            Service::GitHub => json.get("message")?.as_str().map(str::to_string),
        });
        from_api.unwrap_or_else(|| format!("{} answered {status}", self.service.label()))
    }

    /// Never let the token reach a message, whatever a server echoes.
    fn redact(&self, text: &str) -> String {
        if self.token.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.token, "<token>")
        }
    }
}

enum Retry {
    After(Duration),
    No(ApiError),
}

impl Retry {
    fn into_error(self) -> ApiError {
        match self {
            Retry::After(wait) => ApiError::RateLimited(format!(
                "still rate limited after waiting {} s",
                wait.as_secs()
            )),
            Retry::No(e) => e,
        }
    }
}

fn transport(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "the request timed out".to_string(),
        ureq::Error::ConnectionFailed => "the connection failed".to_string(),
        ureq::Error::HostNotFound => "the host was not found".to_string(),
        other => other.to_string(),
    }
}
