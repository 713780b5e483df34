//! What `verify` reads from Cloudflare, from the API or from files that
//! wrangler printed. Names and hosts only: a binding's `text` (a plain-text
//! var's value) is never deserialized.
//!
//! Endpoints (API v4, `result` inside the usual `success`/`errors`
//! envelope):
//! - `GET /accounts/{account}/workers/scripts/{script}/secrets`: `[{name, type}]`
//!   (what `wrangler secret list --format json` prints);
//! - `GET /accounts/{account}/workers/scripts/{script}/settings`: `{bindings: [{name, type}]}`;
//! - `GET /accounts/{account}/hyperdrive/configs/{id}`: `{id, name, origin: {host, ...}}`
//!   (what `wrangler hyperdrive get ID` prints).

use serde::Deserialize;
use serde_json::Value;

use super::client::{ApiError, Client};

/// Pages of one list read at most: a Worker has tens of secrets, not
/// thousands; a server that keeps saying "more" is not followed forever.
const MAX_PAGES: u32 = 20;

/// The base URL when `CLOUDFLARE_API_BASE_URL` is not set (as wrangler).
pub const DEFAULT_BASE: &str = "https://api.cloudflare.com/client/v4";

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

/// A binding of the deployed Worker: its name and type (`plain_text`,
/// `secret_text`, `kv_namespace`, ...).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct DeployedBinding {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Deserialize)]
struct Settings {
    #[serde(default)]
    bindings: Vec<DeployedBinding>,
}

/// A Hyperdrive config: its id and its origin's host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HyperdriveConfig {
    pub id: String,
    pub host: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawHyperdrive {
    #[serde(default)]
    id: String,
    #[serde(default)]
    origin: Option<RawOrigin>,
}

#[derive(Debug, Deserialize)]
struct RawOrigin {
    #[serde(default)]
    host: Option<String>,
}

impl From<RawHyperdrive> for HyperdriveConfig {
    fn from(raw: RawHyperdrive) -> Self {
        HyperdriveConfig {
            id: raw.id,
            host: raw.origin.and_then(|o| o.host),
        }
    }
}

/// The names of the secrets set on a deployed script.
pub fn secret_names(client: &Client, account: &str, script: &str) -> Result<Vec<String>, ApiError> {
    let path = format!(
        "/accounts/{}/workers/scripts/{}/secrets",
        segment(account),
        segment(script)
    );
    let items: Vec<Named> = list(client, &path)?;
    Ok(items.into_iter().map(|n| n.name).collect())
}

/// The bindings of a deployed script (its current settings).
pub fn bindings(
    client: &Client,
    account: &str,
    script: &str,
) -> Result<Vec<DeployedBinding>, ApiError> {
    let path = format!(
        "/accounts/{}/workers/scripts/{}/settings",
        segment(account),
        segment(script)
    );
    let result = result(client.get(&path, &[])?)?;
    let settings: Settings = decode(result, "script settings")?;
    Ok(settings.bindings)
}

pub fn hyperdrive(client: &Client, account: &str, id: &str) -> Result<HyperdriveConfig, ApiError> {
    let path = format!(
        "/accounts/{}/hyperdrive/configs/{}",
        segment(account),
        segment(id)
    );
    let raw: RawHyperdrive = decode(result(client.get(&path, &[])?)?, "Hyperdrive config")?;
    Ok(raw.into())
}

/// The output of `wrangler secret list --format json`.
pub fn parse_secret_list(text: &str) -> Result<Vec<String>, String> {
    let items: Vec<Named> = serde_json::from_str(text).map_err(|e| {
        format!("not the JSON array that `wrangler secret list --format json` prints: {e}")
    })?;
    Ok(items.into_iter().map(|n| n.name).collect())
}

/// The output of `wrangler hyperdrive get ID` (its banner lines before the
/// JSON are skipped), or a JSON array of several configs.
pub fn parse_hyperdrive(text: &str) -> Result<Vec<HyperdriveConfig>, String> {
    let start = text
        .lines()
        .position(|line| line.starts_with('{') || line.starts_with('['))
        .map_or(0, |n| text.lines().take(n).map(|l| l.len() + 1).sum());
    let json = text.get(start..).unwrap_or(text);
    let value: Value = serde_json::from_str(json)
        .map_err(|e| format!("not the JSON that `wrangler hyperdrive get ID` prints: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| {
            serde_json::from_value::<RawHyperdrive>(item)
                .map(HyperdriveConfig::from)
                .map_err(|e| format!("not a Hyperdrive config: {e}"))
        })
        .collect()
}

/// Every page of a list endpoint: Cloudflare says in `result_info` when
/// there are more (`total_pages`).
fn list<T: serde::de::DeserializeOwned>(client: &Client, path: &str) -> Result<Vec<T>, ApiError> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let query = if page == 1 {
            Vec::new()
        } else {
            vec![("page", page.to_string())]
        };
        let answer = client.get(path, &query)?;
        let total_pages = answer
            .get("result_info")
            .and_then(|i| i.get("total_pages"))
            .and_then(Value::as_u64)
            .unwrap_or(1);
        let items: Vec<T> = decode(result(answer)?, "list")?;
        let empty = items.is_empty();
        all.extend(items);
        if u64::from(page) >= total_pages || empty {
            return Ok(all);
        }
        if page >= MAX_PAGES {
            return Err(ApiError::Malformed(format!(
                "the list has more than {MAX_PAGES} pages; preflight reads at most that many"
            )));
        }
        page += 1;
    }
}

/// The `result` of a successful answer.
fn result(answer: Value) -> Result<Value, ApiError> {
    if answer.get("success").and_then(Value::as_bool) == Some(false) {
        return Err(ApiError::Malformed(
            "the answer says `success: false`".to_string(),
        ));
    }
    match answer {
        Value::Object(mut map) => map
            .remove("result")
            .ok_or_else(|| ApiError::Malformed("the answer has no `result`".to_string())),
        _ => Err(ApiError::Malformed(
            "the answer is not a JSON object".to_string(),
        )),
    }
}

fn decode<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::Malformed(format!("not the documented {what} shape: {e}")))
}

/// A path segment, percent-encoded beyond the characters script names,
/// account ids and config ids use.
pub(crate) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wranglers_outputs() {
        let names = parse_secret_list(r#"[{"name":"ADMIN_KEY","type":"secret_text"}]"#).unwrap();
        assert_eq!(names, ["ADMIN_KEY"]);
        assert!(parse_secret_list("ADMIN_KEY").is_err());
        let configs = parse_hyperdrive(
            r#"{"id":"abc","name":"db","origin":{"host":"ep-x.us-east-2.aws.neon.tech","port":5432}}"#,
        )
        .unwrap();
        assert_eq!(
            configs[0].host.as_deref(),
            Some("ep-x.us-east-2.aws.neon.tech")
        );
        let banner = "\n \u{26c5}\u{fe0f} wrangler 4.86.0\n\u{2500}\u{2500}\n{\"id\": \"abc\", \"origin\": {\"host\": \"h\"}}\n";
        assert_eq!(parse_hyperdrive(banner).unwrap()[0].id, "abc");
        assert_eq!(segment("my worker/x"), "my%20worker%2Fx");
    }
}
