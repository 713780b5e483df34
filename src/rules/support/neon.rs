//! Neon hosts in connection strings (`-pooler` or direct): shared by DB001
//! and DB002.

use crate::secrets::conn_url::ConnUrl;

/// The Neon host of a connection string written in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeonHost<'a> {
    pub host: &'a str,
    pub pooler: bool,
}

/// The Neon host a text's connection string names, when the text holds one
/// whose host is written out. A text may carry a prefix (`--origin-url=`)
/// and expansions elsewhere (`user:${PASS}@host`): only the host must be
/// literal. Template hosts (`<branch-host>.neon.tech`) say nothing.
pub fn neon_host(text: &str) -> Option<NeonHost<'_>> {
    let sep = text.find("://")?;
    let scheme_start = text[..sep]
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .map_or(0, |i| i + 1);
    let url = ConnUrl::parse(text.get(scheme_start..)?)?;
    neon_host_name(url.host)
}

/// A bare host name, when it is a written-out Neon host.
pub fn neon_host_name(host: &str) -> Option<NeonHost<'_>> {
    if !host.to_ascii_lowercase().ends_with(".neon.tech") {
        return None;
    }
    let first_label = host.split('.').next().unwrap_or("");
    if first_label.is_empty() || first_label.contains(['<', '>', '$', '{', '}']) {
        return None;
    }
    Some(NeonHost {
        host,
        pooler: first_label.to_ascii_lowercase().ends_with("-pooler"),
    })
}
