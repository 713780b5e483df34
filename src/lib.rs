//! preflight: a static pre-deploy security linter for Cloudflare Workers +
//! Neon PostgreSQL + Better Auth repositories.
//!
//! Data flows one way: discover → parse (in parallel, per file) → facts →
//! rules → suppress → report.

pub mod baseline;
pub mod check_env;
pub mod cli;
pub mod config;
pub mod discover;
pub mod finding;
pub mod formats;
pub mod hashing;
pub mod project;
pub mod report;
pub mod rule_meta;
pub mod rules;
pub mod run;
pub mod secrets;
pub mod span;
pub mod suppress;
pub mod timing;
pub mod verify;
