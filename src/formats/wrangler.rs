//! wrangler.toml / wrangler.json / wrangler.jsonc → one spanned model.
//!
//! `[vars]`, `[env.NAME.vars]`, dotted keys, inline tables, every binding
//! kind, `[[hyperdrive]]` (also per env), `main`, `name`, `account_id`,
//! `pages_build_output_dir` and `secrets.required` are kept; everything else is ignored.
//!
//! Spans: a key spans the key as written (quotes included when quoted, so
//! always for JSON); a string value spans its literal, quotes included, while
//! `value` holds it unescaped. Values of the wrong type (`vars = 3`) are
//! skipped, not reported: wrangler's own validation covers those.

mod extract;
mod json;
mod prescan;
mod toml;

use super::ParseFailure;
use crate::span::{Span, Spanned};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    Toml,
    Json,
}

#[derive(Clone, Debug, Default)]
pub struct WranglerConfig {
    /// Top-level `name` (a per-env `name` is not kept).
    pub name: Option<Spanned<String>>,
    pub main: Option<Spanned<String>>,
    /// `pages_build_output_dir`: the config is a Cloudflare Pages project's.
    pub pages_build_output_dir: Option<Spanned<String>>,
    /// The top-level (default, production) environment.
    pub top: EnvConfig,
    /// `env.NAME` sections, in file order.
    pub envs: Vec<NamedEnv>,
}

#[derive(Clone, Debug)]
pub struct NamedEnv {
    /// The env's key under `env` (TOML: the segment in `[env.NAME]`).
    pub name: Spanned<String>,
    pub config: EnvConfig,
}

#[derive(Clone, Debug, Default)]
pub struct EnvConfig {
    /// Whether a `vars` table exists at all (even empty).
    pub has_vars: bool,
    pub vars: Vec<Var>,
    pub bindings: Vec<Binding>,
    pub hyperdrive: Vec<Hyperdrive>,
    /// `secrets.required = [...]` (wrangler's declaration of secret names);
    /// non-string entries are skipped.
    pub secrets_required: Vec<Spanned<String>>,
    /// This scope's own `name` (for an env, the deployed script's name
    /// when it overrides wrangler's `<name>-<env>`).
    pub name: Option<Spanned<String>>,
    /// This scope's `account_id` (`preflight verify` reads the account).
    pub account_id: Option<Spanned<String>>,
    /// True when `ratelimits` has an entry or an `unsafe.bindings` entry
    /// has type `ratelimit` (an empty `ratelimits = []` limits nothing).
    pub has_rate_limit: bool,
}

#[derive(Clone, Debug)]
pub struct Var {
    pub key: Spanned<String>,
    pub value: VarValue,
    /// Span of the value as written (including quotes).
    pub value_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarValue {
    /// A string value, unescaped.
    Str(String),
    /// A number, boolean, array or table: never a credential by itself.
    Other,
}

impl VarValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            VarValue::Str(s) => Some(s),
            VarValue::Other => None,
        }
    }
}

/// A binding (`d1_databases`, `kv_namespaces`, ...) and the name the Worker
/// reads it as (`binding`, or `name` for durable objects).
#[derive(Clone, Debug)]
pub struct Binding {
    /// The wrangler key: `d1_databases`, `kv_namespaces`, `r2_buckets`,
    /// `durable_objects`, `services`, `queues`, `analytics_engine_datasets`,
    /// `ratelimits`, `hyperdrive`, `vectorize`, `ai`, `browser`, ...
    /// (`queues` is `queues.producers[]`; consumers bind nothing.)
    pub kind: String,
    pub name: Spanned<String>,
}

/// A `hyperdrive` entry (also listed in `bindings`).
#[derive(Clone, Debug)]
pub struct Hyperdrive {
    pub binding: Spanned<String>,
    pub id: Option<Spanned<String>>,
    /// `localConnectionString`, used by `wrangler dev`.
    pub local_connection_string: Option<Spanned<String>>,
}

impl WranglerConfig {
    pub fn parse(text: &str, format: ConfigFormat) -> Result<WranglerConfig, ParseFailure> {
        match format {
            ConfigFormat::Toml => toml::parse(text),
            ConfigFormat::Json => json::parse(text),
        }
    }

    /// Every `vars` entry, with the env it belongs to (`None` for top) and
    /// the table's name as a message shows it (`` `env.production.vars` ``).
    pub fn all_vars(&self) -> impl Iterator<Item = (Option<&Spanned<String>>, String, &Var)> {
        self.scopes().flat_map(|(env, scope)| {
            let table = match env {
                None => "`vars`".to_string(),
                Some(name) => format!("`env.{}.vars`", name.value),
            };
            scope.vars.iter().map(move |var| (env, table.clone(), var))
        })
    }

    /// The top level and every env, with the env's name (`None` for top).
    pub fn scopes(&self) -> impl Iterator<Item = (Option<&Spanned<String>>, &EnvConfig)> {
        std::iter::once((None, &self.top))
            .chain(self.envs.iter().map(|e| (Some(&e.name), &e.config)))
    }
}
