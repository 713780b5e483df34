//! One home for the queries several rules share, so that no rule imports
//! another: a rule file holds its own judgement, and what two rules ask of
//! the facts lives here, by concern.

pub mod admin_work;
pub mod apps;
pub mod chain;
pub mod cors;
pub mod credentials;
pub mod neon;
pub mod paid;
pub mod routes;
pub mod scripts;
pub mod secrets;
pub mod sources;
pub mod sql;
pub mod ssrf;
pub mod workflows;
